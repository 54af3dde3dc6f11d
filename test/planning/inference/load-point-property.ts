import * as fc from 'fast-check';
import { loadPoint, ReplicaModel } from '../../../src/planning/inference/queueing';

/**
 * fast-check property over random replicas and two loads (fractions of 1 / prefillSeconds): each point is unstable or
 * finite and positive, p95 latencies do not fall as load rises (capacityAtSlo bisects on that), and a load above an
 * unstable one is unstable too.
 */
export function assertLoadPointsSound(replica: fc.Arbitrary<ReplicaModel>, numRuns: number, seed: number, tolerance = 1e-9): void {
  fc.assert(fc.property(replica, fc.double({ min: 1e-4, max: 1, noNaN: true }), fc.double({ min: 1e-4, max: 1, noNaN: true }), (r, a, b) => {
    const [lo, hi] = (a < b ? [a, b] : [b, a]).map((f) => f / r.prefillSeconds);
    const pLo = loadPoint(r, lo); const pHi = loadPoint(r, hi);
    for (const p of [pLo, pHi]) {
      if (!p.stable) continue;
      for (const v of [p.ttftMeanSeconds, p.ttftP95Seconds, p.tpotMeanSeconds, p.tpotP95Seconds, p.meanConcurrency]) {
        expect(Number.isFinite(v) && v > 0).toBe(true);
      }
    }
    if (pLo.stable && pHi.stable) {
      expect(pHi.ttftP95Seconds).toBeGreaterThanOrEqual(pLo.ttftP95Seconds * (1 - tolerance));
      expect(pHi.tpotP95Seconds).toBeGreaterThanOrEqual(pLo.tpotP95Seconds * (1 - tolerance));
    }
    if (!pLo.stable) expect(pHi.stable).toBe(false);
  }), { numRuns, seed });
}
