import { Chart, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { checkRules, HAS_PROMTOOL, testRules } from './promtool';
import { describeWithShared } from './shared';
import { validateObjects } from './validate';
import { ClusterQueueV1Beta2 } from '../../src/k8s/imports/kueue.x-k8s.io-kueue.x-k8s.io';

function synthesizedObjects(): any[] {
  const chart = new Chart(Testing.app(), 'harness');
  new kplus.Deployment(chart, 'web', {
    containers: [{ image: 'nginx:1.27', portNumber: 8080, resources: { cpu: { request: kplus.Cpu.millis(100) }, memory: { request: Size.mebibytes(64), limit: Size.mebibytes(64) } } }],
  });
  new ClusterQueueV1Beta2(chart, 'cq', {
    metadata: { name: 'team-a' },
    spec: {
      cohortName: 'pool',
      namespaceSelector: {},
      resourceGroups: [{ coveredResources: ['nvidia.com/gpu'], flavors: [{ name: 'h100', resources: [{ name: 'nvidia.com/gpu', nominalQuota: { value: '8' } as any }] }] }],
    },
  });
  return Testing.synth(chart);
}

const clone = (o: any): any => JSON.parse(JSON.stringify(o));

describeWithShared('the validation harness', () => {
  test('accepts valid synthesized core and custom resources', () => {
    const objects = synthesizedObjects();
    expect(objects.map((o) => o.kind).sort()).toEqual(['ClusterQueue', 'Deployment']);
    expect(validateObjects(objects)).toEqual([]);
  });

  test.each([
    ['an unknown field in a core kind', (objs: any[]) => { objs[0].spec.template.spec.containers[0].imagePullPolicyy = 'Always'; }, /imagePullPolicyy/],
    ['a wrong type in a core kind', (objs: any[]) => { objs[0].spec.replicas = 'two'; }, /replicas/],
    ['an invalid quantity', (objs: any[]) => { objs[0].spec.template.spec.containers[0].resources.requests.cpu = 'lots'; }, /cpu/],
    ['an unknown field in a CRD', (objs: any[]) => { objs[1].spec.cohortNmae = 'x'; }, /cohortNmae/],
    ['an unknown metadata field in a CRD', (objs: any[]) => { objs[1].metadata.labelz = {}; }, /labelz/],
    ['a wrong enum in a CRD', (objs: any[]) => { objs[1].spec.queueingStrategy = 'Random'; }, /queueingStrategy|allowed/],
    ['a NaN that slipped into output', (objs: any[]) => { objs[0].metadata.annotations = { x: 'NaN' }; }, /NaN/],
  ])('catches %s', (_name, plant, pattern) => {
    const objects = synthesizedObjects().sort((a, b) => a.kind.localeCompare(b.kind)).reverse();
    const broken = clone(objects);
    plant(broken);
    const issues = validateObjects(broken);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.map((i) => `${i.object} ${i.message}`).join('\n')).toMatch(pattern);
  });

  test('rejects kinds it has no schema for', () => {
    expect(validateObjects([{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }]).length).toBeGreaterThan(0);
  });
});

(HAS_PROMTOOL ? describe : describe.skip)('the promtool wrapper', () => {
  const rules = { groups: [{ name: 'g', rules: [{ alert: 'Down', expr: 'up == 0', for: '5m', labels: { severity: 'page' }, annotations: { summary: 'target down' } }] }] };

  test('passes a valid rule file and fails a broken expression', () => {
    expect(checkRules(rules).ok).toBe(true);
    const broken = clone(rules);
    broken.groups[0].rules[0].expr = 'up == (';
    const result = checkRules(broken);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/parse error|unexpected/i);
  });

  test('runs unit tests and reports a failing expectation', () => {
    const series = [{ series: 'up{job="a"}', values: '0x10' }];
    const fires = [{ interval: '1m', input_series: series, alert_rule_test: [{ eval_time: '6m', alertname: 'Down', exp_alerts: [{ exp_labels: { severity: 'page', job: 'a' }, exp_annotations: { summary: 'target down' } }] }] }];
    expect(testRules(rules, fires).ok).toBe(true);
    const wrong = [{ interval: '1m', input_series: series, alert_rule_test: [{ eval_time: '2m', alertname: 'Down', exp_alerts: [{ exp_labels: { severity: 'page', job: 'a' } }] }] }];
    expect(testRules(rules, wrong).ok).toBe(false);
  });
});

if (!HAS_PROMTOOL) console.warn('\n!!! promtool not found: SKIPPING promtool tests (apt-get install -y --no-install-recommends prometheus)\n');
