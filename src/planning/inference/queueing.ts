/**
 * Latency of one continuous-batching replica under Poisson load, and its capacity at an SLO.
 *
 * The engine (vLLM's V1 scheduler, vllm/v1/core/sched/scheduler.py `schedule()`) runs iterations: each gives every
 * running decode one token of the `max_num_batched_tokens` budget and the rest to waiting prompts in arrival order
 * (chunked prefill). An iteration takes one decode step plus the prefill time of the prompt tokens it carries.
 * The model (stated once; sources inline, each term in {@link loadPoint}):
 * - Prompts queue FCFS for the prefill share of the GPU: an M/D/1 queue whose service is a prompt's prefill plus its
 *   share of the iterations it rides in. Mean wait by Pollaczek–Khinchine (Kleinrock, Queueing Systems Vol. 1, 1975,
 *   §5.7); p95 from the M/D/1 waiting-time distribution ({@link md1WaitQuantile}). TTFT adds the rest of the iteration
 *   in progress at arrival, the prompt's own iterations, and the prompts that arrived behind it and fill its last one.
 * - Decoding requests are admitted at once (continuous batching, Yu et al. 2022 "Orca"), so the number decoding is the
 *   occupancy of an M/G/∞ system: Poisson with mean B̄ = λ·T (Little's law); its p95 is the Poisson quantile
 *   ({@link poissonQuantile}).
 * - A request's decode window is a delay busy period: its output steps, stretched by every prompt that is prefilled
 *   before it ends (Kleinrock §5.8). Its p95 is mean + 1.645 standard deviations.
 * test/planning/inference/queueing.test.ts checks the M/D/1 percentiles against Lindley's recursion, and
 * test/planning/inference/engine-simulation.test.ts the whole model against a simulation of the scheduler.
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

/** The standard normal's 95th percentile. */
const Z95 = 1.6448536269514722;

/** Pollaczek–Khinchine mean FCFS wait of an M/D/1 queue (Kleinrock 1975 §5.7): ρ·S / (2(1 − ρ)). */
export function md1MeanWait(rho: number, service: number): number {
  return (rho * service) / (2 * (1 - rho));
}

/**
 * Iterations one prompt of `promptTokens` spans when it starts an iteration in which `decodes` running sequences
 * take one token each of the `maxNumBatchedTokens` budget (vLLM V1 schedules running requests first). 0 when the
 * decodes leave no room, i.e. the prompt would never be scheduled.
 */
export function prefillIterations(promptTokens: number, maxNumBatchedTokens: number, decodes: number): number {
  const room = maxNumBatchedTokens - decodes;
  return room < 1 ? 0 : Math.ceil(promptTokens / room);
}

