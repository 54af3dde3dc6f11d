import { Testing } from 'cdk8s';
import { inferencePlan, ofKind, testChart, testPool } from './fixtures';
import { ConstructValidationError, PlanningError } from '../../src/errors';
import { ElasticInferenceService, ElasticInferenceServiceProps, InferenceEngine } from '../../src/k8s';
import { GpuType, ModelSpec, NodeShape } from '../../src/planning/catalog';
import { HourlySeries, ScalingSchedule } from '../../src/planning/forecast';
import { InferencePlan, InferencePlanner, InferencePrecision, KvCacheDtype } from '../../src/planning/inference';
import { describeWithShared } from '../harness/shared';
import { expectValidObjects } from '../harness/validate';

function build(overrides: Partial<ElasticInferenceServiceProps> = {}): any[] {
  const chart = testChart();
  const pool = testPool(chart);
  new ElasticInferenceService(chart, 'chat', {
    pool, tenant: 'serving', plan: inferencePlan(), modelRef: 'meta-llama/Llama-3.1-8B-Instruct', huggingFaceTokenSecret: 'hf/token',
    prescaleWindows: [{ start: '45 7 * * 1-5', end: '0 19 * * 1-5', replicas: 2 }],
    ...overrides,
  });
  return Testing.synth(chart);
}

/** DeepSeek-V3 in FP8 served from a GKE GB200 NVL72 pool (a4x-highgpu-4g trays). */
function gb200DeepSeekService(): { plan: InferencePlan; objects: any[] } {
  const chart = testChart();
  const pool = testPool(chart, { nodeShape: NodeShape.of('a4x-highgpu-4g'), maxNodes: 36 });
  const plan = InferencePlanner.plan({
    model: ModelSpec.of('deepseek-v3'), gpu: GpuType.of('gb200-186gb'), nodeShape: NodeShape.of('a4x-highgpu-4g'), precision: InferencePrecision.FP8,
    traffic: { promptTokens: 1024, outputTokens: 256, peakRequestsPerSecond: 2 },
  });
  new ElasticInferenceService(chart, 'dsv3', { pool, tenant: 'serving', plan, modelRef: 'deepseek-ai/DeepSeek-V3' });
  return { plan, objects: Testing.synth(chart) };
}

