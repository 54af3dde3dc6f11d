import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { ConstructValidationError } from '../errors';
import {
  PodMonitor,
  PodMonitorSpecPodMetricsEndpointsRelabelingsAction,
  PrometheusRule,
  PrometheusRuleSpec,
  ServiceMonitor,
  ServiceMonitorSpecEndpointsScheme,
} from './imports/monitoring.coreos.com-monitoring.coreos.com';
import { requireCount, requireLabels, requireMetricName, requireOpenFraction, requirePositiveNumber, requireSeconds } from './monitoring/checks';
import { gpuFleetDashboard, inferenceSloDashboard, trainingDashboard } from './monitoring/dashboards';
import { GpuRuleConfig, gpuRuleGroups } from './monitoring/gpu-rules';
import { InferenceRuleConfig, inferenceRuleGroup, MAX_BURN_RATE, VLLM_TTFT_BUCKETS_SECONDS } from './monitoring/inference-rules';
import { KueueRuleConfig, kueueRuleGroups } from './monitoring/kueue-rules';
import { promDuration, RuleGroup, RunbookConfig, toCrdGroups } from './monitoring/rule-model';
import { TrainingRuleConfig, trainingRuleGroup } from './monitoring/training-rules';
import { commonLabels, requireDnsLabel } from './private/names';

/** Props of a {@link MonitoringStack}. */
export interface MonitoringStackProps {
  /**
   * Namespace of the emitted ServiceMonitors, PodMonitors, PrometheusRules and dashboard ConfigMaps.
   * @default 'monitoring'
   */
  readonly namespace?: string;
  /**
   * Helm release name of kube-prometheus-stack. Every monitor and rule is labelled
   * `release: <name>`, which the chart's default selectors require
   * (`prometheus.prometheusSpec.{ruleSelector,serviceMonitorSelector,podMonitorSelector}NilUsesHelmValues: true`
   * in kube-prometheus-stack 88.5.3 values.yaml).
   * @default 'kube-prometheus-stack'
   */
  readonly prometheusReleaseName?: string;
  /**
   * Prefix of every object name.
   * @default 'aidc'
   */
  readonly namePrefix?: string;
  /**
   * Scrape interval of the monitors, seconds.
   * @default 30
   */
  readonly scrapeIntervalSeconds?: number;
  /**
   * Emit a ServiceMonitor for the gpu-operator's DCGM exporter (Service `nvidia-dcgm-exporter`, port
   * `gpu-metrics`). Turn off when the gpu-operator's own ServiceMonitor is selected by Prometheus
   * (it must then set `honorLabels: true` so pod labels survive).
   * @default true
   */
  readonly dcgmExporter?: boolean;
  /**
   * Namespace the NVIDIA gpu-operator runs in.
   * @default 'gpu-operator'
   */
  readonly gpuOperatorNamespace?: string;
  /**
   * Emit a ServiceMonitor for the Kueue controller's metrics Service.
   * @default true
   */
  readonly kueueMetrics?: boolean;
  /**
   * Namespace Kueue runs in.
   * @default 'kueue-system'
   */
  readonly kueueNamespace?: string;
  /**
   * Label key the Grafana dashboard sidecar watches (kube-prometheus-stack `grafana.sidecar.dashboards.label`).
   * @default 'grafana_dashboard'
   */
  readonly grafanaDashboardLabel?: string;
  /**
   * Value of the dashboard label (kube-prometheus-stack `grafana.sidecar.dashboards.labelValue`).
   * @default '1'
   */
  readonly grafanaDashboardLabelValue?: string;
  /**
   * Sustained GPU temperature that raises `GpuOverheating`, °C.
   * @default 85
   */
  readonly gpuTemperatureThresholdCelsius?: number;
  /**
   * GPU utilisation (percent) below which an allocated GPU counts as idle.
   * @default 5
   */
  readonly idleGpuUtilizationPercent?: number;
  /**
   * How long an allocated GPU must stay idle before `GpuAllocatedButIdle` fires, seconds.
   * @default 3600
   */
  readonly idleGpuAfterSeconds?: number;
  /**
   * How long Kueue workloads may wait before the backlog alerts fire, seconds (for ClusterQueues of no registered pool).
   * @default 1800
   */
  readonly queueBacklogAfterSeconds?: number;
  /**
   * Base URL of the runbooks; each alert links to `<base>#<alertname in lower case>`.
   * @default 'https://github.com/ai-datacenter-constructs/ai-datacenter-constructs/blob/main/docs/runbooks.md'
   */
  readonly runbookBaseUrl?: string;
}

