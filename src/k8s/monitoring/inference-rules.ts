/**
 * Inference SLO rules for vLLM engines: SLI recording rules and multi-window, multi-burn-rate
 * alerts (Google SRE Workbook, ch. 5 "Alerting on SLOs", section "6: Multiwindow, Multi-Burn-Rate
 * Alerts" and Table 5-8: page at 14.4× over 1h with a 5m short window and 6× over 6h with 30m;
 * ticket at 3× over 1d with 2h and 1× over 3d with 6h).
 *
 * Metric names (vllm-project/vllm vllm/v1/metrics/loggers.py): `vllm:time_to_first_token_seconds`
 * (histogram), `vllm:num_requests_waiting`, `vllm:kv_cache_usage_perc` (V1; the deprecated
 * `vllm:gpu_cache_usage_perc` is accepted too). Availability uses `http_requests_total{status}`
 * from prometheus-fastapi-instrumentator, which vLLM's OpenAI server mounts on /metrics
 * (status codes grouped as `2xx`…`5xx`).
 *
 * Series are matched on `namespace` and `service`: a ServiceMonitor on a Service named after the
 * inference service sets `service` itself; the PodMonitor emitted by MonitoringStack sets it by relabeling.
 */
import { AlertRule, matchers, num, RecordRule, RuleGroup, runbookUrl, RunbookConfig } from './rule-model';

/** TTFT histogram bucket bounds of vLLM V1 (vllm/v1/metrics/loggers.py, `histogram_time_to_first_token`). */
export const VLLM_TTFT_BUCKETS_SECONDS: ReadonlyArray<number> = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0,
];

/** One burn-rate alert condition: both windows must burn faster than `burnRate`. */
export interface BurnRateWindow {
  readonly longWindow: string;
  readonly shortWindow: string;
  readonly burnRate: number;
}

/** Fast burn (pages): SRE Workbook Table 5-8, 2% of a 30-day budget in 1h, 5% in 6h. */
export const FAST_BURN: ReadonlyArray<BurnRateWindow> = [
  { longWindow: '1h', shortWindow: '5m', burnRate: 14.4 },
  { longWindow: '6h', shortWindow: '30m', burnRate: 6 },
];

/** Slow burn (tickets): SRE Workbook Table 5-8, 10% of a 30-day budget in 1d and in 3d. */
export const SLOW_BURN: ReadonlyArray<BurnRateWindow> = [
  { longWindow: '1d', shortWindow: '2h', burnRate: 3 },
  { longWindow: '3d', shortWindow: '6h', burnRate: 1 },
];

/** Every window a recording rule is needed for. */
export const SLI_WINDOWS: ReadonlyArray<string> = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'];

/** Highest burn rate used; an objective whose budget × this is ≥ 1 can never page. */
export const MAX_BURN_RATE = 14.4;

/** One monitored inference service. */
export interface InferenceRuleConfig {
  readonly name: string;
  readonly namespace: string;
  /** TTFT threshold, seconds; one of VLLM_TTFT_BUCKETS_SECONDS. */
  readonly ttftSloSeconds: number;
  /** Fraction of requests that must meet the TTFT threshold. */
  readonly ttftObjective: number;
  /** Fraction of requests that must not fail with a 5xx. */
  readonly availabilityTarget: number;
  /** Waiting requests per engine that count as a backlog. */
  readonly maxWaitingRequests: number;
  /** KV-cache usage fraction that counts as saturated. */
  readonly kvCacheUsageThreshold: number;
}

/** The `le` label matcher of a TTFT bucket as vLLM (prometheus_client: `1.0`) and Prometheus 3 (`1`) write it. */
export function leMatcher(seconds: number): [string, '=' | '=~', string] {
  return Number.isInteger(seconds) ? ['le', '=~', `${seconds}|${seconds}.0`] : ['le', '=', String(seconds)];
}

/** Name of the recorded error ratio of one SLI over one window. */
export function sliRecord(sli: 'ttft' | 'availability', window: string): string {
  return `namespace_service:vllm_${sli}_slo_errors:ratio_rate${window}`;
}

function ttftErrors(s: InferenceRuleConfig, w: string): string {
  const sel = matchers(['namespace', '=', s.namespace], ['service', '=', s.name]);
  const good = matchers(['namespace', '=', s.namespace], ['service', '=', s.name], leMatcher(s.ttftSloSeconds));
  return `1 - (sum by (namespace, service) (rate(vllm:time_to_first_token_seconds_bucket${good}[${w}]))`
    + ` / sum by (namespace, service) (rate(vllm:time_to_first_token_seconds_count${sel}[${w}])))`;
}

