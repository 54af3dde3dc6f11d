/**
 * Pod Security Standards "restricted" rules (AIDC-PSS-*) on every workload kind, including the
 * pod templates nested in JobSets (spec.replicatedJobs[].template.spec.template.spec) and
 * LeaderWorkerSets (spec.leaderWorkerTemplate.leaderTemplate / workerTemplate).
 * Source of the controls: https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
import { firstContainer, firstInit, mutatePods, WORKLOADS } from './fixtures';
import { PolicyChecks } from '../../src/policy';

const KINDS = Object.keys(WORKLOADS);

function ruleIds(objects: any[]): string[] {
  return PolicyChecks.evaluate(objects).findings.map((f) => f.ruleId);
}

/** [rule, what is broken, mutation of a pod spec]. */
const VIOLATIONS: Array<[string, string, (pod: any) => void]> = [
  ['AIDC-PSS-1', 'runAsNonRoot missing at pod and container level', (p) => {
    delete p.securityContext.runAsNonRoot;
    for (const c of [...p.containers, ...p.initContainers]) delete c.securityContext.runAsNonRoot;
  }],
  ['AIDC-PSS-1', 'a container overriding runAsNonRoot to false', firstContainer((c) => { c.securityContext.runAsNonRoot = false; })],
  ['AIDC-PSS-1', 'a container running as uid 0', firstContainer((c) => { c.securityContext.runAsUser = 0; })],
  ['AIDC-PSS-2', 'no seccomp profile anywhere', (p) => {
    delete p.securityContext.seccompProfile;
    for (const c of [...p.containers, ...p.initContainers]) delete c.securityContext.seccompProfile;
  }],
  ['AIDC-PSS-2', 'an Unconfined seccomp profile on the init container', firstInit((c) => { c.securityContext.seccompProfile = { type: 'Unconfined' }; })],
  ['AIDC-PSS-3', 'allowPrivilegeEscalation unset on the init container', firstInit((c) => { delete c.securityContext.allowPrivilegeEscalation; })],
  ['AIDC-PSS-3', 'allowPrivilegeEscalation true', firstContainer((c) => { c.securityContext.allowPrivilegeEscalation = true; })],
  ['AIDC-PSS-4', 'capabilities not dropped', firstContainer((c) => { delete c.securityContext.capabilities; })],
  ['AIDC-PSS-4', 'SYS_ADMIN added back', firstContainer((c) => { c.securityContext.capabilities.add = ['SYS_ADMIN']; })],
  ['AIDC-PSS-5', 'hostNetwork', (p) => { p.hostNetwork = true; }],
  ['AIDC-PSS-5', 'hostPID', (p) => { p.hostPID = true; }],
  ['AIDC-PSS-5', 'hostIPC', (p) => { p.hostIPC = true; }],
  ['AIDC-PSS-5', 'a host port', firstContainer((c) => { c.ports = [{ containerPort: 8000, hostPort: 8000 }]; })],
  ['AIDC-PSS-6', 'a hostPath volume', (p) => { p.volumes = [{ name: 'dev', hostPath: { path: '/dev' } }]; }],
  ['AIDC-PSS-6', 'an nfs volume (not in the restricted list)', (p) => { p.volumes = [{ name: 'data', nfs: { server: 'nfs', path: '/x' } }]; }],
  ['AIDC-PSS-7', 'a privileged container', firstContainer((c) => { c.securityContext.privileged = true; })],
  ['AIDC-PSS-7', 'a privileged init container', firstInit((c) => { c.securityContext.privileged = true; })],
];

/** [rule, what is allowed, mutation that must stay compliant]. */
const ALLOWED: Array<[string, string, (pod: any) => void]> = [
  ['AIDC-PSS-1', 'runAsNonRoot set only on each container', (p) => {
    delete p.securityContext.runAsNonRoot;
  }],
  ['AIDC-PSS-2', 'seccomp set only on each container', (p) => { delete p.securityContext.seccompProfile; }],
  ['AIDC-PSS-2', 'a Localhost seccomp profile', (p) => { p.securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' }; }],
  ['AIDC-PSS-4', 'NET_BIND_SERVICE added back', firstContainer((c) => { c.securityContext.capabilities.add = ['NET_BIND_SERVICE']; })],
  ['AIDC-PSS-5', 'hostNetwork explicitly false and hostPort 0', (p) => { p.hostNetwork = false; p.containers[0].ports = [{ containerPort: 80, hostPort: 0 }]; }],
  ['AIDC-PSS-6', 'emptyDir, PVC, configMap, secret, projected and csi volumes', (p) => {
    p.volumes = [
      { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '64Gi' } },
      { name: 'ckpt', persistentVolumeClaim: { claimName: 'x-checkpoints' } },
      { name: 'cfg', configMap: { name: 'c' } },
      { name: 'sec', secret: { secretName: 's' } },
      { name: 'tok', projected: { sources: [] } },
      { name: 'csi', csi: { driver: 'secrets-store.csi.k8s.io' } },
    ];
  }],
];

describe('Pod Security Standards rules', () => {
  test.each(KINDS)('a compliant %s has no findings at all', (kind) => {
    expect(PolicyChecks.evaluate([WORKLOADS[kind].make()]).format()).toBe('no findings');
  });

  const violationCases = KINDS.flatMap((kind) => VIOLATIONS.map(([rule, what, fn]) => [rule, kind, what, fn] as const));
  test.each(violationCases)('%s flags a %s with %s', (rule, kind, _what, fn) => {
    const report = PolicyChecks.evaluate([mutatePods(kind, fn)]);
    const hits = report.findings.filter((f) => f.ruleId === rule);
    // Every pod template of the object is broken, so every one must be reported (JobSet: 2, LWS: 2).
    expect(hits.length).toBeGreaterThanOrEqual(WORKLOADS[kind].pods(WORKLOADS[kind].make()).length);
    expect(hits.every((f) => f.level === 'error')).toBe(true);
    expect(report.hasErrors).toBe(true);
  });

  const allowedCases = KINDS.flatMap((kind) => ALLOWED.map(([rule, what, fn]) => [rule, kind, what, fn] as const));
  test.each(allowedCases)('%s accepts a %s with %s', (rule, kind, _what, fn) => {
    expect(ruleIds([mutatePods(kind, fn)])).not.toContain(rule);
  });

  test('findings point at the nested JobSet and LeaderWorkerSet pod template paths', () => {
    const priv = firstContainer((c) => { c.securityContext.privileged = true; });
    const paths = PolicyChecks.evaluate([mutatePods('JobSet', priv), mutatePods('LeaderWorkerSet', priv)]).findings
      .filter((f) => f.ruleId === 'AIDC-PSS-7').map((f) => `${f.objectRef} ${f.path}`);
    expect(paths).toEqual([
      'JobSet team-a/train spec.replicatedJobs[0].template.spec.template.spec.containers[0].securityContext.privileged',
      'JobSet team-a/train spec.replicatedJobs[1].template.spec.template.spec.containers[0].securityContext.privileged',
      'LeaderWorkerSet team-a/lws spec.leaderWorkerTemplate.leaderTemplate.spec.containers[0].securityContext.privileged',
      'LeaderWorkerSet team-a/lws spec.leaderWorkerTemplate.workerTemplate.spec.containers[0].securityContext.privileged',
    ]);
  });
});
