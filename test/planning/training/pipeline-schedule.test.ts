import fc from 'fast-check';
import { PlanningError } from '../../../src/errors';
import { GpuType, ModelSpec } from '../../../src/planning/catalog';
import { RecomputeMode, TrainingPlanner, TrainingPrecision } from '../../../src/planning/training';
import { megatronLayerUnits, MEGATRON_LOGITS_BYTES_PER_TOKEN_VOCAB } from '../../../src/planning/training/activations';
import { modelShape } from '../../../src/planning/training/model-math';
import { peakHeld, PipelineSplit, pipelineSplit, rankLayers } from '../../../src/planning/training/pipeline-schedule';

/**
 * The whole schedule of one rank, written out the way Megatron-Core runs it (schedules.py,
 * forward_backward_pipelining_with_interleaving / _without_interleaving): warm-up forwards, then forward k + W and
 * backward k in turn, then the cool-down backwards. Returns the largest sum of held layers after any forward.
 */
function replayWholeStep(split: PipelineSplit, rank: number, m: number): number {
  const { pp: p, vp: v } = split;
  const total = m * v;
  const warmup = Math.min(total, v === 1 ? p - rank - 1 : 2 * (p - rank - 1) + (v - 1) * p);
  const chunkOf = (k: number, forward: boolean): number => {
    const c = Math.floor((k % (p * v)) / p);
    return forward ? c : v - 1 - c;
  };
  const held: number[] = [];
  let peak = 0;
  const fwd = (k: number): void => {
    held.push(split.chunkLayers(rank, chunkOf(k, true)));
    peak = Math.max(peak, held.reduce((a, b) => a + b, 0));
  };
  // Backward k releases the activations of the oldest forward of the same chunk.
  const bwd = (k: number): void => {
    const layers = split.chunkLayers(rank, chunkOf(k, false));
    const i = held.indexOf(layers);
    held.splice(i, 1);
  };
  for (let k = 0; k < warmup; k++) fwd(k);
  for (let k = 0; k < total - warmup; k++) { fwd(warmup + k); bwd(k); }
  return peak;
}

describe('pipeline split', () => {
  test('Llama 3.1 405B on 16 ranks: 126 layers go 7, 8 × 14, 7, the embedding and the loss each taking a slot (Llama 3 paper §3.3.2)', () => {
    const s = pipelineSplit(126, 16, 1);
    expect(s.method).toBe('embedding-and-loss');
    expect(Array.from({ length: 16 }, (_, r) => rankLayers(s, r))).toEqual([7, ...Array(14).fill(8), 7]);
  });

  test('with 8 virtual stages the first chunk of the first rank holds only the embedding (Llama 3 paper §3.3.2)', () => {
    const s = pipelineSplit(126, 16, 8);
    expect(s.chunkLayers(0, 0)).toBe(0);
    expect(s.chunkLayers(15, 7)).toBe(0);
    expect(s.chunkLayers(0, 1)).toBe(1);
    expect(rankLayers(s, 0)).toBe(7);
  });

  test('an even split where the layers divide, the remainder on ranks 1, 2, … where neither L nor L + 2 does', () => {
    expect(pipelineSplit(80, 16, 5).method).toBe('even');
    const s = pipelineSplit(80, 32, 1);
    expect(s.method).toBe('uneven');
    const layers = Array.from({ length: 32 }, (_, r) => rankLayers(s, r));
    expect(layers.reduce((a, b) => a + b)).toBe(80);
    expect(layers[0]).toBe(2);
    expect(layers.slice(1, 17)).toEqual(Array(16).fill(3));
  });

  test('interleaving without whole chunks is refused', () => {
    expect(() => pipelineSplit(28, 4, 2)).toThrow(/divisible by pp·vp = 8/);
  });
});

