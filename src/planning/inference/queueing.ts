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
 *   before it ends (Kleinrock §5.8). Its p95 is mean + 1.645 standard deviations, and no more than one iteration full
 *   of prompt tokens per output token (the budget bounds what an iteration carries).
 * - When request sizes vary (`ReplicaModel.mix`), the prompt queue is M/G/1 over the classes (Pollaczek–Khinchine
 *   mean, Cramér–Lundberg tail) and each class's decode window is timed on its own; p95s are those of the mixtures.
 * test/planning/inference/queueing.test.ts checks the M/D/1 percentiles against Lindley's recursion,
 * test/planning/inference/engine-simulation.test.ts the whole model against a simulation of the scheduler, and
 * test/planning/inference/mix-simulation.test.ts the mix against the simulation drawing requests from the same mix.
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
  if (!(rho < 1)) return Infinity;
  // x = θS solves ρ(eˣ − 1) = x, x > 0. The function is convex with its positive root above ln(1/ρ); Newton from
  // a point to the right of the root converges monotonically. Within rounding of ρ = 1 (1 − ρ ≈ 1e-16) Newton's
  // denominator vanishes; there the root is its heavy-traffic limit 2(1 − ρ)/ρ and C → 1 (Kingman 1961).
  let x = 2 * Math.log(1 / rho) + 1;
  for (let i = 0; i < 200; i++) {
    const step = (rho * Math.expm1(x) - x) / (rho * Math.exp(x) - 1);
    x -= step;
    if (Math.abs(step) <= 1e-14 * x) break;
  }
  if (!(x > 0 && Number.isFinite(x))) x = 2 * (1 - rho) / rho;
  const residue = (1 - rho) / (rho * Math.exp(x) - 1);
  const c = residue > 0 && Number.isFinite(residue) ? residue : 1;
  const asymptote = Math.max(0, Math.log(c / tail) / x) * service;
  if (!Number.isFinite(asymptote)) return Infinity;
  const lambda = rho / service;
  let hi = Math.max(asymptote * 1.5, service);
  if (lambda * hi > ERLANG_MAX_LAMBDA_T) return asymptote;
  // Grow the bracket only while the exact sum is evaluated (λt ≤ 10): the sum runs over k ≤ t/S, so an unbounded
  // bracket would never return (ρ = 1 − 1e-16 hung here, found by fast-check on a tiny model).
  while (lambda * hi <= ERLANG_MAX_LAMBDA_T && md1WaitCdf(hi, rho, service) < 1 - tail) hi *= 1.5;
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
  /**
   * Request sizes when they vary: each class a share of the requests. Without it every request has `promptTokens`,
   * `outputTokens` and `prefillSeconds` (the M/D/1 model); with it the prompt queue is M/G/1 over the classes.
   */
  readonly mix?: readonly RequestClass[];
}

/** One kind of request in a traffic mix. */
export interface RequestClass {
  /** Share of the requests (the shares sum to 1). */
  readonly weight: number;
  /** Prompt tokens of the class. */
  readonly promptTokens: number;
  /** Output tokens of the class. */
  readonly outputTokens: number;
  /** Seconds to prefill its prompt alone. */
  readonly prefillSeconds: number;
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

/** A class's prompt-queue terms with `decodes` sequences decoding. */
interface ClassQueue {
  readonly c: RequestClass;
  /** GPU seconds its prompt takes from the queue when prompts run back to back. */
  readonly service: number;
  /** Seconds of its own iterations once it is at the head. */
  readonly own: number;
  /** Budget tokens left in its last iteration for prompts behind it. */
  readonly leftover: number;
}

/** The prompt queue with `decodes` sequences decoding (the mean batch, or its p95; the step is timed at ≥ 1). */
interface PromptQueue {
  /** Iteration seconds while they decode (one step). */
  readonly step: number;
  readonly classes: ClassQueue[];
  /** First three moments of the service time over the mix. */
  readonly m1: number; readonly m2: number; readonly m3: number;
  /** Load of the prompt queue. */
  readonly rho: number;
}

function promptQueue(r: ReplicaModel, classes: readonly RequestClass[], rps: number, decodes: number): PromptQueue | undefined {
  const room = r.maxNumBatchedTokens - decodes;
  if (room < 1) return undefined;
  const step = r.stepSeconds(Math.max(1, decodes));
  const qs = classes.map((c) => {
    const n = prefillIterations(c.promptTokens, r.maxNumBatchedTokens, decodes);
    return { c, service: c.prefillSeconds + step * Math.min(n, c.promptTokens / room), own: c.prefillSeconds + n * step, leftover: n * room - c.promptTokens };
  });
  const moment = (k: number): number => qs.reduce((a, q) => a + q.c.weight * q.service ** k, 0);
  const m1 = moment(1);
  const rho = rps * m1;
  return rho >= 1 ? undefined : { step, classes: qs, m1, m2: moment(2), m3: moment(3), rho };
}

/** P(Z > z) for a standard normal Z, by erfc (Numerical Recipes, 2nd ed., §6.2 `erfcc`: |error| < 1.2·10⁻⁷). */
export function normalTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
    + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/** Smallest t ≥ 0 with tail(t) ≤ 5%, for a tail that falls with t (bisection to 1e-12 relative). */
function tailQuantile(tail: (t: number) => number, guess: number): number {
  let hi = Math.max(guess, 1e-9);
  for (let i = 0; i < 200 && tail(hi) > TAIL; i++) hi *= 2;
  let lo = 0;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (tail(mid) > TAIL) lo = mid; else hi = mid;
  }
  return hi;
}

