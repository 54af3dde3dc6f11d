import { stringify } from 'yaml';

/**
 * Kueue's controller-manager Configuration (config.kueue.x-k8s.io/v1beta2), as the chart's
 * `managerConfig.controllerManagerConfigYaml`. Starts from the chart 0.19.2 default
 * (kubernetes-sigs/kueue charts/kueue/values.yaml) and changes two things the platform relies on:
 * - `metrics.enableClusterQueueResources: true`: the per-ClusterQueue quota and usage gauges
 *   (`kueue_cluster_queue_nominal_quota`, `kueue_cluster_queue_resource_usage`) the MonitoringStack's
 *   backlog-vs-quota alerts read are only exported with it;
 * - `waitForPodsReady` with `blockAdmission`: a training gang holds its quota only once all its pods run,
 *   and admission waits meanwhile, so two half-scheduled gangs cannot deadlock the pool
 *   (Kueue docs, "Sequential admission with ready pods").
 * The integrations list is the chart default's.
 */
export function kueueManagerConfigYaml(): string {
  return stringify({
    apiVersion: 'config.kueue.x-k8s.io/v1beta2',
    kind: 'Configuration',
    health: { healthProbeBindAddress: ':8081' },
    metrics: { bindAddress: ':8443', enableClusterQueueResources: true },
    webhook: { port: 9443 },
    leaderElection: { leaderElect: true, resourceName: 'c1f6bfd2.kueue.x-k8s.io' },
    controller: {
      groupKindConcurrency: {
        'Job.batch': 5, 'Pod': 5, 'Workload.kueue.x-k8s.io': 10, 'LocalQueue.kueue.x-k8s.io': 5,
        'ClusterQueue.kueue.x-k8s.io': 5, 'ResourceFlavor.kueue.x-k8s.io': 1,
      },
    },
    clientConnection: { qps: 300, burst: 500 },
    waitForPodsReady: {
      timeout: '10m',
      recoveryTimeout: '3m',
      blockAdmission: true,
      requeuingStrategy: { timestamp: 'Eviction', backoffBaseSeconds: 60, backoffMaxSeconds: 3600 },
    },
    integrations: {
      frameworks: [
        'batch/job', 'kubeflow.org/mpijob', 'ray.io/rayjob', 'ray.io/rayservice', 'ray.io/raycluster', 'jobset.x-k8s.io/jobset',
        'workload.codeflare.dev/appwrapper', 'trainer.kubeflow.org/trainjob', 'pod', 'deployment', 'statefulset',
        'leaderworkerset.x-k8s.io/leaderworkerset',
      ],
    },
  }, { lineWidth: 0 });
}