/** An inference service (vLLM engines) to scrape and hold to its SLOs. */
export interface InferenceServiceMonitoringOptions {
  /** Name of the service; recorded as the `service` label (DNS-1123 label). */
  readonly name: string;
  /** Namespace of the engine pods. */
  readonly namespace: string;
  /** Labels that select the engine pods. */
  readonly selectorLabels: { [key: string]: string };
  /**
   * Time-to-first-token threshold, seconds. Must be a bound of vLLM's TTFT histogram
   * ({@link MonitoringStack.VLLM_TTFT_BUCKETS_SECONDS}) so the SLI is exact.
   */
  readonly ttftSloSeconds: number;
  /**
   * Fraction of requests that must get their first token within `ttftSloSeconds`, in (0.9306, 1).
   * @default 0.99
   */
  readonly ttftObjective?: number;
  /**
   * Fraction of requests that must not fail with a 5xx, in (0.9306, 1).
   * @default 0.999
   */
  readonly availabilityTarget?: number;
  /**
   * Name of the engine container's metrics port (vLLM serves /metrics on its API port).
   * @default 'http'
   */
  readonly metricsPortName?: string;
  /**
   * Emit a PodMonitor for the engines. Turn off when the service's own ServiceMonitor
   * (on a Service named `name`) already scrapes them.
   * @default true
   */
  readonly podMonitor?: boolean;
  /**
   * Waiting requests per engine that raise `InferenceRequestBacklog`.
   * @default 10
   */
  readonly maxWaitingRequests?: number;
  /**
   * KV-cache usage fraction that raises `InferenceKvCacheSaturated`, in (0, 1).
   * @default 0.95
   */
  readonly kvCacheUsageThreshold?: number;
}

/** A training job (JobSet) to watch for stalls and restart loops. */
export interface TrainingJobMonitoringOptions {
  /** Name of the JobSet; its pods are named `<name>-...`. */
  readonly name: string;
  /** Namespace of the job. */
  readonly namespace: string;
  /**
   * Labels that select the job's pods for the PodMonitor.
   * @default { 'jobset.sigs.k8s.io/jobset-name': name }
   */
  readonly selectorLabels?: { [key: string]: string };
  /**
   * Name of the trainer's metrics port; when set, a PodMonitor scrapes it.
   * @default - no PodMonitor (GPU and restart alerts need none)
   */
  readonly metricsPortName?: string;
  /**
   * Metric that changes while the job makes progress (a step counter or heartbeat timestamp);
   * when set, `TrainingJobStalled` fires once it stops changing.
   * @default - no progress alert; stalls are detected from GPU utilisation only
   */
  readonly progressMetric?: string;
  /**
   * How long without progress, or with collapsed GPU utilisation, counts as a stall, seconds.
   * @default 1800
   */
  readonly stallAfterSeconds?: number;
  /**
   * Job-wide average GPU utilisation (percent) below which the job counts as stalled.
   * @default 10
   */
  readonly gpuUtilizationFloorPercent?: number;
  /**
   * Container restarts across the job within an hour that raise `TrainingJobRestartLoop`.
   * @default 3
   */
  readonly maxRestartsPerHour?: number;
}

/** A GPU pool whose Kueue ClusterQueues are watched for backlog against quota. */
export interface GpuPoolMonitoringOptions {
  /** Name of the pool; added as the `pool` label of its alerts. */
  readonly name: string;
  /** ClusterQueues that admit work onto the pool. */
  readonly clusterQueueNames: string[];
  /**
   * Extended resource Kueue accounts the pool's GPUs under.
   * @default 'nvidia.com/gpu'
   */
  readonly gpuResourceName?: string;
  /**
   * How long workloads may wait before the backlog alerts fire, seconds.
   * @default 1800
   */
  readonly backlogAfterSeconds?: number;
}

