/**
 * GPU health and utilisation rules over NVIDIA DCGM exporter metrics.
 *
 * Metric names and defaults: NVIDIA/dcgm-exporter etc/default-counters.csv and
 * etc/dcp-metrics-included.csv (the exporter's default lists enable DCGM_FI_DEV_XID_ERRORS,
 * DCGM_FI_DEV_GPU_TEMP, DCGM_FI_DEV_GPU_UTIL, DCGM_FI_DEV_ROW_REMAP_FAILURE and
 * DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS; DCGM_FI_DEV_ECC_DBE_VOL_TOTAL and the clock-event
 * (throttle) bitmask are commented out there and must be enabled in a custom metrics CSV,
 * gpu-operator values `dcgmExporter.config`). With Kubernetes mapping on (the gpu-operator
 * default) a GPU assigned to a pod carries that pod's `namespace`/`pod` labels; a free GPU has none.
 */
import { AlertRule, matchers, num, promDuration, RecordRule, RuleGroup, runbookUrl, RunbookConfig } from './rule-model';

/** Inputs of the GPU rule groups. */
export interface GpuRuleConfig extends RunbookConfig {
  /** `job` label of the DCGM exporter targets (the ServiceMonitor's service name). */
  readonly dcgmJob: string;
  /** Sustained GPU temperature that counts as overheating, °C. */
  readonly temperatureThresholdCelsius: number;
  /** GPU utilisation (percent, 0–100) below which an allocated GPU counts as idle. */
  readonly idleUtilizationPercent: number;
  /** How long an allocated GPU must stay idle before alerting, seconds. */
  readonly idleAfterSeconds: number;
}

/**
 * XIDs that need the node drained and the GPU reset or replaced (NVIDIA "XID Errors" catalog,
 * docs.nvidia.com/deploy/xid-errors: 48 double-bit ECC, 64 row-remap failure, 74 NVLink error,
 * 79 GPU fallen off the bus, 94/95 contained/uncontained ECC error, 119/120 GSP error).
 */
export const CRITICAL_XIDS: ReadonlyArray<number> = [48, 64, 74, 79, 94, 95, 119, 120];

/** Hardware slowdown bits of the DCGM clock-event (throttle) reasons bitmask (nvml.h nvmlClocksEventReasons): HW slowdown 0x8, HW thermal 0x40, HW power brake 0x80. */
export const HW_THROTTLE_BITS: ReadonlyArray<number> = [0x8, 0x40, 0x80];

const XID = 'DCGM_FI_DEV_XID_ERRORS';
const UTIL = 'DCGM_FI_DEV_GPU_UTIL';
/** DCGM 3.3 renamed the throttle field to "clocks event reasons"; accept either. */
const THROTTLE = '(DCGM_FI_DEV_CLOCKS_EVENT_REASONS or DCGM_FI_DEV_CLOCK_THROTTLE_REASONS)';

function criticalXidExpr(): string {
  return CRITICAL_XIDS.map((x) => `${XID} == ${x}`).join(' or ');
}

function alert(cfg: RunbookConfig, a: Omit<AlertRule, 'annotations'> & { summary: string; description: string }): AlertRule {
  return {
    alert: a.alert,
    expr: a.expr,
    for: a.for,
    labels: a.labels,
    annotations: { summary: a.summary, description: a.description, runbook_url: runbookUrl(cfg, a.alert) },
  };
}

/** Recording rules for the GPU fleet dashboard. */
function gpuRecords(): RecordRule[] {
  return [
    { record: 'cluster:dcgm_gpus:count', expr: `count(${UTIL})` },
    { record: 'cluster:dcgm_gpus_allocated:count', expr: `count(${UTIL}${matchers(['pod', '!=', ''])})` },
    { record: 'namespace:dcgm_gpu_utilization:avg', expr: `avg by (namespace) (${UTIL}${matchers(['pod', '!=', ''])})` },
    { record: 'node:dcgm_gpu_utilization:avg', expr: `avg by (Hostname) (${UTIL})` },
  ];
}

