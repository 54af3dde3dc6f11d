/**
 * Pod Security Standards, "restricted" profile (plus the baseline controls it includes),
 * applied to every pod template of every workload kind, JobSet and LeaderWorkerSet included.
 *
 * Source: Kubernetes documentation, "Pod Security Standards" (v1.28),
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/ — the restricted
 * controls "Running as Non-root", "Running as Non-root user", "Seccomp", "Privilege
 * Escalation", "Capabilities", "Volume Types" and the baseline controls "Host Namespaces",
 * "Host Ports", "HostPath Volumes" and "Privileged Containers".
 */
import { PolicyLevel } from '../policy-types';
import { allPodSites, ContainerSite, containerName, containerSites, PodSite } from '../private/objects';
import { finding, PolicyRule, RawFinding } from '../private/rule';

/** Runs `fn` on every container of every pod site. */
function perContainer(objects: any[], fn: (site: PodSite, c: ContainerSite) => RawFinding | undefined): RawFinding[] {
  const out: RawFinding[] = [];
  for (const site of allPodSites(objects)) {
    for (const c of containerSites(site)) {
      const f = fn(site, c);
      if (f) out.push(f);
    }
  }
  return out;
}

/** Volume sources the restricted profile allows. */
const RESTRICTED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/** Capabilities the restricted profile lets a container add back. */
const ADDABLE_CAPABILITIES = ['NET_BIND_SERVICE'];