/** DCGM exporter Service of the gpu-operator (NVIDIA/gpu-operator assets/state-dcgm-exporter/0600_service.yaml). */
const DCGM_SERVICE = { name: 'nvidia-dcgm-exporter', selector: { app: 'nvidia-dcgm-exporter' }, port: 'gpu-metrics' };
/** Kueue metrics Service labels and port (kubernetes-sigs/kueue charts/kueue templates/_helpers.tpl `kueue.metricsService.labels`, values `metricsService.ports`). */
const KUEUE_SERVICE = { selector: { 'app.kubernetes.io/name': 'kueue', 'app.kubernetes.io/component': 'metrics-service' }, port: 'https' };
/** Lowest objective whose fast-burn threshold (budget × 14.4) stays below 100% errors. */
const MIN_OBJECTIVE = 1 - 1 / MAX_BURN_RATE;

/**
 * The observability of GPU pools and AI workloads for kube-prometheus-stack: scrape targets
 * (DCGM exporter, Kueue, vLLM engines, training jobs), PrometheusRules (GPU health, idle and
 * stranded GPUs, training stalls and restart loops, multi-window multi-burn-rate inference SLO
 * alerts, Kueue backlog against quota, and the recording rules behind them) and Grafana dashboards
 * as ConfigMaps for the Grafana sidecar.
 *
 * Laziness: the PrometheusRule specs and the dashboard ConfigMaps' data are cdk8s `Lazy` values
 * produced at synthesis from the registered pools, services and jobs, so `addXxx()` may be called
 * at any time before synthesis; the PodMonitors of a service or job are created by its `addXxx()`
 * call, and the inference/training PrometheusRule and dashboard on the first such call.
 *
 * Series are tied to workloads by labels: inference rules match `{namespace, service}` (a
 * ServiceMonitor on a Service named after the inference service sets `service`; the PodMonitor
 * emitted here sets it by relabeling), training rules match `pod=~"<job>-.*"` in the job's namespace.
 */
export class MonitoringStack extends Construct {
  /** Bucket bounds of vLLM's `vllm:time_to_first_token_seconds` histogram; valid `ttftSloSeconds` values. */
  public static readonly VLLM_TTFT_BUCKETS_SECONDS: number[] = [...VLLM_TTFT_BUCKETS_SECONDS];

  /** Namespace of the emitted objects. */
  public readonly namespace: string;
  /** Value of the `release` label every monitor and rule carries. */
  public readonly prometheusReleaseName: string;

  private readonly prefix: string;
  private readonly interval: string;
  private readonly runbooks: RunbookConfig;
  private readonly dashboardLabels: { [key: string]: string };
  private readonly defaultBacklogSeconds: number;
  private readonly gpu: GpuRuleConfig;
  private readonly services: InferenceRuleConfig[] = [];
  private readonly jobs: TrainingRuleConfig[] = [];
  private readonly pools: KueueRuleConfig[] = [];
  private inferenceCreated = false;
  private trainingCreated = false;