describe('activations held at the peak (Megatron-Core schedule)', () => {
  test.each([[8, 4, 96, 64], [16, 8, 128, 64], [4, 2, 32, 16]])('even split, p=%d v=%d L=%d: the first rank holds L·(1 + (p−1)/(pv)) layers, the last ((v−1)p + 1) chunks (exact)', (p, v, L, m) => {
    const s = pipelineSplit(L, p, v);
    expect(peakHeld(s, 0, m).layerMicroBatches).toBe(L * (1 + (p - 1) / (p * v)));
    expect(peakHeld(s, p - 1, m).layerMicroBatches).toBe(((v - 1) * p + 1) * L / (p * v));
  });

  test('plain 1F1B: rank r holds p − r micro-batches of its layers, at most the micro-batches of the step (Narayanan et al. 2021 §2.2.1)', () => {
    const s = pipelineSplit(32, 4, 1);
    expect([0, 1, 2, 3].map((r) => peakHeld(s, r, 16).layerMicroBatches)).toEqual([32, 24, 16, 8]);
    expect(peakHeld(s, 0, 2).layerMicroBatches).toBe(16);
  });

  test('interleaved with as many micro-batches as ranks: every forward runs before the first backward', () => {
    const s = pipelineSplit(126, 16, 8);
    // 16 micro-batches × 8 chunks, 1 layer each except the embedding-only chunk: 7 × 16 on rank 0, 8 × 16 on rank 1.
    expect(peakHeld(s, 0, 16).layerMicroBatches).toBe(112);
    expect(peakHeld(s, 1, 16).layerMicroBatches).toBe(128);
    // With 32 micro-batches rank 1 holds its 2(p−2) + (v−1)p warm-up forwards + 1 = 141 chunks.
    expect(peakHeld(s, 1, 32).layerMicroBatches).toBe(141);
  });

  test('replaying one steady-state period equals replaying the whole step (fast-check, 300 runs)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 2, max: 16 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 0, max: 2 }), fc.nat(),
      (p, v, perChunk, groups, shape, rankSeed) => {
        // L from the chunk size: even, embedding-and-loss, or (plain 1F1B only) uneven.
        const L = shape === 0 ? p * v * perChunk : shape === 1 ? p * v * (perChunk + 1) - 2 : p * perChunk + 1 + (rankSeed % (p - 1));
        const vp = shape === 2 ? 1 : v;
        if (L < p) return;
        const split = pipelineSplit(L, p, vp);
        const m = vp > 1 ? p * groups : groups * 3;
        const rank = rankSeed % p;
        expect(peakHeld(split, rank, m).layerMicroBatches).toBe(replayWholeStep(split, rank, m));
      }), { numRuns: 300 });
  });
});

describe('the planner charges the worst pipeline rank', () => {
  test('interleaved Llama 3.2 1B on 4 ranks: the last rank (tied output copy and fp32 logits) holds 13 chunks, not 1', () => {
    const plan = TrainingPlanner.plan({
      model: ModelSpec.of('llama-3.2-1b'), gpu: GpuType.of('h100-sxm-80gb'), gpus: 4, sequenceLength: 4096, globalBatchTokens: 4096 * 32,
      tensorParallel: 1, pipelineParallel: 4, contextParallel: 1, microBatch: 1, virtualPipelineStages: 4, zeroStage: 1, recompute: RecomputeMode.SELECTIVE,
    });
    expect(plan.explain()).toMatch(/pipeline rank 3 of 4/);
    const shape = modelShape(ModelSpec.of('llama-3.2-1b'));
    const sbh = 4096 * shape.hidden;
    // (v−1)·p + 1 = 13 chunks of 16/(4·4) = 1 layer, the fp32 logits 4·s·V and the final norm input 2·s·h.
    const expected = 13 * megatronLayerUnits(shape, 4096, false) * sbh + MEGATRON_LOGITS_BYTES_PER_TOKEN_VOCAB * 4096 * shape.vocab + 2 * sbh;
    expect(plan.memory.activationsBytes / expected).toBeCloseTo(1, 9);
  });

  test('the plan reports the split, and a virtual stage count that cannot split the layers names the field', () => {
    const base = { model: ModelSpec.of('llama-3.1-405b'), gpu: GpuType.of('h100-sxm-80gb'), gpus: 16384, sequenceLength: 8192, globalBatchTokens: 16 * 2 ** 20, tensorParallel: 8, pipelineParallel: 16, contextParallel: 1, microBatch: 1, precision: TrainingPrecision.BF16_MIXED, zeroStage: 2 };
    const plan = TrainingPlanner.plan({ ...base, virtualPipelineStages: 8 });
    expect(plan.parallelism.pipelineSplit).toBe('embedding-and-loss');
    expect(plan.parallelism.pipelineStageLayers).toEqual([7, ...Array(14).fill(8), 7]);
    const e = (() => { try { TrainingPlanner.plan({ ...base, virtualPipelineStages: 3 }); } catch (x) { return x; } return undefined; })();
    expect(e).toBeInstanceOf(PlanningError);
    expect((e as PlanningError).message).toMatch(/virtualPipelineStages.*3.*126 layers.*128.*try 2, 4, 8/);
  });

  test.each([
    ['pp fixed at 1', { pipelineParallel: 1, virtualPipelineStages: 2 }, /interleaving needs pipeline stages/],
    ['no pipeline size that splits the layers', { pipelineParallel: undefined, virtualPipelineStages: 3 }, /no layout of 16 GPUs can interleave 3 chunks/],
  ])('a fixed virtual stage count is never dropped silently: %s is a PlanningError', (_name, fixed, message) => {
    const run = (): unknown => TrainingPlanner.plan({
      model: ModelSpec.of('llama-3.1-8b'), gpu: GpuType.of('h100-sxm-80gb'), gpus: 16, sequenceLength: 8192, globalBatchTokens: 4 * 2 ** 20, ...fixed,
    });
    expect(run).toThrow(PlanningError);
    expect(run).toThrow(message);
  });
});
