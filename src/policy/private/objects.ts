/**
 * Read-only helpers over synthesized Kubernetes objects as plain JSON: object references,
 * the pod templates nested in every workload kind, containers, and label selectors.
 * Nothing here depends on cdk8s, so any chart (or any YAML) can be checked.
 */

/** Where a pod spec sits inside a top-level object. */
export interface PodSite {
  /** The top-level object (Deployment, JobSet, ...). */
  readonly object: any;
  /** Dotted path of the pod spec inside the object, e.g. `spec.template.spec`. */
  readonly specPath: string;
  /** The pod spec (never undefined; `{}` when the object has none). */
  readonly spec: any;
  /** Labels the pods will carry (template labels plus labels the controller adds). */
  readonly labels: { [key: string]: string };
  /** Namespace of the pods (`default` when the object names none). */
  readonly namespace: string;
  /** True for long-running servers that take traffic (Deployment, StatefulSet, LWS leader). */
  readonly serving: boolean;
}

/** One container with its path, for findings. */
export interface ContainerSite {
  readonly container: any;
  /** e.g. `spec.template.spec.initContainers[0]` */
  readonly path: string;
  readonly init: boolean;
}

/** API group of an apiVersion (`apps/v1` → `apps`, `v1` → ``). */
export function apiGroup(apiVersion: unknown): string {
  const s = typeof apiVersion === 'string' ? apiVersion : '';
  return s.includes('/') ? s.slice(0, s.indexOf('/')) : '';
}

/** `Deployment team-a/llama-serve` — how findings name objects. */
export function objectRef(obj: any): string {
  const ns = obj?.metadata?.namespace ? `${obj.metadata.namespace}/` : '';
  return `${obj?.kind ?? '<no kind>'} ${ns}${obj?.metadata?.name ?? '<no name>'}`;
}

/** Namespace of a namespaced object, `default` when unset. */
export function namespaceOf(obj: any): string {
  return typeof obj?.metadata?.namespace === 'string' && obj.metadata.namespace !== '' ? obj.metadata.namespace : 'default';
}

/** Kind + group test that tolerates any version (e.g. `jobset.x-k8s.io/v1alpha2`). */
export function isKind(obj: any, kind: string, group: string): boolean {
  return obj?.kind === kind && apiGroup(obj?.apiVersion) === group;
}

function labelsOf(meta: any): { [key: string]: string } {
  const l = meta?.labels;
  return l && typeof l === 'object' ? { ...l } : {};
}

function at(obj: any, path: string[]): any {
  let cur = obj;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = cur[k];
  }
  return cur;
}

/** Pod templates at a fixed path: `[kind, group, path to template (with metadata+spec), serving]`. */
const TEMPLATE_PATHS: Array<[string, string, string[], boolean]> = [
  ['Deployment', 'apps', ['spec', 'template'], true],
  ['StatefulSet', 'apps', ['spec', 'template'], true],
  ['DaemonSet', 'apps', ['spec', 'template'], false],
  ['ReplicaSet', 'apps', ['spec', 'template'], false],
  ['Job', 'batch', ['spec', 'template'], false],
  ['CronJob', 'batch', ['spec', 'jobTemplate', 'spec', 'template'], false],
  ['ReplicationController', '', ['spec', 'template'], false],
  ['PodTemplate', '', ['template'], false],
];

/**
 * Every pod spec in `obj`, including pod templates nested in Deployments, StatefulSets,
 * DaemonSets, Jobs, CronJobs, JobSets (`spec.replicatedJobs[].template.spec.template`) and
 * LeaderWorkerSets (`spec.leaderWorkerTemplate.leaderTemplate` / `workerTemplate`).
 */
