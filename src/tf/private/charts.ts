/**
 * Pinned Helm charts of the cluster add-ons (versions current in November 2026,
 * ../shared/schemas/SOURCES.md). Repository locations:
 * - NVIDIA GPU Operator: https://helm.ngc.nvidia.com/nvidia (docs.nvidia.com/datacenter/cloud-native/gpu-operator/latest/install-gpu-operator.html)
 * - Kueue, JobSet, LWS: OCI charts under registry.k8s.io/<project>/charts, pushed by each
 *   project's hack/push-chart.sh (kubernetes-sigs/kueue, kubernetes-sigs/jobset, kubernetes-sigs/lws)
 * - KEDA: https://kedacore.github.io/charts
 * - kube-prometheus-stack: https://prometheus-community.github.io/helm-charts
 *   (also oci://ghcr.io/prometheus-community/charts; chart README)
 */
export interface PinnedChart {
  readonly addon: string;
  readonly chart: string;
  readonly repository: string;
  readonly version: string;
  readonly namespace: string;
  /** API groups whose CRDs the chart installs (objects of these groups must wait for it). */
  readonly apiGroups: readonly string[];
}

export const PINNED_CHARTS: readonly PinnedChart[] = [
  {
    addon: 'kube-prometheus-stack',
    chart: 'kube-prometheus-stack',
    repository: 'https://prometheus-community.github.io/helm-charts',
    version: '88.5.3',
    namespace: 'monitoring',
    apiGroups: ['monitoring.coreos.com'],
  },
  {
    addon: 'gpu-operator',
    chart: 'gpu-operator',
    repository: 'https://helm.ngc.nvidia.com/nvidia',
    version: 'v26.7.0',
    namespace: 'gpu-operator',
    apiGroups: ['nvidia.com'],
  },
  {
    addon: 'jobset',
    chart: 'jobset',
    repository: 'oci://registry.k8s.io/jobset/charts',
    version: '0.12.0',
    namespace: 'jobset-system',
    apiGroups: ['jobset.x-k8s.io'],
  },
  {
    addon: 'lws',
    chart: 'lws',
    repository: 'oci://registry.k8s.io/lws/charts',
    version: '0.10.0',
    namespace: 'lws-system',
    apiGroups: ['leaderworkerset.x-k8s.io'],
  },
  {
    addon: 'kueue',
    chart: 'kueue',
    repository: 'oci://registry.k8s.io/kueue/charts',
    version: '0.19.2',
    namespace: 'kueue-system',
    apiGroups: ['kueue.x-k8s.io'],
  },
  {
    addon: 'keda',
    chart: 'keda',
    repository: 'https://kedacore.github.io/charts',
    version: '2.20.2',
    namespace: 'keda',
    apiGroups: ['keda.sh', 'eventing.keda.sh'],
  },
];

/** An exact chart version (optional leading v), never a range. */
export const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/** Deep merge of plain objects; `override` wins, arrays are replaced. */
export function deepMerge(base: any, override: any): any {
  if (override === undefined) return base;
  if (base === null || typeof base !== 'object' || Array.isArray(base)) return override;
  if (override === null || typeof override !== 'object' || Array.isArray(override)) return override;
  const out: any = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = deepMerge(base[k], v);
  return out;
}
