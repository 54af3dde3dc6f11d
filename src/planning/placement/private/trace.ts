import { ClusterState, Interner, MILLI, NodeInit, PodReq, Rng } from './cluster';
import { placePod } from './online';
import { AIDC_FRAG_OPTIONS, AIDC_OPTIONS, AIDC_TYPICAL_THRESHOLD, AidcPolicy, FragModel, Policy, TypicalPod } from './policies';
import { PlanningError } from '../../../errors';

/**
 * The Alibaba GPU cluster trace v2023 ("openb") and the FGD paper's evaluation procedure
 * (Weng et al., USENIX ATC'23 §6; hkust-adsl/kubernetes-scheduler-simulator: pkg/simulator/simulator.go
 * SortClusterPods / TunePodsByNodeTotalResource, experiments/analysis/merge_alloc_discrete_0920.py).
 * Pure functions over CSV text; the benchmark reads the files.
 */

const MIB = 2 ** 20;

/** A trace pod. */
export interface TracePod extends PodReq {
  readonly name: string;
  /** `gpu_spec` as written, e.g. `V100M16|V100M32` ('' = any model). */
  readonly gpuSpec: string;
}

const NODE_COLUMNS = ['sn', 'cpu_milli', 'memory_mib', 'gpu', 'model'];
const POD_COLUMNS = ['name', 'cpu_milli', 'memory_mib', 'num_gpu', 'gpu_milli'];

/**
 * Data rows of a trace CSV whose header starts with `columns`. `source` names the input in errors
 * (e.g. the file), which then say the line and column at fault.
 */
function rows(csv: string, columns: readonly string[], source: string): string[][] {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split(',').map((c) => c.trim());
  if (columns.some((c, k) => header[k] !== c)) {
    throw new PlanningError(`${source} header`, lines[0] ?? '(empty)', `expected the columns ${columns.join(',')} first (Alibaba GPU trace v2023 format)`);
  }
  return lines.slice(1).map((l) => l.split(','));
}

/** A whole number ≥ 0 from column `k` of a CSV row, or a PlanningError naming the line and column. */
function wholeNumber(r: string[], k: number, columns: readonly string[], source: string, line: number): number {
  const v = Number(r[k]);
  if (r[k] === undefined || r[k].trim() === '' || !Number.isInteger(v) || v < 0) {
    throw new PlanningError(`${source} line ${line} ${columns[k]}`, String(r[k]), 'must be a whole number ≥ 0');
  }
  return v;
}

/** Parses `openb_node_list_gpu_node.csv` (`sn,cpu_milli,memory_mib,gpu,model`). */
export function parseTraceNodes(csv: string, source = 'nodes'): NodeInit[] {
  return rows(csv, NODE_COLUMNS, source).map((r, i) => {
    const line = i + 2;
    const num = (k: number): number => wholeNumber(r, k, NODE_COLUMNS, source, line);
    const gpuCount = num(3);
    const model = (r[4] ?? '').trim();
    if (gpuCount > 0 && model === '') throw new PlanningError(`${source} line ${line} model`, '(empty)', 'a node with GPUs needs its GPU model');
    return { name: r[0], cpuMilli: num(1), memoryBytes: num(2) * MIB, gpuCount, gpuModel: model };
  });
}

