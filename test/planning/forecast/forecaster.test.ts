import * as fc from 'fast-check';
import { PlanningError } from '../../../src/errors';
import { DemandForecaster, ForecastAccuracy, HourlySeries } from '../../../src/planning/forecast';

/** Deterministic pseudo-random noise (LCG), so tolerances are reproducible. */
function noise(seed: number): () => number {
  let s = seed;
  return () => {
    s = (1103515245 * s + 12345) % 2 ** 31;
    return s / 2 ** 31 - 0.5;
  };
}

/** Requests/s with a daily sine, a weekend dip (Sat/Sun at 60%) and ±2% noise; hour 0 is Monday 00:00 UTC. */
function seasonal(hours: number, seed = 1, level = 100): number[] {
  const r = noise(seed);
  return Array.from({ length: hours }, (_, h) => {
    const day = Math.floor(h / 24) % 7;
    const daily = 1 + 0.5 * Math.sin((2 * Math.PI * ((h % 24) - 6)) / 24);
    return level * daily * (day >= 5 ? 0.6 : 1) * (1 + 0.04 * r());
  });
}
const START = '2024-01-01T00:00:00Z'; // a Monday
const series = (values: number[]): HourlySeries => HourlySeries.fromValues({ id: 'svc', start: START, values });

describe('DemandForecaster', () => {
  test.each([48, 168])('recovers daily and weekly seasonality over a %i-hour horizon (sMAPE under 5%%)', (horizon) => {
    const all = seasonal(5 * 168 + horizon);
    const history = all.slice(0, 5 * 168);
    const actual = all.slice(5 * 168);
    const f = DemandForecaster.forecast(series(history), { horizonHours: horizon });
    // ±2% noise gives an irreducible sMAPE of about 1%; 5% is the explicit tolerance.
    expect(ForecastAccuracy.smape(actual, f.values)).toBeLessThan(5);
    expect(f.upper.every((u, i) => u >= f.values[i])).toBe(true);
    expect(f.timestamps[0]).toBe('2024-02-05T00:00:00.000Z');
  });

  test('the weekend dip is forecast: Saturday noon is about 60% of Friday noon', () => {
    const history = seasonal(4 * 168 + 4 * 24); // ends Friday 00:00 of week 5
    const f = DemandForecaster.forecast(series(history), { horizonHours: 48 });
    expect(f.values[36] / f.values[12]).toBeCloseTo(0.6, 1);
  });

  test('a level shift two weeks before the end is adjusted for and the forecast follows the new level', () => {
    const history = seasonal(5 * 168).map((v, h) => (h >= 3 * 168 ? v * 2 : v));
    const actual = seasonal(5 * 168 + 48).slice(5 * 168).map((v) => v * 2);
    const f = DemandForecaster.forecast(series(history), { horizonHours: 48 });
    expect(f.levelShiftAt).toBe('2024-01-22T00:00:00.000Z');
    expect(ForecastAccuracy.smape(actual, f.values)).toBeLessThan(5);
  });

  test('a constant history forecasts the constant (documented fallback)', () => {
    const f = DemandForecaster.forecast(series(new Array(200).fill(7)), { horizonHours: 10 });
    expect(f.values).toEqual(new Array(10).fill(7));
    expect(f.upper).toEqual(new Array(10).fill(7));
    expect(f.fallback).toMatch(/constant/);
  });

  test('an all-zero history forecasts zero, never NaN', () => {
    const f = DemandForecaster.forecast(series(new Array(100).fill(0)), { horizonHours: 5 });
    expect(f.values).toEqual([0, 0, 0, 0, 0]);
  });

  test.each([
    [30, 'upper from the history maximum'],
    [60, 'upper from day-over-day changes'],
  ])('a %i-hour history falls back to seasonal naive on the last day (%s)', (hours) => {
    const h = seasonal(hours);
    const f = DemandForecaster.forecast(series(h), { horizonHours: 30 });
    expect(f.fallback).toMatch(/seasonal naive/);
    expect(f.values[0]).toBe(h[hours - 24]);
    expect(f.values[24]).toBe(h[hours - 24]);
    expect(f.upper.every((u, i) => Number.isFinite(u) && u >= f.values[i])).toBe(true);
  });

  test.each([
    ['fewer than 24 hours', () => DemandForecaster.forecast(series([1, 2, 3]), { horizonHours: 5 }), 'history.svc'],
    ['a zero horizon', () => DemandForecaster.forecast(series(seasonal(100)), { horizonHours: 0 }), 'horizonHours'],
    ['a horizon beyond 12 weeks', () => DemandForecaster.forecast(series(seasonal(100)), { horizonHours: 5000 }), 'horizonHours'],
    ['an unknown method', () => DemandForecaster.forecast(series(seasonal(100)), { horizonHours: 5, methods: ['holt-winter'] }), 'methods'],
    ['an interval level of 1', () => DemandForecaster.forecast(series(seasonal(100)), { horizonHours: 5, intervalLevel: 1 }), 'intervalLevel'],
    ['a fractional count of interval windows', () => DemandForecaster.forecast(series(seasonal(400)), { horizonHours: 5, intervalOrigins: 2.5 }), 'intervalOrigins'],
    ['a negative value', () => series([1, -1]), 'history.values[1]'],
  ])('%s is a PlanningError', (_name, run, field) => {
    expect(run).toThrow(PlanningError);
    try {
      run();
    } catch (e) {
      expect((e as PlanningError).field).toBe(field);
    }
  });

  test('the upper bound learns from more windows than the method choice: a noisy past widens it, the point forecast stays', () => {
    // Eight weeks whose last six days are calm (±2%) after seven weeks of ±40% noise.
    const r = noise(7);
    const history = seasonal(8 * 168).map((v, h) => (h < 8 * 168 - 144 ? v * (1 + 0.8 * r()) : v));
    const few = DemandForecaster.forecast(series(history), { horizonHours: 48, intervalOrigins: 3 });
    const many = DemandForecaster.forecast(series(history), { horizonHours: 48 });
    expect(many.values).toEqual(few.values);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(many.upper) / mean(few.upper)).toBeGreaterThan(1.1);
    // 1,344 hours less the longest chosen method's minimum, in 48-hour windows, capped at the default 14.
    expect(many.explain()).toMatch(/interval origins = 14/);
    expect(few.explain()).toMatch(/interval origins = 3/);
  });

  test('random finite non-negative histories give finite forecasts with upper ≥ value, or a PlanningError', () => {
    fc.assert(fc.property(
      fc.array(fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 400 }),
      fc.integer({ min: 1, max: 200 }),
      (values, horizon) => {
        let f;
        try {
          f = DemandForecaster.forecast(series(values), { horizonHours: horizon });
        } catch (e) {
          return e instanceof PlanningError;
        }
        return f.values.length === horizon && f.values.every((v, i) => Number.isFinite(v) && v >= 0 && Number.isFinite(f.upper[i]) && f.upper[i] >= v);
      },
    ), { numRuns: 60 });
  });
});

describe('ForecastAccuracy', () => {
  test('sMAPE and MASE follow the M4 definitions (Makridakis et al. 2020, eqs. 1–2) on a hand-computed case', () => {
    // sMAPE = 200/2 × (|100−110|/210 + |200−180|/380) = 100 × (0.047619 + 0.052632) = 10.0251
    expect(ForecastAccuracy.smape([100, 200], [110, 180])).toBeCloseTo(10.0251, 3);
    // scale (m=1) = mean(|2−1|, |4−2|) = 1.5; MAE = 15 → MASE 10
    expect(ForecastAccuracy.mase([100, 200], [110, 180], [1, 2, 4], 1)).toBeCloseTo(10, 9);
  });

  test('a zero seasonal-naive scale is a PlanningError rather than Infinity', () => {
    expect(() => ForecastAccuracy.mase([1], [1], [5, 5, 5], 1)).toThrow(PlanningError);
  });
});
