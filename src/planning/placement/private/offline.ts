import { MILLI, PodReq } from './cluster';
import { gpuLowerBound, HighsLike } from './offline-gpubound';

/**
 * Offline placement (all demands known): how many nodes, of which shapes, host every pod.
 * Heuristic: first-fit-decreasing with multi-dimensional sizes (GPU, then CPU, then memory) and best
 * fit among open nodes, opening the largest node shape a pod may use, followed by a local improvement
 * pass that empties the least-loaded nodes into the others (Johnson 1974 FFD; Panigrahy et al.,
 * "Heuristics for Vector Bin Packing", MSR-TR 2011). Lower bound: the LP relaxation of the aggregated
 * formulation (pod types × node shapes) solved with HiGHS (Huangfu & Hall 2018, highs-js).
 */

/** A node shape offered to the offline packer. */
export interface OfflineShape {
  readonly name: string;
  readonly cpuMilli: number;
  readonly memoryBytes: number;
  readonly gpuCount: number;
  /** Model index in the same interner as the pods' modelMask (-1 = no GPUs). */
  readonly model: number;
  /** Relative cost of one node (default 1 = minimise node count). */
  readonly cost?: number;
}

/** An open node of the heuristics (free CPU, memory and per-GPU milli; pods and their GPUs). */
export interface OpenNode {
  shape: number; cpu: number; mem: number; gpus: Int32Array; pods: number[]; gpuOf: number[][];
}

/** Result of the offline heuristic. */
export interface OfflinePacking {
  readonly nodes: number;
  readonly perShape: number[];
  /** Pod indices on each node, and the GPU indices each pod uses. */
  readonly assignment: { shape: number; pods: number[]; gpus: number[][] }[];
  /** Pods no shape can host. */
  readonly unplaceable: number[];
}

/** Whether pod p could run on an empty node of shape s. */
export function allowed(p: PodReq, s: OfflineShape): boolean {
  if (p.cpuMilli > s.cpuMilli || p.memoryBytes > s.memoryBytes) return false;
  if (p.gpuCount === 0) return true;
  if (s.model < 0 || (p.modelMask !== -1 && ((p.modelMask >>> s.model) & 1) === 0)) return false;
  return p.gpuCount <= s.gpuCount;
}

/** Whether p fits node n (best-fit GPU for a fractional pod); commits when asked. Returns the GPUs used. */
export function tryPut(n: OpenNode, p: PodReq, commit: boolean): number[] | undefined {
  if (n.cpu < p.cpuMilli || n.mem < p.memoryBytes) return undefined;
  const used: number[] = [];
  if (p.gpuCount > 0) {
    if (p.gpuMilli < MILLI) {
      let pick = -1;
      for (let k = 0; k < n.gpus.length; k++) {
        const v = n.gpus[k];
        if (v >= p.gpuMilli && (pick < 0 || v < n.gpus[pick])) pick = k;
      }
      if (pick < 0) return undefined;
      used.push(pick);
    } else {
      for (let k = 0; k < n.gpus.length && used.length < p.gpuCount; k++) if (n.gpus[k] === MILLI) used.push(k);
      if (used.length < p.gpuCount) return undefined;
    }
  }
  if (commit) {
    n.cpu -= p.cpuMilli;
    n.mem -= p.memoryBytes;
    for (const k of used) n.gpus[k] -= p.gpuCount > 0 && p.gpuMilli < MILLI ? p.gpuMilli : MILLI;
  }
  return used;
}

/** Free milli-GPU of node n. */
export function freeGpu(n: OpenNode): number {
  let f = 0;
  for (let k = 0; k < n.gpus.length; k++) f += n.gpus[k];
  return f;
}

/**
 * The shape to open for pod p: the cheapest capacity per node — most GPUs per unit cost, then CPU, then
 * memory — among the shapes that allow it; -1 if none does.
 */
