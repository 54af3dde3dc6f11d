import { MILLI, PodReq } from './cluster';
import { allowed, freeGpu, HighsLike, lpRelaxation, OfflinePacking, OfflineShape, OpenNode, packOffline, podTypes, tryPut } from './offline';

/**
 * LP-guided offline packing: solve the aggregated relaxation (lpRelaxation, with the per-GPU
 * dual-feasible cuts), round its pod-type × shape split (floor, then the remainders to the largest
 * fractional parts), pack each shape's pods by decreasing dominant share with best fit, then empty
 * the least-filled nodes into the others (any allowed shape). The relaxation picks the mix of node
 * shapes — which a single-shape greedy cannot — and the packing only has to realise it.
 * Relax-and-round with a repair step: Williamson & Shmoys, "The Design of Approximation Algorithms"
 * (2011) ch. 4; vector-packing ordering by dominant share: Panigrahy et al., "Heuristics for Vector
 * Bin Packing" (MSR-TR 2011) §3. Returns the better of this and packOffline (plain FFD).
 */
export function packOfflineBest(highs: HighsLike, pods: readonly PodReq[], shapes: readonly OfflineShape[]): OfflinePacking {
  const ffd = packOffline(pods, shapes);
  const lp = packLpGuided(highs, pods, shapes);
  return lp && lp.nodes <= ffd.nodes && lp.unplaceable.length <= ffd.unplaceable.length ? lp : ffd;
}

/** Share of shape s's capacity that p takes in its dominant dimension (CPU, memory, GPU milli). */
function dominantShare(p: PodReq, s: OfflineShape): number {
  const gpu = s.gpuCount > 0 ? (p.gpuMilli * p.gpuCount) / (MILLI * s.gpuCount) : 0;
  return Math.max(p.cpuMilli / s.cpuMilli, p.memoryBytes / s.memoryBytes, gpu);
}

/** Fill of node n: the largest used share over CPU, memory and GPU milli. */
function fill(n: OpenNode, s: OfflineShape): number {
  const gpu = s.gpuCount > 0 ? 1 - freeGpu(n) / (MILLI * s.gpuCount) : 0;
  return Math.max(1 - n.cpu / s.cpuMilli, 1 - n.mem / s.memoryBytes, gpu);
}

function newNode(k: number, s: OfflineShape): OpenNode {
  return { shape: k, cpu: s.cpuMilli, mem: s.memoryBytes, gpus: new Int32Array(s.gpuCount).fill(MILLI), pods: [], gpuOf: [] };
}

/** Best-fit score of putting p on n (lower = tighter): normalised residual after placing it. */
function residual(n: OpenNode, s: OfflineShape, p: PodReq): number {
  const g = s.gpuCount > 0 ? (freeGpu(n) - p.gpuMilli * p.gpuCount) / (MILLI * s.gpuCount) : 0;
  return g + (n.cpu - p.cpuMilli) / s.cpuMilli + (n.mem - p.memoryBytes) / s.memoryBytes;
}

function put(n: OpenNode, pi: number, p: PodReq): boolean {
  const g = tryPut(n, p, true);
  if (!g) return false;
  n.pods.push(pi); n.gpuOf.push(g);
  return true;
}

