import { GpuType, ModelSpec, NodeShape } from '../catalog';
import { ExpertDispatcher, OptimizerKind, RecomputeMode, RecomputeModule, TrainingFramework, TrainingPrecision } from './precision';

/** Input of the training planner. */
export interface TrainingPlanProps {
  /** Model to train. */
  readonly model: ModelSpec;
  /** GPU type. */
  readonly gpu: GpuType;
  /**
   * Node shape (GPUs per node, network bandwidth, price); its GPU type must be `gpu`.
   * @default - nodes of `gpu.nvlinkDomainSize` GPUs with 400 Gb/s of network per GPU and no price
   */
  readonly nodeShape?: NodeShape;
  /**
   * GPUs to use. Give exactly one of `gpus` and `deadlineSeconds`.
   * @default - the smallest count that meets `deadlineSeconds`
   */
  readonly gpus?: number;
  /**
   * Train `tokens` within this many seconds using the fewest GPUs (a multiple of the GPUs per node).
   * @default - plan for `gpus`
   */
  readonly deadlineSeconds?: number;
  /** Tokens per training sequence. */
  readonly sequenceLength: number;
  /** Tokens per optimizer step; a multiple of `sequenceLength` (global batch = globalBatchTokens / sequenceLength sequences). */
  readonly globalBatchTokens: number;
  /**
   * Tokens to train on (sets time and cost to train; required with `deadlineSeconds`).
   * @default - no time or cost to train
   */
  readonly tokens?: number;
  /**
   * Micro-batch size in sequences.
   * @default - searched
   */
  readonly microBatch?: number;
  /**
   * Numeric precision.
   * @default TrainingPrecision.BF16_MIXED
   */
  readonly precision?: TrainingPrecision;
  /**
   * Optimizer.
   * @default OptimizerKind.ADAMW
   */
  readonly optimizer?: OptimizerKind;
  /**
   * ZeRO stage 0–3 over the data-parallel group.
   * @default 1 for megatron (distributed optimizer), 3 for fsdp, 0 for hf
   */
  readonly zeroStage?: number;
  /**
   * Activation recomputation.
   * @default RecomputeMode.NONE (as Megatron-LM), or RecomputeMode.SELECTIVE when `recomputeModules` is given
   */
  readonly recompute?: RecomputeMode;
  /**
   * Megatron-Core's fine-grained recomputation (`--recompute-granularity selective --recompute-modules`): which
   * submodules run again in backward instead of keeping their activations, e.g. `[LAYERNORM, MOE]` as NVIDIA train
   * Qwen3-235B at long context. Needs the megatron profile, recompute `selective` (the default when this is given) and a
   * BF16 precision.
   * @default - the attention core under recompute `selective`, nothing under `none`, everything under `full`
   */
  readonly recomputeModules?: RecomputeModule[];
  /**
   * Framework profile.
   * @default TrainingFramework.MEGATRON
   */
  readonly framework?: TrainingFramework;
  /**
   * Tensor-parallel size; when tp, pp and cp are all fixed only data parallelism and micro-batch are searched.
   * @default - searched
   */
  readonly tensorParallel?: number;
  /**
   * Pipeline-parallel size.
   * @default - searched
   */
  readonly pipelineParallel?: number;
  /**
   * Context-parallel size.
   * @default - searched
   */
  readonly contextParallel?: number;
  /**
   * Expert-parallel size (MoE models): routed experts are spread over ep GPUs of the tp × cp × dp ranks.
   * @default - searched
   */
  readonly expertParallel?: number;
  /**
   * Expert tensor-parallel size (MoE models): each routed expert is split over etp GPUs; etp × ep must divide tp × cp × dp.
   * @default - searched among tp (Megatron-Core's default) and 1
   */
  readonly expertTensorParallel?: number;
  /**
   * Whether tensor-parallel all-gathers and reduce-scatters overlap the GEMMs (Transformer Engine comm–GEMM overlap,
   * `tp_comm_overlap`; NeMo's H100 performance recipes set it, plain Megatron-LM does not unless `--tp-comm-overlap`).
   * Overlapped, one chunk in tp stays exposed; otherwise all of it.
   * @default true
   */
  readonly tensorParallelCommOverlap?: boolean;
  /**
   * Whether Megatron-Core accumulates and reduces gradients in an FP32 buffer (`grad_reduce_in_fp32`; Megatron-LM forces it
   * with `--bf16`). NVIDIA's Megatron-Bridge performance recipes turn it off: the buffer is then BF16 (2 bytes per parameter
   * instead of 4, and half the gradient traffic), and the optimizer step makes an FP32 copy of each gradient shard. Mixed
   * precision with the megatron profile only.
   * @default true
   */
  readonly fp32GradientBuffer?: boolean;
  /**
   * MoE token dispatcher: how tokens reach their experts across the EP group.
   * @default ExpertDispatcher.ALL_TO_ALL
   */
  readonly expertDispatcher?: ExpertDispatcher;
  /**
   * Whether MoE dispatch and combine overlap another micro-batch's compute (Megatron-Core
   * `--overlap-moe-expert-parallel-comm`): 93% of them hidden as NVIDIA measured for DeepSeek-V3 on H100, at the cost of
   * DeepEP's SMs slowing the GEMMs beside them by 20%.
   * @default false
   */
  readonly expertCommunicationOverlap?: boolean;
  /**
   * Multi-token-prediction modules to train with the model (Megatron-Core `--mtp-num-layers`): each is a decoder layer, a
   * 2h × h projection and another pass through the output head on the last pipeline rank. 0 trains without them, as
   * fine-tuning usually does. The eager profiles (`hf`, `fsdp`) cannot train them: Hugging Face models skip the module.
   * @default model.mtpLayers with the megatron profile (DeepSeek-V3: 1), else 0
   */
  readonly mtpLayers?: number;
  /**
   * Virtual pipeline stages per GPU (interleaved 1F1B); divides the bubble by this factor.
   * @default 1
   */
  readonly virtualPipelineStages?: number;
  /**
   * Achievable fraction of peak for large GEMMs, overriding the calibrated default.
   * @default 0.6 (BF16) or 0.505 (FP8)
   */
  readonly computeEfficiency?: number;
  /**
   * Fraction of data-parallel gradient communication overlapped with backward.
   * @default 0.8
   */
  readonly dpOverlapFraction?: number;
  /**
   * Fraction of GPU memory kept free for allocator fragmentation and NCCL buffers.
   * @default 0.003 on a single GPU (measured on H100 with PyTorch expandable segments), 0.08 on several
   */
  readonly memoryReserveFraction?: number;
}

