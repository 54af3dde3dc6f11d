import { Testing } from 'cdk8s';
import { ofKind, testChart, testPool } from './fixtures';
import { ConstructValidationError } from '../../src/errors';
import { GpuResourcePool, GpuSharing, MonitoringStack } from '../../src/k8s';
import { NodeShape } from '../../src/planning/catalog';
import { PlacementTopology } from '../../src/planning/placement';
import { describeWithShared } from '../harness/shared';
import { expectValidObjects } from '../harness/validate';

describe('GpuResourcePool', () => {
  test('emits every tenant and pool object, valid against the schemas', () => {
    const chart = testChart();
    testPool(chart, { tenants: [{ name: 'research', share: 0.6, editorGroups: ['ml'], viewerGroups: ['sre'], egressCidrs: ['10.20.0.0/16'] }, { name: 'serving', share: 0.4 }] });
    const objects = Testing.synth(chart);
    expect(objects).toMatchSnapshot();
    const kinds = objects.map((o) => o.kind);
    for (const kind of ['Namespace', 'ResourceQuota', 'LimitRange', 'NetworkPolicy', 'RoleBinding', 'ServiceAccount', 'ResourceFlavor', 'Topology', 'ClusterQueue', 'LocalQueue', 'PriorityClass', 'ConfigMap']) {
      expect(kinds).toContain(kind);
    }
    expect(ofKind(objects, 'ClusterQueue')).toHaveLength(2);
    expect(ofKind(objects, 'LocalQueue').map((q) => q.metadata.namespace).sort()).toEqual(['research', 'serving']);
  });

  test('nominal GPU quotas split the pool by share and add up to its capacity exactly', () => {
    // 8 × p5.48xlarge = 64 GPUs: research 0.6 → 38.4, serving 0.4 → 25.6; the spare GPU goes to the larger remainder.
    const chart = testChart();
    const pool = testPool(chart);
    expect(pool.nominalGpus('research')).toBe(38);
    expect(pool.nominalGpus('serving')).toBe(26);
    const queues = ofKind(Testing.synth(chart), 'ClusterQueue');
    const gpu = (q: any): any => q.spec.resourceGroups[0].flavors[0].resources.find((r: any) => r.name === 'nvidia.com/gpu');
    const research = queues.find((q) => q.metadata.name === 'h100-research');
    expect(gpu(research)).toEqual({ name: 'nvidia.com/gpu', nominalQuota: 38, borrowingLimit: 25, lendingLimit: 38 });
    expect(queues.every((q) => q.spec.cohortName === 'h100')).toBe(true);
    expect(research.spec.preemption.reclaimWithinCohort).toBe('Any');
  });

  test('the tenant ResourceQuota caps GPUs at nominal plus borrowing', () => {
    const chart = testChart();
    testPool(chart);
    const quota = ofKind(Testing.synth(chart), 'ResourceQuota').find((q) => q.metadata.namespace === 'serving');
    expect(quota.spec.hard['requests.nvidia.com/gpu']).toBe(String(26 + Math.floor(0.6 * 64)));
  });

  test('network isolation is default-deny with DNS, intra-namespace and monitoring allowances', () => {
    const chart = testChart();
    testPool(chart);
    const policies = ofKind(Testing.synth(chart), 'NetworkPolicy').filter((p) => p.metadata.namespace === 'research');
    expect(policies.map((p) => p.metadata.name).sort()).toEqual(['allow-dns', 'allow-intra-namespace', 'allow-monitoring-scrape', 'default-deny']);
    const deny = policies.find((p) => p.metadata.name === 'default-deny');
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  test('the ResourceFlavor carries the node labels and GPU taint pods must match', () => {
    const chart = testChart();
    const pool = testPool(chart);
    const flavor = ofKind(Testing.synth(chart), 'ResourceFlavor')[0];
    expect(flavor.spec.nodeLabels).toEqual(pool.nodeLabels);
    expect(flavor.spec.nodeTaints).toEqual([{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }]);
    expect(flavor.spec.topologyName).toBe('h100');
  });

  test.each([
    [GpuSharing.exclusive(), 'nvidia.com/gpu', 'exclusive', 64],
    [GpuSharing.timeSlicing(4), 'nvidia.com/gpu', 'time-sliced-4', 256],
    [GpuSharing.mig('1g.10gb'), 'nvidia.com/mig-1g.10gb', 'mig-1g.10gb', 448],
  ])('GPU sharing %# renders the device-plugin config and quota resource', (sharing, resource, configName, units) => {
    const chart = testChart();
    const pool = testPool(chart, { sharing });
    const objects = Testing.synth(chart);
    const cm = ofKind(objects, 'ConfigMap')[0];
    expect(Object.keys(cm.data)).toEqual([configName]);
    expect(cm.data[configName]).toMatch(/version: v1/);
    const queue = ofKind(objects, 'ClusterQueue')[0];
    expect(queue.spec.resourceGroups[0].coveredResources).toContain(resource);
    expect(pool.nominalGpus('research') + pool.nominalGpus('serving')).toBe(units);
    expect(ofKind(objects, 'ResourceFlavor')[0].spec.nodeLabels['nvidia.com/device-plugin.config']).toBe(configName);
  });

  test.each([
    ['tenant shares over 100%', () => testPool(testChart(), { tenants: [{ name: 'a', share: 0.7 }, { name: 'b', share: 0.4 }] }), /shares add up to 110.0%/],
    ['a zero share', () => testPool(testChart(), { tenants: [{ name: 'a', share: 0 }] }), /share/],
    ['a tenant name that is not a DNS label', () => testPool(testChart(), { tenants: [{ name: 'Team_A', share: 0.5 }] }), /tenants\[0\]\.name/],
    ['a duplicate tenant', () => testPool(testChart(), { tenants: [{ name: 'a', share: 0.2 }, { name: 'a', share: 0.2 }] }), /defined twice/],
    ['zero maxNodes', () => testPool(testChart(), { maxNodes: 0 }), /maxNodes/],
    ['minNodes above maxNodes', () => testPool(testChart(), { minNodes: 9 }), /minNodes/],
    ['headroom above 1', () => testPool(testChart(), { headroomFraction: 2 }), /headroomFraction/],
    ['a MIG profile the GPU does not have', () => testPool(testChart(), { sharing: GpuSharing.mig('1g.5gb') }), /MIG profile 1g\.5gb does not exist on h100-sxm-80gb/],
    ['a system namespace as a tenant', () => testPool(testChart(), { tenants: [{ name: 'kube-system', share: 0.5 }] }), /system or platform namespace/],
    ['the monitoring namespace as a tenant', () => testPool(testChart(), { tenants: [{ name: 'monitoring', share: 0.5 }] }), /system or platform namespace/],
    ['a malformed egress CIDR', () => testPool(testChart(), { tenants: [{ name: 'a', share: 0.5, egressCidrs: ['10.0.0.0/33'] }] }), /egressCidrs/],
  ])('rejects %s with an error naming the construct and prop', (_name, build, message) => {
    let error: unknown;
    try {
      build();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConstructValidationError);
    expect((error as Error).message).toMatch(/^test\/h100: /);
    expect((error as Error).message).toMatch(message);
  });

  test('a pool without tenants fails synthesis', () => {
    const chart = testChart();
    testPool(chart, { tenants: [] });
    expect(() => Testing.synth(chart)).toThrow(/at least one tenant/);
  });

  test('cpu and memory per GPU are the GPU share of the allocatable node', () => {
    const pool = testPool(testChart(), { nodeShape: NodeShape.P5_48XLARGE });
    // p5.48xlarge: 192 vCPU, 2 TiB; 90% allocatable over 8 GPUs → 21 cores and 230 GiB per GPU.
    expect(pool.cpuCoresForGpus(1)).toBe(21);
    expect(pool.memoryBytesForGpus(1)).toBe(230 * 2 ** 30);
    expect(pool.cpuCoresForGpus(8)).toBe(172);
  });
});

describe('GpuResourcePool device-plugin configuration', () => {
  const configMaps = (chart: ReturnType<typeof testChart>): any[] => ofKind(Testing.synth(chart), 'ConfigMap').filter((c) => c.metadata.name === 'aidc-device-plugin-config');

  test('pools of one chart share the single ConfigMap the GPU operator reads, one key per sharing mode', () => {
    const chart = testChart();
    const a = new GpuResourcePool(chart, 'h100', { nodeShape: NodeShape.P5_48XLARGE, maxNodes: 4, sharing: GpuSharing.timeSlicing(4), tenants: [{ name: 'research', share: 1 }] });
    new GpuResourcePool(chart, 'h100b', { nodeShape: NodeShape.P5_48XLARGE, maxNodes: 4, sharing: GpuSharing.mig('1g.10gb'), tenants: [{ name: 'serving', share: 1 }] });
    new GpuResourcePool(chart, 'h100c', { nodeShape: NodeShape.P5_48XLARGE, maxNodes: 4, sharing: GpuSharing.timeSlicing(4), tenants: [{ name: 'batch', share: 1 }] });
    const maps = configMaps(chart);
    expect(maps).toHaveLength(1);
    expect(Object.keys(maps[0].data)).toEqual(['mig-1g.10gb', 'time-sliced-4']);
    expect(maps[0].metadata.namespace).toBe('gpu-operator');
    expect(a.devicePluginConfigMapName).toBe('aidc-device-plugin-config');
    expectValidObjects(maps);
  });

  test('pools in different GPU-operator namespaces get one ConfigMap each', () => {
    const chart = testChart();
    new GpuResourcePool(chart, 'h100', { nodeShape: NodeShape.P5_48XLARGE, maxNodes: 4, tenants: [{ name: 'research', share: 1 }] });
    new GpuResourcePool(chart, 'h100b', { nodeShape: NodeShape.P5_48XLARGE, maxNodes: 4, gpuOperatorNamespace: 'nvidia', tenants: [{ name: 'serving', share: 1 }] });
    expect(configMaps(chart).map((c) => c.metadata.namespace).sort()).toEqual(['gpu-operator', 'nvidia']);
  });
});

describe('GpuResourcePool with a MonitoringStack', () => {
  const backlogExpr = (chart: ReturnType<typeof testChart>): string => {
    const rule = Testing.synth(chart).find((o) => o.kind === 'PrometheusRule' && o.metadata.name.endsWith('kueue'));
    return rule.spec.groups.find((g: any) => g.rules.some((r: any) => r.labels?.pool === 'h100')).rules[0].expr;
  };

  test('backlog alerts cover the ClusterQueues of tenants added after construction', () => {
    const chart = testChart();
    const monitoring = new MonitoringStack(chart, 'monitoring');
    const pool = testPool(chart, { monitoring, tenants: [{ name: 'research', share: 0.5 }] });
    pool.addTenant({ name: 'serving', share: 0.3 });
    pool.addTenant({ name: 'batch', share: 0.2 });
    expect(backlogExpr(chart)).toContain('cluster_queue=~"h100-batch|h100-research|h100-serving"');
  });

  test('a pool created without tenants is watched from its first addTenant', () => {
    const chart = testChart();
    const monitoring = new MonitoringStack(chart, 'monitoring');
    const pool = testPool(chart, { monitoring, tenants: [] });
    pool.addTenant({ name: 'research', share: 1 });
    expect(backlogExpr(chart)).toContain('cluster_queue=~"h100-research"');
  });

  test('adding queues to a pool the stack does not know fails with the pool named', () => {
    const m = new MonitoringStack(testChart(), 'monitoring');
    expect(() => m.addGpuPoolClusterQueues('a100', ['team-a'])).toThrow(/GPU pool a100 is not registered; call addGpuPool first/);
  });
});

describeWithShared('GpuResourcePool output', () => {
  test.each([
    ['exclusive', GpuSharing.exclusive()],
    ['time-slicing', GpuSharing.timeSlicing(2)],
    ['MIG', GpuSharing.mig('3g.40gb')],
  ])('passes the strict validation harness with %s sharing', (_name, sharing) => {
    const chart = testChart();
    testPool(chart, { sharing, tenants: [{ name: 'a', share: 0.5, editorGroups: ['x'], egressCidrs: ['10.0.0.0/8'] }, { name: 'b', share: 0.25 }] });
    expectValidObjects(Testing.synth(chart));
  });
});

describe('GpuResourcePool storage quota', () => {
  test('is twice what the tenant\'s workloads claim, at least 100 GiB', () => {
    const chart = testChart();
    const pool = testPool(chart);
    pool.addWorkload({
      name: 'ft', tenant: 'research', podCount: 2, gpusPerPod: 8, cpuCoresPerPod: 100, memoryBytesPerPod: 2 ** 40,
      gang: true, topology: PlacementTopology.NONE, minReplicas: 1, maxReplicas: 1, storageBytes: 300 * 2 ** 30,
    });
    const quotas = ofKind(Testing.synth(chart), 'ResourceQuota');
    const hard = (ns: string): any => quotas.find((q) => q.metadata.namespace === ns).spec.hard;
    expect(hard('research')['requests.storage']).toBe('600Gi');
    expect(hard('serving')['requests.storage']).toBe('100Gi');
  });
});
