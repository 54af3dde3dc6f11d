/**
 * The building blocks the library's constructs emit (src/k8s/tenancy.ts, src/k8s/private/containers.ts)
 * pass the pack and monokle. The full constructs and examples are wired by the lead once they
 * synthesize (PolicyChecks.of(chart) in each construct's chart / the example).
 */
import { container, RESTRICTED_POD_SECURITY, shmVolume, tolerationFor } from '../../src/k8s/private/containers';
import { tenantManifests } from '../../src/k8s/tenancy';
import { PolicyChecks } from '../../src/policy';
import { formatMonokle, runMonokle } from '../harness/monokle';

const tenantObjects = (): any[] => tenantManifests({
  namespace: 'research', gpuQuota: 16, cpuQuota: 200, memoryQuotaBytes: 2 ** 40, storageQuotaBytes: 10 * 2 ** 40,
  monitoringNamespace: 'monitoring', editorGroups: ['ml'], viewerGroups: [], egressCidrs: ['10.0.0.0/8'], labels: { 'aidc.io/pool': 'h100' },
});

const gpuJob = (): any => ({
  apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'probe', namespace: 'research' },
  spec: {
    template: {
      metadata: { labels: { app: 'probe' } },
      spec: {
        restartPolicy: 'Never',
        securityContext: { ...RESTRICTED_POD_SECURITY },
        tolerations: [tolerationFor({ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' })],
        volumes: [shmVolume(64 * 2 ** 30)],
        containers: [container({
          name: 'trainer', image: 'nvcr.io/nvidia/pytorch:24.07-py3', cpuCores: 8, memoryBytes: 64 * 2 ** 30,
          extendedResources: { 'nvidia.com/gpu': 8 }, secretEnv: { HF_TOKEN: { secret: 'hf', key: 'token' } },
          volumeMounts: [{ name: 'dshm', mountPath: '/dev/shm' }],
        })],
      },
    },
  },
});

describe('library building blocks', () => {
  test('tenant manifests satisfy the tenancy rules (default deny + GPU quota) with no findings', () => {
    expect(PolicyChecks.evaluate(tenantObjects()).format()).toBe('no findings');
  });

  test('a GPU pod built from the shared container helpers has no findings', () => {
    expect(PolicyChecks.evaluate([gpuJob()]).format()).toBe('no findings');
  });

  test('monokle reports no error on them', async () => {
    const result = await runMonokle([...tenantObjects(), gpuJob()]);
    expect(formatMonokle(result.errors)).toBe('');
  });
});
