import { PersistentVolumeClaimV1 } from '@cdktf/provider-kubernetes/lib/persistent-volume-claim-v1';
import { StorageClassV1 } from '@cdktf/provider-kubernetes/lib/storage-class-v1';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { bytesToGiQuantity, fail, GIB, requireLabelName, requireName, requireOneOf, requirePositive, sortedMap } from './private/checks';

/** What a storage class or volume holds. */
export enum StoragePurpose {
  /** Training checkpoints: always retained when the claim is deleted. */
  CHECKPOINTS = 'checkpoints',
  /** Training datasets (read by every worker). */
  DATASETS = 'datasets',
  /** Model weights cached for inference servers. */
  MODEL_CACHE = 'model-cache',
}

const RECLAIM_POLICIES = ['Retain', 'Delete'] as const;
const BINDING_MODES = ['WaitForFirstConsumer', 'Immediate'] as const;
const ACCESS_MODES = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'] as const;

/** A storage class for one purpose. */
export interface PlatformStorageClassOptions {
  /** What the class is for. One class per purpose. */
  readonly purpose: StoragePurpose;
  /** CSI provisioner, e.g. `efs.csi.aws.com`, `fsx.csi.aws.com`, `ebs.csi.aws.com`, `filestore.csi.storage.gke.io`. */
  readonly provisioner: string;
  /**
   * StorageClass name.
   * @default `aidc-<purpose>`
   */
  readonly name?: string;
  /**
   * Provisioner parameters.
   * @default {}
   */
  readonly parameters?: { [key: string]: string };
  /**
   * `Retain` or `Delete`. Checkpoint classes must be `Retain`.
   * @default 'Retain' for checkpoints and datasets, 'Delete' for model caches
   */
  readonly reclaimPolicy?: string;
  /**
   * `WaitForFirstConsumer` or `Immediate`.
   * @default 'WaitForFirstConsumer'
   */
  readonly volumeBindingMode?: string;
  /**
   * Allow growing claims in place.
   * @default true
   */
  readonly allowVolumeExpansion?: boolean;
  /**
   * Mount options.
   * @default []
   */
  readonly mountOptions?: string[];
}

/** A claim sized from a plan. */
export interface PlatformVolumeOptions {
  /** Claim name. */
  readonly name: string;
  /** Namespace of the claim (the tenant's). */
  readonly namespace: string;
  /** What the claim holds; picks the storage class of that purpose. */
  readonly purpose: StoragePurpose;
  /** Bytes the plan needs on this volume (e.g. TrainingPlan checkpointBytes x checkpoints kept). */
  readonly requiredBytes: number;
  /**
   * Requested size in bytes; must be at least `requiredBytes`.
   * @default requiredBytes x (1 + headroomFraction), rounded up to whole GiB
   */
  readonly sizeBytes?: number;
  /**
   * Access modes.
   * @default ['ReadWriteMany'] (every worker or replica of a gang mounts it)
   */
  readonly accessModes?: string[];
  /**
   * Storage class to use.
   * @default the class registered for `purpose`
   */
  readonly storageClassName?: string;
}

/** Props of {@link PlatformStorage}. */
export interface PlatformStorageProps {
  /**
   * Storage classes, at most one per purpose (more with `addStorageClass`).
   * @default []
   */
  readonly classes?: PlatformStorageClassOptions[];
  /**
   * Claims (more with `addVolume`).
   * @default []
   */
  readonly volumes?: PlatformVolumeOptions[];
  /**
   * Extra space on top of `requiredBytes` when `sizeBytes` is not given (0.2 = 20%).
   * @default 0.2
   */
  readonly headroomFraction?: number;
  /**
   * Resources the claims wait for (typically the tenant namespaces).
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Storage classes per purpose and persistent volume claims sized from plans, as
 * `kubernetes_storage_class_v1` and `kubernetes_persistent_volume_claim_v1` resources.
 * Checkpoint classes always retain their volumes; a claim smaller than what the plan
 * needs is rejected.
 */
export class PlatformStorage extends Construct {
  private readonly classes = new Map<StoragePurpose, { name: string; reclaimPolicy: string; resource: StorageClassV1 }>();
  private readonly headroom: number;
  private readonly dependsOn: ITerraformDependable[];
  private classCount = 0;
  private volumeCount = 0;

  constructor(scope: Construct, id: string, props: PlatformStorageProps = {}) {
    super(scope, id);
    this.headroom = props.headroomFraction ?? 0.2;
    if (typeof this.headroom !== 'number' || !Number.isFinite(this.headroom) || this.headroom < 0) {
      fail(this, 'headroomFraction', `must be a finite number >= 0; got ${String(props.headroomFraction)}`);
    }
    this.dependsOn = [...(props.dependsOn ?? [])];
    for (const c of props.classes ?? []) this.addStorageClass(c);
    for (const v of props.volumes ?? []) this.addVolume(v);
  }

