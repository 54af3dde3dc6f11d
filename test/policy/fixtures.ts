/**
 * Hand-written Kubernetes objects for the policy tests: one compliant object per workload
 * kind (JobSet and LeaderWorkerSet included) and a compliant GPU platform, plus helpers that
 * break exactly one thing. Written independently of src/policy so the tests do not share its
 * notion of where pod specs live.
 */

export const NS = 'team-a';
export const IMAGE = 'registry.example.com/llm/server:v1.2.3';

/** Restricted-profile container with requests and a memory limit. */
export function container(name: string, extra: any = {}): any {
  return {
    name,
    image: IMAGE,
    resources: { requests: { cpu: '2', memory: '8Gi' }, limits: { memory: '8Gi' } },
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    ...extra,
  };
}

/** A GPU container requesting `count` of `resource`. */
export function gpuContainer(name: string, count = 8, resource = 'nvidia.com/gpu'): any {
  const c = container(name);
  c.resources.requests[resource] = String(count);
  c.resources.limits[resource] = String(count);
  return c;
}

/** A restricted pod spec with one init container and one container. */
export function podSpec(extra: any = {}): any {
  return {
    securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    initContainers: [container('init')],
    containers: [container('main')],
    ...extra,
  };
}

export const GPU_TOLERATION = { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' };

/** A GPU pod spec tolerating the GPU taint. */
export function gpuPodSpec(count = 8, resource = 'nvidia.com/gpu'): any {
  return podSpec({ containers: [gpuContainer('main', count, resource)], tolerations: [{ ...GPU_TOLERATION }] });
}

const meta = (name: string, labels: any = { app: name }): any => ({ name, namespace: NS, labels });
const template = (name: string, spec: any): any => ({ metadata: { labels: { app: name } }, spec });

/**
 * One compliant object per workload kind, and the getter for every pod spec inside it
 * (so a test can break one thing in every pod template).
 */
export const WORKLOADS: Record<string, { make: () => any; pods: (o: any) => any[] }> = {
  Pod: { make: () => ({ apiVersion: 'v1', kind: 'Pod', metadata: meta('pod'), spec: podSpec() }), pods: (o) => [o.spec] },
  Deployment: {
    make: () => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('deploy'), spec: { replicas: 1, selector: { matchLabels: { app: 'deploy' } }, template: template('deploy', podSpec()) } }),
    pods: (o) => [o.spec.template.spec],
  },
  StatefulSet: {
    make: () => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta('sts'), spec: { serviceName: 'sts', selector: { matchLabels: { app: 'sts' } }, template: template('sts', podSpec()) } }),
    pods: (o) => [o.spec.template.spec],
  },
  DaemonSet: {
    make: () => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta('ds'), spec: { selector: { matchLabels: { app: 'ds' } }, template: template('ds', podSpec()) } }),
    pods: (o) => [o.spec.template.spec],
  },
  Job: {
    make: () => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: meta('job'), spec: { template: template('job', podSpec({ restartPolicy: 'Never' })) } }),
    pods: (o) => [o.spec.template.spec],
  },
  CronJob: {
    make: () => ({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta('cron'), spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: template('cron', podSpec({ restartPolicy: 'Never' })) } } } }),
    pods: (o) => [o.spec.jobTemplate.spec.template.spec],
  },
  JobSet: {
    make: () => ({
      apiVersion: 'jobset.x-k8s.io/v1alpha2', kind: 'JobSet', metadata: meta('train'),
      spec: {
        replicatedJobs: [
          { name: 'driver', replicas: 1, template: { spec: { template: template('train', podSpec({ restartPolicy: 'Never' })) } } },
          { name: 'workers', replicas: 4, template: { spec: { parallelism: 2, completions: 2, template: template('train', gpuPodSpec()) } } },
        ],
      },
    }),
    pods: (o) => o.spec.replicatedJobs.map((rj: any) => rj.template.spec.template.spec),
  },
  LeaderWorkerSet: {
    make: () => ({
      apiVersion: 'leaderworkerset.x-k8s.io/v1', kind: 'LeaderWorkerSet', metadata: meta('lws'),
      spec: {
        replicas: 1,
        leaderWorkerTemplate: { size: 2, leaderTemplate: template('lws', gpuPodSpec()), workerTemplate: template('lws', gpuPodSpec()) },
      },
    }),
    pods: (o) => [o.spec.leaderWorkerTemplate.leaderTemplate.spec, o.spec.leaderWorkerTemplate.workerTemplate.spec],
  },
};