/** The GPU health and utilisation rule groups. */
export function gpuRuleGroups(cfg: GpuRuleConfig): RuleGroup[] {
  const node = '{{ $labels.Hostname }} GPU {{ $labels.gpu }}';
  const health: AlertRule[] = [
    alert(cfg, {
      alert: 'GpuCriticalXidError',
      expr: criticalXidExpr(),
      labels: { severity: 'critical' },
      summary: 'GPU reported an XID error that needs a drain and reset',
      description: `${node} reported XID {{ $value }}; cordon and drain the node, then reset or replace the GPU.`,
    }),
    alert(cfg, {
      alert: 'GpuXidError',
      expr: `(${XID} > 0 and changes(${XID}[15m]) > 0) unless (${criticalXidExpr()})`,
      labels: { severity: 'warning' },
      summary: 'GPU reported an XID error',
      description: `${node} reported XID {{ $value }} (often an application fault such as XID 13/31/43); check the pod on it.`,
    }),
    alert(cfg, {
      alert: 'GpuDoubleBitEccErrors',
      expr: 'increase(DCGM_FI_DEV_ECC_DBE_VOL_TOTAL[10m]) > 0',
      labels: { severity: 'critical' },
      summary: 'GPU had uncorrectable (double-bit) ECC errors',
      description: `${node} counted double-bit ECC errors in the last 10 minutes; drain the node and reset the GPU.`,
    }),
    alert(cfg, {
      alert: 'GpuRowRemapFailure',
      expr: 'DCGM_FI_DEV_ROW_REMAP_FAILURE > 0',
      labels: { severity: 'critical' },
      summary: 'GPU ran out of spare memory rows',
      description: `${node} failed to remap a memory row; the GPU must be replaced.`,
    }),
    alert(cfg, {
      alert: 'GpuUncorrectableRowsRemapped',
      expr: 'increase(DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS[1h]) > 0',
      labels: { severity: 'warning' },
      summary: 'GPU remapped memory rows after uncorrectable errors',
      description: `${node} remapped rows after uncorrectable errors; reset the GPU at the next drain so the remap takes effect.`,
    }),
    alert(cfg, {
      alert: 'GpuOverheating',
      expr: `DCGM_FI_DEV_GPU_TEMP > ${num(cfg.temperatureThresholdCelsius)}`,
      for: '10m',
      labels: { severity: 'warning' },
      summary: 'GPU is running hot',
      description: `${node} has been above ${num(cfg.temperatureThresholdCelsius)} °C for 10 minutes; check airflow and cooling.`,
    }),
    alert(cfg, {
      alert: 'GpuHardwareThrottling',
      expr: HW_THROTTLE_BITS.map((b) => `(floor(${THROTTLE} / ${b}) % 2 == 1)`).join(' or '),
      for: '10m',
      labels: { severity: 'warning' },
      summary: 'GPU clocks are held down by hardware slowdown',
      description: `${node} has been throttled by hardware slowdown, thermal or power-brake for 10 minutes.`,
    }),
    alert(cfg, {
      alert: 'GpuExporterDown',
      expr: `up${matchers(['job', '=', cfg.dcgmJob])} == 0`,
      for: '10m',
      labels: { severity: 'warning' },
      summary: 'DCGM exporter target is down',
      description: 'DCGM exporter {{ $labels.instance }} has been unreachable for 10 minutes; GPU health alerts for its node are blind.',
    }),
    alert(cfg, {
      alert: 'GpuTelemetryAbsent',
      expr: `absent(up${matchers(['job', '=', cfg.dcgmJob])})`,
      for: '15m',
      labels: { severity: 'warning' },
      summary: 'No DCGM exporter target is scraped',
      description: `Prometheus has no target with job="${cfg.dcgmJob}"; check the gpu-operator DCGM exporter and the ServiceMonitor.`,
    }),
  ];
  const idle = promDuration(cfg.idleAfterSeconds);
  const utilisation: AlertRule[] = [
    alert(cfg, {
      alert: 'GpuAllocatedButIdle',
      expr: `avg_over_time(${UTIL}${matchers(['pod', '!=', ''])}[10m]) < ${num(cfg.idleUtilizationPercent)}`,
      for: idle,
      labels: { severity: 'warning' },
      summary: 'An allocated GPU is idle',
      description: `GPU {{ $labels.gpu }} on {{ $labels.Hostname }} held by {{ $labels.namespace }}/{{ $labels.pod }} has been below ${num(cfg.idleUtilizationPercent)}% utilisation for ${idle}.`,
    }),
    alert(cfg, {
      alert: 'GpusFreeWhileWorkloadsPending',
      expr: `(count(${UTIL}${matchers(['pod', '=', ''])}) > 0) and on () (sum(kueue_pending_workloads) > 0)`,
      for: '30m',
      labels: { severity: 'warning' },
      summary: 'GPUs are free while Kueue workloads wait (stranded capacity)',
      description: '{{ $value }} GPUs have had no pod for 30 minutes while Kueue workloads are pending: fragmentation, flavor/taint mismatch or gangs larger than free nodes.',
    }),
  ];
  return [
    { name: 'aidc.gpu.records', rules: gpuRecords() },
    { name: 'aidc.gpu.health', rules: health },
    { name: 'aidc.gpu.utilization', rules: utilisation },
  ];
}
