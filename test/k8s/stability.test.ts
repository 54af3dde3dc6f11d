/**
 * Determinism and stability of synthesized output (issue 8 item 4): the same tree gives
 * byte-identical JSON and YAML, object order is stable, and adding an unrelated service,
 * training job or tenant neither renames nor changes another workload's objects.
 *
 * Objects whose content legitimately depends on the SET of workloads or tenants are listed in
 * AGGREGATES with the reason; every other object must be byte-identical before and after.
 */
import { App, Chart, Testing } from 'cdk8s';
import { inferencePlan, trainingPlan } from './fixtures';
import { AiTrainingCluster, ElasticInferenceService, GpuResourcePool, MonitoringStack, PoolTenantOptions } from '../../src/k8s';
import { NodeShape } from '../../src/planning/catalog';
import { PolicyChecks } from '../../src/policy';

/** What to add on top of the base platform. */
interface Extras {
  readonly tenant?: PoolTenantOptions;
  readonly service?: boolean;
  readonly job?: boolean;
  /** Register the extra workloads before the base ones (construction order must not matter for names). */
  readonly extrasFirst?: boolean;
}

const BASE_TENANTS: PoolTenantOptions[] = [{ name: 'research', share: 0.5 }, { name: 'serving', share: 0.4 }];

/**
 * The flagship shape: one pool with monitoring, a fine-tune ('sft'), a single-node service ('chat')
 * and a multi-node service ('big'); `extras` adds a service 'embed', a job 'pretrain' and/or a tenant.
 */
function platform(extras: Extras = {}): { app: App; chart: Chart } {
  const app = Testing.app();
  const chart = new Chart(app, 'platform', { disableResourceNameHashes: true });
  PolicyChecks.of(chart, { printWarnings: false });
  const monitoring = new MonitoringStack(chart, 'monitoring');
  const pool = new GpuResourcePool(chart, 'h100', {
    nodeShape: NodeShape.P5_48XLARGE, maxNodes: 32, monitoring,
    tenants: extras.tenant ? [...BASE_TENANTS, extras.tenant] : BASE_TENANTS,
  });
  const addExtras = (): void => {
    if (extras.service) new ElasticInferenceService(chart, 'embed', { pool, tenant: 'serving', plan: inferencePlan('llama-3.1-8b', 5), modelRef: 'BAAI/bge-large-en-v1.5', monitoring });
    if (extras.job) new AiTrainingCluster(chart, 'pretrain', { pool, tenant: 'research', plan: trainingPlan(16), image: 'ghcr.io/acme/trainer:2.0.0', script: ['pretrain.py'], monitoring });
  };
  if (extras.extrasFirst) addExtras();
  new AiTrainingCluster(chart, 'sft', { pool, tenant: 'research', plan: trainingPlan(), image: 'ghcr.io/acme/trainer:1.0.0', script: ['train.py'], monitoring, secretEnv: { HF_TOKEN: 'hf-token/token' } });
  new ElasticInferenceService(chart, 'chat', { pool, tenant: 'serving', plan: inferencePlan(), modelRef: 'meta-llama/Llama-3.1-8B-Instruct', monitoring, huggingFaceTokenSecret: 'hf-token/token' });
  new ElasticInferenceService(chart, 'big', { pool, tenant: 'serving', plan: inferencePlan('llama-3.1-405b', 2), modelRef: 'meta-llama/Llama-3.1-405B-Instruct', monitoring });
  if (!extras.extrasFirst) addExtras();
  return { app, chart };
}

const key = (o: any): string => `${o.kind} ${o.metadata?.namespace ?? '-'}/${o.metadata?.name}`;
const byKey = (objects: any[]): Map<string, string> => new Map(objects.map((o) => [key(o), JSON.stringify(o)]));

/**
 * Objects whose content depends on the set of workloads or tenants, by design:
 * - ResourceFlavor `aidc.io/min-nodes`/`max-nodes` annotations: pool node counts come from placing
 *   EVERY registered workload (issue 5: "min/max nodes from placing all registered workloads").
 * - PrometheusRule aidc-inference / aidc-training and aidc-kueue: one rule group per registered service or job, and
 *   the backlog rules list every ClusterQueue of the pool (one per tenant).
 * - Grafana dashboard ConfigMaps aidc-dashboard-training: lists the registered jobs.
 * Only these may change when something unrelated is added; everything else must be byte-identical.
 */
const AGGREGATES: Array<{ kind: string; name: RegExp; why: string }> = [
  { kind: 'ResourceFlavor', name: /^h100$/, why: 'pool min/max node annotations come from placing all workloads' },
  { kind: 'PrometheusRule', name: /^aidc-(inference|training|kueue)$/, why: 'one rule group per registered service/job; backlog rules over every tenant ClusterQueue' },
  { kind: 'ConfigMap', name: /^aidc-dashboard-(training|inference-slo)$/, why: 'dashboards list the registered workloads' },
  { kind: 'ResourceQuota', name: /^compute$/, why: 'a tenant\'s storage quota is twice what its workloads claim, so a new workload raises its own tenant\'s quota' },
];
const isAggregate = (k: string): boolean => AGGREGATES.some((a) => k.startsWith(`${a.kind} `) && a.name.test(k.slice(k.indexOf('/') + 1)));

