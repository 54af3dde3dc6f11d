import { MILLI, PodReq } from './cluster';
import { allowed, gpuDffs, HighsLike, lpLowerBound, OfflinePacking, OfflineShape, OpenNode, packingCost, packOffline, podTypes, roundBound, shapeCost, tryPut } from './offline';
import { packGpuFirst } from './offline-gpufirst';
import { consolidate } from './offline-round';

/**
 * Configuration LP (Gilmore & Gomory, "A linear programming approach to the cutting-stock problem",
 * Oper. Res. 9, 1961) for the offline problem, by column generation with HiGHS: a column is one node
 * pattern (pods per type on one node of one shape, with the GPU each fractional pod shares), the master
 * covers every pod type, and the pricing problem — the most valuable pattern under the duals — is an
 * exact MILP per shape with per-GPU capacity. Lower bound at any iteration: Farley's bound
 * z_master / max(1, best pattern value) (Farley, "A note on bounding a class of linear programming
 * problems, including cutting stock problems", Oper. Res. 38, 1990), valid because duals scaled by
 * 1/value are dual feasible; at convergence it equals the configuration LP optimum, which dominates the
 * aggregated relaxation (lpRelaxation). Upper bound: the master over the generated columns solved as a
 * MILP (restricted master), realised pod by pod, then node-emptying local search.
 * Columns cost their shape's `cost` (default 1, i.e. node count): a pattern of shape k improves the master
 * when its dual value exceeds cost_k, and Farley's bound divides by the largest value_k / cost_k. Bounds are
 * rounded up only when every cost is a whole number.
 */

const MIB = 2 ** 20;

interface Column {
  readonly shape: number;
  /** pods per type */
  readonly count: Map<number, number>;
  /** for fractional types: GPU index of each pod, in order */
  readonly gpus: Map<number, number[]>;
  /** Realisable on a real node (relaxed pricing patterns may not be; they only serve the bound). */
  readonly real?: boolean;
}

/** Options of the column generation. */
export interface CgOptions {
  /** Wall-clock budget for pricing rounds, ms (the bound stays valid when it runs out). */
  readonly budgetMs?: number;
  /** Time limit of the restricted-master MILP, seconds. */
  readonly masterMilpSeconds?: number;
}

/** Result of configLp: a valid lower bound and the best packing found. */
export interface ConfigLpResult {
  readonly lowerBound: number;
  readonly packing: OfflinePacking;
  readonly iterations: number;
  readonly columns: number;
  readonly converged: boolean;
}

type Types = ReturnType<typeof podTypes>;

/**
 * Pricing upper bound for shape k: max Σ π_t·a_t over integer pod counts that fit one node in CPU,
 * memory (pods rounded down, node up) and whole GPUs, with the per-GPU dual-feasible cuts
 * Σ f(milli)·a ≤ GPUs (gpuDffs) in place of the exact GPU assignment — a relaxation of the true pricing
 * problem, so its optimum bounds the best pattern's value (what Farley's bound needs). The pattern it
 * returns is kept only if it can be realised on a real node.
 */
