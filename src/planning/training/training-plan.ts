import { RecomputeMode, RecomputeModule, TrainingFramework, TrainingPrecision } from './precision';
import { TrainingMemory, TrainingParallelism, TrainingThroughput } from './training-types';

interface TrainingPlanFields {
  modelId: string; gpuId: string; parallelism: TrainingParallelism; memory: TrainingMemory; throughput: TrainingThroughput;
  gpus: number; gpusPerNode: number; timeToTrainSeconds?: number; costUsd?: number; checkpointBytes: number;
  layoutsEvaluated: number; explanation: string; sequenceLength: number; globalBatchTokens: number;
  precision: TrainingPrecision; framework: TrainingFramework; zeroStage: number; recompute: RecomputeMode; recomputeModules: RecomputeModule[]; mtpLayers: number;
}

/** A frozen training plan: layout, memory, speed, time and cost, with `explain()`. */
export class TrainingPlan {
  /** True when the layout fits in GPU memory (plans are only returned when they fit). */
  public readonly fits: boolean;
  /** Model id. */
  public readonly modelId: string;
  /** GPU id. */
  public readonly gpuId: string;
  /** Parallel layout. */
  public readonly parallelism: TrainingParallelism;
  /** Per-GPU memory. */
  public readonly memory: TrainingMemory;
  /** Speed. */
  public readonly throughput: TrainingThroughput;
  /** GPUs. */
  public readonly gpus: number;
  /** GPUs per node. */
  public readonly gpusPerNode: number;
  /** Nodes: ceil(gpus / gpusPerNode). */
  public readonly nodes: number;
  /** Seconds to train `tokens` (absent without a token budget). */
  public readonly timeToTrainSeconds?: number;
  /** USD to train `tokens` at the node shape's on-demand price (absent without a price or budget). */
  public readonly costUsd?: number;
  /** Bytes of one full checkpoint: weights + optimizer states of the whole model. */
  public readonly checkpointBytes: number;
  /** Layouts evaluated by the search. */
  public readonly layoutsEvaluated: number;
  /** Tokens per training sequence (input echoed for launch arguments). */
  public readonly sequenceLength: number;
  /** Tokens per optimizer step. */
  public readonly globalBatchTokens: number;
  /** Numeric precision planned for. */
  public readonly precision: TrainingPrecision;
  /** Framework profile planned for. */
  public readonly framework: TrainingFramework;
  /** ZeRO stage planned for. */
  public readonly zeroStage: number;
  /** Activation recomputation planned for. */
  public readonly recompute: RecomputeMode;
  /** Megatron-Core recompute modules planned for (empty: `recompute` alone says what is recomputed). */
  public readonly recomputeModules: RecomputeModule[];
  /** Multi-token-prediction modules trained with the model, on the last pipeline rank (0 = none). */
  public readonly mtpLayers: number;
  private readonly explanation: string;

  /** @internal Builds a plan; only the planner calls this. */
  public static _create(fields: TrainingPlanFields): TrainingPlan {
    return new TrainingPlan(fields);
  }

  private constructor(fields: TrainingPlanFields) {
    this.fits = true;
    this.modelId = fields.modelId;
    this.gpuId = fields.gpuId;
    this.parallelism = Object.freeze({ ...fields.parallelism });
    this.memory = Object.freeze({ ...fields.memory });
    this.throughput = Object.freeze({ ...fields.throughput });
    this.gpus = fields.gpus;
    this.gpusPerNode = fields.gpusPerNode;
    this.nodes = Math.ceil(fields.gpus / fields.gpusPerNode);
    this.timeToTrainSeconds = fields.timeToTrainSeconds;
    this.costUsd = fields.costUsd;
    this.checkpointBytes = fields.checkpointBytes;
    this.layoutsEvaluated = fields.layoutsEvaluated;
    this.sequenceLength = fields.sequenceLength;
    this.globalBatchTokens = fields.globalBatchTokens;
    this.precision = fields.precision;
    this.framework = fields.framework;
    this.zeroStage = fields.zeroStage;
    this.recompute = fields.recompute;
    this.recomputeModules = Object.freeze([...fields.recomputeModules]) as RecomputeModule[];
    this.mtpLayers = fields.mtpLayers;
    this.explanation = fields.explanation;
    Object.freeze(this);
  }

  /** How every number was derived: formula, inputs and source. */
  public explain(): string {
    return this.explanation;
  }

  /** The JSON object printed by `aidc plan training --json`. */
  public toJson(): any {
    return {
      model: this.modelId,
      gpu: this.gpuId,
      fits: this.fits,
      parallelism: { ...this.parallelism },
      memory: { ...this.memory },
      throughput: { ...this.throughput },
      gpus: this.gpus,
      nodes: this.nodes,
      timeToTrainSeconds: this.timeToTrainSeconds ?? null,
      costUsd: this.costUsd ?? null,
      checkpointBytes: this.checkpointBytes,
      recompute: this.recompute,
      recomputeModules: [...this.recomputeModules],
      mtpLayers: this.mtpLayers,
    };
  }
}
