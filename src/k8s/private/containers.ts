/**
 * Container and pod-spec building blocks shared by the workload constructs.
 * cdk8s-plus-28's Container has no GPU (extended) resources (BUILD-NOTES), so GPU
 * workloads are built here as plain pod specs, restricted by default.
 */
import { quantityOfBytes, quantityOfCpu } from './quantities';

/** Extended resource name of whole NVIDIA GPUs (NVIDIA k8s-device-plugin). */
export const NVIDIA_GPU = 'nvidia.com/gpu';

/** What one container needs. */
export interface ContainerOptions {
  readonly name: string;
  readonly image: string;
  readonly command?: string[];
  readonly args?: string[];
  readonly env?: { [key: string]: string };
  /** Env vars from Secrets by reference: env name → {secret, key}. */
  readonly secretEnv?: { [key: string]: { secret: string; key: string } };
  readonly cpuCores: number;
  readonly memoryBytes: number;
  /** Extended resources (e.g. `nvidia.com/gpu`, `nvidia.com/mig-1g.10gb`) → count; requests = limits. */
  readonly extendedResources?: { [name: string]: number };
  readonly ports?: Array<{ name: string; containerPort: number }>;
  readonly volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
  readonly startupProbe?: any;
  readonly readinessProbe?: any;
  readonly livenessProbe?: any;
  readonly lifecycle?: any;
}

/** Security context of the Pod Security Standards "restricted" profile. */
export const RESTRICTED_CONTAINER_SECURITY = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};

/**
 * Pod-level security context: non-root with a fixed uid/gid above 10000 (clear of host users;
 * Kubernetes best-practice checks flag lower ids) and RuntimeDefault seccomp.
 */
export const RESTRICTED_POD_SECURITY = {
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  fsGroup: 10001,
  seccompProfile: { type: 'RuntimeDefault' },
};

/**
 * Resource requirements with CPU/memory requests, a memory limit equal to the request
 * (no CPU limit, to avoid throttling data loaders) and extended resources with requests = limits
 * (Kubernetes requires it for extended resources).
 */
export function resourceRequirements(cpuCores: number, memoryBytes: number, extended: { [name: string]: number } = {}): any {
  const ext = Object.fromEntries(
    Object.entries(extended)
      .filter(([, n]) => n > 0)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, n]) => {
        if (!Number.isInteger(n)) throw new Error(`extended resource ${name} must be a whole number, got ${n}`);
        return [name, String(n)];
      }),
  );
  const memory = quantityOfBytes(memoryBytes);
  return {
    requests: { cpu: quantityOfCpu(cpuCores), memory, ...ext },
    limits: { memory, ...ext },
  };
}

/** A restricted container with requests/limits and optional GPUs. */
export function container(o: ContainerOptions): any {
  const env = [
    ...Object.entries(o.env ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([name, value]) => ({ name, value })),
    ...Object.entries(o.secretEnv ?? {}).sort(([a], [b]) => a.localeCompare(b))
      .map(([name, ref]) => ({ name, valueFrom: { secretKeyRef: { name: ref.secret, key: ref.key } } })),
  ];
  return omitUndefined({
    name: o.name,
    image: o.image,
    imagePullPolicy: 'IfNotPresent',
    command: o.command,
    args: o.args,
    env: env.length ? env : undefined,
    ports: o.ports?.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: 'TCP' })),
    resources: resourceRequirements(o.cpuCores, o.memoryBytes, o.extendedResources),
    securityContext: { ...RESTRICTED_CONTAINER_SECURITY },
    volumeMounts: o.volumeMounts,
    startupProbe: o.startupProbe,
    readinessProbe: o.readinessProbe,
    livenessProbe: o.livenessProbe,
    lifecycle: o.lifecycle,
  });
}

/** Toleration for a taint `key=value:effect`. */
export function tolerationFor(taint: { key: string; value?: string; effect: string }): any {
  return taint.value === undefined
    ? { key: taint.key, operator: 'Exists', effect: taint.effect }
    : { key: taint.key, operator: 'Equal', value: taint.value, effect: taint.effect };
}

/** A memory-backed /dev/shm volume of the given size (NCCL and data loaders use shared memory). */
export function shmVolume(bytes: number): any {
  return { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: quantityOfBytes(bytes) } };
}

/** Removes keys whose value is undefined (so output never says `undefined`). */
export function omitUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
