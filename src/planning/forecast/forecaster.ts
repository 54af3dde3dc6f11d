import { HourlySeries } from './history';
import { PlanningError } from '../../errors';
import { requireInRange, requirePositiveInteger } from '../private/checks';
import { closestIds } from '../private/did-you-mean';
import { Explanation } from '../private/explanation';
import { adjustForLevelShift, detectLevelShift, LevelShift } from './private/level-shift';
import { DAY, ForecastMethod, METHODS, seasonalNaive } from './private/models';
import { quantile } from './private/stats';

/** Longest horizon accepted (12 weeks); longer extrapolations of hourly seasonality are not meaningful. */
const MAX_HORIZON_HOURS = 2016;
/**
 * A method joins the combination only if its backtest score is within this factor of the
 * best one. Chosen among {1.25, 1.5, 2, 3, ∞} on M4 hourly (bench/forecast.bench.ts):
 * 1.5 gave sMAPE 9.30 / MASE 0.886 against 9.36 / 0.921 for a plain top-3 mean.
 */
const COMBINE_WITHIN = 1.5;
/** Default rolling-origin windows behind the upper bound (see {@link ForecastOptions.intervalOrigins}). */
const DEFAULT_INTERVAL_ORIGINS = 14;
/** Shortest history that is backtested; shorter ones (1–3 days) use the documented seasonal-naive fallback. */
const MIN_BACKTEST_HISTORY_HOURS = 3 * DAY;

/** Options for {@link DemandForecaster.forecast}. */
export interface ForecastOptions {
  /** Hours to forecast past the end of the history (1–2016). */
  readonly horizonHours: number;
  /**
   * Probability that an hour's demand stays below `upper`, estimated from backtest errors.
   * @default 0.95
   */
  readonly intervalLevel?: number;
  /**
   * Rolling-origin backtest windows used to score and combine methods.
   * @default 3 (fewer when the history is short)
   */
  readonly backtestOrigins?: number;
  /**
   * Rolling-origin windows whose errors of the chosen combination set the upper bound: the `backtestOrigins`
   * windows plus earlier ones, as far as the history lets every chosen method run. On M4 hourly histories less their
   * last 48 hours (the "calibration split" of bench/forecast.bench.ts; the M4 test hours played no part), a nominal
   * 95% bound covered 87.7% of the held-out hours with 3 windows (144 errors from three correlated stretches), 92.6%
   * with 6, 93.7% with 10, 94.5% with 14 and 94.6% with 20 (most histories allow 12–17). Point forecasts do not
   * change: methods are still chosen on `backtestOrigins`. The
   * windows whose forecast is not finite for some chosen method are skipped.
   * @default 14 (fewer when the history is short)
   */
  readonly intervalOrigins?: number;
  /**
   * Hours forecast from each backtest origin.
   * @default max(48, min(horizonHours, 168)) — at least the M4 hourly horizon (48), at most a week
   */
  readonly backtestHorizonHours?: number;
  /**
   * Most best-scoring methods averaged (equal weights); a method is left out when its
   * backtest score is more than 1.5 × the best score.
   * @default 3 — the M4 finding that combinations beat single methods (Makridakis et al. 2020, IJF 36(1) §5)
   */
  readonly combine?: number;
  /**
   * Method ids to consider (see {@link DemandForecaster.methodIds}).
   * @default - all methods that fit the history
   */
  readonly methods?: string[];
  /**
   * Detect one abrupt level shift and move the history before it to the new level.
   * @default true
   */
  readonly adjustLevelShifts?: boolean;
}

/** A method's backtest score. */
export interface MethodScore {
  /** Method id. */
  readonly method: string;
  /** Mean absolute backtest error divided by the in-sample seasonal-naive (24 h) mean absolute error: a MASE-like score, lower is better. */
  readonly scaledError: number;
}

/** Fields of a {@link DemandForecast}. */
export interface DemandForecastProps {
  /** Series id. */
  readonly series: string;
  /** ISO 8601 UTC timestamps of the forecast hours. */
  readonly timestamps: string[];
  /** Point forecasts, non-negative. */
  readonly values: number[];
  /** Upper bound at `intervalLevel`, each ≥ the matching value. */
  readonly upper: number[];
  /** Interval level of `upper`. */
  readonly intervalLevel: number;
  /** Methods averaged into `values`, best first. */
  readonly methods: string[];
  /** Backtest score of every method tried, best first (empty for fallbacks). */
  readonly scores: MethodScore[];
  /**
   * Hour (ISO 8601) where a level shift was detected and adjusted for.
   * @default - none
   */
  readonly levelShiftAt?: string;
  /** Hours that were missing in the history and filled. */
  readonly filledHours: number;
  /**
   * Why a fallback was used instead of backtest selection.
   * @default - no fallback
   */
  readonly fallback?: string;
  /** Rendered explanation text. */
  readonly explanationText: string;
}

