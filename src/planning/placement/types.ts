import { NodeShape } from '../catalog/node-shape';

/** Where the pods of one gang must land together. */
export enum PlacementTopology {
  /** No constraint beyond all-or-nothing (if a gang). */
  NONE = 'NONE',
  /** Every pod on the same node. */
  NODE = 'NODE',
  /** Every pod inside one NVLink domain (one HGX board, or one NVL72 rack of GB200 nodes). */
  NVLINK_DOMAIN = 'NVLINK_DOMAIN',
  /** Every pod inside one rack / network block. */
  RACK = 'RACK',
}

/**
 * One workload registered with a GPU pool: `podCount` pods per replica, `minReplicas`..`maxReplicas`
 * replicas. A training job is one replica of a gang (`gang: true`) at its planned size; an inference
 * service is `podCount` pods per replica (1 for a single-node server, more for a multi-node
 * LeaderWorkerSet, which should be a gang) at its min and max replica counts.
 */
export interface PoolWorkload {
  /** Name shown in plans and pictures. */
  readonly name: string;
  /** Pods per replica (the gang size for a gang). */
  readonly podCount: number;
  /** GPUs per pod: a whole number, or a fraction in (0, 1) when the pool shares GPUs (MIG slice / time-slicing). */
  readonly gpusPerPod: number;
  /** CPU per pod, millicores. */
  readonly cpuMilliPerPod: number;
  /** Memory per pod, bytes. */
  readonly memoryBytesPerPod: number;
  /**
   * All pods of a replica run together or not at all.
   * @default false
   */
  readonly gang?: boolean;
  /**
   * Topology constraint for the pods of one replica.
   * @default PlacementTopology.NONE
   */
  readonly topology?: PlacementTopology;
  /**
   * Replicas at the pool's minimum size.
   * @default 1
   */
  readonly minReplicas?: number;
  /**
   * Replicas at the pool's maximum size.
   * @default - minReplicas
   */
  readonly maxReplicas?: number;
  /**
   * Spread the replicas across zones (at most one more replica in any zone than in another).
   * @default false
   */
  readonly spreadAcrossZones?: boolean;
}

/** Input of PoolPlanner.plan. */
export interface PoolPlanProps {
  /** The pool's node shape. */
  readonly nodeShape: NodeShape;
  /** Every workload that runs in the pool. */
  readonly workloads: PoolWorkload[];
  /** Upper bound on nodes the pool may have. */
  readonly maxNodes: number;
  /**
   * Floor on the pool's node count.
   * @default 0
   */
  readonly minNodes?: number;
  /**
   * Spare capacity on top of the packed node count: nodes = ceil(packed × (1 + headroomFraction)).
   * 10% covers one node failure or drain in a 10-node pool and gives the autoscaler room for a
   * replica that arrives before a scale-up completes.
   * @default 0.1
   */
  readonly headroomFraction?: number;
  /**
   * The pool shares GPUs (MIG or time-slicing), so fractional gpusPerPod are allowed.
   * @default false
   */
  readonly gpuSharing?: boolean;
  /**
   * Zones the nodes are spread over (round-robin by node index).
   * @default 1
   */
  readonly zones?: number;
  /**
   * Nodes per rack / network block, for RACK gangs.
   * @default 4
   */
  readonly nodesPerRack?: number;
}

/** What runs on one GPU of a planned node. */
export interface PoolGpuAssignment {
  /** GPU index on the node. */
  readonly index: number;
  /** Pods on this GPU (`workload/replica/pod`). */
  readonly pods: string[];
  /** Fraction of the GPU requested, 0..1. */
  readonly usedFraction: number;
}

/** One node of a planned pool and what runs on it. */
export interface PoolNodeAssignment {
  /** Node name, e.g. `node-003`. */
  readonly name: string;
  /** Zone label. */
  readonly zone: string;
  /** Rack label. */
  readonly rack: string;
  /** Pods on the node. */
  readonly pods: string[];
  /** Per-GPU use. */
  readonly gpus: PoolGpuAssignment[];
  /** CPU requested on the node, millicores. */
  readonly cpuMilliUsed: number;
  /** Memory requested on the node, bytes. */
  readonly memoryBytesUsed: number;
}
