import { Layout, PlanContext } from './context';
import { memoryReserveFor, StageMemory, staticLowerBoundBytes, worstStageMemory } from './memory';
import { slotCounts, splitsEvenly } from './pipeline-schedule';
import { TrainingFramework } from './precision';
import { StepTime, stepTime } from './step-time';
import { PlanningError } from '../../errors';
import { SEARCHED_TENSOR_PARALLEL_LIMIT } from '../private/tensor-parallel';

/** Parallel sizes fixed by the caller; unset ones are searched (internal). */
export interface FixedParallelism {
  readonly tp?: number;
  readonly pp?: number;
  readonly cp?: number;
  readonly ep?: number;
  readonly etp?: number;
  readonly microBatch?: number;
}

/** The fastest fitting layout (internal). */
export interface SearchResult {
  readonly layout: Layout;
  readonly memory: StageMemory;
  readonly time: StepTime;
  readonly evaluated: number;
}

/** Why nothing fitted: the layout that came closest (internal). */
export interface SearchMiss {
  readonly layout: Layout;
  readonly memory: StageMemory;
  /** Model states alone exceed the usable memory. */
  readonly staticOnly: boolean;
}

/** Divisors of n in ascending order. */
export function divisors(n: number): number[] {
  const small: number[] = []; const large: number[] = [];
  for (let i = 1; i * i <= n; i++) {
    if (n % i === 0) { small.push(i); if (i * i !== n) large.unshift(n / i); }
  }
  return [...small, ...large];
}

const eager = (ctx: PlanContext): boolean => ctx.framework !== TrainingFramework.MEGATRON;

/**
 * Tensor-parallel sizes the search tries: within the NVLink domain (and at most {@link SEARCHED_TENSOR_PARALLEL_LIMIT}),
 * dividing the query heads, and either dividing the KV heads or a multiple of them (KV heads are then replicated;
 * Megatron-Core requires `num_query_groups % tp == 0`, vLLM replicates — we allow both for sizing). Eager profiles have no TP.
 */
export function tpCandidates(ctx: PlanContext): number[] {
  if (eager(ctx)) return [1];
  const m = ctx.model;
  const out: number[] = [];
  for (let t = 1; t <= Math.min(ctx.tpMax, SEARCHED_TENSOR_PARALLEL_LIMIT); t++) {
    if (m.attentionHeads % t === 0 && (m.kvHeads % t === 0 || t % m.kvHeads === 0)) out.push(t);
  }
  return out;
}

/** Pipeline sizes: divisors of the layer count plus powers of two (uneven split, largest stage ceil(L/p)). */
export function ppCandidates(ctx: PlanContext): number[] {
  if (eager(ctx)) return [1];
  const set = new Set(divisors(ctx.shape.layers));
  for (let p = 2; p <= ctx.shape.layers; p *= 2) set.add(p);
  return [...set].sort((a, b) => a - b);
}

/** Context-parallel sizes: powers of two with seqLen divisible by 2·cp (load-balanced causal chunks, Megatron-Core CP). */
export function cpCandidates(ctx: PlanContext): number[] {
  if (eager(ctx)) return [1];
  const out = [1];
  for (let c = 2; c <= 64 && ctx.seqLen % (2 * c) === 0 && ctx.seqLen / c >= 1024; c *= 2) out.push(c);
  return out;
}

/** Plain-1F1B bubble fraction above which interleaving is searched. */
const MIN_BUBBLE_FOR_INTERLEAVING = 0.05;

/**
 * Virtual pipeline stages (interleaved 1F1B): v model chunks per GPU, each of whole layers — v divides the
 * layers of a stage, counting the embedding and loss as one layer each as Megatron-Core may
 * (`account_for_embedding_in_pipeline_split`) — and, as Megatron-Core requires, the micro-batches per step
 * divisible by pp. Narayanan et al. 2021 §2.2.2: the bubble shrinks by v, point-to-point traffic grows by v.
 * Interleaving is only considered where the plain 1F1B bubble (p−1)/m exceeds 5% of the step: below that its
 * gain is smaller than the costs the step model leaves out (a launch and a p2p latency per chunk).
 */
