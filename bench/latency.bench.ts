/**
 * How far the replica latency model (src/planning/inference/queueing.ts) is from a simulated vLLM scheduler when
 * requests vary in size as real traffic does.
 *
 *   npx ts-node --transpile-only bench/latency.bench.ts
 *
 * Request sizes: the Azure LLM inference trace 2023 (Patel et al., "Splitwise", ISCA 2024;
 * ../shared/data/azure-llm-inference-2023, ContextTokens and GeneratedTokens of every request, conv and code).
 * The planner takes one prompt and one output length; it is given the trace means. The simulation
 * (test/planning/inference/engine-simulation.ts: chunked prefill, decodes first in each iteration's token budget) is run
 * twice on the same step and prefill functions: with every request at the means (what the model assumes), and with
 * each request's size drawn from the trace. Llama 3.1 8B, BF16, one H100, vLLM's default budget of 8,192 tokens;
 * Poisson arrivals at 30/50/70% of the model's highest stable rate; 20,000 requests per point after 2,000 of warm-up.
 */
import * as fs from 'fs';
import * as path from 'path';
import { GpuType, ModelSpec } from '../src/planning/catalog';
import { weightBytes } from '../src/planning/inference/memory';
import { InferencePrecision } from '../src/planning/inference/quantization';
import { capacityAtSlo, loadPoint, ReplicaModel } from '../src/planning/inference/queueing';
import { decodeStep, Layout, prefill } from '../src/planning/inference/speed';
import { EngineUnderTest, RequestShape, simulateEngine } from '../test/planning/inference/engine-simulation';

const azureDir = path.resolve(__dirname, '..', '..', 'shared', 'data', 'azure-llm-inference-2023');
const BUDGET = 8192;
const LOADS = [0.3, 0.5, 0.7];

function loadSizes(file: string): Array<[number, number]> {
  return fs.readFileSync(path.join(azureDir, file), 'utf8').split(/\r?\n/).slice(1).filter((l) => l.trim())
    .map((l) => l.split(',')).map(([, ctx, gen]) => [Number(ctx), Math.max(1, Number(gen))] as [number, number])
    .filter(([p]) => p >= 1 && p + 1 <= 32_768);
}

const model = ModelSpec.of('llama-3.1-8b');
const layout: Layout = {
  model, gpu: GpuType.of('h100-sxm-80gb'), precision: InferencePrecision.BF16, kvBytesPerElement: 2, tp: 1, pp: 1,
  weightsBytesPerGpu: weightBytes(model, InferencePrecision.BF16, 1, 1).perGpuBytes, interNodeBytesPerSecondPerGpu: 50e9, maxNumBatchedTokens: BUDGET,
};

interface Row { trace: string; load: number; rps: number; model: [number, number]; fixed: [number, number]; varied: [number, number] }

function run(trace: string, file: string): { rows: Row[]; meanPrompt: number; meanOutput: number; p95Prompt: number; requests: number } {
  const sizes = loadSizes(file);
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
  const capacity = capacityAtSlo(replica, Infinity, Infinity);
  const rows = LOADS.map((load) => {
    const rps = load * capacity;
    const m = loadPoint(replica, rps);
    const f = simulateEngine(fixed, rps);
    const v = simulateEngine({ ...fixed, sample }, rps);
    return { trace, load, rps, model: [m.ttftP95Seconds, m.tpotP95Seconds], fixed: [f.ttftP95, f.tpotP95], varied: [v.ttftP95, v.tpotP95] } as Row;
  });
  return { rows, meanPrompt, meanOutput, p95Prompt: sortedPrompts[Math.floor(0.95 * sortedPrompts.length)], requests: sizes.length };
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
    'Produced by `npm run bench:latency` (`bench/latency.bench.ts`). Llama 3.1 8B, BF16, one H100, budget 8,192 tokens. The',
    'model is given the trace\'s mean prompt and output; the simulation serves either every request at those means',
    '("same sizes", what the model assumes) or each request at a size drawn from the Azure LLM inference trace 2023',
    '("trace sizes"). p95 in milliseconds; the percentage is the model against that simulation (negative = optimistic).',
    '',
    '| trace (mean prompt / output, p95 prompt) | load | req/s | model TTFT p95 | sim, same sizes | sim, trace sizes | model TPOT p95 | sim, same sizes | sim, trace sizes |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    for (const row of r.rows) {
      lines.push(`| ${row.trace} (${r.meanPrompt} / ${r.meanOutput}, ${r.p95Prompt}; ${r.requests} requests) | ${row.load} | ${row.rps.toFixed(2)} | ${ms(row.model[0])} `
        + `| ${ms(row.fixed[0])} (${pct(row.model[0], row.fixed[0])}) | ${ms(row.varied[0])} (${pct(row.model[0], row.varied[0])}) `
        + `| ${ms(row.model[1])} | ${ms(row.fixed[1])} (${pct(row.model[1], row.fixed[1])}) | ${ms(row.varied[1])} (${pct(row.model[1], row.varied[1])}) |`);
    }
  }
  const md = lines.join('\n') + '\n';
  const out = path.join(__dirname, 'results');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'latency.md'), md);
  fs.writeFileSync(path.join(out, 'latency.json'), JSON.stringify(results, null, 1) + '\n');
  console.log(md);
}

main();