/** Forecast for one series, with its upper bound and how it was chosen (built by {@link DemandForecaster}). */
export class DemandForecast {
  /** Series id. */
  public readonly series: string;
  /** ISO 8601 UTC timestamps of the forecast hours. */
  public readonly timestamps: string[];
  /** Point forecasts (mean of the combined methods), non-negative. */
  public readonly values: number[];
  /** Upper bound at `intervalLevel`; every element ≥ the matching value. */
  public readonly upper: number[];
  /** Interval level of `upper`. */
  public readonly intervalLevel: number;
  /** Methods averaged into `values`, best first. */
  public readonly methods: string[];
  /** Backtest score of every method tried, best first (empty for fallbacks). */
  public readonly scores: MethodScore[];
  /** Hour (ISO 8601) where a level shift was detected and adjusted for, if any. */
  public readonly levelShiftAt?: string;
  /** Hours that were missing in the history and filled. */
  public readonly filledHours: number;
  /** Why a fallback was used instead of backtest selection, if one was. */
  public readonly fallback?: string;
  private readonly explanationText: string;

  constructor(p: DemandForecastProps) {
    for (const [i, v] of p.values.entries()) {
      if (!Number.isFinite(v) || !Number.isFinite(p.upper[i]) || p.upper[i] < v) {
        throw new PlanningError(`forecast.${p.series}.values[${i}]`, `${v} (upper ${p.upper[i]})`, 'forecasts must be finite with upper ≥ value');
      }
    }
    this.series = p.series;
    this.timestamps = [...p.timestamps];
    this.values = [...p.values];
    this.upper = [...p.upper];
    this.intervalLevel = p.intervalLevel;
    this.methods = [...p.methods];
    this.scores = [...p.scores];
    this.levelShiftAt = p.levelShiftAt;
    this.filledHours = p.filledHours;
    this.fallback = p.fallback;
    this.explanationText = p.explanationText;
  }

  /** How every number was derived. */
  public explain(): string {
    return this.explanationText;
  }

  /** JSON form used by `aidc forecast --json`. */
  public toJson(): any {
    return {
      series: this.series, timestamps: [...this.timestamps], values: [...this.values], upper: [...this.upper],
      intervalLevel: this.intervalLevel, methods: [...this.methods], scores: this.scores.map((s) => ({ ...s })),
      levelShiftAt: this.levelShiftAt ?? null, filledHours: this.filledHours, fallback: this.fallback ?? null,
    };
  }
}

/**
 * Forecasts hourly demand: seasonal naive (daily, weekly), Holt–Winters with damped
 * trend (additive and on log scale), Taylor's double seasonal smoothing (daily + weekly,
 * additive and on log scale) and Theta on the seasonally adjusted series; the methods
 * are scored by a rolling-origin backtest on the history (Tashman 2000, "Out-of-sample
 * tests of forecasting accuracy", IJF 16(4)) and the best `combine` are averaged.
 *
 * Upper bound: the empirical `intervalLevel` quantile (Hyndman & Fan 1996, definition 7)
 * of the combination's backtest errors, pooled over origins and steps (at least zero):
 * relative errors (actual − forecast)/forecast applied as value × (1 + q) for strictly
 * positive series, absolute errors added otherwise; and never below the largest forecast
 * of the combined methods (averaging smooths sharp ramps that one method captures).
 * Measured coverage of the nominal 95% bound on M4 hourly: see BENCHMARKS.md.
 *
 * Edge cases (documented fallbacks, never NaN):
 * - fewer than 24 hours: PlanningError;
 * - constant history: the constant, with upper = the constant;
 * - 24–71 hours: seasonal naive on the last day (too short to backtest); upper = value +
 *   the `intervalLevel` quantile of day-over-day changes when there are 2 days, else the
 *   history's maximum;
 * - forecasts are truncated at zero (demand is non-negative).
 */
export class DemandForecaster {
  /** Ids of the available methods. */
  public static methodIds(): string[] {
    return METHODS.map((m) => m.id);
  }

  /** Forecasts every series with the same options. */
  public static forecastAll(series: HourlySeries[], options: ForecastOptions): DemandForecast[] {
    return series.map((s) => DemandForecaster.forecast(s, options));
  }