function price(highs: HighsLike, types: Types, pi: number[], s: OfflineShape, k: number): { value: number; col?: Column; real: boolean; exact: boolean } {
  const ts = types.map((_, ti) => ti).filter((ti) => pi[ti] > 1e-9 && allowed(types[ti].p, s));
  if (!ts.length) return { value: 0, exact: true, real: false };
  const gpu = ts.filter((ti) => types[ti].p.gpuCount > 0);
  const L: string[] = ['Maximize', ' obj: ' + ts.map((ti) => `${pi[ti]} a${ti}`).join(' + '), 'Subject To'];
  L.push(` cpu: ${ts.map((ti) => `${types[ti].p.cpuMilli} a${ti}`).join(' + ')} <= ${s.cpuMilli}`);
  L.push(` mem: ${ts.map((ti) => `${Math.floor(types[ti].p.memoryBytes / MIB)} a${ti}`).join(' + ')} <= ${Math.ceil(s.memoryBytes / MIB)}`);
  if (gpu.length) {
    gpuDffs(gpu.map((ti) => types[ti].p)).forEach((f, d) => {
      const terms = gpu.map((ti) => { const p = types[ti].p; return { c: p.gpuCount * f(p.gpuMilli < MILLI ? p.gpuMilli : MILLI), ti }; }).filter((e) => e.c > 1e-12);
      if (terms.length) L.push(` d${d}: ${terms.map((e) => `${+e.c.toFixed(9)} a${e.ti}`).join(' + ')} <= ${s.gpuCount}`);
    });
  }
  L.push('Bounds', ...ts.map((ti) => ` a${ti} <= ${types[ti].n}`));
  L.push('General', ' ' + ts.map((ti) => `a${ti}`).join(' '), 'End');
  const r = highs.solve(L.join('\n'), { output_flag: false, mip_rel_gap: 1e-7, time_limit: 10 } as Record<string, unknown>);
  if (r.Status !== 'Optimal') return { value: Infinity, exact: false, real: false };
  const count = new Map<number, number>();
  for (const ti of ts) {
    const a = Math.round(r.Columns[`a${ti}`]?.Primal ?? 0);
    if (a > 0) count.set(ti, a);
  }
  // realise: fractional pods by decreasing milli, best-fit GPU; then the rest
  const n: OpenNode = { shape: k, cpu: s.cpuMilli, mem: s.memoryBytes, gpus: new Int32Array(s.gpuCount).fill(MILLI), pods: [], gpuOf: [] };
  const gpus = new Map<number, number[]>();
  let real = true;
  const order = [...count.keys()].sort((x, y) => types[y].p.gpuMilli * types[y].p.gpuCount - types[x].p.gpuMilli * types[x].p.gpuCount);
  for (const ti of order) {
    const p = types[ti].p;
    for (let j = 0; j < count.get(ti)! && real; j++) {
      const g = tryPut(n, p, true);
      if (!g) { real = false; break; }
      if (p.gpuCount > 0 && p.gpuMilli < MILLI) { const l = gpus.get(ti) ?? []; l.push(g[0]); gpus.set(ti, l); }
    }
  }
  // MILP optimality is up to the relative gap; inflate the value so the Farley bound stays valid
  return { value: r.ObjectiveValue * (1 + 1e-6) + 1e-9, col: { shape: k, count, gpus, real }, exact: true, real };
}

/**
 * Greedy pricing for shape k (columns only, no bound): fill one node with the types of highest dual per
 * unit of size, for a few size measures; returns the most valuable pattern found.
 */
function priceGreedy(types: Types, pi: number[], s: OfflineShape, k: number): { value: number; col?: Column } {
  const ts = types.map((_, ti) => ti).filter((ti) => pi[ti] > 1e-9 && allowed(types[ti].p, s));
  if (!ts.length) return { value: 0 };
  const G = Math.max(1, s.gpuCount);
  const sizes: ((p: PodReq) => number)[] = [
    (p) => Math.max(p.cpuMilli / s.cpuMilli, p.memoryBytes / s.memoryBytes, (p.gpuMilli * p.gpuCount) / (MILLI * G)),
    (p) => p.cpuMilli / s.cpuMilli + p.memoryBytes / s.memoryBytes + (p.gpuMilli * p.gpuCount) / (MILLI * G),
    (p) => (p.gpuMilli * p.gpuCount) / (MILLI * G) + 1e-3 * p.cpuMilli / s.cpuMilli,
    (p) => p.cpuMilli / s.cpuMilli + 1e-3 * (p.gpuMilli * p.gpuCount) / (MILLI * G),
  ];
  let best: { value: number; col?: Column } = { value: 0 };
  for (const size of sizes) {
    const order = [...ts].sort((a, b) => pi[b] / Math.max(1e-9, size(types[b].p)) - pi[a] / Math.max(1e-9, size(types[a].p)));
    const n: OpenNode = { shape: k, cpu: s.cpuMilli, mem: s.memoryBytes, gpus: new Int32Array(s.gpuCount).fill(MILLI), pods: [], gpuOf: [] };
    const count = new Map<number, number>();
    const gpus = new Map<number, number[]>();
    let value = 0;
    for (const ti of order) {
      const p = types[ti].p;
      for (let j = 0; j < types[ti].n; j++) {
        const g = tryPut(n, p, true);
        if (!g) break;
        value += pi[ti];
        count.set(ti, (count.get(ti) ?? 0) + 1);
        if (p.gpuCount > 0 && p.gpuMilli < MILLI) { const l = gpus.get(ti) ?? []; l.push(g[0]); gpus.set(ti, l); }
      }
    }
    if (value > best.value) best = { value, col: { shape: k, count, gpus } };
  }
  return best;
}