export function bestShapeFor(p: PodReq, shapes: readonly OfflineShape[]): number {
  let best = -1;
  const per = (x: OfflineShape): number[] => [x.gpuCount / (x.cost ?? 1), x.cpuMilli / (x.cost ?? 1), x.memoryBytes / (x.cost ?? 1)];
  shapes.forEach((s, k) => {
    if (!allowed(p, s)) return;
    if (best < 0) { best = k; return; }
    const a = per(s); const b = per(shapes[best]);
    if (a[0] > b[0] || (a[0] === b[0] && (a[1] > b[1] || (a[1] === b[1] && a[2] > b[2])))) best = k;
  });
  return best;
}

/** First-fit-decreasing + best fit + node-emptying local search. Deterministic. */
export function packOffline(pods: readonly PodReq[], shapes: readonly OfflineShape[]): OfflinePacking {
  const order = pods.map((_, i) => i).sort((a, b) => {
    const pa = pods[a]; const pb = pods[b];
    return pb.gpuMilli * pb.gpuCount - pa.gpuMilli * pa.gpuCount || pb.gpuMilli - pa.gpuMilli
      || pb.cpuMilli - pa.cpuMilli || pb.memoryBytes - pa.memoryBytes || a - b;
  });
  const open: OpenNode[] = [];
  const unplaceable: number[] = [];
  const place = (pi: number, skip: OpenNode | undefined, commit: boolean): OpenNode | undefined => {
    const p = pods[pi];
    let best: OpenNode | undefined; let bestKey = Infinity;
    for (const n of open) {
      if (n === skip || !allowed(p, shapes[n.shape])) continue;
      if (!tryPut(n, p, false)) continue;
      const s = shapes[n.shape];
      const key = (freeGpu(n) - p.gpuMilli * p.gpuCount) / (MILLI * Math.max(1, s.gpuCount)) + (n.cpu - p.cpuMilli) / s.cpuMilli * 1e-3;
      if (key < bestKey) { bestKey = key; best = n; }
    }
    if (best && commit) { const g = tryPut(best, p, true)!; best.pods.push(pi); best.gpuOf.push(g); }
    return best;
  };
  for (const pi of order) {
    if (place(pi, undefined, true)) continue;
    const p = pods[pi];
    const bestShape = bestShapeFor(p, shapes);
    if (bestShape < 0) { unplaceable.push(pi); continue; }
    const s = shapes[bestShape];
    const n: OpenNode = { shape: bestShape, cpu: s.cpuMilli, mem: s.memoryBytes, gpus: new Int32Array(s.gpuCount).fill(MILLI), pods: [], gpuOf: [] };
    open.push(n);
    const g = tryPut(n, p, true)!;
    n.pods.push(pi); n.gpuOf.push(g);
  }
  // local improvement: try to empty the least-loaded nodes into the others
  let improved = true;
  while (improved) {
    improved = false;
    const byLoad = [...open].sort((a, b) => a.pods.length - b.pods.length);
    for (const victim of byLoad.slice(0, 50)) {
      const snapshot = open.map((n) => ({ n, cpu: n.cpu, mem: n.mem, gpus: n.gpus.slice(), pods: n.pods.length }));
      let ok = true;
      for (const pi of victim.pods) {
        if (!place(pi, victim, true)) { ok = false; break; }
      }
      if (ok) {
        open.splice(open.indexOf(victim), 1);
        improved = true;
        break;
      }
      for (const s of snapshot) {
        s.n.cpu = s.cpu; s.n.mem = s.mem; s.n.gpus.set(s.gpus);
        s.n.pods.length = s.pods; s.n.gpuOf.length = s.pods;
      }
    }
  }
  const perShape = shapes.map(() => 0);
  for (const n of open) perShape[n.shape]++;
  return {
    nodes: open.length, perShape,
    assignment: open.map((n) => ({ shape: n.shape, pods: [...n.pods], gpus: n.gpuOf.map((g) => [...g]) })),
    unplaceable,
  };
}

