/**
 * Latency of one continuous-batching replica under Poisson load, and its capacity at an SLO.
 *
 * Model (stated once; constants and sources inline):
 * - Prefill work is a single FCFS server with deterministic service time S (one prompt's prefill, plus the decode
 *   batch that rides along in each chunked-prefill step): an M/D/1 queue. Mean wait by Pollaczek–Khinchine
 *   (Kleinrock, Queueing Systems Vol. 1, 1975, §5.7): Wq = ρ·S / (2(1−ρ)). p95 wait from the M/D/1 waiting-time
 *   distribution ({@link md1WaitQuantile}).
 * - Decoding requests are admitted at once (continuous batching, Yu et al. 2022 "Orca"), so the number decoding is the
 *   occupancy of an M/G/∞ system: Poisson with mean B̄ = λ·T (Little's law, T = time in the system); its p95 is the
 *   Poisson quantile ({@link poissonQuantile}).
 * - Prefill steals GPU time from decode: TPOT = step(B) / (1 − λ·S_prefill) (time-sharing of one GPU).
 * test/planning/inference/queueing.test.ts checks both percentiles against a simulation (Lindley's recursion).
 */

/**
 * P(W ≤ t) for the FCFS waiting time of an M/D/1 queue with load ρ and service time S, by Erlang's formula
 * (Erlang 1909; Franx 2001, "A simple solution for the M/D/c waiting time distribution", Oper. Res. Lett. 29):
 * (1 − ρ) Σ_{k=0}^{⌊t/S⌋} (λ(kS − t))^k / k! · e^{−λ(kS − t)}, λ = ρ/S. The terms alternate in sign and grow like
 * e^{2λt}, so it is used only where λt ≤ {@link ERLANG_MAX_LAMBDA_T} (cancellation below 1e-7).
 */
export function md1WaitCdf(t: number, rho: number, service: number): number {
  if (t < 0) return 0;
  const lambda = rho / service;
  let sum = 0;
  for (let k = 0; k * service <= t; k++) {
    const x = lambda * (k * service - t);
    let term = Math.exp(-x);
    for (let j = 1; j <= k; j++) term *= x / j;
    sum += term;
  }
  return Math.min(1, Math.max(0, (1 - rho) * sum));
}

/** Largest λt at which Erlang's alternating sum is evaluated (its terms stay below e^{20} ≈ 5·10⁸). */
export const ERLANG_MAX_LAMBDA_T = 10;

/**
 * The `1 − tail` quantile of the FCFS waiting time of an M/D/1 queue with load ρ and service time `service`.
 * P(W > 0) = ρ. The tail is P(W > t) ≈ C·e^{−θt}, the Cramér–Lundberg asymptote of the M/G/1 waiting time: its
 * Laplace transform (1−ρ)s / (s − λ + λ·e^{−sS}) has its pole nearest zero at s = −θ, where λ(e^{θS} − 1) = θ, and
 * the residue gives C = (1 − ρ) / (ρ·e^{θS} − 1). Where λt ≤ 10 at that quantile the exact distribution
 * ({@link md1WaitCdf}) refines it by bisection; beyond, the asymptote is already within about 1% (heavy traffic).
 * Kingman's heavy-traffic form θ = 2(1−ρ)/S (1961) is the limit as ρ → 1, but it is 28% optimistic at ρ = 0.1 and
 * 12% pessimistic at ρ = 0.5 (simulated in test/planning/inference/queueing.test.ts).
 */
export function md1WaitQuantile(rho: number, service: number, tail = TAIL): number {
  if (rho <= tail) return 0;
  // x = θS solves ρ(eˣ − 1) = x, x > 0. The function is convex with its positive root above ln(1/ρ); Newton from
  // a point to the right of the root converges monotonically.
  let x = 2 * Math.log(1 / rho) + 1;
  for (let i = 0; i < 200; i++) {
    const step = (rho * Math.expm1(x) - x) / (rho * Math.exp(x) - 1);
    x -= step;
    if (Math.abs(step) <= 1e-14 * x) break;
  }
  const c = (1 - rho) / (rho * Math.exp(x) - 1);
  const asymptote = Math.max(0, Math.log(c / tail) / x) * service;
  const lambda = rho / service;
  let hi = Math.max(asymptote * 1.5, service);
  if (lambda * hi > ERLANG_MAX_LAMBDA_T) return asymptote;
  while (md1WaitCdf(hi, rho, service) < 1 - tail) hi *= 1.5;
  if (lambda * hi > ERLANG_MAX_LAMBDA_T) return asymptote;
  let lo = 0;
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (md1WaitCdf(mid, rho, service) >= 1 - tail) hi = mid; else lo = mid;
  }
  return hi;
}

/** The smallest k with P(N ≤ k) ≥ p for a Poisson N of the given mean (summed in log space, so large means are exact too). */
export function poissonQuantile(mean: number, p: number): number {
  if (mean <= 0) return 0;
  let logPmf = -mean; let cdf = 0;
  for (let k = 0; ; k++) {
    if (k > 0) logPmf += Math.log(mean / k);
    cdf += Math.exp(logPmf);
    if (cdf >= p || k > mean + 40 * Math.sqrt(mean) + 40) return k;
  }
}

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
    const wait95 = md1WaitQuantile(queueRho, service);
    ttftMean = service + wq;
    ttftP95 = service + wait95;
    tpotMean = r.stepSeconds(Math.max(1, batch)) / (1 - computeShare);
    const next = Math.max(1, rps * (ttftMean + r.outputTokens * tpotMean));
    if (next > r.maxBatch * 4) return UNSTABLE(rps);
    if (Math.abs(next - batch) < 1e-6 * batch) { batch = next; break; }
    batch = next;
  }
  const p95Batch = Math.max(1, poissonQuantile(batch, 1 - TAIL));
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
