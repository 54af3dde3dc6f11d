/**
 * `promtool test rules` cases for every alert MonitoringStack emits, as data: for each alert one
 * input that must fire it (with the exact labels and `$value`) and one healthy input that must not.
 * They assume the full configuration of fixture.ts (service team-a/chat with TTFT ≤ 1 s at 99% and
 * 99.9% availability, training job team-b/ft with progress metric trainer_step_total, pool h100
 * over ClusterQueues team-a and team-b) and the defaults of MonitoringStackProps.
 */

/** One input series in promtool's expanding notation (`a+bxN`). */
export interface Series { readonly series: string; readonly values: string }

/** One expected alert: its labels (without alertname) and the `$value` its annotations render. */
export interface ExpectedAlert { readonly labels: { [key: string]: string }; readonly value?: string }

/** Inputs evaluated at one time; `alerts` empty means the alert must stay silent. */
export interface Case {
  /** Sample interval of the input series. @default '1m' */
  readonly interval?: string;
  /** Rule evaluation interval (coarser for the day-long slow-burn cases, to keep promtool fast). @default '1m' */
  readonly evaluationInterval?: string;
  readonly series: ReadonlyArray<Series>;
  readonly evalTime: string;
  readonly alerts: ReadonlyArray<ExpectedAlert>;
}

/** The firing and the healthy case of one alert. */
export interface AlertTest { readonly fires: Case; readonly silent: Case }

const GPU = 'Hostname="gpu-node-1",gpu="0"';
const CHAT = 'namespace="team-a",service="chat",pod="chat-0"';
const FT = 'namespace="team-b",pod="ft-workers-0-0-x7k2p"';
const s = (series: string, values: string): Series => ({ series, values });
const gpuLabels = (severity: string) => ({ Hostname: 'gpu-node-1', gpu: '0', severity });
const chatLabels = (severity: string, extra: { [key: string]: string } = {}) => ({ namespace: 'team-a', service: 'chat', severity, ...extra });
const ftLabels = (severity: string) => ({ namespace: 'team-b', training_job: 'ft', severity });
const kueue = (cq: string, usage: number, quota: number, pending: number, status = 'active'): Series[] => {
  const l = `cohort="h100",cluster_queue="${cq}",flavor="h100",resource="nvidia.com/gpu"`;
  return [
    s(`kueue_pending_workloads{cluster_queue="${cq}",status="${status}"}`, `${pending}x60`),
    s(`kueue_cluster_queue_resource_usage{${l}}`, `${usage}x60`),
    s(`kueue_cluster_queue_nominal_quota{${l}}`, `${quota}x60`),
  ];
};
/** TTFT histogram of `chat`: `total` requests and `good` within 1 s per interval. */
const ttft = (good: number, total: number, n: number): Series[] => [
  s(`vllm:time_to_first_token_seconds_bucket{${CHAT},le="1.0"}`, `0+${good}x${n}`),
  s(`vllm:time_to_first_token_seconds_bucket{${CHAT},le="+Inf"}`, `0+${total}x${n}`),
  s(`vllm:time_to_first_token_seconds_count{${CHAT}}`, `0+${total}x${n}`),
];
/** HTTP requests of `chat`: `ok` 2xx and `failed` 5xx per interval. */
const http = (ok: number, failed: number, n: number): Series[] => [
  s(`http_requests_total{${CHAT},handler="/v1/chat/completions",method="POST",status="2xx"}`, `0+${ok}x${n}`),
  ...(failed > 0 ? [s(`http_requests_total{${CHAT},handler="/v1/chat/completions",method="POST",status="5xx"}`, `0+${failed}x${n}`)] : []),
];

