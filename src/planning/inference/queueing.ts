/**
 * Latency of one continuous-batching replica under Poisson load, and its capacity at an SLO.
 *
 * Model (stated once; constants and sources inline):
 * - Prefill work is a single FCFS server with deterministic service time S (one prompt's prefill, plus the decode
 *   batch that rides along in each chunked-prefill step): an M/D/1 queue. Mean wait by Pollaczek–Khinchine
 *   (Kleinrock, Queueing Systems Vol. 1, 1975, §5.7): Wq = ρ·S / (2(1−ρ)). Tail by the heavy-traffic exponential
 *   approximation (Kingman 1961): P(W > t) ≈ ρ·exp(−ρ t / Wq), so p95 = (Wq/ρ)·ln(ρ/0.05) when ρ > 0.05.
 * - Decoding requests are admitted at once (continuous batching, Yu et al. 2022 "Orca"), so the number decoding is the
 *   occupancy of an M/G/∞ system: Poisson with mean B̄ = λ·T (Little's law, T = time in the system); its p95 is
 *   taken as B̄ + 1.645·√B̄ (normal approximation).
 * - Prefill steals GPU time from decode: TPOT = step(B) / (1 − λ·S_prefill) (time-sharing of one GPU).
 */

/** p95 of a standard normal. */
export const Z95 = 1.645;

/** Tail probability for p95. */
const TAIL = 0.05;

/** Functions and limits that describe one replica. */
export interface ReplicaModel {
  /** Seconds to prefill one prompt alone. */
  readonly prefillSeconds: number;
  /** Chunked-prefill steps one prompt takes. */
  readonly prefillChunks: number;
  /** Decode step seconds at a batch size (context fixed by the caller). */
  readonly stepSeconds: (batch: number) => number;
  /** Output tokens per request. */
  readonly outputTokens: number;
  /** Most sequences the replica can hold at once (KV cache and engine max_num_seqs). */
  readonly maxBatch: number;
}

/** Latency of a replica at an arrival rate. */
export interface LoadPoint {
  readonly requestsPerSecond: number;
  /** False when the replica cannot keep up (prefill saturated or more sequences than fit). */
  readonly stable: boolean;
  readonly meanConcurrency: number;
  readonly p95Concurrency: number;
  readonly prefillUtilization: number;
  readonly ttftMeanSeconds: number;
  readonly ttftP95Seconds: number;
  readonly tpotMeanSeconds: number;
  readonly tpotP95Seconds: number;
}

const UNSTABLE = (rps: number): LoadPoint => ({
  requestsPerSecond: rps, stable: false, meanConcurrency: 0, p95Concurrency: 0, prefillUtilization: 1,
  ttftMeanSeconds: 0, ttftP95Seconds: 0, tpotMeanSeconds: 0, tpotP95Seconds: 0,
});

/** Latency percentiles of one replica receiving `rps` Poisson requests per second. */
export function loadPoint(r: ReplicaModel, rps: number): LoadPoint {
  const computeShare = rps * r.prefillSeconds;
  if (computeShare >= 1) return UNSTABLE(rps);
  let batch = Math.max(1, rps * (r.prefillSeconds + r.outputTokens * r.stepSeconds(1)));
  let ttftMean = 0; let ttftP95 = 0; let tpotMean = 0; let queueRho = 0;
  for (let i = 0; i < 60; i++) {
    const service = r.prefillSeconds + r.prefillChunks * r.stepSeconds(Math.max(1, batch));
    queueRho = rps * service;
    if (queueRho >= 1) return UNSTABLE(rps);
    const wq = (queueRho * service) / (2 * (1 - queueRho));
    const wait95 = queueRho > TAIL ? (wq / queueRho) * Math.log(queueRho / TAIL) : 0;
    ttftMean = service + wq;
    ttftP95 = service + wait95;
    tpotMean = r.stepSeconds(Math.max(1, batch)) / (1 - computeShare);
    const next = Math.max(1, rps * (ttftMean + r.outputTokens * tpotMean));
    if (next > r.maxBatch * 4) return UNSTABLE(rps);
    if (Math.abs(next - batch) < 1e-6 * batch) { batch = next; break; }
    batch = next;
  }
  const p95Batch = Math.ceil(batch + Z95 * Math.sqrt(batch));
  if (p95Batch > r.maxBatch) return UNSTABLE(rps);
  return {
    requestsPerSecond: rps, stable: true, meanConcurrency: batch, p95Concurrency: p95Batch, prefillUtilization: queueRho,
    ttftMeanSeconds: ttftMean, ttftP95Seconds: ttftP95, tpotMeanSeconds: tpotMean,
    tpotP95Seconds: r.stepSeconds(p95Batch) / (1 - computeShare),
  };
}

/** True when the load point is stable and meets both p95 targets. */
function meets(p: LoadPoint, ttftP95: number, tpotP95: number): boolean {
  return p.stable && p.ttftP95Seconds <= ttftP95 && p.tpotP95Seconds <= tpotP95;
}

/**
 * Highest Poisson arrival rate one replica sustains with p95 TTFT and p95 TPOT within the SLO (bisection; the
 * latencies rise monotonically with load in this model). 0 when even a trickle of load misses the SLO.
 */
export function capacityAtSlo(r: ReplicaModel, ttftP95: number, tpotP95: number): number {
  let hi = 1 / r.prefillSeconds;
  let lo = 0;
  if (!meets(loadPoint(r, hi * 1e-6), ttftP95, tpotP95)) return 0;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (meets(loadPoint(r, mid), ttftP95, tpotP95)) lo = mid; else hi = mid;
  }
  return lo;
}