function availabilityErrors(s: InferenceRuleConfig, w: string): string {
  const sel = matchers(['namespace', '=', s.namespace], ['service', '=', s.name]);
  const bad = matchers(['namespace', '=', s.namespace], ['service', '=', s.name], ['status', '=~', '5..']);
  const total = `sum by (namespace, service) (rate(http_requests_total${sel}[${w}]))`;
  return `(sum by (namespace, service) (rate(http_requests_total${bad}[${w}])) or 0 * ${total}) / ${total}`;
}

function burnExpr(s: InferenceRuleConfig, sli: 'ttft' | 'availability', windows: ReadonlyArray<BurnRateWindow>, budget: number): string {
  const sel = matchers(['namespace', '=', s.namespace], ['service', '=', s.name]);
  return windows.map((w) => {
    const threshold = num(w.burnRate * budget);
    return `(${sliRecord(sli, w.longWindow)}${sel} > ${threshold} and ${sliRecord(sli, w.shortWindow)}${sel} > ${threshold})`;
  }).join(' or ');
}

function burnAlerts(cfg: RunbookConfig, s: InferenceRuleConfig, sli: 'ttft' | 'availability'): AlertRule[] {
  const objective = sli === 'ttft' ? s.ttftObjective : s.availabilityTarget;
  const budget = 1 - objective;
  const what = sli === 'ttft'
    ? `requests with time to first token within ${num(s.ttftSloSeconds)} s (objective ${num(objective * 100)}%)`
    : `requests without a 5xx (objective ${num(objective * 100)}%)`;
  const prefix = sli === 'ttft' ? 'InferenceTtft' : 'InferenceAvailability';
  const mk = (suffix: string, windows: ReadonlyArray<BurnRateWindow>, severity: 'critical' | 'warning', pace: string): AlertRule => ({
    alert: `${prefix}${suffix}`,
    expr: burnExpr(s, sli, windows, budget),
    for: severity === 'critical' ? '2m' : '15m',
    labels: { severity, slo: sli },
    annotations: {
      summary: `Inference service is burning its ${sli} error budget ${pace}`,
      description: `{{ $labels.namespace }}/{{ $labels.service }} burns the error budget of ${what} ${pace} (multi-window burn-rate alert).`,
      runbook_url: runbookUrl(cfg, `${prefix}${suffix}`),
    },
  });
  return [mk('BudgetBurnFast', FAST_BURN, 'critical', 'fast'), mk('BudgetBurnSlow', SLOW_BURN, 'warning', 'slowly')];
}

/** The rule group of one inference service: SLI recording rules, burn-rate and saturation alerts. */
export function inferenceRuleGroup(cfg: RunbookConfig, s: InferenceRuleConfig): RuleGroup {
  const sel = matchers(['namespace', '=', s.namespace], ['service', '=', s.name]);
  const records: RecordRule[] = [];
  for (const w of SLI_WINDOWS) records.push({ record: sliRecord('ttft', w), expr: ttftErrors(s, w) });
  for (const w of SLI_WINDOWS) records.push({ record: sliRecord('availability', w), expr: availabilityErrors(s, w) });
  const alerts: AlertRule[] = [
    ...burnAlerts(cfg, s, 'ttft'),
    ...burnAlerts(cfg, s, 'availability'),
    {
      alert: 'InferenceRequestBacklog',
      expr: `max by (namespace, service) (vllm:num_requests_waiting${sel}) > ${num(s.maxWaitingRequests)}`,
      for: '10m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Inference requests are queueing',
        description: `An engine of {{ $labels.namespace }}/{{ $labels.service }} has had more than ${num(s.maxWaitingRequests)} waiting requests for 10 minutes; the autoscaler is at its maximum or too slow.`,
        runbook_url: runbookUrl(cfg, 'InferenceRequestBacklog'),
      },
    },
    {
      alert: 'InferenceKvCacheSaturated',
      expr: `max by (namespace, service) (vllm:kv_cache_usage_perc${sel} or vllm:gpu_cache_usage_perc${sel}) > ${num(s.kvCacheUsageThreshold)}`,
      for: '15m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Inference KV cache is saturated',
        description: `An engine of {{ $labels.namespace }}/{{ $labels.service }} has used more than ${num(s.kvCacheUsageThreshold * 100)}% of its KV cache for 15 minutes; requests are being preempted.`,
        runbook_url: runbookUrl(cfg, 'InferenceKvCacheSaturated'),
      },
    },
    {
      alert: 'InferenceEngineDown',
      expr: `(sum by (namespace, service) (up${sel}) == 0) or absent(up${sel})`,
      for: '5m',
      labels: { severity: 'critical', namespace: s.namespace, service: s.name },
      annotations: {
        summary: 'No inference engine is up',
        description: `No engine of ${s.namespace}/${s.name} has been scrapeable for 5 minutes.`,
        runbook_url: runbookUrl(cfg, 'InferenceEngineDown'),
      },
    },
  ];
  return { name: `aidc.inference.${s.namespace}.${s.name}`, rules: [...records, ...alerts] };
}