  /** Forecasts one series. */
  public static forecast(series: HourlySeries, options: ForecastOptions): DemandForecast {
    const horizon = requirePositiveInteger('horizonHours', options.horizonHours);
    if (horizon > MAX_HORIZON_HOURS) {
      throw new PlanningError('horizonHours', String(horizon), `must be at most ${MAX_HORIZON_HOURS} (12 weeks); forecast again as new history arrives`);
    }
    const level = requireInRange('intervalLevel', options.intervalLevel ?? 0.95, 0.5, 0.999);
    const combine = requirePositiveInteger('combine', options.combine ?? 3);
    const maxOrigins = requirePositiveInteger('backtestOrigins', options.backtestOrigins ?? 3);
    const maxIntervalOrigins = requirePositiveInteger('intervalOrigins', options.intervalOrigins ?? DEFAULT_INTERVAL_ORIGINS);
    const wantedHb = requirePositiveInteger('backtestHorizonHours', options.backtestHorizonHours ?? Math.max(48, Math.min(horizon, 168)));
    const methods = selectMethods(options.methods);
    const n = series.length;
    if (n < DAY) {
      throw new PlanningError(`history.${series.id}`, `${n} hours`, 'need at least 24 hourly values (one day) to forecast');
    }
    const ex = new Explanation();
    ex.add('history', n, 'hours', 'hours from the first to the last timestamp');
    ex.add('filled hours', series.filledHours, 'hours', 'missing hours filled (linear up to 6 h, seasonal beyond)', 'HourlySeries.parseCsv');
    const timestamps = Array.from({ length: horizon }, (_, k) => series.timestampAt(n + k));
    const base = { series: series.id, timestamps, intervalLevel: level, filledHours: series.filledHours };
    const title = `Forecast for ${series.id}`;
    let y: Float64Array = Float64Array.from(series.values);

    const first = y[0];
    if (y.every((v) => v === first)) {
      ex.add('forecast', first, '', 'constant history → the constant');
      return new DemandForecast({
        ...base, values: new Array(horizon).fill(first), upper: new Array(horizon).fill(first),
        methods: ['constant'], scores: [], fallback: 'constant history: forecast is the constant', explanationText: ex.render(title),
      });
    }
    if (n < MIN_BACKTEST_HISTORY_HOURS) return shortFallback(y, horizon, level, { ...base, title }, ex);

    let shift: LevelShift | undefined;
    if (options.adjustLevelShifts ?? true) {
      shift = detectLevelShift(y);
      if (shift) {
        y = adjustForLevelShift(y, shift);
        ex.add('level shift before', shift.levelBefore, '', 'mean of daily means before the change point', 'private/level-shift.ts');
        ex.add('level shift after', shift.levelAfter, '', `mean of daily means after the change point; earlier hours adjusted (${shift.adjustment})`);
      }
    }

    const hb = Math.min(wantedHb, n - 2 * DAY);
    const origins = Math.max(1, Math.min(maxOrigins, Math.floor((n - 2 * DAY) / hb)));
    ex.add('backtest horizon', hb, 'hours', `min(backtestHorizonHours=${wantedHb}, history − 48)`);
    ex.add('backtest origins', origins, '', `min(backtestOrigins=${maxOrigins}, ⌊(history − 48) / backtest horizon⌋)`, 'Tashman 2000, IJF 16(4): rolling origin');
    const positive = y.every((v) => v > 0);
    const trainMin = n - origins * hb;
    const candidates = methods.filter((m) => m.minLength <= trainMin && (!m.positiveOnly || positive));
    const scale = inSampleScale(y);

    const tried: { method: ForecastMethod; score: number; backtests: Float64Array[] }[] = [];
    for (const method of candidates) {
      const backtests: Float64Array[] = [];
      let err = 0;
      let ok = true;
      for (let k = 1; k <= origins && ok; k++) {
        const o = n - k * hb;
        const f = method.forecast(y.subarray(0, o), hb);
        for (let i = 0; i < hb; i++) {
          if (!Number.isFinite(f[i])) ok = false;
          f[i] = Math.max(0, f[i]);
          err += Math.abs(y[o + i] - f[i]);
        }
        backtests.push(f);
      }
      if (ok) tried.push({ method, score: err / (origins * hb) / scale, backtests });
    }
    if (tried.length === 0) {
      throw new PlanningError('methods', (options.methods ?? []).join(',') || '(all)',
        `no method can be backtested on ${n} hours; allow seasonal-naive-24 or give a longer history`);
    }
    tried.sort((a, b) => a.score - b.score || a.method.id.localeCompare(b.method.id));
    const chosen = tried.slice(0, combine).filter((t, i) => i === 0 || t.score <= COMBINE_WITHIN * tried[0].score);
    for (const t of tried) ex.add(`backtest score ${t.method.id}`, t.score, '', 'mean |actual − forecast| / in-sample mean |y_t − y_{t−24}|');

    const values = new Array<number>(horizon).fill(0);
    const envelope = new Array<number>(horizon).fill(0);
    for (const c of chosen) {
      const f = c.method.forecast(y, horizon);
      for (let k = 0; k < horizon; k++) {
        const v = Math.max(0, Number.isFinite(f[k]) ? f[k] : seasonalNaive(y, horizon, DAY)[k]);
        values[k] += v / chosen.length;
        envelope[k] = Math.max(envelope[k], v);
      }
    }
    // Backtest errors of the combination; relative to the forecast for positive series
    // (errors grow with the level, so a multiplicative margin keeps night hours tight).
    const relative = positive;
    const residuals: number[] = [];
    const longest = Math.max(...chosen.map((c) => c.method.minLength));
    const intervalOrigins = Math.max(origins, Math.min(maxIntervalOrigins, Math.floor((n - longest) / hb)));
    for (let j = 0; j < intervalOrigins; j++) {
      const o = n - (j + 1) * hb;
      const runs = chosen.map((c) => (j < origins ? c.backtests[j] : c.method.forecast(y.subarray(0, o), hb)));
      if (runs.some((r) => r.some((v) => !Number.isFinite(v)))) continue;
      const f = new Float64Array(hb);
      for (const r of runs) for (let i = 0; i < hb; i++) f[i] += Math.max(0, r[i]) / chosen.length;
      for (let i = 0; i < hb; i++) residuals.push(relative ? (y[o + i] - f[i]) / Math.max(f[i], 1e-9) : y[o + i] - f[i]);
    }
    ex.add('interval origins', intervalOrigins, '', `min(intervalOrigins=${maxIntervalOrigins}, ⌊(history − longest method minimum ${longest}) / backtest horizon⌋), at least the backtest origins`,
      'Hyndman & Athanasopoulos, FPP3 §5.10 (errors from time-series cross-validation)');
    const q = Math.max(0, quantile(residuals, level));
    ex.add('upper margin', q, relative ? 'fraction of forecast' : '',
      `${level} quantile of ${residuals.length} backtest errors (actual − combined forecast${relative ? ', divided by the forecast' : ''}), floored at 0`,
      'Hyndman & Fan 1996, definition 7');
    // Never below any combined method's own forecast: averaging smooths sharp ramps
    // (e.g. a 08:00 step) that one method may already capture.
    const upper = values.map((v, k) => Math.max(envelope[k], relative ? v * (1 + q) : v + q));
    return new DemandForecast({
      ...base, values, upper, methods: chosen.map((c) => c.method.id),
      scores: tried.map((t) => ({ method: t.method.id, scaledError: t.score })),
      levelShiftAt: shift ? series.timestampAt(shift.index) : undefined, explanationText: ex.render(title),
    });
  }
}

