import * as fs from 'fs';
import { PlanningError } from '../../errors';
import { NodeShape } from '../../planning/catalog';
import { Interner, MILLI } from '../../planning/placement/private/cluster';
import { HighsLike, lpLowerBound, OfflineShape, packOffline, shapeCost } from '../../planning/placement/private/offline';
import { configLp } from '../../planning/placement/private/offline-cg';
import { packGpuFirst } from '../../planning/placement/private/offline-gpufirst';
import { parseTraceNodes, parseTracePods, TracePod } from '../../planning/placement/private/trace';
import { numberFlag, requireFlag } from '../args';
import { CliCommand, CliResult, ParsedArgs } from '../cli-types';
import { renderTable } from '../render';

/** Default wall-clock budget of the column generation, seconds. */
const DEFAULT_BUDGET_SECONDS = 10;

const USAGE = `aidc place offline --pods PODS.csv (--node-shape ID[,ID...] | --nodes NODES.csv)
                   [--minimise nodes|cost] [--budget-seconds S] [--json]

Packs every pod of the list onto as few nodes as possible (or, with --minimise cost,
the cheapest set of nodes at the shapes' on-demand prices), choosing among the given
node shapes, and reports a lower bound from linear-programming relaxations solved
with HiGHS, so the gap to the optimum is known.
Shapes: catalog ids (aidc catalog node-shapes), or every distinct node of a node list.
Files use the Alibaba GPU trace v2023 columns:
  pods:  name,cpu_milli,memory_mib,num_gpu,gpu_milli[,gpu_spec]
  nodes: sn,cpu_milli,memory_mib,gpu,model
gpu_spec lists allowed GPU models separated by '|' (catalog GPU ids with --node-shape,
the node list's model names with --nodes; empty = any).
Column generation stops after --budget-seconds (default ${DEFAULT_BUDGET_SECONDS}); a run that hits the
budget may find a slightly different packing on a faster or slower machine.`;

let highsInstance: Promise<HighsLike> | undefined;

/** HiGHS (WebAssembly), loaded once per process. */
function loadHighs(): Promise<HighsLike> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  highsInstance ??= (require('highs') as () => Promise<HighsLike>)();
  return highsInstance;
}

function readFile(flag: string, file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new PlanningError(`--${flag}`, file, 'cannot read the file');
  }
}

function catalogShapes(ids: string, models: Interner, byCost: boolean): OfflineShape[] {
  return ids.split(',').map((id) => id.trim()).filter((id) => id !== '').map((id) => {
    const s = NodeShape.of(id);
    if (byCost && s.onDemandUsdPerHour === undefined) {
      throw new PlanningError('--node-shape', id, 'has no published on-demand price; use --minimise nodes or another shape');
    }
    return { name: s.id, cpuMilli: s.vcpu * 1000, memoryBytes: s.memoryBytes, gpuCount: s.gpuCount, model: models.id(s.gpuType.id), cost: byCost ? s.onDemandUsdPerHour : 1 };
  });
}

function listShapes(file: string, models: Interner): OfflineShape[] {
  const byKey = new Map<string, OfflineShape>();
  for (const n of parseTraceNodes(readFile('nodes', file), '--nodes')) {
    const key = `${n.gpuModel}|${n.gpuCount}|${n.cpuMilli}|${n.memoryBytes}`;
    if (!byKey.has(key)) {
      byKey.set(key, { name: `${n.gpuCount}×${n.gpuModel || 'cpu'} ${n.cpuMilli / 1000} vCPU ${Math.round(n.memoryBytes / 2 ** 30)} GiB`, cpuMilli: n.cpuMilli, memoryBytes: n.memoryBytes, gpuCount: n.gpuCount, model: n.gpuCount > 0 ? models.id(n.gpuModel) : -1 });
    }
  }
  return [...byKey.values()];
}

function unplaceableError(pods: readonly TracePod[], index: number, shapes: readonly OfflineShape[]): PlanningError {
  const p = pods[index];
  const gpus = p.gpuCount === 0 ? 'no GPU' : p.gpuMilli < MILLI ? `${p.gpuMilli} milli of one GPU` : `${p.gpuCount} whole GPUs`;
  const biggest = shapes.reduce((a, s) => (s.gpuCount > a.gpuCount ? s : a), shapes[0]);
  return new PlanningError(`--pods line ${index + 2} (${p.name})`, `${p.cpuMilli} millicores, ${Math.round(p.memoryBytes / 2 ** 20)} MiB, ${gpus}${p.gpuSpec ? ` of ${p.gpuSpec}` : ''}`,
    `no node shape can host it (the largest, ${biggest.name}, has ${biggest.gpuCount} GPUs and ${biggest.cpuMilli} millicores); add a larger or matching shape, or split the pod`);
}

