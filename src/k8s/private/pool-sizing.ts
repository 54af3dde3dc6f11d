import { PlacementTopology } from '../../planning/placement/types';

/** A workload registered with a pool (by AiTrainingCluster and ElasticInferenceService). */
export interface PoolWorkloadOptions {
  /** Workload name (unique in the pool). */
  readonly name: string;
  /** Tenant namespace it runs in. */
  readonly tenant: string;
  /** Pods per replica (gang size for training; nodes per replica for multi-node inference). */
  readonly podCount: number;
  /** Schedulable GPU units per pod (whole GPUs, or MIG slices / time-sliced shares on a sharing pool). */
  readonly gpusPerPod: number;
  /** CPU cores per pod. */
  readonly cpuCoresPerPod: number;
  /** Memory per pod, bytes. */
  readonly memoryBytesPerPod: number;
  /** All pods of a replica run together or not at all. */
  readonly gang: boolean;
  /** Co-location of a replica's pods. */
  readonly topology: PlacementTopology;
  /** Replicas at the low end (training: 1). */
  readonly minReplicas: number;
  /** Replicas at the high end. */
  readonly maxReplicas: number;
  /**
   * Persistent storage the workload claims (checkpoints, model cache), bytes; sizes the tenant's storage quota.
   * @default 0
   */
  readonly storageBytes?: number;
  /**
   * Spread replicas across zones.
   * @default false
   */
  readonly spreadAcrossZones?: boolean;
}
