import { InferenceLatency, InferenceMemory, InferenceReplicaBounds, InferenceThroughput } from './inference-results';
import { InferencePrecision, KvCacheDtype } from './quantization';
import { Explanation } from '../private/explanation';

/** @internal Everything derived; a plain object handed from the planner to the plan. */
export interface InferencePlanData {
  readonly modelId: string;
  readonly gpuId: string;
  readonly precision: InferencePrecision;
  readonly kvCacheDtype: KvCacheDtype;
  readonly tensorParallel: number;
  readonly pipelineParallel: number;
  readonly gpusPerReplica: number;
  readonly nodesPerReplica: number;
  readonly memory: InferenceMemory;
  readonly kvCacheBytesPerToken: number;
  readonly kvCacheTokens: number;
  readonly maxConcurrentSequences: number;
  readonly concurrencyContextTokens: number;
  readonly maxModelLen: number;
  readonly gpuMemoryUtilization: number;
  readonly maxNumSeqs: number;
  readonly maxNumBatchedTokens: number;
  readonly throughput: InferenceThroughput;
  readonly latency: InferenceLatency;
  readonly evaluationBatch: number;
  readonly evaluationContextTokens: number;
  readonly promptTokens: number;
  readonly replicas: InferenceReplicaBounds;
  readonly requestsPerSecondPerReplica: number;
  readonly concurrencyPerReplica: number;
  readonly requestClasses: number;
  readonly ttftSloSeconds?: number;
  readonly tpotSloSeconds?: number;
  readonly availability: number;
  readonly modelLoadSeconds: number;
  readonly explanation: Explanation;
}

/**
 * A frozen inference sizing: layout, memory, KV capacity, speed, replicas and engine settings for one model on one
 * GPU type. Built by {@link InferencePlanner.plan}; `explain()` shows how every number was derived.
 */
export class InferencePlan {
  /** @internal */
  public static _create(d: InferencePlanData): InferencePlan {
    return new InferencePlan(d);
  }

  /** Always true: a plan that does not fit is a PlanningError instead. */
  public readonly fits: boolean;
  /** Model id. */
  public readonly modelId: string;
  /** GPU id. */
  public readonly gpuId: string;
  /** Weight precision. */
  public readonly precision: InferencePrecision;
  /** KV-cache number format. */
  public readonly kvCacheDtype: KvCacheDtype;
  /** Tensor-parallel size (vLLM `--tensor-parallel-size`). */
  public readonly tensorParallel: number;
  /** Pipeline stages (vLLM `--pipeline-parallel-size`); > 1 only across nodes. */
  public readonly pipelineParallel: number;
  /** GPUs per replica: tensorParallel × pipelineParallel. */
  public readonly gpusPerReplica: number;
  /** Nodes per replica (1 = Deployment; > 1 = LeaderWorkerSet). */
  public readonly nodesPerReplica: number;
  /** Memory breakdown. */
  public readonly memory: InferenceMemory;
  /** KV-cache bytes per token for the whole model (all layers and KV heads). */
  public readonly kvCacheBytesPerToken: number;
  /** Tokens the replica's KV cache holds (whole 16-token blocks). */
  public readonly kvCacheTokens: number;
  /** Sequences that fit in the KV cache at once at `concurrencyContextTokens` of context each. */
  public readonly maxConcurrentSequences: number;
  /** Context length `maxConcurrentSequences` refers to. */
  public readonly concurrencyContextTokens: number;
  /** vLLM `--max-model-len`. */
  public readonly maxModelLen: number;
  /** vLLM `--gpu-memory-utilization`. */
  public readonly gpuMemoryUtilization: number;
  /** vLLM `--max-num-seqs`: the engine default, lowered to what the KV cache holds at the typical context. */
  public readonly maxNumSeqs: number;
  /** vLLM `--max-num-batched-tokens`. */
  public readonly maxNumBatchedTokens: number;
  /** Prefill and decode throughput at the evaluation point. */
  public readonly throughput: InferenceThroughput;
  /** TTFT and TPOT at the evaluation point. */
  public readonly latency: InferenceLatency;
  /** Batch the decode figures refer to. */
  public readonly evaluationBatch: number;
  /** Context tokens per sequence the decode figures refer to. */
  public readonly evaluationContextTokens: number;
  /** Prompt length the prefill figures refer to. */
  public readonly promptTokens: number;
  /** Replica bounds. */
  public readonly replicas: InferenceReplicaBounds;
  /** Requests per second one replica sustains within the SLO (the autoscaler's and forecaster's unit of capacity). */
  public readonly requestsPerSecondPerReplica: number;
  /** Mean requests in flight in one replica at `requestsPerSecondPerReplica` (Little's law); the autoscaling target. */
  public readonly concurrencyPerReplica: number;
  /** Request-size classes the latency model was given: those of `traffic.requestMix`, else 1 (every request at the means). */
  public readonly requestClasses: number;
  /** p95 TTFT objective the plan was sized for, seconds (absent without an SLO). */
  public readonly ttftSloSeconds?: number;
  /** p95 TPOT objective the plan was sized for, seconds (absent without an SLO). */
  public readonly tpotSloSeconds?: number;
  /** Availability objective (sets the replica floor and the alerting budget). */
  public readonly availability: number;
  /** Estimated start-up time of a replica: weights over storage bandwidth plus engine warm-up. */
  public readonly modelLoadSeconds: number;
  private readonly explanation: Explanation;

