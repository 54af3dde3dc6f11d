/**
 * GPU node hygiene: GPU pods tolerate the GPU taint, and nothing else does, so GPU nodes
 * (the most expensive capacity) run only GPU work.
 *
 * Source: NVIDIA GPU Operator / k8s-device-plugin: GPUs are the extended resources
 * `nvidia.com/gpu` (exclusive or time-sliced) and `nvidia.com/mig-<profile>` (MIG, mixed
 * strategy); the conventional GPU node taint is `nvidia.com/gpu:NoSchedule`
 * (https://docs.nvidia.com/datacenter/cloud-native/gpu-operator/latest/getting-started.html).
 */
import { PolicyLevel } from '../policy-types';
import { allPodSites, containerSites, countOf, isKind, PodSite } from '../private/objects';
import { finding, PolicyRule, RuleContext } from '../private/rule';

/** Whether a resource name is an NVIDIA GPU (whole, shared or MIG slice). */
export function isGpuResource(name: string): boolean {
  return name === 'nvidia.com/gpu' || name.startsWith('nvidia.com/gpu.') || name.startsWith('nvidia.com/mig-');
}

/** GPU resources a pod requests or limits (`name → count`), over all containers. */
export function gpuRequests(site: PodSite): string[] {
  const names = new Set<string>();
  for (const c of containerSites(site, false)) {
    for (const part of ['requests', 'limits']) {
      for (const [name, q] of Object.entries(c.container.resources?.[part] ?? {})) {
        if (isGpuResource(name) && countOf(q) > 0) names.add(name);
      }
    }
  }
  return [...names].sort();
}

/** Whether one toleration tolerates the GPU taint (`key` + `effect`, any value). */
export function toleratesGpuTaint(t: any, ctx: RuleContext): boolean {
  if (t === null || typeof t !== 'object') return false;
  const effectOk = t.effect === undefined || t.effect === '' || t.effect === ctx.gpuTaintEffect;
  const keyOk = (t.key === undefined || t.key === '') ? t.operator === 'Exists' : t.key === ctx.gpuTaintKey;
  return effectOk && keyOk;
}

function tolerations(site: PodSite): any[] {
  return Array.isArray(site.spec.tolerations) ? site.spec.tolerations : [];
}

export const GPU_RULES: PolicyRule[] = [
  {
    id: 'AIDC-GPU-1',
    level: PolicyLevel.ERROR,
    description: 'Pods that request GPUs (nvidia.com/gpu, nvidia.com/mig-*) tolerate the GPU node taint.',
    explanation: 'GPU nodes are tainted so that only GPU work lands there; a GPU pod without the toleration stays Pending forever.',
    fix: 'Add tolerations: [{ key: nvidia.com/gpu, operator: Exists, effect: NoSchedule }] (the pool\'s taint) to the pod template.',
    check: (objects, ctx) => allPodSites(objects).flatMap((site) => {
      const gpus = gpuRequests(site);
      if (gpus.length === 0 || tolerations(site).some((t) => toleratesGpuTaint(t, ctx))) return [];
      return [finding(site.object, `${site.specPath}.tolerations`,
        `pod requests ${gpus.join(', ')} but does not tolerate the GPU taint ${ctx.gpuTaintKey}:${ctx.gpuTaintEffect}`)];
    }),
  },
  {
    id: 'AIDC-GPU-2',
    level: PolicyLevel.ERROR,
    description: 'Pods that request no GPU do not tolerate the GPU node taint (DaemonSets excepted by default).',
    explanation: 'A CPU-only pod on a GPU node takes CPU and memory the GPU jobs need and can block a whole node from draining or packing a gang.',
    fix: 'Remove the GPU toleration (or a catch-all `operator: Exists` toleration without a key) from pods that use no GPU.',
    check: (objects, ctx) => allPodSites(objects).flatMap((site) => {
      if (gpuRequests(site).length > 0) return [];
      if (ctx.allowDaemonSetsOnGpuNodes && isKind(site.object, 'DaemonSet', 'apps')) return [];
      const i = tolerations(site).findIndex((t) => toleratesGpuTaint(t, ctx));
      if (i < 0) return [];
      return [finding(site.object, `${site.specPath}.tolerations[${i}]`, `pod requests no GPU but tolerates the GPU taint ${ctx.gpuTaintKey}`)];
    }),
  },
];
