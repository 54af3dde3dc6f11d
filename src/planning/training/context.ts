import { GpuType, ModelSpec } from '../catalog';
import { BytesPerParameter, GradientBuffer } from './bytes-per-parameter';
import { ModelShape } from './model-math';
import { ExpertDispatcher, OptimizerKind, RecomputeMode, RecomputeModule, TrainingFramework, TrainingPrecision } from './precision';

/** Everything the evaluation of one layout needs, validated and resolved once per plan (internal). */
export interface PlanContext {
  readonly model: ModelSpec;
  readonly shape: ModelShape;
  readonly gpu: GpuType;
  readonly precision: TrainingPrecision;
  readonly optimizer: OptimizerKind;
  readonly bytes: BytesPerParameter;
  /** Where gradients accumulate (Megatron-Core fp32 or bf16 buffer, or the parameters' dtype). */
  readonly gradientBuffer: GradientBuffer;
  readonly zeroStage: number;
  readonly recompute: RecomputeMode;
  /**
   * Megatron-Core `--recompute-modules` when given (recompute `selective`, megatron profile, BF16); undefined = the plain
   * `selective` mode (attention core recomputed, Korthikanti et al. 2022 §4.3).
   */
  readonly recomputeModules?: ReadonlySet<RecomputeModule>;
  readonly framework: TrainingFramework;
  readonly seqLen: number;
  /** Global batch in sequences. */
  readonly globalSeqs: number;
  /** GPUs per node (machine): counts nodes and rounds deadline-mode GPU counts. */
  readonly gpusPerNode: number;
  /**
   * GPUs that talk over NVLink (over PCIe inside one node for PCIe GPUs): max(GPUs per node, the GPU's NVLink domain), 72 on
   * a GB200 NVL72 rack. Collectives of groups up to this size run at NVLink bandwidth; rank groups are assumed placed inside
   * one domain (topology-aware scheduling: Kueue TAS, Slurm `--segment`).
   */
  readonly nvlinkDomainGpus: number;
  /** Largest tensor-parallel size: the NVLink domain. */
  readonly tpMax: number;
  /** Inter-node bandwidth available to one GPU, bytes/s, one direction. */
  readonly networkBytesPerSecondPerGpu: number;
  /** NVLink bandwidth per GPU, bytes/s, one direction. */
  readonly nvlinkBytesPerSecond: number;
  /** Achievable fraction of peak for large GEMMs (before the GEMM-width factor). */
  readonly computeEfficiency: number;
  /** Tensor-parallel collectives overlapped with GEMMs (Transformer Engine userbuffers). */
  readonly tpCommOverlap: boolean;
  /** MoE dispatch/combine overlapped with another micro-batch's compute. */
  readonly expertCommunicationOverlap: boolean;
  /** MoE token dispatcher. */
  readonly expertDispatcher: ExpertDispatcher;
  /** Fraction of the data-parallel gradient traffic hidden behind backward compute. */
  readonly dpOverlapFraction: number;
  /** Fraction of device memory kept free, fixed by the caller; undefined = by GPU count (see `memoryReserveFor`). */
  readonly memoryReserveFraction?: number;
  /** Virtual pipeline stages per GPU fixed by the caller (interleaved 1F1B); undefined = searched. */
  readonly fixedVirtualStages?: number;
}

/** One candidate parallel layout (internal). */
export interface Layout {
  readonly tp: number;
  readonly pp: number;
  readonly cp: number;
  readonly dp: number;
  /** Expert parallelism (MoE only; 1 for dense models). */
  readonly ep: number;
  /**
   * Expert tensor parallelism (MoE only): each routed expert's matrices split over etp GPUs. Megatron-Core forms the
   * expert grid from the same tp × cp × dp ranks as the dense one, so etp × ep divides tp × cp × dp, and the rest is the
   * expert data-parallel group (megatron/core/parallel_state.py `expert_tensor_parallel_size`, default tp).
   */
  readonly etp: number;
  readonly microBatch: number;
  readonly gradientAccumulation: number;
  /** Virtual pipeline stages per GPU (interleaved 1F1B, Narayanan et al. 2021 §2.2.2); 1 = plain 1F1B. */
  readonly vp: number;
}
