/**
 * Every non-PSS rule with compliant and non-compliant cases, JobSet and LeaderWorkerSet
 * templates included. (PSS rules: pod-security.test.ts.)
 */
import {
  checkpointClaim, compliantPlatform, container, DELETE_CLASS, firstContainer, firstInit, GPU_TOLERATION, gpuPodSpec,
  mutatePods, NS, podSpec, RETAIN_CLASS, servingDeployment, tenant, WORKLOADS,
} from './fixtures';
import { PolicyChecks, PolicyLevel } from '../../src/policy';

const clone = <T>(x: T): T => structuredClone(x);

/** The serving Deployment of `servingDeployment()` with `fn` applied. */
function serving(fn: (d: any) => void, replicas = 2, withPdb = true): any[] {
  const [deploy, svc, pdb] = servingDeployment(replicas);
  fn(deploy);
  return withPdb ? [deploy, svc, pdb] : [deploy, svc];
}

const lws = (fn: (o: any) => void = () => {}): any => { const o = WORKLOADS.LeaderWorkerSet.make(); fn(o); return o; };
const jobset = (fn: (o: any) => void = () => {}): any => { const o = WORKLOADS.JobSet.make(); fn(o); return o; };
const lwsPdb = {
  apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'lws', namespace: NS },
  spec: { maxUnavailable: 1, selector: { matchLabels: { 'leaderworkerset.sigs.k8s.io/name': 'lws' } } },
};
const env = (e: any[]) => firstContainer((c) => { c.env = e; });

