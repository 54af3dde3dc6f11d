/**
 * Grafana dashboards as plain JSON following the dashboard schema of
 * grafana/grafana-foundation-sdk v0.0.18 (jsonschema/dashboard, timeseries, stat, prometheus;
 * the tests validate against those schemas). Every panel queries the Prometheus data source chosen
 * by the `datasource` variable.
 */
import { SLI_WINDOWS, sliRecord } from './inference-rules';

/** Grafana schema version written into the dashboards (Grafana 11). */
export const SCHEMA_VERSION = 39;

const DS = { type: 'prometheus', uid: '${datasource}' };

interface Target { readonly expr: string; readonly legend: string }
interface Grid { readonly x: number; readonly y: number; readonly w: number; readonly h: number }

function targets(ts: ReadonlyArray<Target>): any[] {
  return ts.map((t, i) => ({ refId: String.fromCharCode(65 + i), datasource: DS, expr: t.expr, legendFormat: t.legend, range: true, editorMode: 'code' }));
}

function thresholds(steps: Array<[number | null, string]>): any {
  return { mode: 'absolute', steps: steps.map(([value, color]) => ({ value, color })) };
}

/** A time series panel. */
function timeseries(id: number, title: string, description: string, gridPos: Grid, ts: ReadonlyArray<Target>, unit: string, extra: { min?: number; max?: number } = {}): any {
  return {
    type: 'timeseries',
    id,
    title,
    description,
    datasource: DS,
    gridPos,
    targets: targets(ts),
    fieldConfig: {
      defaults: { unit, ...extra, custom: { drawStyle: 'line', lineWidth: 1, fillOpacity: 10, showPoints: 'never', spanNulls: false } },
      overrides: [],
    },
    options: {
      legend: { displayMode: 'list', placement: 'bottom', showLegend: true, calcs: [] },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
  };
}

/** A single-value stat panel. */
function stat(id: number, title: string, description: string, gridPos: Grid, expr: string, unit: string, steps: Array<[number | null, string]>): any {
  return {
    type: 'stat',
    id,
    title,
    description,
    datasource: DS,
    gridPos,
    targets: targets([{ expr, legend: title }]),
    fieldConfig: { defaults: { unit, thresholds: thresholds(steps), color: { mode: 'thresholds' } }, overrides: [] },
    options: {
      graphMode: 'area',
      colorMode: 'value',
      justifyMode: 'auto',
      textMode: 'auto',
      wideLayout: true,
      showPercentChange: false,
      percentChangeColorMode: 'standard',
      orientation: 'auto',
      reduceOptions: { calcs: ['lastNotNull'], values: false, fields: '' },
    },
  };
}

function datasourceVariable(): any {
  return { type: 'datasource', name: 'datasource', label: 'Data source', query: 'prometheus', refresh: 1, hide: 0, includeAll: false, multi: false };
}

function queryVariable(name: string, label: string, query: string): any {
  return { type: 'query', name, label, datasource: DS, query, definition: query, refresh: 2, sort: 1, hide: 0, includeAll: false, multi: false };
}

function customVariable(name: string, label: string, values: ReadonlyArray<string>): any {
  const options = values.map((v, i) => ({ text: v, value: v, selected: i === 0 }));
  return {
    type: 'custom', name, label, query: values.join(','), options,
    current: values.length ? { text: values[0], value: values[0] } : { text: '', value: '' },
    hide: 0, includeAll: false, multi: false,
  };
}

function dashboard(uid: string, title: string, description: string, panels: any[], variables: any[]): any {
  return {
    uid,
    title,
    description,
    tags: ['ai-datacenter-constructs'],
    timezone: 'browser',
    editable: true,
    graphTooltip: 1,
    time: { from: 'now-6h', to: 'now' },
    refresh: '1m',
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    panels,
    templating: { list: [datasourceVariable(), ...variables] },
    annotations: {
      list: [{
        builtIn: 1, datasource: { type: 'grafana', uid: '-- Grafana --' }, enable: true, hide: true,
        iconColor: 'rgba(0, 211, 255, 1)', name: 'Annotations & Alerts', type: 'dashboard',
      }],
    },
  };
}

/** GPU fleet: capacity, allocation, utilisation, health and Kueue quota use. */
export function gpuFleetDashboard(): any {
  const panels = [
    stat(1, 'GPUs', 'GPUs reporting to DCGM exporter.', { x: 0, y: 0, w: 6, h: 4 }, 'cluster:dcgm_gpus:count', 'none', [[null, 'blue']]),
    stat(2, 'GPUs allocated', 'GPUs held by a pod.', { x: 6, y: 0, w: 6, h: 4 }, 'cluster:dcgm_gpus_allocated:count', 'none', [[null, 'blue']]),
    stat(3, 'Allocation', 'Allocated ÷ all GPUs.', { x: 12, y: 0, w: 6, h: 4 }, 'cluster:dcgm_gpus_allocated:count / cluster:dcgm_gpus:count', 'percentunit', [[null, 'red'], [0.6, 'yellow'], [0.85, 'green']]),
    stat(4, 'GPU alerts firing', 'Firing GPU alerts.', { x: 18, y: 0, w: 6, h: 4 }, 'count(ALERTS{alertname=~"Gpu.*",alertstate="firing"}) or vector(0)', 'none', [[null, 'green'], [1, 'red']]),
    timeseries(5, 'Utilisation by node', 'Average GPU utilisation per node.', { x: 0, y: 4, w: 12, h: 8 }, [{ expr: 'node:dcgm_gpu_utilization:avg', legend: '{{Hostname}}' }], 'percent', { min: 0, max: 100 }),
    timeseries(6, 'Utilisation by namespace', 'Average utilisation of allocated GPUs per namespace.', { x: 12, y: 4, w: 12, h: 8 }, [{ expr: 'namespace:dcgm_gpu_utilization:avg', legend: '{{namespace}}' }], 'percent', { min: 0, max: 100 }),
    timeseries(7, 'Temperature (hottest GPU per node)', 'DCGM_FI_DEV_GPU_TEMP.', { x: 0, y: 12, w: 12, h: 8 }, [{ expr: 'max by (Hostname) (DCGM_FI_DEV_GPU_TEMP)', legend: '{{Hostname}}' }], 'celsius'),
    timeseries(8, 'Power per node', 'DCGM_FI_DEV_POWER_USAGE summed per node.', { x: 12, y: 12, w: 12, h: 8 }, [{ expr: 'sum by (Hostname) (DCGM_FI_DEV_POWER_USAGE)', legend: '{{Hostname}}' }], 'watt'),
    timeseries(9, 'Framebuffer used per node', 'DCGM_FI_DEV_FB_USED (MiB) summed per node.', { x: 0, y: 20, w: 12, h: 8 }, [{ expr: 'sum by (Hostname) (DCGM_FI_DEV_FB_USED) * 1048576', legend: '{{Hostname}}' }], 'bytes'),
    timeseries(10, 'XID errors', 'Last XID per GPU (non-zero only).', { x: 12, y: 20, w: 12, h: 8 }, [{ expr: 'DCGM_FI_DEV_XID_ERRORS > 0', legend: '{{Hostname}} GPU {{gpu}}' }], 'none'),
    timeseries(11, 'Kueue GPU quota use', 'GPU usage ÷ nominal quota per ClusterQueue (above 1 = borrowing).', { x: 0, y: 28, w: 12, h: 8 }, [{ expr: 'cluster_queue:kueue_gpu_quota_usage:ratio', legend: '{{cluster_queue}}' }], 'percentunit'),
    timeseries(12, 'Kueue pending workloads', 'kueue_pending_workloads per ClusterQueue and status.', { x: 12, y: 28, w: 12, h: 8 }, [{ expr: 'sum by (cluster_queue, status) (kueue_pending_workloads)', legend: '{{cluster_queue}} {{status}}' }], 'none'),
  ];
  return dashboard('aidc-gpu-fleet', 'AI datacenter / GPU fleet', 'GPU capacity, allocation, utilisation and health (DCGM exporter) with Kueue quota use.', panels, []);
}

/** Inference SLOs: the recorded SLIs, latency quantiles and engine saturation per service. */
export function inferenceSloDashboard(): any {
  const sel = '{namespace="$namespace",service="$service"}';
  const errWindows = ['5m', '1h', '6h'].filter((w) => SLI_WINDOWS.includes(w));
  const q = (quantile: number) => `histogram_quantile(${quantile}, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket${sel}[5m])))`;
  const panels = [
    stat(1, 'TTFT errors (1h)', 'Share of requests over the TTFT threshold in the last hour.', { x: 0, y: 0, w: 6, h: 4 }, `${sliRecord('ttft', '1h')}${sel}`, 'percentunit', [[null, 'green'], [0.01, 'yellow'], [0.05, 'red']]),
    stat(2, '5xx errors (1h)', 'Share of requests answered with a 5xx in the last hour.', { x: 6, y: 0, w: 6, h: 4 }, `${sliRecord('availability', '1h')}${sel}`, 'percentunit', [[null, 'green'], [0.001, 'yellow'], [0.01, 'red']]),
    stat(3, 'Waiting requests', 'vllm:num_requests_waiting summed over engines.', { x: 12, y: 0, w: 6, h: 4 }, `sum(vllm:num_requests_waiting${sel})`, 'none', [[null, 'green'], [10, 'yellow'], [50, 'red']]),
    stat(4, 'Engines up', 'Scrapeable engine pods.', { x: 18, y: 0, w: 6, h: 4 }, `sum(up${sel})`, 'none', [[null, 'red'], [1, 'green']]),
    timeseries(5, 'TTFT SLO error ratio', 'Recorded TTFT error ratio per window (burn-rate alert inputs).', { x: 0, y: 4, w: 12, h: 8 }, errWindows.map((w) => ({ expr: `${sliRecord('ttft', w)}${sel}`, legend: w })), 'percentunit'),
    timeseries(6, 'Availability SLO error ratio', 'Recorded 5xx ratio per window (burn-rate alert inputs).', { x: 12, y: 4, w: 12, h: 8 }, errWindows.map((w) => ({ expr: `${sliRecord('availability', w)}${sel}`, legend: w })), 'percentunit'),
    timeseries(7, 'Time to first token', 'TTFT quantiles from vllm:time_to_first_token_seconds.', { x: 0, y: 12, w: 12, h: 8 }, [0.5, 0.95, 0.99].map((p) => ({ expr: q(p), legend: `p${p * 100}` })), 's'),
    timeseries(8, 'Requests running and waiting', 'vllm:num_requests_running / vllm:num_requests_waiting per pod.', { x: 12, y: 12, w: 12, h: 8 }, [
      { expr: `sum by (pod) (vllm:num_requests_running${sel})`, legend: 'running {{pod}}' },
      { expr: `sum by (pod) (vllm:num_requests_waiting${sel})`, legend: 'waiting {{pod}}' },
    ], 'none'),
    timeseries(9, 'KV-cache usage', 'vllm:kv_cache_usage_perc per pod (1 = full).', { x: 0, y: 20, w: 12, h: 8 }, [{ expr: `max by (pod) (vllm:kv_cache_usage_perc${sel} or vllm:gpu_cache_usage_perc${sel})`, legend: '{{pod}}' }], 'percentunit', { min: 0, max: 1 }),
    timeseries(10, 'Tokens per second', 'Prompt and generation tokens per second over all engines.', { x: 12, y: 20, w: 12, h: 8 }, [
      { expr: `sum(rate(vllm:prompt_tokens_total${sel}[5m]))`, legend: 'prompt' },
      { expr: `sum(rate(vllm:generation_tokens_total${sel}[5m]))`, legend: 'generation' },
    ], 'none'),
  ];
  return dashboard('aidc-inference-slo', 'AI datacenter / Inference SLOs', 'SLIs, burn-rate inputs, latency and saturation of vLLM inference services.', panels, [
    queryVariable('namespace', 'Namespace', 'label_values(vllm:num_requests_waiting, namespace)'),
    queryVariable('service', 'Service', 'label_values(vllm:num_requests_waiting{namespace="$namespace"}, service)'),
  ]);
}

/** Training jobs: GPU utilisation, memory, power and restarts of one job's pods. */
export function trainingDashboard(jobs: ReadonlyArray<{ readonly name: string; readonly namespace: string }>): any {
  const pods = '{namespace="$namespace",pod=~"$job-.*"}';
  const panels = [
    stat(1, 'GPUs in use', 'GPUs held by the job\'s pods.', { x: 0, y: 0, w: 8, h: 4 }, `count(DCGM_FI_DEV_GPU_UTIL${pods})`, 'none', [[null, 'blue']]),
    stat(2, 'Average GPU utilisation', 'Across all GPUs of the job.', { x: 8, y: 0, w: 8, h: 4 }, `avg(DCGM_FI_DEV_GPU_UTIL${pods})`, 'percent', [[null, 'red'], [30, 'yellow'], [70, 'green']]),
    stat(3, 'Restarts (1h)', 'Container restarts across the job in the last hour.', { x: 16, y: 0, w: 8, h: 4 }, `sum(increase(kube_pod_container_status_restarts_total${pods}[1h])) or vector(0)`, 'none', [[null, 'green'], [1, 'yellow'], [3, 'red']]),
    timeseries(4, 'GPU utilisation per pod', 'Average over each pod\'s GPUs; a single low line is a straggler rank.', { x: 0, y: 4, w: 12, h: 8 }, [{ expr: `avg by (pod) (DCGM_FI_DEV_GPU_UTIL${pods})`, legend: '{{pod}}' }], 'percent', { min: 0, max: 100 }),
    timeseries(5, 'Tensor core activity', 'DCGM_FI_PROF_PIPE_TENSOR_ACTIVE averaged per pod (ratio of cycles).', { x: 12, y: 4, w: 12, h: 8 }, [{ expr: `avg by (pod) (DCGM_FI_PROF_PIPE_TENSOR_ACTIVE${pods})`, legend: '{{pod}}' }], 'percentunit', { min: 0, max: 1 }),
    timeseries(6, 'Framebuffer used per pod', 'DCGM_FI_DEV_FB_USED (MiB) summed per pod.', { x: 0, y: 12, w: 12, h: 8 }, [{ expr: `sum by (pod) (DCGM_FI_DEV_FB_USED${pods}) * 1048576`, legend: '{{pod}}' }], 'bytes'),
    timeseries(7, 'Power per pod', 'DCGM_FI_DEV_POWER_USAGE summed per pod.', { x: 12, y: 12, w: 12, h: 8 }, [{ expr: `sum by (pod) (DCGM_FI_DEV_POWER_USAGE${pods})`, legend: '{{pod}}' }], 'watt'),
  ];
  const namespaces = [...new Set(jobs.map((j) => j.namespace))].sort();
  const names = [...new Set(jobs.map((j) => j.name))].sort();
  return dashboard('aidc-training', 'AI datacenter / Training jobs', 'GPU utilisation, memory, power and restarts of registered training jobs.', panels, [
    customVariable('namespace', 'Namespace', namespaces),
    customVariable('job', 'Training job', names),
  ]);
}
