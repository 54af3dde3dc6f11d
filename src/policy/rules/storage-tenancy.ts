/**
 * Storage and tenancy: checkpoints survive the deletion of their claim, and every tenant
 * namespace is isolated by a default-deny NetworkPolicy and capped by a GPU quota.
 *
 * Sources: Kubernetes docs "Persistent Volumes — Reclaiming" (StorageClass `reclaimPolicy`
 * defaults to Delete), "Network Policies — Default policies" (default deny all ingress and
 * all egress traffic), "Resource Quotas — Resource quota for extended resources"
 * (`requests.nvidia.com/gpu`).
 */
import { PolicyLevel } from '../policy-types';
import { annotationsOf, isKind, namespaceOf, objectLabels } from '../private/objects';
import { finding, PolicyRule, RawFinding } from '../private/rule';

/** Whether a claim (or claim template) holds checkpoints. */
export function isCheckpointClaim(claim: any): boolean {
  const name = String(claim?.metadata?.name ?? '');
  const marks = { ...objectLabels(claim), ...annotationsOf(claim) };
  return marks['aidc.io/retain'] === 'true' || marks['aidc.io/purpose'] === 'checkpoints' || /(^|-)checkpoints?$/.test(name);
}

interface ClaimSite {
  readonly object: any;
  readonly path: string;
  readonly claim: any;
}

/** PVCs and StatefulSet volumeClaimTemplates that hold checkpoints. */
function checkpointClaims(objects: any[]): ClaimSite[] {
  const out: ClaimSite[] = [];
  for (const o of objects) {
    if (isKind(o, 'PersistentVolumeClaim', '') && isCheckpointClaim(o)) out.push({ object: o, path: 'spec.storageClassName', claim: o });
    if (isKind(o, 'StatefulSet', 'apps') && Array.isArray(o.spec?.volumeClaimTemplates)) {
      o.spec.volumeClaimTemplates.forEach((t: any, i: number) => {
        if (isCheckpointClaim(t)) out.push({ object: o, path: `spec.volumeClaimTemplates[${i}].spec.storageClassName`, claim: t });
      });
    }
  }
  return out;
}

type Retention = { kind: 'retain' } | { kind: 'delete'; why: string } | { kind: 'unknown'; why: string };

/** Whether a claim's storage is retained, judged only from the objects given. */
function retention(claim: any, objects: any[]): Retention {
  const volumeName = claim?.spec?.volumeName;
  if (typeof volumeName === 'string' && volumeName !== '') {
    const pv = objects.find((o) => isKind(o, 'PersistentVolume', '') && o.metadata?.name === volumeName);
    if (!pv) return { kind: 'unknown', why: `PersistentVolume '${volumeName}' is not among the checked objects` };
    const policy = pv.spec?.persistentVolumeReclaimPolicy ?? 'Retain';
    return policy === 'Retain' ? { kind: 'retain' } : { kind: 'delete', why: `PersistentVolume '${volumeName}' has reclaim policy ${policy}` };
  }
  const classes = objects.filter((o) => isKind(o, 'StorageClass', 'storage.k8s.io'));
  let className = claim?.spec?.storageClassName;
  if (className === undefined || className === null) {
    const def = classes.find((c) => annotationsOf(c)['storageclass.kubernetes.io/is-default-class'] === 'true');
    if (!def) return { kind: 'unknown', why: 'it names no storageClassName, so it gets the cluster default class (reclaimPolicy usually Delete)' };
    className = def.metadata?.name;
  }
  const sc = classes.find((c) => c.metadata?.name === className);
  if (!sc) return { kind: 'unknown', why: `StorageClass '${className}' is unknown (not among the checked objects), so its reclaimPolicy cannot be verified` };
  const policy = sc.reclaimPolicy ?? 'Delete';
  return policy === 'Retain' ? { kind: 'retain' } : { kind: 'delete', why: `StorageClass '${className}' has reclaimPolicy ${policy}` };
}

function checkpointFindings(objects: any[], want: 'delete' | 'unknown'): RawFinding[] {
  return checkpointClaims(objects).flatMap((c) => {
    const r = retention(c.claim, objects);
    if (r.kind !== want) return [];
    const claimName = c.claim?.metadata?.name ?? '?';
    return [finding(c.object, c.path, `checkpoint claim '${claimName}' is not on retained storage: ${r.why}`)];
  });
}

