import { PlanningError } from '../../errors';
import { NodeShape } from '../catalog/node-shape';
import { requireInRange } from '../private/checks';
import { Explanation } from '../private/explanation';

/**
 * Default spot interruption rate: 0.2 interruptions per node-month (the worst
 * "frequency of interruption" bucket, >20%, of the AWS Spot Instance Advisor,
 * aws.amazon.com/ec2/spot/instance-advisor/, where GPU instances usually sit),
 * over 730 hours a month.
 */
const DEFAULT_SPOT_INTERRUPTIONS_PER_NODE_HOUR = 0.2 / 730;

/** One node shape the pool may use, with its prices. */
export interface PoolMixShapeOption {
  /** Node shape; its `onDemandUsdPerHour` is the on-demand price. */
  readonly nodeShape: NodeShape;
  /** Spot discount as a fraction of the on-demand price (0.6 → spot costs 40% of on-demand). Required: spot prices move daily. */
  readonly spotDiscount: number;
  /** Reserved / savings-plan discount as a fraction of on-demand (e.g. 0.4 for a typical 1-year commitment). Required: it depends on your contract. */
  readonly reservedDiscount: number;
  /**
   * Most nodes of this shape available in any hour (all purchase kinds together).
   * @default - unlimited
   */
  readonly maxNodes?: number;
  /**
   * Expected spot interruptions per spot node-hour.
   * @default 0.2/730 (AWS Spot Instance Advisor ">20%" monthly bucket)
   */
  readonly spotInterruptionsPerNodeHour?: number;
}

/** What the pool must provide and how risk is weighed. */
export interface PoolMixProps {
  /** Candidate node shapes; all must carry the same GPU type. */
  readonly shapes: PoolMixShapeOption[];
  /** GPUs needed in each hour of the planning period (e.g. 168 hours of a week), or one value for a flat peak. */
  readonly gpuDemandByHour: number[];
  /**
   * Largest share of each hour's GPU demand that may run on spot (the risk limit).
   * @default 0 — no spot
   */
  readonly maxSpotShare?: number;
  /**
   * Weight of interruption risk: one interruption costs `riskWeight` node-hours at the on-demand price
   * (lost work since the last checkpoint plus restart and model reload).
   * @default 1
   */
  readonly riskWeight?: number;
}

/** The optimiser's variables in a solver-neutral form (pure; no solver needed). */
export class PoolMixModel {
  /**
   * Builds the MILP in CPLEX LP format. Variables (integers ≥ 0): `r_s` reserved nodes of
   * shape s held every hour; `o_s_t`, `p_s_t` on-demand and spot nodes in hour t.
   *
   *   minimise Σ_s [ T·(1−reservedDiscount_s)·c_s·r_s + Σ_t ( c_s·o_s_t + ((1−spotDiscount_s)·c_s + riskWeight·ι_s·c_s)·p_s_t ) ]
   *   s.t. ∀t: Σ_s g_s·(r_s + o_s_t + p_s_t) ≥ D_t          (capacity)
   *        ∀t: Σ_s g_s·p_s_t ≤ maxSpotShare·D_t             (risk limit)
   *        ∀s,t: r_s + o_s_t + p_s_t ≤ maxNodes_s            (availability, when given)
   *
   * c_s on-demand USD/node-hour, g_s GPUs per node, ι_s interruptions per spot node-hour, T hours.
   */
  public static formulate(props: PoolMixProps): PoolMixModel {
    return new PoolMixModel(props);
  }

  /** The model in CPLEX LP format, as `highs.solve()` reads it. */
  public readonly lpText: string;
  /** Hours in the planning period. */
  public readonly hours: number;
  /** Validated inputs. */
  public readonly props: PoolMixProps;