  /** Adds the storage class of one purpose. */
  public addStorageClass(options: PlatformStorageClassOptions): StorageClassV1 {
    const prop = `classes[${this.classCount++}]`;
    requireOneOf(this, `${prop}.purpose`, options.purpose, Object.values(StoragePurpose));
    if (this.classes.has(options.purpose)) fail(this, `${prop}.purpose`, `a storage class for '${options.purpose}' already exists`);
    if (!options.provisioner) fail(this, `${prop}.provisioner`, 'is empty; name the CSI driver, e.g. efs.csi.aws.com');
    const name = requireName(this, `${prop}.name`, options.name ?? `aidc-${options.purpose}`);
    const defaultPolicy = options.purpose === StoragePurpose.MODEL_CACHE ? 'Delete' : 'Retain';
    const reclaimPolicy = requireOneOf(this, `${prop}.reclaimPolicy`, options.reclaimPolicy ?? defaultPolicy, RECLAIM_POLICIES);
    if (options.purpose === StoragePurpose.CHECKPOINTS && reclaimPolicy !== 'Retain') {
      fail(this, `${prop}.reclaimPolicy`, `is '${reclaimPolicy}'; checkpoint volumes must survive their claim, use 'Retain'`);
    }
    const resource = new StorageClassV1(this, `class-${options.purpose}`, {
      metadata: { name, labels: { 'aidc.dev/storage-purpose': options.purpose } },
      storageProvisioner: options.provisioner,
      parameters: sortedMap(options.parameters),
      reclaimPolicy,
      volumeBindingMode: requireOneOf(this, `${prop}.volumeBindingMode`, options.volumeBindingMode ?? 'WaitForFirstConsumer', BINDING_MODES),
      allowVolumeExpansion: options.allowVolumeExpansion ?? true,
      mountOptions: options.mountOptions ? [...options.mountOptions] : undefined,
    });
    this.classes.set(options.purpose, { name, reclaimPolicy, resource });
    return resource;
  }

  /** Name of the storage class registered for `purpose`, if any. */
  public storageClassName(purpose: StoragePurpose): string | undefined {
    return this.classes.get(purpose)?.name;
  }

  /** Adds a claim sized from a plan; throws when it is smaller than the plan needs. */
  public addVolume(options: PlatformVolumeOptions): PersistentVolumeClaimV1 {
    const prop = `volumes[${this.volumeCount++}]`;
    const name = requireName(this, `${prop}.name`, options.name);
    const namespace = requireLabelName(this, `${prop}.namespace`, options.namespace);
    requireOneOf(this, `${prop}.purpose`, options.purpose, Object.values(StoragePurpose));
    const required = requirePositive(this, `${prop}.requiredBytes`, options.requiredBytes);
    let size: number;
    if (options.sizeBytes !== undefined) {
      size = requirePositive(this, `${prop}.sizeBytes`, options.sizeBytes);
      if (size < required) {
        const gib = (b: number) => `${(b / GIB).toFixed(1)} GiB`;
        fail(this, `${prop}.sizeBytes`, `${gib(size)} (${size} bytes) is smaller than the ${gib(required)} (${required} bytes) the ${options.purpose} need (requiredBytes); use sizeBytes >= ${required} or omit it to size from the plan`);
      }
    } else {
      size = required * (1 + this.headroom);
    }
    const registered = this.classes.get(options.purpose);
    const className = options.storageClassName ?? registered?.name;
    if (className === undefined) {
      fail(this, `${prop}.storageClassName`, `is not set and no storage class is registered for '${options.purpose}'; add one with addStorageClass or set storageClassName`);
    }
    const ours = [...this.classes.values()].find((c) => c.name === className);
    if (options.purpose === StoragePurpose.CHECKPOINTS && ours && ours.reclaimPolicy !== 'Retain') {
      fail(this, `${prop}.storageClassName`, `'${className}' deletes its volumes; checkpoints need a 'Retain' class`);
    }
    const accessModes = options.accessModes ?? ['ReadWriteMany'];
    if (accessModes.length === 0) fail(this, `${prop}.accessModes`, 'is empty');
    accessModes.forEach((m, i) => requireOneOf(this, `${prop}.accessModes[${i}]`, m, ACCESS_MODES));
    return new PersistentVolumeClaimV1(this, `pvc-${namespace}-${name}`, {
      metadata: { name, namespace, labels: { 'aidc.dev/storage-purpose': options.purpose } },
      spec: {
        accessModes: [...accessModes],
        storageClassName: className,
        resources: { requests: { storage: bytesToGiQuantity(size) } },
      },
      // With WaitForFirstConsumer a claim binds only when a pod mounts it; waiting would hang the apply.
      waitUntilBound: false,
      dependsOn: [...this.dependsOn, ...(ours ? [ours.resource] : [])],
    });
  }
}
