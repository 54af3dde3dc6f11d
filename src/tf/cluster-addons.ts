import { Release } from '@cdktf/provider-helm/lib/release';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import { TfTaint } from './node-metadata';
import { deepMerge, EXACT_VERSION, PINNED_CHARTS, PinnedChart } from './private/charts';
import { fail, requireFiniteJson, requireInteger, requireLabelName, requireName, requireOneOf, sortKeysDeep } from './private/checks';
import { kueueManagerConfigYaml } from './private/kueue-config';
import { checkTaints } from './private/node-checks';

/** The cluster add-ons the platform installs. */
export enum Addon {
  /** NVIDIA GPU Operator (driver, device plugin, MIG manager, DCGM exporter). */
  GPU_OPERATOR = 'gpu-operator',
  /** Kueue: quotas, queues, gang admission. */
  KUEUE = 'kueue',
  /** JobSet: gangs of indexed jobs for training. */
  JOBSET = 'jobset',
  /** LeaderWorkerSet: multi-node inference replicas. */
  LWS = 'lws',
  /** KEDA: event-driven autoscaling. */
  KEDA = 'keda',
  /** kube-prometheus-stack: Prometheus Operator, Prometheus, Alertmanager, Grafana. */
  KUBE_PROMETHEUS_STACK = 'kube-prometheus-stack',
}

/** Where a pinned chart comes from. */
export interface HelmChartInfo {
  /** The add-on (an {@link Addon} value). */
  readonly addon: string;
  /** Chart name. */
  readonly chart: string;
  /** Chart repository URL (`https://...` or `oci://...`). */
  readonly repository: string;
  /** Exact pinned chart version. */
  readonly version: string;
  /** Namespace the release goes to by default. */
  readonly namespace: string;
  /** API groups of the CRDs the chart installs. */
  readonly apiGroups: string[];
}

/** Options shared by every add-on. */
export interface AddonOptions {
  /**
   * Install this add-on.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Namespace of the release (created when missing).
   * @default the chart's usual namespace (see `ClusterAddons.chartFor`)
   */
  readonly namespace?: string;
  /**
   * Helm release name.
   * @default the add-on name
   */
  readonly releaseName?: string;
  /**
   * Exact chart version overriding the pin (no ranges).
   * @default the pinned version (see `ClusterAddons.chartFor`)
   */
  readonly version?: string;
  /**
   * Extra values deep-merged over the ones the library derives (yours win).
   * @default {}
   */
  readonly values?: { [key: string]: any };
}

/** Options of the NVIDIA GPU Operator release. */
export interface GpuOperatorOptions extends AddonOptions {
  /**
   * MIG strategy (`none`, `single` or `mixed`): `mixed` exposes each MIG profile as its own resource.
   * @default 'single' (the chart's default)
   */
  readonly migStrategy?: string;
  /**
   * ConfigMap holding the device-plugin configurations (time-slicing, MIG), e.g. the one
   * GpuResourcePool emits; created by the chart when `devicePluginConfigs` is given.
   * @default - no device-plugin config (exclusive GPUs); 'aidc-device-plugin-config' when devicePluginConfigs is given
   */
  readonly devicePluginConfigMapName?: string;
  /**
   * Device-plugin configurations (config name → YAML) for the chart to create in that ConfigMap.
   * @default - the ConfigMap is managed elsewhere
   */
  readonly devicePluginConfigs?: { [name: string]: string };
  /**
   * Configuration used on nodes without the `nvidia.com/device-plugin.config` label.
   * @default - the chart's default
   */
  readonly devicePluginDefaultConfig?: string;
  /**
   * Taints of the GPU pools: the operator's DaemonSets and the NFD worker must tolerate them.
   * @default [] (only the chart's `nvidia.com/gpu` toleration)
   */
  readonly poolTaints?: TfTaint[];
  /**
   * Install the NVIDIA driver (false on AMIs that ship it, e.g. EKS AL2023 NVIDIA).
   * @default - the chart's default (true)
   */
  readonly driverEnabled?: boolean;
  /**
   * Create the DCGM exporter ServiceMonitor.
   * @default true when kube-prometheus-stack is installed, else false
   */
  readonly dcgmServiceMonitor?: boolean;
}

/** Options of the kube-prometheus-stack release. */
export interface KubePrometheusStackOptions extends AddonOptions {
  /**
   * Label the Grafana sidecar looks for on dashboard ConfigMaps.
   * @default 'grafana_dashboard'
   */
  readonly dashboardLabel?: string;
  /**
   * Value of that label.
   * @default '1'
   */
  readonly dashboardLabelValue?: string;
}

/** Props of {@link ClusterAddons}. */
export interface ClusterAddonsProps {
  /** @default - installed with defaults */
  readonly gpuOperator?: GpuOperatorOptions;
  /** @default - installed with defaults */
  readonly kueue?: AddonOptions;
  /** @default - installed with defaults */
  readonly jobset?: AddonOptions;
  /** @default - installed with defaults */
  readonly lws?: AddonOptions;
  /** @default - installed with defaults */
  readonly keda?: AddonOptions;
  /** @default - installed with defaults */
  readonly kubePrometheusStack?: KubePrometheusStackOptions;
  /**
   * Seconds Helm waits for each release.
   * @default 900
   */
  readonly timeoutSeconds?: number;
}