  private constructor(props: PoolMixProps) {
    validate(props);
    this.props = props;
    const T = props.gpuDemandByHour.length;
    this.hours = T;
    const share = props.maxSpotShare ?? 0;
    const objective: string[] = [];
    const rows: string[] = [];
    const ints: string[] = [];
    const bounds: string[] = [];
    props.shapes.forEach((o, s) => {
      const c = o.nodeShape.onDemandUsdPerHour!;
      objective.push(`${num(T * (1 - o.reservedDiscount) * c)} r_${s}`);
      ints.push(`r_${s}`);
      for (let t = 0; t < T; t++) {
        objective.push(`${num(c)} o_${s}_${t}`, `${num(spotNodeHourCost(o, props.riskWeight ?? 1))} p_${s}_${t}`);
        ints.push(`o_${s}_${t}`, `p_${s}_${t}`);
        if (share === 0) bounds.push(`p_${s}_${t} = 0`);
        if (o.maxNodes !== undefined) rows.push(` a_${s}_${t}: r_${s} + o_${s}_${t} + p_${s}_${t} <= ${o.maxNodes}`);
      }
    });
    for (let t = 0; t < T; t++) {
      const d = props.gpuDemandByHour[t];
      const terms = props.shapes.map((o, s) => `${o.nodeShape.gpuCount} r_${s} + ${o.nodeShape.gpuCount} o_${s}_${t} + ${o.nodeShape.gpuCount} p_${s}_${t}`);
      rows.push(` c_${t}: ${terms.join(' + ')} >= ${num(d)}`);
      if (share > 0) {
        rows.push(` s_${t}: ${props.shapes.map((o, s) => `${o.nodeShape.gpuCount} p_${s}_${t}`).join(' + ')} <= ${num(share * d)}`);
      }
    }
    this.lpText = [
      'Minimize', ` cost: ${wrap(objective)}`, 'Subject To', ...rows.map((r) => wrap(r.split(' + '))),
      ...(bounds.length ? ['Bounds', ...bounds.map((b) => ` ${b}`)] : []),
      'General', ` ${wrap(ints, ' ')}`, 'End', '',
    ].join('\n');
  }
}

/** One shape's part of the optimal mix. */
export interface PoolMixShapeResult {
  /** Node shape id. */
  readonly nodeShape: string;
  /** Reserved nodes, held every hour. */
  readonly reservedNodes: number;
  /** On-demand nodes per hour. */
  readonly onDemandNodesByHour: number[];
  /** Spot nodes per hour. */
  readonly spotNodesByHour: number[];
}

/** The optimal pool mix and its cost. */
export class PoolMixPlan {
  /** Per-shape allocation. */
  public readonly shapes: PoolMixShapeResult[];
  /** Cost over the planning period: reserved + on-demand + spot, USD (excludes risk). */
  public readonly costUsd: number;
  /** Weighted interruption risk over the period, USD-equivalent. */
  public readonly riskCostUsd: number;
  /** Objective = costUsd + riskCostUsd. */
  public readonly objectiveUsd: number;
  /** Hours in the planning period. */
  public readonly hours: number;
  /** Average cost per hour, USD. */
  public readonly averageUsdPerHour: number;
  /** Cost of covering every hour with on-demand only (the baseline), USD. */
  public readonly onDemandOnlyCostUsd: number;
  private readonly explanationText: string;

  /** Prices an allocation (normally built by {@link PoolMixOptimizer.optimize}). */
  constructor(shapes: PoolMixShapeResult[], props: PoolMixProps) {
    const T = props.gpuDemandByHour.length;
    const ex = new Explanation();
    let cost = 0;
    let risk = 0;
    props.shapes.forEach((o, s) => {
      const c = o.nodeShape.onDemandUsdPerHour!;
      const a = shapes[s];
      const spot = a.spotNodesByHour.reduce((x, y) => x + y, 0);
      const od = a.onDemandNodesByHour.reduce((x, y) => x + y, 0);
      const reserved = ex.add(`${o.nodeShape.id} reserved cost`, a.reservedNodes * T * (1 - o.reservedDiscount) * c, 'USD', `${a.reservedNodes} nodes × ${T} h × (1 − ${o.reservedDiscount}) × ${c} USD/h`);
      const onDemand = ex.add(`${o.nodeShape.id} on-demand cost`, od * c, 'USD', `${od} node-hours × ${c} USD/h`);
      const spotCost = ex.add(`${o.nodeShape.id} spot cost`, spot * (1 - o.spotDiscount) * c, 'USD', `${spot} node-hours × (1 − ${o.spotDiscount}) × ${c} USD/h`);
      const r = ex.add(`${o.nodeShape.id} interruption risk`, spot * (spotNodeHourCost(o, props.riskWeight ?? 1) - (1 - o.spotDiscount) * c), 'USD',
        `${spot} spot node-hours × ${interruptions(o)} interruptions/node-hour × riskWeight ${props.riskWeight ?? 1} × ${c} USD`, 'AWS Spot Instance Advisor (default rate)');
      cost += reserved + onDemand + spotCost;
      risk += r;
    });
    const cheapestOd = Math.min(...props.shapes.map((o) => o.nodeShape.onDemandUsdPerHour! / o.nodeShape.gpuCount));
    this.shapes = shapes;
    this.costUsd = ex.add('cost', cost, 'USD', 'Σ reserved + on-demand + spot');
    this.riskCostUsd = ex.add('risk', risk, 'USD', 'Σ interruption risk');
    this.objectiveUsd = cost + risk;
    this.hours = T;
    this.averageUsdPerHour = ex.add('average cost per hour', cost / T, 'USD/h', `cost / ${T} h`);
    this.onDemandOnlyCostUsd = ex.add('on-demand-only lower bound', props.gpuDemandByHour.reduce((a, d) => a + d, 0) * cheapestOd, 'USD',
      'Σ_t demand_t × cheapest on-demand USD per GPU-hour (fractional nodes; a lower bound for on-demand only)');
    this.explanationText = ex.render('Pool mix');
  }