/** The chosen parallel layout. */
export interface TrainingParallelism {
  /** Tensor-parallel size (with sequence parallelism). */
  readonly tp: number;
  /** Pipeline-parallel size. */
  readonly pp: number;
  /** Data-parallel size. */
  readonly dp: number;
  /** Context-parallel size. */
  readonly cp: number;
  /** Expert-parallel size (1 for dense models). */
  readonly ep: number;
  /** Expert tensor-parallel size: GPUs each routed expert's matrices are split over (1 for dense models). */
  readonly etp: number;
  /** Sequences per micro-batch. */
  readonly microBatch: number;
  /** Micro-batches per optimizer step per data-parallel replica. */
  readonly gradientAccumulation: number;
  /** Virtual pipeline stages per GPU (interleaved schedule; 1 = plain 1F1B). */
  readonly virtualPipelineStages: number;
  /**
   * How the decoder layers are split over the pipeline ranks: `even`; `embedding-and-loss` (the embedding and the
   * loss each take one layer's slot: Megatron-Core `--account-for-embedding-in-pipeline-split
   * --account-for-loss-in-pipeline-split`); `uneven` (ranks 1, 2, … take the remainder: `--pipeline-model-parallel-layout`).
   */
  readonly pipelineSplit: string;
  /** Decoder layers on each pipeline rank, first to last (all its virtual chunks together). */
  readonly pipelineStageLayers: number[];
}

/** Per-GPU memory of the worst pipeline stage, bytes. */
export interface TrainingMemory {
  /** Weights. */
  readonly weightsBytes: number;
  /** Gradients. */
  readonly gradientsBytes: number;
  /** Optimizer states (incl. fp32 master weights). */
  readonly optimizerBytes: number;
  /** Activations saved for backward (incl. in-flight micro-batches and logits). */
  readonly activationsBytes: number;
  /** CUDA context, ZeRO-3 gather buffers, autocast weight cache. */
  readonly overheadBytes: number;
  /**
   * Peak device memory: the sum of the above for `megatron`; for the eager profiles (`hf`, `fsdp`) the largest of
   * three moments of the step (end of forward, start and end of backward), since gradients are created while
   * activations are freed. The activation and overhead fields then hold what is alive at that moment.
   */
  readonly peakBytesPerGpu: number;
  /** Memory the plan may use after the reserve. */
  readonly usableBytesPerGpu: number;
}

/** Predicted speed. */
export interface TrainingThroughput {
  /** Seconds per optimizer step. */
  readonly stepSeconds: number;
  /** Tokens per second over all GPUs. */
  readonly tokensPerSecond: number;
  /** Model FLOPs (no recomputation) per second per GPU, in TFLOP/s. */
  readonly tflopsPerGpu: number;
  /** Hardware FLOPs (with recomputation) per second per GPU, in TFLOP/s. */
  readonly hardwareTflopsPerGpu: number;
  /** Model FLOPs utilisation against the dense peak of the GEMM precision. */
  readonly mfu: number;
}
