/** A detected level shift and how the history before it was adjusted. */
export interface LevelShift {
  /** Index of the first hour at the new level. */
  readonly index: number;
  /** Mean of the daily means before the shift. */
  readonly levelBefore: number;
  /** Mean of the daily means after the shift. */
  readonly levelAfter: number;
  /** `multiplicative` (positive series, pre-shift hours scaled by after/before) or `additive`. */
  readonly adjustment: string;
}

/** Fewest whole days on each side of a candidate shift. */
const MIN_DAYS_EACH_SIDE = 3;
/** A step must explain the daily means at least this much better (SSE ratio) than a straight line. */
const STEP_VS_LINE_SSE_RATIO = 0.25;
/** Smallest relative jump treated as a level shift. */
const MIN_RELATIVE_JUMP = 0.2;

/**
 * Finds one abrupt level shift in the daily means of an hourly series.
 *
 * Method: single change point in the mean (least-squares segmentation, as in
 * binary segmentation, Scott & Knott 1974, Biometrics 30(3)) on whole-day means
 * (which removes the daily season), divided by a day-of-week factor when there are two
 * weeks or more (median ratio of each day to its centred 7-day mean, per weekday, so a
 * step is not confused with weekends). It is accepted as a shift, not a trend, when
 * the two-level step fits the daily means with at most 25% of the squared error
 * of a least-squares line, and the jump is at least 20% of the larger level.
 * Both thresholds are engineering choices, documented here and in the forecast's
 * explanation. Returns undefined when there is no shift or fewer than 6 whole days.
 */
export function detectLevelShift(y: ArrayLike<number>): LevelShift | undefined {
  const n = y.length;
  const days = Math.floor(n / 24);
  if (days < 2 * MIN_DAYS_EACH_SIDE) return undefined;
  const offset = n - days * 24;
  const d = new Float64Array(days);
  for (let j = 0; j < days; j++) {
    let s = 0;
    for (let i = 0; i < 24; i++) s += y[offset + j * 24 + i];
    d[j] = s / 24;
  }
  removeWeekdayEffect(d);
  // Least-squares line through the daily means.
  const tm = (days - 1) / 2;
  let dm = 0;
  for (let j = 0; j < days; j++) dm += d[j] / days;
  let num = 0;
  let den = 0;
  for (let j = 0; j < days; j++) {
    num += (j - tm) * (d[j] - dm);
    den += (j - tm) * (j - tm);
  }
  const slope = num / den;
  let sseLine = 0;
  for (let j = 0; j < days; j++) sseLine += (d[j] - dm - slope * (j - tm)) ** 2;
  // Best single split.
  let best: { k: number; sse: number; m1: number; m2: number } | undefined;
  for (let k = MIN_DAYS_EACH_SIDE; k <= days - MIN_DAYS_EACH_SIDE; k++) {
    let m1 = 0;
    let m2 = 0;
    for (let j = 0; j < k; j++) m1 += d[j] / k;
    for (let j = k; j < days; j++) m2 += d[j] / (days - k);
    let sse = 0;
    for (let j = 0; j < days; j++) sse += (d[j] - (j < k ? m1 : m2)) ** 2;
    if (!best || sse < best.sse) best = { k, sse, m1, m2 };
  }
  if (!best) return undefined;
  const larger = Math.max(Math.abs(best.m1), Math.abs(best.m2));
  if (larger === 0 || Math.abs(best.m2 - best.m1) < MIN_RELATIVE_JUMP * larger) return undefined;
  if (best.sse > STEP_VS_LINE_SSE_RATIO * sseLine) return undefined;
  let positive = true;
  for (let i = 0; i < n; i++) if (!(y[i] > 0)) positive = false;
  return {
    index: offset + best.k * 24,
    levelBefore: best.m1,
    levelAfter: best.m2,
    adjustment: positive && best.m1 > 0 ? 'multiplicative' : 'additive',
  };
}

/** Moves the hours before `shift.index` to the post-shift level (scaled or offset), so seasonal estimates can use all of the history. */
export function adjustForLevelShift(y: Float64Array, shift: LevelShift): Float64Array {
  const out = Float64Array.from(y);
  for (let i = 0; i < shift.index; i++) {
    out[i] = shift.adjustment === 'multiplicative'
      ? y[i] * (shift.levelAfter / shift.levelBefore)
      : Math.max(0, y[i] + (shift.levelAfter - shift.levelBefore));
  }
  return out;
}

/** Divides daily means by a robust day-of-week factor (median of day / centred 7-day mean per weekday, normalised to mean 1); needs ≥ 14 days and positive means. */
function removeWeekdayEffect(d: Float64Array): void {
  const days = d.length;
  if (days < 14 || d.some((v) => !(v > 0))) return;
  const ratios: number[][] = [[], [], [], [], [], [], []];
  for (let j = 3; j < days - 3; j++) {
    let m = 0;
    for (let i = j - 3; i <= j + 3; i++) m += d[i] / 7;
    ratios[j % 7].push(d[j] / m);
  }
  const factor = ratios.map((r) => {
    const s = [...r].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  });
  const norm = factor.reduce((a, b) => a + b, 0) / 7;
  if (!(norm > 0) || factor.some((f) => !(f > 0))) return;
  for (let j = 0; j < days; j++) d[j] /= factor[j % 7] / norm;
}
