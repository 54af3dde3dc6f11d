/**
 * The flagship example: one H100 pool shared by a research and a serving tenant, a
 * Llama 3.1 8B fine-tune, a Llama 3.1 8B chat service sized on its request-size mix with forecast pre-scaling, and monitoring —
 * as cdk8s manifests, two cdktf stacks, and the capacity plan (plan.md, plan.json).
 */
import * as fs from 'fs';
import * as path from 'path';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { App, Chart, YamlOutputType } from 'cdk8s';
import * as cdktf from 'cdktf';
import { chatRequestMix, chatTrafficHistory } from './traffic';
import { AiTrainingCluster, ElasticInferenceService, GpuResourcePool, MonitoringStack } from '../../src/k8s';
import { GpuType, ModelSpec, NodeShape } from '../../src/planning/catalog';
import { PoolMixOptimizer, PoolMixPlan } from '../../src/planning/cost';
import { HourlySeries, ScalingSchedule } from '../../src/planning/forecast';
import { InferencePlanner } from '../../src/planning/inference';
import { PlacementPicture } from '../../src/planning/placement';
import { TrainingPlanner } from '../../src/planning/training';
import { PolicyChecks } from '../../src/policy';
import { ClusterAddons, KarpenterGpuNodePool, ManifestBridge, PlatformStorage, StoragePurpose } from '../../src/tf';

/** Name of the example (its folder under out/). */
export const EXAMPLE_NAME = 'llm-platform';

/** What the example builds, before writing. */
export interface Platform {
  readonly k8sApp: App;
  readonly chart: Chart;
  readonly tfApp: cdktf.App;
  readonly infraStack: cdktf.TerraformStack;
  readonly workloadsStack: cdktf.TerraformStack;
  readonly planMarkdown: string;
  readonly planJson: any;
  readonly poolSvg: string;
  /** GPU demand per hour of the week (training gang + forecast inference replicas), input of the cost optimiser. */
  readonly gpuDemandByHourOfWeek: number[];
}

/** A stack with the kubernetes and helm providers configured from the kubeconfig. */
function providerStack(app: cdktf.App, id: string): cdktf.TerraformStack {
  const stack = new cdktf.TerraformStack(app, id);
  new KubernetesProvider(stack, 'kubernetes', { configPath: '~/.kube/config' });
  new HelmProvider(stack, 'helm', { kubernetes: { configPath: '~/.kube/config' } });
  return stack;
}

