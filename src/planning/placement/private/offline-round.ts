import { MILLI, PodReq } from './cluster';
import { allowed, freeGpu, OfflineShape, OpenNode, tryPut } from './offline';

/*
 * Local improvement for offline packings (used after rounding the configuration LP, offline-cg.ts):
 * empty the least-filled nodes into the others. Ordering pods by dominant share follows Panigrahy et
 * al., "Heuristics for Vector Bin Packing" (MSR-TR 2011) §3. (An earlier relax-and-round of the
 * aggregated LP was measured worse than FFD on every trace but gpuspec33 and was dropped.)
 */

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
