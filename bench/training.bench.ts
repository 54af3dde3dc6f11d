/**
 * Speed of the training layout search (issue 3: a full 405B / 16,384-GPU search under 1 s).
 * Run: npx ts-node --transpile-only bench/training.bench.ts
 * Writes bench/results/training.json and bench/results/training.md.
 */
import * as fs from 'fs';
import * as path from 'path';
import { GpuType, ModelSpec, NodeShape } from '../src/planning/catalog';
import { TrainingPlanner, TrainingPlanProps } from '../src/planning/training';

const RUNS = 7;
const cases: Array<[string, TrainingPlanProps]> = [
  ['llama-3.1-405b on 16,384 × H100 (seq 8192, 16M-token batch)', {
    model: ModelSpec.of('llama-3.1-405b'), gpu: GpuType.of('h100-sxm-80gb'), nodeShape: NodeShape.of('p5.48xlarge'),
    gpus: 16384, sequenceLength: 8192, globalBatchTokens: 2048 * 8192, tokens: 15.6e12,
  }],
  ['llama-3.1-70b on 1,024 × H100 (seq 8192, 8M-token batch)', {
    model: ModelSpec.of('llama-3.1-70b'), gpu: GpuType.of('h100-sxm-80gb'), nodeShape: NodeShape.of('p5.48xlarge'),
    gpus: 1024, sequenceLength: 8192, globalBatchTokens: 1024 * 8192, tokens: 15e12,
  }],
  ['deepseek-v3 on 2,048 × H100 (seq 4096, 60M-token batch; expert layout searched)', {
    model: ModelSpec.of('deepseek-v3'), gpu: GpuType.of('h100-sxm-80gb'), nodeShape: NodeShape.of('p5.48xlarge'),
    gpus: 2048, sequenceLength: 4096, globalBatchTokens: 15360 * 4096, tokens: 14.8e12,
  }],
  ['llama-3.1-405b on 16,384 × GB200 NVL72 (a4x-highgpu-4g trays; seq 8192, 16M-token batch)', {
    model: ModelSpec.of('llama-3.1-405b'), gpu: GpuType.of('gb200-186gb'), nodeShape: NodeShape.of('a4x-highgpu-4g'),
    gpus: 16384, sequenceLength: 8192, globalBatchTokens: 2048 * 8192, tokens: 15.6e12,
  }],
  ['deepseek-v3.2 on 2,048 × H100 at 131,072 tokens (sparse attention; expert layout and CP searched)', {
    model: ModelSpec.of('deepseek-v3.2'), gpu: GpuType.of('h100-sxm-80gb'), nodeShape: NodeShape.of('p5.48xlarge'),
    gpus: 2048, sequenceLength: 131072, globalBatchTokens: 128 * 131072, tokens: 1e12,
  }],
  ['llama-3.1-70b deadline mode (1T tokens in 30 days)', {
    model: ModelSpec.of('llama-3.1-70b'), gpu: GpuType.of('h100-sxm-80gb'), nodeShape: NodeShape.of('p5.48xlarge'),
    deadlineSeconds: 30 * 86400, sequenceLength: 8192, globalBatchTokens: 1024 * 8192, tokens: 1e12,
  }],
];

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const results = cases.map(([name, props]) => {
  TrainingPlanner.plan(props); // warm-up (JIT)
  const ms: number[] = [];
  let plan = TrainingPlanner.plan(props);
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    plan = TrainingPlanner.plan(props);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const p = plan.parallelism;
  return {
    name, runs: RUNS, medianMs: median(ms), minMs: Math.min(...ms), maxMs: Math.max(...ms), layoutsEvaluated: plan.layoutsEvaluated,
    layout: `tp${p.tp} pp${p.pp} vp${p.virtualPipelineStages} cp${p.cp} dp${p.dp}${p.ep > 1 || p.etp > 1 ? ` ep${p.ep} etp${p.etp}` : ''} mb${p.microBatch} ga${p.gradientAccumulation}`, gpus: plan.gpus,
    tflopsPerGpu: Number(plan.throughput.tflopsPerGpu.toFixed(1)), mfu: Number(plan.throughput.mfu.toFixed(3)),
  };
});
const out = path.join(__dirname, 'results');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'training.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 2) + '\n');
const md = [
  '## Training planner: layout search speed',
  '',
  `Median of ${RUNS} runs after one warm-up, \`npx ts-node --transpile-only bench/training.bench.ts\` (Node ${process.version}, shared 2-core machine). Target: 405B / 16,384 GPUs under 1 s.`,
  '',
  '| case | median ms | min–max ms | layouts evaluated | chosen layout | GPUs | model TFLOP/s/GPU | MFU |',
  '|---|---|---|---|---|---|---|---|',
  ...results.map((r) => `| ${r.name} | ${r.medianMs.toFixed(1)} | ${r.minMs.toFixed(1)}–${r.maxMs.toFixed(1)} | ${r.layoutsEvaluated} | ${r.layout} | ${r.gpus} | ${r.tflopsPerGpu} | ${r.mfu} |`),
  '',
].join('\n');
fs.writeFileSync(path.join(out, 'training.md'), md);
process.stdout.write(md);
