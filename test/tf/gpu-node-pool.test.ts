import 'cdktf/lib/testing/adapters/jest';
import { Labels } from '@cdktf/provider-kubernetes/lib/labels';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { NodeTaint } from '@cdktf/provider-kubernetes/lib/node-taint';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Testing } from 'cdktf';
import { badValues, expectValidationError, newStack, partial, props, resourcesOf, synth } from './helpers';
import { ExistingGpuNodes, ExistingGpuNodesProps, KarpenterGpuNodePool, KarpenterGpuNodePoolProps } from '../../src/tf';

Testing.setupJest();

/** The labels and taints a pool's Kueue ResourceFlavor uses (nodeLabels / nodeTaints). */
const FLAVOR_LABELS = { 'aidc.dev/pool': 'h100', 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' };
const FLAVOR_TAINTS = [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }, { key: 'aidc.dev/pool', value: 'h100', effect: 'NoSchedule' }];

const BASE: KarpenterGpuNodePoolProps = {
  name: 'h100',
  instanceTypes: ['p5.48xlarge'],
  nodeLabels: FLAVOR_LABELS,
  taints: FLAVOR_TAINTS,
  maxNodes: 4,
  gpusPerNode: 8,
  nodeRole: 'KarpenterNodeRole-demo',
  clusterName: 'demo',
};

function pool(overrides: Partial<KarpenterGpuNodePoolProps> = {}) {
  const stack = newStack();
  const p = new KarpenterGpuNodePool(stack, 'pool', { ...BASE, ...overrides });
  return { stack, pool: p, ...synth(stack) };
}

function manifestOfKind(json: any, kind: string): any {
  const all = Object.values(resourcesOf(json, 'kubernetes_manifest')).map((r: any) => r.manifest);
  return all.find((m) => m.kind === kind);
}

