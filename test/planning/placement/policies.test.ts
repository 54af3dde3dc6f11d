import * as fc from 'fast-check';
import { ClusterState, MILLI, PodReq, Rng } from '../../../src/planning/placement/private/cluster';
import { placePod } from '../../../src/planning/placement/private/online';
import { AIDC_FRAG_OPTIONS, AIDC_TYPICAL_THRESHOLD, BestFitPolicy, FgdPolicy, FragModel, PackingPolicy, Policy, SIMULATOR_RANDOM_TIES, TypicalPod, fragDelta } from '../../../src/planning/placement/private/policies';
import { TracePod, typicalPods } from '../../../src/planning/placement/private/trace';

const GIB = 2 ** 30;
const node = (gpus: number, cpu = 64000) => ({ name: 'n', cpuMilli: cpu, memoryBytes: 256 * GIB, gpuCount: gpus, gpuModel: 'G' });
const pod = (cpu: number, gpuCount: number, gpuMilli: number): PodReq => ({ cpuMilli: cpu, memoryBytes: GIB, gpuCount, gpuMilli, modelMask: -1 });

// Definitions: hkust-adsl/kubernetes-scheduler-simulator pkg/simulator/plugin/best_fit_score.go and gpu_packing_score.go.
describe('BestFit and Packing scores match the simulator definitions', () => {
  test.each([
    // cpuLeft, gpus, pod cpu, pod gpus, milli, expected = int((1 − 0.5·(cpuFree−req)/128000 − 0.5·(gpuFree−req)/8000)·100)
    [64000, 2, 8000, 1, 1000, 71],
    [128000, 8, 0, 0, 0, 0],
    [16000, 1, 16000, 1, 1000, 100],
  ])('BestFit on a %d-millicore %d-GPU node for a %d-millicore pod with %d×%d milli GPUs scores %d', (cpu, gpus, pc, pg, pm, expected) => {
    const st = new ClusterState([node(gpus, cpu)]);
    expect(new BestFitPolicy().score(st, 0, pod(pc, pg, pm))).toBe(expected);
  });

  test('Packing ranks a shared GPU above a free GPU on a used node above an untouched node', () => {
    const st = new ClusterState([node(8), node(8), node(8)]);
    st.commit(0, pod(0, 1, 400)); // node 0: one GPU with 600 left
    st.commit(1, pod(0, 1, 1000)); // node 1: used, 7 free GPUs
    const p = new PackingPolicy();
    const share = pod(1000, 1, 500);
    expect(p.score(st, 0, share)).toBe(100 - Math.trunc(60 / 10)); // case 1: 94
    expect(p.score(st, 1, share)).toBe(49); // case 2: 50 − 1 free GPU used
    expect(p.score(st, 2, share)).toBe(33 - 8); // case 3: untouched 8-GPU node
    expect(p.score(st, 2, pod(1000, 0, 0))).toBe(0); // CPU-only pods score 0 everywhere
  });
});

describe('FGD fragmentation measure', () => {
  test('a node whose GPUs cannot host the typical pod counts all free GPU as fragment', () => {
    const fm = new FragModel([{ cpuMilli: 1000, memoryBytes: 0, gpuMilli: 1000, gpuCount: 2, modelMask: -1, share: 1 }]);
    expect(fm.frag(0, 64000, Int32Array.from([1000, 500]), 2)).toBe(1500);
    expect(fm.frag(0, 64000, Int32Array.from([1000, 1000, 300]), 3)).toBe(300);
    expect(fm.frag(0, 500, Int32Array.from([1000, 1000]), 2)).toBe(2000); // lacks CPU
  });

  test('placing a half-GPU pod on the half-used GPU lowers fragment for a half-GPU typical pod', () => {
    const fm = new FragModel([{ cpuMilli: 0, memoryBytes: 0, gpuMilli: 600, gpuCount: 1, modelMask: -1, share: 1 }]);
    const st = new ClusterState([node(2)]);
    st.commit(0, pod(0, 1, 500));
    const out = { shareLeft: -1 };
    const d = fragDelta(fm, st, 0, pod(0, 1, 500), out);
    expect(out.shareLeft).toBe(500);
    expect(d).toBe(-500);
  });

  test('MILLI is one GPU', () => expect(MILLI).toBe(1000));
});

describe('typical pods of the aidc fragmentation model', () => {
  const tp = (name: string, cpu: number, milli: number): TracePod => ({ name, cpuMilli: cpu, memoryBytes: GIB, gpuCount: 1, gpuMilli: milli, modelMask: -1, gpuSpec: '' });
  const pods = [tp('a', 1000, 500), tp('b', 1000, 500), tp('c', 2000, 1000), tp('d', 4000, 300)];
  test.each([
    // threshold, expected shares (most popular first); FGD's frag.go stops once the coverage reaches the threshold
    [0.5, [1]],
    [0.95, [0.5, 0.25, 0.25]],
    [AIDC_TYPICAL_THRESHOLD, [0.5, 0.25, 0.25]],
  ])('coverage %d keeps shapes with shares %j', (th, shares) => {
    expect(typicalPods(pods, th).map((t) => t.share)).toEqual(shares);
  });
});

