import { Testing } from 'cdk8s';
import { ofKind, testChart, testPool, trainingPlan } from './fixtures';
import { ConstructValidationError } from '../../src/errors';
import { AiTrainingCluster, AiTrainingClusterProps, GpuResourcePool, GpuSharing } from '../../src/k8s';
import { GpuType, ModelSpec, NodeShape } from '../../src/planning/catalog';
import { RecomputeMode, RecomputeModule, TrainingPlan, TrainingPlanner } from '../../src/planning/training';
import { describeWithShared } from '../harness/shared';
import { expectValidObjects } from '../harness/validate';

function build(overrides: Partial<AiTrainingClusterProps> = {}, pool?: (c: any) => GpuResourcePool): any[] {
  const chart = testChart();
  const p = pool ? pool(chart) : testPool(chart);
  new AiTrainingCluster(chart, 'sft', {
    pool: p, tenant: 'research', plan: trainingPlan(), image: 'ghcr.io/acme/trainer:1.0.0', script: ['train.py', '--config', 'c.yaml'],
    secretEnv: { HF_TOKEN: 'hf/token' },
    ...overrides,
  });
  return Testing.synth(chart);
}

describe('AiTrainingCluster', () => {
  test('full configuration snapshot', () => {
    expect(ofKind(build(), 'JobSet').concat(ofKind(build(), 'PersistentVolumeClaim'))).toMatchSnapshot();
  });

  test('the trainer may override the allocator setting', () => {
    const c = ofKind(build({ env: { PYTORCH_CUDA_ALLOC_CONF: 'max_split_size_mb:512' } }), 'JobSet')[0].spec.replicatedJobs[0].template.spec.template.spec.containers[0];
    expect(c.env.filter((e: any) => e.name === 'PYTORCH_CUDA_ALLOC_CONF')).toEqual([{ name: 'PYTORCH_CUDA_ALLOC_CONF', value: 'max_split_size_mb:512' }]);
  });

  test('the JobSet is a Kueue-queued gang of indexed torchrun workers with the planned layout', () => {
    const plan = trainingPlan();
    const jobset = ofKind(build(), 'JobSet')[0];
    expect(jobset.metadata.labels['kueue.x-k8s.io/queue-name']).toBe('h100');
    expect(jobset.spec.suspend).toBe(true);
    const job = jobset.spec.replicatedJobs[0].template.spec;
    expect(job.completionMode).toBe('Indexed');
    expect(job.parallelism).toBe(plan.nodes);
    expect(job.completions).toBe(plan.nodes);
    const pod = job.template.spec;
    const c = pod.containers[0];
    expect(c.command.slice(0, 4)).toEqual(['torchrun', `--nnodes=${plan.nodes}`, '--nproc-per-node=8', '--node-rank=$(JOB_COMPLETION_INDEX)']);
    expect(c.command).toContain('--master-addr=sft-workers-0-0.sft');
    expect(c.resources.limits['nvidia.com/gpu']).toBe('8');
    const env = Object.fromEntries(c.env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({
      AIDC_TENSOR_PARALLEL: String(plan.parallelism.tp), AIDC_PIPELINE_PARALLEL: String(plan.parallelism.pp),
      AIDC_DATA_PARALLEL: String(plan.parallelism.dp), AIDC_MICRO_BATCH: String(plan.parallelism.microBatch),
      AIDC_GRADIENT_ACCUMULATION: String(plan.parallelism.gradientAccumulation),
      AIDC_EXPERT_PARALLEL: '1', AIDC_EXPERT_TENSOR_PARALLEL: '1', AIDC_MTP_LAYERS: '0', AIDC_RECOMPUTE: plan.recompute, AIDC_RECOMPUTE_MODULES: '',
      // The memory plan assumes expandable segments (measured on H100; see planning/training/memory.ts).
      PYTORCH_CUDA_ALLOC_CONF: 'expandable_segments:True',
    });
    expect(c.env.find((e: any) => e.name === 'HF_TOKEN')).toEqual({ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } });
    expect(pod.nodeSelector['aidc.io/pool']).toBe('h100');
    expect(pod.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' }]);
    expect(pod.priorityClassName).toBe('h100-training');
    expect(pod.volumes.find((v: any) => v.name === 'dshm').emptyDir.medium).toBe('Memory');
    expect(job.template.metadata.annotations['kueue.x-k8s.io/podset-preferred-topology']).toBe('topology.k8s.aws/network-node-layer-3');
  });

  test('on GB200 NVL72 (GKE a4x-highgpu-4g) the gang is placed rack by rack: slices of 16 trays each required in one NVLink sub-block', () => {
    const gb200Plan = (gpus: number): TrainingPlan => TrainingPlanner.plan({
      model: ModelSpec.of('llama-3.1-70b'), gpu: GpuType.of('gb200-186gb'), nodeShape: NodeShape.of('a4x-highgpu-4g'), gpus,
      sequenceLength: 8192, globalBatchTokens: 256 * 8192,
    });
    const gbPool = (c: any): GpuResourcePool => testPool(c, { nodeShape: NodeShape.of('a4x-highgpu-4g'), maxNodes: 72 });
    const annotations = (gpus: number): any => ofKind(build({ plan: gb200Plan(gpus) }, gbPool), 'JobSet')[0].spec.replicatedJobs[0].template.spec.template.metadata.annotations;
    // 256 GPUs = 64 trays: four slices of 16 (64 GPUs, the power-of-two share of a 72-GPU rack), the gang preferring one block.
    expect(annotations(256)).toEqual({
      'kueue.x-k8s.io/podset-preferred-topology': 'cloud.google.com/gce-topology-block',
      'kueue.x-k8s.io/podset-slice-required-topology': 'cloud.google.com/gce-topology-subblock',
      'kueue.x-k8s.io/podset-slice-size': '16',
    });
    // 32 GPUs = 8 trays: one slice, the whole job inside one rack.
    expect(annotations(32)['kueue.x-k8s.io/podset-slice-size']).toBe('8');
    // HGX pools keep the plain preference.
    expect(Object.keys(ofKind(build(), 'JobSet')[0].spec.replicatedJobs[0].template.spec.template.metadata.annotations)).toEqual(['kueue.x-k8s.io/podset-preferred-topology']);
  });

  test('on an on-premises GB200 NVL72 pool the NVLink domain is GPU Feature Discovery\'s clique label, a Kueue topology level above the host', () => {
    const tray = NodeShape.custom({
      id: 'dgx-gb200-tray', provider: 'on-prem', gpuType: GpuType.of('gb200-186gb'), gpuCount: 4, vcpu: 144, memoryBytes: 1.8e12,
      networkBandwidthBitsPerSecond: 1600e9, source: 'DGX GB200 compute tray: 4 GPUs, 4 × 400 Gb/s',
    });
    const plan = TrainingPlanner.plan({
      model: ModelSpec.of('llama-3.1-70b'), gpu: GpuType.of('gb200-186gb'), nodeShape: tray, gpus: 128, sequenceLength: 8192, globalBatchTokens: 256 * 8192,
    });
    const objects = build({ plan }, (c) => testPool(c, { nodeShape: tray, maxNodes: 36 }));
    expect(ofKind(objects, 'Topology')[0].spec.levels).toEqual([{ nodeLabel: 'nvidia.com/gpu.clique' }, { nodeLabel: 'kubernetes.io/hostname' }]);
    // 32 trays: slices of 16 (the largest divisor of 32 within a rack of 18), each required inside one clique.
    expect(ofKind(objects, 'JobSet')[0].spec.replicatedJobs[0].template.spec.template.metadata.annotations).toEqual({
      'kueue.x-k8s.io/podset-preferred-topology': 'nvidia.com/gpu.clique',
      'kueue.x-k8s.io/podset-slice-required-topology': 'nvidia.com/gpu.clique',
      'kueue.x-k8s.io/podset-slice-size': '16',
    });
  });

  test('failure policy restarts from checkpoints but fails fast on non-retriable exit codes', () => {
    const jobset = ofKind(build({ maxRestarts: 5, nonRetriableExitCodes: [3, 1] }), 'JobSet')[0];
    expect(jobset.spec.failurePolicy).toEqual({ maxRestarts: 5, rules: [{ name: 'fail-fast-on-bugs', action: 'FailJobSet', onJobFailureReasons: ['PodFailurePolicy'] }] });
    const rules = jobset.spec.replicatedJobs[0].template.spec.podFailurePolicy.rules;
    expect(rules[0]).toEqual({ action: 'FailJob', onExitCodes: { containerName: 'trainer', operator: 'In', values: [1, 3] } });
  });

  test('the checkpoint volume holds the kept checkpoints of the planned model', () => {
    const plan = trainingPlan();
    const pvc = ofKind(build({ checkpointsKept: 3 }), 'PersistentVolumeClaim')[0];
    const [, n, unit] = /^(\d+)(Mi|Gi|Ti)$/.exec(pvc.spec.resources.requests.storage)!;
    const gib = Number(n) * { Mi: 1 / 1024, Gi: 1, Ti: 1024 }[unit]!;
    const expected = (plan.checkpointBytes * 3 * 1.1) / 2 ** 30;
    expect(gib).toBeGreaterThanOrEqual(expected);
    // Rounded up to whole GiB (quantityOfBytes).
    expect(gib).toBeLessThan(expected + 1);
    expect(pvc.spec.accessModes).toEqual(['ReadWriteMany']);
  });

  test.each([
    ['an unpinned image', { image: 'ghcr.io/acme/trainer:latest' }, /image/],
    ['an empty script', { script: [] }, /script/],
    ['zero checkpoints kept', { checkpointsKept: 0 }, /checkpointsKept/],
    ['a bad exit code', { nonRetriableExitCodes: [0] }, /nonRetriableExitCodes/],
    ['a tenant that is not in the pool', { tenant: 'nobody' }, /tenant/],
    ['a secret reference without a key', { secretEnv: { HF_TOKEN: 'hf' } }, /secretEnv\.HF_TOKEN/],
    ['a plan for another GPU', { plan: TrainingPlanner.plan({ model: ModelSpec.of('llama-3.1-8b'), gpu: GpuType.A100_SXM_80GB, gpus: 8, sequenceLength: 4096, globalBatchTokens: 4096 * 64 }) }, /a100-sxm-80gb/],
  ])('rejects %s naming the construct and prop', (_name, overrides, message) => {
    expect(() => build(overrides as any)).toThrow(ConstructValidationError);
    expect(() => build(overrides as any)).toThrow(message);
  });

  test('an MoE plan hands its expert layout to the trainer', () => {
    const plan = TrainingPlanner.plan({
      model: ModelSpec.of('mixtral-8x7b'), gpu: GpuType.of('h100-sxm-80gb'), gpus: 16, sequenceLength: 4096, globalBatchTokens: 256 * 4096,
      tensorParallel: 2, pipelineParallel: 1, contextParallel: 1, expertParallel: 8, expertTensorParallel: 1, zeroStage: 3, recompute: RecomputeMode.FULL,
    });
    const c = ofKind(build({ plan }), 'JobSet')[0].spec.replicatedJobs[0].template.spec.template.spec.containers[0];
    const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));
    expect([env.AIDC_TENSOR_PARALLEL, env.AIDC_EXPERT_PARALLEL, env.AIDC_EXPERT_TENSOR_PARALLEL]).toEqual(['2', '8', '1']);
    expect(env.AIDC_RECOMPUTE).toBe('full');
    // Recompute modules reach the trainer too: the memory plan holds only with them.
    const modules = TrainingPlanner.plan({
      model: ModelSpec.of('mixtral-8x7b'), gpu: GpuType.of('h100-sxm-80gb'), gpus: 16, sequenceLength: 4096, globalBatchTokens: 256 * 4096,
      tensorParallel: 2, pipelineParallel: 1, contextParallel: 1, expertParallel: 8, expertTensorParallel: 1, zeroStage: 3,
      recomputeModules: [RecomputeModule.LAYERNORM, RecomputeModule.MOE],
    });
    const c2 = ofKind(build({ plan: modules }), 'JobSet')[0].spec.replicatedJobs[0].template.spec.template.spec.containers[0];
    const env2 = Object.fromEntries(c2.env.map((e: any) => [e.name, e.value]));
    expect([env2.AIDC_RECOMPUTE, env2.AIDC_RECOMPUTE_MODULES]).toEqual(['selective', 'layernorm,moe']);
  });

  test('training on a pool that shares GPUs is rejected', () => {
    expect(() => build({}, (c) => testPool(c, { sharing: GpuSharing.timeSlicing(4) }))).toThrow(/distributed training needs whole GPUs/);
  });

  test('a gang larger than the tenant can ever get fails synthesis', () => {
    expect(() => build({ plan: trainingPlan(64) }, (c) => testPool(c, { tenants: [{ name: 'research', share: 0.25, borrowingFraction: 0.25 }] })))
      .toThrow(/below one gang of 'sft' \(64 GPUs\)/);
  });
});

describeWithShared('AiTrainingCluster output', () => {
  test('passes the strict validation harness', () => {
    expectValidObjects(build());
  });

  test('on a GB200 NVL72 pool it passes the strict validation harness too', () => {
    const plan = TrainingPlanner.plan({
      model: ModelSpec.of('llama-3.1-70b'), gpu: GpuType.of('gb200-186gb'), nodeShape: NodeShape.of('a4x-highgpu-4g'), gpus: 256,
      sequenceLength: 8192, globalBatchTokens: 256 * 8192,
    });
    expectValidObjects(build({ plan }, (c) => testPool(c, { nodeShape: NodeShape.of('a4x-highgpu-4g'), maxNodes: 72 })));
  });

  test('Llama 4 Maverick (interleaved MoE, expert parallelism searched) on 128 H100s passes the strict validation harness', () => {
    const plan = TrainingPlanner.plan({ model: ModelSpec.of('llama-4-maverick'), gpu: GpuType.of('h100-sxm-80gb'), gpus: 128, sequenceLength: 8192, globalBatchTokens: 128 * 8192 });
    expect(plan.parallelism.ep).toBeGreaterThan(1);
    expectValidObjects(build({ plan }, (c) => testPool(c, { maxNodes: 18 })));
  });
});