  /** How every number was derived. */
  public explain(): string {
    return this.explanationText;
  }

  /** JSON form. */
  public toJson(): any {
    return {
      shapes: this.shapes.map((s) => ({ ...s, onDemandNodesByHour: [...s.onDemandNodesByHour], spotNodesByHour: [...s.spotNodesByHour] })),
      costUsd: this.costUsd, riskCostUsd: this.riskCostUsd, objectiveUsd: this.objectiveUsd, hours: this.hours,
      averageUsdPerHour: this.averageUsdPerHour, onDemandOnlyCostUsd: this.onDemandOnlyCostUsd,
    };
  }
}

/** Chooses reserved, on-demand and spot nodes per shape by solving {@link PoolMixModel} with HiGHS (wasm, loaded once, asynchronously). */
export class PoolMixOptimizer {
  /** Default expected spot interruptions per node-hour: 0.2 per node-month (AWS Spot Instance Advisor ">20%" bucket) / 730 h. */
  public static readonly DEFAULT_SPOT_INTERRUPTIONS_PER_NODE_HOUR = DEFAULT_SPOT_INTERRUPTIONS_PER_NODE_HOUR;

  /**
   * Solves the pool-mix MILP. Async because the HiGHS WebAssembly module loads
   * asynchronously (`require('highs')` returns a loader promise). The result is
   * checked against every constraint before it is returned.
   */
  public static async optimize(props: PoolMixProps): Promise<PoolMixPlan> {
    const model = PoolMixModel.formulate(props);
    const highs = await loadSolver();
    const result = highs.solve(model.lpText, { output_flag: false, mip_rel_gap: 0 });
    if (result.Status !== 'Optimal') {
      throw new PlanningError('gpuDemandByHour', `peak ${Math.max(...props.gpuDemandByHour)} GPUs`,
        `no feasible pool mix (solver status ${result.Status}); raise maxNodes or maxSpotShare, or add a node shape`);
    }
    const value = (name: string): number => Math.round(result.Columns[name]?.Primal ?? 0);
    const T = model.hours;
    const shapes = props.shapes.map((o, s) => ({
      nodeShape: o.nodeShape.id,
      reservedNodes: value(`r_${s}`),
      onDemandNodesByHour: Array.from({ length: T }, (_, t) => value(`o_${s}_${t}`)),
      spotNodesByHour: Array.from({ length: T }, (_, t) => value(`p_${s}_${t}`)),
    }));
    PoolMixOptimizer.check(props, shapes);
    return new PoolMixPlan(shapes, props);
  }

  /** Throws a PlanningError naming the first constraint an allocation violates (used on every solver result). */
  public static check(props: PoolMixProps, shapes: PoolMixShapeResult[]): void {
    const share = props.maxSpotShare ?? 0;
    props.gpuDemandByHour.forEach((d, t) => {
      let gpus = 0;
      let spotGpus = 0;
      props.shapes.forEach((o, s) => {
        const a = shapes[s];
        const nodes = a.reservedNodes + a.onDemandNodesByHour[t] + a.spotNodesByHour[t];
        if ([a.reservedNodes, a.onDemandNodesByHour[t], a.spotNodesByHour[t]].some((v) => !Number.isInteger(v) || v < 0)) {
          throw new PlanningError(`poolMix.${o.nodeShape.id}.hour[${t}]`, String(nodes), 'node counts must be whole numbers ≥ 0');
        }
        if (o.maxNodes !== undefined && nodes > o.maxNodes) throw new PlanningError(`poolMix.${o.nodeShape.id}.hour[${t}]`, String(nodes), `exceeds maxNodes ${o.maxNodes}`);
        gpus += o.nodeShape.gpuCount * nodes;
        spotGpus += o.nodeShape.gpuCount * a.spotNodesByHour[t];
      });
      if (gpus < d - 1e-9) throw new PlanningError(`poolMix.hour[${t}]`, `${gpus} GPUs`, `below the demand of ${d} GPUs`);
      if (spotGpus > share * d + 1e-9) throw new PlanningError(`poolMix.hour[${t}].spot`, `${spotGpus} GPUs`, `above maxSpotShare ${share} × ${d}`);
    });
  }
}