/**
 * P(W > x) for the FCFS wait of an M/G/1 queue whose service takes `service[i]` with probability `weight[i]`: the
 * Cramér–Lundberg asymptote C·e^{−θx}, λ(E[e^{θS}] − 1) = θ, C = (1 − ρ) / (λ·E[S·e^{θS}] − 1) (the M/D/1 form of
 * {@link md1WaitQuantile} generalised), never above P(W > 0) = ρ.
 */
function mg1WaitTail(q: PromptQueue, rps: number): (x: number) => number {
  const mgf = (theta: number, k: number): number => q.classes.reduce((a, c) => a + c.c.weight * c.service ** k * Math.exp(theta * c.service), 0);
  const f = (theta: number): number => rps * (mgf(theta, 0) - 1) - theta;
  let hi = 1 / q.m1;
  for (let i = 0; i < 200 && f(hi) < 0; i++) hi *= 2;
  let lo = 0;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < 0) lo = mid; else hi = mid;
  }
  // Within rounding of saturation the residue is 0/0; its heavy-traffic limit is 1, as in md1WaitQuantile.
  const residue = (1 - q.rho) / (rps * mgf(hi, 1) - 1);
  const c = residue > 0 && Number.isFinite(residue) ? residue : 1;
  return (x) => (x < 0 ? 1 : Math.min(q.rho, c * Math.exp(-hi * x)));
}

/**
 * Latency percentiles of one replica receiving `rps` Poisson requests per second. Terms, with λ = rps, S a prompt's
 * prefill (over the classes of `mix` when given), ρ = λ·E[S], B the decode batch:
 * - prompt queue: FCFS with service S + step(B)·min(n, P/room), room = budget − B, n = ⌈P/room⌉ iterations;
 *   M/D/1 for one class (Erlang's distribution), M/G/1 over a mix (Pollaczek–Khinchine mean, Cramér–Lundberg tail);
 * - residual: an arrival waits for the iteration in progress, which lasts step(B)/(1 − ρ) while decodes run (it carries
 *   the prompts that arrived during the previous one): half of it on average when P(B > 0) = 1 − e^{−B̄}, all of it at p95;
 * - own: S + n·step(B); followers: prompts that arrived during the wait fill the leftover budget of the last
 *   iteration, min(n·room − P, λ·(wait + residual)·E[P]) tokens at E[S]/E[P] seconds each;
 * - decode window: O − 1 steps at batch 1 + B (the request and the Poisson others it sees), plus the backlog it leaves
 *   behind (N ≈ arrivals during its own sojourn T: mean λT, variance λT + λ²Var(W), Var(W) = λE[S³]/(3(1 − ρ)) + W̄²,
 *   Takács 1962) and every prompt that arrives before it ends: a delay busy period with mean (w + N̄·E[S])/(1 − ρ) and
 *   variance (w + N̄·E[S])·λE[S²]/(1 − ρ)³ + (Var(N)·E[S]² + N̄·Var(S))/(1 − ρ)² (Kleinrock 1975 §5.8), taken as
 *   normal. TPOT = window / (O − 1); over a mix, the p95 of the mixture of the classes' windows.
 * Mean values use the mean batch B̄ (solved with Little's law, B̄ = λ·(TTFT + E[O·TPOT])); p95 values the p95 batch.
 */
