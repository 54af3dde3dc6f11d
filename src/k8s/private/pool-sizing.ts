import { NodeShape } from '../../planning/catalog/node-shape';

/** How a workload's pods must be co-located. */
export enum PoolTopology {
  /** Anywhere in the pool. */
  NONE = 'none',
  /** All pods of one gang inside one NVLink domain. */
  NVLINK_DOMAIN = 'nvlink-domain',
}

/** A workload registered with a pool (by AiTrainingCluster and ElasticInferenceService). */
export interface PoolWorkloadOptions {
  /** Workload name (unique in the pool). */
  readonly name: string;
  /** Tenant namespace it runs in. */
  readonly tenant: string;
  /** Pods per replica (gang size for training; nodes per replica for multi-node inference). */
  readonly podCount: number;
  /** GPUs (schedulable units) per pod. */
  readonly gpusPerPod: number;
  /** CPU cores per pod. */
  readonly cpuCoresPerPod: number;
  /** Memory per pod, bytes. */
  readonly memoryBytesPerPod: number;
  /** All pods of a replica run together or not at all. */
  readonly gang: boolean;
  /** Co-location of a replica's pods. */
  readonly topology: PoolTopology;
  /** Replicas at the low end (training: 1). */
  readonly minReplicas: number;
  /** Replicas at the high end. */
  readonly maxReplicas: number;
}

/** Inputs of pool sizing. */
export interface PoolSizingInput {
  readonly nodeShape: NodeShape;
  readonly gpusPerNode: number;
  readonly workloads: PoolWorkloadOptions[];
  readonly maxNodes: number;
  readonly minNodes?: number;
  readonly headroomFraction: number;
}

/** Node counts of a pool. */
export interface PoolSizing {
  readonly minNodes: number;
  readonly maxNodes: number;
  readonly gpusAtMin: number;
  readonly gpusAtMax: number;
  readonly explanation: string;
  readonly planJson: any;
}

/** Sizes a pool by packing every workload's pods at min and at max replicas onto the node shape. */
export function sizePool(input: PoolSizingInput): PoolSizing {
  throw new Error(`sizePool: not wired yet (${input.workloads.length} workloads)`);
}