/** A NetworkPolicy that selects every pod and allows nothing in either direction. */
export function isDefaultDeny(np: any): boolean {
  const spec = np?.spec ?? {};
  const sel = spec.podSelector;
  const selectsAll = sel !== undefined && sel !== null && Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
  const types: unknown[] = Array.isArray(spec.policyTypes) ? spec.policyTypes : [];
  const noRules = (spec.ingress ?? []).length === 0 && (spec.egress ?? []).length === 0;
  return selectsAll && types.includes('Ingress') && types.includes('Egress') && noRules;
}

/** Whether a quota caps GPUs (`requests.nvidia.com/gpu` or a MIG profile). */
export function capsGpus(quota: any): boolean {
  return Object.keys(quota?.spec?.hard ?? {}).some((k) => k === 'requests.nvidia.com/gpu' || k.startsWith('requests.nvidia.com/mig-'));
}

/** Tenant namespaces: Namespaces with a ResourceQuota in them, or labelled `aidc.io/tenant`. */
function tenantNamespaces(objects: any[]): any[] {
  const quotaNamespaces = new Set(objects.filter((o) => isKind(o, 'ResourceQuota', '')).map(namespaceOf));
  return objects.filter((o) => isKind(o, 'Namespace', '') && (quotaNamespaces.has(o.metadata?.name) || objectLabels(o)['aidc.io/tenant'] !== undefined));
}

export const STORAGE_TENANCY_RULES: PolicyRule[] = [
  {
    id: 'AIDC-STO-1',
    level: PolicyLevel.ERROR,
    description: 'Checkpoint claims (annotation aidc.io/retain: "true", or named *-checkpoints) use storage whose reclaim policy is Retain.',
    explanation: 'With reclaimPolicy Delete, deleting the job or its claim destroys days of training checkpoints.',
    fix: 'Use a StorageClass with reclaimPolicy: Retain for checkpoint claims (e.g. the aidc-checkpoints class from the storage construct).',
    check: (objects) => checkpointFindings(objects, 'delete'),
  },
  {
    id: 'AIDC-STO-2',
    level: PolicyLevel.WARNING,
    description: 'The StorageClass of every checkpoint claim is among the checked objects, so its Retain policy can be verified.',
    explanation: 'A class created elsewhere (Terraform, the cloud default) may delete checkpoints with their claim; the check cannot see it.',
    fix: 'Check the StorageClass together with the chart (pass it to PolicyChecks.evaluate), or suppress with the reason where it is managed.',
    check: (objects) => checkpointFindings(objects, 'unknown'),
  },
  {
    id: 'AIDC-TEN-1',
    level: PolicyLevel.ERROR,
    description: 'Every tenant namespace (a Namespace with a ResourceQuota) has a default-deny NetworkPolicy for ingress and egress.',
    explanation: 'Kubernetes allows all traffic by default: without a default deny, any tenant pod can reach every other tenant and the model weights they serve.',
    fix: 'Add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress, Egress] and no rules, then allow DNS and what the tenant needs explicitly.',
    check: (objects) => {
      const policies = objects.filter((o) => isKind(o, 'NetworkPolicy', 'networking.k8s.io'));
      return tenantNamespaces(objects).flatMap((ns) => policies.some((p) => namespaceOf(p) === ns.metadata?.name && isDefaultDeny(p)) ? []
        : [finding(ns, '', 'tenant namespace has no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress+Egress, no rules)')]);
    },
  },
  {
    id: 'AIDC-TEN-2',
    level: PolicyLevel.ERROR,
    description: 'Every tenant namespace has a ResourceQuota on GPUs (requests.nvidia.com/gpu or requests.nvidia.com/mig-*).',
    explanation: 'Without a GPU quota one tenant can take every GPU in the pool and starve the others.',
    fix: "Add spec.hard['requests.nvidia.com/gpu'] (or the MIG profile's requests.nvidia.com/mig-<profile>) to the tenant's ResourceQuota.",
    check: (objects) => {
      const quotas = objects.filter((o) => isKind(o, 'ResourceQuota', ''));
      return tenantNamespaces(objects).flatMap((ns) => quotas.some((q) => namespaceOf(q) === ns.metadata?.name && capsGpus(q)) ? []
        : [finding(ns, '', 'tenant namespace has no ResourceQuota with requests.nvidia.com/gpu or requests.nvidia.com/mig-*')]);
    },
  },
];