export function vpCandidates(ctx: PlanContext, pp: number, gradientAccumulation: number): number[] {
  const v0 = ctx.fixedVirtualStages;
  // A fixed interleaving needs a pipeline: without one the layout is skipped, never silently run as plain 1F1B.
  if (pp === 1) return v0 === undefined || v0 === 1 ? [1] : [];
  const { layers: L, mtpLayers: mtp } = ctx.shape;
  const whole = (v: number): boolean => splitsEvenly(L, pp, v, mtp);
  if (v0 !== undefined) return v0 === 1 || (whole(v0) && gradientAccumulation % pp === 0) ? [v0] : [];
  if (gradientAccumulation % pp !== 0 || (pp - 1) / gradientAccumulation <= MIN_BUBBLE_FOR_INTERLEAVING) return [1];
  const out = new Set<number>([1]);
  for (const slots of slotCounts(L, mtp)) {
    if (slots % pp !== 0) continue;
    for (const v of divisors(slots / pp)) if (v > 1 && whole(v)) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * Expert layouts [etp, ep] for a dense layout: etp is tp (Megatron-Core's default) or 1 (its advice for fine-grained
 * experts), ep a divisor of the expert count, and etp × ep divides tp × cp × dp (the same ranks form the expert grid).
 */
function expertCandidates(ctx: PlanContext, fixed: FixedParallelism, tp: number, cpdp: number): Array<[number, number]> {
  if (!ctx.shape.isMoe) return [[1, 1]];
  const etps = fixed.etp !== undefined ? [fixed.etp] : [...new Set([tp, 1])];
  const out: Array<[number, number]> = [];
  for (const etp of etps) {
    const eps = fixed.ep !== undefined ? [fixed.ep] : divisors(ctx.shape.experts);
    for (const ep of eps) if ((tp * cpdp) % (etp * ep) === 0) out.push([etp, ep]);
  }
  return out;
}

/** Deterministic order: faster first, then smaller tp, pp, cp, ep, micro-batch. */
function better(a: { t: StepTime; l: Layout }, b: { t: StepTime; l: Layout } | undefined): boolean {
  if (!b) return true;
  const d = a.t.stepSeconds - b.t.stepSeconds;
  if (Math.abs(d) > 1e-12 * b.t.stepSeconds) return d < 0;
  const ka = [a.l.tp, a.l.pp, a.l.cp, a.l.ep, a.l.etp, a.l.microBatch, a.l.vp];
  const kb = [b.l.tp, b.l.pp, b.l.cp, b.l.ep, b.l.etp, b.l.microBatch, b.l.vp];
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i];
  return false;
}

/**
 * Searches tp × pp × cp × ep × micro-batch for `gpus` GPUs and returns the fastest layout that fits,
 * or `undefined` plus the closest miss. Pruning: the model-state lower bound (no activations) is
 * checked before any micro-batch is tried, and micro-batches are tried in ascending order and
 * abandoned at the first that does not fit (activation bytes grow with b: in-flight × b =
 * min(p·b, sequences per replica) never decreases).
 */
export function searchLayouts(ctx: PlanContext, gpus: number, fixed: FixedParallelism): {
  best?: SearchResult; miss?: SearchMiss; factorable: boolean;
  /** Some layout was skipped because the fixed virtual stage count does not fit it. */
  vpRejected: boolean;
  /** Some layout was skipped because the fixed expert layout does not divide its tp × cp × dp ranks. */
  expertRejected: boolean;
} {
  const tps = fixed.tp !== undefined ? [fixed.tp] : tpCandidates(ctx);
  const pps = fixed.pp !== undefined ? [fixed.pp] : ppCandidates(ctx);
  const cps = fixed.cp !== undefined ? [fixed.cp] : cpCandidates(ctx);
  let best: { t: StepTime; l: Layout; m: StageMemory } | undefined;
  let miss: SearchMiss | undefined;
  let factorable = false;
  let vpRejected = false;
  let expertRejected = false;
  let evaluated = 0;
  const noteMiss = (l: Layout, m: StageMemory, staticOnly: boolean): void => {
    if (!miss || m.peakBytesPerGpu < miss.memory.peakBytesPerGpu) miss = { layout: l, memory: m, staticOnly };
  };
  for (const tp of tps) {
    for (const pp of pps) {
      if (pp > ctx.shape.layers) continue;
      for (const cp of cps) {
        const mp = tp * pp * cp;
        if (gpus % mp !== 0) continue;
        const dp = gpus / mp;
        if (ctx.globalSeqs % dp !== 0) continue;
        factorable = true;
        const perReplica = ctx.globalSeqs / dp;
        const mbs = fixed.microBatch !== undefined ? (perReplica % fixed.microBatch === 0 ? [fixed.microBatch] : []) : divisors(perReplica);
        const experts = expertCandidates(ctx, fixed, tp, dp * cp);
        if (experts.length === 0) expertRejected = true;
        for (const [etp, ep] of experts) {
          const probe: Layout = { tp, pp, cp, dp, ep, etp, microBatch: mbs[0] ?? 1, gradientAccumulation: perReplica / (mbs[0] ?? 1), vp: 1 };
          if (staticLowerBoundBytes(ctx, probe) > ctx.gpu.memoryBytes * (1 - memoryReserveFor(ctx, probe))) {
            evaluated++;
            noteMiss(probe, worstStageMemory(ctx, probe), true);
            continue;
          }
          for (const mb of mbs) {
            const ga = perReplica / mb;
            let anyFit = false;
            const vps = vpCandidates(ctx, pp, ga);
            if (vps.length === 0) vpRejected = true;
            // Every v is tried: interleaving adds (p−1)/(pv) of the activations, which shrinks as v grows.
            for (const vp of vps) {
              const l: Layout = { tp, pp, cp, dp, ep, etp, microBatch: mb, gradientAccumulation: ga, vp };
              evaluated++;
              const mem = worstStageMemory(ctx, l);
              if (!mem.fits) { noteMiss(l, mem, false); continue; }
              anyFit = true;
              const t = stepTime(ctx, l);
              if (better({ t, l }, best)) best = { t, l, m: mem };
            }
            if (!anyFit && vps.length > 0) break;
          }
        }
      }
    }
  }
  return { best: best ? { layout: best.l, memory: best.m, time: best.t, evaluated } : undefined, miss, factorable, vpRejected, expertRejected };
}

/** GPU counts near `gpus`, other than it, that factor into tp·pp·cp·dp with the fixed sizes kept and dp dividing the global batch (for error messages). */
export function nearbyValidGpuCounts(ctx: PlanContext, fixed: FixedParallelism, gpus: number): number[] {
  const counts = new Set<number>();
  for (const tp of fixed.tp !== undefined ? [fixed.tp] : tpCandidates(ctx)) {
    for (const pp of fixed.pp !== undefined ? [fixed.pp] : ppCandidates(ctx)) {
      for (const cp of fixed.cp !== undefined ? [fixed.cp] : cpCandidates(ctx)) {
        for (const dp of divisors(ctx.globalSeqs)) counts.add(tp * pp * cp * dp);
      }
    }
  }
  counts.delete(gpus);
  const sorted = [...counts].sort((a, b) => Math.abs(a - gpus) - Math.abs(b - gpus) || a - b);
  return sorted.slice(0, 3).sort((a, b) => a - b);
}

/** Every GPU count that is a multiple of `gpusPerNode` and factors into a valid layout, ascending (deadline mode). */
export function candidateGpuCounts(ctx: PlanContext, fixed: FixedParallelism, maxGpus: number): number[] {
  const counts = new Set<number>();
  const tps = fixed.tp !== undefined ? [fixed.tp] : tpCandidates(ctx);
  const pps = fixed.pp !== undefined ? [fixed.pp] : ppCandidates(ctx);
  const cps = fixed.cp !== undefined ? [fixed.cp] : cpCandidates(ctx);
  for (const tp of tps) {
    for (const pp of pps) {
      for (const cp of cps) {
        for (const dp of divisors(ctx.globalSeqs)) {
          const g = tp * pp * cp * dp;
          if (g <= maxGpus && g % ctx.gpusPerNode === 0) counts.add(g);
        }
      }
    }
  }
  return [...counts].sort((a, b) => a - b);
}

/** Throws unless a fixed parallel size is valid for the model and hardware. */
export function validateFixed(ctx: PlanContext, fixed: FixedParallelism): void {
  const m = ctx.model;
  if (fixed.tp !== undefined) {
    if (eager(ctx) && fixed.tp !== 1) throw new PlanningError('tensorParallel', String(fixed.tp), `the ${ctx.framework} profile has no tensor parallelism; use --framework megatron or --tp 1`);
    if (m.attentionHeads % fixed.tp !== 0) throw new PlanningError('tensorParallel', String(fixed.tp), `must divide the ${m.attentionHeads} attention heads of ${m.id}; try ${tpCandidates(ctx).join(', ')}`);
    if (!(m.kvHeads % fixed.tp === 0 || fixed.tp % m.kvHeads === 0)) throw new PlanningError('tensorParallel', String(fixed.tp), `must divide or be a multiple of the ${m.kvHeads} KV heads of ${m.id}`);
    if (fixed.tp > ctx.tpMax) throw new PlanningError('tensorParallel', String(fixed.tp), `must stay inside one NVLink domain (${ctx.tpMax} GPUs for ${ctx.gpu.id} on this node shape)`);
  }
  if (fixed.pp !== undefined) {
    if (eager(ctx) && fixed.pp !== 1) throw new PlanningError('pipelineParallel', String(fixed.pp), `the ${ctx.framework} profile has no pipeline parallelism; use --framework megatron or --pp 1`);
    if (fixed.pp > m.layers) throw new PlanningError('pipelineParallel', String(fixed.pp), `must be at most the ${m.layers} layers of ${m.id}`);
  }
  const v = ctx.fixedVirtualStages;
  const p = fixed.pp ?? 1;
  if (v !== undefined && v > 1 && fixed.pp === 1) {
    throw new PlanningError('virtualPipelineStages', String(v), 'interleaving needs pipeline stages: set --pp above 1 (or leave it unset to search), or use 1');
  }
  if (v !== undefined && v > 1 && p > 1) {
    const { layers: L, mtpLayers: mtp } = ctx.shape;
    if (!splitsEvenly(L, p, v, mtp)) {
      const ok = slotCounts(L, mtp).flatMap(divisors).filter((d) => d > 1 && splitsEvenly(L, p, d, mtp));
      const counted = `${L + 2} counting the embedding and the loss${mtp ? `, or ${L + 2 + mtp} with the ${mtp} MTP module${mtp > 1 ? 's' : ''}` : ''}`;
      throw new PlanningError('virtualPipelineStages', String(v), `needs the ${L} layers of ${m.id}, or ${counted}, divisible by pp × v = ${p * v}; ${ok.length ? `try ${[...new Set(ok)].sort((a, b) => a - b).join(', ')} or 1` : 'use 1 (plain 1F1B)'}`);
    }
  }
  for (const [field, value] of [['expertParallel', fixed.ep], ['expertTensorParallel', fixed.etp]] as const) {
    if (value === undefined || value === 1) continue;
    if (!ctx.shape.isMoe) throw new PlanningError(field, String(value), `${m.id} has no experts; use 1 or leave it unset`);
    if (eager(ctx)) throw new PlanningError(field, String(value), `the ${ctx.framework} profile has no expert parallelism; use --framework megatron or 1`);
  }
  if (fixed.ep !== undefined && ctx.shape.isMoe && ctx.shape.experts % fixed.ep !== 0) {
    throw new PlanningError('expertParallel', String(fixed.ep), `must divide the ${ctx.shape.experts} routed experts of ${m.id}; try ${divisors(ctx.shape.experts).join(', ')}`);
  }
  if (fixed.etp !== undefined && fixed.etp > ctx.tpMax) {
    throw new PlanningError('expertTensorParallel', String(fixed.etp), `must stay inside one NVLink domain (${ctx.tpMax} GPUs for ${ctx.gpu.id} on this node shape)`);
  }
  if (fixed.cp !== undefined) {
    if (eager(ctx) && fixed.cp !== 1) throw new PlanningError('contextParallel', String(fixed.cp), `the ${ctx.framework} profile has no context parallelism; use --framework megatron or --cp 1`);
    if (fixed.cp > 1 && ctx.seqLen % (2 * fixed.cp) !== 0) throw new PlanningError('contextParallel', String(fixed.cp), `sequence length ${ctx.seqLen} must be divisible by 2 × cp (load-balanced causal chunks)`);
  }
}