/** Builds the platform: plans first, then the constructs that consume them. */
export function buildPlatform(outDir: string): Platform {
  const nodeShape = NodeShape.P5_48XLARGE;
  const gpu = GpuType.H100_SXM_80GB;
  const model = ModelSpec.of('llama-3.1-8b');

  fs.mkdirSync(outDir, { recursive: true });
  // 1. Plans: how much.
  const training = TrainingPlanner.plan({
    model, gpu, nodeShape, gpus: 16,
    sequenceLength: 8192, globalBatchTokens: 4 * 1024 * 1024, tokens: 20e9,
  });
  const requestMix = chatRequestMix();
  const inference = InferencePlanner.plan({
    model, gpu, nodeShape,
    traffic: {
      promptTokens: Math.round(requestMix.meanPromptTokens), outputTokens: Math.round(requestMix.meanOutputTokens),
      peakRequestsPerSecond: 100, requestMix,
    },
    slo: { ttftP95Seconds: 1, tpotP95Seconds: 0.05, availability: 0.999 },
  });
  const schedule = ScalingSchedule.fromHistory({
    history: HourlySeries.fromValues({ id: 'chat', ...chatTrafficHistory() }),
    capacityPerReplica: inference.requestsPerSecondPerReplica,
    minReplicas: inference.replicas.min,
    maxReplicas: inference.replicas.max,
    startupSeconds: inference.modelLoadSeconds,
  });

  // 2. Kubernetes: what runs, where.
  const k8sApp = new App({ outdir: path.join(outDir, 'k8s'), yamlOutputType: YamlOutputType.FILE_PER_CHART });
  const chart = new Chart(k8sApp, 'platform', { disableResourceNameHashes: true });
  PolicyChecks.of(chart, {
    suppressions: [{ ruleId: 'AIDC-STO-2', reason: 'the aidc-checkpoints StorageClass (reclaimPolicy Retain) is created by the Terraform infra stack (PlatformStorage)' }],
  });
  const monitoring = new MonitoringStack(chart, 'monitoring', {
    // The Kueue chart's own ServiceMonitor is enabled by ClusterAddons; do not scrape it twice.
    kueueMetrics: false,
  });
  const pool = new GpuResourcePool(chart, 'h100', {
    nodeShape, maxNodes: 8, monitoring,
    tenants: [
      { name: 'research', share: 0.5, editorGroups: ['ml-research'] },
      { name: 'serving', share: 0.5, editorGroups: ['ml-platform'], viewerGroups: ['sre'] },
    ],
  });
  const trainer = new AiTrainingCluster(chart, 'llama-8b-sft', {
    pool, tenant: 'research', plan: training, monitoring,
    image: 'ghcr.io/acme/llm-trainer:2.3.1', script: ['train.py', '--config', 'configs/llama-3.1-8b-sft.yaml'],
    secretEnv: { HF_TOKEN: 'hf-token/token' },
  });
  new ElasticInferenceService(chart, 'chat', {
    pool, tenant: 'serving', plan: inference, modelRef: 'meta-llama/Llama-3.1-8B-Instruct', monitoring,
    huggingFaceTokenSecret: 'hf-token/token', prescaleSchedule: schedule,
  });

  // 3. Terraform: nodes, storage, add-ons, and the same manifests for cdktf pipelines.
  const tfApp = new cdktf.App({ outdir: path.join(outDir, 'tf') });
  const infraStack = providerStack(tfApp, 'infra');
  const taint = { key: pool.nodeTaint.key, value: pool.nodeTaint.value, effect: pool.nodeTaint.effect };
  new KarpenterGpuNodePool(infraStack, 'node-pool', {
    name: pool.poolName, instanceTypes: [nodeShape.id], capacityTypes: ['on-demand'],
    nodeLabels: pool.nodeLabels, taints: [taint],
    maxNodes: pool.maxNodeCount, gpusPerNode: nodeShape.gpuCount,
    nodeRole: 'KarpenterNodeRole-llm-platform', clusterName: 'llm-platform',
  });
  const addons = new ClusterAddons(infraStack, 'addons', {
    gpuOperator: { poolTaints: [taint], devicePluginConfigMapName: pool.devicePluginConfigMapName, devicePluginDefaultConfig: pool.sharing.configName, dcgmServiceMonitor: false },
  });
  new PlatformStorage(infraStack, 'storage', {
    classes: [
      { purpose: StoragePurpose.CHECKPOINTS, name: 'aidc-checkpoints', provisioner: 'fsx.csi.aws.com' },
      { purpose: StoragePurpose.MODEL_CACHE, name: 'aidc-model-cache', provisioner: 'efs.csi.aws.com' },
    ],
  });
  const workloadsStack = providerStack(tfApp, 'workloads');
  new ManifestBridge(workloadsStack, 'manifests', { chart, addons });

  // 4. The plan, for reviewers.
  const sizing = pool.sizing!;
  const poolSvg = PlacementPicture.svg(sizing);
  const planJson = {
    example: EXAMPLE_NAME,
    pool: { name: pool.poolName, ...sizing.toJson() },
    training: { name: 'llama-8b-sft', checkpointVolumeBytes: trainer.checkpointVolumeBytes, ...training.toJson() },
    inference: { name: 'chat', ...inference.toJson() },
    prescale: { windows: schedule.windows, cronTriggers: schedule.cronTriggers() },
  };
  const planMarkdown = [
    `# Capacity plan: ${EXAMPLE_NAME}`,
    '',
    `Pool \`${pool.poolName}\`: ${nodeShape.id} (${nodeShape.gpuCount}× ${gpu.name}), ${sizing.minNodes}–${sizing.maxNodes} nodes (limit ${pool.maxNodes}).`,
    `Training \`llama-8b-sft\`: ${training.gpus} GPUs, tp=${training.parallelism.tp} pp=${training.parallelism.pp} (vp=${training.parallelism.virtualPipelineStages}) cp=${training.parallelism.cp} dp=${training.parallelism.dp}, ${(training.throughput.mfu * 100).toFixed(1)}% MFU, ${(training.timeToTrainSeconds! / 3600).toFixed(1)} h for 20B tokens.`,
    `Inference \`chat\`: ${inference.gpusPerReplica} GPU(s) per replica, ${inference.replicas.min}–${inference.replicas.max} replicas, ${inference.requestsPerSecondPerReplica.toFixed(1)} req/s per replica at the SLO.`,
    '',
    '## Pool',
    '',
    '![pool placement](pool.svg)',
    '',
    '```text', sizing.explain().trimEnd(), '```',
    '',
    '## Training: llama-8b-sft',
    '',
    '```text', training.explain().trimEnd(), '```',
    '',
    '## Inference: chat',
    '',
    '```text', inference.explain().trimEnd(), '```',
    '',
    '## Pre-scaling (forecast upper bound, KEDA cron triggers)',
    '',
    '| start (cron, UTC) | end (cron, UTC) | replicas |',
    '| --- | --- | --- |',
    ...schedule.cronTriggers().map((t) => `| \`${t.start}\` | \`${t.end}\` | ${t.desiredReplicas} |`),
    '',
  ].join('\n');
  const gpuDemandByHourOfWeek = schedule.replicasByHourOfWeek.map((r) => training.gpus + r * inference.gpusPerReplica);
  return { k8sApp, chart, tfApp, infraStack, workloadsStack, planMarkdown, planJson, poolSvg, gpuDemandByHourOfWeek };
}

/**
 * The cheapest capacity mix for a week of the platform's demand (HiGHS MILP). The discounts are this
 * example's assumptions, not catalog data: spot 60% below on-demand, reserved (1-year commitment) 35% below,
 * at most 25% of the GPUs on spot.
 */
export async function planCapacityMix(platform: Platform): Promise<PoolMixPlan> {
  return PoolMixOptimizer.optimize({
    shapes: [{ nodeShape: NodeShape.P5_48XLARGE, spotDiscount: 0.6, reservedDiscount: 0.35 }],
    gpuDemandByHour: platform.gpuDemandByHourOfWeek,
    maxSpotShare: 0.25,
  });
}

/** Synthesizes the example into `outDir` (k8s/, tf/, plan.md, plan.json, pool.svg). */
export async function synthesizeLlmPlatform(outDir: string): Promise<void> {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const platform = buildPlatform(outDir);
  platform.k8sApp.synth();
  platform.tfApp.synth();
  const mix = await planCapacityMix(platform);
  const markdown = [
    platform.planMarkdown.trimEnd(),
    '',
    '## Capacity mix (cost optimiser)',
    '',
    'Assumed discounts: spot 60%, reserved 35%; spot capped at 25% of the GPUs.',
    '',
    '```text', mix.explain().trimEnd(), '```',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(outDir, 'plan.md'), markdown);
  fs.writeFileSync(path.join(outDir, 'plan.json'), JSON.stringify({ ...platform.planJson, capacityMix: mix.toJson() }, null, 2) + '\n');
  fs.writeFileSync(path.join(outDir, 'pool.svg'), platform.poolSvg);
}
