import { DemandForecaster } from './forecaster';
import { HourlySeries } from './history';
import { PlanningError } from '../../errors';
import { requireInRange, requirePositive } from '../private/checks';
import { Explanation } from '../private/explanation';

const HOURS_PER_WEEK = 168;
const MINUTES_PER_WEEK = HOURS_PER_WEEK * 60;

/** Replica sizing inputs shared by both ways of building a {@link ScalingSchedule}. */
export interface ScalingCapacityOptions {
  /** Requests per second one replica serves within the SLO (from the inference plan). */
  readonly capacityPerReplica: number;
  /** Replica floor (KEDA `minReplicaCount`). */
  readonly minReplicas: number;
  /** Replica ceiling (KEDA `maxReplicaCount`). */
  readonly maxReplicas: number;
  /** Seconds from scheduling a replica to serving (image pull, model load, warm-up); windows start this much earlier, rounded up to whole minutes. */
  readonly startupSeconds: number;
}

/** A schedule from demand already known per hour of the week. */
export interface ScalingScheduleProps extends ScalingCapacityOptions {
  /** 168 demand values in requests/s; index 0 = Monday 00:00–01:00 UTC, 167 = Sunday 23:00 UTC. */
  readonly demandByHourOfWeek: number[];
}

/** A schedule forecast from traffic history. */
export interface ScalingScheduleFromHistoryOptions extends ScalingCapacityOptions {
  /** Hourly traffic history in requests/s. */
  readonly history: HourlySeries;
  /**
   * Interval level of the forecast upper bound that is provisioned for.
   * @default 0.95
   */
  readonly intervalLevel?: number;
}

/** Hours of the week `[startHourOfWeek, endHourOfWeek)` that need `replicas` replicas; `endHourOfWeek < startHourOfWeek` wraps past Sunday 24:00. */
export interface ScalingWindow {
  /** First hour of the week (0 = Monday 00:00 UTC). */
  readonly startHourOfWeek: number;
  /** Hour of the week the window ends (exclusive, 1–168). */
  readonly endHourOfWeek: number;
  /** Replicas needed during the window. */
  readonly replicas: number;
}

/**
 * Metadata of one KEDA `cron` trigger (keda.sh/docs/2.17/scalers/cron: `timezone`,
 * `start`, `end` in Linux cron format "minute hour day-of-month month day-of-week",
 * `desiredReplicas` as a string).
 */
export interface KedaCronTriggerMetadata {
  /** IANA time zone; always `Etc/UTC`. */
  readonly timezone: string;
  /** Cron expression for the window start (led by the start-up time). */
  readonly start: string;
  /** Cron expression for the window end. */
  readonly end: string;
  /** Replicas during the window, as a decimal string. */
  readonly desiredReplicas: string;
}

/**
 * Minimum replicas per hour of the week, merged into windows and rendered as
 * KEDA cron pre-scaling triggers that sit alongside the reactive metric trigger
 * (the HPA KEDA drives takes the maximum over triggers, so cron windows act as a floor).
 *
 * replicas(h) = min(maxReplicas, max(minReplicas, ⌈demand(h) / capacityPerReplica⌉));
 * hours where the ceiling binds are counted in `hoursAboveMax`, not hidden.
 * Each window's cron `start` is ⌈startupSeconds / 60⌉ minutes before the window so that
 * replicas are serving when it begins; `end` is the window end. Only windows above
 * `minReplicas` become triggers; a window spanning the whole week is split in two
 * (KEDA rejects `start` equal to `end`).
 */
export class ScalingSchedule {
  /** A schedule from a per-hour-of-week demand profile. */
  public static fromDemand(props: ScalingScheduleProps): ScalingSchedule {
    return new ScalingSchedule(props, 'given demand profile');
  }

  /**
   * Forecasts the next 168 hours from `history` (see {@link DemandForecaster}) and
   * sizes each hour of the week for the forecast's upper bound.
   */
  public static fromHistory(options: ScalingScheduleFromHistoryOptions): ScalingSchedule {
    const level = options.intervalLevel ?? 0.95;
    const f = DemandForecaster.forecast(options.history, { horizonHours: HOURS_PER_WEEK, intervalLevel: level });
    const demand = new Array<number>(HOURS_PER_WEEK).fill(0);
    const n = options.history.length;
    for (let k = 0; k < HOURS_PER_WEEK; k++) demand[options.history.hourOfWeekAt(n + k)] = f.upper[k];
    return new ScalingSchedule({ ...options, demandByHourOfWeek: demand },
      `${level} upper bound of a 168-hour forecast (${f.methods.join(' + ')}) of ${options.history.id}`);
  }

  /** Replicas needed in each hour of the week (168 values). */
  public readonly replicasByHourOfWeek: number[];
  /** Demand provisioned for in each hour of the week, requests/s. */
  public readonly demandByHourOfWeek: number[];
  /** Contiguous windows of equal replica count, covering the whole week, in start order. */
  public readonly windows: ScalingWindow[];
  /** Minutes each cron window starts before its hour: ⌈startupSeconds / 60⌉. */
  public readonly leadMinutes: number;
  /** Hours of the week whose demand needs more than `maxReplicas` (capped; raise maxReplicas or capacity). */
  public readonly hoursAboveMax: number;
  /** Replica floor. */
  public readonly minReplicas: number;
  /** Replica ceiling. */
  public readonly maxReplicas: number;
  private readonly explanation: Explanation;

