import { PlanningError } from '../../errors';

/**
 * Point-forecast accuracy measures as defined for the M4 competition
 * (Makridakis, Spiliotis & Assimakopoulos 2020, "The M4 Competition: 100,000 time
 * series and 61 forecasting methods", IJF 36(1), eqs. (1) and (2)).
 */
export class ForecastAccuracy {
  /**
   * Symmetric MAPE in percent: (200/h) Σ |y − ŷ| / (|y| + |ŷ|). A step where both
   * actual and forecast are zero counts as zero error (M4 has no zeros; the
   * convention keeps the measure finite for idle services).
   */
  public static smape(actual: number[], forecast: number[]): number {
    checkPair(actual, forecast);
    let s = 0;
    for (let i = 0; i < actual.length; i++) {
      const den = Math.abs(actual[i]) + Math.abs(forecast[i]);
      s += den === 0 ? 0 : (2 * Math.abs(actual[i] - forecast[i])) / den;
    }
    return (100 * s) / actual.length;
  }

  /**
   * Mean absolute scaled error: mean |y − ŷ| over the horizon divided by the
   * in-sample mean absolute error of the seasonal naive forecast with period m
   * (m = 24 for hourly series in M4).
   */
  public static mase(actual: number[], forecast: number[], history: number[], seasonalPeriod: number): number {
    checkPair(actual, forecast);
    const scale = ForecastAccuracy.seasonalNaiveScale(history, seasonalPeriod);
    if (scale === 0) {
      throw new PlanningError('history', `${history.length} values`, 'MASE is undefined for a history that repeats exactly every season (seasonal-naive error is zero)');
    }
    let s = 0;
    for (let i = 0; i < actual.length; i++) s += Math.abs(actual[i] - forecast[i]);
    return s / actual.length / scale;
  }

  /** In-sample mean absolute error of the seasonal naive forecast: (1/(n−m)) Σ_{t>m} |y_t − y_{t−m}|. */
  public static seasonalNaiveScale(history: number[], seasonalPeriod: number): number {
    if (!Number.isInteger(seasonalPeriod) || seasonalPeriod < 1 || history.length <= seasonalPeriod) {
      throw new PlanningError('seasonalPeriod', String(seasonalPeriod), `must be a whole number of at least 1 and less than the history length (${history.length})`);
    }
    let s = 0;
    for (let t = seasonalPeriod; t < history.length; t++) s += Math.abs(history[t] - history[t - seasonalPeriod]);
    return s / (history.length - seasonalPeriod);
  }
}

function checkPair(actual: number[], forecast: number[]): void {
  if (actual.length === 0 || actual.length !== forecast.length) {
    throw new PlanningError('forecast', `${forecast.length} values for ${actual.length} actuals`, 'actual and forecast must be non-empty and of equal length');
  }
  for (const v of [...actual, ...forecast]) {
    if (!Number.isFinite(v)) throw new PlanningError('forecast', String(v), 'values must be finite numbers');
  }
}
