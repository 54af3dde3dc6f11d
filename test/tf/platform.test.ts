import 'cdktf/lib/testing/adapters/jest';
import { App, Testing, TerraformStack } from 'cdktf';
import { badValues, newStack, resourcesOf } from './helpers';
import { ClusterAddons, KarpenterGpuNodePool, ManifestBridge, PlatformStorage, StoragePurpose, TenantNetworks } from '../../src/tf';

Testing.setupJest();

const POOL_LABELS = { 'aidc.dev/pool': 'h100' };
const POOL_TAINTS = [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }, { key: 'aidc.dev/pool', value: 'h100', effect: 'NoSchedule' }];

/**
 * The whole Terraform side in two stacks, the shape the flagship example uses:
 * `infra` (node pool, add-ons) and `platform` (tenancy, storage, workloads), the second
 * depending on the first so `cdktf deploy '*'` applies CRDs before the objects that need them.
 */
function platform(app: App): { infra: TerraformStack; workloads: TerraformStack } {
  const infra = newStack(app, 'infra');
  new KarpenterGpuNodePool(infra, 'pool-h100', {
    name: 'h100', instanceTypes: ['p5.48xlarge'], capacityTypes: ['on-demand', 'spot'], nodeLabels: POOL_LABELS, taints: POOL_TAINTS,
    maxNodes: 4, gpusPerNode: 8, nodeRole: 'KarpenterNodeRole-demo', clusterName: 'demo',
  });
  const addons = new ClusterAddons(infra, 'addons', { gpuOperator: { poolTaints: POOL_TAINTS, devicePluginConfigMapName: 'pool-h100-device-plugin' } });

  const workloads = newStack(app, 'workloads');
  const networks = new TenantNetworks(workloads, 'tenancy', {
    manifests: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } }],
    fabrics: [{ name: 'rdma', namespaces: ['team-a'], cniType: 'ib-sriov', resourceName: 'nvidia.com/ib_vf', ipamRange: '10.210.0.0/16' }],
    addons,
  });
  new PlatformStorage(workloads, 'storage', {
    classes: [{ purpose: StoragePurpose.CHECKPOINTS, provisioner: 'fsx.csi.aws.com' }],
    volumes: [{ name: 'ckpt', namespace: 'team-a', purpose: StoragePurpose.CHECKPOINTS, requiredBytes: 980e9 * 2 }],
    dependsOn: [networks.bridge.manifestFor('v1', 'Namespace', 'team-a')!],
  });
  new ManifestBridge(workloads, 'workloads', {
    manifests: [{ apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'LocalQueue', metadata: { name: 'training', namespace: 'team-a' }, spec: { clusterQueue: 'team-a' } }],
    addons,
    dependsOn: [networks.bridge.manifestFor('v1', 'Namespace', 'team-a')!],
  });
  return { infra, workloads };
}

describe('the Terraform side as a whole', () => {
  test('synthesizes both stacks with validations on, identically twice, with no NaN/Infinity/undefined', () => {
    const first = platform(Testing.app());
    const second = platform(Testing.app());
    for (const key of ['infra', 'workloads'] as const) {
      const a = Testing.synth(first[key], true);
      expect(Testing.synth(second[key], true)).toBe(a);
      expect(badValues(a)).toEqual([]);
    }
  });

  test('orders the workloads stack after the add-ons stack', () => {
    const { infra, workloads } = platform(Testing.app());
    expect(workloads.dependencies).toEqual([infra]);
    const json = JSON.parse(Testing.synth(workloads, true));
    expect(Object.keys(resourcesOf(json, 'kubernetes_manifest'))).toHaveLength(3);
    expect(Object.keys(resourcesOf(json, 'kubernetes_persistent_volume_claim_v1'))).toHaveLength(1);
  });
});