export function loadPoint(r: ReplicaModel, rps: number): LoadPoint {
  const classes = requestClasses(r);
  const ES = classes.reduce((a, c) => a + c.weight * c.prefillSeconds, 0);
  const ES2 = classes.reduce((a, c) => a + c.weight * c.prefillSeconds ** 2, 0);
  const EP = classes.reduce((a, c) => a + c.weight * c.promptTokens, 0);
  const perToken = ES / EP;
  const rho = rps * ES;
  if (rho >= 1) return UNSTABLE(rps);
  const single = classes.length === 1;
  const steps = (c: RequestClass): number => Math.max(1, c.outputTokens - 1);
  // Per output token of class c with `decodes` sequences decoding: the busy-period mean and sd, between one bare step
  // and one iteration full of prompt tokens (step + budget·E[S]/E[P], the budget less the decodes bounded by the whole
  // budget so the bound never falls as load rises), since no iteration carries more than the budget.
  const window = (c: RequestClass, decodes: number, backlog: number, backlogVariance: number): TokenTime => {
    const step = r.stepSeconds(decodes);
    const work = steps(c) * step + backlog * ES;
    return {
      mean: work / (1 - rho) / steps(c),
      sd: Math.sqrt(work * rps * ES2 / (1 - rho) ** 3 + (backlogVariance * ES * ES + backlog * (ES2 - ES * ES)) / (1 - rho) ** 2) / steps(c),
      floor: step,
      cap: step + r.maxNumBatchedTokens * perToken,
    };
  };
  const EO = classes.reduce((a, c) => a + c.weight * c.outputTokens, 0);
  let batch = Math.max(1, rps * (ES + EO * r.stepSeconds(1)));
  let mean: { q: PromptQueue; ttft: number; tpot: number; backlog: number; backlogVariance: number } | undefined;
  for (let i = 0; i < 80; i++) {
    const q = promptQueue(r, classes, rps, batch);
    if (!q) return UNSTABLE(rps);
    const wait = (rps * q.m2) / (2 * (1 - q.rho));
    const residual = (1 - Math.exp(-batch)) * q.step / (2 * (1 - rho));
    const followerTokens = rps * (wait + residual) * EP;
    const ttft = residual + wait + q.classes.reduce((a, k) => a + k.c.weight * (k.own + Math.min(k.leftover, followerTokens) * perToken), 0);
    const backlog = rps * (wait + q.m1);
    const waitVariance = rps * q.m3 / (3 * (1 - q.rho)) + wait * wait;
    const backlogVariance = backlog + rps * rps * waitVariance;
    const tpots = classes.map((c) => clippedMean(window(c, 1 + batch, backlog, backlogVariance)));
    const tpot = classes.reduce((a, c, k) => a + c.weight * tpots[k], 0);
    mean = { q, ttft, tpot, backlog, backlogVariance };
    const next = Math.max(1, rps * (ttft + classes.reduce((a, c, k) => a + c.weight * c.outputTokens * tpots[k], 0)));
    if (next > r.maxBatch * 4) return UNSTABLE(rps);
    const done = Math.abs(next - batch) < 1e-9 * batch;
    batch = next;
    if (done) break;
  }
  const decodes95 = poissonQuantile(batch, 1 - TAIL);
  const p95Batch = Math.max(1, decodes95);
  const q95 = promptQueue(r, classes, rps, decodes95);
  if (!mean || !q95 || p95Batch > r.maxBatch) return UNSTABLE(rps);
  const residual95 = 1 - Math.exp(-batch) > TAIL ? q95.step / (1 - rho) : 0;
  const fixedPart = (k: ClassQueue, wait: number): number => residual95 + k.own + Math.min(k.leftover, rps * (wait + residual95) * EP) * perToken;
  let ttftP95: number;
  if (single) {
    const wait95 = md1WaitQuantile(q95.rho, q95.m1);
    ttftP95 = wait95 + fixedPart(q95.classes[0], wait95);
  } else {
    // TTFT_k(w) = w + fixedPart(k, w) rises with the wait w, so P(TTFT_k > t) = P(W > w_k(t)) where TTFT_k(w_k) = t:
    // with followers ρ(w + residual) below their cap, w = (t − residual − own − ρ·residual)/(1 + ρ); else t − fixed at the cap.
    const waitTail = mg1WaitTail(q95, rps);
    const waitAt = (k: ClassQueue, t: number): number => {
      const d = t - residual95 - k.own;
      const free = (d - rho * residual95) / (1 + rho);
      return rho * (free + residual95) <= k.leftover * perToken ? free : d - k.leftover * perToken;
    };
    ttftP95 = tailQuantile((t) => q95.classes.reduce((a, k) => a + k.c.weight * waitTail(waitAt(k, t)), 0), mean.ttft);
  }
  // A prompt queue within rounding of saturation has no finite p95 wait: that load is past capacity.
  if (!Number.isFinite(ttftP95)) return UNSTABLE(rps);
  const decoding = classes.filter((c) => c.outputTokens >= 2);
  const timed = decoding.length > 0 ? decoding : classes;
  const windows = timed.map((c) => ({ c, ...window(c, 1 + decodes95, mean!.backlog, mean!.backlogVariance) }));
  const share = timed.reduce((a, c) => a + c.weight, 0);
  const tpotP95 = single ? Math.min(windows[0].cap, windows[0].mean + Z95 * windows[0].sd)
    : tailQuantile((t) => windows.reduce((a, w) => a + w.c.weight * (t >= w.cap ? 0 : normalTail((t - w.mean) / w.sd)), 0) / share, mean.tpot);
  return {
    requestsPerSecond: rps, stable: true, meanConcurrency: batch, p95Concurrency: p95Batch, prefillUtilization: mean.q.rho,
    ttftMeanSeconds: mean.ttft, ttftP95Seconds: ttftP95, tpotMeanSeconds: mean.tpot, tpotP95Seconds: tpotP95,
  };
}