describe('ElasticInferenceService', () => {
  test('full configuration snapshot', () => {
    expect(build().filter((o) => o.metadata.namespace === 'serving' && !['NetworkPolicy', 'ResourceQuota', 'LimitRange', 'ServiceAccount', 'LocalQueue'].includes(o.kind))).toMatchSnapshot();
  });

  test('a single-node model is a Deployment whose engine arguments carry the plan', () => {
    const plan = inferencePlan();
    const objects = build();
    expect(ofKind(objects, 'LeaderWorkerSet')).toHaveLength(0);
    const dep = ofKind(objects, 'Deployment')[0];
    expect(dep.spec.replicas).toBe(plan.replicas.min);
    const c = dep.spec.template.spec.containers[0];
    const arg = (flag: string): string => c.command[c.command.indexOf(flag) + 1];
    expect(arg('--tensor-parallel-size')).toBe(String(plan.tensorParallel));
    expect(arg('--max-model-len')).toBe(String(plan.maxModelLen));
    expect(arg('--gpu-memory-utilization')).toBe(String(plan.gpuMemoryUtilization));
    expect(arg('--max-num-seqs')).toBe(String(plan.maxNumSeqs));
    expect(arg('--max-num-batched-tokens')).toBe(String(plan.maxNumBatchedTokens));
    expect(c.command).not.toContain('--quantization');
    expect(c.command).not.toContain('--kv-cache-dtype');
    expect(c.resources.limits['nvidia.com/gpu']).toBe(String(plan.gpusPerReplica));
    expect(c.startupProbe.failureThreshold * c.startupProbe.periodSeconds).toBeGreaterThanOrEqual(Math.max(600, 3 * plan.modelLoadSeconds));
    expect(c.readinessProbe.httpGet.path).toBe('/health');
    expect(c.lifecycle.preStop.exec.command).toEqual(['sh', '-c', 'sleep 15']);
    expect(dep.spec.template.spec.topologySpreadConstraints[0].topologyKey).toBe('topology.kubernetes.io/zone');
  });

  test('an FP8 plan with an FP8 KV cache and its own token budget deploys exactly that engine (same flags as the plan\'s engineArgs)', () => {
    const plan = InferencePlanner.plan({
      model: ModelSpec.of('llama-3.1-8b'), gpu: GpuType.H100_SXM_80GB, nodeShape: NodeShape.P5_48XLARGE, precision: InferencePrecision.FP8,
      kvCacheDtype: KvCacheDtype.FP8, maxNumBatchedTokens: 4096,
      traffic: { promptTokens: 1024, outputTokens: 256, peakRequestsPerSecond: 20 }, slo: { ttftP95Seconds: 1, tpotP95Seconds: 0.05 },
    });
    const c = ofKind(build({ plan, prescaleWindows: [] }), 'Deployment')[0].spec.template.spec.containers[0];
    const flags = new Map<string, string>();
    for (let i = 0; i < c.command.length - 1; i++) if (c.command[i].startsWith('--')) flags.set(c.command[i], c.command[i + 1]);
    for (const a of plan.engineArgs()) {
      const [flag, value] = a.split('=');
      expect([flag, flags.get(flag)]).toEqual([flag, value]);
    }
    expect(flags.get('--max-num-batched-tokens')).toBe('4096');
  });

  test('a model too large for one node is a LeaderWorkerSet with a Ray group per replica', () => {
    const chart = testChart();
    const pool = testPool(chart, { maxNodes: 16 });
    const plan = inferencePlan('llama-3.1-405b', 2);
    expect(plan.nodesPerReplica).toBeGreaterThan(1);
    new ElasticInferenceService(chart, 'big', { pool, tenant: 'serving', plan, modelRef: 'meta-llama/Llama-3.1-405B-Instruct' });
    const objects = Testing.synth(chart);
    const lws = ofKind(objects, 'LeaderWorkerSet')[0];
    expect(lws.spec.leaderWorkerTemplate.size).toBe(plan.nodesPerReplica);
    expect(lws.spec.leaderWorkerTemplate.workerTemplate.spec.containers[0].command.join(' ')).toMatch(/ray start --address=\$\(LWS_LEADER_ADDRESS\)/);
    expect(ofKind(objects, 'ScaledObject')[0].spec.scaleTargetRef.kind).toBe('LeaderWorkerSet');
  });

  test('on GB200 NVL72 (GKE a4x-highgpu-4g) a replica spanning two trays (DeepSeek-V3 FP8, TP8) keeps its pods in one NVLink sub-block', () => {
    const { plan, objects } = gb200DeepSeekService();
    expect([plan.tensorParallel, plan.pipelineParallel, plan.nodesPerReplica]).toEqual([8, 1, 2]);
    const lws = ofKind(objects, 'LeaderWorkerSet')[0];
    for (const template of [lws.spec.leaderWorkerTemplate.leaderTemplate, lws.spec.leaderWorkerTemplate.workerTemplate]) {
      const [term, ...more] = template.spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution;
      expect(more).toEqual([]);
      expect([term.matchLabelKeys, term.topologyKey]).toEqual([['leaderworkerset.sigs.k8s.io/group-key'], 'cloud.google.com/gce-topology-subblock']);
      // The selector picks this service's own pods (every template carries its labels); the group key narrows it to the group.
      expect(Object.keys(term.labelSelector.matchLabels).length).toBeGreaterThan(0);
      expect(template.metadata.labels).toMatchObject(term.labelSelector.matchLabels);
    }
    // HGX pools (the NVLink domain is the node) get no such term.
    const hgx = testChart();
    new ElasticInferenceService(hgx, 'big', {
      pool: testPool(hgx, { maxNodes: 16 }), tenant: 'serving', plan: inferencePlan('llama-3.1-405b', 2), modelRef: 'meta-llama/Llama-3.1-405B-Instruct',
    });
    expect(ofKind(Testing.synth(hgx), 'LeaderWorkerSet')[0].spec.leaderWorkerTemplate.workerTemplate.spec.affinity).toBeUndefined();
  });

  test('KEDA scales on in-flight requests and KV-cache use within the planned bounds, with cron pre-scaling', () => {
    const plan = inferencePlan();
    const so = ofKind(build(), 'ScaledObject')[0];
    expect(so.spec.minReplicaCount).toBe(plan.replicas.min);
    expect(so.spec.maxReplicaCount).toBe(plan.replicas.max);
    const [inflight, kv, cron] = so.spec.triggers;
    expect(inflight.metadata.query).toBe('sum(vllm:num_requests_running{namespace="serving",model_name="chat"}) + sum(vllm:num_requests_waiting{namespace="serving",model_name="chat"})');
    expect(inflight.metadata.threshold).toBe(String(Math.max(1, Math.floor(plan.concurrencyPerReplica))));
    expect(kv.metadata.query).toMatch(/vllm:kv_cache_usage_perc/);
    expect(cron).toEqual({ type: 'cron', name: 'prescale-0', metadata: { timezone: 'Etc/UTC', start: '45 7 * * 1-5', end: '0 19 * * 1-5', desiredReplicas: '2' } });
  });

  test('cron triggers in the ScaledObject match the forecast schedule window for window', () => {
    const plan = inferencePlan('llama-3.1-8b', 80);
    // Two weeks of a weekday 09:00–17:00 peak of 70 req/s over 3 req/s: more than the two-replica floor serves.
    const values = Array.from({ length: 2 * 168 }, (_, h) => ((h % 168) < 120 && h % 24 >= 9 && h % 24 < 17 ? 70 : 3));
    const schedule = ScalingSchedule.fromHistory({
      history: HourlySeries.fromValues({ id: 'chat', start: '2026-10-05T00:00:00Z', values }),
      capacityPerReplica: plan.requestsPerSecondPerReplica, minReplicas: plan.replicas.min, maxReplicas: plan.replicas.max,
      startupSeconds: plan.modelLoadSeconds,
    });
    expect(schedule.cronTriggers().length).toBeGreaterThan(0);
    const so = ofKind(build({ plan, prescaleWindows: [], prescaleSchedule: schedule }), 'ScaledObject')[0];
    const crons = so.spec.triggers.filter((t: any) => t.type === 'cron').map((t: any) => t.metadata);
    expect(crons).toEqual(schedule.cronTriggers().map((t) => ({ timezone: t.timezone, start: t.start, end: t.end, desiredReplicas: t.desiredReplicas })));
  });

  test('the PodDisruptionBudget, Service and ServiceMonitor select the engine pods', () => {
    const objects = build();
    const selector = { 'app.kubernetes.io/name': 'chat' };
    expect(ofKind(objects, 'PodDisruptionBudget')[0].spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: selector } });
    expect(ofKind(objects, 'Service')[0].spec.selector).toEqual(selector);
    const sm = ofKind(objects, 'ServiceMonitor')[0];
    expect(sm.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(sm.spec.endpoints[0]).toMatchObject({ port: 'http', path: '/metrics' });
  });

  test.each([
    ['an unpinned engine image', () => ({ engine: InferenceEngine.vllm({ image: 'vllm/vllm-openai' }) }), /engine\.image/],
    ['a window above the max replicas', () => ({ prescaleWindows: [{ start: '0 8 * * *', end: '0 18 * * *', replicas: 1000 }] }), /prescaleWindows\[0\]\.replicas/],
    ['a malformed cron', () => ({ prescaleWindows: [{ start: 'at eight', end: '0 18 * * *', replicas: 1 }] }), /prescaleWindows\[0\]\.start/],
    ['a bad token reference', () => ({ huggingFaceTokenSecret: 'hf' }), /huggingFaceTokenSecret/],
    ['negative drain', () => ({ drainSeconds: -1 }), /drainSeconds/],
    ['an empty model reference', () => ({ modelRef: '' }), /modelRef/],
  ])('rejects %s', (_name, overrides, message) => {
    expect(() => build(overrides())).toThrow(message);
  });

  test('a plan made for bigger nodes than the pool has is rejected with the node shape to plan for', () => {
    // Without a node shape an L40S plan assumes an 8-GPU server (tensor parallelism over PCIe); a pool of one-GPU nodes cannot hold it.
    const plan = InferencePlanner.plan({ model: ModelSpec.of('llama-3.1-70b'), gpu: GpuType.of('l40s-48gb'), precision: InferencePrecision.FP8 });
    const chart = testChart();
    const pool = testPool(chart, { nodeShape: NodeShape.of('g6e.xlarge') });
    expect(() => new ElasticInferenceService(chart, 'chat', { pool, tenant: 'serving', plan, modelRef: 'meta-llama/Llama-3.1-70B-Instruct', huggingFaceTokenSecret: 'hf/token' }))
      .toThrow(/a replica needs 2 GPUs per node but g6e\.xlarge has 1; plan with nodeShape g6e\.xlarge/);
  });

  test('construct errors name the construct path', () => {
    expect(() => build({ drainSeconds: 1.5 })).toThrow(ConstructValidationError);
    expect(() => build({ drainSeconds: 1.5 })).toThrow(/^test\/chat: drainSeconds/);
  });
});

