import { ClusterState, Interner, MILLI, NodeInit, PodReq, Rng } from '../../../src/planning/placement/private/cluster';
import { placeGroup } from '../../../src/planning/placement/private/groups';
import { placePod } from '../../../src/planning/placement/private/online';
import { BestFitPolicy, Policy } from '../../../src/planning/placement/private/policies';

const GIB = 2 ** 30;
const node = (name: string, extra: Partial<NodeInit> = {}): NodeInit => ({
  name, cpuMilli: 64000, memoryBytes: 512 * GIB, gpuCount: 8, gpuModel: 'H100', ...extra,
});
const pod = (gpus: number, extra: Partial<PodReq> = {}): PodReq => ({
  cpuMilli: 1000, memoryBytes: GIB, gpuCount: gpus === 0 ? 0 : Math.ceil(gpus),
  gpuMilli: gpus === 0 ? 0 : Number.isInteger(gpus) ? MILLI : Math.round(gpus * MILLI), modelMask: -1, ...extra,
});
const deterministic = (): Policy => { const p = new BestFitPolicy(); (p as { randomTies: boolean }).randomTies = false; return p; };

describe('placement engine', () => {
  test('a gang that does not fit places nothing (all-or-nothing)', () => {
    const st = new ClusterState([node('a'), node('b')]);
    const r = placeGroup(st, { pods: [pod(8), pod(8), pod(8)], gang: true, topology: 'NONE' }, deterministic(), new Rng(1));
    expect(r).toBeUndefined();
    expect(st.allocatedGpuMilli()).toBe(0);
    expect(Array.from(st.cpuLeft)).toEqual([64000, 64000]);
  });

  test('a gang that fits places every pod', () => {
    const st = new ClusterState([node('a'), node('b')]);
    const r = placeGroup(st, { pods: [pod(8), pod(8)], gang: true, topology: 'NONE' }, deterministic(), new Rng(1));
    expect(r?.map((x) => x.node).sort()).toEqual([0, 1]);
    expect(st.allocatedGpuMilli()).toBe(16 * MILLI);
  });

  test('an NVLink-domain gang stays inside one domain', () => {
    const st = new ClusterState([
      node('a0', { nvlinkDomain: 'A' }), node('a1', { nvlinkDomain: 'A' }), node('b0', { nvlinkDomain: 'B' }), node('b1', { nvlinkDomain: 'B' }),
    ]);
    const policy = deterministic();
    placePod(st, pod(4), policy, new Rng(1)); // takes half of a node in domain A
    const r = placeGroup(st, { pods: [pod(8), pod(8)], gang: true, topology: 'NVLINK_DOMAIN' }, policy, new Rng(1));
    expect(r).toBeDefined();
    const domains = new Set(r!.map((x) => st.domain[x.node]));
    expect(domains.size).toBe(1);
    expect(r!.map((x) => x.node).sort()).toEqual([2, 3]);
  });

  test('a NODE gang puts every pod on one node', () => {
    const st = new ClusterState([node('a'), node('b')]);
    const policy = deterministic();
    placePod(st, pod(6), policy, new Rng(1));
    const r = placeGroup(st, { pods: [pod(4), pod(4)], gang: true, topology: 'NODE' }, policy, new Rng(1));
    expect(new Set(r!.map((x) => x.node))).toEqual(new Set([1]));
  });

  test('two half-GPU pods share one GPU', () => {
    const st = new ClusterState([node('a', { gpuCount: 2 })]);
    const policy = deterministic();
    const x = placePod(st, pod(0.5), policy, new Rng(1));
    const y = placePod(st, pod(0.5), policy, new Rng(1));
    expect(x?.gpus).toEqual(y?.gpus);
    expect(st.gpuFullFree[0]).toBe(1);
  });

  test('a pod restricted to a GPU model only lands on that model', () => {
    const models = new Interner();
    const st = new ClusterState([node('t4', { gpuModel: 'T4' }), node('v100', { gpuModel: 'V100' })], models);
    const mask = 1 << models.id('V100');
    const r = placePod(st, pod(1, { modelMask: mask }), deterministic(), new Rng(1));
    expect(r?.node).toBe(1);
    const none = placePod(st, pod(1, { modelMask: 1 << models.id('A100') }), deterministic(), new Rng(1));
    expect(none).toBeUndefined();
  });

  test('a pod larger than every node is not placed', () => {
    const st = new ClusterState([node('a')]);
    expect(placePod(st, pod(1, { cpuMilli: 65000 }), deterministic(), new Rng(1))).toBeUndefined();
    expect(placePod(st, pod(9), deterministic(), new Rng(1))).toBeUndefined();
  });
});