// The FGD artifact's scheduler is the fork github.com/mental2008/kubernetes v1.20.5-minor (go.mod replace), whose
// pkg/scheduler/core/generic_scheduler.go selectHost keeps the lexicographically smallest node name among equal
// top scores; names carry a seeded random prefix, i.e. ties go to the first node of a seeded order (ClusterState.rank).
describe('simulator policies break ties like the FGD artifact', () => {
  const fm = new FragModel([{ cpuMilli: 4000, memoryBytes: GIB, gpuMilli: 500, gpuCount: 1, modelMask: -1, share: 1 }]);
  const make: [string, () => Policy][] = [
    ['bestfit', () => new BestFitPolicy()], ['packing', () => new PackingPolicy()], ['fgd', () => new FgdPolicy(fm)],
  ];
  test('the default tie rule is deterministic', () => expect(SIMULATOR_RANDOM_TIES).toBe(false));
  test.each(make)('%s puts a pod on the first of equal nodes in the run order, whatever the seed', (_name, policy) => {
    for (const seed of [1, 2, 3]) {
      const st = new ClusterState([0, 1, 2, 3].map(() => node(8)));
      [2, 0, 3, 1].forEach((r, i) => { st.rank[i] = r; }); // node 1 comes first
      expect(placePod(st, pod(4000, 1, 1000), policy(), new Rng(seed))?.node).toBe(1);
    }
  });
  test('FGD puts a fractional pod on the lowest-index GPU among equal integer scores (fgd_score.go)', () => {
    const st = new ClusterState([node(4)]);
    st.commit(0, pod(0, 1, 700), 1000); // GPU 0 → 300 left; GPUs 1..3 free
    const fgd = new FgdPolicy(fm);
    fgd.score(st, 0, pod(4000, 1, 500));
    expect(fgd.shareLeft).toBe(MILLI); // 300 left cannot take 500: the first free GPU
    expect(st.commit(0, pod(4000, 1, 500), fgd.shareLeft)).toEqual([1]);
  });
});

/** Definition of the CPU-stranding fragment (FragModel docs), written out naively: one typical pod at a time. */
function naiveFrag(ts: TypicalPod[], w: number, model: number, cpuLeft: number, lefts: number[]): number {
  const total = lefts.reduce((a, b) => a + b, 0);
  const full = lefts.filter((v) => v === MILLI).length;
  let f = 0;
  for (const t of ts) {
    const reachable = t.gpuCount > 0 && t.gpuMilli > 0 && model >= 0 && (t.modelMask === -1 || ((t.modelMask >>> model) & 1) === 1) && t.cpuMilli <= cpuLeft;
    if (!reachable) { f += t.share * total; continue; }
    const usable = t.gpuMilli < MILLI ? lefts.filter((v) => v >= t.gpuMilli).reduce((a, b) => a + b, 0) : (full >= t.gpuCount ? full * MILLI : 0);
    const copies = t.cpuMilli > 0 ? Math.floor(cpuLeft / t.cpuMilli) : Infinity;
    const fed = Math.min(usable, copies * t.gpuMilli * t.gpuCount);
    f += t.share * ((total - usable) + w * (usable - fed));
  }
  return f;
}

describe('CPU-stranded GPUs in the aidc fragmentation measure', () => {
  test('a 12-core node with 8 free GPUs feeds only one 8-core 1-GPU pod: 7 GPUs stranded, counted at the weight', () => {
    const ts: TypicalPod[] = [{ cpuMilli: 8000, memoryBytes: 0, gpuMilli: 1000, gpuCount: 1, modelMask: -1, share: 1 }];
    const lefts = Int32Array.from([1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000]);
    expect(new FragModel(ts).frag(0, 12000, lefts, 8)).toBe(0); // FGD: one copy fits, so all 8 GPUs are usable
    expect(new FragModel(ts, { cpuStrandedWeight: 1 }).frag(0, 12000, lefts, 8)).toBe(7000);
    expect(new FragModel(ts, { cpuStrandedWeight: AIDC_FRAG_OPTIONS.cpuStrandedWeight }).frag(0, 12000, lefts, 8)).toBeCloseTo(7000 * 0.25, 9);
  });

  test('the grouped, binary-searched measure equals its one-pod-at-a-time definition on random nodes', () => {
    const typical = fc.record({
      cpuMilli: fc.integer({ min: 0, max: 40 }).map((c) => c * 1000), memoryBytes: fc.constant(0),
      gpuMilli: fc.constantFrom(0, 100, 250, 500, 700, 1000), gpuCount: fc.integer({ min: 1, max: 4 }),
      modelMask: fc.constantFrom(-1, 1, 2, 3), share: fc.double({ min: 0.01, max: 1, noNaN: true }),
    }).map((t) => ({ ...t, gpuCount: t.gpuMilli === 0 ? 0 : t.gpuMilli < MILLI ? 1 : t.gpuCount }));
    fc.assert(fc.property(
      fc.array(typical, { minLength: 1, maxLength: 12 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: -1, max: 1 }),
      fc.integer({ min: 0, max: 128 }).map((c) => c * 1000), fc.array(fc.integer({ min: 0, max: 10 }).map((x) => x * 100), { minLength: 1, maxLength: 8 }),
      (ts, w, model, cpuLeft, lefts) => {
        const got = new FragModel(ts, { cpuStrandedWeight: w }).frag(model, cpuLeft, Int32Array.from(lefts), lefts.length);
        expect(got).toBeCloseTo(naiveFrag(ts, w, model, cpuLeft, lefts), 6);
      }), { numRuns: 300, seed: 11 });
  });
});
