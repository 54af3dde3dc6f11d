/**
 * How far the replica latency model (src/planning/inference/queueing.ts) is from a simulated vLLM scheduler when
 * requests vary in size as real traffic does.
 *
 *   npx ts-node --transpile-only bench/latency.bench.ts
 *
 * Request sizes: the Azure LLM inference trace 2023 (Patel et al., "Splitwise", ISCA 2024;
 * ../shared/data/azure-llm-inference-2023, ContextTokens and GeneratedTokens of every request, conv and code).
 * The model is run twice: given only the trace means, and given the trace as a request mix (RequestMix.fromSamples,
 * 16 × 8 classes; what `traffic.requestMix` and `aidc plan inference --request-sizes` do). The simulation
 * (test/planning/inference/engine-simulation.ts: chunked prefill, decodes first in each iteration's token budget) is run
 * twice on the same step and prefill functions: with every request at the means (what the means-only model assumes),
 * and with each request's size drawn from the trace. Llama 3.1 8B, BF16, one H100, vLLM's default budget of 8,192 tokens;
 * Poisson arrivals at 30/50/70% of the model's highest stable rate; 20,000 requests per point after 2,000 of warm-up.
 */
import * as fs from 'fs';
import * as path from 'path';
import { GpuType, ModelSpec } from '../src/planning/catalog';
import { InferencePlanner, RequestLog, RequestMix } from '../src/planning/inference';
import { EngineUnderTest, RequestShape, simulateEngine } from '../src/planning/inference/engine-simulation';
import { weightBytes } from '../src/planning/inference/memory';
import { InferencePrecision } from '../src/planning/inference/quantization';
import { capacityAtSlo, loadPoint, ReplicaModel } from '../src/planning/inference/queueing';
import { decodeStep, Layout, prefill } from '../src/planning/inference/speed';

const azureDir = path.resolve(__dirname, '..', '..', 'shared', 'data', 'azure-llm-inference-2023');
const BUDGET = 8192;
const LOADS = [0.3, 0.5, 0.7];

/** The trace's requests in arrival order: seconds since its first request, and [prompt, output] tokens. */
function loadTrace(file: string): { times: number[]; sizes: Array<[number, number]> } {
  const rows = fs.readFileSync(path.join(azureDir, file), 'utf8').split(/\r?\n/).slice(1).filter((l) => l.trim())
    .map((l) => l.split(',')).filter(([, ctx, gen]) => Number(ctx) >= 1 && Number(gen) >= 1 && Number(ctx) + Number(gen) <= 32_768)
    .map(([stamp, ctx, gen]) => ({ t: Date.parse(stamp.trim().replace(' ', 'T').slice(0, 23) + 'Z'), size: [Number(ctx), Number(gen)] as [number, number] }))
    .sort((a, b) => a.t - b.t);
  return { times: rows.map((r) => (r.t - rows[0].t) / 1000), sizes: rows.map((r) => r.size) };
}

/** Most arrivals in any `windowSeconds` window, per second. */
function busiestRate(times: number[], windowSeconds: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] > windowSeconds) j++;
    most = Math.max(most, i - j + 1);
  }
  return most / windowSeconds;
}

const model = ModelSpec.of('llama-3.1-8b');
const layout: Layout = {
  model, gpu: GpuType.of('h100-sxm-80gb'), precision: InferencePrecision.BF16, kvBytesPerElement: 2, tp: 1, pp: 1,
  weightsBytesPerGpu: weightBytes(model, InferencePrecision.BF16, 1, 1).perGpuBytes, interNodeBytesPerSecondPerGpu: 50e9, maxNumBatchedTokens: BUDGET,
};

interface Row {
  trace: string; load: number; rps: number; model: [number, number]; mixModel: [number, number]; fixed: [number, number]; varied: [number, number];
  /** The simulation replaying the trace's own arrivals and sizes, rescaled so its mean rate, or its busiest minute, is `rps`. */
  replayMean: [number, number]; replayBusiestMinute: [number, number];
}