/** Functions and limits that describe one replica. */
export interface ReplicaModel {
  /** Seconds to prefill one prompt alone. */
  readonly prefillSeconds: number;
  /** Tokens per prompt. */
  readonly promptTokens: number;
  /** The engine's token budget per iteration (vLLM max_num_batched_tokens). */
  readonly maxNumBatchedTokens: number;
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

/** TTFT and prompt-queue terms with `decodes` sequences decoding (the mean batch, or its p95; the step is timed at ≥ 1). */
interface PromptQueue {
  /** Iteration seconds while they decode (one step). */
  readonly step: number;
  /** GPU seconds each prompt takes from the queue when prompts run back to back. */
  readonly service: number;
  /** Load of the prompt queue. */
  readonly rho: number;
  /** Seconds of the prompt's own iterations once it is at the head. */
  readonly own: number;
  /** Budget tokens left in the prompt's last iteration for prompts behind it. */
  readonly leftover: number;
}

function promptQueue(r: ReplicaModel, rps: number, decodes: number): PromptQueue | undefined {
  const room = r.maxNumBatchedTokens - decodes;
  const n = prefillIterations(r.promptTokens, r.maxNumBatchedTokens, decodes);
  if (n === 0) return undefined;
  const step = r.stepSeconds(Math.max(1, decodes));
  const service = r.prefillSeconds + step * Math.min(n, r.promptTokens / room);
  const rho = rps * service;
  if (rho >= 1) return undefined;
  return { step, service, rho, own: r.prefillSeconds + n * step, leftover: n * room - r.promptTokens };
}

/**
 * Latency percentiles of one replica receiving `rps` Poisson requests per second. Terms, with λ = rps, S = one
 * prompt's prefill, ρ = λS, B the decode batch:
 * - prompt queue: M/D/1 with service S + step(B)·min(n, P/room), room = budget − B, n = ⌈P/room⌉ iterations;
 * - residual: an arrival waits for the iteration in progress, which lasts step(B)/(1 − ρ) while decodes run (it carries
 *   the prompts that arrived during the previous one): half of it on average when P(B > 0) = 1 − e^{−B̄}, all of it at p95;
 * - own: S + n·step(B); followers: prompts that arrived during the wait fill the leftover budget of the last
 *   iteration, min(n·room − P, λ·(wait + residual)·P) tokens at S/P seconds each;
 * - decode window: O − 1 steps at batch 1 + B (the request and the Poisson others it sees), plus the backlog it leaves
 *   behind (N ≈ arrivals during its own sojourn T: mean λT, variance λT + λ²Var(W), Var(W) = λS³/(3(1 − ρ)) + W̄²,
 *   Takács 1962) and every prompt that arrives before it ends: a delay busy period with mean (w + N̄S)/(1 − ρ) and
 *   variance (w + N̄S)·λS²/(1 − ρ)³ + Var(N)·S²/(1 − ρ)² (Kleinrock 1975 §5.8). TPOT = window / (O − 1).
 * Mean values use the mean batch B̄ (solved with Little's law, B̄ = λ·(TTFT + O·TPOT)); p95 values the p95 batch.
 */
export function loadPoint(r: ReplicaModel, rps: number): LoadPoint {
  const S = r.prefillSeconds;
  const rho = rps * S;
  if (rho >= 1) return UNSTABLE(rps);
  const steps = Math.max(1, r.outputTokens - 1);
  const perToken = S / r.promptTokens;
  const window = (work: number, backlog: number, backlogVariance: number): { mean: number; sd: number } => ({
    mean: (work + backlog * S) / (1 - rho),
    sd: Math.sqrt((work + backlog * S) * rps * S * S / (1 - rho) ** 3 + backlogVariance * S * S / (1 - rho) ** 2),
  });
  let batch = Math.max(1, rps * (S + r.outputTokens * r.stepSeconds(1)));
  let mean: { q: PromptQueue; wait: number; ttft: number; tpot: number; backlog: number; backlogVariance: number } | undefined;
  for (let i = 0; i < 80; i++) {
    const q = promptQueue(r, rps, batch);
    if (!q) return UNSTABLE(rps);
    const wait = md1MeanWait(q.rho, q.service);
    const residual = (1 - Math.exp(-batch)) * q.step / (2 * (1 - rho));
    const followers = Math.min(q.leftover, rps * (wait + residual) * r.promptTokens) * perToken;
    const ttft = residual + wait + q.own + followers;
    const sojourn = wait + q.service;
    const backlog = rps * sojourn;
    const waitVariance = rps * q.service ** 3 / (3 * (1 - q.rho)) + wait * wait;
    const backlogVariance = backlog + rps * rps * waitVariance;
    const tpot = window(steps * r.stepSeconds(1 + batch), backlog, backlogVariance).mean / steps;
    mean = { q, wait, ttft, tpot, backlog, backlogVariance };
    const next = Math.max(1, rps * (ttft + r.outputTokens * tpot));
    if (next > r.maxBatch * 4) return UNSTABLE(rps);
    const done = Math.abs(next - batch) < 1e-9 * batch;
    batch = next;
    if (done) break;
  }
  const decodes95 = poissonQuantile(batch, 1 - TAIL);
  const p95Batch = Math.max(1, decodes95);
  const q95 = promptQueue(r, rps, decodes95);
  if (!mean || !q95 || p95Batch > r.maxBatch) return UNSTABLE(rps);
  const wait95 = md1WaitQuantile(q95.rho, q95.service);
  const residual95 = 1 - Math.exp(-batch) > TAIL ? q95.step / (1 - rho) : 0;
  const followers95 = Math.min(q95.leftover, rps * (wait95 + residual95) * r.promptTokens) * perToken;
  const w95 = window(steps * r.stepSeconds(1 + decodes95), mean.backlog, mean.backlogVariance);
  return {
    requestsPerSecond: rps, stable: true, meanConcurrency: batch, p95Concurrency: p95Batch, prefillUtilization: mean.q.rho,
    ttftMeanSeconds: mean.ttft, ttftP95Seconds: residual95 + wait95 + q95.own + followers95,
    tpotMeanSeconds: mean.tpot, tpotP95Seconds: (w95.mean + Z95 * w95.sd) / steps,
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
