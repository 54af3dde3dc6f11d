/**
 * Helpers of the manifest bridge: object identity, scope, and Terraform string escaping.
 */

/**
 * Kinds without a namespace, as `group/Kind` (core group = ''): Kubernetes 1.28 built-ins
 * (`kubectl api-resources --namespaced=false`), the cluster-scoped Kueue CRDs
 * (../shared/schemas/crds/kueue, `scope: Cluster`), KEDA ClusterTriggerAuthentication,
 * Karpenter NodePool/NodeClaim/EC2NodeClass and the GPU Operator's ClusterPolicy/NVIDIADriver.
 */
export const CLUSTER_SCOPED_KINDS: readonly string[] = [
  '/Namespace', '/Node', '/PersistentVolume', '/ComponentStatus',
  'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'scheduling.k8s.io/PriorityClass',
  'storage.k8s.io/StorageClass', 'storage.k8s.io/CSIDriver', 'storage.k8s.io/CSINode', 'storage.k8s.io/VolumeAttachment',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration', 'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'networking.k8s.io/IngressClass',
  'node.k8s.io/RuntimeClass',
  'certificates.k8s.io/CertificateSigningRequest',
  'flowcontrol.apiserver.k8s.io/FlowSchema', 'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'kueue.x-k8s.io/ClusterQueue', 'kueue.x-k8s.io/ResourceFlavor', 'kueue.x-k8s.io/Cohort', 'kueue.x-k8s.io/WorkloadPriorityClass',
  'kueue.x-k8s.io/Topology', 'kueue.x-k8s.io/AdmissionCheck', 'kueue.x-k8s.io/ProvisioningRequestConfig',
  'kueue.x-k8s.io/MultiKueueCluster', 'kueue.x-k8s.io/MultiKueueConfig',
  'keda.sh/ClusterTriggerAuthentication',
  'karpenter.sh/NodePool', 'karpenter.sh/NodeClaim', 'karpenter.k8s.aws/EC2NodeClass',
  'nvidia.com/ClusterPolicy', 'nvidia.com/NVIDIADriver',
];

/** Identity of a Kubernetes object. */
export interface ObjectIdentity {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/** `group` and `version` of an apiVersion (`v1` → core group ''). */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** Human-readable identity, e.g. `apps/v1 Deployment team-a/trainer`. */
export function describeIdentity(id: ObjectIdentity): string {
  const av = id.group ? `${id.group}/${id.version}` : id.version;
  return `${av} ${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name}`;
}

/**
 * Construct id of an object: derived from its identity only (never from its position), so
 * reordering a chart keeps every Terraform address. `_` cannot occur in any part.
 */
export function constructIdOf(id: ObjectIdentity): string {
  return [id.group || 'core', id.version, id.kind, id.namespace ?? 'cluster', id.name].join('_');
}

/**
 * Escapes Terraform template sequences: in Terraform JSON every string is a template, so a
 * literal `${VAR}` (shell in a container command) or `%{` must be written `$${` / `%%{`.
 * (developer.hashicorp.com/terraform/language/expressions/strings#escape-sequences)
 */
export function escapeTemplates(value: any): any {
  if (typeof value === 'string') return value.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
  if (Array.isArray(value)) return value.map(escapeTemplates);
  if (value !== null && typeof value === 'object') {
    const out: any = {};
    for (const [k, v] of Object.entries(value)) out[escapeTemplates(k)] = escapeTemplates(v);
    return out;
  }
  return value;
}

/** Inverse of {@link escapeTemplates}: what Terraform hands the provider. */
export function unescapeTemplates(value: any): any {
  if (typeof value === 'string') return value.replace(/\$\$\{/g, () => '${').replace(/%%\{/g, () => '%{');
  if (Array.isArray(value)) return value.map(unescapeTemplates);
  if (value !== null && typeof value === 'object') {
    const out: any = {};
    for (const [k, v] of Object.entries(value)) out[unescapeTemplates(k)] = unescapeTemplates(v);
    return out;
  }
  return value;
}