export function podSites(obj: any): PodSite[] {
  const namespace = namespaceOf(obj);
  const site = (template: any, specPath: string, serving: boolean, extraLabels: { [k: string]: string } = {}): PodSite => ({
    object: obj,
    specPath,
    spec: template?.spec && typeof template.spec === 'object' ? template.spec : {},
    labels: { ...labelsOf(template?.metadata), ...extraLabels },
    namespace,
    serving,
  });
  if (isKind(obj, 'Pod', '')) return [site(obj, 'spec', false)];
  for (const [kind, group, path, serving] of TEMPLATE_PATHS) {
    if (isKind(obj, kind, group)) return [site(at(obj, path), [...path, 'spec'].join('.'), serving)];
  }
  if (isKind(obj, 'JobSet', 'jobset.x-k8s.io')) {
    const jobs = at(obj, ['spec', 'replicatedJobs']);
    if (!Array.isArray(jobs)) return [];
    return jobs.map((rj: any, i: number) => site(at(rj, ['template', 'spec', 'template']),
      `spec.replicatedJobs[${i}].template.spec.template.spec`, false,
      { 'jobset.sigs.k8s.io/jobset-name': String(obj?.metadata?.name ?? ''), 'jobset.sigs.k8s.io/replicatedjob-name': String(rj?.name ?? '') }));
  }
  if (isKind(obj, 'LeaderWorkerSet', 'leaderworkerset.x-k8s.io')) {
    const lwt = at(obj, ['spec', 'leaderWorkerTemplate']) ?? {};
    const lwsLabels = { 'leaderworkerset.sigs.k8s.io/name': String(obj?.metadata?.name ?? '') };
    const sites: PodSite[] = [];
    // Without a leaderTemplate the leader runs the worker template, so that template serves.
    if (lwt.leaderTemplate) sites.push(site(lwt.leaderTemplate, 'spec.leaderWorkerTemplate.leaderTemplate.spec', true, lwsLabels));
    sites.push(site(lwt.workerTemplate, 'spec.leaderWorkerTemplate.workerTemplate.spec', !lwt.leaderTemplate, lwsLabels));
    return sites;
  }
  return [];
}

/** All pod sites of all objects. */
export function allPodSites(objects: any[]): PodSite[] {
  return objects.flatMap(podSites);
}

/** Containers, init containers and ephemeral containers of a pod spec, with paths. */
export function containerSites(site: PodSite, includeEphemeral = true): ContainerSite[] {
  const out: ContainerSite[] = [];
  const lists: Array<[string, boolean]> = [['initContainers', true], ['containers', false]];
  if (includeEphemeral) lists.push(['ephemeralContainers', false]);
  for (const [field, init] of lists) {
    const list = site.spec?.[field];
    if (!Array.isArray(list)) continue;
    list.forEach((container: any, i: number) => out.push({ container: container ?? {}, path: `${site.specPath}.${field}[${i}]`, init }));
  }
  return out;
}

/** Display name of a container for messages. */
export function containerName(c: ContainerSite): string {
  return `${c.init ? 'init container' : 'container'} '${c.container?.name ?? '?'}'`;
}

/** Whether a label selector (`matchLabels` + `matchExpressions`) selects pods with `labels`. */
export function selectorMatches(selector: any, labels: { [key: string]: string }): boolean {
  if (selector === null || selector === undefined || typeof selector !== 'object') return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  for (const e of Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e?.key);
    const values: unknown[] = Array.isArray(e?.values) ? e.values : [];
    switch (e?.operator) {
      case 'In': if (!has || !values.includes(labels[e.key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[e.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/** Annotations of an object (empty when none). */
export function annotationsOf(obj: any): { [key: string]: string } {
  const a = obj?.metadata?.annotations;
  return a && typeof a === 'object' ? a : {};
}

/** Labels of an object (empty when none). */
export function objectLabels(obj: any): { [key: string]: string } {
  return labelsOf(obj?.metadata);
}

/** A quantity is "set" when it is a non-empty string or a finite number. */
export function hasQuantity(q: unknown): boolean {
  return (typeof q === 'string' && q.trim() !== '') || (typeof q === 'number' && Number.isFinite(q));
}

/** Numeric value of an integer-ish quantity such as a GPU count (`'8'`, `8`); 0 when unparsable. */
export function countOf(q: unknown): number {
  const n = typeof q === 'number' ? q : typeof q === 'string' ? Number(q) : NaN;
  return Number.isFinite(n) ? n : 0;
}
