import fc from 'fast-check';
import { assertLoadPointsSound } from './load-point-property';
import { md1MeanWait, md1WaitCdf, md1WaitQuantile, poissonQuantile } from '../../../src/planning/inference/queueing';

/** Deterministic uniform(0, 1) stream (LCG, Numerical Recipes constants), so the simulated figures are reproducible. */
function uniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
}

/**
 * FCFS waiting times of an M/D/1 queue by Lindley's recursion, W_{n+1} = max(0, W_n + S − A_{n+1}) (Lindley 1952),
 * which is exact for a single FCFS server: 1,000,000 customers after 50,000 of warm-up.
 */
const simulated = new Map<string, { mean: number; p95: number }>();
function simulateMd1(rho: number, service: number, seed: number): { mean: number; p95: number } {
  const key = `${rho}/${service}/${seed}`;
  const known = simulated.get(key);
  if (known) return known;
  const r = uniform(seed);
  const lambda = rho / service;
  const warm = 50_000;
  const n = 1_000_000;
  const waits = new Float64Array(n);
  let w = 0;
  for (let i = 0; i < warm + n; i++) {
    if (i >= warm) waits[i - warm] = w;
    w = Math.max(0, w + service + Math.log(r()) / lambda);
  }
  const mean = waits.reduce((a, b) => a + b, 0) / n;
  waits.sort();
  const result = { mean, p95: waits[Math.floor(0.95 * n)] };
  simulated.set(key, result);
  return result;
}

describe('M/D/1 prefill queue against simulation', () => {
  test.each([0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9])('at load %f the p95 wait is within 3%% of the simulated p95, and the mean wait (Pollaczek–Khinchine) within 4%%', (rho) => {
    const service = 1;
    const sim = simulateMd1(rho, service, 7);
    expect(Math.abs(md1WaitQuantile(rho, service) / sim.p95 - 1)).toBeLessThanOrEqual(0.03);
    expect(Math.abs(md1MeanWait(rho, service) / sim.mean - 1)).toBeLessThanOrEqual(0.04);
  });

  test('the heavy-traffic exponential tail (Kingman 1961) would be 28% optimistic at load 0.1 and 12% pessimistic at 0.5', () => {
    const kingman = (rho: number): number => Math.log(rho / 0.05) / (2 * (1 - rho)); // (Wq/ρ)·ln(ρ/0.05), Wq = ρS/(2(1−ρ)), S = 1
    for (const [rho, off] of [[0.1, -0.28], [0.5, 0.12]]) {
      const sim = simulateMd1(rho, 1, 7).p95;
      expect(kingman(rho) / sim - 1).toBeCloseTo(off, 1);
      expect(Math.abs(md1WaitQuantile(rho, 1) / sim - 1)).toBeLessThan(0.01);
    }
  });

  test('Erlang\'s distribution: an atom of 1 − ρ at zero and (1 − ρ)·e^{λt} within the first service time (exact)', () => {
    expect(md1WaitCdf(0, 0.6, 2)).toBeCloseTo(0.4, 12);
    expect(md1WaitCdf(1.5, 0.6, 2)).toBeCloseTo(0.4 * Math.exp(0.3 * 1.5), 12);
    expect(md1WaitQuantile(0.05, 1)).toBe(0);
  });

  test('the p95 wait rises with load and is finite and non-negative (fast-check, 300 runs)', () => {
    fc.assert(fc.property(fc.double({ min: 0.001, max: 0.995, noNaN: true }), fc.double({ min: 0.001, max: 0.995, noNaN: true }), fc.double({ min: 1e-4, max: 100, noNaN: true }), (a, b, service) => {
      const [lo, hi] = a < b ? [a, b] : [b, a];
      const qLo = md1WaitQuantile(lo, service);
      const qHi = md1WaitQuantile(hi, service);
      expect(Number.isFinite(qHi) && qLo >= 0).toBe(true);
      expect(qHi).toBeGreaterThanOrEqual(qLo * (1 - 1e-9));
    }), { numRuns: 300 });
  });
});

describe('M/D/1 p95 wait at the edge of saturation', () => {
  test('within rounding of ρ = 1 it returns (ρ = 1 − 1e-16 looped for ever; found by fast-check on a tiny model), rising and positive; at ρ ≥ 1 it is infinite', () => {
    const loads = [0.999, 1 - 1e-6, 1 - 1e-9, 1 - 1e-12, 0.9999999999999999];
    const waits = loads.map((rho) => md1WaitQuantile(rho, 0.0075));
    for (const w of waits) expect(w > 0).toBe(true);
    for (let i = 1; i < waits.length; i++) expect(waits[i]).toBeGreaterThanOrEqual(waits[i - 1]);
    // Heavy traffic: the p95 wait approaches ln(1/0.05)·S / (2(1 − ρ)) (Kingman 1961), within 1% at 1 − ρ = 1e-6.
    expect(Math.abs(waits[1] / (Math.log(20) * 0.0075 / (2 * 1e-6)) - 1)).toBeLessThan(0.01);
    expect(md1WaitQuantile(1, 0.0075)).toBe(Infinity);
    expect(md1WaitQuantile(1.2, 0.0075)).toBe(Infinity);
  });
});

describe('decode occupancy (M/G/∞: Poisson)', () => {
  test.each([0.5, 1, 4, 10, 37.5, 100, 700])('the p95 of a Poisson count of mean %f is the smallest k with P(N ≤ k) ≥ 0.95 (exact)', (mean) => {
    const k = poissonQuantile(mean, 0.95);
    let pmf = Math.exp(-mean); let cdf = pmf;
    for (let j = 1; j <= k; j++) { pmf *= mean / j; if (j < k) cdf += pmf; }
    // P(N ≤ k − 1) < 0.95 ≤ P(N ≤ k)
    expect(k === 0 || cdf < 0.95).toBe(true);
    expect(cdf + pmf).toBeGreaterThanOrEqual(0.95);
  });

  test('a mean of 100,000 (beyond e^{−mean} underflow) lands within one of the normal approximation', () => {
    expect(Math.abs(poissonQuantile(1e5, 0.95) - (1e5 + 1.645 * Math.sqrt(1e5)))).toBeLessThanOrEqual(1.5);
  });
});

describe('loadPoint over random replicas (fast-check)', () => {
  const replica = fc.record({
    prefillSeconds: fc.double({ min: 1e-3, max: 2, noNaN: true }),
    promptTokens: fc.integer({ min: 16, max: 32_768 }),
    maxNumBatchedTokens: fc.integer({ min: 256, max: 16_384 }),
    outputTokens: fc.integer({ min: 1, max: 4096 }),
    stepBase: fc.double({ min: 1e-3, max: 0.1, noNaN: true }),
    stepPerSequence: fc.double({ min: 0, max: 1e-3, noNaN: true }),
    maxBatch: fc.integer({ min: 1, max: 1024 }),
  }).map((r) => ({ ...r, stepSeconds: (b: number) => r.stepBase + r.stepPerSequence * b }));

  test('a point is unstable or finite and positive, and p95 latencies do not fall as load rises, as the bisection in capacityAtSlo needs (500 runs)', () => {
    assertLoadPointsSound(replica, 500, 2026);
  });
});
