/** Empirical quantile, linear interpolation between order statistics (Hyndman & Fan 1996, "Sample quantiles in statistical packages", Am. Stat. 50(4), definition 7). */
export function quantile(values: ArrayLike<number>, p: number): number {
  const s = Array.from(values).sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}
