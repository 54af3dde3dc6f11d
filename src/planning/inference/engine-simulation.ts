/**
 * A discrete-event simulation of one continuous-batching engine replica. The planner replays request logs through it
 * (trace-driven sizing, as Vidur, Agrawal et al., MLSys 2024, sizes LLM deployments), and the tests check the analytic
 * queueing model (queueing.ts) against it.
 *
 * It follows vLLM's V1 scheduler (vllm/v1/core/sched/scheduler.py, `schedule()`): every iteration first gives each
 * running decode one token of the `max_num_batched_tokens` budget, then hands what is left to waiting prompts in
 * arrival order (chunked prefill: a prompt that does not fit continues in the next iteration), never holding more than
 * `max_num_seqs` sequences. An iteration takes one decode step at its decode batch plus the prefill time of the prompt
 * tokens it carries, on the same step and prefill functions as the planner. A prompt's first token comes out at the
 * end of the iteration that finishes its prefill; each later iteration adds one token. TTFT and TPOT are per request,
 * as `vllm bench serve` reports them (TPOT = (last token − first token) / (output tokens − 1)).
 */

/** What one simulated replica serves, and how fast. */
export interface EngineUnderTest {
  /** Seconds to prefill one whole prompt alone. */
  readonly prefillSeconds: number;
  /** Decode step seconds at a batch size. */
  readonly stepSeconds: (batch: number) => number;
  /** Prompt tokens of every request (when `sample` is not given). */
  readonly promptTokens: number;
  /** Output tokens of every request (when `sample` is not given). */
  readonly outputTokens: number;
  /** Token budget per iteration (vLLM max_num_batched_tokens). */
  readonly maxNumBatchedTokens: number;
  /** Most sequences held at once (vLLM max_num_seqs). */
  readonly maxNumSeqs: number;
  /**
   * Draws each request's size (e.g. from a trace) from a uniform(0, 1) stream.
   * @default - every request has `promptTokens`, `outputTokens` and `prefillSeconds`
   */
  readonly sample?: (uniform: () => number) => RequestShape;
  /**
   * Arrival times in seconds, ascending (e.g. a trace's timestamps rescaled to a rate), replayed in a loop (each pass
   * shifted by the span plus one mean gap) instead of Poisson arrivals; `rps` is then unused.
   * @default - Poisson arrivals at `rps`
   */
  readonly arrivals?: readonly number[];
}

/** One request's size and the seconds its whole prompt takes to prefill alone. */
export interface RequestShape {
  /** Prompt tokens. */
  readonly promptTokens: number;
  /** Output tokens (the first comes with the prompt's last prefill iteration). */
  readonly outputTokens: number;
  /** Seconds to prefill the whole prompt alone. */
  readonly prefillSeconds: number;
}

/** Percentiles of a simulated run. */
export interface SimulatedLatency {
  /** p95 and mean time to first token, seconds. */
  readonly ttftP95: number;
  readonly ttftMean: number;
  /** p95 and mean time per output token, seconds. */
  readonly tpotP95: number;
  readonly tpotMean: number;
  /** Mean requests in the system over the measured window. */
  readonly meanConcurrency: number;
}

/** Per-request latencies of a simulated run (TPOT only for requests of two or more tokens), in completion order. */
export interface SimulatedRequests {
  readonly ttft: number[];
  readonly tpot: number[];
  /** Mean requests in the system over the measured window. */
  readonly meanConcurrency: number;
}

/** Deterministic uniform(0, 1) stream (LCG, Numerical Recipes constants), so simulated figures are reproducible. */
export function uniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
}

interface Waiting { readonly arrival: number; readonly shape: RequestShape; left: number }
interface Decoding { readonly arrival: number; readonly firstToken: number; readonly outputTokens: number; left: number }