  constructor(scope: Construct, id: string, props: MonitoringStackProps = {}) {
    super(scope, id);
    const path = this.node.path;
    this.namespace = requireDnsLabel(path, 'namespace', props.namespace ?? 'monitoring');
    this.prometheusReleaseName = requireDnsLabel(path, 'prometheusReleaseName', props.prometheusReleaseName ?? 'kube-prometheus-stack', 53);
    this.prefix = requireDnsLabel(path, 'namePrefix', props.namePrefix ?? 'aidc', 20);
    this.interval = promDuration(requireSeconds(path, 'scrapeIntervalSeconds', props.scrapeIntervalSeconds ?? 30, 1, 3600));
    const runbookBaseUrl = props.runbookBaseUrl ?? 'https://github.com/ai-datacenter-constructs/ai-datacenter-constructs/blob/main/docs/runbooks.md';
    if (!/^https?:\/\/\S+$/.test(runbookBaseUrl) || runbookBaseUrl.includes('#')) {
      throw new ConstructValidationError(path, 'runbookBaseUrl', `'${runbookBaseUrl}' must be an http(s) URL without a fragment`);
    }
    this.runbooks = { runbookBaseUrl };
    const dashLabel = props.grafanaDashboardLabel ?? 'grafana_dashboard';
    this.dashboardLabels = requireLabels(path, 'grafanaDashboardLabel', { [dashLabel]: props.grafanaDashboardLabelValue ?? '1' });
    this.defaultBacklogSeconds = requireSeconds(path, 'queueBacklogAfterSeconds', props.queueBacklogAfterSeconds ?? 1800);
    const temperature = requirePositiveNumber(path, 'gpuTemperatureThresholdCelsius', props.gpuTemperatureThresholdCelsius ?? 85);
    const idlePercent = requireOpenFraction(path, 'idleGpuUtilizationPercent', props.idleGpuUtilizationPercent ?? 5, 0, 100);
    const idleSeconds = requireSeconds(path, 'idleGpuAfterSeconds', props.idleGpuAfterSeconds ?? 3600);

    if (props.dcgmExporter ?? true) {
      const ns = requireDnsLabel(path, 'gpuOperatorNamespace', props.gpuOperatorNamespace ?? 'gpu-operator');
      new ServiceMonitor(this, 'DcgmExporter', {
        metadata: this.metadata(`${this.prefix}-dcgm-exporter`),
        spec: {
          selector: { matchLabels: { ...DCGM_SERVICE.selector } },
          namespaceSelector: { matchNames: [ns] },
          // honorLabels keeps the namespace/pod labels DCGM's Kubernetes mapping puts on each GPU.
          endpoints: [{ port: DCGM_SERVICE.port, path: '/metrics', interval: this.interval, honorLabels: true }],
        },
      });
    }
    if (props.kueueMetrics ?? true) {
      const ns = requireDnsLabel(path, 'kueueNamespace', props.kueueNamespace ?? 'kueue-system');
      new ServiceMonitor(this, 'KueueController', {
        metadata: this.metadata(`${this.prefix}-kueue-controller`),
        spec: {
          selector: { matchLabels: { ...KUEUE_SERVICE.selector } },
          namespaceSelector: { matchNames: [ns] },
          // As the Kueue chart's own ServiceMonitor (templates/prometheus/monitor.yaml): authenticated HTTPS with the Prometheus token.
          endpoints: [{
            port: KUEUE_SERVICE.port,
            path: '/metrics',
            scheme: ServiceMonitorSpecEndpointsScheme.HTTPS,
            bearerTokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
            tlsConfig: { insecureSkipVerify: true },
            interval: this.interval,
          }],
        },
      });
    }

    this.gpu = {
      ...this.runbooks,
      dcgmJob: DCGM_SERVICE.name,
      temperatureThresholdCelsius: temperature,
      idleUtilizationPercent: idlePercent,
      idleAfterSeconds: idleSeconds,
    };
    this.ruleObject('GpuRules', 'gpu', () => gpuRuleGroups(this.gpu));
    this.ruleObject('KueueRules', 'kueue', () => this.kueueGroups());
    this.dashboard('GpuFleetDashboard', 'gpu-fleet', () => gpuFleetDashboard());
  }