/** Places a column's pods (given pod indices per type) on a fresh node, exactly; undefined if they do not fit. */
function realise(col: Column, podsOf: Map<number, number[]>, pods: readonly PodReq[], s: OfflineShape): OpenNode | undefined {
  const n: OpenNode = { shape: col.shape, cpu: s.cpuMilli, mem: s.memoryBytes, gpus: new Int32Array(s.gpuCount).fill(MILLI), pods: [], gpuOf: [] };
  // fractional pods onto their GPUs first, then whole-GPU and CPU-only pods
  for (const [ti, list] of podsOf) {
    const p = pods[list[0]];
    if (!(p.gpuCount > 0 && p.gpuMilli < MILLI)) continue;
    const gs = col.gpus.get(ti) ?? [];
    list.forEach((pi, j) => {
      const g = gs[j];
      n.cpu -= p.cpuMilli; n.mem -= p.memoryBytes; n.gpus[g] -= p.gpuMilli;
      n.pods.push(pi); n.gpuOf.push([g]);
    });
  }
  if (n.cpu < 0 || n.mem < 0 || n.gpus.some((v) => v < 0)) return undefined;
  for (const list of podsOf.values()) {
    const p = pods[list[0]];
    if (p.gpuCount > 0 && p.gpuMilli < MILLI) continue;
    for (const pi of list) {
      const g = tryPut(n, p, true);
      if (!g) return undefined;
      n.pods.push(pi); n.gpuOf.push(g);
    }
  }
  return n;
}

function columnOfNode(n: OpenNode, typeOf: Int32Array, pods: readonly PodReq[]): Column {
  const count = new Map<number, number>();
  const gpus = new Map<number, number[]>();
  n.pods.forEach((pi, j) => {
    const ti = typeOf[pi];
    count.set(ti, (count.get(ti) ?? 0) + 1);
    const p = pods[pi];
    if (p.gpuCount > 0 && p.gpuMilli < MILLI) { const l = gpus.get(ti) ?? []; l.push(n.gpuOf[j][0]); gpus.set(ti, l); }
  });
  return { shape: n.shape, count, gpus };
}

/** Master LP (or, with `integer`, the restricted-master MILP over the realisable columns only). */
function masterLp(types: Types, cols: readonly Column[], integer: boolean, shapes: readonly OfflineShape[]): string {
  const use = cols.map((_, j) => j).filter((j) => !integer || cols[j].real !== false);
  const rows: string[][] = types.map(() => []);
  for (const j of use) for (const [ti, a] of cols[j].count) rows[ti].push(`${a} l${j}`);
  const L = ['Minimize', ' obj: ' + use.map((j) => `${shapeCost(shapes[cols[j].shape])} l${j}`).join(' + '), 'Subject To'];
  rows.forEach((r, ti) => { if (r.length) L.push(` t${ti}: ${r.join(' + ')} >= ${types[ti].n}`); });
  if (integer) L.push('General', ' ' + use.map((j) => `l${j}`).join(' '));
  L.push('End');
  return L.join('\n');
}

/**
 * Column generation for the configuration LP. Returns the best valid lower bound (never below the
 * aggregated LP bound) and a packing (never worse than the better of FFD and GPU-first packing). Pods no shape can host are reported
 * unplaceable and left out of both.
 */
