/**
 * Availability of servers: health probes, and a PodDisruptionBudget for every service that
 * runs (or can scale to) more than one replica, so node drains and upgrades keep it serving.
 *
 * Sources: Kubernetes docs "Configure Liveness, Readiness and Startup Probes" and
 * "Specifying a Disruption Budget for your Application"; KEDA ScaledObject spec
 * (`maxReplicaCount` defaults to 100, `scaleTargetRef.kind` to Deployment,
 * https://keda.sh/docs/2.14/reference/scaledobject-spec/).
 */
import { PolicyLevel } from '../policy-types';
import { allPodSites, containerName, containerSites, isKind, namespaceOf, PodSite, selectorMatches } from '../private/objects';
import { finding, PolicyRule, RawFinding } from '../private/rule';

/** Default `maxReplicaCount` of a KEDA ScaledObject. */
const KEDA_DEFAULT_MAX_REPLICAS = 100;

interface ScaleTarget {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly maxReplicas: number;
  readonly scaler: string;
}

/** Autoscalers (KEDA ScaledObjects and HPAs) with their targets and maximum replicas. */
function scaleTargets(objects: any[]): ScaleTarget[] {
  const out: ScaleTarget[] = [];
  for (const o of objects) {
    const ref = o?.spec?.scaleTargetRef;
    if (!ref) continue;
    if (isKind(o, 'ScaledObject', 'keda.sh')) {
      const max = o.spec.maxReplicaCount ?? KEDA_DEFAULT_MAX_REPLICAS;
      out.push({ kind: ref.kind ?? 'Deployment', name: ref.name, namespace: namespaceOf(o), maxReplicas: Number(max), scaler: `ScaledObject ${o.metadata?.name}` });
    } else if (isKind(o, 'HorizontalPodAutoscaler', 'autoscaling')) {
      out.push({ kind: ref.kind, name: ref.name, namespace: namespaceOf(o), maxReplicas: Number(o.spec.maxReplicas), scaler: `HorizontalPodAutoscaler ${o.metadata?.name}` });
    }
  }
  return out;
}

/** Why a workload needs a PDB ('' when it does not). */
function multiReplicaReason(obj: any, targets: ScaleTarget[]): string {
  const replicas = obj?.spec?.replicas ?? 1;
  if (typeof replicas === 'number' && replicas > 1) return `runs ${replicas} replicas`;
  const scaler = targets.find((t) => t.kind === obj.kind && t.name === obj.metadata?.name && t.namespace === namespaceOf(obj) && t.maxReplicas > 1);
  return scaler ? `is scaled up to ${scaler.maxReplicas} replicas by ${scaler.scaler}` : '';
}

/** Workloads whose pods serve: Deployments, StatefulSets, LeaderWorkerSets. */
function isService(obj: any): boolean {
  return isKind(obj, 'Deployment', 'apps') || isKind(obj, 'StatefulSet', 'apps') || isKind(obj, 'LeaderWorkerSet', 'leaderworkerset.x-k8s.io');
}

function pdbCovers(pdb: any, site: PodSite): boolean {
  return namespaceOf(pdb) === site.namespace && selectorMatches(pdb?.spec?.selector, site.labels);
}

export const AVAILABILITY_RULES: PolicyRule[] = [
  {
    id: 'AIDC-HA-1',
    level: PolicyLevel.ERROR,
    description: 'Server containers (with ports, in Deployments, StatefulSets and LeaderWorkerSet leaders) have a readiness probe and a liveness or startup probe.',
    explanation: 'Without readiness a replica still loading a model for minutes receives traffic and fails it; without liveness/startup a hung engine is never restarted.',
    fix: 'Add readinessProbe and livenessProbe (with a startupProbe sized for model load time) to every container that exposes a port.',
    check: (objects) => allPodSites(objects).filter((s) => s.serving).flatMap((site) => containerSites(site, false).flatMap((c): RawFinding[] => {
      if (c.init || !Array.isArray(c.container.ports) || c.container.ports.length === 0) return [];
      const missing: string[] = [];
      if (!c.container.readinessProbe) missing.push('readinessProbe');
      if (!c.container.livenessProbe && !c.container.startupProbe) missing.push('livenessProbe or startupProbe');
      return missing.length === 0 ? [] : [finding(site.object, c.path, `${containerName(c)} exposes ports but has no ${missing.join(' and no ')}`)];
    })),
  },
  {
    id: 'AIDC-HA-2',
    level: PolicyLevel.ERROR,
    description: 'Services with more than one replica (or autoscaled above one) have a PodDisruptionBudget that selects their pods.',
    explanation: 'Without a PDB a node drain or cluster upgrade may evict every replica at once and take the service down.',
    fix: 'Add a policy/v1 PodDisruptionBudget in the same namespace whose selector matches the pod template labels (e.g. maxUnavailable: 1).',
    check: (objects) => {
      const targets = scaleTargets(objects);
      const pdbs = objects.filter((o) => isKind(o, 'PodDisruptionBudget', 'policy'));
      const out: RawFinding[] = [];
      for (const obj of objects.filter(isService)) {
        const reason = multiReplicaReason(obj, targets);
        if (!reason) continue;
        // For a LeaderWorkerSet any PDB over the leader or the workers counts (lws labels included).
        const sites = allPodSites([obj]);
        if (!sites.some((s) => pdbs.some((p) => pdbCovers(p, s)))) {
          out.push(finding(obj, 'spec.replicas', `${reason} but no PodDisruptionBudget in namespace ${namespaceOf(obj)} selects its pods`));
        }
      }
      return out;
    },
  },
];