  /** Scrapes a vLLM inference service and adds its SLI recording rules, burn-rate and saturation alerts. */
  public addInferenceService(options: InferenceServiceMonitoringOptions): void {
    const path = this.node.path;
    const name = requireDnsLabel(path, 'inferenceServices.name', options.name);
    const prop = `inferenceServices[${name}]`;
    const namespace = requireDnsLabel(path, `${prop}.namespace`, options.namespace);
    if (this.services.some((s) => s.name === name && s.namespace === namespace)) {
      throw new ConstructValidationError(path, `${prop}.name`, `inference service ${namespace}/${name} is already registered`);
    }
    const selectorLabels = requireLabels(path, `${prop}.selectorLabels`, options.selectorLabels);
    const ttft = requirePositiveNumber(path, `${prop}.ttftSloSeconds`, options.ttftSloSeconds);
    if (!VLLM_TTFT_BUCKETS_SECONDS.includes(ttft)) {
      const below = [...VLLM_TTFT_BUCKETS_SECONDS].reverse().find((b) => b < ttft);
      const above = VLLM_TTFT_BUCKETS_SECONDS.find((b) => b > ttft);
      throw new ConstructValidationError(path, `${prop}.ttftSloSeconds`,
        `${ttft} s is not a bucket bound of vllm:time_to_first_token_seconds; use ${[below, above].filter((b) => b !== undefined).join(' or ')} (MonitoringStack.VLLM_TTFT_BUCKETS_SECONDS)`);
    }
    const objective = (p: string, v: number) => {
      requireOpenFraction(path, `${prop}.${p}`, v);
      if (v <= MIN_OBJECTIVE) {
        throw new ConstructValidationError(path, `${prop}.${p}`, `${v} leaves an error budget so large that the 14.4× fast-burn threshold exceeds 100% errors; use an objective above ${MIN_OBJECTIVE.toFixed(4)}`);
      }
      return v;
    };
    const cfg: InferenceRuleConfig = {
      name,
      namespace,
      ttftSloSeconds: ttft,
      ttftObjective: objective('ttftObjective', options.ttftObjective ?? 0.99),
      availabilityTarget: objective('availabilityTarget', options.availabilityTarget ?? 0.999),
      maxWaitingRequests: requireCount(path, `${prop}.maxWaitingRequests`, options.maxWaitingRequests ?? 10),
      kvCacheUsageThreshold: requireOpenFraction(path, `${prop}.kvCacheUsageThreshold`, options.kvCacheUsageThreshold ?? 0.95),
    };
    const port = requireDnsLabel(path, `${prop}.metricsPortName`, options.metricsPortName ?? 'http', 15);
    this.services.push(cfg);
    if (options.podMonitor ?? true) {
      // '.' cannot occur in a namespace or a DNS-label name, so `<namespace>.<name>` never collides.
      new PodMonitor(this, `Inference.${namespace}.${name}`, {
        metadata: this.metadata(`${this.prefix}-inference.${namespace}.${name}`),
        spec: {
          selector: { matchLabels: selectorLabels },
          namespaceSelector: { matchNames: [namespace] },
          podMetricsEndpoints: [{
            port,
            path: '/metrics',
            interval: this.interval,
            // The rules match on namespace + service, as a ServiceMonitor on a Service named `name` would label them.
            relabelings: [{ action: PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE, targetLabel: 'service', replacement: name }],
          }],
        },
      });
    }
    if (!this.inferenceCreated) {
      this.inferenceCreated = true;
      this.ruleObject('InferenceRules', 'inference', () => this.sorted(this.services).map((s) => inferenceRuleGroup(this.runbooks, s)));
      this.dashboard('InferenceSloDashboard', 'inference-slo', () => inferenceSloDashboard());
    }
  }

  /** Watches a training job for stalls and restart loops (and scrapes its metrics port when given). */
  public addTrainingJob(options: TrainingJobMonitoringOptions): void {
    const path = this.node.path;
    const name = requireDnsLabel(path, 'trainingJobs.name', options.name);
    const prop = `trainingJobs[${name}]`;
    const namespace = requireDnsLabel(path, `${prop}.namespace`, options.namespace);
    if (this.jobs.some((j) => j.name === name && j.namespace === namespace)) {
      throw new ConstructValidationError(path, `${prop}.name`, `training job ${namespace}/${name} is already registered`);
    }
    const cfg: TrainingRuleConfig = {
      name,
      namespace,
      progressMetric: options.progressMetric === undefined ? undefined : requireMetricName(path, `${prop}.progressMetric`, options.progressMetric),
      stallAfterSeconds: requireSeconds(path, `${prop}.stallAfterSeconds`, options.stallAfterSeconds ?? 1800, 300),
      gpuUtilizationFloorPercent: requireOpenFraction(path, `${prop}.gpuUtilizationFloorPercent`, options.gpuUtilizationFloorPercent ?? 10, 0, 100),
      maxRestartsPerHour: requireCount(path, `${prop}.maxRestartsPerHour`, options.maxRestartsPerHour ?? 3),
    };
    const selectorLabels = requireLabels(path, `${prop}.selectorLabels`, options.selectorLabels ?? { 'jobset.sigs.k8s.io/jobset-name': name });
    this.jobs.push(cfg);
    if (options.metricsPortName !== undefined) {
      const port = requireDnsLabel(path, `${prop}.metricsPortName`, options.metricsPortName, 15);
      new PodMonitor(this, `Training.${namespace}.${name}`, {
        metadata: this.metadata(`${this.prefix}-training.${namespace}.${name}`),
        spec: {
          selector: { matchLabels: selectorLabels },
          namespaceSelector: { matchNames: [namespace] },
          podMetricsEndpoints: [{ port, path: '/metrics', interval: this.interval }],
        },
      });
    }
    if (!this.trainingCreated) {
      this.trainingCreated = true;
      this.ruleObject('TrainingRules', 'training', () => this.sorted(this.jobs).map((j) => trainingRuleGroup(this.runbooks, j)));
      this.dashboard('TrainingDashboard', 'training', () => trainingDashboard(this.sorted(this.jobs)));
    }
  }