/** Parses `openb_pod_list_*.csv` (`name,cpu_milli,memory_mib,num_gpu,gpu_milli[,gpu_spec,...]`). */
export function parseTracePods(csv: string, models: Interner, source = 'pods'): TracePod[] {
  return rows(csv, POD_COLUMNS, source).map((r, i) => {
    const line = i + 2;
    const num = (k: number): number => wholeNumber(r, k, POD_COLUMNS, source, line);
    const gpuCount = num(3);
    const milli = num(4);
    if (gpuCount > 0 && (milli === 0 || milli > MILLI)) {
      throw new PlanningError(`${source} line ${line} gpu_milli`, String(milli), `a GPU pod needs 1–${MILLI} milli-GPU per GPU (${MILLI} = a whole GPU)`);
    }
    if (gpuCount > 1 && milli < MILLI) {
      throw new PlanningError(`${source} line ${line} gpu_milli`, String(milli), `a pod with ${gpuCount} GPUs takes them whole (gpu_milli ${MILLI}); only single-GPU pods share a GPU`);
    }
    const spec = (r[5] ?? '').trim();
    let mask = -1;
    if (spec !== '') {
      mask = 0;
      for (const m of spec.split('|')) {
        if (!m) continue;
        const id = models.id(m);
        if (id > 30) throw new PlanningError(`${source} line ${line} gpu_spec`, spec, 'at most 31 distinct GPU models are supported');
        mask |= 1 << id;
      }
    }
    return {
      name: r[0], cpuMilli: num(1), memoryBytes: num(2) * MIB,
      gpuCount, gpuMilli: gpuCount > 0 ? milli : 0, modelMask: mask, gpuSpec: spec,
    };
  });
}

/**
 * Typical pods (FGD §4.2; pkg/utils/frag.go GetTypicalPods with the artifact's settings
 * isInvolvedCpuPods=true, podPopularityThreshold=95, podIncreaseStep=1): pod shapes
 * (CPU, GPU milli, GPU count, GPU model constraint) by decreasing count until they cover 95% of the
 * pods, with shares renormalised to sum to 1. Memory is not part of the simulator's shape.
 */
export function typicalPods(pods: readonly TracePod[], threshold = 0.95, gpuResWeight = 0): TypicalPod[] {
  const counts = new Map<string, { pod: TracePod; n: number }>();
  for (const p of pods) {
    const key = `${p.cpuMilli}|${p.gpuMilli}|${p.gpuCount}|${p.gpuSpec}`;
    // gpuResWeight > 0 weighs whole-GPU pods by 1 + gpus × weight (frag.go GetTypicalPods GpuResWeight)
    const w = gpuResWeight > 0 && p.gpuMilli === MILLI ? 1 + p.gpuCount * gpuResWeight : 1;
    const e = counts.get(key);
    if (e) e.n += w; else counts.set(key, { pod: p, n: w });
  }
  const list = [...counts.values()].sort((a, b) => b.n - a.n
    || b.pod.cpuMilli - a.pod.cpuMilli || b.pod.gpuMilli - a.pod.gpuMilli || b.pod.gpuCount - a.pod.gpuCount
    || (a.pod.gpuSpec < b.pod.gpuSpec ? 1 : a.pod.gpuSpec > b.pod.gpuSpec ? -1 : 0));
  const total = list.reduce((sum, e) => sum + e.n, 0);
  const chosen: { pod: TracePod; n: number }[] = [];
  let cum = 0;
  for (const e of list) {
    if (cum >= threshold * total) break;
    chosen.push(e);
    cum += e.n;
  }
  return chosen.map((e) => ({
    cpuMilli: e.pod.cpuMilli, memoryBytes: e.pod.memoryBytes, gpuMilli: e.pod.gpuMilli, gpuCount: e.pod.gpuCount,
    modelMask: e.pod.modelMask, share: e.n / cum,
  }));
}

/**
 * The aidc policy for a workload, as benchmarked: typical pods covering every shape of `pods`
 * (AIDC_TYPICAL_THRESHOLD), CPU-stranded GPUs in the fragment (AIDC_FRAG_OPTIONS), AIDC_OPTIONS.
 */
export function aidcPolicyFor(pods: readonly TracePod[]): AidcPolicy {
  return new AidcPolicy(new FragModel(typicalPods(pods, AIDC_TYPICAL_THRESHOLD), AIDC_FRAG_OPTIONS), AIDC_OPTIONS);
}

/**
 * The arrival sequence of one seeded run: shuffle the pods, then tune the GPU demand to
 * `ratio` × cluster GPUs — drop random pods while above it, or append clones drawn uniformly from the
 * original list until the next clone would cross it (the simulator compares the clone's per-GPU
 * milli, not its total, against the remaining room: simulator.go tuneUpPods; kept as is).
 */
