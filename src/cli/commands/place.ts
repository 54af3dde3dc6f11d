import * as fs from 'fs';
import { PlanningError } from '../../errors';
import { NodeShape } from '../../planning/catalog';
import { PlacementPicture, PlacementTopology, PoolPlanner, PoolWorkload } from '../../planning/placement';
import { numberFlag, requireFlag } from '../args';
import { CliCommand, CliResult, ParsedArgs } from '../cli-types';
import { renderTable } from '../render';

/** Default --max-nodes when none is given. */
const DEFAULT_MAX_NODES = 1000;

const USAGE = `aidc place --workloads FILE.json --node-shape ID [--max-nodes N] [--svg FILE] [--json]

Packs the workloads onto nodes of one shape and prints the pool size at the
workloads' minimum and maximum replicas (with headroom), and what runs on each node.

Workloads file (JSON): either an array of workloads or an object
  { "workloads": [ ... ], "gpuSharing": false, "headroomFraction": 0.1,
    "zones": 1, "nodesPerRack": 4, "minNodes": 0 }
Each workload:
  { "name": "llama-70b-train", "podCount": 4, "gpusPerPod": 8,
    "cpuMilliPerPod": 96000, "memoryBytesPerPod": 1.0e12,
    "gang": true, "topology": "NONE|NODE|NVLINK_DOMAIN|RACK",
    "minReplicas": 1, "maxReplicas": 1, "spreadAcrossZones": false }
podCount is pods per replica (the gang size for a gang); gpusPerPod may be a
fraction below 1 only with "gpuSharing": true.
--max-nodes defaults to ${DEFAULT_MAX_NODES}; --svg writes a picture of the nodes at max replicas.`;

function readWorkloads(file: string): { workloads: PoolWorkload[]; options: Record<string, unknown> } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new PlanningError('--workloads', file, 'cannot read the file');
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new PlanningError('--workloads', file, `not valid JSON (${(e as Error).message})`);
  }
  const obj = (Array.isArray(data) ? { workloads: data } : data) as Record<string, unknown>;
  if (!obj || typeof obj !== 'object' || !Array.isArray(obj.workloads)) {
    throw new PlanningError('--workloads', file, 'expected an array of workloads or { "workloads": [...] }');
  }
  const topologies = Object.values(PlacementTopology) as string[];
  const workloads = (obj.workloads as Record<string, unknown>[]).map((w, k) => {
    if (w.topology !== undefined && !topologies.includes(String(w.topology))) {
      throw new PlanningError(`workloads[${k}].topology`, String(w.topology), `must be one of ${topologies.join(', ')}`);
    }
    return w as unknown as PoolWorkload;
  });
  return { workloads, options: obj };
}

/** `aidc place`. */
export const PLACE_COMMANDS: CliCommand[] = [{
  path: ['place'],
  summary: 'Pack workloads onto a node shape: pool size at min/max replicas, per-node picture',
  usage: USAGE,
  valueFlags: ['workloads', 'node-shape', 'max-nodes', 'svg'],
  switchFlags: ['json'],
  run(args: ParsedArgs): CliResult {
    const file = requireFlag(args, 'workloads');
    const shape = NodeShape.of(requireFlag(args, 'node-shape'));
    const maxNodes = numberFlag(args, 'max-nodes', { integer: true }) ?? DEFAULT_MAX_NODES;
    const { workloads, options } = readWorkloads(file);
    const num = (k: string): number | undefined => (typeof options[k] === 'number' ? options[k] as number : undefined);
    const plan = PoolPlanner.plan({
      nodeShape: shape, workloads, maxNodes,
      minNodes: num('minNodes'), headroomFraction: num('headroomFraction'), zones: num('zones'), nodesPerRack: num('nodesPerRack'),
      gpuSharing: options.gpuSharing === true,
    });
    const svgFile = args.flags.get('svg');
    if (svgFile !== undefined) fs.writeFileSync(svgFile, PlacementPicture.svg(plan));
    if (args.switches.has('json')) {
      return { code: 0, stdout: JSON.stringify(plan.toJson(), null, 2) + '\n', stderr: '' };
    }
    const summary = renderTable(['', 'at min', 'at max'], [
      ['GPUs requested', String(plan.gpusRequestedAtMin), String(plan.gpusRequestedAtMax)],
      ['nodes packed', String(plan.packedNodesAtMin), String(plan.packedNodesAtMax)],
      [`nodes (+${Math.round(plan.headroomFraction * 100)}% headroom)`, String(plan.minNodes), String(plan.maxNodes)],
    ]);
    const nodes = renderTable(['node', 'zone', 'GPUs used', 'vCPU', 'pods'], plan.assignment.map((n) => [
      n.name, n.zone, n.gpus.reduce((s, g) => s + g.usedFraction, 0).toFixed(2), (n.cpuMilliUsed / 1000).toFixed(1), n.pods.join(' '),
    ]));
    return { code: 0, stdout: `${summary}\n${nodes}\n${plan.explain()}`, stderr: '' };
  },
}];
