/**
 * The flagship example: one H100 pool shared by a research and a serving tenant, a
 * Llama 3.1 8B fine-tune, a Llama 3.1 8B chat service with forecast pre-scaling, and monitoring —
 * as cdk8s manifests, a cdktf stack, and the capacity plan (plan.md, plan.json).
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, YamlOutputType } from 'cdk8s';
import { AiTrainingCluster, ElasticInferenceService, GpuResourcePool } from '../../src/k8s';
import { GpuType, ModelSpec, NodeShape } from '../../src/planning/catalog';
import { InferencePlanner } from '../../src/planning/inference';
import { TrainingPlanner } from '../../src/planning/training';

/** Name of the example (its folder under out/). */
export const EXAMPLE_NAME = 'llm-platform';

/** What the example builds, before writing. */
export interface Platform {
  readonly k8sApp: App;
  readonly chart: Chart;
  readonly planMarkdown: string;
  readonly planJson: any;
}

/** Builds the platform: plans first, then the constructs that consume them. */
export function buildPlatform(k8sOutdir: string): Platform {
  const nodeShape = NodeShape.P5_48XLARGE;
  const gpu = GpuType.H100_SXM_80GB;
  const model = ModelSpec.of('llama-3.1-8b');

  const training = TrainingPlanner.plan({
    model, gpu, nodeShape, gpus: 16,
    sequenceLength: 8192, globalBatchTokens: 4 * 1024 * 1024, tokens: 20e9,
  });
  const inference = InferencePlanner.plan({
    model, gpu, nodeShape,
    traffic: { promptTokens: 1024, outputTokens: 256, peakRequestsPerSecond: 40 },
    slo: { ttftP95Seconds: 1, tpotP95Seconds: 0.05, availability: 0.999 },
  });

  const app = new App({ outdir: k8sOutdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  const chart = new Chart(app, 'platform', { disableResourceNameHashes: true });
  const pool = new GpuResourcePool(chart, 'h100', {
    nodeShape, maxNodes: 8,
    tenants: [
      { name: 'research', share: 0.5, editorGroups: ['ml-research'] },
      { name: 'serving', share: 0.5, editorGroups: ['ml-platform'], viewerGroups: ['sre'] },
    ],
  });
  new AiTrainingCluster(chart, 'llama-8b-sft', {
    pool, tenant: 'research', plan: training,
    image: 'ghcr.io/acme/llm-trainer:2.3.1', script: ['train.py', '--config', 'configs/llama-3.1-8b-sft.yaml'],
    secretEnv: { HF_TOKEN: 'hf-token/token' },
  });
  new ElasticInferenceService(chart, 'chat', {
    pool, tenant: 'serving', plan: inference, modelRef: 'meta-llama/Llama-3.1-8B-Instruct',
    huggingFaceTokenSecret: 'hf-token/token',
  });

  const planJson = {
    example: EXAMPLE_NAME,
    pool: { name: pool.poolName, ...pool.sizing!.toJson() },
    training: training.toJson(),
    inference: inference.toJson(),
  };
  const planMarkdown = [
    `# Capacity plan: ${EXAMPLE_NAME}`,
    '',
    `Pool \`${pool.poolName}\`: ${nodeShape.id} (${nodeShape.gpuCount}× ${gpu.name}), up to ${pool.maxNodes} nodes.`,
    '',
    '## Pool',
    '',
    '```text',
    pool.sizing!.explain().trimEnd(),
    '```',
    '',
    '## Training: llama-8b-sft',
    '',
    '```text',
    training.explain().trimEnd(),
    '```',
    '',
    '## Inference: chat',
    '',
    '```text',
    inference.explain().trimEnd(),
    '```',
    '',
  ].join('\n');
  return { k8sApp: app, chart, planMarkdown, planJson };
}

/** Synthesizes the example into `outDir` (k8s/, tf/, plan.md, plan.json). */
export function synthesizeLlmPlatform(outDir: string): void {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const platform = buildPlatform(path.join(outDir, 'k8s'));
  platform.k8sApp.synth();
  fs.writeFileSync(path.join(outDir, 'plan.md'), platform.planMarkdown);
  fs.writeFileSync(path.join(outDir, 'plan.json'), JSON.stringify(platform.planJson, null, 2) + '\n');
}