  private constructor(props: ScalingScheduleProps, demandSource: string) {
    const capacity = requirePositive('capacityPerReplica', props.capacityPerReplica);
    const min = props.minReplicas;
    const max = props.maxReplicas;
    if (!Number.isInteger(min) || min < 0) throw new PlanningError('minReplicas', String(min), 'must be a whole number ≥ 0');
    if (!Number.isInteger(max) || max < Math.max(1, min)) throw new PlanningError('maxReplicas', String(max), `must be a whole number ≥ max(1, minReplicas=${min})`);
    const startup = requireInRange('startupSeconds', props.startupSeconds, 0, 86_400);
    const demand = props.demandByHourOfWeek;
    if (!Array.isArray(demand) || demand.length !== HOURS_PER_WEEK) {
      throw new PlanningError('demandByHourOfWeek', `${demand?.length ?? 0} values`, 'give exactly 168 values, index 0 = Monday 00:00 UTC');
    }
    demand.forEach((d, i) => {
      if (!Number.isFinite(d) || d < 0) throw new PlanningError(`demandByHourOfWeek[${i}]`, String(d), 'must be a finite number ≥ 0 (requests/s)');
    });
    const ex = new Explanation();
    let above = 0;
    this.replicasByHourOfWeek = demand.map((d) => {
      const needed = Math.max(min, Math.ceil(d / capacity - 1e-9));
      if (needed > max) above++;
      return Math.min(max, needed);
    });
    this.demandByHourOfWeek = [...demand];
    this.minReplicas = min;
    this.maxReplicas = max;
    this.hoursAboveMax = above;
    this.leadMinutes = Math.ceil(startup / 60);
    this.windows = mergeWindows(this.replicasByHourOfWeek);
    ex.add('peak demand', Math.max(...demand), 'req/s', demandSource);
    ex.add('capacity per replica', capacity, 'req/s', 'from the inference plan (requests/s at the SLO)');
    ex.add('peak replicas', Math.max(...this.replicasByHourOfWeek), '', 'min(maxReplicas, max(minReplicas, ⌈demand / capacity⌉)) at the busiest hour');
    ex.add('replica-hours per week', this.replicasByHourOfWeek.reduce((a, b) => a + b, 0), 'replica-hours', 'Σ over 168 hours of the week');
    ex.add('hours above maxReplicas', above, 'hours', 'hours where ⌈demand / capacity⌉ > maxReplicas (served at maxReplicas)');
    ex.add('lead', this.leadMinutes, 'min', '⌈startupSeconds / 60⌉: each cron window starts this early');
    ex.add('windows', this.windows.length, '', 'runs of equal replica count, wrapping Sunday → Monday');
    this.explanation = ex;
  }

  /** KEDA cron trigger metadata, one per window above `minReplicas` (see class docs). */
  public cronTriggers(): KedaCronTriggerMetadata[] {
    const out: KedaCronTriggerMetadata[] = [];
    for (const w of this.windows) {
      if (w.replicas <= this.minReplicas) continue;
      const length = (w.endHourOfWeek - w.startHourOfWeek + HOURS_PER_WEEK) % HOURS_PER_WEEK || HOURS_PER_WEEK;
      const pieces = length === HOURS_PER_WEEK ? [[w.startHourOfWeek, w.startHourOfWeek + 84], [w.startHourOfWeek + 84, w.startHourOfWeek + 168]] : [[w.startHourOfWeek, w.startHourOfWeek + length]];
      for (const [s, e] of pieces) {
        out.push({
          timezone: 'Etc/UTC',
          start: ScalingSchedule.cronAtMinuteOfWeek(s * 60 - this.leadMinutes),
          end: ScalingSchedule.cronAtMinuteOfWeek(e * 60),
          desiredReplicas: String(w.replicas),
        });
      }
    }
    return out;
  }

  /** Cron "minute hour * * day-of-week" for a minute of the week (0 = Monday 00:00 UTC, wraps modulo 10080); cron day-of-week 0 = Sunday. */
  public static cronAtMinuteOfWeek(minuteOfWeek: number): string {
    if (!Number.isInteger(minuteOfWeek)) throw new PlanningError('minuteOfWeek', String(minuteOfWeek), 'must be a whole number of minutes');
    const m = ((minuteOfWeek % MINUTES_PER_WEEK) + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
    const day = Math.floor(m / 1440);
    const hour = Math.floor((m % 1440) / 60);
    return `${m % 60} ${hour} * * ${(day + 1) % 7}`;
  }

  /** How every number was derived. */
  public explain(): string {
    return this.explanation.render('Scaling schedule');
  }

  /** JSON form (windows, triggers, replicas per hour of week). */
  public toJson(): any {
    return {
      replicasByHourOfWeek: [...this.replicasByHourOfWeek], windows: this.windows.map((w) => ({ ...w })),
      cronTriggers: this.cronTriggers(), leadMinutes: this.leadMinutes, hoursAboveMax: this.hoursAboveMax,
    };
  }
}

/** Runs of equal replicas over the week; the run that crosses Sunday → Monday is one window. */
function mergeWindows(replicas: number[]): ScalingWindow[] {
  const runs: { start: number; end: number; replicas: number }[] = [];
  for (let h = 0; h < HOURS_PER_WEEK; h++) {
    const last = runs[runs.length - 1];
    if (last && last.replicas === replicas[h]) last.end = h + 1;
    else runs.push({ start: h, end: h + 1, replicas: replicas[h] });
  }
  if (runs.length > 1 && runs[0].replicas === runs[runs.length - 1].replicas) {
    const tail = runs.pop()!;
    runs[0] = { start: tail.start, end: runs[0].end, replicas: tail.replicas };
    runs.sort((a, b) => a.start - b.start);
  }
  return runs.map((r) => ({ startHourOfWeek: r.start, endHourOfWeek: r.end, replicas: r.replicas }));
}