/** The `p` quantile of a sample (the value at index ⌊p·n⌋ of the sorted copy). */
export function percentile(xs: readonly number[], p: number): number {
  return [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
}
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Serves `requests` arrivals after `warmup` more and returns the latency of each measured request. Arrivals come from
 * `arrivalAt(k)` (seconds, non-decreasing) and sizes from `draw()`; a request's prompt tokens cost its own prefill
 * seconds pro rata.
 */
export function serveRequests(e: Omit<EngineUnderTest, 'sample' | 'arrivals'>, arrivalAt: (k: number) => number, draw: () => RequestShape,
  requests: number, warmup = 0): SimulatedRequests {
  const total = requests + warmup;
  let nextArrival = arrivalAt(0);
  let arrived = 0;
  let t = 0;
  let inSystemTime = 0; // ∫ (requests in the system) dt over the measured window
  let windowStart = warmup === 0 ? 0 : NaN;
  const waiting: Waiting[] = [];
  let running: Decoding[] = [];
  const ttft: number[] = []; const tpot: number[] = [];
  let completed = 0;
  while (completed < total) {
    while (arrived < total && nextArrival <= t) {
      const shape = draw();
      waiting.push({ arrival: nextArrival, shape, left: shape.promptTokens });
      arrived++;
      if (arrived < total) nextArrival = arrivalAt(arrived);
    }
    if (running.length === 0 && waiting.length === 0) { t = nextArrival; continue; }
    let budget = e.maxNumBatchedTokens - running.length;
    let seqs = running.length;
    let prefillSeconds = 0;
    let finished = 0;
    for (const w of waiting) {
      if (budget <= 0 || seqs >= e.maxNumSeqs) break;
      const take = Math.min(budget, w.left);
      w.left -= take; budget -= take; prefillSeconds += w.shape.prefillSeconds * take / w.shape.promptTokens; seqs++;
      if (w.left === 0) finished++;
    }
    const dt = (running.length > 0 ? e.stepSeconds(running.length) : 0) + prefillSeconds;
    const inSystem = running.length + waiting.length;
    t += dt;
    if (!Number.isNaN(windowStart)) inSystemTime += inSystem * dt;
    const still: Decoding[] = [];
    for (const d of running) {
      d.left--;
      if (d.left > 0) { still.push(d); continue; }
      completed++;
      if (completed === warmup) windowStart = t;
      if (completed > warmup) tpot.push((t - d.firstToken) / (d.outputTokens - 1));
    }
    running = still;
    // The prompts that finished are the first `finished` waiting ones (FCFS).
    for (const w of waiting.splice(0, finished)) {
      if (completed >= warmup) ttft.push(t - w.arrival);
      if (w.shape.outputTokens > 1) running.push({ arrival: w.arrival, firstToken: t, outputTokens: w.shape.outputTokens, left: w.shape.outputTokens - 1 });
      else completed++;
    }
  }
  return { ttft, tpot, meanConcurrency: inSystemTime / (t - windowStart) };
}

/**
 * Serves `requests` Poisson arrivals at `rps` (after `warmup` more), or `e.arrivals` replayed, and returns per-request
 * latency percentiles. TPOT is taken over requests with two or more tokens.
 */
export function simulateEngine(e: EngineUnderTest, rps: number, requests = 20_000, warmup = 2_000, seed = 11): SimulatedLatency {
  const r = uniform(seed);
  const sizes = uniform(seed + 1);
  const fixed: RequestShape = { promptTokens: e.promptTokens, outputTokens: e.outputTokens, prefillSeconds: e.prefillSeconds };
  const draw = (): RequestShape => (e.sample ? e.sample(sizes) : fixed);
  const a = e.arrivals;
  const period = a && a.length > 0 ? a[a.length - 1] - a[0] + (a[a.length - 1] - a[0]) / Math.max(1, a.length - 1) : 0;
  let poisson = 0;
  const arrivalAt = (k: number): number => (a ? a[k % a.length] - a[0] + Math.floor(k / a.length) * period : (poisson += -Math.log(r()) / rps));
  const run = serveRequests(e, arrivalAt, draw, requests, warmup);
  return {
    ttftP95: percentile(run.ttft, 0.95), ttftMean: mean(run.ttft), tpotP95: percentile(run.tpot, 0.95), tpotMean: mean(run.tpot),
    meanConcurrency: run.meanConcurrency,
  };
}
