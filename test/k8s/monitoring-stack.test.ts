import * as fs from 'fs';
import { Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { ConstructValidationError } from '../../src/errors';
import { InferenceServiceMonitoringOptions, MonitoringStack, MonitoringStackProps } from '../../src/k8s/monitoring-stack';
import { describeWithShared, sharedPath } from '../harness/shared';
import { expectValidObjects } from '../harness/validate';
import { fullConfiguration } from './monitoring/fixture';

function synth(build: (stack: MonitoringStack) => void = () => undefined, props: MonitoringStackProps = {}): any[] {
  const chart = new Chart(Testing.app(), 'platform');
  build(new MonitoringStack(chart, 'monitoring', props));
  return Testing.synth(chart);
}

const byName = (objects: any[], name: string) => objects.find((o) => o.metadata.name === name);
const chat: InferenceServiceMonitoringOptions = { name: 'chat', namespace: 'team-a', selectorLabels: { app: 'chat' }, ttftSloSeconds: 0.5 };

describeWithShared('MonitoringStack output against the Kubernetes 1.28 and Prometheus Operator schemas', () => {
  test('every object of the full configuration passes the strict validation harness', () => {
    expectValidObjects(fullConfiguration().objects);
  });

  test('every object of the minimal configuration passes the strict validation harness', () => {
    expectValidObjects(synth());
  });

  const kps = () => parse(fs.readFileSync(sharedPath('schemas', 'helm-values', 'kube-prometheus-stack-88.5.3.values.yaml'), 'utf8'));

  test('monitors and rules carry the release label kube-prometheus-stack selects by default', () => {
    const spec = kps().prometheus.prometheusSpec;
    // With NilUsesHelmValues and empty selectors the chart selects `release: <release name>`.
    expect([spec.ruleSelectorNilUsesHelmValues, spec.serviceMonitorSelectorNilUsesHelmValues, spec.podMonitorSelectorNilUsesHelmValues]).toEqual([true, true, true]);
    expect([spec.ruleSelector, spec.serviceMonitorSelector, spec.podMonitorSelector]).toEqual([{}, {}, {}]);
    const objects = fullConfiguration().objects.filter((o) => ['ServiceMonitor', 'PodMonitor', 'PrometheusRule'].includes(o.kind));
    expect(objects.length).toBe(8);
    for (const o of objects) expect(o.metadata.labels.release).toBe('kps');
  });

  test('dashboards carry the label the kube-prometheus-stack Grafana sidecar watches', () => {
    const sidecar = kps().grafana.sidecar.dashboards;
    const maps = fullConfiguration().objects.filter((o) => o.kind === 'ConfigMap');
    expect(maps.length).toBe(3);
    for (const cm of maps) expect(cm.metadata.labels[sidecar.label]).toBe(sidecar.labelValue);
  });
});

describe('MonitoringStack', () => {
  test('the full configuration matches the snapshot', () => {
    expect(fullConfiguration().objects).toMatchSnapshot();
  });

  test('synthesis is deterministic', () => {
    expect(JSON.stringify(fullConfiguration().objects)).toBe(JSON.stringify(fullConfiguration().objects));
  });

  test('scrapes the gpu-operator DCGM exporter Service keeping the pod labels of each GPU', () => {
    const sm = byName(synth(), 'aidc-dcgm-exporter');
    expect(sm.spec).toEqual({
      selector: { matchLabels: { app: 'nvidia-dcgm-exporter' } },
      namespaceSelector: { matchNames: ['gpu-operator'] },
      endpoints: [{ port: 'gpu-metrics', path: '/metrics', interval: '30s', honorLabels: true }],
    });
  });

  test('scrapes the Kueue metrics Service over authenticated HTTPS', () => {
    const sm = byName(synth(undefined, { kueueNamespace: 'kueue', scrapeIntervalSeconds: 15 }), 'aidc-kueue-controller');
    expect(sm.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'kueue', 'app.kubernetes.io/component': 'metrics-service' });
    expect(sm.spec.namespaceSelector.matchNames).toEqual(['kueue']);
    expect(sm.spec.endpoints[0]).toMatchObject({ port: 'https', scheme: 'https', interval: '15s', tlsConfig: { insecureSkipVerify: true } });
  });

  test('the scrape targets can be turned off when other monitors already scrape them', () => {
    const kinds = synth(undefined, { dcgmExporter: false, kueueMetrics: false }).map((o) => o.kind);
    expect(kinds).not.toContain('ServiceMonitor');
  });

  test('an inference service gets a PodMonitor that labels its series with the service name', () => {
    const pm = byName(synth((m) => m.addInferenceService(chat)), 'aidc-inference.team-a.chat');
    expect(pm.metadata.namespace).toBe('monitoring');
    expect(pm.spec.selector).toEqual({ matchLabels: { app: 'chat' } });
    expect(pm.spec.namespaceSelector).toEqual({ matchNames: ['team-a'] });
    expect(pm.spec.podMetricsEndpoints[0]).toMatchObject({ port: 'http', path: '/metrics', relabelings: [{ action: 'replace', targetLabel: 'service', replacement: 'chat' }] });
  });

  test('an inference service without its own PodMonitor still gets its SLO rules', () => {
    const objects = synth((m) => m.addInferenceService({ ...chat, podMonitor: false }));
    expect(objects.filter((o) => o.kind === 'PodMonitor')).toEqual([]);
    expect(byName(objects, 'aidc-inference').spec.groups.map((g: any) => g.name)).toEqual(['aidc.inference.team-a.chat']);
  });

  test('burn-rate thresholds are the SRE Workbook burn rates times the error budget', () => {
    const rules = byName(synth((m) => m.addInferenceService({ ...chat, ttftObjective: 0.99, availabilityTarget: 0.999 })), 'aidc-inference').spec.groups[0].rules;
    const fast = rules.find((r: any) => r.alert === 'InferenceTtftBudgetBurnFast').expr;
    expect(fast).toContain('ratio_rate1h{namespace="team-a",service="chat"} > 0.144');
    expect(fast).toContain('ratio_rate6h{namespace="team-a",service="chat"} > 0.06');
    const slow = rules.find((r: any) => r.alert === 'InferenceAvailabilityBudgetBurnSlow').expr;
    expect(slow).toContain('ratio_rate1d{namespace="team-a",service="chat"} > 0.003');
    expect(slow).toContain('ratio_rate3d{namespace="team-a",service="chat"} > 0.001');
    const sli = rules.find((r: any) => r.record === 'namespace_service:vllm_ttft_slo_errors:ratio_rate5m').expr;
    expect(sli).toContain('le="0.5"');
  });

  test('rules and dashboards registered after construction land in the output (lazy specs)', () => {
    const objects = synth((m) => {
      m.addTrainingJob({ name: 'pretrain', namespace: 'team-b' });
      m.addGpuPool({ name: 'a100', clusterQueueNames: ['team-b'] });
      m.addTrainingJob({ name: 'ft', namespace: 'team-b' });
    });
    expect(byName(objects, 'aidc-training').spec.groups.map((g: any) => g.name)).toEqual(['aidc.training.team-b.ft', 'aidc.training.team-b.pretrain']);
    expect(byName(objects, 'aidc-kueue').spec.groups.map((g: any) => g.name)).toEqual(['aidc.kueue.records', 'aidc.kueue.a100']);
    const dashboard = JSON.parse(byName(objects, 'aidc-dashboard-training').data['aidc-training.json']);
    expect(dashboard.templating.list.find((v: any) => v.name === 'job').query).toBe('ft,pretrain');
    expect(objects.filter((o) => o.kind === 'PodMonitor')).toEqual([]);
  });

  test('without pools the backlog rules cover every ClusterQueue', () => {
    const group = byName(synth(), 'aidc-kueue').spec.groups[1];
    expect(group.name).toBe('aidc.kueue');
    expect(group.rules[0].expr).not.toContain('cluster_queue=~');
    expect(group.rules[0].labels).toEqual({ severity: 'warning' });
  });

  test('a pool scopes the backlog rules to its ClusterQueues and labels them with the pool', () => {
    const group = byName(synth((m) => m.addGpuPool({ name: 'h100', clusterQueueNames: ['team-b', 'team-a'] })), 'aidc-kueue').spec.groups[1];
    expect(group.rules[0].expr).toContain('cluster_queue=~"team-a|team-b"');
    expect(group.rules[0].labels).toEqual({ severity: 'warning', pool: 'h100' });
  });

  test('training jobs without a metrics port get no PodMonitor; with one they do', () => {
    const objects = synth((m) => m.addTrainingJob({ name: 'ft', namespace: 'team-b', metricsPortName: 'metrics' }));
    const pm = byName(objects, 'aidc-training.team-b.ft');
    expect(pm.spec.selector).toEqual({ matchLabels: { 'jobset.sigs.k8s.io/jobset-name': 'ft' } });
    expect(pm.spec.podMetricsEndpoints[0].port).toBe('metrics');
  });

  test('alertNames lists the alerts of the registered workloads', () => {
    const chart = new Chart(Testing.app(), 'platform');
    const m = new MonitoringStack(chart, 'monitoring');
    expect(m.alertNames).not.toContain('InferenceEngineDown');
    m.addInferenceService(chat);
    expect(m.alertNames).toContain('InferenceEngineDown');
    expect(MonitoringStack.VLLM_TTFT_BUCKETS_SECONDS).toContain(0.5);
  });

  test.each<[string, (m: MonitoringStack) => void, string]>([
    ['an empty service name', (m) => m.addInferenceService({ ...chat, name: '' }), 'inferenceServices.name'],
    ['an availability target of 1', (m) => m.addInferenceService({ ...chat, availabilityTarget: 1 }), 'inferenceServices[chat].availabilityTarget'],
    ['an availability target above 1', (m) => m.addInferenceService({ ...chat, availabilityTarget: 1.2 }), 'inferenceServices[chat].availabilityTarget'],
    ['an availability target of 0', (m) => m.addInferenceService({ ...chat, availabilityTarget: 0 }), 'inferenceServices[chat].availabilityTarget'],
    ['an objective too low for a 14.4× fast burn', (m) => m.addInferenceService({ ...chat, ttftObjective: 0.9 }), 'inferenceServices[chat].ttftObjective'],
    ['a negative TTFT SLO', (m) => m.addInferenceService({ ...chat, ttftSloSeconds: -1 }), 'inferenceServices[chat].ttftSloSeconds'],
    ['a TTFT SLO between histogram buckets', (m) => m.addInferenceService({ ...chat, ttftSloSeconds: 0.8 }), 'inferenceServices[chat].ttftSloSeconds'],
    ['no pod selector', (m) => m.addInferenceService({ ...chat, selectorLabels: {} }), 'inferenceServices[chat].selectorLabels'],
    ['the same service twice', (m) => { m.addInferenceService(chat); m.addInferenceService(chat); }, 'inferenceServices[chat].name'],
    ['a NaN KV-cache threshold', (m) => m.addInferenceService({ ...chat, kvCacheUsageThreshold: NaN }), 'inferenceServices[chat].kvCacheUsageThreshold'],
    ['a bad training namespace', (m) => m.addTrainingJob({ name: 'ft', namespace: 'Team_B' }), 'trainingJobs[ft].namespace'],
    ['a progress metric that is no metric name', (m) => m.addTrainingJob({ name: 'ft', namespace: 'b', progressMetric: 'step count' }), 'trainingJobs[ft].progressMetric'],
    ['a stall window under five minutes', (m) => m.addTrainingJob({ name: 'ft', namespace: 'b', stallAfterSeconds: 60 }), 'trainingJobs[ft].stallAfterSeconds'],
    ['a negative restart budget', (m) => m.addTrainingJob({ name: 'ft', namespace: 'b', maxRestartsPerHour: -1 }), 'trainingJobs[ft].maxRestartsPerHour'],
    ['a pool without ClusterQueues', (m) => m.addGpuPool({ name: 'h100', clusterQueueNames: [] }), 'gpuPools[h100].clusterQueueNames'],
  ])('rejects %s with an error naming the construct path and prop', (_what, act, prop) => {
    const chart = new Chart(Testing.app(), 'platform');
    const m = new MonitoringStack(chart, 'monitoring');
    let error: unknown;
    try { act(m); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(ConstructValidationError);
    expect((error as ConstructValidationError).constructPath).toBe('platform/monitoring');
    expect((error as ConstructValidationError).prop).toBe(prop);
    expect((error as Error).message).toMatch(/^platform\/monitoring: /);
  });

  test.each<[string, MonitoringStackProps, string]>([
    ['an empty namespace', { namespace: '' }, 'namespace'],
    ['a negative temperature threshold', { gpuTemperatureThresholdCelsius: -5 }, 'gpuTemperatureThresholdCelsius'],
    ['an idle threshold of 100%', { idleGpuUtilizationPercent: 100 }, 'idleGpuUtilizationPercent'],
    ['a fractional scrape interval', { scrapeIntervalSeconds: 0.5 }, 'scrapeIntervalSeconds'],
    ['a runbook URL with a fragment', { runbookBaseUrl: 'https://x.example/r#a' }, 'runbookBaseUrl'],
  ])('rejects props with %s', (_what, props, prop) => {
    expect(() => synth(undefined, props)).toThrow(expect.objectContaining({ constructPath: 'platform/monitoring', prop }));
  });

  test('the TTFT error names the neighbouring bucket bounds', () => {
    expect(() => synth((m) => m.addInferenceService({ ...chat, ttftSloSeconds: 0.8 }))).toThrow(/use 0\.75 or 1/);
  });
});
