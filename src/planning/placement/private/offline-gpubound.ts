import { MILLI, PodReq } from './cluster';

/** Minimal shape of the highs-js module we use. */
export interface HighsLike {
  solve(lp: string, options?: Record<string, unknown>): { Status: string; ObjectiveValue: number; Columns: Record<string, { Primal: number }> };
}

/**
 * Lower bound on the GPUs any packing opens: whole-GPU pods need their GPUs to themselves, and the
 * fractional pods need at least the optimum of the cutting-stock LP over their sizes (Gilmore & Gomory
 * 1961; one GPU = MILLI), solved by column generation with HiGHS and an exact bounded-knapsack pricing
 * (integer milli sizes). GPU models are ignored, so the bound is valid for every packing. Returns
 * ⌈whole + LP⌉, or Farley's bound if `maxRounds` runs out first.
 */
export function gpuLowerBound(highs: HighsLike, pods: readonly PodReq[], maxRounds = 500): number {
  let whole = 0;
  const countBySize = new Map<number, number>();
  for (const p of pods) {
    if (p.gpuCount === 0 || p.gpuMilli <= 0) continue;
    if (p.gpuMilli >= MILLI) whole += p.gpuCount;
    else countBySize.set(p.gpuMilli, (countBySize.get(p.gpuMilli) ?? 0) + 1);
  }
  const sizes = [...countBySize.keys()].sort((a, b) => b - a);
  if (!sizes.length) return whole;
  const demand = sizes.map((v) => countBySize.get(v)!);
  const cols: number[][] = sizes.map((v, i) => sizes.map((_, j) => (j === i ? Math.min(demand[i], Math.floor(MILLI / v)) : 0)));
  let bound = 0;
  for (let round = 0; round < maxRounds; round++) {
    const L = ['Minimize', ' obj: ' + cols.map((_, j) => `l${j}`).join(' + '), 'Subject To'];
    sizes.forEach((_, i) => {
      const terms = cols.map((c, j) => (c[i] > 0 ? `${c[i]} l${j}` : '')).filter(Boolean);
      L.push(` s${i}: ${terms.join(' + ')} >= ${demand[i]}`);
    });
    L.push('End');
    const r = highs.solve(L.join('\n'), { output_flag: false });
    if (r.Status !== 'Optimal') break;
    const rows = (r as unknown as { Rows: { Name: string; Dual: number }[] }).Rows;
    const pi = sizes.map((_, i) => Math.max(0, rows.find((row) => row.Name === `s${i}`)?.Dual ?? 0));
    const { value, pattern } = knapsack(sizes, demand, pi);
    bound = Math.max(bound, r.ObjectiveValue / Math.max(1, value));
    if (value <= 1 + 1e-9) { bound = r.ObjectiveValue; break; }
    cols.push(pattern);
  }
  return whole + Math.ceil(bound - 1e-6);
}

/** Bounded knapsack over integer sizes into one GPU (capacity MILLI): max Σ π_i a_i, a_i ≤ demand_i. */
function knapsack(sizes: readonly number[], demand: readonly number[], pi: readonly number[]): { value: number; pattern: number[] } {
  const best = new Float64Array(MILLI + 1);
  const choice: Int32Array[] = sizes.map(() => new Int32Array(MILLI + 1));
  sizes.forEach((v, i) => {
    const maxCopies = Math.min(demand[i], Math.floor(MILLI / v));
    for (let cap = MILLI; cap >= 0; cap--) {
      let b = best[cap]; let pick = 0;
      for (let a = 1; a <= maxCopies && a * v <= cap; a++) {
        const val = best[cap - a * v] + a * pi[i];
        if (val > b + 1e-12) { b = val; pick = a; }
      }
      best[cap] = b;
      choice[i][cap] = pick;
    }
  });
  // walk back (items were processed in order; undo in reverse)
  const pattern = sizes.map(() => 0);
  let cap = MILLI;
  for (let i = sizes.length - 1; i >= 0; i--) {
    const a = choice[i][cap];
    pattern[i] = a;
    cap -= a * sizes[i];
  }
  return { value: best[MILLI], pattern };
}