function run(trace: string, file: string): { rows: Row[]; meanPrompt: number; meanOutput: number; p95Prompt: number; requests: number; meanRate: number; busiestMinuteRate: number } {
  const { times, sizes } = loadTrace(file);
  const meanRate = (times.length - 1) / times[times.length - 1];
  const busiestMinuteRate = busiestRate(times, 60);
  const meanPrompt = Math.round(sizes.reduce((a, [p]) => a + p, 0) / sizes.length);
  const meanOutput = Math.round(sizes.reduce((a, [, o]) => a + o, 0) / sizes.length);
  const sortedPrompts = sizes.map(([p]) => p).sort((a, b) => a - b);
  const context = meanPrompt + Math.ceil(meanOutput / 2);
  const stepSeconds = (b: number): number => decodeStep(layout, b, context).seconds;
  const prefillSeconds = prefill(layout, meanPrompt).seconds;
  const replica: ReplicaModel = { prefillSeconds, promptTokens: meanPrompt, maxNumBatchedTokens: BUDGET, stepSeconds, outputTokens: meanOutput, maxBatch: 1024 };
  const fixed: EngineUnderTest = { prefillSeconds, stepSeconds, promptTokens: meanPrompt, outputTokens: meanOutput, maxNumBatchedTokens: BUDGET, maxNumSeqs: 1024 };
  const prefillOf = new Map<number, number>();
  const sample = (u: () => number): RequestShape => {
    const [p, o] = sizes[Math.floor(u() * sizes.length)];
    if (!prefillOf.has(p)) prefillOf.set(p, prefill(layout, p).seconds);
    return { promptTokens: p, outputTokens: o, prefillSeconds: prefillOf.get(p)! };
  };
  const mix = RequestMix.fromSamples(sizes.map(([promptTokens, outputTokens]) => ({ promptTokens, outputTokens })));
  const withMix: ReplicaModel = {
    ...replica,
    mix: mix.classes.map((c) => ({ weight: c.share, promptTokens: c.promptTokens, outputTokens: c.outputTokens, prefillSeconds: prefill(layout, c.promptTokens).seconds })),
  };
  const capacity = capacityAtSlo(replica, Infinity, Infinity);
  const rows = LOADS.map((load) => {
    const rps = load * capacity;
    const m = loadPoint(replica, rps);
    const mm = loadPoint(withMix, rps);
    const f = simulateEngine(fixed, rps);
    const v = simulateEngine({ ...fixed, sample }, rps);
    const replay = (traceRate: number): [number, number] => {
      let k = 0;
      const inOrder = (): RequestShape => sample(() => (k++ % sizes.length + 0.5) / sizes.length);
      const sim = simulateEngine({ ...fixed, sample: inOrder, arrivals: times.map((t) => t * traceRate / rps) }, rps);
      return [sim.ttftP95, sim.tpotP95];
    };
    return {
      trace, load, rps, model: [m.ttftP95Seconds, m.tpotP95Seconds], mixModel: [mm.ttftP95Seconds, mm.tpotP95Seconds], fixed: [f.ttftP95, f.tpotP95], varied: [v.ttftP95, v.tpotP95],
      replayMean: replay(meanRate), replayBusiestMinute: replay(busiestMinuteRate),
    } as Row;
  });
  return { rows, meanPrompt, meanOutput, p95Prompt: sortedPrompts[Math.floor(0.95 * sortedPrompts.length)], requests: sizes.length, meanRate, busiestMinuteRate };
}

interface Sizing { trace: string; ttftMs: number; tpotMs: number; busiest: number; replay: number; poisson: number; medianMs: number }