export const PSS_RULES: PolicyRule[] = [
  {
    id: 'AIDC-PSS-1',
    level: PolicyLevel.ERROR,
    description: 'Containers run as a non-root user (runAsNonRoot true, runAsUser not 0).',
    explanation: 'A process running as root in a container is root on the node once it escapes; the restricted profile requires runAsNonRoot.',
    fix: 'Set spec.securityContext.runAsNonRoot: true (and a non-zero runAsUser) on the pod, or on every container.',
    check: (objects) => perContainer(objects, (site, c) => {
      const pod = site.spec.securityContext ?? {};
      const sc = c.container.securityContext ?? {};
      const nonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
      if (nonRoot !== true) {
        return finding(site.object, `${c.path}.securityContext.runAsNonRoot`, `${containerName(c)} does not set runAsNonRoot: true (pod or container level)`);
      }
      const uid = sc.runAsUser ?? pod.runAsUser;
      if (uid === 0) return finding(site.object, `${c.path}.securityContext.runAsUser`, `${containerName(c)} runs as uid 0`);
      return undefined;
    }),
  },
  {
    id: 'AIDC-PSS-2',
    level: PolicyLevel.ERROR,
    description: 'A seccomp profile of type RuntimeDefault (or Localhost) applies to every container.',
    explanation: 'Without seccomp the container may use every syscall, including those used by known kernel exploits.',
    fix: 'Set spec.securityContext.seccompProfile.type: RuntimeDefault on the pod (and never Unconfined on a container).',
    check: (objects) => perContainer(objects, (site, c) => {
      const type = c.container.securityContext?.seccompProfile?.type ?? site.spec.securityContext?.seccompProfile?.type;
      if (type === 'RuntimeDefault' || type === 'Localhost') return undefined;
      return finding(site.object, `${c.path}.securityContext.seccompProfile.type`,
        `${containerName(c)} has seccomp profile ${type === undefined ? 'unset' : `'${type}'`}; RuntimeDefault is required`);
    }),
  },
  {
    id: 'AIDC-PSS-3',
    level: PolicyLevel.ERROR,
    description: 'Every container sets allowPrivilegeEscalation: false.',
    explanation: 'With privilege escalation allowed a process can gain more privileges than its parent (setuid binaries).',
    fix: 'Set securityContext.allowPrivilegeEscalation: false on every container, init containers included.',
    check: (objects) => perContainer(objects, (site, c) => c.container.securityContext?.allowPrivilegeEscalation === false ? undefined
      : finding(site.object, `${c.path}.securityContext.allowPrivilegeEscalation`, `${containerName(c)} does not set allowPrivilegeEscalation: false`)),
  },
  {
    id: 'AIDC-PSS-4',
    level: PolicyLevel.ERROR,
    description: 'Every container drops ALL capabilities and adds back at most NET_BIND_SERVICE.',
    explanation: 'Default capabilities (NET_RAW, SETUID, ...) widen what a compromised process can do; the restricted profile drops them all.',
    fix: "Set securityContext.capabilities.drop: ['ALL'] on every container and add nothing but NET_BIND_SERVICE.",
    check: (objects) => perContainer(objects, (site, c) => {
      const caps = c.container.securityContext?.capabilities ?? {};
      const drop: unknown[] = Array.isArray(caps.drop) ? caps.drop : [];
      if (!drop.includes('ALL')) {
        return finding(site.object, `${c.path}.securityContext.capabilities.drop`, `${containerName(c)} does not drop ALL capabilities`);
      }
      const extra = (Array.isArray(caps.add) ? caps.add : []).filter((a: unknown) => !ADDABLE_CAPABILITIES.includes(String(a)));
      if (extra.length > 0) {
        return finding(site.object, `${c.path}.securityContext.capabilities.add`, `${containerName(c)} adds capabilities ${extra.join(', ')}`);
      }
      return undefined;
    }),
  },
  {
    id: 'AIDC-PSS-5',
    level: PolicyLevel.ERROR,
    description: 'Pods do not share host namespaces (hostNetwork, hostPID, hostIPC) and use no host ports.',
    explanation: "Host namespaces let a pod see and reach the node's processes, IPC and network, bypassing network policy.",
    fix: 'Remove hostNetwork/hostPID/hostIPC (or set them false) and containers[].ports[].hostPort; expose ports through a Service.',
    check: (objects) => {
      const out: RawFinding[] = [];
      for (const site of allPodSites(objects)) {
        for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
          if (site.spec[field] === true) out.push(finding(site.object, `${site.specPath}.${field}`, `pod sets ${field}: true`));
        }
        for (const c of containerSites(site)) {
          (Array.isArray(c.container.ports) ? c.container.ports : []).forEach((p: any, i: number) => {
            if (p?.hostPort !== undefined && p.hostPort !== 0) {
              out.push(finding(site.object, `${c.path}.ports[${i}].hostPort`, `${containerName(c)} binds host port ${p.hostPort}`));
            }
          });
        }
      }
      return out;
    },
  },
  {
    id: 'AIDC-PSS-6',
    level: PolicyLevel.ERROR,
    description: 'Pods mount no hostPath volumes and only the volume types the restricted profile allows.',
    explanation: "A hostPath volume exposes the node's file system (container runtime socket, kubelet credentials) to the pod.",
    fix: `Use only ${RESTRICTED_VOLUME_TYPES.join(', ')} volumes; reach node devices through a device plugin instead of hostPath.`,
    check: (objects) => {
      const out: RawFinding[] = [];
      for (const site of allPodSites(objects)) {
        (Array.isArray(site.spec.volumes) ? site.spec.volumes : []).forEach((v: any, i: number) => {
          const bad = Object.keys(v ?? {}).filter((k) => k !== 'name' && !RESTRICTED_VOLUME_TYPES.includes(k));
          if (bad.length > 0) {
            out.push(finding(site.object, `${site.specPath}.volumes[${i}].${bad[0]}`, `volume '${v?.name ?? '?'}' is of type ${bad.join(', ')}`));
          }
        });
      }
      return out;
    },
  },
  {
    id: 'AIDC-PSS-7',
    level: PolicyLevel.ERROR,
    description: 'No container is privileged (or a Windows host process).',
    explanation: 'A privileged container has every device and capability of the node: it is the node.',
    fix: 'Remove securityContext.privileged (and windowsOptions.hostProcess); GPUs are reached through the NVIDIA device plugin, not privilege.',
    check: (objects) => perContainer(objects, (site, c) => {
      const sc = c.container.securityContext ?? {};
      if (sc.privileged === true) return finding(site.object, `${c.path}.securityContext.privileged`, `${containerName(c)} is privileged`);
      if (sc.windowsOptions?.hostProcess === true || site.spec.securityContext?.windowsOptions?.hostProcess === true) {
        return finding(site.object, `${c.path}.securityContext.windowsOptions.hostProcess`, `${containerName(c)} is a Windows host process`);
      }
      return undefined;
    }),
  },
];
