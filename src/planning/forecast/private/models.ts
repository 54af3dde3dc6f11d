import { minimiseBounded } from './nelder-mead';

/** Hours in a day and a week: the two seasonal periods of hourly demand. */
export const DAY = 24;
export const WEEK = 168;

/**
 * One forecasting method: fits itself to `y` (hourly, no gaps) and returns
 * `h` point forecasts. `minLength` is the shortest history it accepts.
 * `positiveOnly` methods work on log(y) and are offered only for histories
 * that are strictly positive.
 */
export interface ForecastMethod {
  readonly id: string;
  readonly description: string;
  readonly minLength: number;
  readonly positiveOnly: boolean;
  forecast(y: Float64Array, h: number): Float64Array;
}

function mean(y: ArrayLike<number>, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += y[i];
  return s / (to - from);
}

/**
 * Seasonal naive: ŷ(n+k) = y(n+k−m·⌈k/m⌉), the value one season earlier
 * (Hyndman & Athanasopoulos, "Forecasting: Principles and Practice" 3rd ed., §5.2).
 * With m = 24 this is the M4 "sNaive" benchmark (Makridakis et al. 2020, IJF 36(1), §3).
 */
export function seasonalNaive(y: ArrayLike<number>, h: number, m: number): Float64Array {
  const n = y.length;
  const out = new Float64Array(h);
  for (let k = 0; k < h; k++) out[k] = y[n - m + (k % m)];
  return out;
}

/**
 * Holt–Winters additive seasonality with an additive damped trend, ETS(A,Ad,A):
 * level ℓ, trend b damped by φ (Gardner & McKenzie 1985, "Forecasting trends in
 * time series", Management Science 31(10)), seasonal s with period m
 * (Hyndman & Athanasopoulos FPP3 §8.3, Table 8.6 "additive damped, additive season").
 * Returns the one-step in-sample SSE (from the second season on) and, when `h > 0`, forecasts.
 */
export function holtWintersDamped(y: ArrayLike<number>, m: number, p: number[], h: number): { sse: number; forecast: Float64Array } {
  const [alpha, beta, gamma, phi] = p;
  const n = y.length;
  let level = mean(y, 0, m);
  let trend = n >= 2 * m ? (mean(y, m, 2 * m) - level) / m : 0;
  const season = new Float64Array(m);
  for (let i = 0; i < m; i++) season[i] = y[i] - level;
  let sse = 0;
  for (let t = 0; t < n; t++) {
    const si = t % m;
    const s = season[si];
    const e = y[t] - (level + phi * trend + s);
    if (t >= m) sse += e * e;
    const newLevel = level + phi * trend + alpha * e;
    trend = phi * trend + beta * alpha * e;
    season[si] = s + gamma * (1 - alpha) * e;
    level = newLevel;
  }
  const forecast = new Float64Array(h);
  let damp = 0;
  let pk = 1;
  for (let k = 1; k <= h; k++) {
    pk *= phi;
    damp += pk;
    forecast[k - 1] = level + damp * trend + season[(n + k - 1) % m];
  }
  return { sse, forecast };
}

/**
 * Double seasonal exponential smoothing (Taylor 2003, "Short-term electricity
 * demand forecasting using double seasonal exponential smoothing", JORS 54(8),
 * eqs. (4)–(8) without trend, as Taylor recommends for hourly/half-hourly load):
 * level ℓ, within-day season d (period 24), within-week season w (period 168),
 * and the AR(1) adjustment λ on the one-step residual (his eq. (8)).
 */
export function doubleSeasonal(y: ArrayLike<number>, p: number[], h: number): { sse: number; forecast: Float64Array } {
  const [alpha, delta, omega, lambda] = p;
  const n = y.length;
  let level = mean(y, 0, WEEK);
  const daily = new Float64Array(DAY);
  for (let day = 0; day < 7; day++) {
    const dm = mean(y, day * DAY, (day + 1) * DAY);
    for (let i = 0; i < DAY; i++) daily[i] += (y[day * DAY + i] - dm) / 7;
  }
  const weekly = new Float64Array(WEEK);
  for (let i = 0; i < WEEK; i++) weekly[i] = y[i] - level - daily[i % DAY];
  let sse = 0;
  let prev = 0;
  for (let t = 0; t < n; t++) {
    const di = t % DAY;
    const wi = t % WEEK;
    const base = level + daily[di] + weekly[wi];
    const e = y[t] - base;
    if (t >= WEEK) {
      const r = e - lambda * prev;
      sse += r * r;
    }
    const newLevel = level + alpha * e;
    const dOld = daily[di];
    daily[di] = delta * (y[t] - newLevel - weekly[wi]) + (1 - delta) * dOld;
    weekly[wi] = omega * (y[t] - newLevel - dOld) + (1 - omega) * weekly[wi];
    level = newLevel;
    prev = e;
  }
  const forecast = new Float64Array(h);
  let lk = 1;
  for (let k = 1; k <= h; k++) {
    lk *= lambda;
    forecast[k - 1] = level + daily[(n + k - 1) % DAY] + weekly[(n + k - 1) % WEEK] + lk * prev;
  }
  return { sse, forecast };
}

/**
 * Theta method on a seasonally adjusted series (Assimakopoulos & Nikolopoulos 2000,
 * IJF 16(4); shown by Hyndman & Billah 2003, IJF 19(2), to equal simple exponential
 * smoothing with drift b/2, b the OLS slope). Seasonal adjustment is classical
 * multiplicative decomposition with a centred 2×m moving average (the M4 benchmarks'
 * procedure, Makridakis et al. 2020 §3); additive when the series is not positive.
 */