export function configLp(highs: HighsLike, pods: readonly PodReq[], shapes: readonly OfflineShape[], opts: CgOptions = {}): ConfigLpResult {
  const budget = opts.budgetMs ?? 60000;
  const t0 = Date.now();
  const ffdNodes = packOffline(pods, shapes);
  const gpuFirst = packGpuFirst(pods, shapes);
  const cost = (x: OfflinePacking): number => packingCost(x.assignment.map((a) => a.shape), shapes);
  const ffd = cost(gpuFirst) < cost(ffdNodes) ? gpuFirst : ffdNodes;
  const skip = new Set(ffd.unplaceable);
  const placeable = pods.map((_, i) => i).filter((i) => !skip.has(i));
  const sub = placeable.map((i) => pods[i]);
  const types = podTypes(sub);
  const typeOf = new Int32Array(sub.length);
  types.forEach((t, ti) => t.members.forEach((m) => { typeOf[m] = ti; }));
  const aggregated = sub.length ? lpLowerBound(highs, sub, shapes) : 0;
  // initial columns: the nodes of both heuristics (re-indexed to the placeable pods)
  const local = new Map<number, number>();
  placeable.forEach((i, j) => local.set(i, j));
  const cols: Column[] = [...ffdNodes.assignment, ...gpuFirst.assignment].map((a) => columnOfNode({
    shape: a.shape, cpu: 0, mem: 0, gpus: new Int32Array(0), pods: a.pods.map((i) => local.get(i)!), gpuOf: a.gpus,
  }, typeOf, sub));
  const seen = new Set<string>();
  const key = (c: Column): string => `${c.shape}:${[...c.count.entries()].sort((a, b) => a[0] - b[0]).join(';')}`;
  const fresh = (c: Column | undefined): c is Column => {
    if (!c) return false;
    const k = key(c);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  };
  cols.forEach((c) => seen.add(key(c)));
  // (duplicates among the initial columns are harmless to the master)
  let best = aggregated;
  let iterations = 0;
  let converged = false;
  while (sub.length && Date.now() - t0 < budget) {
    iterations++;
    const r = highs.solve(masterLp(types, cols, false, shapes), { output_flag: false });
    if (r.Status !== 'Optimal') break;
    const pi = types.map(() => 0);
    const rowsByName = new Map<string, number>();
    (r as unknown as { Rows: { Name: string; Dual: number }[] }).Rows.forEach((row) => rowsByName.set(row.Name, row.Dual));
    types.forEach((_, ti) => { pi[ti] = Math.max(0, rowsByName.get(`t${ti}`) ?? 0); });
    // greedy pricing while it finds improving patterns; exact MILP pricing (which also gives the
    // Farley bound) when it does not, or on the last round of the budget
    let added = 0;
    const lastRound = Date.now() - t0 > budget * 0.8;
    if (!lastRound) {
      shapes.forEach((s, k) => {
        const pr = priceGreedy(types, pi, s, k);
        if (pr.value > shapeCost(s) * (1 + 1e-6) && fresh(pr.col)) { cols.push(pr.col); added++; }
      });
      if (added > 0) continue;
    }
    let vmax = 1; let exact = true;
    shapes.forEach((s, k) => {
      const pr = price(highs, types, pi, s, k);
      if (!pr.exact) { exact = false; return; }
      vmax = Math.max(vmax, pr.value / shapeCost(s));
      if (pr.value > shapeCost(s) * (1 + 1e-6) && fresh(pr.col)) { cols.push(pr.col); added++; }
    });
    if (exact) best = Math.max(best, roundBound(r.ObjectiveValue / vmax, shapes));
    if (added === 0 || lastRound) { converged = exact && added === 0; break; }
  }
  // restricted master as a MILP, realised on actual pods
  const rm = highs.solve(masterLp(types, cols, true, shapes), { output_flag: false, time_limit: opts.masterMilpSeconds ?? 20, mip_rel_gap: 1e-6 } as Record<string, unknown>);
  let packing: OfflinePacking = ffd;
  if ((rm.Status === 'Optimal' || rm.Status === 'Time limit reached') && Number.isFinite(rm.ObjectiveValue)) {
    const left = types.map((t) => [...t.members]);
    const open: OpenNode[] = [];
    let ok = true;
    cols.forEach((c, j) => {
      for (let copies = Math.round(rm.Columns[`l${j}`]?.Primal ?? 0); copies > 0 && ok; copies--) {
        const podsOf = new Map<number, number[]>();
        const trimmed: Column = { shape: c.shape, count: c.count, gpus: c.gpus };
        for (const [ti, a] of c.count) { const take = left[ti].splice(0, Math.min(a, left[ti].length)); if (take.length) podsOf.set(ti, take); }
        if (podsOf.size === 0) continue;
        const n = realise(trimmed, podsOf, sub, shapes[c.shape]);
        if (!n) { ok = false; return; }
        open.push(n);
      }
    });
    if (ok && left.every((l) => l.length === 0)) {
      consolidate(sub, shapes, open);
      if (packingCost(open.map((n) => n.shape), shapes) <= packingCost(ffd.assignment.map((a) => a.shape), shapes)) {
        const perShape = shapes.map(() => 0);
        for (const n of open) perShape[n.shape]++;
        packing = {
          nodes: open.length, perShape, unplaceable: ffd.unplaceable,
          assignment: open.map((n) => ({ shape: n.shape, pods: n.pods.map((j) => placeable[j]), gpus: n.gpuOf.map((g) => [...g]) })),
        };
      }
    }
  }
  return { lowerBound: best, packing, iterations, columns: cols.length, converged };
}
