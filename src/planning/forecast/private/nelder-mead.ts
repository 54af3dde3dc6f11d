/**
 * Nelder–Mead simplex minimisation (Nelder & Mead 1965, "A simplex method for
 * function minimization", Computer Journal 7(4); coefficients reflection 1,
 * expansion 2, contraction 0.5, shrink 0.5 as in Lagarias et al. 1998, SIAM J. Optim. 9(1)).
 *
 * Used to fit smoothing parameters on the in-sample one-step squared error.
 * Parameters are bounded by mapping each through a logistic function onto
 * `[lower, upper]`, so the simplex itself is unconstrained.
 */
export function minimiseBounded(
  objective: (params: number[]) => number,
  start: number[],
  lower: number[],
  upper: number[],
  maxEvaluations = 120,
): { params: number[]; value: number } {
  const d = start.length;
  const toBounded = (z: number[]): number[] => z.map((v, i) => lower[i] + (upper[i] - lower[i]) / (1 + Math.exp(-v)));
  const toFree = (x: number[]): number[] => x.map((v, i) => {
    const p = Math.min(1 - 1e-6, Math.max(1e-6, (v - lower[i]) / (upper[i] - lower[i])));
    return Math.log(p / (1 - p));
  });
  const f = (z: number[]): number => {
    const v = objective(toBounded(z));
    return Number.isFinite(v) ? v : Number.MAX_VALUE;
  };
  const simplex: number[][] = [toFree(start)];
  for (let i = 0; i < d; i++) {
    const p = [...simplex[0]];
    p[i] += 1.0;
    simplex.push(p);
  }
  let values = simplex.map(f);
  let evaluations = simplex.length;
  while (evaluations < maxEvaluations) {
    const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
    const s = order.map((i) => simplex[i]);
    values = order.map((i) => values[i]);
    for (let i = 0; i <= d; i++) simplex[i] = s[i];
    if (Math.abs(values[d] - values[0]) <= 1e-10 * (Math.abs(values[0]) + 1e-12)) break;
    const centroid = new Array<number>(d).fill(0);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) centroid[j] += simplex[i][j] / d;
    const worst = simplex[d];
    const at = (t: number): number[] => centroid.map((c, j) => c + t * (worst[j] - c));
    const reflected = at(-1);
    const fr = f(reflected);
    evaluations++;
    if (fr < values[0]) {
      const expanded = at(-2);
      const fe = f(expanded);
      evaluations++;
      if (fe < fr) {
        simplex[d] = expanded; values[d] = fe;
      } else {
        simplex[d] = reflected; values[d] = fr;
      }
    } else if (fr < values[d - 1]) {
      simplex[d] = reflected; values[d] = fr;
    } else {
      const contracted = fr < values[d] ? at(-0.5) : at(0.5);
      const fc = f(contracted);
      evaluations++;
      if (fc < Math.min(fr, values[d])) {
        simplex[d] = contracted; values[d] = fc;
      } else {
        for (let i = 1; i <= d; i++) {
          simplex[i] = simplex[i].map((v, j) => simplex[0][j] + 0.5 * (v - simplex[0][j]));
          values[i] = f(simplex[i]);
          evaluations++;
        }
      }
    }
  }
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] < values[best]) best = i;
  return { params: toBounded(simplex[best]), value: values[best] };
}