/** Keys present before whose content changed after, and keys that disappeared. */
function changes(before: any[], after: any[]): { changed: string[]; removed: string[] } {
  const b = byKey(before);
  const a = byKey(after);
  const changed = [...b].filter(([k, v]) => a.has(k) && a.get(k) !== v).map(([k]) => k);
  const removed = [...b.keys()].filter((k) => !a.has(k));
  return { changed, removed };
}

describe('determinism', () => {
  test('synthesizing the same tree twice gives byte-identical JSON', () => {
    const first = JSON.stringify(Testing.synth(platform().chart));
    const second = JSON.stringify(Testing.synth(platform().chart));
    expect(second).toBe(first);
    expect(first.length).toBeGreaterThan(10000);
  });

  test('synthesizing the same app twice gives byte-identical YAML', () => {
    const first = platform().app.synthYaml();
    const again = platform().app.synthYaml();
    expect(again).toBe(first);
    expect(first).toMatch(/^apiVersion: /m);
  });

  test('synthesizing one chart twice in the same process gives the same output (lazy values are pure)', () => {
    const { chart } = platform({ service: true, job: true });
    expect(JSON.stringify(Testing.synth(chart))).toBe(JSON.stringify(Testing.synth(chart)));
  });

  test('no two objects share kind, namespace and name', () => {
    const keys = Testing.synth(platform({ service: true, job: true, tenant: { name: 'batch', share: 0.1 } }).chart).map(key);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });
});

describe('stability across unrelated edits', () => {
  const base = (): any[] => Testing.synth(platform().chart);

  test.each([
    ['an inference service', { service: true } as Extras],
    ['a training job', { job: true } as Extras],
    ['a service and a training job, constructed before the others', { service: true, job: true, extrasFirst: true } as Extras],
  ])('adding %s renames nothing and changes only the aggregate objects', (_name, extras) => {
    const before = base();
    const after = Testing.synth(platform(extras).chart);
    const { changed, removed } = changes(before, after);
    expect(removed).toEqual([]);
    expect(changed.filter((k) => !isAggregate(k))).toEqual([]);
    // The new workload's objects are added, not substituted.
    expect(after.length).toBeGreaterThan(before.length);
  });

  test('adding a tenant renames nothing and leaves the other tenants\' and workloads\' objects unchanged', () => {
    const before = base();
    const after = Testing.synth(platform({ tenant: { name: 'batch', share: 0.1 } }).chart);
    const { changed, removed } = changes(before, after);
    expect(removed).toEqual([]);
    expect(changed.filter((k) => !isAggregate(k))).toEqual([]);
  });

  test('adding a tenant moves at most one spare GPU of another tenant\'s nominal quota (largest-remainder split)', () => {
    // Known and accepted exception, for the lead to confirm: nominal quotas are floor(share × capacity) plus the spare
    // GPUs by largest remainder so they sum exactly to the pool. On one p5.48xlarge (8 GPUs) research at 0.3125 gets
    // 2.5 → 3; adding 'batch' at 0.3125 ties the remainders and the spare GPU goes to 'batch' (name order): research
    // drops to 2. Its ClusterQueue and ResourceQuota change although nothing about research did.
    const nominal = (tenants: PoolTenantOptions[]): number => new GpuResourcePool(new Chart(Testing.app(), 't'), 'p', {
      nodeShape: NodeShape.P5_48XLARGE, maxNodes: 1, tenants,
    }).nominalGpus('research');
    const alone = nominal([{ name: 'research', share: 0.3125 }]);
    const withBatch = nominal([{ name: 'research', share: 0.3125 }, { name: 'batch', share: 0.3125 }]);
    expect([alone, withBatch]).toEqual([3, 2]);
    expect(Math.abs(alone - withBatch)).toBeLessThanOrEqual(1);
  });

  test('the objects already there keep their relative order when a service, job and tenant are added', () => {
    const before = base().map(key);
    const after = Testing.synth(platform({ service: true, job: true, tenant: { name: 'batch', share: 0.1 } }).chart).map(key);
    // `before` must be a subsequence of `after`.
    let i = 0;
    for (const k of after) if (i < before.length && k === before[i]) i++;
    expect(before.slice(i)).toEqual([]);
  });

  test('construction order of unrelated workloads does not change any object, only the order of objects', () => {
    const a = Testing.synth(platform({ service: true, job: true }).chart);
    const b = Testing.synth(platform({ service: true, job: true, extrasFirst: true }).chart);
    expect([...byKey(b)].sort()).toEqual([...byKey(a)].sort());
  });
});