describe('KarpenterGpuNodePool', () => {
  test('emits a karpenter.sh/v1 NodePool with the pool instance types, labels, taints and GPU limit', () => {
    const { text, pool: p } = pool();
    expect(text).toHaveProvider(KubernetesProvider);
    expect(text).toHaveResourceWithProperties(Manifest, {
      manifest: partial({
        apiVersion: 'karpenter.sh/v1',
        kind: 'NodePool',
        metadata: { name: 'h100' },
        spec: {
          template: {
            metadata: { labels: FLAVOR_LABELS },
            spec: {
              nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'h100' },
              requirements: [
                { key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['p5.48xlarge'] },
                { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
              ],
              taints: FLAVOR_TAINTS,
              expireAfter: '2592000s',
            },
          },
          limits: { 'nvidia.com/gpu': 32 },
        },
      }),
    });
    expect(p.gpuLimit).toBe(32);
  });

  test('takes its disruption settings from props, defaulting to empty-only consolidation one node at a time', () => {
    const defaults = manifestOfKind(pool().json, 'NodePool').spec.disruption;
    expect(defaults).toEqual({ consolidationPolicy: 'WhenEmpty', consolidateAfter: '600s', budgets: [{ nodes: '1' }] });
    const custom = pool({ consolidationPolicy: 'WhenEmptyOrUnderutilized', consolidateAfterSeconds: 30, disruptionBudgetNodes: '10%', neverExpire: true });
    const spec = manifestOfKind(custom.json, 'NodePool').spec;
    expect(spec.disruption).toEqual({ consolidationPolicy: 'WhenEmptyOrUnderutilized', consolidateAfter: '30s', budgets: [{ nodes: '10%' }] });
    expect(spec.template.spec.expireAfter).toBe('Never');
  });

  test('emits an EC2NodeClass with the node role, discovery selectors, AL2023 alias and encrypted gp3 root volume', () => {
    const { text } = pool();
    expect(text).toHaveResourceWithProperties(Manifest, {
      manifest: partial({
        apiVersion: 'karpenter.k8s.aws/v1',
        kind: 'EC2NodeClass',
        metadata: { name: 'h100' },
        spec: {
          role: 'KarpenterNodeRole-demo',
          amiSelectorTerms: [{ alias: 'al2023@latest' }],
          subnetSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'demo' } }],
          securityGroupSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'demo' } }],
          blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: '200Gi', volumeType: 'gp3', encrypted: true } }],
        },
      }),
    });
  });

  test('orders the NodePool after its EC2NodeClass', () => {
    const { json } = pool();
    const manifests = resourcesOf(json, 'kubernetes_manifest');
    const nodePoolId = Object.keys(manifests).find((k) => manifests[k].manifest.kind === 'NodePool')!;
    const nodeClassId = Object.keys(manifests).find((k) => manifests[k].manifest.kind === 'EC2NodeClass')!;
    expect(manifests[nodePoolId].depends_on).toEqual([`kubernetes_manifest.${nodeClassId}`]);
  });

  test('selects capacity reservations for the reserved capacity type and pins zones', () => {
    const { json } = pool({ capacityTypes: ['reserved', 'on-demand'], capacityReservationIds: ['cr-0123456789abcdef0'], zones: ['us-east-1a'] });
    const np = manifestOfKind(json, 'NodePool');
    expect(np.spec.template.spec.requirements).toContainEqual({ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['reserved', 'on-demand'] });
    expect(np.spec.template.spec.requirements).toContainEqual({ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1a'] });
    expect(manifestOfKind(json, 'EC2NodeClass').spec.capacityReservationSelectorTerms).toEqual([{ id: 'cr-0123456789abcdef0' }]);
  });

  test('references an existing EC2NodeClass without creating one', () => {
    const { json } = pool({ existingNodeClassName: 'gpu-shared', nodeRole: undefined, clusterName: undefined });
    expect(manifestOfKind(json, 'EC2NodeClass')).toBeUndefined();
    expect(manifestOfKind(json, 'NodePool').spec.template.spec.nodeClassRef.name).toBe('gpu-shared');
  });

  test('never writes NaN, Infinity or undefined', () => {
    expect(badValues(pool().text)).toEqual([]);
  });

  test.each<[string, Partial<KarpenterGpuNodePoolProps>, string, RegExp]>([
    ['no instance types', { instanceTypes: [] }, 'instanceTypes', /at least one EC2 instance type/],
    ['a malformed instance type', { instanceTypes: ['p5'] }, 'instanceTypes[0]', /not an EC2 instance type/],
    ['a negative node count (negative GPU limit)', { maxNodes: -1 }, 'maxNodes', /whole number of at least 1/],
    ['zero GPUs per node', { gpusPerNode: 0 }, 'gpusPerNode', /whole number/],
    ['a fractional node count', { maxNodes: 2.5 }, 'maxNodes', /whole number/],
    ['an unknown capacity type', { capacityTypes: ['preemptible'] }, 'capacityTypes[0]', /on-demand, spot, reserved/],
    ['reserved capacity without reservations', { capacityTypes: ['reserved'] }, 'capacityReservationIds', /capacity reservation ids/],
    ['a taint with a bad effect', { taints: [{ key: 'a', effect: 'NoRun' }] }, 'taints[0].effect', /NoSchedule/],
    ['a label domain Karpenter reserves', { nodeLabels: { 'kubernetes.io/pool': 'x' } }, "nodeLabels['kubernetes.io/pool']", /reserved/],
    ['a bad consolidation policy', { consolidationPolicy: 'WhenUnderutilized' }, 'consolidationPolicy', /WhenEmpty/],
    ['no node role for a new EC2NodeClass', { nodeRole: undefined }, 'nodeRole', /IAM role/],
    ['no discovery tags', { clusterName: undefined }, 'clusterName', /karpenter.sh\/discovery/],
  ])('rejects %s with an error naming the construct path and prop', (_name, overrides, prop, message) => {
    expectValidationError(() => new KarpenterGpuNodePool(newStack(), 'pool', { ...BASE, ...overrides }), 'platform/pool', prop, message);
  });
});

describe('ExistingGpuNodes', () => {
  const NODES: ExistingGpuNodesProps = { nodeNames: ['gpu-node-1', 'ip-10-0-1-7.ec2.internal'], nodeLabels: FLAVOR_LABELS, taints: FLAVOR_TAINTS };

  test('labels and taints every named node like the ResourceFlavor', () => {
    const stack = newStack();
    new ExistingGpuNodes(stack, 'nodes', NODES);
    const { text, json } = synth(stack);
    for (const name of NODES.nodeNames) {
      expect(text).toHaveResourceWithProperties(Labels, props({ api_version: 'v1', kind: 'Node', metadata: { name }, labels: FLAVOR_LABELS, field_manager: 'aidc' }));
      expect(text).toHaveResourceWithProperties(NodeTaint, props({ metadata: { name }, taint: FLAVOR_TAINTS, field_manager: 'aidc' }));
    }
    expect(Object.keys(resourcesOf(json, 'kubernetes_labels'))).toHaveLength(2);
    expect(Object.keys(resourcesOf(json, 'kubernetes_node_taint'))).toHaveLength(2);
  });

  test.each<[string, Partial<ExistingGpuNodesProps>, string]>([
    ['no nodes', { nodeNames: [] }, 'nodeNames'],
    ['a duplicate node', { nodeNames: ['a', 'a'] }, 'nodeNames[1]'],
    ['nothing to apply', { nodeLabels: {}, taints: [] }, 'nodeLabels'],
  ])('rejects %s', (_name, overrides, prop) => {
    expectValidationError(() => new ExistingGpuNodes(newStack(), 'nodes', { ...NODES, ...overrides }), 'platform/nodes', prop);
  });
});
