/** The full-configuration MonitoringStack every monitoring test (snapshot, schemas, promtool) uses. */
import { Chart, Testing } from 'cdk8s';
import { MonitoringStack } from '../../../src/k8s/monitoring-stack';

/** Synthesized full configuration: DCGM + Kueue monitors, one pool, one inference service, one training job. */
export interface Fixture {
  readonly stack: MonitoringStack;
  readonly objects: any[];
}

/** Builds and synthesizes the full configuration (the inputs the promtool cases in rule-tests.ts assume). */
export function fullConfiguration(): Fixture {
  const chart = new Chart(Testing.app(), 'platform');
  const stack = new MonitoringStack(chart, 'monitoring', { prometheusReleaseName: 'kps' });
  stack.addGpuPool({ name: 'h100', clusterQueueNames: ['team-b', 'team-a'] });
  stack.addInferenceService({
    name: 'chat',
    namespace: 'team-a',
    selectorLabels: { 'app.kubernetes.io/name': 'chat' },
    ttftSloSeconds: 1,
    ttftObjective: 0.99,
    availabilityTarget: 0.999,
  });
  stack.addTrainingJob({ name: 'ft', namespace: 'team-b', metricsPortName: 'metrics', progressMetric: 'trainer_step_total' });
  return { stack, objects: Testing.synth(chart) };
}

/** The PrometheusRule objects of a synthesis. */
export function prometheusRules(objects: any[]): any[] {
  return objects.filter((o) => o.kind === 'PrometheusRule');
}
