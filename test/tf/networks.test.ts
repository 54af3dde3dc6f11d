import 'cdktf/lib/testing/adapters/jest';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { Testing } from 'cdktf';
import { badValues, expectValidationError, newStack, partial, resourcesOf, synth } from './helpers';
import { tenantManifests } from '../../src/k8s/tenancy';
import { FabricAttachmentOptions, TenantNetworks, TenantNetworksProps } from '../../src/tf';
import { sortKeysDeep } from '../../src/tf/private/checks';
import { unescapeTemplates } from '../../src/tf/private/objects';
import { describeWithShared } from '../harness/shared';
import { validateObjects } from '../harness/validate';

Testing.setupJest();

/**
 * Stand-in for `tenantManifests(spec)` of src/k8s/tenancy.ts (written by the lead): the plain
 * objects one tenant gets. The construct takes whatever that function returns.
 */
function tenant(ns: string, gpus: number): any[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'aidc.dev/tenant': ns } } },
    { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'gpu-quota', namespace: ns }, spec: { hard: { 'requests.nvidia.com/gpu': String(gpus) } } },
    { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'defaults', namespace: ns }, spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '500m', memory: '1Gi' } }] } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: ns }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
    {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-dns', namespace: ns },
      spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }] },
    },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'tenant-edit', namespace: ns }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' }, subjects: [{ kind: 'Group', name: `${ns}-devs`, apiGroup: 'rbac.authorization.k8s.io' }] },
  ];
}

const MANIFESTS = [...tenant('team-a', 16), ...tenant('team-b', 8)];
const RDMA: FabricAttachmentOptions = { name: 'rdma', namespaces: ['team-b', 'team-a'], cniType: 'sriov', resourceName: 'nvidia.com/rdma_vf', ipamRange: '10.200.0.0/16', mtu: 4200 };

function build(p: Partial<TenantNetworksProps> = {}) {
  const stack = newStack();
  const networks = new TenantNetworks(stack, 'networks', { manifests: MANIFESTS, ...p });
  return { networks, ...synth(stack) };
}

describe('TenantNetworks', () => {
  test('renders every tenancy object through the bridge, unchanged', () => {
    const { json } = build();
    const deployed = Object.values(resourcesOf(json, 'kubernetes_manifest')).map((r: any) => JSON.stringify(sortKeysDeep(unescapeTemplates(r.manifest))));
    expect(deployed.sort()).toEqual(MANIFESTS.map((m) => JSON.stringify(sortKeysDeep(m))).sort());
  });

  test('renders the tenancy objects of tenantManifests() (the cdk8s definition) unchanged: one definition, two renderings', () => {
    const objects = ['team-a', 'team-b'].flatMap((namespace) => tenantManifests({
      namespace, gpuQuota: 16, cpuQuota: 128, memoryQuotaBytes: 1024 * 2 ** 30, storageQuotaBytes: 10 * 2 ** 40,
      monitoringNamespace: 'monitoring', editorGroups: [`${namespace}-devs`], viewerGroups: [], egressCidrs: ['10.0.0.0/8'], labels: { 'aidc.dev/tenant': namespace },
    }));
    const { json, text } = build({ manifests: objects, fabrics: [RDMA] });
    const deployed = Object.values(resourcesOf(json, 'kubernetes_manifest'))
      .map((r: any) => unescapeTemplates(r.manifest))
      .filter((o: any) => o.kind !== 'NetworkAttachmentDefinition');
    expect(deployed.map((o) => JSON.stringify(sortKeysDeep(o))).sort()).toEqual(objects.map((o) => JSON.stringify(sortKeysDeep(o))).sort());
    expect(badValues(text)).toEqual([]);
  });

  test('adds a Multus NetworkAttachmentDefinition per tenant namespace for a declared RDMA fabric', () => {
    const { text, networks } = build({ fabrics: [RDMA] });
    for (const ns of ['team-a', 'team-b']) {
      expect(text).toHaveResourceWithProperties(Manifest, {
        manifest: partial({
          apiVersion: 'k8s.cni.cncf.io/v1',
          kind: 'NetworkAttachmentDefinition',
          metadata: { name: 'rdma', namespace: ns, annotations: { 'k8s.v1.cni.cncf.io/resourceName': 'nvidia.com/rdma_vf' } },
        }),
      });
    }
    expect(JSON.parse(networks.fabricAttachments[0].spec.config)).toEqual({
      cniVersion: '0.3.1', name: 'rdma', type: 'sriov', mtu: 4200, ipam: { type: 'whereabouts', range: '10.200.0.0/16' },
    });
  });

  test('orders each attachment after its tenant namespace', () => {
    const { json } = build({ fabrics: [RDMA] });
    const manifests = resourcesOf(json, 'kubernetes_manifest');
    const nsId = Object.entries(manifests).find(([, r]: any) => r.manifest.kind === 'Namespace' && r.manifest.metadata.name === 'team-a')![0];
    const nad: any = Object.values(manifests).find((r: any) => r.manifest.kind === 'NetworkAttachmentDefinition' && r.manifest.metadata.namespace === 'team-a');
    expect(nad.depends_on).toEqual([`kubernetes_manifest.${nsId}`]);
  });

  test('never writes NaN, Infinity or undefined', () => {
    expect(badValues(build({ fabrics: [RDMA] }).text)).toEqual([]);
  });

  test.each<[string, Partial<TenantNetworksProps>, string]>([
    ['no tenancy objects', { manifests: [] }, 'manifests'],
    ['an SR-IOV fabric without a device resource', { fabrics: [{ ...RDMA, resourceName: undefined }] }, 'fabrics[0].resourceName'],
    ['an IPoIB fabric without a host interface', { fabrics: [{ ...RDMA, cniType: 'ipoib' }] }, 'fabrics[0].master'],
    ['an unknown CNI', { fabrics: [{ ...RDMA, cniType: 'efa' }] }, 'fabrics[0].cniType'],
    ['a bad address range', { fabrics: [{ ...RDMA, ipamRange: '10.200.0.0' }] }, 'fabrics[0].ipamRange'],
    ['a namespace that is not a tenant', { fabrics: [{ ...RDMA, namespaces: ['team-c'] }] }, 'fabrics[0].namespaces[0]'],
  ])('rejects %s', (_name, p, prop) => {
    expectValidationError(() => build(p), 'platform/networks', prop);
  });
});

describeWithShared('TenantNetworks objects', () => {
  test('are valid Kubernetes objects (strict schemas)', () => {
    const { json } = build();
    const objects = Object.values(resourcesOf(json, 'kubernetes_manifest')).map((r: any) => unescapeTemplates(r.manifest));
    expect(validateObjects(objects)).toEqual([]);
  });
});