const MIG_STRATEGIES = ['none', 'single', 'mixed'] as const;

/** The NVIDIA default toleration the chart ships for its DaemonSets (values.yaml `daemonsets.tolerations`). */
const GPU_TOLERATION = { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' };
/** NFD worker default tolerations (gpu-operator v26.7.0 values.yaml `node-feature-discovery.worker.tolerations`). */
const NFD_DEFAULT_TOLERATIONS = [
  { key: 'node-role.kubernetes.io/control-plane', operator: 'Equal', value: '', effect: 'NoSchedule' },
  GPU_TOLERATION,
];

/**
 * The cluster add-ons as pinned `helm_release`s: NVIDIA GPU Operator, Kueue, JobSet,
 * LeaderWorkerSet, KEDA and kube-prometheus-stack, with values derived from the pools
 * and the monitoring wiring (ServiceMonitor/PodMonitor/rule selectors open, Grafana
 * dashboard sidecar on) that the library's objects rely on.
 */
export class ClusterAddons extends Construct {
  /** Chart, repository and pinned version of an add-on. */
  public static chartFor(addon: Addon): HelmChartInfo {
    const c = PINNED_CHARTS.find((x) => x.addon === addon);
    if (!c) throw new Error(`unknown add-on '${addon}'`);
    return { ...c, apiGroups: [...c.apiGroups] };
  }

  /** The add-on whose chart installs the CRDs of `apiGroup`, if any. */
  public static addonForApiGroup(apiGroup: string): string | undefined {
    return PINNED_CHARTS.find((x) => x.apiGroups.includes(apiGroup))?.addon;
  }

  private readonly releases = new Map<string, Release>();
  private readonly values = new Map<string, any>();

  constructor(scope: Construct, id: string, props: ClusterAddonsProps = {}) {
    super(scope, id);
    const timeout = requireInteger(this, 'timeoutSeconds', props.timeoutSeconds ?? 900);
    const on = (o: AddonOptions | undefined) => o?.enabled ?? true;
    const monitoring = on(props.kubePrometheusStack);

    if (monitoring) {
      const o = props.kubePrometheusStack ?? {};
      this.install('kubePrometheusStack', Addon.KUBE_PROMETHEUS_STACK, o, this.prometheusValues(o), [], timeout);
    }
    if (on(props.gpuOperator)) {
      const o = props.gpuOperator ?? {};
      this.install('gpuOperator', Addon.GPU_OPERATOR, o, this.gpuOperatorValues(o, monitoring), [Addon.KUBE_PROMETHEUS_STACK], timeout);
    }
    if (on(props.jobset)) this.install('jobset', Addon.JOBSET, props.jobset ?? {}, {}, [], timeout);
    if (on(props.lws)) this.install('lws', Addon.LWS, props.lws ?? {}, {}, [], timeout);
    if (on(props.kueue)) {
      // Kueue's jobset and leaderworkerset integrations need those CRDs; its ServiceMonitor needs Prometheus Operator.
      this.install('kueue', Addon.KUEUE, props.kueue ?? {}, { enablePrometheus: monitoring, managerConfig: { controllerManagerConfigYaml: kueueManagerConfigYaml() } },
        [Addon.JOBSET, Addon.LWS, Addon.KUBE_PROMETHEUS_STACK], timeout);
    }
    if (on(props.keda)) {
      const kedaValues = monitoring
        ? { prometheus: { metricServer: { enabled: true, serviceMonitor: { enabled: true } }, operator: { enabled: true, serviceMonitor: { enabled: true } } } }
        : {};
      this.install('keda', Addon.KEDA, props.keda ?? {}, kedaValues, [Addon.KUBE_PROMETHEUS_STACK], timeout);
    }
  }

  /** The Helm release of `addon`, when it is installed. */
  public release(addon: Addon): Release | undefined {
    return this.releases.get(addon);
  }

  /** The Helm release whose chart installs the CRDs of `apiGroup`, when installed here. */
  public releaseForApiGroup(apiGroup: string): Release | undefined {
    const addon = ClusterAddons.addonForApiGroup(apiGroup);
    return addon === undefined ? undefined : this.releases.get(addon);
  }

  /** Add-ons installed by this construct. */
  public get installed(): string[] {
    return [...this.releases.keys()];
  }

  /** The values the library passes to `addon` (before the user's `values`), for review and tests. */
  public derivedValues(addon: Addon): any {
    const v = this.values.get(addon);
    return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
  }

  private install(prop: string, addon: Addon, o: AddonOptions, derived: any, after: Addon[], timeout: number): void {
    const chart: PinnedChart = PINNED_CHARTS.find((c) => c.addon === addon)!;
    const version = o.version ?? chart.version;
    if (!EXACT_VERSION.test(version)) fail(this, `${prop}.version`, `'${version}' is not an exact chart version like '1.2.3'; ranges make deploys unrepeatable`);
    const namespace = requireLabelName(this, `${prop}.namespace`, o.namespace ?? chart.namespace);
    const name = requireName(this, `${prop}.releaseName`, o.releaseName ?? addon);
    if (o.values !== undefined) requireFiniteJson(this, `${prop}.values`, o.values);
    requireFiniteJson(this, prop, derived);
    this.values.set(addon, derived);
    const merged = sortKeysDeep(deepMerge(derived, o.values ?? {}));
    const dependsOn = after.map((a) => this.releases.get(a)).filter((r): r is Release => r !== undefined);
    const release = new Release(this, addon, {
      name,
      chart: chart.chart,
      repository: chart.repository,
      version,
      namespace,
      createNamespace: true,
      wait: true,
      timeout,
      values: Object.keys(merged).length > 0 ? [YAML.stringify(merged, { sortMapEntries: true, lineWidth: 0 })] : undefined,
      dependsOn: dependsOn.length > 0 ? dependsOn : undefined,
    });
    this.releases.set(addon, release);
  }

  /**
   * Open selectors so Prometheus picks up ServiceMonitors, PodMonitors and PrometheusRules from every
   * release and namespace (with `*NilUsesHelmValues: true`, the chart only selects objects labelled
   * `release: <its release>`, which silently drops the library's monitors and rules), and turn on the
   * Grafana dashboard sidecar (kube-prometheus-stack 88.5.3 values.yaml, `prometheus.prometheusSpec`, `grafana.sidecar`).
   */
  private prometheusValues(o: KubePrometheusStackOptions): any {
    const label = o.dashboardLabel ?? 'grafana_dashboard';
    if (!/^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/.test(label)) fail(this, 'kubePrometheusStack.dashboardLabel', `'${label}' is not a label key`);
    return {
      prometheus: {
        prometheusSpec: {
          serviceMonitorSelectorNilUsesHelmValues: false,
          podMonitorSelectorNilUsesHelmValues: false,
          ruleSelectorNilUsesHelmValues: false,
          probeSelectorNilUsesHelmValues: false,
        },
      },
      grafana: {
        sidecar: {
          dashboards: { enabled: true, label, labelValue: o.dashboardLabelValue ?? '1', searchNamespace: 'ALL' },
        },
      },
    };
  }

  /** GPU Operator values (NVIDIA/gpu-operator v26.7.0 deployments/gpu-operator/values.yaml). */
  private gpuOperatorValues(o: GpuOperatorOptions, monitoring: boolean): any {
    const mig = requireOneOf(this, 'gpuOperator.migStrategy', o.migStrategy ?? 'single', MIG_STRATEGIES);
    const values: any = { mig: { strategy: mig } };
    const configs = o.devicePluginConfigs;
    if (configs !== undefined || o.devicePluginConfigMapName !== undefined || o.devicePluginDefaultConfig !== undefined) {
      const name = requireName(this, 'gpuOperator.devicePluginConfigMapName', o.devicePluginConfigMapName ?? 'aidc-device-plugin-config');
      const config: any = { name, create: configs !== undefined };
      if (configs !== undefined) {
        if (Object.keys(configs).length === 0) fail(this, 'gpuOperator.devicePluginConfigs', 'is empty; omit it or give at least one configuration');
        config.data = { ...configs };
      }
      if (o.devicePluginDefaultConfig !== undefined) {
        if (configs !== undefined && !(o.devicePluginDefaultConfig in configs)) {
          fail(this, 'gpuOperator.devicePluginDefaultConfig', `'${o.devicePluginDefaultConfig}' is not one of devicePluginConfigs (${Object.keys(configs).join(', ')})`);
        }
        config.default = o.devicePluginDefaultConfig;
      }
      values.devicePlugin = { config };
    }
    const dcgm = o.dcgmServiceMonitor ?? monitoring;
    if (dcgm && !monitoring) fail(this, 'gpuOperator.dcgmServiceMonitor', 'needs the ServiceMonitor CRD; enable kubePrometheusStack or set it to false');
    values.dcgmExporter = { serviceMonitor: { enabled: dcgm } };
    const taints = checkTaints(this, 'gpuOperator.poolTaints', o.poolTaints);
    const extra = taints
      .filter((t) => !(t.key === GPU_TOLERATION.key && t.effect === GPU_TOLERATION.effect))
      .map((t) => ({ key: t.key, operator: 'Exists', effect: t.effect }));
    if (extra.length > 0) {
      values.daemonsets = { tolerations: [GPU_TOLERATION, ...extra] };
      values['node-feature-discovery'] = { worker: { tolerations: [...NFD_DEFAULT_TOLERATIONS, ...extra] } };
    }
    if (o.driverEnabled !== undefined) values.driver = { enabled: o.driverEnabled };
    return values;
  }
}