/** Spot price plus weighted interruption risk, per spot node-hour. */
function spotNodeHourCost(o: PoolMixShapeOption, riskWeight: number): number {
  const c = o.nodeShape.onDemandUsdPerHour!;
  return (1 - o.spotDiscount) * c + riskWeight * interruptions(o) * c;
}

function interruptions(o: PoolMixShapeOption): number {
  return o.spotInterruptionsPerNodeHour ?? DEFAULT_SPOT_INTERRUPTIONS_PER_NODE_HOUR;
}

function validate(props: PoolMixProps): void {
  if (!props.shapes?.length) throw new PlanningError('shapes', '[]', 'give at least one node shape');
  if (!props.gpuDemandByHour?.length) throw new PlanningError('gpuDemandByHour', '[]', 'give the GPUs needed per hour (one value for a flat peak)');
  if (props.gpuDemandByHour.length > 8784) throw new PlanningError('gpuDemandByHour', `${props.gpuDemandByHour.length} hours`, 'at most one year of hours (8784)');
  props.gpuDemandByHour.forEach((d, t) => {
    if (!Number.isFinite(d) || d < 0) throw new PlanningError(`gpuDemandByHour[${t}]`, String(d), 'must be a finite number of GPUs ≥ 0');
  });
  requireInRange('maxSpotShare', props.maxSpotShare ?? 0, 0, 1);
  requireInRange('riskWeight', props.riskWeight ?? 1, 0, 1e6);
  const gpu = props.shapes[0].nodeShape.gpuType.id;
  const ids = new Set<string>();
  props.shapes.forEach((o, s) => {
    const f = `shapes[${s}]`;
    if (ids.has(o.nodeShape.id)) throw new PlanningError(`${f}.nodeShape`, o.nodeShape.id, 'each node shape may appear once');
    ids.add(o.nodeShape.id);
    if (o.nodeShape.gpuType.id !== gpu) {
      throw new PlanningError(`${f}.nodeShape`, o.nodeShape.id, `carries ${o.nodeShape.gpuType.id} but shapes[0] carries ${gpu}; GPU demand is counted in one GPU type — optimise each type separately`);
    }
    if (o.nodeShape.onDemandUsdPerHour === undefined) {
      throw new PlanningError(`${f}.nodeShape.onDemandUsdPerHour`, 'undefined', `${o.nodeShape.id} has no on-demand price; use NodeShape.custom({... onDemandUsdPerHour })`);
    }
    requireInRange(`${f}.spotDiscount`, o.spotDiscount, 0, 0.99);
    requireInRange(`${f}.reservedDiscount`, o.reservedDiscount, 0, 0.99);
    requireInRange(`${f}.spotInterruptionsPerNodeHour`, interruptions(o), 0, 1);
    if (o.maxNodes !== undefined && (!Number.isInteger(o.maxNodes) || o.maxNodes < 0)) {
      throw new PlanningError(`${f}.maxNodes`, String(o.maxNodes), 'must be a whole number ≥ 0');
    }
  });
  if (props.shapes.every((o) => o.maxNodes !== undefined)) {
    const most = props.shapes.reduce((a, o) => a + o.maxNodes! * o.nodeShape.gpuCount, 0);
    const peak = Math.max(...props.gpuDemandByHour);
    if (peak > most) throw new PlanningError('gpuDemandByHour', `peak ${peak} GPUs`, `the shapes offer at most ${most} GPUs (Σ maxNodes × GPUs per node); raise maxNodes or add a shape`);
  }
}

/** A decimal without exponent notation, as the LP reader expects. */
function num(v: number): string {
  return Number(v.toFixed(9)).toString().includes('e') ? v.toFixed(9) : Number(v.toFixed(9)).toString();
}

/** Joins terms onto lines of at most ~8 terms (LP format allows continuation lines). */
function wrap(terms: string[], sep = ' + '): string {
  const lines: string[] = [];
  for (let i = 0; i < terms.length; i += 8) lines.push(terms.slice(i, i + 8).join(sep));
  return lines.join(sep === ' + ' ? '\n   + ' : '\n   ');
}

let solverPromise: Promise<any> | undefined;
function loadSolver(): Promise<any> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  solverPromise ??= (require('highs') as () => Promise<any>)();
  return solverPromise;
}