/** Volume lower bound: for the best single shape, the largest per-dimension ceil(demand / capacity). */
export function volumeLowerBound(pods: readonly PodReq[], shape: OfflineShape): number {
  let cpu = 0; let mem = 0; let gpu = 0; let slots = 0;
  for (const p of pods) {
    cpu += p.cpuMilli; mem += p.memoryBytes; gpu += p.gpuMilli * p.gpuCount;
    if (p.gpuCount > 0 && (p.gpuMilli === MILLI || p.gpuMilli * 2 > MILLI)) slots += p.gpuCount;
  }
  const g = Math.max(1, shape.gpuCount);
  const lb = Math.max(cpu / shape.cpuMilli, mem / shape.memoryBytes,
    shape.gpuCount > 0 ? gpu / (MILLI * g) : 0, shape.gpuCount > 0 ? slots / g : 0);
  return Math.ceil(lb - 1e-9);
}

/** Pods grouped by identical request (first-seen order): the pod types of the LP relaxation. */
export function podTypes(pods: readonly PodReq[]): { p: PodReq; n: number; members: number[] }[] {
  const types = new Map<string, { p: PodReq; n: number; members: number[] }>();
  pods.forEach((p, i) => {
    const k = `${p.cpuMilli}|${p.memoryBytes}|${p.gpuMilli}|${p.gpuCount}|${p.modelMask}`;
    const e = types.get(k);
    if (e) { e.n++; e.members.push(i); } else {types.set(k, { p, n: 1, members: [i] });}
  });
  return [...types.values()];
}

/**
 * CPLEX-LP text of the aggregated relaxation: x[t][s] pods of type t on shape s, y[s] nodes of shape s;
 * every type covered; per shape CPU, memory and GPU milli within y·capacity; whole GPUs plus fractional
 * pods above half a GPU (at most one per GPU) within y·GPUs, and one cut per dual-feasible function of
 * gpuDffs (Σ f(milli) ≤ y·GPUs); optionally Σ GPUs·y ≥ `minGpus` over all shapes (a valid bound on the
 * GPUs any packing opens, e.g. gpuLowerBound). Minimise Σ cost·y.
 */
export function lpRelaxation(pods: readonly PodReq[], shapes: readonly OfflineShape[], minGpus = 0): string {
  const tl = podTypes(pods);
  const lines: string[] = ['Minimize', ' obj: ' + shapes.map((s, k) => `${s.cost ?? 1} y${k}`).join(' + '), 'Subject To'];
  const cols: string[][] = shapes.map(() => []);
  tl.forEach((t, ti) => {
    const vars: string[] = [];
    shapes.forEach((s, k) => { if (allowed(t.p, s)) { vars.push(`x${ti}_${k}`); cols[k].push(String(ti)); } });
    if (vars.length) lines.push(` c${ti}: ${vars.join(' + ')} = ${t.n}`);
  });
  const mb = 2 ** 20;
  shapes.forEach((s, k) => {
    const ts = cols[k].map(Number);
    if (!ts.length) return;
    const sum = (f: (p: PodReq) => number): string => ts.map((ti) => ({ c: f(tl[ti].p), v: `x${ti}_${k}` }))
      .filter((e) => e.c !== 0).map((e) => `${e.c} ${e.v}`).join(' + ');
    const cpu = sum((p) => p.cpuMilli / 1000);
    if (cpu) lines.push(` cpu${k}: ${cpu} - ${s.cpuMilli / 1000} y${k} <= 0`);
    const mem = sum((p) => Math.round(p.memoryBytes / mb));
    if (mem) lines.push(` mem${k}: ${mem} - ${Math.floor(s.memoryBytes / mb)} y${k} <= 0`);
    const gpu = sum((p) => (p.gpuMilli * p.gpuCount) / MILLI);
    if (gpu) lines.push(` gpu${k}: ${gpu} - ${s.gpuCount} y${k} <= 0`);
    const slots = sum((p) => (p.gpuCount > 0 && p.gpuMilli * 2 > MILLI ? p.gpuCount : 0));
    if (slots) lines.push(` slot${k}: ${slots} - ${s.gpuCount} y${k} <= 0`);
    // per-GPU packing cuts: Σ f(gpu milli) ≤ GPUs·y for each dual-feasible function f (gpuDffs)
    const seen = new Set<string>();
    gpuDffs(ts.map((ti) => tl[ti].p)).forEach((f, d) => {
      const terms = ts.map((ti) => { const p = tl[ti].p; return { c: p.gpuCount > 0 ? p.gpuCount * f(p.gpuCount > 0 && p.gpuMilli < MILLI ? p.gpuMilli : MILLI) : 0, v: `x${ti}_${k}` }; })
        .filter((e) => e.c > 1e-12);
      const key = terms.map((e) => `${e.c.toFixed(9)}${e.v}`).join();
      if (!terms.length || seen.has(key)) return;
      seen.add(key);
      lines.push(` dff${k}_${d}: ${terms.map((e) => `${+e.c.toFixed(9)} ${e.v}`).join(' + ')} - ${s.gpuCount} y${k} <= 0`);
    });
  });
  const gpuShapes = shapes.map((s, k) => (s.gpuCount > 0 ? `${s.gpuCount} y${k}` : '')).filter(Boolean);
  if (minGpus > 0 && gpuShapes.length) lines.push(` gpus: ${gpuShapes.join(' + ')} >= ${minGpus}`);
  lines.push('End');
  return lines.join('\n');
}

