import { percentile, RequestShape, serveRequests } from './engine-simulation';
import { RequestLog } from './request-log';
import { PlanningError } from '../../errors';

/** One replica's engine for a replay: the planner's step and prefill functions and the engine limits. */
export interface ReplayEngine {
  /** Decode step seconds at a batch size. */
  readonly stepSeconds: (batch: number) => number;
  /** Seconds to prefill a prompt of this many tokens alone. */
  readonly prefillSeconds: (promptTokens: number) => number;
  /** Token budget per iteration (vLLM max_num_batched_tokens). */
  readonly maxNumBatchedTokens: number;
  /** Most sequences held at once (vLLM max_num_seqs, or fewer when the KV cache holds fewer). */
  readonly maxNumSeqs: number;
}

/** p95 latencies of a log replayed over some replicas. */
export interface ReplayResult {
  /** Replicas the log was spread over. */
  readonly replicas: number;
  /** p95 time to first token over every request, seconds. */
  readonly ttftP95Seconds: number;
  /** p95 time per output token over requests of two or more tokens, seconds (0 when there are none). */
  readonly tpotP95Seconds: number;
}

/** Most replicas a replay search tries before giving up. */
export const MAX_REPLAY_REPLICAS = 4096;

/**
 * Replays a log over `replicas` replicas, request k to replica k mod n (per-request round-robin, as an L7 gateway
 * spreads requests; kube-proxy spreads connections at random, which balances worse, and a load-aware router better),
 * each through the scheduler simulation, and returns the p95 TTFT and TPOT over all requests (TPOT over requests of
 * two or more tokens).
 */
export function replayLog(log: RequestLog, engine: ReplayEngine, replicas: number): ReplayResult {
  const requests = log.requests;
  const shapes = new Map<number, number>();
  const shape = (promptTokens: number, outputTokens: number): RequestShape => {
    if (!shapes.has(promptTokens)) shapes.set(promptTokens, engine.prefillSeconds(promptTokens));
    return { promptTokens, outputTokens, prefillSeconds: shapes.get(promptTokens)! };
  };
  const ttft: number[] = []; const tpot: number[] = [];
  const e = { ...engine, prefillSeconds: 0, promptTokens: 1, outputTokens: 1 };
  const byReplica: Array<typeof requests> = Array.from({ length: Math.min(replicas, requests.length) }, () => []);
  requests.forEach((r, k) => byReplica[k % replicas].push(r));
  for (const mine of byReplica) {
    let next = 0;
    const run = serveRequests(e, (k) => mine[k].arrivalSeconds, () => {
      const r = mine[next++];
      return shape(r.promptTokens, r.outputTokens);
    }, mine.length);
    ttft.push(...run.ttft); tpot.push(...run.tpot);
  }
  return { replicas, ttftP95Seconds: percentile(ttft, 0.95), tpotP95Seconds: tpot.length > 0 ? percentile(tpot, 0.95) : 0 };
}

/**
 * The fewest replicas (at least `atLeast`) over which the replayed log meets both p95 targets: doubling from
 * `atLeast` until it meets, then bisection (p95s fall as replicas are added, up to the noise of a finite log).
 */
export function replicasForLog(log: RequestLog, engine: ReplayEngine, ttftP95Seconds: number, tpotP95Seconds: number, atLeast = 1): ReplayResult {
  const meets = (r: ReplayResult): boolean => r.ttftP95Seconds <= ttftP95Seconds && r.tpotP95Seconds <= tpotP95Seconds;
  let hi = replayLog(log, engine, Math.max(1, atLeast));
  if (meets(hi)) return hi;
  let lo = hi.replicas;
  while (!meets(hi)) {
    if (hi.replicas >= MAX_REPLAY_REPLICAS || hi.replicas >= log.requestCount) {
      throw new PlanningError('traffic.requestLog', `${log.requestCount} requests`,
        `replayed over ${hi.replicas} replicas the p95 TTFT is ${(hi.ttftP95Seconds * 1e3).toFixed(0)} ms and p95 TPOT ${(hi.tpotP95Seconds * 1e3).toFixed(1)} ms, still above the SLO; loosen the SLO or use a faster layout`);
    }
    lo = hi.replicas;
    hi = replayLog(log, engine, Math.min(MAX_REPLAY_REPLICAS, hi.replicas * 2));
  }
  while (hi.replicas - lo > 1) {
    const mid = replayLog(log, engine, Math.floor((lo + hi.replicas) / 2));
    if (meets(mid)) hi = mid; else lo = mid.replicas;
  }
  return hi;
}
