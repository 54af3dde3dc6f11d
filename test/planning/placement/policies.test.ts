import { ClusterState, MILLI, PodReq } from '../../../src/planning/placement/private/cluster';
import { AIDC_TYPICAL_THRESHOLD, BestFitPolicy, FragModel, PackingPolicy, fragDelta } from '../../../src/planning/placement/private/policies';
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