/**
 * Dual-feasible functions on one GPU (capacity MILLI): maps f: [0, MILLI] → [0, 1] with f(MILLI) = 1 such
 * that any pods sharing one GPU (Σ milli ≤ MILLI) have Σ f ≤ 1, so Σ_pods f(milli) ≤ GPUs used is a
 * valid cut (Fekete & Schepers, "New classes of fast lower bounds for bin packing problems",
 * Math. Program. 91, 2001; Clautiaux, Alves & Valério de Carvalho, "A survey of dual-feasible and
 * superadditive functions", Ann. Oper. Res. 179, 2010, §3):
 * - threshold f_K (1 ≤ K ≤ MILLI/2): 1 above MILLI − K, x/MILLI in [K, MILLI − K], 0 below K — a GPU
 *   holding a pod above MILLI − K has < K left, so its other pods count 0;
 * - rounding u^(k) (k ≥ 1): x/MILLI when (k+1)x/MILLI is whole, else ⌊(k+1)x/MILLI⌋ / k.
 * Thresholds are taken at the fractional sizes present (and MILLI − size + 1), k = 1..10.
 */
export function gpuDffs(pods: readonly PodReq[]): ((milli: number) => number)[] {
  const sizes = new Set<number>();
  for (const p of pods) if (p.gpuCount > 0 && p.gpuMilli < MILLI) sizes.add(p.gpuMilli);
  const ks = new Set<number>();
  for (const v of sizes) {
    if (v <= MILLI / 2) ks.add(v);
    if (v > MILLI / 2 && MILLI - v + 1 <= MILLI / 2) ks.add(MILLI - v + 1);
  }
  const out: ((milli: number) => number)[] = [(x) => x / MILLI];
  for (const K of [...ks].sort((a, b) => a - b)) out.push((x) => (x > MILLI - K ? 1 : x >= K ? x / MILLI : 0));
  for (let k = 1; k <= 10; k++) {
    out.push((x) => {
      const y = ((k + 1) * x) / MILLI;
      return Math.abs(y - Math.round(y)) < 1e-9 ? x / MILLI : Math.floor(y) / k;
    });
  }
  return out;
}

export type { HighsLike } from './offline-gpubound';

/** Cost of one node of shape s (default 1: node count). */
export function shapeCost(s: OfflineShape): number {
  return s.cost ?? 1;
}

/** Cost of a packing given the shape of each node. */
export function packingCost(nodeShapes: readonly number[], shapes: readonly OfflineShape[]): number {
  return nodeShapes.reduce((sum, k) => sum + shapeCost(shapes[k]), 0);
}