/** A deep copy of `obj` with `fn` applied to every pod spec (and every container list). */
export function mutatePods(kind: string, fn: (pod: any) => void): any {
  const w = WORKLOADS[kind];
  const obj = w.make();
  for (const pod of w.pods(obj)) fn(pod);
  return obj;
}

/** Applies `fn` to the first container of a pod spec. */
export const firstContainer = (fn: (c: any) => void) => (pod: any): void => fn(pod.containers[0]);
/** Applies `fn` to the first init container of a pod spec. */
export const firstInit = (fn: (c: any) => void) => (pod: any): void => fn(pod.initContainers[0]);

/** Probes fit for a server that loads a model for minutes. */
export const PROBES = {
  startupProbe: { httpGet: { path: '/health', port: 8000 }, periodSeconds: 10, failureThreshold: 60 },
  readinessProbe: { httpGet: { path: '/health', port: 8000 }, periodSeconds: 5 },
  livenessProbe: { httpGet: { path: '/health', port: 8000 }, periodSeconds: 10 },
};

/** A serving container with a port and probes. */
export function serverContainer(extra: any = {}): any {
  return gpuContainerWith({ ports: [{ name: 'http', containerPort: 8000, protocol: 'TCP' }], ...PROBES, ...extra });
}

function gpuContainerWith(extra: any): any {
  return { ...gpuContainer('server', 1), ...extra };
}

/** A tenant namespace with a GPU quota and a default-deny policy. */
export function tenant(ns = NS): any[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
    { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'compute', namespace: ns }, spec: { hard: { 'requests.nvidia.com/gpu': '16', 'requests.cpu': '200' } } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: ns }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
    {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-dns', namespace: ns },
      spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ protocol: 'UDP', port: 53 }] }] },
    },
  ];
}

export const RETAIN_CLASS = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'aidc-checkpoints' }, provisioner: 'efs.csi.aws.com', reclaimPolicy: 'Retain' };
export const DELETE_CLASS = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, provisioner: 'ebs.csi.aws.com', reclaimPolicy: 'Delete' };

/** A checkpoint claim on `storageClassName` (omitted when undefined). */
export function checkpointClaim(storageClassName?: string, name = 'train-checkpoints', annotations: any = { 'aidc.io/retain': 'true' }): any {
  return {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: NS, annotations },
    spec: { accessModes: ['ReadWriteMany'], ...(storageClassName === undefined ? {} : { storageClassName }), resources: { requests: { storage: '2Ti' } } },
  };
}

/** A multi-replica vLLM-style Deployment with ports and probes, its Service and PDB. */
export function servingDeployment(replicas = 2): any[] {
  return [
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('llama-serve'),
      spec: {
        replicas, selector: { matchLabels: { app: 'llama-serve' } },
        template: template('llama-serve', podSpec({ containers: [serverContainer()], tolerations: [{ ...GPU_TOLERATION }] })),
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: meta('llama-serve'), spec: { selector: { app: 'llama-serve' }, ports: [{ name: 'http', port: 80, targetPort: 8000 }] } },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta('llama-serve'), spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'llama-serve' } } } },
  ];
}

/** Everything a small GPU platform emits, compliant with every rule. */
export function compliantPlatform(): any[] {
  return [
    ...tenant(),
    RETAIN_CLASS,
    checkpointClaim('aidc-checkpoints'),
    ...servingDeployment(2),
    {
      apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: meta('llama-serve'),
      spec: { scaleTargetRef: { name: 'llama-serve' }, minReplicaCount: 2, maxReplicaCount: 8, triggers: [] },
    },
    ...Object.values(WORKLOADS).map((w) => w.make()),
  ];
}