/** Seconds per output token: a normal busy-period estimate, never below `floor` (one decode step) nor above `cap`. */
interface TokenTime { readonly mean: number; readonly sd: number; readonly floor: number; readonly cap: number }

/**
 * E[clip(X, floor, cap)] for X normal (mean μ, sd σ): per-token time lies between one bare decode step and an iteration
 * full of prompt tokens, so the normal's tails outside are folded onto the bounds. With E[(X − a)⁺] = σφ(d) + (μ − a)Φ(d),
 * d = (μ − a)/σ, and E[(a − X)⁺] its mirror: floor + E[(X − floor)⁺] − E[(X − cap)⁺] when μ ≤ cap, else
 * cap − E[(cap − X)⁺] + E[(floor − X)⁺], whichever keeps the subtracted term small.
 */
function clippedMean(x: TokenTime): number {
  if (x.sd <= 0) return Math.min(x.cap, Math.max(x.floor, x.mean));
  const above = (a: number): number => positivePart(x.mean - a, x.sd);
  const below = (a: number): number => positivePart(a - x.mean, x.sd);
  return x.mean <= x.cap ? x.floor + above(x.floor) - above(x.cap) : x.cap - below(x.cap) + below(x.floor);
}

/** E[(Y)⁺] for Y normal with mean `m` and sd `sd`: sd·φ(m/sd) + m·Φ(m/sd). */
function positivePart(m: number, sd: number): number {
  const d = m / sd;
  return sd * Math.exp(-d * d / 2) / Math.sqrt(2 * Math.PI) + m * normalTail(-d);
}

/** The replica's request classes: its mix, or one class of its prompt and output. */
function requestClasses(r: ReplicaModel): readonly RequestClass[] {
  return r.mix && r.mix.length > 0 ? r.mix
    : [{ weight: 1, promptTokens: r.promptTokens, outputTokens: r.outputTokens, prefillSeconds: r.prefillSeconds }];
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
  let hi = 1 / requestClasses(r).reduce((a, c) => a + c.weight * c.prefillSeconds, 0);
  let lo = 0;
  if (!meets(loadPoint(r, hi * 1e-6), ttftP95, tpotP95)) return 0;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (meets(loadPoint(r, mid), ttftP95, tpotP95)) lo = mid; else hi = mid;
  }
  return lo;
}