export function arrivalSequence(pods: readonly TracePod[], clusterGpus: number, seed: number, ratio = 1.3): TracePod[] {
  const rng = new Rng(seed * 2654435761);
  const seq = [...pods];
  for (let i = seq.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = seq[i]; seq[i] = seq[j]; seq[j] = t;
  }
  const target = ratio * clusterGpus * MILLI;
  let total = seq.reduce((s, p) => s + p.gpuMilli * p.gpuCount, 0);
  if (total > target) {
    while (total > target && seq.length > 0) {
      const idx = rng.int(seq.length);
      total -= seq[idx].gpuMilli * seq[idx].gpuCount;
      seq.splice(idx, 1);
    }
  } else {
    for (;;) {
      const p = pods[rng.int(pods.length)];
      if (total + p.gpuMilli > target) break;
      total += p.gpuMilli * p.gpuCount;
      seq.push(p);
    }
  }
  return seq;
}

/** Result of one replay. */
export interface ReplayResult {
  /** Unallocated GPU % (100 − allocated/cluster GPUs) at each requested arrival %. */
  readonly unallocatedPct: number[];
  readonly pods: number;
  readonly placed: number;
  readonly seconds: number;
}

/**
 * Places `seq` one pod at a time and measures "unallocated GPU %" the way the artifact does
 * (merge_alloc_discrete_0920.py): after each pod, arrived % = 100 × arrived GPU / cluster GPUs rounded
 * to a whole number; the allocation % at arrival a is the mean over the pods whose rounded arrival is a
 * (or within a ± 1 if none; on small clusters where one pod jumps several levels, the last level below a);
 * unallocated = 100 − allocation %. NaN for a level the replay never reaches.
 */
export function replay(nodes: readonly NodeInit[], models: Interner, seq: readonly PodReq[], policy: Policy,
  seed: number, arrivedPcts: readonly number[] = [100, 130]): ReplayResult {
  const t0 = Date.now();
  const st = new ClusterState(nodes, models);
  const rng = new Rng(seed ^ 0x5bd1e995);
  // the simulator names nodes with a seeded random prefix (simulator.go syncClusterResourceList), which
  // fixes the order in which equal-scored nodes are met; deterministic tie-breaks follow that order
  const order = Array.from({ length: st.n }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) { const j = rng.int(i + 1); const t = order[i]; order[i] = order[j]; order[j] = t; }
  order.forEach((node, r) => { st.rank[node] = r; });
  const cap = st.totalGpus * MILLI;
  let arrived = 0;
  let allocated = 0;
  let placed = 0;
  const sums = new Map<number, { s: number; n: number }>();
  for (const p of seq) {
    arrived += p.gpuMilli * p.gpuCount;
    const r = placePod(st, p, policy, rng);
    if (r) { allocated += p.gpuMilli * p.gpuCount; placed++; }
    const a = Math.round((100 * arrived) / cap);
    const e = sums.get(a);
    const alloc = (100 * allocated) / cap;
    if (e) { e.s += alloc; e.n++; } else {sums.set(a, { s: alloc, n: 1 });}
  }
  const levels = [...sums.keys()].sort((x, y) => x - y);
  const unallocatedPct = arrivedPcts.map((a) => {
    let e = sums.get(a);
    if (!e) {
      const near = [a - 1, a, a + 1].map((x) => sums.get(x)).filter((x): x is { s: number; n: number } => !!x);
      // large pods can jump over a level: then the state after the last pod that arrived below it
      const below = levels.filter((x) => x < a).pop();
      e = near.length ? { s: near.reduce((s, x) => s + x.s, 0), n: near.reduce((s, x) => s + x.n, 0) }
        : below !== undefined && a <= levels[levels.length - 1] ? sums.get(below)! : { s: NaN, n: 1 };
    }
    return 100 - e.s / e.n;
  });
  return { unallocatedPct, pods: seq.length, placed, seconds: (Date.now() - t0) / 1000 };
}