  private constructor(d: InferencePlanData) {
    this.fits = true;
    this.modelId = d.modelId;
    this.gpuId = d.gpuId;
    this.precision = d.precision;
    this.kvCacheDtype = d.kvCacheDtype;
    this.tensorParallel = d.tensorParallel;
    this.pipelineParallel = d.pipelineParallel;
    this.gpusPerReplica = d.gpusPerReplica;
    this.nodesPerReplica = d.nodesPerReplica;
    this.memory = Object.freeze({ ...d.memory });
    this.kvCacheBytesPerToken = d.kvCacheBytesPerToken;
    this.kvCacheTokens = d.kvCacheTokens;
    this.maxConcurrentSequences = d.maxConcurrentSequences;
    this.concurrencyContextTokens = d.concurrencyContextTokens;
    this.maxModelLen = d.maxModelLen;
    this.gpuMemoryUtilization = d.gpuMemoryUtilization;
    this.maxNumSeqs = d.maxNumSeqs;
    this.maxNumBatchedTokens = d.maxNumBatchedTokens;
    this.throughput = Object.freeze({ ...d.throughput });
    this.latency = Object.freeze({ ...d.latency });
    this.evaluationBatch = d.evaluationBatch;
    this.evaluationContextTokens = d.evaluationContextTokens;
    this.promptTokens = d.promptTokens;
    this.replicas = Object.freeze({ ...d.replicas });
    this.requestsPerSecondPerReplica = d.requestsPerSecondPerReplica;
    this.concurrencyPerReplica = d.concurrencyPerReplica;
    this.requestClasses = d.requestClasses;
    this.ttftSloSeconds = d.ttftSloSeconds;
    this.tpotSloSeconds = d.tpotSloSeconds;
    this.availability = d.availability;
    this.modelLoadSeconds = d.modelLoadSeconds;
    this.explanation = d.explanation;
    Object.freeze(this);
  }

  /** Each derived number with its formula, inputs and source. */
  public explain(): string {
    return this.explanation.render(`Inference plan: ${this.modelId} on ${this.gpuId} (${this.precision}, tp=${this.tensorParallel}, pp=${this.pipelineParallel})`);
  }

  /** vLLM command-line arguments that carry the plan. */
  public engineArgs(): string[] {
    const args = [
      `--tensor-parallel-size=${this.tensorParallel}`,
      `--max-model-len=${this.maxModelLen}`,
      `--gpu-memory-utilization=${this.gpuMemoryUtilization}`,
      `--max-num-seqs=${this.maxNumSeqs}`,
      `--max-num-batched-tokens=${this.maxNumBatchedTokens}`,
    ];
    if (this.pipelineParallel > 1) args.push(`--pipeline-parallel-size=${this.pipelineParallel}`);
    if (this.kvCacheDtype === KvCacheDtype.FP8) args.push('--kv-cache-dtype=fp8');
    if (this.precision === InferencePrecision.FP8) args.push('--quantization=fp8');
    return args;
  }

  /** The JSON object printed by `aidc plan inference --json` (fields of DESIGN.md plus layout and engine settings). */
  public toJson(): any {
    return {
      fits: this.fits,
      model: this.modelId,
      gpu: this.gpuId,
      precision: this.precision,
      kvCacheDtype: this.kvCacheDtype,
      gpusPerReplica: this.gpusPerReplica,
      tensorParallel: this.tensorParallel,
      pipelineParallel: this.pipelineParallel,
      nodesPerReplica: this.nodesPerReplica,
      memory: { ...this.memory },
      kvCacheBytesPerToken: this.kvCacheBytesPerToken,
      kvCacheTokens: this.kvCacheTokens,
      maxConcurrentSequences: this.maxConcurrentSequences,
      concurrencyContextTokens: this.concurrencyContextTokens,
      maxModelLen: this.maxModelLen,
      gpuMemoryUtilization: this.gpuMemoryUtilization,
      maxNumSeqs: this.maxNumSeqs,
      maxNumBatchedTokens: this.maxNumBatchedTokens,
      throughput: { ...this.throughput },
      latency: { ...this.latency },
      evaluation: { batch: this.evaluationBatch, contextTokens: this.evaluationContextTokens, promptTokens: this.promptTokens },
      replicas: { ...this.replicas },
      requestsPerSecondPerReplica: this.requestsPerSecondPerReplica,
      concurrencyPerReplica: this.concurrencyPerReplica,
      requestClasses: this.requestClasses,
      modelLoadSeconds: this.modelLoadSeconds,
      engineArgs: this.engineArgs(),
    };
  }
}
