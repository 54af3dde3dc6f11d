import * as fs from 'fs';
import { PlanningError } from '../../errors';
import { Interner, MILLI } from '../../planning/placement/private/cluster';
import { BestFitPolicy, FgdPolicy, FragModel, PackingPolicy, Policy } from '../../planning/placement/private/policies';
import { aidcPolicyFor, arrivalSequence, parseTraceNodes, parseTracePods, replay, TracePod, typicalPods } from '../../planning/placement/private/trace';
import { numberFlag, requireFlag } from '../args';
import { CliCommand, CliResult, ParsedArgs } from '../cli-types';
import { renderTable } from '../render';

/** Policies `aidc place replay` can run, in the order it prints them. */
const POLICIES = ['aidc', 'fgd', 'bestfit', 'packing'] as const;
type PolicyName = typeof POLICIES[number];
/** FGD artifact defaults: inflate to 130% of cluster GPUs, report at 100% and 130% arrival, seed 42. */
const DEFAULT_INFLATE = 1.3;
const DEFAULT_SEED = 42;
/** Typical-pod coverage of the FGD artifact (scripts/generate_config_and_run.py --pod-popularity-threshold 95). */
const FGD_TYPICAL_THRESHOLD = 0.95;

const USAGE = `aidc place replay --nodes NODES.csv --pods PODS.csv [--policy aidc|fgd|bestfit|packing|all]
                  [--seed N] [--inflate R] [--arrived A,B,...] [--json]

Replays a pod list onto a cluster one pod at a time (no moves, no retries), the way
the FGD paper evaluates schedulers (Weng et al., USENIX ATC'23): shuffle the pods
with the seed, drop or add random copies until the GPU requests reach R × the cluster's GPUs
(default ${DEFAULT_INFLATE}), and report the unallocated GPU % when the arrived requests
reach each --arrived % of the cluster (default 100 and the level the replay ends at,
${DEFAULT_INFLATE * 100} on a large cluster).

Policies: aidc (this library's fragmentation-gradient policy), fgd (FGD as published),
bestfit and packing (the FGD simulator's controls); all (default) runs the four.
Files use the Alibaba GPU trace v2023 columns:
  nodes: sn,cpu_milli,memory_mib,gpu,model
  pods:  name,cpu_milli,memory_mib,num_gpu,gpu_milli[,gpu_spec]
gpu_milli is per GPU (1000 = a whole GPU; below 1000 = a shared GPU);
gpu_spec lists allowed GPU models separated by '|' (empty = any).`;

function readFile(flag: string, file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new PlanningError(`--${flag}`, file, 'cannot read the file');
  }
}

function makePolicy(name: PolicyName, pods: readonly TracePod[]): Policy {
  switch (name) {
    case 'aidc': return aidcPolicyFor(pods);
    case 'fgd': return new FgdPolicy(new FragModel(typicalPods(pods, FGD_TYPICAL_THRESHOLD)));
    case 'bestfit': return new BestFitPolicy();
    case 'packing': return new PackingPolicy();
  }
}

function parseArrived(text: string | undefined, reached: number): number[] {
  if (text === undefined) return reached > 100 ? [100, reached] : [reached];
  const values = text.split(',').map((x) => Number(x.trim()));
  for (const a of values) {
    if (!Number.isInteger(a) || a <= 0 || a > reached) {
      throw new PlanningError('--arrived', text, `each value must be a whole percentage from 1 to ${reached} (the GPU requests of this replay reach ${reached}% of the cluster)`);
    }
  }
  return values;
}

/** `aidc place replay`. */
export const PLACE_REPLAY_COMMAND: CliCommand = {
  path: ['place', 'replay'],
  summary: 'Replay a pod list onto a cluster online and compare scheduling policies (unallocated GPU %)',
  usage: USAGE,
  valueFlags: ['nodes', 'pods', 'policy', 'seed', 'inflate', 'arrived'],
  switchFlags: ['json'],
  run(args: ParsedArgs): CliResult {
    const nodesFile = requireFlag(args, 'nodes');
    const podsFile = requireFlag(args, 'pods');
    const policyFlag = args.flags.get('policy') ?? 'all';
    if (policyFlag !== 'all' && !(POLICIES as readonly string[]).includes(policyFlag)) {
      throw new PlanningError('--policy', policyFlag, `must be one of ${POLICIES.join(', ')}, all`);
    }
    const seed = numberFlag(args, 'seed', { integer: true, positive: false }) ?? DEFAULT_SEED;
    if (seed < 0) throw new PlanningError('--seed', String(seed), 'must be a whole number ≥ 0');
    const inflate = numberFlag(args, 'inflate', { positive: true }) ?? DEFAULT_INFLATE;
    if (inflate > 10) throw new PlanningError('--inflate', String(inflate), 'must be at most 10 (× the cluster\'s GPUs)');
    const models = new Interner();
    const nodes = parseTraceNodes(readFile('nodes', nodesFile), '--nodes');
    const pods = parseTracePods(readFile('pods', podsFile), models, '--pods');
    const clusterGpus = nodes.reduce((s, n) => s + n.gpuCount, 0);
    if (clusterGpus === 0) throw new PlanningError('--nodes', nodesFile, 'the cluster has no GPUs; list at least one GPU node');
    if (!pods.some((p) => p.gpuCount > 0)) throw new PlanningError('--pods', podsFile, 'no pod requests a GPU, so nothing can be measured');
    const names = policyFlag === 'all' ? [...POLICIES] : [policyFlag as PolicyName];
    const seq = arrivalSequence(pods, clusterGpus, seed, inflate);
    const reached = Math.round((100 * seq.reduce((s, p) => s + p.gpuMilli * p.gpuCount, 0)) / (clusterGpus * MILLI));
    const arrived = parseArrived(args.flags.get('arrived'), reached);
    const results = names.map((name) => {
      const r = replay(nodes, models, seq, makePolicy(name, pods), seed, arrived);
      r.unallocatedPct.forEach((u, k) => {
        if (!Number.isFinite(u)) throw new PlanningError('--arrived', String(arrived[k]), `no pod arrived by that level; pick levels up to ${reached}`);
      });
      return { policy: name, unallocatedGpuPct: Object.fromEntries(arrived.map((a, k) => [String(a), r.unallocatedPct[k]])), pods: r.pods, placed: r.placed, seconds: r.seconds };
    });
    if (args.switches.has('json')) {
      return { code: 0, stdout: JSON.stringify({ nodes: nodes.length, gpus: clusterGpus, podsListed: pods.length, seed, inflate, arrivedPct: arrived, results }, null, 2) + '\n', stderr: '' };
    }
    const table = renderTable(['policy', ...arrived.map((a) => `unallocated GPU % at ${a}%`), 'pods placed', 'seconds'],
      results.map((r) => [r.policy, ...arrived.map((a) => r.unallocatedGpuPct[String(a)].toFixed(2)), `${r.placed}/${r.pods}`, r.seconds.toFixed(2)]));
    const head = `${nodes.length} nodes, ${clusterGpus} GPUs; ${pods.length} pods listed, ${seq.length} arriving (seed ${seed}, inflated to ${inflate * 100}% of the GPUs)`;
    return { code: 0, stdout: `${head}\n${table}`, stderr: '' };
  },
};
