/* eslint-disable no-console */
/**
 * Placement benchmark on the Alibaba GPU cluster trace v2023 ("openb"), following the FGD paper's
 * procedure (Weng et al., USENIX ATC'23 §6; hkust-adsl/kubernetes-scheduler-simulator; the procedure is
 * summarised in ../shared/data/alibaba-gpu-v2023/README.md).
 *
 *   npx ts-node --transpile-only bench/placement.bench.ts
 *
 * Writes bench/results/placement.json and bench/results/placement.md.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Interner } from '../src/planning/placement/private/cluster';
import { lpLowerBound, OfflineShape, packOffline, HighsLike } from '../src/planning/placement/private/offline';
import { configLp } from '../src/planning/placement/private/offline-cg';
import { packGpuFirst } from '../src/planning/placement/private/offline-gpufirst';
import { BestFitPolicy, FgdPolicy, FragModel, PackingPolicy, Policy } from '../src/planning/placement/private/policies';
import { aidcPolicyFor, arrivalSequence, parseTraceNodes, parseTracePods, replay, typicalPods } from '../src/planning/placement/private/trace';

const repoRoot = path.resolve(__dirname, '..');
const dataDir = path.resolve(repoRoot, '..', 'shared', 'data', 'alibaba-gpu-v2023');
if (!fs.existsSync(path.join(dataDir, 'openb_node_list_gpu_node.csv'))) {
  console.error(`\n!!! placement bench: trace data not found at ${dataDir}\n!!! (expected ../shared/data/alibaba-gpu-v2023 next to the repository); nothing was measured.\n`);
  process.exit(1);
}

const TRACES = ['default', 'gpushare100', 'multigpu50', 'gpuspec33', 'cpu250'];
const SEEDS = 10;
const ARRIVED = [100, 130];
const POLICIES = ['aidc', 'bestfit', 'packing'] as const;
/** Reference policies replayed alongside (not part of the required JSON rows): our FGD re-implementation. */
const REFERENCE = ['fgd'] as const;
/** Typical-pod threshold of the FGD artifact (scripts/generate_config_and_run.py --pod-popularity-threshold 95). */
const FGD_TYPICAL_THRESHOLD = 0.95;
/** Wall-clock budget of the configuration-LP column generation per trace. */
const OFFLINE_BUDGET_MS = 30000;

/**
 * Published unallocated GPU % (mean of seeds). Default-trace BestFit, Packing and FGD at 100%: FGD paper Fig. 9(a) /
 * README of the data folder. Everything else: computed from the artifact's own results,
 * experiments/analysis/expected_results/analysis_allo_discrete.csv (hkust-adsl/kubernetes-scheduler-simulator),
 * 100 − allocation % in the columns "100" and "130": 06-FGD rows seeds 42–51; 05-BestFit rows seeds 42–51 except
 * gpuspec33 (44–51); 04-GpuPacking rows default 44–51, gpushare100 46–51, cpu250 42–51 (the rows we transcribed;
 * multigpu50 and gpuspec33 Packing not transcribed).
 */
const PUBLISHED: Record<string, Record<string, Record<number, number>>> = {
  default: { bestfit: { 100: 7.14, 130: 6.92 }, packing: { 100: 8.22, 130: 7.95 }, fgd: { 100: 4.77, 130: 4.61 } },
  gpushare100: { bestfit: { 100: 15.38, 130: 14.99 }, packing: { 100: 17.89, 130: 17.45 }, fgd: { 100: 13.36, 130: 13.10 } },
  multigpu50: { bestfit: { 100: 4.38, 130: 4.26 }, fgd: { 100: 2.91, 130: 2.82 } },
  gpuspec33: { bestfit: { 100: 19.54, 130: 6.87 }, fgd: { 100: 12.16, 130: 5.45 } },
  cpu250: { bestfit: { 100: 8.79, 130: 8.55 }, packing: { 100: 11.95, 130: 11.72 }, fgd: { 100: 6.80, 130: 6.59 } },
};

function mean(a: number[]): number { return a.reduce((s, x) => s + x, 0) / a.length; }
function sd(a: number[]): number { const m = mean(a); return Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / Math.max(1, a.length - 1)); }
function median(a: number[]): number { const s = [...a].sort((x, y) => x - y); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; }
const r2 = (x: number): number => Math.round(x * 100) / 100;

