import { RequestMix, RequestMixOptions, RequestSize } from './request-mix';
import { PlanningError } from '../../errors';
import { requireRequestSize } from '../private/checks';

/** A logged request: when it arrived and its size. */
export interface LoggedRequest extends RequestSize {
  /** Arrival time in seconds on any clock (the log is shifted to start at 0). */
  readonly arrivalSeconds: number;
}

/** Shortest span of arrivals a log must cover: its rates are per second, and the busiest window shrinks to the span. */
export const MIN_LOG_SPAN_SECONDS = 1;

/** Window of the busiest rate a replica count cannot follow by autoscaling: new replicas take minutes to start. */
export const BUSIEST_WINDOW_SECONDS = 60;

/**
 * A request log with arrival times (e.g. a gateway log of the busiest hour). Real traffic is burstier than Poisson: in
 * the Azure LLM inference trace 2023 the code service's busiest 10 s carry 16× its mean rate, and sizing on a rate
 * alone leaves p95 TTFT 70–98% above the Poisson model (BENCHMARKS.md). Given as `traffic.requestLog`, the planner
 * replays the log itself through its scheduler simulation to size replicas.
 */
export class RequestLog {
  /**
   * A log from its requests, in any order (sorted by arrival, ties kept in the given order).
   * @param requests at least two requests spanning at least one second
   */
  public static of(requests: LoggedRequest[]): RequestLog {
    if (!Array.isArray(requests) || requests.length < 2) {
      throw new PlanningError('requestLog.requests', String(requests?.length ?? requests), 'needs at least two requests with arrival times');
    }
    requests.forEach((r, i) => {
      requireRequestSize(`requestLog.requests[${i}]`, r);
      if (typeof r.arrivalSeconds !== 'number' || !Number.isFinite(r.arrivalSeconds)) {
        throw new PlanningError(`requestLog.requests[${i}].arrivalSeconds`, String(r.arrivalSeconds), 'must be a finite number of seconds');
      }
    });
    const sorted = requests.map((r, i) => ({ r, i })).sort((a, b) => a.r.arrivalSeconds - b.r.arrivalSeconds || a.i - b.i).map(({ r }) => r);
    const start = sorted[0].arrivalSeconds;
    const span = sorted[sorted.length - 1].arrivalSeconds - start;
    if (!(span > 0)) throw new PlanningError('requestLog.requests', `${requests.length} requests at one instant`, 'needs arrivals spread over a positive time');
    if (span < MIN_LOG_SPAN_SECONDS) {
      throw new PlanningError('requestLog.requests', `${requests.length} requests over ${span.toPrecision(3)} s`,
        `needs arrivals spread over at least ${MIN_LOG_SPAN_SECONDS} s to give a rate per second (are the times in seconds?)`);
    }
    return new RequestLog(sorted.map((r) => ({ arrivalSeconds: r.arrivalSeconds - start, promptTokens: r.promptTokens, outputTokens: r.outputTokens })));
  }

  /** Requests in the log. */
  public readonly requestCount: number;
  /** Seconds from the first arrival to the last. */
  public readonly durationSeconds: number;
  /** Mean arrival rate, requests per second: (count − 1) / duration. */
  public readonly meanRequestsPerSecond: number;
  private readonly _requests: LoggedRequest[];

  private constructor(requests: LoggedRequest[]) {
    this._requests = requests;
    this.requestCount = requests.length;
    this.durationSeconds = requests[requests.length - 1].arrivalSeconds;
    this.meanRequestsPerSecond = (requests.length - 1) / this.durationSeconds;
  }

  /** The requests in arrival order, from 0 seconds (a copy). */
  public get requests(): LoggedRequest[] {
    return this._requests.map((r) => ({ ...r }));
  }

  /**
   * The highest rate over any window of the given length: most arrivals within `windowSeconds`, per second.
   * @param windowSeconds window length
   * @default 60
   */
  public busiestRequestsPerSecond(windowSeconds: number = BUSIEST_WINDOW_SECONDS): number {
    if (typeof windowSeconds !== 'number' || !Number.isFinite(windowSeconds) || windowSeconds <= 0) {
      throw new PlanningError('windowSeconds', String(windowSeconds), 'must be a finite number of seconds greater than zero');
    }
    const window = Math.min(windowSeconds, this.durationSeconds);
    let most = 0;
    for (let i = 0, j = 0; i < this._requests.length; i++) {
      while (this._requests[i].arrivalSeconds - this._requests[j].arrivalSeconds > window) j++;
      most = Math.max(most, i - j + 1);
    }
    return most / window;
  }

  /**
   * The log's request sizes as a mix ({@link RequestMix.fromSamples}).
   * @param options bin counts
   */
  public toMix(options: RequestMixOptions = {}): RequestMix {
    return RequestMix.fromSamples(this._requests, options);
  }
}