function selectMethods(ids: string[] | undefined): ForecastMethod[] {
  if (ids === undefined) return METHODS;
  if (ids.length === 0) throw new PlanningError('methods', '[]', `name at least one of ${METHODS.map((m) => m.id).join(', ')}`);
  return ids.map((id) => {
    const m = METHODS.find((x) => x.id === id);
    if (!m) throw new PlanningError('methods', id, `unknown method; did you mean ${closestIds(id, METHODS.map((x) => x.id))}?`);
    return m;
  });
}

/** In-sample seasonal-naive (24 h) MAE; the mean level, or 1, when that is zero, so scores stay finite. */
function inSampleScale(y: Float64Array): number {
  let s = 0;
  for (let t = DAY; t < y.length; t++) s += Math.abs(y[t] - y[t - DAY]);
  s /= y.length - DAY;
  if (s > 0) return s;
  let m = 0;
  for (const v of y) m += v / y.length;
  return m > 0 ? m : 1;
}

function shortFallback(y: Float64Array, horizon: number, level: number, base: any, ex: Explanation): DemandForecast {
  const n = y.length;
  const values = Array.from(seasonalNaive(y, horizon, DAY));
  let upper: number[];
  if (n >= 2 * DAY) {
    const changes: number[] = [];
    for (let t = DAY; t < n; t++) changes.push(y[t] - y[t - DAY]);
    const q = Math.max(0, quantile(changes, level));
    ex.add('upper margin', q, '', `${level} quantile of ${changes.length} day-over-day changes (short-history fallback)`);
    upper = values.map((v) => v + q);
  } else {
    const max = Math.max(...y);
    ex.add('upper', max, '', 'maximum of the history (one day only: no errors to learn from)');
    upper = values.map(() => max);
  }
  return new DemandForecast({
    series: base.series, timestamps: base.timestamps, intervalLevel: base.intervalLevel, filledHours: base.filledHours,
    values, upper, methods: ['seasonal-naive-24'], scores: [],
    fallback: `history of ${n} hours is shorter than ${MIN_BACKTEST_HISTORY_HOURS}: seasonal naive on the last day, not backtested`,
    explanationText: ex.render(base.title),
  });
}
