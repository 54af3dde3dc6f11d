import { PlanningError } from '../../errors';
import { requireRequestSize } from '../private/checks';

/** The size of one request (a row of a request log). */
export interface RequestSize {
  /** Prompt (input) tokens. */
  readonly promptTokens: number;
  /** Generated (output) tokens. */
  readonly outputTokens: number;
}

/** One kind of request in a {@link RequestMix}: its size and its share of the requests. */
export interface RequestSizeClass extends RequestSize {
  /** Share of the requests, greater than 0 (the shares are normalised to sum to 1). */
  readonly share: number;
}

/** How {@link RequestMix.fromSamples} groups a request log into classes. */
export interface RequestMixOptions {
  /**
   * Equal-count bins over prompt length.
   * @default 16
   */
  readonly promptBins?: number;
  /**
   * Equal-count bins over output length inside each prompt bin.
   * @default 8
   */
  readonly outputBins?: number;
}

/** Default prompt bins: 16 × 8 classes put the model within its stated tolerance of the simulation (request-mix test). */
export const DEFAULT_PROMPT_BINS = 16;
/** Default output bins per prompt bin. */
export const DEFAULT_OUTPUT_BINS = 8;

/**
 * The distribution of request sizes an inference service receives. The replica latency model treats the prompt queue
 * as M/G/1 over these classes and times each class's decode window on its own, so short-output requests stuck behind
 * long prompts show in p95 TPOT and long prompts in p95 TTFT (the means alone hide both: on the Azure LLM inference
 * trace 2023 the mean-only model is 35–46% optimistic on p95 TTFT; BENCHMARKS.md, `npm run bench:latency`).
 */
export class RequestMix {
  /**
   * Groups a request log into classes: equal-count bins over prompt length, then over output length inside each, each
   * class at its bin's mean sizes and share (bins at the same sizes merged). Bins hold whole requests, so a class never
   * mixes a 100-token and a 10,000-token prompt when the log has enough of both.
   * @param samples the requests (e.g. ContextTokens and GeneratedTokens of a trace); at least one
   * @param options bin counts
   */
  public static fromSamples(samples: RequestSize[], options: RequestMixOptions = {}): RequestMix {
    if (!Array.isArray(samples) || samples.length === 0) {
      throw new PlanningError('requestMix.samples', String(samples?.length ?? samples), 'needs at least one request (prompt and output tokens)');
    }
    samples.forEach((s, i) => requireRequestSize(`requestMix.samples[${i}]`, s));
    const promptBins = binCount('requestMix.promptBins', options.promptBins ?? DEFAULT_PROMPT_BINS);
    const outputBins = binCount('requestMix.outputBins', options.outputBins ?? DEFAULT_OUTPUT_BINS);
    const byPrompt = [...samples].sort((a, b) => a.promptTokens - b.promptTokens || a.outputTokens - b.outputTokens);
    // Bins that come out at the same sizes (a log with few distinct sizes) are one class.
    const classes = new Map<string, RequestSizeClass>();
    for (const group of equalCountBins(byPrompt, promptBins)) {
      const byOutput = [...group].sort((a, b) => a.outputTokens - b.outputTokens);
      for (const bin of equalCountBins(byOutput, outputBins)) {
        const promptTokens = Math.round(mean(bin.map((s) => s.promptTokens)));
        const outputTokens = Math.round(mean(bin.map((s) => s.outputTokens)));
        const key = `${promptTokens}/${outputTokens}`;
        const share = (classes.get(key)?.share ?? 0) + bin.length / samples.length;
        classes.set(key, { promptTokens, outputTokens, share });
      }
    }
    const longest = Math.max(...samples.map((s) => s.promptTokens + s.outputTokens));
    return new RequestMix([...classes.values()], longest, samples.length, true);
  }

  /**
   * A mix given as classes.
   * @param classes sizes and shares; at least one
   */
  public static of(classes: RequestSizeClass[]): RequestMix {
    if (!Array.isArray(classes) || classes.length === 0) {
      throw new PlanningError('requestMix.classes', String(classes?.length ?? classes), 'needs at least one class of prompt tokens, output tokens and share');
    }
    classes.forEach((c, i) => {
      requireRequestSize(`requestMix.classes[${i}]`, c);
      if (typeof c.share !== 'number' || !Number.isFinite(c.share) || c.share <= 0) {
        throw new PlanningError(`requestMix.classes[${i}].share`, String(c.share), 'must be a finite number greater than zero (shares are normalised to sum to 1)');
      }
    });
    const total = classes.reduce((a, c) => a + c.share, 0);
    const longest = Math.max(...classes.map((c) => c.promptTokens + c.outputTokens));
    return new RequestMix(classes.map((c) => ({ promptTokens: c.promptTokens, outputTokens: c.outputTokens, share: c.share / total })), longest, classes.length, false);
  }

  /** Mean prompt tokens per request. */
  public readonly meanPromptTokens: number;
  /** Mean output tokens per request. */
  public readonly meanOutputTokens: number;
  /** The longest request (prompt + output tokens) in the log or among the classes; max-model-len must hold it. */
  public readonly longestSequenceTokens: number;
  /** Requests (from a log) or classes (given) the mix was built from. */
  public readonly sourceCount: number;
  /** True when built from a request log by {@link RequestMix.fromSamples}, false when given as classes. */
  public readonly sampled: boolean;
  private readonly _classes: RequestSizeClass[];

  private constructor(classes: RequestSizeClass[], longestSequenceTokens: number, sourceCount: number, sampled: boolean) {
    this._classes = classes;
    this.meanPromptTokens = classes.reduce((a, c) => a + c.share * c.promptTokens, 0);
    this.meanOutputTokens = classes.reduce((a, c) => a + c.share * c.outputTokens, 0);
    this.longestSequenceTokens = longestSequenceTokens;
    this.sourceCount = sourceCount;
    this.sampled = sampled;
  }

  /** The classes, shares summing to 1 (a copy). */
  public get classes(): RequestSizeClass[] {
    return this._classes.map((c) => ({ ...c }));
  }
}

function binCount(field: string, n: number): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 256) {
    throw new PlanningError(field, String(n), 'must be a whole number from 1 to 256');
  }
  return n;
}

/** Splits a sorted list into at most `bins` contiguous, non-empty runs of (nearly) equal length. */
function equalCountBins<T>(sorted: T[], bins: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < bins; i++) {
    const run = sorted.slice(Math.floor((i * sorted.length) / bins), Math.floor(((i + 1) * sorted.length) / bins));
    if (run.length > 0) out.push(run);
  }
  return out;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
