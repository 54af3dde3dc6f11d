/**
 * Training job rules: stalls (no progress, or GPU utilisation collapsed across the job) and
 * restart loops.
 *
 * A job's pods are matched by name prefix: JobSet names pods
 * `<jobset>-<replicatedJob>-<jobIndex>-<podIndex>-<suffix>` (kubernetes-sigs/jobset
 * pkg/controllers/jobset_controller.go, job names `<jobset>-<replicatedJob>-<index>`), so
 * `pod=~"<job>-.*"` in the job's namespace selects them. GPU utilisation comes from DCGM exporter
 * series carrying the pod's `namespace`/`pod` labels (Kubernetes mapping, honorLabels on the
 * ServiceMonitor); restarts from kube-state-metrics `kube_pod_container_status_restarts_total`.
 */
import { AlertRule, matchers, num, promDuration, RuleGroup, runbookUrl, RunbookConfig } from './rule-model';

/** One monitored training job. */
export interface TrainingRuleConfig {
  readonly name: string;
  readonly namespace: string;
  /** Name of a metric that changes while the job makes progress (step counter, heartbeat); none skips the progress alert. */
  readonly progressMetric?: string;
  /** How long without progress (or with collapsed GPU utilisation) counts as a stall, seconds. */
  readonly stallAfterSeconds: number;
  /** Job-wide average GPU utilisation (percent) below which the job counts as stalled. */
  readonly gpuUtilizationFloorPercent: number;
  /** Container restarts across the job within one hour that count as a restart loop. */
  readonly maxRestartsPerHour: number;
}

/** The rule group of one training job. */
export function trainingRuleGroup(cfg: RunbookConfig, j: TrainingRuleConfig): RuleGroup {
  const pods = matchers(['namespace', '=', j.namespace], ['pod', '=~', `${j.name}-.*`]);
  const stall = promDuration(j.stallAfterSeconds);
  const labels = { training_job: j.name };
  const rules: AlertRule[] = [
    {
      alert: 'TrainingJobGpuUtilizationCollapsed',
      expr: `avg by (namespace) (avg_over_time(DCGM_FI_DEV_GPU_UTIL${pods}[5m])) < ${num(j.gpuUtilizationFloorPercent)}`,
      for: stall,
      labels: { severity: 'warning', ...labels },
      annotations: {
        summary: 'Training job GPUs are nearly idle',
        description: `Training job {{ $labels.namespace }}/${j.name} has averaged below ${num(j.gpuUtilizationFloorPercent)}% GPU utilisation for ${stall}: a hung collective, a data-loader stall or a crashed rank.`,
        runbook_url: runbookUrl(cfg, 'TrainingJobGpuUtilizationCollapsed'),
      },
    },
    {
      alert: 'TrainingJobRestartLoop',
      expr: `sum by (namespace) (increase(kube_pod_container_status_restarts_total${pods}[1h])) > ${num(j.maxRestartsPerHour)}`,
      labels: { severity: 'warning', ...labels },
      annotations: {
        summary: 'Training job containers keep restarting',
        description: `Containers of training job {{ $labels.namespace }}/${j.name} restarted more than ${num(j.maxRestartsPerHour)} times in the last hour; check for OOM, NCCL timeouts or a bad checkpoint.`,
        runbook_url: runbookUrl(cfg, 'TrainingJobRestartLoop'),
      },
    },
  ];
  if (j.progressMetric) {
    rules.push({
      alert: 'TrainingJobStalled',
      expr: `max by (namespace) (changes(${j.progressMetric}${pods}[${stall}])) == 0`,
      labels: { severity: 'critical', ...labels },
      annotations: {
        summary: 'Training job makes no progress',
        description: `${j.progressMetric} of training job {{ $labels.namespace }}/${j.name} has not changed for ${stall}; the job holds its GPUs without training.`,
        runbook_url: runbookUrl(cfg, 'TrainingJobStalled'),
      },
    });
  }
  return { name: `aidc.training.${j.namespace}.${j.name}`, rules };
}
