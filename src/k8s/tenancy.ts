/**
 * Tenant isolation as plain Kubernetes objects: one definition, rendered by the cdk8s
 * side (GpuResourcePool) and the Terraform side (ManifestBridge), so the two never drift.
 */
import { quantityOfBytes } from './private/quantities';

/** What a tenant namespace gets. */
export interface TenantManifestSpec {
  /** Namespace name (DNS-1123 label). */
  readonly namespace: string;
  /** Whole GPUs the namespace may request (`requests.nvidia.com/gpu`). */
  readonly gpuQuota: number;
  /** CPU cores the namespace may request. */
  readonly cpuQuota: number;
  /** Memory the namespace may request, bytes. */
  readonly memoryQuotaBytes: number;
  /** Storage the namespace's claims may request, bytes. */
  readonly storageQuotaBytes: number;
  /** Namespace whose Prometheus may scrape this tenant. */
  readonly monitoringNamespace: string;
  /** Groups bound to the built-in `edit` ClusterRole in the namespace. */
  readonly editorGroups: string[];
  /** Groups bound to the built-in `view` ClusterRole in the namespace. */
  readonly viewerGroups: string[];
  /** CIDRs pods may reach outside the cluster (e.g. a model registry); empty = none. */
  readonly egressCidrs: string[];
  /** Labels added to every object. */
  readonly labels: { [key: string]: string };
}

/** Default container resources applied by the LimitRange to containers that set none. */
const DEFAULT_CONTAINER = { cpu: '500m', memory: '1Gi' };

/** Name of the ServiceAccount workloads in a tenant namespace run as (no API token mounted). */
export const TENANT_WORKLOAD_SERVICE_ACCOUNT = 'workload';

/**
 * Namespace, ResourceQuota (incl. GPUs), LimitRange, default-deny NetworkPolicy with the
 * DNS / intra-namespace / monitoring-scrape allowances, RBAC and the workload ServiceAccount.
 * Objects are returned in a stable order.
 */
export function tenantManifests(spec: TenantManifestSpec): any[] {
  const ns = spec.namespace;
  const meta = (name: string): any => ({ name, namespace: ns, labels: { ...spec.labels } });
  const objects: any[] = [
    {
      apiVersion: 'v1', kind: 'Namespace',
      metadata: {
        name: ns,
        labels: {
          ...spec.labels,
          // Pod Security Admission: reject anything below the restricted profile.
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'v1.28',
        },
      },
    },
    {
      apiVersion: 'v1', kind: 'ResourceQuota', metadata: meta('compute'),
      spec: {
        hard: {
          'requests.nvidia.com/gpu': String(spec.gpuQuota),
          'requests.cpu': String(spec.cpuQuota),
          'requests.memory': quantityOfBytes(spec.memoryQuotaBytes),
          'limits.memory': quantityOfBytes(spec.memoryQuotaBytes),
          'requests.storage': quantityOfBytes(spec.storageQuotaBytes),
        },
      },
    },
    {
      apiVersion: 'v1', kind: 'LimitRange', metadata: meta('defaults'),
      spec: { limits: [{ type: 'Container', defaultRequest: { ...DEFAULT_CONTAINER }, default: { memory: DEFAULT_CONTAINER.memory } }] },
    },
    {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('default-deny'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('allow-dns'),
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
        }],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('allow-intra-namespace'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] },
    },
    {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('allow-monitoring-scrape'),
      spec: {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': spec.monitoringNamespace } } }] }],
      },
    },
  ];
  if (spec.egressCidrs.length > 0) {
    objects.push({
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('allow-egress-cidrs'),
      spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: spec.egressCidrs.map((cidr) => ({ ipBlock: { cidr } })) }] },
    });
  }
  objects.push({
    apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(TENANT_WORKLOAD_SERVICE_ACCOUNT), automountServiceAccountToken: false,
  });
  for (const [role, groups] of [['edit', spec.editorGroups], ['view', spec.viewerGroups]] as const) {
    if (groups.length === 0) continue;
    objects.push({
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: meta(`tenant-${role}`),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [...groups].sort().map((name) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name })),
    });
  }
  return objects;
}