/** Every alert's cases, keyed by alert name. */
export const RULE_TESTS: { [alert: string]: AlertTest } = {
  GpuCriticalXidError: {
    fires: { series: [s(`DCGM_FI_DEV_XID_ERRORS{${GPU}}`, '0 0 79x10')], evalTime: '5m', alerts: [{ labels: gpuLabels('critical'), value: '79' }] },
    silent: { series: [s(`DCGM_FI_DEV_XID_ERRORS{${GPU}}`, '0 0 13x10')], evalTime: '5m', alerts: [] },
  },
  GpuXidError: {
    fires: { series: [s(`DCGM_FI_DEV_XID_ERRORS{${GPU}}`, '0 0 13x10')], evalTime: '5m', alerts: [{ labels: gpuLabels('warning'), value: '13' }] },
    // An application XID seen once and unchanged for 15 minutes has been handled; a critical XID is the other alert's.
    silent: { series: [s(`DCGM_FI_DEV_XID_ERRORS{${GPU}}`, '13x40'), s('DCGM_FI_DEV_XID_ERRORS{Hostname="gpu-node-2",gpu="1"}', '0 79x10')], evalTime: '30m', alerts: [] },
  },
  GpuDoubleBitEccErrors: {
    fires: { series: [s(`DCGM_FI_DEV_ECC_DBE_VOL_TOTAL{${GPU}}`, '0 0 0 1x10')], evalTime: '5m', alerts: [{ labels: gpuLabels('critical') }] },
    silent: { series: [s(`DCGM_FI_DEV_ECC_DBE_VOL_TOTAL{${GPU}}`, '2x20')], evalTime: '15m', alerts: [] },
  },
  GpuRowRemapFailure: {
    fires: { series: [s(`DCGM_FI_DEV_ROW_REMAP_FAILURE{${GPU}}`, '0 1x5')], evalTime: '3m', alerts: [{ labels: gpuLabels('critical') }] },
    silent: { series: [s(`DCGM_FI_DEV_ROW_REMAP_FAILURE{${GPU}}`, '0x5')], evalTime: '3m', alerts: [] },
  },
  GpuUncorrectableRowsRemapped: {
    fires: { series: [s(`DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS{${GPU}}`, '0 0 2x10')], evalTime: '5m', alerts: [{ labels: gpuLabels('warning') }] },
    silent: { series: [s(`DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS{${GPU}}`, '0x10')], evalTime: '5m', alerts: [] },
  },
  GpuOverheating: {
    fires: { series: [s(`DCGM_FI_DEV_GPU_TEMP{${GPU}}`, '90x20')], evalTime: '15m', alerts: [{ labels: gpuLabels('warning') }] },
    silent: { series: [s(`DCGM_FI_DEV_GPU_TEMP{${GPU}}`, '80x20')], evalTime: '15m', alerts: [] },
  },
  GpuHardwareThrottling: {
    // 0x40 = hardware thermal slowdown (via the pre-3.3 field name) and 0x88 = HW slowdown + power brake (new name).
    fires: {
      series: [s(`DCGM_FI_DEV_CLOCK_THROTTLE_REASONS{${GPU}}`, '64x20'), s('DCGM_FI_DEV_CLOCKS_EVENT_REASONS{Hostname="gpu-node-2",gpu="1"}', '136x20')],
      evalTime: '15m',
      alerts: [{ labels: gpuLabels('warning') }, { labels: { Hostname: 'gpu-node-2', gpu: '1', severity: 'warning' } }],
    },
    // 0x4 = software power cap and 0x1 = idle are normal.
    silent: { series: [s(`DCGM_FI_DEV_CLOCK_THROTTLE_REASONS{${GPU}}`, '4x20'), s('DCGM_FI_DEV_CLOCKS_EVENT_REASONS{Hostname="gpu-node-2",gpu="1"}', '1x20')], evalTime: '15m', alerts: [] },
  },
  GpuExporterDown: {
    fires: { series: [s('up{job="nvidia-dcgm-exporter",instance="10.0.0.1:9400"}', '0x20')], evalTime: '15m', alerts: [{ labels: { job: 'nvidia-dcgm-exporter', instance: '10.0.0.1:9400', severity: 'warning' } }] },
    silent: { series: [s('up{job="nvidia-dcgm-exporter",instance="10.0.0.1:9400"}', '1x20')], evalTime: '15m', alerts: [] },
  },
  GpuTelemetryAbsent: {
    fires: { series: [s('up{job="node-exporter",instance="10.0.0.1:9100"}', '1x30')], evalTime: '20m', alerts: [{ labels: { job: 'nvidia-dcgm-exporter', severity: 'warning' } }] },
    silent: { series: [s('up{job="nvidia-dcgm-exporter",instance="10.0.0.1:9400"}', '1x30')], evalTime: '20m', alerts: [] },
  },
  GpuAllocatedButIdle: {
    fires: {
      series: [s(`DCGM_FI_DEV_GPU_UTIL{${GPU},namespace="team-a",pod="chat-0"}`, '0x90')],
      evalTime: '75m',
      alerts: [{ labels: { ...gpuLabels('warning'), namespace: 'team-a', pod: 'chat-0' } }],
    },
    // A busy allocated GPU and an idle free GPU (no pod) are both fine.
    silent: { series: [s(`DCGM_FI_DEV_GPU_UTIL{${GPU},namespace="team-a",pod="chat-0"}`, '60x90'), s('DCGM_FI_DEV_GPU_UTIL{Hostname="gpu-node-2",gpu="1"}', '0x90')], evalTime: '75m', alerts: [] },
  },
  GpusFreeWhileWorkloadsPending: {
    fires: {
      series: [s('DCGM_FI_DEV_GPU_UTIL{Hostname="gpu-node-2",gpu="1"}', '0x60'), s('kueue_pending_workloads{cluster_queue="team-b",status="inadmissible"}', '2x60')],
      evalTime: '45m',
      alerts: [{ labels: { severity: 'warning' }, value: '1' }],
    },
    silent: { series: [s('DCGM_FI_DEV_GPU_UTIL{Hostname="gpu-node-2",gpu="1"}', '0x60'), s('kueue_pending_workloads{cluster_queue="team-b",status="inadmissible"}', '0x60')], evalTime: '45m', alerts: [] },
  },
  KueueBacklogAtQuota: {
    fires: { series: kueue('team-a', 16, 16, 3), evalTime: '45m', alerts: [{ labels: { cluster_queue: 'team-a', pool: 'h100', severity: 'warning' }, value: '3' }] },
    // Below quota in the pool, and a queue outside the pool at quota, raise nothing here.
    silent: { series: [...kueue('team-a', 8, 16, 0), ...kueue('team-z', 16, 16, 3)], evalTime: '45m', alerts: [] },
  },
  KueuePendingBelowQuota: {
    fires: { series: kueue('team-b', 8, 16, 2, 'inadmissible'), evalTime: '45m', alerts: [{ labels: { cluster_queue: 'team-b', pool: 'h100', severity: 'warning' }, value: '2' }] },
    silent: { series: kueue('team-b', 8, 16, 0, 'inadmissible'), evalTime: '45m', alerts: [] },
  },
  InferenceTtftBudgetBurnFast: {
    // Half the requests miss 1 s: error ratio 0.5 > 14.4 × 1%.
    fires: { series: ttft(50, 100, 120), evalTime: '70m', alerts: [{ labels: chatLabels('critical', { slo: 'ttft' }) }] },
    // 5% misses burn the budget only slowly (0.05 < 0.144 and < 6 × 1%).
    silent: { series: ttft(95, 100, 120), evalTime: '70m', alerts: [] },
  },
  InferenceTtftBudgetBurnSlow: {
    // 5% misses for a day: above 3 × 1% over 1d and 2h.
    fires: { interval: '10m', evaluationInterval: '10m', series: ttft(95, 100, 200), evalTime: '26h', alerts: [{ labels: chatLabels('warning', { slo: 'ttft' }) }] },
    silent: { interval: '10m', evaluationInterval: '10m', series: ttft(99.5, 100, 200), evalTime: '26h', alerts: [] },
  },
  InferenceAvailabilityBudgetBurnFast: {
    fires: { series: http(90, 10, 120), evalTime: '70m', alerts: [{ labels: chatLabels('critical', { slo: 'availability' }) }] },
    // No 5xx series at all still yields a 0 error ratio.
    silent: { series: http(100, 0, 120), evalTime: '70m', alerts: [] },
  },
  InferenceAvailabilityBudgetBurnSlow: {
    // 0.5% 5xx for a day: above 3 × 0.1% but below 6 × 0.1%.
    fires: { interval: '10m', evaluationInterval: '10m', series: http(995, 5, 200), evalTime: '26h', alerts: [{ labels: chatLabels('warning', { slo: 'availability' }) }] },
    silent: { interval: '10m', evaluationInterval: '10m', series: http(999.95, 0.05, 200), evalTime: '26h', alerts: [] },
  },
  InferenceRequestBacklog: {
    fires: { series: [s(`vllm:num_requests_waiting{${CHAT}}`, '25x30')], evalTime: '15m', alerts: [{ labels: chatLabels('warning') }] },
    silent: { series: [s(`vllm:num_requests_waiting{${CHAT}}`, '3x30')], evalTime: '15m', alerts: [] },
  },
  InferenceKvCacheSaturated: {
    fires: { series: [s(`vllm:kv_cache_usage_perc{${CHAT}}`, '0.99x30')], evalTime: '20m', alerts: [{ labels: chatLabels('warning') }] },
    silent: { series: [s(`vllm:kv_cache_usage_perc{${CHAT}}`, '0.6x30'), s(`vllm:gpu_cache_usage_perc{${CHAT}}`, '0.6x30')], evalTime: '20m', alerts: [] },
  },
  InferenceEngineDown: {
    fires: { series: [s(`up{${CHAT},job="monitoring/aidc-inference.team-a.chat"}`, '0x20')], evalTime: '10m', alerts: [{ labels: chatLabels('critical') }] },
    silent: { series: [s(`up{${CHAT},job="monitoring/aidc-inference.team-a.chat"}`, '1x20')], evalTime: '10m', alerts: [] },
  },
  TrainingJobGpuUtilizationCollapsed: {
    fires: { series: [s(`DCGM_FI_DEV_GPU_UTIL{${GPU},${FT}}`, '2x60')], evalTime: '45m', alerts: [{ labels: ftLabels('warning') }] },
    // The job is busy; an idle pod of another job in the namespace is not this job's stall.
    silent: { series: [s(`DCGM_FI_DEV_GPU_UTIL{${GPU},${FT}}`, '90x60'), s('DCGM_FI_DEV_GPU_UTIL{Hostname="gpu-node-2",gpu="1",namespace="team-b",pod="other-0"}', '0x60')], evalTime: '45m', alerts: [] },
  },
  TrainingJobRestartLoop: {
    fires: { series: [s(`kube_pod_container_status_restarts_total{${FT},container="trainer"}`, '0 0 1 2 3 4 5 6x30')], evalTime: '30m', alerts: [{ labels: ftLabels('warning') }] },
    silent: { series: [s(`kube_pod_container_status_restarts_total{${FT},container="trainer"}`, '0 0 1x30')], evalTime: '30m', alerts: [] },
  },
  TrainingJobStalled: {
    fires: { series: [s(`trainer_step_total{${FT}}`, '0+10x10 100x50')], evalTime: '45m', alerts: [{ labels: { ...ftLabels('critical') } }] },
    silent: { series: [s(`trainer_step_total{${FT}}`, '0+10x60')], evalTime: '45m', alerts: [] },
  },
};