  /** Watches a GPU pool's Kueue ClusterQueues for backlog against quota (replaces the cluster-wide backlog rules). */
  public addGpuPool(options: GpuPoolMonitoringOptions): void {
    const path = this.node.path;
    const name = requireDnsLabel(path, 'gpuPools.name', options.name);
    const prop = `gpuPools[${name}]`;
    if (this.pools.some((p) => p.pool === name)) {
      throw new ConstructValidationError(path, `${prop}.name`, `GPU pool ${name} is already registered`);
    }
    if (!Array.isArray(options.clusterQueueNames) || options.clusterQueueNames.length === 0) {
      throw new ConstructValidationError(path, `${prop}.clusterQueueNames`, 'must name at least one ClusterQueue');
    }
    const queues = options.clusterQueueNames.map((q, i) => requireDnsLabel(path, `${prop}.clusterQueueNames[${i}]`, q));
    const resource = options.gpuResourceName ?? 'nvidia.com/gpu';
    if (!/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(resource)) {
      throw new ConstructValidationError(path, `${prop}.gpuResourceName`, `'${resource}' is not a resource name`);
    }
    this.pools.push({
      pool: name,
      clusterQueueNames: [...queues].sort(),
      gpuResourceName: resource,
      backlogAfterSeconds: requireSeconds(path, `${prop}.backlogAfterSeconds`, options.backlogAfterSeconds ?? this.defaultBacklogSeconds),
    });
  }

  /**
   * Adds ClusterQueues to a GPU pool registered with addGpuPool (e.g. a tenant added to the pool
   * later); its backlog alerts then cover them too.
   */
  public addGpuPoolClusterQueues(poolName: string, clusterQueueNames: string[]): void {
    const path = this.node.path;
    const k = this.pools.findIndex((p) => p.pool === poolName);
    if (k < 0) throw new ConstructValidationError(path, 'gpuPools', `GPU pool ${poolName} is not registered; call addGpuPool first`);
    const queues = clusterQueueNames.map((q, i) => requireDnsLabel(path, `gpuPools[${poolName}].clusterQueueNames[${i}]`, q));
    const merged = [...new Set([...(this.pools[k].clusterQueueNames ?? []), ...queues])].sort();
    this.pools[k] = { ...this.pools[k], clusterQueueNames: merged };
  }

  /** Names of every alert this stack emits (sorted, without duplicates). */
  public get alertNames(): string[] {
    const groups = [
      ...gpuRuleGroups(this.gpu),
      ...this.kueueGroups(),
      ...this.services.map((s) => inferenceRuleGroup(this.runbooks, s)),
      ...this.jobs.map((j) => trainingRuleGroup(this.runbooks, j)),
    ];
    const names = groups.flatMap((g) => g.rules).map((r) => (r as any).alert).filter((a): a is string => typeof a === 'string');
    return [...new Set(names)].sort();
  }

  private kueueGroups(): RuleGroup[] {
    return kueueRuleGroups(this.runbooks, this.pools, { gpuResourceName: 'nvidia.com/gpu', backlogAfterSeconds: this.defaultBacklogSeconds });
  }

  private metadata(name: string, extra: { [key: string]: string } = {}) {
    return {
      name,
      namespace: this.namespace,
      labels: { ...commonLabels('monitoring', this.prefix), release: this.prometheusReleaseName, ...extra },
    };
  }

  private sorted<T extends { name: string; namespace: string }>(items: T[]): T[] {
    return [...items].sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  }

  /** A PrometheusRule whose groups are produced at synthesis. */
  private ruleObject(id: string, suffix: string, groups: () => RuleGroup[]): PrometheusRule {
    const spec = Lazy.any({ produce: (): PrometheusRuleSpec => ({ groups: toCrdGroups(groups()) }) }) as PrometheusRuleSpec;
    return new PrometheusRule(this, id, { metadata: this.metadata(`${this.prefix}-${suffix}`), spec });
  }

  /** A dashboard ConfigMap for the Grafana sidecar whose JSON is produced at synthesis. */
  private dashboard(id: string, suffix: string, json: () => any): ApiObject {
    return new ApiObject(this, id, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: this.metadata(`${this.prefix}-dashboard-${suffix}`, this.dashboardLabels),
      data: Lazy.any({ produce: () => ({ [`${this.prefix}-${suffix}.json`]: JSON.stringify(json(), null, 2) }) }),
    });
  }
}
