/**
 * Robustness properties of the four k8s constructs (issue 8 item 3): random valid and invalid
 * prop combinations either synthesize objects that
 *   - pass the strict validation harness (`validateObjects`: Kubernetes 1.28 OpenAPI + CRD schemas,
 *     unknown fields rejected) — run on EVERY case (about 3 ms a case, measured),
 *   - hold no NaN / Infinity / undefined / null (`findBadValues`),
 *   - and pass a few apiserver rules the schemas cannot express (`apiServerIssues` below: names,
 *     label values, unique objects, integer range, exit-code lists),
 * or throw the library's own error naming the prop: `ConstructValidationError`, `PlanningError`, or
 * cdk8s's synthesis-time "Validation failed" whose every line is a construct validation naming a
 * construct path and prop. Any other exception type fails the property.
 *
 * Plans are expensive, so a handful is computed once (outside the properties) and drawn from.
 * Each property runs 1,000 cases and logs `property <name>: 1000 cases` (runProperty).
 */
import { Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import {
  cronSpec, exactSplit, imageSpec, mostly, opt, secretRef, SharingSpec, sharingSpec, someFraction, someInt, someName,
  tenantSpec, validName, workloadSpec,
} from './arbitraries';
import { ConstructValidationError, PlanningError } from '../../src/errors';
import {
  AiTrainingCluster, ElasticInferenceService, GpuResourcePool, GpuSharing, InferenceEngine, MonitoringStack, WorkloadPriority,
} from '../../src/k8s';
import { GpuType, ModelSpec, NodeShape } from '../../src/planning/catalog';
import { InferencePlan, InferencePlanner } from '../../src/planning/inference';
import { PlacementTopology } from '../../src/planning/placement/types';
import { TrainingPlan, TrainingPlanner } from '../../src/planning/training';
import { PolicyChecks } from '../../src/policy';
import { findBadValues, runProperty } from '../harness/properties';
import { describeWithShared } from '../harness/shared';
import { validateObjects } from '../harness/validate';

const CASES = 1000;

// ---------------------------------------------------------------------------------------------
// Outcome checks

/** Outcome counts of one property, printed after it. */
class Tally {
  readonly counts: Record<string, number> = {};
  lastFailure = '';
  readonly examples: Record<string, string> = {};
  /** Rejections by prop (indices and names in brackets dropped). */
  readonly props: Record<string, number> = {};
  add(kind: string, example = ''): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    if (example && !(kind in this.examples)) this.examples[kind] = example.split('\n').slice(0, 2).join(' ').slice(0, 200);
  }
  print(name: string, ms: number): void {
    // eslint-disable-next-line no-console
    console.log(`property ${name} outcomes in ${ms} ms: ${Object.entries(this.counts).sort().map(([k, v]) => `${k}=${v}`).join(', ')}\n`
      + Object.entries(this.examples).map(([k, v]) => `  e.g. ${k}: ${v}`).join('\n')
      + `\n  rejected props: ${Object.entries(this.props).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  }
}

/** A line of cdk8s's aggregated validation error that is a construct validation: `[<node>] <path>: <prop>: <message>`. */
const CONSTRUCT_VALIDATION_LINE = /^\[[^\]]*\] \S+: [^\s:]+: \S/;

/** Why `e` is not an acceptable library error (undefined when it is), and its category. */
function classifyError(e: unknown): { category: string; problem?: string } {
  if (e instanceof ConstructValidationError) {
    const ok = e.prop.length > 0 && e.message.startsWith(`${e.constructPath}: ${e.prop}: `);
    return { category: 'ConstructValidationError', problem: ok ? undefined : `message does not name path and prop: ${e.message}` };
  }
  if (e instanceof PlanningError) {
    return { category: 'PlanningError', problem: e.field.length > 0 ? undefined : `no field: ${e.message}` };
  }
  if (e instanceof Error && e.message.startsWith('Validation failed with the following errors:\n')) {
    const lines = e.message.split('\n').slice(1).map((l) => l.trim()).filter((l) => l !== '');
    const foreign = lines.filter((l) => !CONSTRUCT_VALIDATION_LINE.test(l));
    return { category: 'synth-validation', problem: foreign.length === 0 ? undefined : `synthesis failed on lines that are not construct validations:\n  ${foreign.join('\n  ')}` };
  }
  const err = e as Error;
  return { category: 'foreign', problem: `${err?.constructor?.name ?? typeof e} is not a library error: ${err?.message ?? String(e)}\n${(err?.stack ?? '').split('\n').slice(1, 6).join('\n')}` };
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
/** Fields that reference another object by name (DNS-1123 subdomain). */
const REFERENCE_FIELDS = new Set(['claimName', 'storageClassName', 'priorityClassName', 'serviceAccountName']);

/**
 * Rules the apiserver enforces that the OpenAPI/CRD schemas do not: object names and namespaces,
 * label keys and values, unique kind/namespace/name, integers within int64 (safe JSON integers),
 * references by name, and Job podFailurePolicy exit-code lists (non-empty, unique, no 0 with `In`).
 */
function apiServerIssues(objects: any[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const o of objects) {
    const ns = o.metadata?.namespace;
    const name = o.metadata?.name;
    const id = `${o.kind} ${ns ? `${ns}/` : ''}${name}`;
    if (seen.has(id)) out.push(`${id}: emitted twice`);
    seen.add(id);
    if (typeof name !== 'string' || name.length > 253 || !DNS_SUBDOMAIN.test(name)) out.push(`${id}: metadata.name is not a DNS-1123 subdomain`);
    if (ns !== undefined && (typeof ns !== 'string' || ns.length > 63 || !DNS_LABEL.test(ns))) out.push(`${id}: metadata.namespace is not a DNS-1123 label`);
    const walk = (v: any, p: string): void => {
      if (typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v)) out.push(`${id} ${p}: integer ${v} beyond 2^53`);
      if (!v || typeof v !== 'object') return;
      if (Array.isArray(v)) { v.forEach((x, i) => walk(x, `${p}[${i}]`)); return; }
      for (const [k, x] of Object.entries(v)) {
        const here = p ? `${p}.${k}` : k;
        if (k === 'labels' || (k === 'matchLabels' && x && typeof x === 'object')) {
          for (const [lk, lv] of Object.entries(x as object)) {
            const local = lk.includes('/') ? lk.slice(lk.lastIndexOf('/') + 1) : lk;
            if (local.length > 63 || !LABEL_NAME.test(local)) out.push(`${id} ${here}: label key '${lk}' is invalid`);
            if (typeof lv !== 'string' || lv.length > 63 || !LABEL_VALUE.test(lv)) out.push(`${id} ${here}: label value '${lv}' of '${lk}' is invalid`);
          }
        }
        if ((REFERENCE_FIELDS.has(k) || (k === 'name' && /secretKeyRef$/.test(p))) && (typeof x !== 'string' || !DNS_SUBDOMAIN.test(x) || x.length > 253)) {
          out.push(`${id} ${here}: '${x}' is not a valid object name`);
        }
        if (k === 'onExitCodes') {
          const values: number[] = (x as any).values ?? [];
          if (values.length === 0) out.push(`${id} ${here}.values: must not be empty`);
          if (new Set(values).size !== values.length) out.push(`${id} ${here}.values: ${values.join(',')} has duplicates`);
          if ((x as any).operator === 'In' && values.includes(0)) out.push(`${id} ${here}.values: 0 is not allowed with In`);
        }
        walk(x, here);
      }
    };
    walk(o, '');
  }
  return out;
}

/**
 * Runs one case: builds the construct tree and synthesizes it. Returns nothing on an acceptable
 * outcome and throws (so fast-check shrinks it) with the reason otherwise.
 */
function checkCase(tally: Tally, build: () => Chart): void {
  try {
    checkCaseInner(tally, build);
  } catch (e) {
    // fast-check's report omits the error; the last failure is the shrunk counterexample's.
    tally.lastFailure = (e as Error).message;
    throw e;
  }
}

function checkCaseInner(tally: Tally, build: () => Chart): void {
  let objects: any[];
  try {
    objects = Testing.synth(build());
  } catch (e) {
    const { category, problem } = classifyError(e);
    tally.add(category, (e as Error)?.message);
    const prop = e instanceof ConstructValidationError ? e.prop : e instanceof PlanningError ? e.field : undefined;
    if (prop !== undefined) tally.props[prop.replace(/\[[^\]]*\]/g, '[]')] = (tally.props[prop.replace(/\[[^\]]*\]/g, '[]')] ?? 0) + 1;
    if (problem) throw new Error(problem);
    return;
  }
  tally.add('synthesized');
  const bad = findBadValues(objects);
  if (bad.length > 0) throw new Error(`bad values:\n  ${bad.slice(0, 10).join('\n  ')}`);
  const issues = validateObjects(objects);
  if (issues.length > 0) throw new Error(`schema-invalid output:\n  ${issues.slice(0, 10).map((i) => `${i.object} [${i.validator}] ${i.message}`).join('\n  ')}`);
  const api = apiServerIssues(objects);
  if (api.length > 0) throw new Error(`output the apiserver rejects:\n  ${api.slice(0, 10).join('\n  ')}`);
}

/** runProperty, with the failure reason of the shrunk counterexample added to its report. */
function property<T>(name: string, arb: fc.Arbitrary<T>, tally: Tally, predicate: (value: T) => void): void {
  const started = Date.now();
  if (EXPLORE > 0) {
    explore(name, arb, predicate);
    return;
  }
  try {
    runProperty(name, arb, predicate, CASES);
  } catch (e) {
    throw new Error(`${(e as Error).message}\nFailure of the counterexample: ${tally.lastFailure}`);
  }
  tally.print(name, Date.now() - started);
}

/**
 * Exploration (AIDC_PROPERTY_EXPLORE=<cases>): runs that many random cases without stopping at the
 * first failure and prints each distinct failure (numbers normalised) with its smallest input.
 */
const EXPLORE = Number(process.env.AIDC_PROPERTY_EXPLORE ?? 0);
function explore<T>(name: string, arb: fc.Arbitrary<T>, predicate: (value: T) => void): void {
  const groups = new Map<string, { count: number; input: string }>();
  for (const value of fc.sample(arb, EXPLORE)) {
    try {
      predicate(value);
    } catch (e) {
      const key = (e as Error).message.split('\n').slice(0, 2).join(' | ').replace(/\b([A-Z]\w+) [a-z0-9.-]+(\/[a-z0-9.-]+)?/g, '$1 …').replace(/\d+(\.\d+)?(e[+-]?\d+)?/g, '#').replace(/'[^']*'/g, "'…'").slice(0, 300);
      const input = fc.stringify(value);
      const g = groups.get(key);
      if (!g) {groups.set(key, { count: 1, input });} else { g.count++; if (input.length < g.input.length) g.input = input; }
    }
  }
  // eslint-disable-next-line no-console
  console.log(`explore ${name}: ${EXPLORE} cases, ${groups.size} distinct failures\n${[...groups].map(([k, g]) => `- ${g.count}x ${k}\n    ${g.input}`).join('\n')}`);
}

/** A fresh chart whose policy warnings are not printed (1,000 cases would flood the log). */
function quietChart(): Chart {
  const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
  PolicyChecks.of(chart, { printWarnings: false });
  return chart;
}

function sharingOf(s: SharingSpec | undefined): GpuSharing | undefined {
  if (!s) return undefined;
  switch (s.mode) {
    case 'exclusive': return GpuSharing.exclusive();
    case 'time-slicing': return GpuSharing.timeSlicing(s.replicas);
    case 'mig': return GpuSharing.mig(s.profile);
  }
}

// ---------------------------------------------------------------------------------------------
// Plans, computed once and drawn from

const SHAPES = [NodeShape.P5_48XLARGE, NodeShape.A3_HIGHGPU_8G, NodeShape.P4D_24XLARGE, NodeShape.G6E_12XLARGE, NodeShape.G5_XLARGE];
let TRAINING_PLANS: TrainingPlan[] = [];
let INFERENCE_PLANS: InferencePlan[] = [];

beforeAll(() => {
  const training = (model: string, gpus: number, gpu = GpuType.H100_SXM_80GB): TrainingPlan => TrainingPlanner.plan({
    model: ModelSpec.of(model), gpu, gpus, sequenceLength: 8192, globalBatchTokens: 4 * 1024 * 1024, tokens: 20e9,
    ...(gpu === GpuType.H100_SXM_80GB ? { nodeShape: NodeShape.P5_48XLARGE } : {}),
  });
  // One node, two nodes, eight nodes (over most tenants' quota), and an A100 plan (wrong GPU for the pools).
  TRAINING_PLANS = [training('llama-3.1-8b', 8), training('llama-3.1-8b', 16), training('llama-3.1-8b', 64), training('llama-3.1-8b', 8, GpuType.A100_SXM_80GB)];
  const inference = (model: string, rps: number, availability = 0.999, gpu = GpuType.H100_SXM_80GB): InferencePlan => InferencePlanner.plan({
    model: ModelSpec.of(model), gpu, ...(gpu === GpuType.H100_SXM_80GB ? { nodeShape: NodeShape.P5_48XLARGE } : {}),
    traffic: { promptTokens: 1024, outputTokens: 256, peakRequestsPerSecond: rps },
    slo: { ttftP95Seconds: 1, tpotP95Seconds: 0.05, availability },
  });
  // Deployment form, a larger Deployment, a multi-node LeaderWorkerSet, and an A100 plan.
  INFERENCE_PLANS = [inference('llama-3.1-8b', 20), inference('llama-3.1-70b', 10, 0.99), inference('llama-3.1-405b', 2), inference('llama-3.1-8b', 5, 0.999, GpuType.A100_SXM_80GB)];
});

/** Pools the workload properties run on: aws and gcp H100 nodes, sharing, and tight tenant shares. */
const POOLS: Array<{ shape: NodeShape; maxNodes: number; sharing?: () => GpuSharing; shares: [number, number] }> = [
  { shape: NodeShape.P5_48XLARGE, maxNodes: 8, shares: [0.6, 0.4] },
  { shape: NodeShape.P5_48XLARGE, maxNodes: 32, shares: [0.5, 0.5] },
  { shape: NodeShape.A3_HIGHGPU_8G, maxNodes: 16, shares: [0.7, 0.3] },
  { shape: NodeShape.P5_48XLARGE, maxNodes: 8, shares: [0.1, 0.1] },
  { shape: NodeShape.P5_48XLARGE, maxNodes: 16, sharing: () => GpuSharing.timeSlicing(2), shares: [0.6, 0.4] },
  { shape: NodeShape.P5_48XLARGE, maxNodes: 16, sharing: () => GpuSharing.mig('3g.40gb'), shares: [0.6, 0.4] },
];

function poolFor(chart: Chart, index: number, monitoring?: MonitoringStack): GpuResourcePool {
  const p = POOLS[index];
  return new GpuResourcePool(chart, 'h100', {
    nodeShape: p.shape, maxNodes: p.maxNodes, sharing: p.sharing?.(), monitoring,
    tenants: [{ name: 'research', share: p.shares[0] }, { name: 'serving', share: p.shares[1] }],
  });
}

const TENANT = mostly(fc.constantFrom('research', 'serving'), someName());

// ---------------------------------------------------------------------------------------------
// KNOWN BUGS found by these properties. Each region below is kept out of the properties (so they
// keep checking everything else) and pinned by a failing regression test in 'known bugs found by
// the robustness properties' at the end of this file. When a bug is fixed, delete its region here.

/** Beyond any real setting: the constructs take these (no upper bound) and emit broken output. */
/** Images the constructs' pin check accepts but that carry no tag (rejected later by policy AIDC-IMG-1). */
/** `secret/key` references whose secret name is not a DNS-1123 subdomain (accepted as is). */
/** Two (namespace, name) pairs that join to the same `<namespace>-<name>` (PodMonitor construct id and object name). */


// ---------------------------------------------------------------------------------------------
// The properties

describeWithShared('construct robustness properties (random valid and invalid props)', () => {
  test('GpuResourcePool: any props synthesize valid objects or fail with the library\'s own error', () => {
    const tally = new Tally();
    const arb = fc.record({
      id: someName(40),
      shape: fc.nat(SHAPES.length - 1),
      maxNodes: someInt(1, 64),
      minNodes: opt(someInt(0, 70), 1),
      sharing: opt(sharingSpec),
      tenants: fc.oneof(
        fc.array(tenantSpec, { maxLength: 4 }),
        fc.tuple(exactSplit, fc.uniqueArray(validName(), { minLength: 4, maxLength: 4 })).map(([shares, names]) => shares.map((share, i) => ({ name: names[i], share }))),
      ),
      headroomFraction: opt(someFraction()),
      monitoring: fc.boolean(),
      monitoringNamespace: opt(someName(), 1),
      gpuOperatorNamespace: opt(someName(), 1),
      workloads: fc.array(workloadSpec, { maxLength: 3 }),
    });
    property('GpuResourcePool', arb, tally, (c) => checkCase(tally, () => {
      const chart = quietChart();
      const monitoring = c.monitoring ? new MonitoringStack(chart, 'monitoring') : undefined;
      const pool = new GpuResourcePool(chart, c.id, {
        nodeShape: SHAPES[c.shape], maxNodes: c.maxNodes, minNodes: c.minNodes, sharing: sharingOf(c.sharing),
        tenants: c.tenants, headroomFraction: c.headroomFraction, monitoring,
        monitoringNamespace: c.monitoringNamespace, gpuOperatorNamespace: c.gpuOperatorNamespace,
      });
      c.workloads.forEach((w, i) => pool.addWorkload({
        name: `${w.name}-${i}`, tenant: w.tenantIndex < 0 || c.tenants.length === 0 ? 'nobody' : c.tenants[w.tenantIndex % c.tenants.length].name, podCount: w.podCount, gpusPerPod: w.gpusPerPod,
        cpuCoresPerPod: w.cpuCoresPerPod, memoryBytesPerPod: w.memoryBytesPerPod, gang: w.gang, topology: PlacementTopology.NONE,
        minReplicas: w.minReplicas, maxReplicas: w.minReplicas + w.extraReplicas, spreadAcrossZones: w.spreadAcrossZones,
      }));
      return chart;
    }));
  });

  test('AiTrainingCluster: any props synthesize valid objects or fail with the library\'s own error', () => {
    const tally = new Tally();
    const arb = fc.record({
      id: someName(40),
      pool: fc.nat(POOLS.length - 1),
      tenant: TENANT,
      // Plans 0-2 are H100 (the pools' GPU); plan 3 is an A100 plan, rejected.
      plan: mostly(fc.nat(2), fc.constant(3), 8),
      image: imageSpec,
      script: mostly(fc.array(fc.constantFrom('train.py', '--config', 'llama.yaml', '--lr=3e-4'), { minLength: 1, maxLength: 3 }), fc.constant<string[]>([])),
      checkpointsKept: opt(someInt(1, 10)),
      checkpointStorageClass: opt(someName(), 1),
      maxRestarts: opt(someInt(0, 20)),
      nonRetriableExitCodes: opt(fc.array(someInt(1, 255), { maxLength: 4 })),
      priority: opt(fc.constantFrom(WorkloadPriority.SERVING, WorkloadPriority.TRAINING, WorkloadPriority.BATCH)),
      monitoring: fc.boolean(),
      env: opt(fc.dictionary(fc.constantFrom('WANDB_PROJECT', 'LOG_LEVEL', 'NCCL_DEBUG'), fc.constantFrom('x', '', 'INFO'))),
      secretEnv: opt(fc.dictionary(fc.constantFrom('HF_TOKEN', 'WANDB_API_KEY'), secretRef)),
    });
    property('AiTrainingCluster', arb, tally, (c) => checkCase(tally, () => {
      const chart = quietChart();
      const monitoring = c.monitoring ? new MonitoringStack(chart, 'monitoring') : undefined;
      const pool = poolFor(chart, c.pool, monitoring);
      new AiTrainingCluster(chart, c.id, {
        pool, tenant: c.tenant, plan: TRAINING_PLANS[c.plan], image: c.image, script: c.script, checkpointsKept: c.checkpointsKept,
        checkpointStorageClass: c.checkpointStorageClass, maxRestarts: c.maxRestarts, nonRetriableExitCodes: c.nonRetriableExitCodes,
        priority: c.priority, monitoring, env: c.env, secretEnv: c.secretEnv,
      });
      return chart;
    }));
  });

  test('ElasticInferenceService: any props synthesize valid objects or fail with the library\'s own error', () => {
    const tally = new Tally();
    const arb = fc.record({
      id: someName(40),
      pool: fc.nat(POOLS.length - 1),
      tenant: TENANT,
      plan: mostly(fc.nat(2), fc.constant(3), 8),
      modelRef: mostly(fc.constantFrom('meta-llama/Llama-3.1-8B-Instruct', '/models/llama', 's3://bucket/model'), fc.constant('')),
      engine: opt(fc.record({ image: opt(imageSpec), extraArgs: opt(fc.array(fc.constantFrom('--enable-prefix-caching', '--dtype=bfloat16'), { maxLength: 2 })) })),
      huggingFaceTokenSecret: opt(secretRef),
      modelCacheStorageClass: opt(someName(), 1),
      prometheusAddress: opt(fc.constantFrom('http://prometheus.monitoring.svc:9090', 'not a url')),
      monitorSelectorLabels: opt(fc.dictionary(fc.constantFrom('release', 'team', 'app.kubernetes.io/part-of'), fc.constantFrom('kps', 'a', 'Not Valid!')), 1),
      prescaleWindows: opt(fc.array(fc.record({ start: cronSpec, end: cronSpec, replicas: mostly(fc.integer({ min: 1, max: 2 }), someInt(0, 100), 6) }), { maxLength: 3 })),
      monitoring: fc.boolean(),
      drainSeconds: opt(someInt(0, 3600)),
    });
    property('ElasticInferenceService', arb, tally, (c) => checkCase(tally, () => {
      const chart = quietChart();
      const monitoring = c.monitoring ? new MonitoringStack(chart, 'monitoring') : undefined;
      const pool = poolFor(chart, c.pool, monitoring);
      new ElasticInferenceService(chart, c.id, {
        pool, tenant: c.tenant, plan: INFERENCE_PLANS[c.plan], modelRef: c.modelRef,
        engine: c.engine ? InferenceEngine.vllm(c.engine) : undefined,
        huggingFaceTokenSecret: c.huggingFaceTokenSecret, modelCacheStorageClass: c.modelCacheStorageClass,
        prometheusAddress: c.prometheusAddress, monitorSelectorLabels: c.monitorSelectorLabels,
        prescaleWindows: c.prescaleWindows, monitoring, drainSeconds: c.drainSeconds,
      });
      return chart;
    }));
  });

  test('MonitoringStack: any props and registrations synthesize valid objects or fail with the library\'s own error', () => {
    const tally = new Tally();
    const seconds = (min: number, max: number) => opt(someInt(min, max));
    const labels = mostly<{ [key: string]: string }>(
      fc.dictionary(fc.constantFrom('app', 'app.kubernetes.io/name'), fc.constantFrom('chat', 'x'), { minKeys: 1, maxKeys: 2 }),
      fc.constantFrom<{ [key: string]: string }>({}, { 'bad key!': 'x' }, { app: 'Not Valid!' }, { app: 'v'.repeat(64) }),
    );
    const arb = fc.record({
      props: fc.record({
        namespace: opt(someName(), 1),
        prometheusReleaseName: opt(someName(53), 1),
        namePrefix: opt(someName(20), 1),
        scrapeIntervalSeconds: seconds(1, 300),
        dcgmExporter: opt(fc.boolean()),
        gpuOperatorNamespace: opt(someName(), 1),
        kueueMetrics: opt(fc.boolean()),
        kueueNamespace: opt(someName(), 1),
        grafanaDashboardLabel: opt(mostly(fc.constantFrom('grafana_dashboard', 'custom'), fc.constant('bad label'))),
        grafanaDashboardLabelValue: opt(mostly(fc.constantFrom('1', 'true', ''), fc.constant('no way'))),
        gpuTemperatureThresholdCelsius: opt(mostly(fc.double({ min: 1, max: 120, noNaN: true }), fc.constantFrom(0, -5, NaN, Infinity, 1e300, 1e-7))),
        idleGpuUtilizationPercent: opt(someFraction(1, 99)),
        idleGpuAfterSeconds: seconds(60, 86400),
        queueBacklogAfterSeconds: seconds(60, 86400),
        runbookBaseUrl: opt(mostly(fc.constant('https://runbooks.example.com/gpu'), fc.constantFrom('ftp://x', 'https://x#frag', 'not a url'))),
      }),
      services: fc.array(fc.record({
        name: someName(), namespace: someName(), selectorLabels: labels,
        ttftSloSeconds: mostly(fc.constantFrom(...MonitoringStack.VLLM_TTFT_BUCKETS_SECONDS), fc.constantFrom(0, -1, 0.3, NaN, 1e9)),
        ttftObjective: opt(someFraction(0.95, 0.9999)), availabilityTarget: opt(someFraction(0.95, 0.9999)),
        metricsPortName: opt(someName(15), 1), podMonitor: opt(fc.boolean()),
        maxWaitingRequests: opt(someInt(0, 100)), kvCacheUsageThreshold: opt(someFraction(0.5, 0.99)),
      }), { maxLength: 3 }),
      jobs: fc.array(fc.record({
        name: someName(), namespace: someName(), selectorLabels: opt(labels),
        metricsPortName: opt(someName(15)), progressMetric: opt(mostly(fc.constantFrom('trainer_step_total', 'step'), fc.constantFrom('bad-metric', '9x'))),
        stallAfterSeconds: seconds(300, 86400), gpuUtilizationFloorPercent: opt(someFraction(1, 99)), maxRestartsPerHour: opt(someInt(0, 20)),
      }), { maxLength: 3 }),
      pools: fc.array(fc.record({
        name: someName(), clusterQueueNames: mostly(fc.array(someName(), { minLength: 1, maxLength: 3 }), fc.constant<string[]>([])),
        gpuResourceName: opt(mostly(fc.constantFrom('nvidia.com/gpu', 'nvidia.com/mig-1g.10gb'), fc.constant('not a resource'))), backlogAfterSeconds: seconds(60, 86400),
      }), { maxLength: 2 }),
    });
    property('MonitoringStack', arb, tally, (c) => checkCase(tally, () => {
      const chart = quietChart();
      const stack = new MonitoringStack(chart, 'monitoring', c.props);
      for (const s of c.services) stack.addInferenceService(s);
      for (const j of c.jobs) stack.addTrainingJob(j);
      for (const p of c.pools) stack.addGpuPool(p);
      // Read the public getter as users do (it renders every rule group).
      void stack.alertNames;
      return chart;
    }));
  });
});


// ---------------------------------------------------------------------------------------------
// Regression tests of the bugs the properties found (fixed), with the minimal inputs they shrank to.

/** Builds and synthesizes; passes when it throws the library's error naming `prop`, or when `accept(objects)` holds. */
function expectRejectedOrSound(build: (chart: Chart) => void, prop: RegExp, accept: (objects: any[]) => boolean = () => false): void {
  let objects: any[] | undefined;
  let error: unknown;
  try {
    const chart = quietChart();
    build(chart);
    objects = Testing.synth(chart);
  } catch (e) {
    error = e;
  }
  if (objects !== undefined) {
    expect({ accepted: accept(objects), bad: findBadValues(objects), api: apiServerIssues(objects) }).toEqual({ accepted: true, bad: [], api: [] });
    return;
  }
  const named = error instanceof ConstructValidationError ? error.prop : error instanceof PlanningError ? error.field : undefined;
  expect({ type: (error as Error)?.constructor?.name, message: (error as Error)?.message?.split('\n')[0] }).toEqual({ type: expect.stringMatching(/^(ConstructValidationError|PlanningError)$/), message: expect.any(String) });
  expect(named).toMatch(prop);
}

const simplePool = (chart: Chart, maxNodes = 8): GpuResourcePool => new GpuResourcePool(chart, 'h100', {
  nodeShape: NodeShape.P5_48XLARGE, maxNodes, tenants: [{ name: 'research', share: 0.6 }, { name: 'serving', share: 0.4 }],
});
const trainer = (chart: Chart, props: Partial<ConstructorParameters<typeof AiTrainingCluster>[2]>): AiTrainingCluster => new AiTrainingCluster(chart, 'sft', {
  pool: simplePool(chart), tenant: 'research', plan: TRAINING_PLANS[1], image: 'ghcr.io/acme/trainer:1.0.0', script: ['train.py'], ...props,
});
const server = (chart: Chart, props: Partial<ConstructorParameters<typeof ElasticInferenceService>[2]>): ElasticInferenceService => new ElasticInferenceService(chart, 'chat', {
  pool: simplePool(chart), tenant: 'serving', plan: INFERENCE_PLANS[0], modelRef: 'meta-llama/Llama-3.1-8B-Instruct', ...props,
});
const exitCodeRule = (objects: any[]): any => objects.find((o) => o.kind === 'JobSet').spec.replicatedJobs[0].template.spec.podFailurePolicy.rules.find((r: any) => r.onExitCodes);

describe('regressions found by the robustness properties', () => {
  test.each([
    // BUG-1: 1e300 → `Error: quantityOfBytes: invalid byte count Infinity`; 1e21 → ResourceQuota `requests.storage` not a quantity; 2^53-1 → ClusterQueue nominalQuota 7.2e16.
    ['BUG-1 GpuResourcePool maxNodes 1e300', (c: Chart) => simplePool(c, 1e300), /^maxNodes$/],
    ['BUG-1 GpuResourcePool maxNodes 1e21', (c: Chart) => simplePool(c, 1e21), /^maxNodes$/],
    ['BUG-1 GpuResourcePool maxNodes 2^53-1', (c: Chart) => simplePool(c, Number.MAX_SAFE_INTEGER), /^maxNodes$/],
    // BUG-9: `RangeError: Invalid array length` from PoolPlanner.
    ['BUG-9 GpuResourcePool.addWorkload podCount 1e21', (c: Chart) => simplePool(c).addWorkload({
      name: 'w', tenant: 'research', podCount: 1e21, gpusPerPod: 1, cpuCoresPerPod: 1, memoryBytesPerPod: 2 ** 30, gang: false, topology: PlacementTopology.NONE, minReplicas: 1, maxReplicas: 1,
    }), /podCount/],
    // BUG-3: JobSet failurePolicy.maxRestarts 1e21 (int32 in the JobSet CRD); checkpointsKept 1e300 → `Error: quantityOfBytes: invalid byte count Infinity`.
    ['BUG-3 AiTrainingCluster maxRestarts 1e21', (c: Chart) => trainer(c, { maxRestarts: 1e21 }), /^maxRestarts$/],
    ['BUG-3 AiTrainingCluster checkpointsKept 1e300', (c: Chart) => trainer(c, { checkpointsKept: 1e300 }), /^checkpointsKept$/],
    // BUG-4: the constructs' pin check (/[:@]/ and not :latest) takes a registry port or an empty tag as a tag; policy AIDC-IMG-1 then fails synthesis without naming the prop.
    ['BUG-4 AiTrainingCluster image with a registry port and no tag', (c: Chart) => trainer(c, { image: 'registry.local:5000/acme/trainer' }), /^image$/],
    ['BUG-4 AiTrainingCluster image with an empty tag', (c: Chart) => trainer(c, { image: 'trainer:' }), /^image$/],
    ['BUG-4 InferenceEngine.vllm image with a registry port and no tag', (c: Chart) => server(c, { engine: InferenceEngine.vllm({ image: 'registry.local:5000/vllm/vllm-openai' }) }), /image/],
    // BUG-5: a Secret name that is not a DNS-1123 subdomain goes into secretKeyRef.name as is.
    ['BUG-5 AiTrainingCluster secretEnv with an invalid Secret name', (c: Chart) => trainer(c, { secretEnv: { HF_TOKEN: 'Bad_Secret/token' } }), /^secretEnv\.HF_TOKEN$/],
    ['BUG-5 ElasticInferenceService huggingFaceTokenSecret with an invalid Secret name', (c: Chart) => server(c, { huggingFaceTokenSecret: 'Bad_Secret/token' }), /^huggingFaceTokenSecret$/],
    // BUG-6: terminationGracePeriodSeconds 1e21+15 (int64 field).
    ['BUG-6 ElasticInferenceService drainSeconds 1e21', (c: Chart) => server(c, { drainSeconds: 1e21 }), /^drainSeconds$/],
    // BUG-7: PrometheusRule `for: 1e+21s` and ServiceMonitor `interval: 1e+21s` fail the CRD patterns.
    ['BUG-7 MonitoringStack idleGpuAfterSeconds 1e21', (c: Chart) => new MonitoringStack(c, 'monitoring', { idleGpuAfterSeconds: 1e21 }), /idleGpuAfterSeconds/],
    ['BUG-7 MonitoringStack scrapeIntervalSeconds 1e21', (c: Chart) => new MonitoringStack(c, 'monitoring', { scrapeIntervalSeconds: 1e21 }), /scrapeIntervalSeconds/],
    ['BUG-7 MonitoringStack.addGpuPool backlogAfterSeconds 1e21', (c: Chart) => new MonitoringStack(c, 'monitoring').addGpuPool({ name: 'h100', clusterQueueNames: ['q'], backlogAfterSeconds: 1e21 }), /backlogAfterSeconds/],
  ])('%s fails with the library\'s error naming the prop', (_name, build, prop) => {
    expectRejectedOrSound(build, prop);
  });

  test.each([
    // BUG-2: values [] ("at least one value is required") and [1, 1] ("must be ordered and unique") are rejected by the apiserver's Job validation.
    ['[]', [] as number[]],
    ['[1, 1]', [1, 1]],
  ])('BUG-2 AiTrainingCluster nonRetriableExitCodes %s is rejected or emitted as a valid exit-code rule', (_name, codes) => {
    expectRejectedOrSound((c) => trainer(c, { nonRetriableExitCodes: codes }), /^nonRetriableExitCodes$/, (objects) => {
      const rule = exitCodeRule(objects);
      return rule === undefined || (rule.onExitCodes.values.length > 0 && rule.onExitCodes.values.every((v: number, i: number, a: number[]) => i === 0 || v > a[i - 1]));
    });
  });

  test.each([
    // BUG-8: `Error: There is already a Construct with name 'Inference-a-b-c' in MonitoringStack [monitoring]` (and the objects would share the name aidc-inference-a-b-c).
    ['inference services a-b/c and a/b-c', (s: MonitoringStack) => {
      s.addInferenceService({ name: 'c', namespace: 'a-b', selectorLabels: { app: 'x' }, ttftSloSeconds: 1 });
      s.addInferenceService({ name: 'b-c', namespace: 'a', selectorLabels: { app: 'y' }, ttftSloSeconds: 1 });
    }],
    ['training jobs a-b/c and a/b-c with metrics ports', (s: MonitoringStack) => {
      s.addTrainingJob({ name: 'c', namespace: 'a-b', metricsPortName: 'metrics' });
      s.addTrainingJob({ name: 'b-c', namespace: 'a', metricsPortName: 'metrics' });
    }],
  ])('BUG-8 MonitoringStack %s get distinct PodMonitors or a library error', (_name, register) => {
    expectRejectedOrSound((c) => register(new MonitoringStack(c, 'monitoring')), /name|namespace/,
      (objects) => objects.filter((o) => o.kind === 'PodMonitor').length === 2);
  });

  // BUG-9b: minReplicas 1e21 used to exhaust the heap (PoolPlanner expanded replicas one by one); 1e4 took ~13 s.
  test.each([1e21, 1e4])('BUG-9b GpuResourcePool.addWorkload with minReplicas %d fails fast with the library\'s error', (minReplicas) => {
    expectRejectedOrSound((c) => simplePool(c).addWorkload({
      name: 'w', tenant: 'research', podCount: 1, gpusPerPod: 1, cpuCoresPerPod: 1, memoryBytesPerPod: 2 ** 30, gang: false, topology: PlacementTopology.NONE, minReplicas, maxReplicas: minReplicas,
    }), /minReplicas|maxReplicas|maxNodes|workloads/);
  });
});
