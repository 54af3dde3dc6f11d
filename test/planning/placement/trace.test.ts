import * as fs from 'fs';
import * as path from 'path';
import { Interner } from '../../../src/planning/placement/private/cluster';
import { BestFitPolicy, FgdPolicy, FragModel, PackingPolicy, Policy } from '../../../src/planning/placement/private/policies';
import { aidcPolicyFor, arrivalSequence, parseTraceNodes, parseTracePods, replay, typicalPods } from '../../../src/planning/placement/private/trace';

const dataDir = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'data', 'alibaba-gpu-v2023');
const present = fs.existsSync(path.join(dataDir, 'openb_node_list_gpu_node.csv'));
if (!present) console.warn(`!!! SKIPPING trace replay tests: ${dataDir} not found`);
const maybe = present ? describe : describe.skip;

maybe('replay of the Alibaba GPU trace (a slice)', () => {
  const models = new Interner();
  const nodes = present ? parseTraceNodes(fs.readFileSync(path.join(dataDir, 'openb_node_list_gpu_node.csv'), 'utf8')) : [];
  const pods = present ? parseTracePods(fs.readFileSync(path.join(dataDir, 'openb_pod_list_default.csv'), 'utf8'), models) : [];

  test('the trace has 1,213 GPU nodes with 6,212 GPUs and 8,152 pods (data README)', () => {
    expect(nodes.length).toBe(1213);
    expect(nodes.reduce((s, n) => s + n.gpuCount, 0)).toBe(6212);
    expect(pods.length).toBe(8152);
  });

  test('inflation reaches 130% of GPU capacity without crossing it', () => {
    const seq = arrivalSequence(pods, 6212, 42);
    const gpu = seq.reduce((s, p) => s + p.gpuMilli * p.gpuCount, 0) / 1000;
    expect(gpu).toBeLessThanOrEqual(1.3 * 6212 + 1e-9);
    expect(gpu).toBeGreaterThan(1.29 * 6212);
  });

  test.each(['aidc', 'bestfit', 'packing'])('%s places a 3,000-pod slice sanely (nothing over capacity, numbers in range)', (name) => {
    const seq = arrivalSequence(pods, 6212, 43).slice(0, 3000);
    const policy: Policy = name === 'aidc' ? aidcPolicyFor(pods) : name === 'bestfit' ? new BestFitPolicy() : new PackingPolicy();
    const r = replay(nodes, models, seq, policy, 43, [20, 30]);
    expect(r.placed).toBeLessThanOrEqual(r.pods);
    expect(r.placed / r.pods).toBeGreaterThan(0.95); // the cluster is far from full at 3,000 pods
    for (const u of r.unallocatedPct) { expect(Number.isFinite(u)).toBe(true); expect(u).toBeGreaterThanOrEqual(0); expect(u).toBeLessThanOrEqual(100); }
  });

  // Published: experiments/analysis/expected_results/analysis_allo_discrete.csv of hkust-adsl/kubernetes-scheduler-simulator,
  // 06-FGD rows, mean of seeds 42–51 (100 − allocation % at 100% arrival): default 4.77, gpushare100 13.36. With
  // kube-scheduler's random ties instead of the artifact's first-node ties our FGD gives 10.3 and 18.8.
  test.each([['default', 4.77], ['gpushare100', 13.36]])('our FGD reproduces the artifact on %s within 0.6 points (one seed)', (trace, published) => {
    const m = new Interner();
    const ps = parseTracePods(fs.readFileSync(path.join(dataDir, `openb_pod_list_${trace}.csv`), 'utf8'), m);
    const seq = arrivalSequence(ps, 6212, 42);
    const r = replay(nodes, m, seq, new FgdPolicy(new FragModel(typicalPods(ps, 0.95))), 42, [100]);
    expect(Math.abs(r.unallocatedPct[0] - (published as number))).toBeLessThan(0.6);
  }, 60000);

  // The full comparison (5 traces × 10 seeds × 2 arrival points) is `npm run bench:placement`; this guards the
  // policy's edge on the two traces where it was tied or behind before CPU stranding entered the fragment.
  test.each(['default', 'gpushare100'])('aidc leaves fewer GPUs unallocated than our FGD at 100%% arrival on %s (seed 42)', (trace) => {
    const m = new Interner();
    const ps = parseTracePods(fs.readFileSync(path.join(dataDir, `openb_pod_list_${trace}.csv`), 'utf8'), m);
    const seq = arrivalSequence(ps, 6212, 42);
    const fgd = replay(nodes, m, seq, new FgdPolicy(new FragModel(typicalPods(ps, 0.95))), 42, [100]).unallocatedPct[0];
    const aidc = replay(nodes, m, seq, aidcPolicyFor(ps), 42, [100]).unallocatedPct[0];
    expect(aidc).toBeLessThan(fgd);
  }, 60000);
});