describeWithShared('ElasticInferenceService output', () => {
  test('passes the strict validation harness (Deployment and LeaderWorkerSet forms)', () => {
    expectValidObjects(build());
    const chart = testChart();
    const pool = testPool(chart, { maxNodes: 16 });
    new ElasticInferenceService(chart, 'big', { pool, tenant: 'serving', plan: inferencePlan('llama-3.1-405b', 2), modelRef: 'meta-llama/Llama-3.1-405B-Instruct' });
    expectValidObjects(Testing.synth(chart));
  });

  test('on GB200 NVL72 the LeaderWorkerSet with its NVLink-domain affinity passes the strict validation harness', () => {
    expectValidObjects(gb200DeepSeekService().objects);
  });

  test.each([
    ['deepseek-v3.2', 'sparse attention', 'deepseek-ai/DeepSeek-V3.2'],
    ['llama-4-maverick', 'interleaved MoE, chunked attention', 'meta-llama/Llama-4-Maverick-17B-128E-Instruct'],
  ])('%s (%s) served in FP8 on H100s passes the strict validation harness', (id, _what, modelRef) => {
    const chart = testChart();
    const pool = testPool(chart, { maxNodes: 16 });
    const plan = InferencePlanner.plan({
      model: ModelSpec.of(id), gpu: GpuType.of('h100-sxm-80gb'), nodeShape: NodeShape.of('p5.48xlarge'), precision: InferencePrecision.FP8,
      maxModelLen: 65536, traffic: { promptTokens: 4096, outputTokens: 512, peakRequestsPerSecond: 2 },
    });
    new ElasticInferenceService(chart, 'svc', { pool, tenant: 'serving', plan, modelRef });
    expectValidObjects(Testing.synth(chart));
  });
});

describe('ElasticInferenceService inputs that fail before the construct', () => {
  test.each([
    ['an unknown model', () => inferencePlan('llama-3.1-9b'), /model=llama-3\.1-9b: unknown model id; did you mean/],
    ['an SLO the GPU cannot meet', () => InferencePlanner.plan({
      model: ModelSpec.of('llama-3.1-70b'), gpu: GpuType.L4_24GB,
      traffic: { promptTokens: 1024, outputTokens: 256, peakRequestsPerSecond: 5 }, slo: { ttftP95Seconds: 0.2, tpotP95Seconds: 0.005 },
    }), /slo\./],
  ])('%s is a PlanningError naming the field, so no construct is built from it', (_name, plan, message) => {
    expect(plan).toThrow(PlanningError);
    expect(plan).toThrow(message);
  });
});