export function thetaDeseasonalised(y: ArrayLike<number>, m: number, h: number): Float64Array {
  const n = y.length;
  let positive = true;
  for (let i = 0; i < n; i++) if (!(y[i] > 0)) positive = false;
  const sums = new Float64Array(m);
  const counts = new Float64Array(m);
  const half = m / 2;
  for (let t = half; t < n - half; t++) {
    let s = 0.5 * (y[t - half] + y[t + half]);
    for (let j = t - half + 1; j < t + half; j++) s += y[j];
    const cma = s / m;
    sums[t % m] += positive ? y[t] / cma : y[t] - cma;
    counts[t % m]++;
  }
  const idx = new Float64Array(m);
  let norm = 0;
  for (let i = 0; i < m; i++) {
    idx[i] = counts[i] > 0 ? sums[i] / counts[i] : (positive ? 1 : 0);
    norm += idx[i] / m;
  }
  for (let i = 0; i < m; i++) idx[i] = positive ? idx[i] / norm : idx[i] - norm;
  const z = new Float64Array(n);
  for (let t = 0; t < n; t++) z[t] = positive ? y[t] / idx[t % m] : y[t] - idx[t % m];
  // OLS slope of z on t.
  const tm = (n - 1) / 2;
  const zm = mean(z, 0, n);
  let num = 0;
  let den = 0;
  for (let t = 0; t < n; t++) {
    num += (t - tm) * (z[t] - zm);
    den += (t - tm) * (t - tm);
  }
  const slope = den > 0 ? num / den : 0;
  // SES: α by golden grid on one-step SSE.
  let bestAlpha = 0.5;
  let bestSse = Infinity;
  let bestLevel = z[0];
  for (const alpha of [0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9]) {
    let level = z[0];
    let sse = 0;
    for (let t = 1; t < n; t++) {
      const e = z[t] - level;
      sse += e * e;
      level += alpha * e;
    }
    if (sse < bestSse) {
      bestSse = sse; bestAlpha = alpha; bestLevel = level;
    }
  }
  const out = new Float64Array(h);
  const a = bestAlpha;
  for (let k = 1; k <= h; k++) {
    const drift = 0.5 * slope * (k - 1 + 1 / a - Math.pow(1 - a, n) / a);
    const zf = bestLevel + drift;
    const season = idx[(n + k - 1) % m];
    out[k - 1] = positive ? zf * season : zf + season;
  }
  return out;
}

function fitHoltWinters(y: ArrayLike<number>, h: number): Float64Array {
  const fit = minimiseBounded(
    (p) => holtWintersDamped(y, DAY, p, 0).sse,
    [0.3, 0.05, 0.1, 0.95], [0.001, 0.0001, 0.0001, 0.8], [0.999, 0.3, 0.9, 0.995], 100,
  );
  return holtWintersDamped(y, DAY, fit.params, h).forecast;
}

function fitDoubleSeasonal(y: ArrayLike<number>, h: number): Float64Array {
  const fit = minimiseBounded(
    (p) => doubleSeasonal(y, p, 0).sse,
    [0.1, 0.1, 0.1, 0.5], [0.001, 0.0001, 0.0001, 0], [0.999, 0.9, 0.9, 0.99], 100,
  );
  return doubleSeasonal(y, fit.params, h).forecast;
}

function onLog(y: Float64Array, h: number, f: (z: Float64Array, h: number) => Float64Array): Float64Array {
  const z = y.map((v) => Math.log(v));
  return f(z, h).map((v) => Math.exp(v));
}

/**
 * The candidate methods, simplest first. Selection among them is by
 * rolling-origin backtest (see forecaster.ts); the log variants model
 * multiplicative seasonality (Hyndman & Athanasopoulos FPP3 §8.3: a multiplicative
 * model is an additive one on log scale) and are offered only for positive series.
 */
export const METHODS: ForecastMethod[] = [
  {
    id: 'seasonal-naive-24', description: 'seasonal naive, daily (repeat the last 24 hours)', minLength: DAY, positiveOnly: false,
    forecast: (y, h) => seasonalNaive(y, h, DAY),
  },
  {
    id: 'seasonal-naive-168', description: 'seasonal naive, weekly (repeat the last 168 hours)', minLength: WEEK, positiveOnly: false,
    forecast: (y, h) => seasonalNaive(y, h, WEEK),
  },
  {
    id: 'holt-winters-damped', description: 'Holt-Winters additive, damped trend, daily season', minLength: 2 * DAY, positiveOnly: false,
    forecast: fitHoltWinters,
  },
  {
    id: 'holt-winters-damped-log', description: 'Holt-Winters damped on log scale (multiplicative), daily season', minLength: 2 * DAY, positiveOnly: true,
    forecast: (y, h) => onLog(y, h, fitHoltWinters),
  },
  {
    id: 'double-seasonal', description: 'Taylor double seasonal exponential smoothing, daily + weekly', minLength: 2 * WEEK, positiveOnly: false,
    forecast: fitDoubleSeasonal,
  },
  {
    id: 'double-seasonal-log', description: 'Taylor double seasonal on log scale (multiplicative)', minLength: 2 * WEEK, positiveOnly: true,
    forecast: (y, h) => onLog(y, h, fitDoubleSeasonal),
  },
  {
    id: 'theta-seasonal', description: 'Theta (SES with drift) on the seasonally adjusted series', minLength: 3 * DAY, positiveOnly: false,
    forecast: (y, h) => thetaDeseasonalised(y, DAY, h),
  },
];