/** Replicas and planner time with the whole trace as `traffic.requestLog`, against the Poisson model at its busiest minute. */
function traceDrivenSizing(): Sizing[] {
  const out: Sizing[] = [];
  for (const [trace, file] of [['conv', 'AzureLLMInferenceTrace_conv.csv'], ['code', 'AzureLLMInferenceTrace_code.csv']]) {
    const { times, sizes } = loadTrace(file);
    const log = RequestLog.of(times.map((t, i) => ({ arrivalSeconds: t, promptTokens: sizes[i][0], outputTokens: sizes[i][1] })));
    const mix = log.toMix();
    for (const [ttftMs, tpotMs] of [[1000, 50], [500, 30]]) {
      const traffic = { promptTokens: Math.round(mix.meanPromptTokens), outputTokens: Math.round(mix.meanOutputTokens), peakRequestsPerSecond: log.busiestRequestsPerSecond() };
      const props = { model, gpu: GpuType.of('h100-sxm-80gb'), slo: { ttftP95Seconds: ttftMs / 1000, tpotP95Seconds: tpotMs / 1000 } };
      const poisson = InferencePlanner.plan({ ...props, traffic: { ...traffic, requestMix: mix } }).replicas.atPeak;
      const withLog = (): ReturnType<typeof InferencePlanner.plan> => InferencePlanner.plan({ ...props, traffic: { ...traffic, requestLog: log } });
      withLog();
      const ms: number[] = [];
      let plan = withLog();
      for (let i = 0; i < 5; i++) {
        const t0 = process.hrtime.bigint();
        plan = withLog();
        ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      ms.sort((a, b) => a - b);
      out.push({ trace, ttftMs, tpotMs, busiest: log.busiestRequestsPerSecond(), replay: plan.replicas.atPeak, poisson, medianMs: ms[2] });
    }
  }
  return out;
}

function main(): void {
  if (!fs.existsSync(azureDir)) {
    console.error(`SKIPPED: ${azureDir} is absent (the Azure trace lives in ../shared/data)`);
    process.exit(0);
  }
  const results = [run('conv', 'AzureLLMInferenceTrace_conv.csv'), run('code', 'AzureLLMInferenceTrace_code.csv')];
  const pct = (a: number, b: number): string => `${a / b - 1 >= 0 ? '+' : ''}${((a / b - 1) * 100).toFixed(0)}%`;
  const ms = (s: number): string => (s * 1000).toFixed(1);
  const lines = [
    '## Inference latency model against a simulated scheduler with real request sizes',
    '',
    'Produced by `npm run bench:latency` (`bench/latency.bench.ts`). Llama 3.1 8B, BF16, one H100, budget 8,192 tokens,',
    'Poisson arrivals at 30/50/70% of the means-only model\'s highest stable rate. The simulation serves either every',
    'request at the trace\'s mean prompt and output ("same sizes") or each request at a size drawn from the Azure LLM',
    'inference trace 2023 ("trace sizes"). The model is given either the means only or the trace as a request mix',
    '(`traffic.requestMix`, `--request-sizes`: 16 × 8 classes). p95 in milliseconds; the percentage is the model against',
    'the simulation it describes (negative = optimistic).',
    '',
    '| trace (mean prompt / output, p95 prompt) | load | req/s | TTFT p95: means only vs same sizes | means only vs trace sizes | mix vs trace sizes | TPOT p95: means only vs same sizes | means only vs trace sizes | mix vs trace sizes |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    for (const row of r.rows) {
      const cell = (predicted: number, sim: number): string => `${ms(predicted)} / ${ms(sim)} (${pct(predicted, sim)})`;
      lines.push(`| ${row.trace} (${r.meanPrompt} / ${r.meanOutput}, ${r.p95Prompt}; ${r.requests} requests) | ${row.load} | ${row.rps.toFixed(2)} `
        + `| ${cell(row.model[0], row.fixed[0])} | ${cell(row.model[0], row.varied[0])} | ${cell(row.mixModel[0], row.varied[0])} `
        + `| ${cell(row.model[1], row.fixed[1])} | ${cell(row.model[1], row.varied[1])} | ${cell(row.mixModel[1], row.varied[1])} |`);
    }
  }
  lines.push('', '### Arrivals as the trace has them', '',
    'The same mix model against the simulation replaying the trace itself, arrivals and sizes in order, its timestamps',
    'rescaled so that either its mean rate or its busiest 60-second window equals the model\'s rate. The model assumes',
    'Poisson arrivals at that rate; the trace is burstier (its rate moves within the hour, and code requests come in',
    'bursts), so the model is optimistic where the replay exceeds it. p95 in milliseconds.',
    '',
    '| trace (busiest minute / mean rate) | load | req/s | mix model TTFT p95 | replay at mean rate | replay at busiest minute | mix model TPOT p95 | replay at mean rate | replay at busiest minute |',
    '|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    for (const row of r.rows) {
      const cell = (predicted: number, sim: number): string => `${ms(sim)} (${pct(predicted, sim)})`;
      lines.push(`| ${row.trace} (${(r.busiestMinuteRate / r.meanRate).toFixed(2)}×) | ${row.load} | ${row.rps.toFixed(2)} | ${ms(row.mixModel[0])} `
        + `| ${cell(row.mixModel[0], row.replayMean[0])} | ${cell(row.mixModel[0], row.replayBusiestMinute[0])} `
        + `| ${ms(row.mixModel[1])} | ${cell(row.mixModel[1], row.replayMean[1])} | ${cell(row.mixModel[1], row.replayBusiestMinute[1])} |`);
    }
  }
  lines.push('', '### Trace-driven sizing', '',
    '`InferencePlanner.plan` with `traffic.requestLog` (the whole trace, `--request-log`): replicas from replaying it',
    'round-robin through the scheduler simulation against those of the Poisson model at its busiest minute, and the planner\'s',
    'wall time (median of 5 runs after one warm-up, this shared 2-core machine). Llama 3.1 8B, BF16, H100.',
    '',
    '| trace | SLO p95 TTFT / TPOT | busiest minute req/s | replicas with the log (larger of replay and Poisson) | by the Poisson model alone | planner median ms |',
    '|---|---|---|---|---|---|');
  const sizing = traceDrivenSizing();
  for (const z of sizing) {
    lines.push(`| ${z.trace} | ${z.ttftMs} / ${z.tpotMs} ms | ${z.busiest.toFixed(2)} | ${z.replay} | ${z.poisson} | ${z.medianMs.toFixed(0)} |`);
  }
  const md = lines.join('\n') + '\n';
  const out = path.join(__dirname, 'results');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'latency.md'), md);
  fs.writeFileSync(path.join(out, 'latency.json'), JSON.stringify({ results, sizing }, null, 1) + '\n');
  console.log(md);
}

main();