/** The LP-guided packing alone; undefined when the relaxation is not solved to optimality. */
export function packLpGuided(highs: HighsLike, pods: readonly PodReq[], shapes: readonly OfflineShape[]): OfflinePacking | undefined {
  const r = highs.solve(lpRelaxation(pods, shapes), { output_flag: false });
  if (r.Status !== 'Optimal') return undefined;
  const perShapePods: number[][] = shapes.map(() => []);
  const unplaceable: number[] = [];
  podTypes(pods).forEach((t, ti) => {
    const xs = shapes.map((s, k) => (allowed(t.p, s) ? Math.max(0, r.Columns[`x${ti}_${k}`]?.Primal ?? 0) : -1));
    if (xs.every((x) => x < 0)) { unplaceable.push(...t.members); return; }
    const counts = xs.map((x) => (x < 0 ? 0 : Math.floor(x + 1e-6)));
    let left = t.n - counts.reduce((a, b) => a + b, 0);
    const byFrac = xs.map((x, k) => ({ k, f: x < 0 ? -1 : x - counts[k] })).filter((e) => e.f >= 0).sort((a, b) => b.f - a.f || a.k - b.k);
    for (let j = 0; left > 0; j = (j + 1) % byFrac.length) { counts[byFrac[j].k]++; left--; }
    let m = 0;
    counts.forEach((c, k) => { for (let j = 0; j < c; j++) perShapePods[k].push(t.members[m++]); });
  });
  const open: OpenNode[] = [];
  shapes.forEach((s, k) => {
    const mine: OpenNode[] = [];
    const order = [...perShapePods[k]].sort((a, b) => dominantShare(pods[b], s) - dominantShare(pods[a], s)
      || pods[b].gpuMilli - pods[a].gpuMilli || a - b);
    for (const pi of order) {
      const p = pods[pi];
      let best: OpenNode | undefined; let bestKey = Infinity;
      for (const n of mine) {
        if (!tryPut(n, p, false)) continue;
        const key = residual(n, s, p);
        if (key < bestKey) { bestKey = key; best = n; }
      }
      if (!best) { best = newNode(k, s); mine.push(best); }
      put(best, pi, p);
    }
    open.push(...mine);
  });
  consolidate(pods, shapes, open);
  const perShape = shapes.map(() => 0);
  for (const n of open) perShape[n.shape]++;
  return {
    nodes: open.length, perShape,
    assignment: open.map((n) => ({ shape: n.shape, pods: [...n.pods], gpus: n.gpuOf.map((g) => [...g]) })),
    unplaceable,
  };
}

/**
 * Node-emptying local search: repeatedly take open nodes from the least filled and move all their pods
 * to other nodes (best fit over every node of an allowed shape); keep the move only if the node
 * empties completely. Stops after a pass with no success. Mutates `open`.
 */
export function consolidate(pods: readonly PodReq[], shapes: readonly OfflineShape[], open: OpenNode[]): void {
  let improved = true;
  while (improved) {
    improved = false;
    const victims = [...open].sort((a, b) => fill(a, shapes[a.shape]) - fill(b, shapes[b.shape]));
    for (const victim of victims) {
      const moved: { n: OpenNode; pi: number }[] = [];
      const order = [...victim.pods].sort((a, b) => dominantShare(pods[b], shapes[victim.shape]) - dominantShare(pods[a], shapes[victim.shape]));
      let ok = true;
      for (const pi of order) {
        const p = pods[pi];
        let best: OpenNode | undefined; let bestKey = Infinity;
        for (const n of open) {
          if (n === victim || !allowed(p, shapes[n.shape]) || !tryPut(n, p, false)) continue;
          const key = residual(n, shapes[n.shape], p);
          if (key < bestKey) { bestKey = key; best = n; }
        }
        if (!best) { ok = false; break; }
        put(best, pi, p);
        moved.push({ n: best, pi });
      }
      if (ok) {
        open.splice(open.indexOf(victim), 1);
        improved = true;
        continue;
      }
      for (let j = moved.length - 1; j >= 0; j--) unput(moved[j].n, moved[j].pi, pods[moved[j].pi]);
    }
  }
}

/** Removes pod pi (the last one of that index) from n. */
function unput(n: OpenNode, pi: number, p: PodReq): void {
  const j = n.pods.lastIndexOf(pi);
  const g = n.gpuOf[j];
  n.pods.splice(j, 1); n.gpuOf.splice(j, 1);
  n.cpu += p.cpuMilli; n.mem += p.memoryBytes;
  for (const k of g) n.gpus[k] += p.gpuCount > 0 && p.gpuMilli < MILLI ? p.gpuMilli : MILLI;
}