/** A lower bound on the cost from a fractional one: rounded up when every shape costs a whole number, else as is. */
export function roundBound(value: number, shapes: readonly OfflineShape[]): number {
  return shapes.every((s) => Number.isInteger(shapeCost(s))) ? Math.ceil(value - 1e-6) : value * (1 - 1e-9);
}

/**
 * LP lower bound on the cost (node count with unit costs): the relaxation optimum (rounded up for whole
 * costs), with the GPUs opened over all shapes at least gpuLowerBound (the cutting-stock bound on shared GPUs).
 */
export function lpLowerBound(highs: HighsLike, pods: readonly PodReq[], shapes: readonly OfflineShape[]): number {
  const r = highs.solve(lpRelaxation(pods, shapes, gpuLowerBound(highs, pods)), { output_flag: false });
  if (r.Status !== 'Optimal') throw new Error(`LP relaxation: ${r.Status}`);
  return roundBound(r.ObjectiveValue, shapes);
}

/**
 * Exact MILP for small homogeneous instances: candidate nodes 0..u−1 of one shape, binary y_n (node
 * used), x_{p,n} (pod on node), z_{p,n,g} (pod uses GPU g of node n); per-GPU milli, per-node CPU and
 * memory; y_n ≥ y_{n+1} breaks symmetry. Returns the minimum node count, or undefined if u nodes are
 * not enough.
 */
export function exactMinNodes(highs: HighsLike, pods: readonly PodReq[], shape: OfflineShape, u: number): number | undefined {
  const L: string[] = ['Minimize', ' obj: ' + Array.from({ length: u }, (_, n) => `y${n}`).join(' + '), 'Subject To'];
  const bins: string[] = [];
  const mb = 2 ** 20;
  pods.forEach((p, i) => {
    if (!allowed(p, shape)) return;
    L.push(` a${i}: ${Array.from({ length: u }, (_, n) => `x${i}_${n}`).join(' + ')} = 1`);
    for (let n = 0; n < u; n++) {
      bins.push(`x${i}_${n}`);
      if (p.gpuCount > 0) {
        const zs = Array.from({ length: shape.gpuCount }, (_, g) => `z${i}_${n}_${g}`);
        bins.push(...zs);
        L.push(` g${i}_${n}: ${zs.join(' + ')} - ${p.gpuCount} x${i}_${n} = 0`);
      }
    }
  });
  if (pods.some((p) => !allowed(p, shape))) return undefined;
  for (let n = 0; n < u; n++) {
    bins.push(`y${n}`);
    L.push(` cpu${n}: ${pods.map((p, i) => `${p.cpuMilli} x${i}_${n}`).join(' + ')} - ${shape.cpuMilli} y${n} <= 0`);
    L.push(` mem${n}: ${pods.map((p, i) => `${Math.round(p.memoryBytes / mb)} x${i}_${n}`).join(' + ')} - ${Math.floor(shape.memoryBytes / mb)} y${n} <= 0`);
    for (let g = 0; g < shape.gpuCount; g++) {
      const terms = pods.map((p, i) => (p.gpuCount > 0 ? `${p.gpuCount > 0 && p.gpuMilli < MILLI ? p.gpuMilli : MILLI} z${i}_${n}_${g}` : '')).filter(Boolean);
      if (terms.length) L.push(` gp${n}_${g}: ${terms.join(' + ')} - ${MILLI} y${n} <= 0`);
    }
    if (n + 1 < u) L.push(` sym${n}: y${n} - y${n + 1} >= 0`);
  }
  L.push('Binary', ' ' + bins.join(' '), 'End');
  const r = highs.solve(L.join('\n'), { output_flag: false });
  if (r.Status === 'Infeasible') return undefined;
  if (r.Status !== 'Optimal') throw new Error(`MILP: ${r.Status}`);
  return Math.round(r.ObjectiveValue);
}
