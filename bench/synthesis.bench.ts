/**
 * Synthesis speed at scale (issue 5): a 1,000-node p5.48xlarge pool with 10 tenants, 200 inference
 * services and 50 training jobs, built and synthesized (policy pack and validations included).
 * Writes bench/results/synthesis.json and bench/results/synthesis.md.
 *
 *   npx ts-node --transpile-only bench/synthesis.bench.ts
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { AiTrainingCluster, ElasticInferenceService, GpuResourcePool, MonitoringStack } from '../src/k8s';
import { GpuType, ModelSpec, NodeShape } from '../src/planning/catalog';
import { InferencePlan, InferencePlanner } from '../src/planning/inference';
import { TrainingPlan, TrainingPlanner } from '../src/planning/training';
import { PolicyChecks } from '../src/policy';

const RUNS = 3;
const TENANTS = 10;
const SERVICES = 200;
const JOBS = 50;

interface Timing { planSeconds: number; buildSeconds: number; synthSeconds: number; objects: number; minNodes: number; maxNodes: number }

function once(): Timing {
  const gpu = GpuType.H100_SXM_80GB;
  const nodeShape = NodeShape.P5_48XLARGE;
  const t0 = process.hrtime.bigint();
  // Plans: every service and job is planned (the planner is part of synthesis for a user).
  const inference: InferencePlan[] = [];
  for (let i = 0; i < SERVICES; i++) {
    inference.push(InferencePlanner.plan({
      model: ModelSpec.of(i % 4 === 0 ? 'qwen2.5-7b' : 'llama-3.1-8b'), gpu, nodeShape,
      traffic: { promptTokens: 512 + 64 * (i % 8), outputTokens: 128 + 32 * (i % 4), peakRequestsPerSecond: 5 + (i % 20) },
      slo: { ttftP95Seconds: 1, tpotP95Seconds: 0.05, availability: 0.999 },
    }));
  }
  const training: TrainingPlan[] = [];
  for (let j = 0; j < JOBS; j++) {
    training.push(TrainingPlanner.plan({
      model: ModelSpec.of(j % 5 === 0 ? 'llama-3.1-70b' : 'llama-3.1-8b'), gpu, nodeShape, gpus: j % 5 === 0 ? 64 : 16 * 2 ** (j % 2),
      sequenceLength: 8192, globalBatchTokens: 4 * 1024 * 1024,
    }));
  }
  const t1 = process.hrtime.bigint();
  const app = new App({ outdir: '/tmp/aidc-synthesis-bench' });
  const chart = new Chart(app, 'scale', { disableResourceNameHashes: true });
  PolicyChecks.of(chart, { suppressions: [{ ruleId: 'AIDC-STO-2', reason: 'the retained aidc-checkpoints StorageClass is managed by Terraform (PlatformStorage)' }] });
  const monitoring = new MonitoringStack(chart, 'monitoring', {});
  const tenants = Array.from({ length: TENANTS }, (_, k) => ({ name: `team-${k}`, share: 1 / TENANTS, borrowingFraction: 0.5 }));
  const pool = new GpuResourcePool(chart, 'h100', { nodeShape, maxNodes: 1000, tenants, monitoring });
  inference.forEach((plan, i) => new ElasticInferenceService(chart, `svc-${i}`, {
    pool, tenant: tenants[i % TENANTS].name, plan, modelRef: 'meta-llama/Llama-3.1-8B-Instruct', monitoring,
  }));
  training.forEach((plan, j) => new AiTrainingCluster(chart, `job-${j}`, {
    pool, tenant: tenants[j % TENANTS].name, plan, image: 'ghcr.io/acme/trainer:1.0.0', script: ['train.py'], monitoring,
  }));
  const t2 = process.hrtime.bigint();
  const objects = chart.toJson();
  app.synthYaml();
  const t3 = process.hrtime.bigint();
  const s = (a: bigint, b: bigint): number => Number(b - a) / 1e9;
  return { planSeconds: s(t0, t1), buildSeconds: s(t1, t2), synthSeconds: s(t2, t3), objects: objects.length, minNodes: pool.minNodeCount, maxNodes: pool.maxNodeCount };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const runs = Array.from({ length: RUNS }, once);
const total = runs.map((r) => r.planSeconds + r.buildSeconds + r.synthSeconds);
const result = {
  case: `${TENANTS} tenants, ${SERVICES} inference services, ${JOBS} training jobs on a 1,000-node p5.48xlarge pool`,
  runs: RUNS,
  medianTotalSeconds: median(total),
  medianPlanSeconds: median(runs.map((r) => r.planSeconds)),
  medianBuildSeconds: median(runs.map((r) => r.buildSeconds)),
  medianSynthSeconds: median(runs.map((r) => r.synthSeconds)),
  objects: runs[0].objects,
  poolNodes: { min: runs[0].minNodes, max: runs[0].maxNodes },
};
const md = [
  '## Synthesis at scale',
  '',
  `${result.case}; plan + construct + synthesize (policy pack and validations on), median of ${RUNS} runs in one process, \`npm run bench:synthesis\`. Target: under 10 s.`,
  '',
  '| objects | pool nodes (min–max) | plan s | build s | synth s | total s (median) |',
  '|---|---|---|---|---|---|',
  `| ${result.objects} | ${result.poolNodes.min}–${result.poolNodes.max} | ${result.medianPlanSeconds.toFixed(2)} | ${result.medianBuildSeconds.toFixed(2)} | ${result.medianSynthSeconds.toFixed(2)} | ${result.medianTotalSeconds.toFixed(2)} |`,
  '',
].join('\n');
const out = path.join(__dirname, 'results');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'synthesis.json'), JSON.stringify(result, null, 2) + '\n');
fs.writeFileSync(path.join(out, 'synthesis.md'), md);
console.log(md);