/** [rule, case, objects] — each must produce at least one finding of `rule`. */
const NON_COMPLIANT: Array<[string, string, () => any[]]> = [
  ['AIDC-RES-1', 'a container without a CPU request', () => [mutatePods('Deployment', firstContainer((c) => { delete c.resources.requests.cpu; }))]],
  ['AIDC-RES-1', 'an init container without a memory request', () => [mutatePods('Job', firstInit((c) => { delete c.resources.requests.memory; }))]],
  ['AIDC-RES-1', 'a JobSet worker without any resources', () => [mutatePods('JobSet', firstContainer((c) => { delete c.resources; }))]],
  ['AIDC-RES-2', 'a container without a memory limit', () => [mutatePods('StatefulSet', firstContainer((c) => { c.resources.limits = {}; }))]],
  ['AIDC-RES-2', 'an LWS worker init container without a memory limit', () => [mutatePods('LeaderWorkerSet', firstInit((c) => { delete c.resources.limits; }))]],
  ['AIDC-IMG-1', 'a :latest image', () => [mutatePods('Deployment', firstContainer((c) => { c.image = 'vllm/vllm-openai:latest'; }))]],
  ['AIDC-IMG-1', 'an untagged image', () => [mutatePods('CronJob', firstInit((c) => { c.image = 'busybox'; }))]],
  ['AIDC-IMG-1', 'an untagged image behind a registry port', () => [mutatePods('JobSet', firstContainer((c) => { c.image = 'registry:5000/team/trainer'; }))]],
  ['AIDC-IMG-1', 'a container with no image', () => [mutatePods('Pod', firstContainer((c) => { delete c.image; }))]],
  ['AIDC-SEC-1', 'HF_TOKEN as a literal', () => [mutatePods('Deployment', env([{ name: 'HF_TOKEN', value: 'hf_abc' }]))]],
  ['AIDC-SEC-1', 'HUGGING_FACE_HUB_TOKEN as a literal in an LWS', () => [mutatePods('LeaderWorkerSet', env([{ name: 'HUGGING_FACE_HUB_TOKEN', value: 'x' }]))]],
  ['AIDC-SEC-1', 'WANDB_API_KEY as a literal in a JobSet', () => [mutatePods('JobSet', env([{ name: 'WANDB_API_KEY', value: 'k' }]))]],
  ['AIDC-SEC-1', 'DB_PASSWORD as a literal', () => [mutatePods('StatefulSet', env([{ name: 'db_password', value: 'p' }]))]],
  ['AIDC-SEC-1', 'a Hugging Face token under an innocent name', () => [mutatePods('Job', env([{ name: 'MODEL', value: `hf_${'a'.repeat(34)}` }]))]],
  ['AIDC-SEC-1', 'vLLM --api-key with a literal argument', () => [mutatePods('Deployment', firstContainer((c) => { c.args = ['--model', 'm', '--api-key', 'sk-live']; }))]],
  ['AIDC-SEC-1', '--hf-token=literal', () => [mutatePods('Job', firstContainer((c) => { c.command = ['run', '--hf-token=abc']; }))]],
  ['AIDC-SEC-2', 'imagePullSecrets as bare strings', () => [mutatePods('Deployment', (p) => { p.imagePullSecrets = ['regcred']; })]],
  ['AIDC-SEC-2', 'imagePullSecrets with inline credentials', () => [mutatePods('JobSet', (p) => { p.imagePullSecrets = [{ name: 'r', dockerconfigjson: 'e30=' }]; })]],
  ['AIDC-SEC-2', 'a ServiceAccount with an unnamed pull secret', () => [{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa', namespace: NS }, imagePullSecrets: [{}] }]],
  ['AIDC-SEC-3', 'a Secret with inline stringData', () => [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'hf', namespace: NS }, stringData: { token: 'hf_x' } }]],
  ['AIDC-GPU-1', 'a GPU Deployment without tolerations', () => [mutatePods('Deployment', (p) => { Object.assign(p, gpuPodSpec()); delete p.tolerations; })]],
  ['AIDC-GPU-1', 'a MIG pod tolerating another taint', () => [mutatePods('Job', (p) => { Object.assign(p, gpuPodSpec(1, 'nvidia.com/mig-1g.10gb')); p.tolerations = [{ key: 'other', operator: 'Exists' }]; })]],
  ['AIDC-GPU-1', 'a JobSet GPU worker without the toleration', () => [jobset((o) => { delete o.spec.replicatedJobs[1].template.spec.template.spec.tolerations; })]],
  ['AIDC-GPU-1', 'an LWS worker with a NoExecute-only toleration', () => [lws((o) => { o.spec.leaderWorkerTemplate.workerTemplate.spec.tolerations = [{ ...GPU_TOLERATION, effect: 'NoExecute' }]; })]],
  ['AIDC-GPU-2', 'a CPU Deployment tolerating the GPU taint', () => [mutatePods('Deployment', (p) => { p.tolerations = [{ ...GPU_TOLERATION }]; })]],
  ['AIDC-GPU-2', 'a CPU pod tolerating every taint', () => [mutatePods('Pod', (p) => { p.tolerations = [{ operator: 'Exists' }]; })]],
  ['AIDC-GPU-2', 'a JobSet driver (no GPU) tolerating the GPU taint', () => [jobset((o) => { o.spec.replicatedJobs[0].template.spec.template.spec.tolerations = [{ ...GPU_TOLERATION }]; })]],
  ['AIDC-HA-1', 'a server without a readiness probe', () => serving((d) => { delete d.spec.template.spec.containers[0].readinessProbe; })],
  ['AIDC-HA-1', 'a server without liveness and startup probes', () => serving((d) => {
    delete d.spec.template.spec.containers[0].livenessProbe;
    delete d.spec.template.spec.containers[0].startupProbe;
  })],
  ['AIDC-HA-1', 'an LWS leader with a port and no probes', () => [lws((o) => { o.spec.leaderWorkerTemplate.leaderTemplate.spec.containers[0].ports = [{ containerPort: 8000 }]; })]],
  ['AIDC-HA-1', 'an LWS without leaderTemplate whose worker serves without probes', () => [lws((o) => {
    delete o.spec.leaderWorkerTemplate.leaderTemplate;
    o.spec.leaderWorkerTemplate.workerTemplate.spec.containers[0].ports = [{ containerPort: 8000 }];
  })]],
  ['AIDC-HA-2', 'two replicas without a PDB', () => serving(() => {}, 2, false)],
  ['AIDC-HA-2', 'a PDB whose selector misses the pods', () => { const o = serving(() => {}); o[2].spec.selector = { matchLabels: { app: 'other' } }; return o; }],
  ['AIDC-HA-2', 'a PDB in another namespace', () => { const o = serving(() => {}); o[2].metadata.namespace = 'team-b'; return o; }],
  ['AIDC-HA-2', 'one replica scaled to 8 by KEDA without a PDB', () => [...serving(() => {}, 1, false),
    { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 's', namespace: NS }, spec: { scaleTargetRef: { name: 'llama-serve' }, maxReplicaCount: 8 } }]],
  ['AIDC-HA-2', 'one replica scaled by KEDA with the default maximum (100)', () => [...serving(() => {}, 1, false),
    { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 's', namespace: NS }, spec: { scaleTargetRef: { name: 'llama-serve' } } }]],
  ['AIDC-HA-2', 'one replica scaled by an HPA to 4 without a PDB', () => [...serving(() => {}, 1, false),
    { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h', namespace: NS }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'llama-serve' }, minReplicas: 1, maxReplicas: 4 } }]],
  ['AIDC-HA-2', 'an LWS with 3 replicas without a PDB', () => [lws((o) => { o.spec.replicas = 3; })]],
  ['AIDC-STO-1', 'a checkpoint claim on a Delete class', () => [DELETE_CLASS, checkpointClaim('fast')]],
  ['AIDC-STO-1', 'a claim named *-checkpoints (no annotation) on a class with the default reclaimPolicy', () => [
    { ...DELETE_CLASS, reclaimPolicy: undefined }, checkpointClaim('fast', 'run-7-checkpoints', {}),
  ]],
  ['AIDC-STO-1', 'a StatefulSet checkpoint claim template on a Delete class', () => [DELETE_CLASS, (() => {
    const s = WORKLOADS.StatefulSet.make();
    s.spec.volumeClaimTemplates = [{ metadata: { name: 'checkpoints' }, spec: { storageClassName: 'fast', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Ti' } } } }];
    return s;
  })()]],
  ['AIDC-STO-1', 'a checkpoint claim bound to a PersistentVolume with reclaim policy Delete', () => [
    { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv1' }, spec: { persistentVolumeReclaimPolicy: 'Delete', capacity: { storage: '1Ti' } } },
    { ...checkpointClaim(''), spec: { ...checkpointClaim('').spec, volumeName: 'pv1' } },
  ]],
  ['AIDC-STO-2', 'a checkpoint claim on an unknown class', () => [checkpointClaim('aidc-checkpoints')]],
  ['AIDC-STO-2', 'a checkpoint claim with no storageClassName (cluster default)', () => [checkpointClaim(undefined)]],
  ['AIDC-TEN-1', 'a tenant namespace without a default-deny policy', () => tenant().filter((o) => o.metadata.name !== 'default-deny')],
  ['AIDC-TEN-1', 'a "default deny" that only denies ingress', () => tenant().map((o) => o.metadata.name === 'default-deny' ? { ...o, spec: { podSelector: {}, policyTypes: ['Ingress'] } } : o)],
  ['AIDC-TEN-1', 'a deny policy that selects only some pods', () => tenant().map((o) => o.metadata.name === 'default-deny' ? { ...o, spec: { ...o.spec, podSelector: { matchLabels: { a: 'b' } } } } : o)],
  ['AIDC-TEN-1', 'a deny-all in another namespace', () => tenant().map((o) => o.metadata.name === 'default-deny' ? { ...o, metadata: { ...o.metadata, namespace: 'x' } } : o)],
  ['AIDC-TEN-2', 'a tenant quota without GPUs', () => tenant().map((o) => o.kind === 'ResourceQuota' ? { ...o, spec: { hard: { 'requests.cpu': '10' } } } : o)],
  ['AIDC-TEN-2', 'a namespace labelled aidc.io/tenant with no quota', () => [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 't', labels: { 'aidc.io/tenant': 't' } } }]],
];

/** [rule, case, objects] — each must produce no finding of `rule`. */
const COMPLIANT: Array<[string, string, () => any[]]> = [
  ['AIDC-RES-1', 'requests given as numbers', () => [mutatePods('Pod', firstContainer((c) => { c.resources.requests = { cpu: 2, memory: 1e9 }; }))]],
  ['AIDC-RES-2', 'a memory limit with no CPU limit', () => [mutatePods('Deployment', () => {})]],
  ['AIDC-IMG-1', 'an image pinned by digest', () => [mutatePods('Deployment', firstContainer((c) => { c.image = `vllm/vllm-openai@sha256:${'a'.repeat(64)}`; }))]],
  ['AIDC-IMG-1', 'a tagged image behind a registry port', () => [mutatePods('JobSet', firstContainer((c) => { c.image = 'registry:5000/team/trainer:2024.10'; }))]],
  ['AIDC-SEC-1', 'HF_TOKEN from a secretKeyRef and passed as $(HF_TOKEN)', () => [mutatePods('LeaderWorkerSet', firstContainer((c) => {
    c.env = [{ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } }, { name: 'TOKENIZERS_PARALLELISM', value: 'false' }, { name: 'MAX_NUM_BATCHED_TOKENS', value: '8192' }];
    c.args = ['--api-key', '$(VLLM_API_KEY)', '--hf-token=${HF_TOKEN}'];
  }))]],
  ['AIDC-SEC-1', 'an empty literal for a token name', () => [mutatePods('Job', env([{ name: 'HF_TOKEN', value: '' }]))]],
  ['AIDC-SEC-2', 'imagePullSecrets by name', () => [mutatePods('JobSet', (p) => { p.imagePullSecrets = [{ name: 'registry-credentials' }]; })]],
  ['AIDC-SEC-3', 'a Secret without inline data (filled by an operator)', () => [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'hf', namespace: NS } }]],
  ['AIDC-GPU-1', 'a GPU pod tolerating by Exists with no effect', () => [mutatePods('Deployment', (p) => { Object.assign(p, gpuPodSpec()); p.tolerations = [{ key: 'nvidia.com/gpu', operator: 'Exists' }]; })]],
  ['AIDC-GPU-1', 'nested GPU templates of a JobSet and an LWS that tolerate the taint', () => [jobset(), lws()]],
  ['AIDC-GPU-2', 'a CPU pod with an unrelated toleration', () => [mutatePods('Deployment', (p) => { p.tolerations = [{ key: 'spot', operator: 'Exists', effect: 'NoSchedule' }]; })]],
  ['AIDC-GPU-2', 'a node-agent DaemonSet tolerating the GPU taint', () => [mutatePods('DaemonSet', (p) => { p.tolerations = [{ operator: 'Exists' }]; })]],
  ['AIDC-HA-1', 'a server with readiness and startup probes only', () => serving((d) => { delete d.spec.template.spec.containers[0].livenessProbe; })],
  ['AIDC-HA-1', 'a Job container with a port and no probes (not a server)', () => [mutatePods('Job', firstContainer((c) => { c.ports = [{ containerPort: 29500 }]; }))]],
  ['AIDC-HA-1', 'an LWS worker with a port and no probes (leader serves)', () => [lws((o) => { o.spec.leaderWorkerTemplate.workerTemplate.spec.containers[0].ports = [{ containerPort: 8000 }]; })]],
  ['AIDC-HA-2', 'one replica, no autoscaler', () => serving(() => {}, 1, false)],
  ['AIDC-HA-2', 'a PDB selecting by matchExpressions', () => { const o = serving(() => {}); o[2].spec.selector = { matchExpressions: [{ key: 'app', operator: 'In', values: ['llama-serve'] }] }; return o; }],
  ['AIDC-HA-2', 'a KEDA ScaledObject capped at one replica', () => [...serving(() => {}, 1, false),
    { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 's', namespace: NS }, spec: { scaleTargetRef: { name: 'llama-serve' }, maxReplicaCount: 1 } }]],
  ['AIDC-HA-2', 'an LWS with 3 replicas and a PDB on the lws name label', () => [lws((o) => { o.spec.replicas = 3; }), lwsPdb]],
  ['AIDC-STO-1', 'a checkpoint claim on a Retain class', () => [RETAIN_CLASS, checkpointClaim('aidc-checkpoints')]],
  ['AIDC-STO-1', 'a non-checkpoint claim on a Delete class', () => [DELETE_CLASS, checkpointClaim('fast', 'model-cache', {})]],
  ['AIDC-STO-1', 'a checkpoint claim with no class when the default class retains', () => [
    { ...RETAIN_CLASS, metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } }, checkpointClaim(undefined),
  ]],
  ['AIDC-STO-2', 'a checkpoint claim whose class is among the objects', () => [RETAIN_CLASS, checkpointClaim('aidc-checkpoints')]],
  ['AIDC-TEN-1', 'a tenant with default-deny plus allowances', () => tenant()],
  ['AIDC-TEN-1', 'a namespace without a quota (not a tenant)', () => [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring' } }]],
  ['AIDC-TEN-2', 'a tenant quota on a MIG profile', () => tenant().map((o) => o.kind === 'ResourceQuota' ? { ...o, spec: { hard: { 'requests.nvidia.com/mig-1g.10gb': '7' } } } : o)],
];

describe('rule pack', () => {
  test('the compliant GPU platform fixture has no findings', () => {
    expect(PolicyChecks.evaluate(compliantPlatform()).format()).toBe('no findings');
  });

  test.each(NON_COMPLIANT)('%s flags %s', (rule, _what, make) => {
    const before = make();
    const snapshot = clone(before);
    const report = PolicyChecks.evaluate(before);
    const hits = report.findings.filter((f) => f.ruleId === rule);
    expect(hits.length).toBeGreaterThan(0);
    const info = PolicyChecks.rules().find((r) => r.id === rule)!;
    for (const f of hits) {
      expect(f.level).toBe(info.level);
      expect(f.fix).toBe(info.fix);
      expect(f.objectRef).toMatch(/^\w+ /);
    }
    expect(before).toEqual(snapshot); // rules are pure: the input is not modified
  });

  test.each(COMPLIANT)('%s accepts %s', (rule, _what, make) => {
    expect(PolicyChecks.evaluate(make()).findings.filter((f) => f.ruleId === rule)).toEqual([]);
  });

  test('every rule has at least one compliant and one non-compliant case here or in pod-security.test.ts', () => {
    const ids = PolicyChecks.rules().map((r) => r.id).filter((id) => !id.startsWith('AIDC-PSS-') && id !== 'AIDC-META-1');
    for (const id of ids) {
      expect([id, NON_COMPLIANT.some(([r]) => r === id)]).toEqual([id, true]);
      expect([id, COMPLIANT.some(([r]) => r === id)]).toEqual([id, true]);
    }
  });

  test('an unknown storage class is a warning and a Delete class is an error', () => {
    const unknown = PolicyChecks.evaluate([checkpointClaim('aidc-checkpoints')]);
    expect(unknown.hasErrors).toBe(false);
    expect(unknown.warnings.map((f) => f.message)).toEqual([
      "checkpoint claim 'train-checkpoints' is not on retained storage: StorageClass 'aidc-checkpoints' is unknown (not among the checked objects), so its reclaimPolicy cannot be verified",
    ]);
    const del = PolicyChecks.evaluate([DELETE_CLASS, checkpointClaim('fast')]);
    expect(del.errors.map((f) => f.message)).toEqual(["checkpoint claim 'train-checkpoints' is not on retained storage: StorageClass 'fast' has reclaimPolicy Delete"]);
  });

  test('the GPU taint key and effect are configurable', () => {
    const pod = mutatePods('Pod', (p) => { Object.assign(p, gpuPodSpec()); p.tolerations = [{ key: 'example.com/gpu-pool', operator: 'Exists', effect: 'NoExecute' }]; });
    expect(PolicyChecks.evaluate([pod]).findings.map((f) => f.ruleId)).toEqual(['AIDC-GPU-1']);
    expect(PolicyChecks.evaluate([pod], { gpuTaintKey: 'example.com/gpu-pool', gpuTaintEffect: 'NoExecute' }).findings).toEqual([]);
  });

  test('DaemonSets on GPU nodes are flagged when allowDaemonSetsOnGpuNodes is false', () => {
    const ds = mutatePods('DaemonSet', (p) => { p.tolerations = [{ ...GPU_TOLERATION }]; });
    expect(PolicyChecks.evaluate([ds], { allowDaemonSetsOnGpuNodes: false }).findings.map((f) => f.ruleId)).toEqual(['AIDC-GPU-2']);
  });

  test('findings are ordered errors first, then by rule, object and path, the same on every run', () => {
    const objects = [
      checkpointClaim('nope'),
      mutatePods('Deployment', firstContainer((c) => { c.image = 'x'; delete c.resources; })),
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bare' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    ];
    const a = PolicyChecks.evaluate(objects).findings.map((f) => `${f.level} ${f.ruleId} ${f.objectRef} ${f.path}`);
    const b = PolicyChecks.evaluate([...objects].reverse()).findings.map((f) => `${f.level} ${f.ruleId} ${f.objectRef} ${f.path}`);
    expect(a).toEqual(b);
    expect(a[a.length - 1]).toBe(`warning AIDC-STO-2 PersistentVolumeClaim ${NS}/train-checkpoints spec.storageClassName`);
    expect(a.filter((l) => l.startsWith('error'))).toHaveLength(a.length - 1);
  });

  test('malformed objects (null, arrays, missing specs) give findings, not exceptions', () => {
    const weird = [null, [], 42, { kind: 'Deployment', apiVersion: 'apps/v1' }, { kind: 'JobSet', apiVersion: 'jobset.x-k8s.io/v1alpha2', spec: { replicatedJobs: [null, {}] } },
      { kind: 'LeaderWorkerSet', apiVersion: 'leaderworkerset.x-k8s.io/v1', spec: {} }, { kind: 'Pod', apiVersion: 'v1', spec: { containers: [null] } }];
    expect(() => PolicyChecks.evaluate(weird as any[])).not.toThrow();
    expect(PolicyChecks.evaluate([{ kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p' }, spec: { containers: [container('c'), null] } }]).hasErrors).toBe(true);
  });

  test('rules() lists every rule once with a level, description, explanation and fix', () => {
    const rules = PolicyChecks.rules();
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    expect(rules.map((r) => r.id)).toEqual([
      'AIDC-PSS-1', 'AIDC-PSS-2', 'AIDC-PSS-3', 'AIDC-PSS-4', 'AIDC-PSS-5', 'AIDC-PSS-6', 'AIDC-PSS-7',
      'AIDC-RES-1', 'AIDC-RES-2', 'AIDC-IMG-1', 'AIDC-SEC-1', 'AIDC-SEC-2', 'AIDC-SEC-3',
      'AIDC-GPU-1', 'AIDC-GPU-2', 'AIDC-HA-1', 'AIDC-HA-2', 'AIDC-STO-1', 'AIDC-STO-2', 'AIDC-TEN-1', 'AIDC-TEN-2', 'AIDC-META-1',
    ]);
    for (const r of rules) {
      expect([PolicyLevel.ERROR, PolicyLevel.WARNING]).toContain(r.level);
      for (const text of [r.description, r.explanation, r.fix]) expect(text.length).toBeGreaterThan(20);
    }
    expect(rules.filter((r) => r.level === PolicyLevel.WARNING).map((r) => r.id)).toEqual(['AIDC-SEC-3', 'AIDC-STO-2']);
  });

  test('a pod spec built by podSpec() alone is compliant (fixture sanity)', () => {
    expect(PolicyChecks.evaluate([{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: NS }, spec: podSpec() }]).findings).toEqual([]);
  });
});
