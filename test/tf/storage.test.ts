import 'cdktf/lib/testing/adapters/jest';
import { PersistentVolumeClaimV1 } from '@cdktf/provider-kubernetes/lib/persistent-volume-claim-v1';
import { StorageClassV1 } from '@cdktf/provider-kubernetes/lib/storage-class-v1';
import { Testing } from 'cdktf';
import { badValues, expectValidationError, newStack, props, resourcesOf, synth } from './helpers';
import { PlatformStorage, PlatformStorageClassOptions, PlatformVolumeOptions, StoragePurpose } from '../../src/tf';

Testing.setupJest();

const GIB = 2 ** 30;
/** A llama-3.1-70b checkpoint with Adam state (bf16 weights + fp32 master + 2 moments) ≈ 70e9 x 14 bytes. */
const CHECKPOINT_BYTES = 70e9 * 14;

const CLASSES: PlatformStorageClassOptions[] = [
  { purpose: StoragePurpose.CHECKPOINTS, provisioner: 'fsx.csi.aws.com', parameters: { deploymentType: 'PERSISTENT_2' } },
  { purpose: StoragePurpose.DATASETS, provisioner: 'efs.csi.aws.com' },
  { purpose: StoragePurpose.MODEL_CACHE, provisioner: 'efs.csi.aws.com' },
];

function build(volumes: PlatformVolumeOptions[], classes = CLASSES) {
  const stack = newStack();
  const storage = new PlatformStorage(stack, 'storage', { classes, volumes });
  return { storage, ...synth(stack) };
}

describe('PlatformStorage', () => {
  test('creates one storage class per purpose and retains checkpoint and dataset volumes', () => {
    const { text } = build([]);
    expect(text).toHaveResourceWithProperties(StorageClassV1, props({ metadata: { name: 'aidc-checkpoints' }, storage_provisioner: 'fsx.csi.aws.com', reclaim_policy: 'Retain', volume_binding_mode: 'WaitForFirstConsumer', allow_volume_expansion: true, parameters: { deploymentType: 'PERSISTENT_2' } }));
    expect(text).toHaveResourceWithProperties(StorageClassV1, props({ metadata: { name: 'aidc-datasets' }, reclaim_policy: 'Retain' }));
    expect(text).toHaveResourceWithProperties(StorageClassV1, props({ metadata: { name: 'aidc-model-cache' }, reclaim_policy: 'Delete' }));
  });

  test('sizes a checkpoint claim from the plan with 20% headroom rounded up to whole GiB', () => {
    const { text } = build([{ name: 'ckpt', namespace: 'team-a', purpose: StoragePurpose.CHECKPOINTS, requiredBytes: 2 * CHECKPOINT_BYTES }]);
    const expectedGi = Math.ceil((2 * CHECKPOINT_BYTES * 1.2) / GIB);
    expect(expectedGi).toBe(2191);
    expect(text).toHaveResourceWithProperties(PersistentVolumeClaimV1, props({
      metadata: { name: 'ckpt', namespace: 'team-a' },
      spec: { access_modes: ['ReadWriteMany'], storage_class_name: 'aidc-checkpoints', resources: { requests: { storage: `${expectedGi}Gi` } } },
      wait_until_bound: false,
    }));
  });

  test('keeps an explicit size that covers the requirement', () => {
    const { json } = build([{ name: 'data', namespace: 'team-a', purpose: StoragePurpose.DATASETS, requiredBytes: 500 * GIB, sizeBytes: 1024 * GIB, accessModes: ['ReadOnlyMany'] }]);
    const pvc: any = Object.values(resourcesOf(json, 'kubernetes_persistent_volume_claim_v1'))[0];
    expect(pvc.spec.resources.requests.storage).toBe('1024Gi');
    expect(pvc.spec.access_modes).toEqual(['ReadOnlyMany']);
  });

  test('orders each claim after its storage class', () => {
    const { json } = build([{ name: 'cache', namespace: 'serve', purpose: StoragePurpose.MODEL_CACHE, requiredBytes: 141e9 }]);
    const pvc: any = Object.values(resourcesOf(json, 'kubernetes_persistent_volume_claim_v1'))[0];
    const classId = Object.entries(resourcesOf(json, 'kubernetes_storage_class_v1')).find(([, r]: any) => r.metadata.name === 'aidc-model-cache')![0];
    expect(pvc.depends_on).toEqual([`kubernetes_storage_class_v1.${classId}`]);
  });

  test('accepts volumes added after construction', () => {
    const stack = newStack();
    const storage = new PlatformStorage(stack, 'storage', { classes: CLASSES });
    storage.addVolume({ name: 'late', namespace: 'team-b', purpose: StoragePurpose.DATASETS, requiredBytes: GIB });
    expect(Object.keys(resourcesOf(synth(stack).json, 'kubernetes_persistent_volume_claim_v1'))).toHaveLength(1);
    expect(storage.storageClassName(StoragePurpose.DATASETS)).toBe('aidc-datasets');
  });

  test('never writes NaN, Infinity or undefined', () => {
    expect(badValues(build([{ name: 'ckpt', namespace: 'team-a', purpose: StoragePurpose.CHECKPOINTS, requiredBytes: CHECKPOINT_BYTES }]).text)).toEqual([]);
  });

  test('rejects a volume smaller than the checkpoint it must hold, naming both sizes', () => {
    expectValidationError(
      () => build([{ name: 'ckpt', namespace: 'team-a', purpose: StoragePurpose.CHECKPOINTS, requiredBytes: CHECKPOINT_BYTES, sizeBytes: 500 * GIB }]),
      'platform/storage', 'volumes[0].sizeBytes', /500\.0 GiB .* smaller than the 912\.7 GiB/,
    );
  });

  test.each<[string, PlatformStorageClassOptions[], PlatformVolumeOptions[], string]>([
    ['a checkpoint class that deletes volumes', [{ purpose: StoragePurpose.CHECKPOINTS, provisioner: 'x.csi', reclaimPolicy: 'Delete' }], [], 'classes[0].reclaimPolicy'],
    ['two classes for one purpose', [CLASSES[1], CLASSES[1]], [], 'classes[1].purpose'],
    ['a class without provisioner', [{ purpose: StoragePurpose.DATASETS, provisioner: '' }], [], 'classes[0].provisioner'],
    ['a claim with no class for its purpose', [CLASSES[1]], [{ name: 'c', namespace: 'a', purpose: StoragePurpose.CHECKPOINTS, requiredBytes: GIB }], 'volumes[0].storageClassName'],
    ['a negative requirement', CLASSES, [{ name: 'c', namespace: 'a', purpose: StoragePurpose.DATASETS, requiredBytes: -1 }], 'volumes[0].requiredBytes'],
    ['a NaN requirement', CLASSES, [{ name: 'c', namespace: 'a', purpose: StoragePurpose.DATASETS, requiredBytes: NaN }], 'volumes[0].requiredBytes'],
    ['a bad access mode', CLASSES, [{ name: 'c', namespace: 'a', purpose: StoragePurpose.DATASETS, requiredBytes: GIB, accessModes: ['RWX'] }], 'volumes[0].accessModes[0]'],
    ['a bad namespace', CLASSES, [{ name: 'c', namespace: 'Team_A', purpose: StoragePurpose.DATASETS, requiredBytes: GIB }], 'volumes[0].namespace'],
  ])('rejects %s', (_name, classes, volumes, prop) => {
    expectValidationError(() => build(volumes, classes), 'platform/storage', prop);
  });
});