async function main(): Promise<void> {
  const nodesCsv = fs.readFileSync(path.join(dataDir, 'openb_node_list_gpu_node.csv'), 'utf8');
  const online: any[] = [];
  const offline: any[] = [];
  const reference: any[] = [];
  const seconds: Record<string, number[]> = { aidc: [], bestfit: [], packing: [], fgd: [] };
  let podsTotal = 0; let secondsTotal = 0;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const highs: HighsLike = await require('highs')();
  for (const trace of TRACES) {
    const models = new Interner();
    const nodes = parseTraceNodes(nodesCsv);
    const pods = parseTracePods(fs.readFileSync(path.join(dataDir, `openb_pod_list_${trace}.csv`), 'utf8'), models);
    const clusterGpus = nodes.reduce((s, n) => s + n.gpuCount, 0);
    const fgdModel = new FragModel(typicalPods(pods, FGD_TYPICAL_THRESHOLD));
    const results: Record<string, number[][]> = { aidc: [], bestfit: [], packing: [], fgd: [] };
    for (let s = 0; s < SEEDS; s++) {
      const seed = 42 + s;
      const seq = arrivalSequence(pods, clusterGpus, seed);
      for (const name of [...POLICIES, ...REFERENCE]) {
        // BestFit, Packing and FGD break ties like the simulator (first node of the seeded order; SIMULATOR_RANDOM_TIES)
        const policy: Policy = name === 'aidc' ? aidcPolicyFor(pods) : name === 'bestfit' ? new BestFitPolicy()
          : name === 'packing' ? new PackingPolicy() : new FgdPolicy(fgdModel);
        const r = replay(nodes, models, seq, policy, seed, ARRIVED);
        results[name].push(r.unallocatedPct);
        seconds[name].push(r.seconds);
        podsTotal += r.pods; secondsTotal += r.seconds;
      }
    }
    for (const name of POLICIES) {
      ARRIVED.forEach((a, k) => {
        const xs = results[name].map((r) => r[k]);
        online.push({ trace, policy: name, arrivedPct: a, unallocatedGpuPctMean: r2(mean(xs)), unallocatedGpuPctSd: r2(sd(xs)), seeds: SEEDS });
      });
    }
    for (const name of REFERENCE) {
      ARRIVED.forEach((a, k) => {
        const xs = results[name].map((r) => r[k]);
        // paired by seed: on how many seeds aidc leaves fewer GPUs unallocated than this reference
        const aidcWins = results.aidc.filter((r, s) => r[k] < results[name][s][k]).length;
        reference.push({ trace, policy: name, arrivedPct: a, unallocatedGpuPctMean: r2(mean(xs)), unallocatedGpuPctSd: r2(sd(xs)), seeds: SEEDS, aidcWins });
      });
    }
    // offline: the trace's pods (as listed) on any number of nodes of the cluster's node shapes
    const shapeMap = new Map<string, OfflineShape>();
    for (const n of nodes) {
      const key = `${n.gpuModel}|${n.gpuCount}|${n.cpuMilli}|${n.memoryBytes}`;
      if (!shapeMap.has(key)) shapeMap.set(key, { name: key, cpuMilli: n.cpuMilli, memoryBytes: n.memoryBytes, gpuCount: n.gpuCount, model: models.id(n.gpuModel) });
    }
    const shapes = [...shapeMap.values()];
    const t0 = Date.now();
    const ffd = packOffline(pods, shapes);
    const gpuFirst = packGpuFirst(pods, shapes);
    const lpAgg = lpLowerBound(highs, pods, shapes);
    const cg = configLp(highs, pods, shapes, { budgetMs: OFFLINE_BUDGET_MS, masterMilpSeconds: 15 });
    const lb = Math.max(lpAgg, cg.lowerBound);
    offline.push({
      trace, nodes: cg.packing.nodes, ffdNodes: ffd.nodes, gpuFirstNodes: gpuFirst.nodes, lpAggregated: lpAgg, lowerBoundNodes: lb, gapPct: r2((100 * (cg.packing.nodes - lb)) / lb),
      unplaceable: cg.packing.unplaceable.length, seconds: (Date.now() - t0) / 1000, iterations: cg.iterations, converged: cg.converged,
    });
    console.error(`${trace}: done`);
  }
  const podsPerSecond = Math.round(podsTotal / secondsTotal);
  const json = {
    online: online.map(({ trace, policy, arrivedPct, unallocatedGpuPctMean, unallocatedGpuPctSd, seeds }) => ({ trace, policy, arrivedPct, unallocatedGpuPctMean, unallocatedGpuPctSd, seeds })),
    offline: offline.map(({ trace, nodes, lowerBoundNodes }) => ({ trace, nodes, lowerBoundNodes })),
    podsPerSecond,
    /** Not a required row: our FGD re-implementation, replayed for comparison with the published FGD figures. */
    reference,
  };
  const outDir = path.join(repoRoot, 'bench', 'results');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'placement.json'), JSON.stringify(json, null, 2) + '\n');
  const get = (t: string, p: string, a: number): any => online.find((o) => o.trace === t && o.policy === p && o.arrivedPct === a);
  const fmt = (o: any): string => `${o.unallocatedGpuPctMean.toFixed(2)} ± ${o.unallocatedGpuPctSd.toFixed(2)}`;
  const pub = (t: string, p: string, a: number): string => (PUBLISHED[t]?.[p]?.[a] !== undefined ? PUBLISHED[t][p][a].toFixed(2) : '–');
  const md: string[] = [];
  md.push('## Placement (Alibaba GPU trace v2023, FGD procedure)', '');
  md.push(`Unallocated GPU % (lower is better), mean ± sd over ${SEEDS} seeds, 1,213 nodes / 6,212 GPUs; workload shuffled and inflated to 130% of GPU capacity, one pod at a time, no moves. "pub" = published (FGD paper / artifact results).`, '');
  md.push('| trace | arrived | aidc | BestFit | pub | Packing | pub | FGD (ours) | FGD pub | aidc − FGD pub | seeds aidc < FGD (ours) |', '|---|---|---|---|---|---|---|---|---|---|---|');
  for (const t of TRACES) {
    for (const a of ARRIVED) {
      const fgd = PUBLISHED[t]?.fgd?.[a];
      const ai = get(t, 'aidc', a).unallocatedGpuPctMean;
      const ref = reference.find((o) => o.trace === t && o.arrivedPct === a);
      md.push(`| ${t} | ${a}% | ${fmt(get(t, 'aidc', a))} | ${fmt(get(t, 'bestfit', a))} | ${pub(t, 'bestfit', a)} | ${fmt(get(t, 'packing', a))} | ${pub(t, 'packing', a)} | ${fmt(ref)} | ${pub(t, 'fgd', a)} | ${fgd === undefined ? '–' : (ai - fgd >= 0 ? '+' : '') + (ai - fgd).toFixed(2)} | ${ref.aidcWins}/${SEEDS} |`);
    }
  }
  md.push('', 'aidc = FGD\'s fragmentation gradient with CPU-stranded GPUs counted at a quarter, a 3,000-milli sigmoid and typical pods covering every shape (src/planning/placement/private/policies.ts AidcPolicy, AIDC_FRAG_OPTIONS). Its two settings were chosen on tuning seeds 100–109 of these traces; the table reports seeds 42–51, the artifact\'s.', '');
  md.push('', 'Offline: all pods of the trace (as listed) on any number of nodes of the cluster\'s 15 node shapes. "FFD" = first-fit-decreasing + node-emptying; "GPU-first" = shared-GPU pods packed into GPUs by best-fit decreasing, then GPUs and pods onto nodes balancing CPU per GPU; "config-LP packing" = restricted-master MILP over the column-generation patterns seeded with both, realised pod by pod, then node-emptying (never worse than either). Lower bound = max(aggregated LP with per-GPU dual-feasible cuts and the cutting-stock bound on GPUs opened, Farley bound of the configuration LP), all solved with HiGHS; column generation stops after ' + OFFLINE_BUDGET_MS / 1000 + ' s.', '');
  md.push('| trace | FFD nodes | GPU-first nodes | config-LP packing | aggregated LP bound | lower bound | gap | CG rounds | converged |', '|---|---|---|---|---|---|---|---|---|');
  for (const o of offline) md.push(`| ${o.trace} | ${o.ffdNodes} | ${o.gpuFirstNodes} | ${o.nodes} | ${o.lpAggregated} | ${o.lowerBoundNodes} | ${o.gapPct.toFixed(2)}% | ${o.iterations} | ${o.converged ? 'yes' : 'no'} |`);
  md.push('', `Speed: ${podsPerSecond} pods/s over all replays; median seconds per replay (~10.8k pods on 1,213 nodes): `
    + [...POLICIES, ...REFERENCE].map((p) => `${p} ${median(seconds[p]).toFixed(2)} s`).join(', ') + '.');
  md.push('', 'BestFit, Packing and FGD (ours) break ties like the FGD artifact: its scheduler (fork github.com/mental2008/kubernetes v1.20.5-minor, selectHost) keeps the lexicographically smallest node name among equal top scores, and node names carry a seeded random prefix, so ties go to the first node of a seeded order. With upstream kube-scheduler\'s uniformly random ties Packing lands near 11.5% and FGD near 10.3% (default) / 18.8% (gpushare100). "FGD (ours)" = FgdPolicy with the artifact\'s typical pods (95% popularity, CPU-only pods included); it is a reference row, kept out of the required JSON rows (JSON key `reference`).');
  fs.writeFileSync(path.join(outDir, 'placement.md'), md.join('\n') + '\n');
  console.log(md.join('\n'));
}

main().catch((e) => { console.error(e); process.exit(1); });
