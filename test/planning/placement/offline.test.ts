import * as fc from 'fast-check';
import { MILLI, PodReq } from '../../../src/planning/placement/private/cluster';
import { exactMinNodes, gpuDffs, HighsLike, lpLowerBound, OfflineShape, packOffline, volumeLowerBound } from '../../../src/planning/placement/private/offline';
import { configLp } from '../../../src/planning/placement/private/offline-cg';

const MIB = 2 ** 20;
const SHAPE: OfflineShape = { name: 's', cpuMilli: 8000, memoryBytes: 64 * 1024 * MIB, gpuCount: 2, model: 0 };
const pod = (cpu: number, gpus: number): PodReq => ({
  cpuMilli: cpu, memoryBytes: 1024 * MIB, gpuCount: gpus === 0 ? 0 : Math.ceil(gpus),
  gpuMilli: gpus === 0 ? 0 : Number.isInteger(gpus) ? MILLI : Math.round(gpus * MILLI), modelMask: -1,
});

/** Whether `pods` fit one node of `s` (exhaustive search over GPU choices). */
function fitsOneNode(pods: PodReq[], s: OfflineShape): boolean {
  if (pods.reduce((a, p) => a + p.cpuMilli, 0) > s.cpuMilli) return false;
  if (pods.reduce((a, p) => a + p.memoryBytes, 0) > s.memoryBytes) return false;
  const gpus = new Array(s.gpuCount).fill(MILLI);
  const rec = (k: number): boolean => {
    if (k === pods.length) return true;
    const p = pods[k];
    if (p.gpuCount === 0) return rec(k + 1);
    const need = p.gpuMilli < MILLI ? p.gpuMilli : MILLI;
    const choose = (start: number, left: number, used: number[]): boolean => {
      if (left === 0) { const ok = rec(k + 1); return ok; }
      for (let g = start; g < gpus.length; g++) {
        if (gpus[g] < need) continue;
        gpus[g] -= need;
        if (choose(g + 1, left - 1, [...used, g])) { gpus[g] += need; return true; }
        gpus[g] += need;
      }
      return false;
    };
    return choose(0, p.gpuCount, []);
  };
  return rec(0);
}

/** Brute force: fewest nodes such that some assignment of pods to nodes fits. */
function bruteForce(pods: PodReq[], s: OfflineShape): number {
  for (let k = 1; k <= pods.length; k++) {
    const assign = new Array(pods.length).fill(0);
    const rec = (i: number, maxUsed: number): boolean => {
      if (i === pods.length) {
        for (let n = 0; n < k; n++) if (!fitsOneNode(pods.filter((_, j) => assign[j] === n), s)) return false;
        return true;
      }
      for (let n = 0; n <= Math.min(k - 1, maxUsed + 1); n++) { assign[i] = n; if (rec(i + 1, Math.max(maxUsed, n))) return true; }
      return false;
    };
    if (rec(0, -1)) return k;
  }
  return pods.length;
}

let highs: HighsLike;
// eslint-disable-next-line @typescript-eslint/no-require-imports
beforeAll(async () => { highs = await require('highs')(); });

describe('offline placement', () => {
  test.each([
    [[pod(1000, 1), pod(1000, 1), pod(1000, 1)], 2],
    [[pod(1000, 0.6), pod(1000, 0.6), pod(1000, 0.4), pod(1000, 0.4)], 1],
    [[pod(1000, 0.6), pod(1000, 0.6), pod(1000, 0.6)], 2],
    [[pod(5000, 0), pod(5000, 0), pod(2000, 1)], 2],
    [[pod(1000, 2), pod(1000, 0.5), pod(3000, 0.5), pod(3000, 0.5)], 2],
  ])('the MILP optimum equals brute force (%#)', (pods, expected) => {
    expect(bruteForce(pods, SHAPE)).toBe(expected);
    expect(exactMinNodes(highs, pods, SHAPE, pods.length)).toBe(expected);
  });

  test('MILP equals brute force on random tiny instances', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ cpu: fc.integer({ min: 0, max: 8 }), g: fc.constantFrom(0, 0.3, 0.5, 0.7, 1, 2) }), { minLength: 1, maxLength: 4 }),
      (spec) => {
        const pods = spec.map((s) => pod(s.cpu * 1000, s.g));
        expect(exactMinNodes(highs, pods, SHAPE, pods.length)).toBe(bruteForce(pods, SHAPE));
      }), { numRuns: 25, seed: 7 });
  });

  test('the LP lower bound never exceeds the heuristic, which places every pod within capacity', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ cpu: fc.integer({ min: 0, max: 8 }), g: fc.constantFrom(0, 0.2, 0.5, 0.8, 1, 2) }), { minLength: 1, maxLength: 40 }),
      (spec) => {
        const pods = spec.map((s) => pod(s.cpu * 1000, s.g));
        const r = packOffline(pods, [SHAPE]);
        expect(r.unplaceable).toEqual([]);
        expect(r.assignment.flatMap((a) => a.pods).sort((a, b) => a - b)).toEqual(pods.map((_, i) => i));
        for (const a of r.assignment) expect(fitsOneNode(a.pods.map((i) => pods[i]), SHAPE)).toBe(true);
        const lb = lpLowerBound(highs, pods, [SHAPE]);
        expect(lb).toBeLessThanOrEqual(r.nodes);
        expect(lb).toBeGreaterThanOrEqual(volumeLowerBound(pods, SHAPE));
      }), { numRuns: 30, seed: 11 });
  });
});