/** `aidc place offline`. */
export const PLACE_OFFLINE_COMMAND: CliCommand = {
  path: ['place', 'offline'],
  summary: 'Pack a pod list onto the fewest (or cheapest) nodes of given shapes, with an LP lower bound',
  usage: USAGE,
  valueFlags: ['pods', 'node-shape', 'nodes', 'minimise', 'budget-seconds'],
  switchFlags: ['json'],
  async run(args: ParsedArgs): Promise<CliResult> {
    const podsFile = requireFlag(args, 'pods');
    const minimise = args.flags.get('minimise') ?? 'nodes';
    if (minimise !== 'nodes' && minimise !== 'cost') throw new PlanningError('--minimise', minimise, 'must be nodes or cost');
    const budget = numberFlag(args, 'budget-seconds') ?? DEFAULT_BUDGET_SECONDS;
    if (budget > 3600) throw new PlanningError('--budget-seconds', String(budget), 'must be at most 3600');
    const ids = args.flags.get('node-shape');
    const nodesFile = args.flags.get('nodes');
    if ((ids === undefined) === (nodesFile === undefined)) {
      throw new PlanningError('--node-shape/--nodes', ids ?? nodesFile ?? '(none)', 'give exactly one: catalog shape ids or a node list file');
    }
    if (nodesFile !== undefined && minimise === 'cost') throw new PlanningError('--minimise', 'cost', 'a node list has no prices; use --node-shape with catalog shapes');
    const models = new Interner();
    const shapes = ids !== undefined ? catalogShapes(ids, models, minimise === 'cost') : listShapes(nodesFile!, models);
    if (shapes.length === 0) throw new PlanningError('--node-shape', ids ?? '', 'list at least one node shape');
    const pods = parseTracePods(readFile('pods', podsFile), models, '--pods');
    if (pods.length === 0) throw new PlanningError('--pods', podsFile, 'the file lists no pods');
    const ffd = packOffline(pods, shapes);
    if (ffd.unplaceable.length > 0) throw unplaceableError(pods, ffd.unplaceable[0], shapes);
    const highs = await loadHighs();
    const t0 = Date.now();
    const gpuFirst = packGpuFirst(pods, shapes);
    const lp = lpLowerBound(highs, pods, shapes);
    const cg = configLp(highs, pods, shapes, { budgetMs: budget * 1000, masterMilpSeconds: Math.min(15, Math.max(1, budget / 2)) });
    const lowerBound = Math.max(lp, cg.lowerBound);
    const perShape = shapes.map((s, k) => ({ shape: s.name, nodes: cg.packing.perShape[k], gpus: cg.packing.perShape[k] * s.gpuCount, cost: cg.packing.perShape[k] * shapeCost(s) }))
      .filter((r) => r.nodes > 0);
    const total = perShape.reduce((a, r) => a + r.cost, 0);
    const gapPct = lowerBound > 0 ? (100 * (total - lowerBound)) / lowerBound : 0;
    const seconds = (Date.now() - t0) / 1000;
    const unit = minimise === 'cost' ? 'USD/h' : 'nodes';
    if (args.switches.has('json')) {
      const json = {
        minimise, pods: pods.length, shapes: perShape.map((r) => ({ shape: r.shape, nodes: r.nodes, gpus: r.gpus, ...(minimise === 'cost' ? { usdPerHour: r.cost } : {}) })),
        nodes: cg.packing.nodes, ...(minimise === 'cost' ? { usdPerHour: total } : {}), lowerBound, gapPct,
        heuristics: { firstFitDecreasingNodes: ffd.nodes, gpuFirstNodes: gpuFirst.nodes },
        columnGeneration: { rounds: cg.iterations, columns: cg.columns, converged: cg.converged }, seconds,
      };
      return { code: 0, stdout: JSON.stringify(json, null, 2) + '\n', stderr: '' };
    }
    const rows = perShape.map((r) => [r.shape, String(r.nodes), String(r.gpus), ...(minimise === 'cost' ? [r.cost.toFixed(2)] : [])]);
    const table = renderTable(['shape', 'nodes', 'GPUs', ...(minimise === 'cost' ? ['USD/h'] : [])], rows);
    const fmt = (x: number): string => (minimise === 'cost' ? x.toFixed(2) : String(x));
    const lines = [
      `${pods.length} pods onto ${cg.packing.nodes} nodes${minimise === 'cost' ? ` costing ${total.toFixed(2)} USD/h` : ''}`,
      table.trimEnd(),
      `lower bound      ${fmt(lowerBound)} ${unit} (LP relaxations, HiGHS)`,
      `gap              ${gapPct.toFixed(2)}%${gapPct === 0 ? ' (optimal)' : ''}`,
      `heuristics       first-fit-decreasing ${ffd.nodes} nodes, GPU-first ${gpuFirst.nodes} nodes`,
      `column generation ${cg.iterations} rounds, ${cg.converged ? 'converged' : 'stopped at the budget'}; ${seconds.toFixed(1)} s`,
    ];
    return { code: 0, stdout: lines.join('\n') + '\n', stderr: '' };
  },
};