describe('stronger offline bounds and the configuration-LP packer', () => {
  test('every per-GPU dual-feasible function keeps pods that share one GPU at a total of at most 1', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 999 }), { minLength: 1, maxLength: 8 }), (sizes) => {
      const onGpu: number[] = [];
      for (const s of sizes) if (onGpu.reduce((a, b) => a + b, 0) + s <= MILLI) onGpu.push(s);
      const fs = gpuDffs(sizes.map((m) => pod(0, m / MILLI)));
      for (const f of fs) {
        expect(f(MILLI)).toBeCloseTo(1, 12);
        expect(onGpu.reduce((a, m) => a + f(m), 0)).toBeLessThanOrEqual(1 + 1e-9);
      }
    }), { numRuns: 200, seed: 3 });
  });

  test('five 0.4-GPU pods need two 2-GPU nodes, and the cut-strengthened LP bound says so (volume alone says one)', () => {
    const pods = Array.from({ length: 5 }, () => pod(100, 0.4));
    expect(volumeLowerBound(pods, SHAPE)).toBe(1);
    expect(lpLowerBound(highs, pods, [SHAPE])).toBe(2);
    expect(exactMinNodes(highs, pods, SHAPE, 5)).toBe(2);
  });

  test('the LP and configuration-LP bounds never exceed the exact optimum, and the packer is feasible and no better than it', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ cpu: fc.integer({ min: 0, max: 8 }), g: fc.constantFrom(0, 0.2, 0.3, 0.4, 0.6, 0.7, 1, 2) }), { minLength: 1, maxLength: 6 }),
      (spec) => {
        const pods = spec.map((s) => pod(s.cpu * 1000, s.g));
        const opt = exactMinNodes(highs, pods, SHAPE, pods.length)!;
        expect(lpLowerBound(highs, pods, [SHAPE])).toBeLessThanOrEqual(opt);
        const r = configLp(highs, pods, [SHAPE], { budgetMs: 2000, masterMilpSeconds: 2 });
        expect(r.lowerBound).toBeLessThanOrEqual(opt);
        expect(r.packing.nodes).toBeGreaterThanOrEqual(opt);
        expect(r.packing.assignment.flatMap((a) => a.pods).sort((a, b) => a - b)).toEqual(pods.map((_, i) => i));
        for (const a of r.packing.assignment) expect(fitsOneNode(a.pods.map((i) => pods[i]), SHAPE)).toBe(true);
      }), { numRuns: 25, seed: 5 });
  });

  test('on two node shapes the configuration LP packs every pod within capacity and brackets its own packing', () => {
    const big: OfflineShape = { name: 'big', cpuMilli: 16000, memoryBytes: 64 * 1024 * MIB, gpuCount: 4, model: 0 };
    const pods = [pod(12000, 0.5), pod(12000, 0.5), pod(1000, 1), pod(1000, 1), pod(1000, 1), pod(2000, 0.3), pod(2000, 0.7), pod(6000, 0)];
    const r = configLp(highs, pods, [SHAPE, big], { budgetMs: 3000, masterMilpSeconds: 2 });
    expect(r.lowerBound).toBeLessThanOrEqual(r.packing.nodes);
    expect(r.lowerBound).toBeGreaterThanOrEqual(lpLowerBound(highs, pods, [SHAPE, big]));
    for (const a of r.packing.assignment) expect(fitsOneNode(a.pods.map((i) => pods[i]), [SHAPE, big][a.shape])).toBe(true);
    expect(r.packing.assignment.flatMap((a) => a.pods).sort((a, b) => a - b)).toEqual(pods.map((_, i) => i));
  });

  test.each([
    // [cost of an 8-GPU node, expected cost]: eight 1-GPU pods on 2-GPU nodes (cost 1 each) or one 8-GPU node
    [5, 4],
    [3, 3],
  ])('with costs the configuration LP minimises cost, not nodes: an 8-GPU node at cost %d gives cost %d', (bigCost, expected) => {
    const big: OfflineShape = { name: 'big', cpuMilli: 64000, memoryBytes: 64 * 1024 * MIB, gpuCount: 8, model: 0, cost: bigCost };
    const pods = Array.from({ length: 8 }, () => pod(1000, 1));
    const shapes = [SHAPE, big];
    const r = configLp(highs, pods, shapes, { budgetMs: 3000, masterMilpSeconds: 2 });
    const cost = r.packing.assignment.reduce((sum, a) => sum + (shapes[a.shape].cost ?? 1), 0);
    expect(cost).toBe(expected);
    expect(r.lowerBound).toBeLessThanOrEqual(cost);
    expect(lpLowerBound(highs, pods, shapes)).toBeLessThanOrEqual(cost);
    for (const a of r.packing.assignment) expect(fitsOneNode(a.pods.map((i) => pods[i]), shapes[a.shape])).toBe(true);
  });

  test('fractional costs give a fractional (not rounded-up) bound', () => {
    const cheap: OfflineShape = { ...SHAPE, cost: 0.7 };
    const pods = Array.from({ length: 3 }, () => pod(1000, 1));
    const lb = lpLowerBound(highs, pods, [cheap]);
    expect(lb).toBeLessThanOrEqual(1.4);
    expect(lb).toBeGreaterThan(1.04);
  });
});
