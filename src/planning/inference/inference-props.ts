import { InferencePrecision, KvCacheDtype } from './quantization';
import { RequestLog } from './request-log';
import { RequestMix } from './request-mix';
import { GpuType } from '../catalog/gpu-type';
import { ModelSpec } from '../catalog/model-spec';
import { NodeShape } from '../catalog/node-shape';

/** Expected traffic of an inference service. */
export interface InferenceTrafficProps {
  /** Mean prompt (input) tokens per request. */
  readonly promptTokens: number;
  /** Mean generated (output) tokens per request. */
  readonly outputTokens: number;
  /**
   * Peak arrival rate the service must absorb, requests per second, as Poisson arrivals. Give the busiest minute's rate,
   * not an hourly mean: new replicas take minutes to start, and bursts shorter than a minute beyond Poisson are not
   * modelled (BENCHMARKS.md, replay of the Azure LLM inference trace's own arrivals).
   */
  readonly peakRequestsPerSecond: number;
  /**
   * How request sizes vary (e.g. `RequestMix.fromSamples` over a request log). Replicas are then sized on the whole
   * distribution: long prompts lengthen p95 TTFT and short outputs stuck behind them lengthen p95 TPOT, which the
   * means alone hide. `promptTokens` and `outputTokens` must be its means (within 1%).
   * @default - every request has `promptTokens` and `outputTokens`
   */
  readonly requestMix?: RequestMix;
  /**
   * A log of real arrivals and sizes (e.g. the busiest hour). Replicas are then also sized by replaying it, round-robin
   * over the replicas, through the scheduler simulation, so bursts shorter than autoscaling can follow are covered;
   * the plan keeps the larger of that count and the Poisson one, and the per-replica rate that count implies
   * (`requestsPerSecondPerReplica`, which autoscaling follows). Needs an SLO. Its sizes are the mix when `requestMix`
   * is not given (`promptTokens` and `outputTokens` must then be the log's means).
   * @default - Poisson arrivals at `peakRequestsPerSecond`
   */
  readonly requestLog?: RequestLog;
}

/** Latency and availability objectives. */
export interface InferenceSloProps {
  /** 95th-percentile time to first token, seconds. */
  readonly ttftP95Seconds: number;
  /** 95th-percentile time per output token after the first, seconds. */
  readonly tpotP95Seconds: number;
  /**
   * Availability objective as a fraction, e.g. 0.999. At 0.999 or more the plan keeps at least two replicas.
   * @default 0.99
   */
  readonly availability?: number;
}

/** A fixed operating point at which to report decode speed (`aidc plan inference --batch B --context-tokens L`). */
export interface InferenceEvaluationPointProps {
  /** Sequences decoding together on one replica. */
  readonly batch: number;
  /** Tokens of context each of those sequences holds. */
  readonly contextTokens: number;
}

/** Inputs of {@link InferencePlanner.plan}. */
export interface InferencePlanProps {
  /** Model to serve. */
  readonly model: ModelSpec;
  /** GPU type of the pool. */
  readonly gpu: GpuType;
  /**
   * Node shape; its GPU count bounds tensor parallelism and its network carries pipeline stages across nodes.
   * @default - nodes of `gpu.nvlinkDomainSize` GPUs (for a PCIe-only GPU, as many as the largest catalog node shape
   * carrying it, e.g. 8 L40S as on g6e.48xlarge) with 400 Gb/s per GPU between nodes
   */
  readonly nodeShape?: NodeShape;
  /**
   * Tensor-parallel size per replica.
   * @default - the smallest valid size (powers of two first) that fits and meets the SLO's latency floors;
   * pipeline stages across nodes when one node is not enough
   */
  readonly tensorParallel?: number;
  /**
   * Weight precision.
   * @default InferencePrecision.BF16
   */
  readonly precision?: InferencePrecision;
  /**
   * KV-cache number format.
   * @default KvCacheDtype.BF16
   */
  readonly kvCacheDtype?: KvCacheDtype;
  /**
   * Longest sequence (prompt + output) the engine accepts (vLLM `--max-model-len`).
   * @default - min(model.maxPositionEmbeddings, max(32768, promptTokens + outputTokens))
   */
  readonly maxModelLen?: number;
  /**
   * Fraction of GPU memory the engine may use (vLLM `--gpu-memory-utilization`).
   * @default 0.9
   */
  readonly gpuMemoryUtilization?: number;
  /**
   * Tokens per engine step, which sizes vLLM's activation profile (vLLM `--max-num-batched-tokens`).
   * @default - vLLM's server default: 8192 on GPUs with ≥ 70 GiB other than A100, else 2048
   */
  readonly maxNumBatchedTokens?: number;
  /**
   * Expected traffic.
   * @default - no traffic: latency at batch 1 with a 2048-token prompt, and replicas from availability only
   */
  readonly traffic?: InferenceTrafficProps;
  /**
   * Latency and availability objectives.
   * @default - none: capacity per replica is the highest stable rate, availability 0.99
   */
  readonly slo?: InferenceSloProps;
  /**
   * Operating point for the reported decode speed and TPOT.
   * @default - from the traffic at peak, else batch 1 at the prompt length
   */
  readonly evaluationPoint?: InferenceEvaluationPointProps;
  /**
   * Prompt length for the reported prefill speed and TTFT when no traffic is given.
   * @default 2048
   */
  readonly promptTokens?: number;
  /**
   * Read bandwidth of the model cache per node, bytes per second, for the start-up estimate.
   * @default 2e9
   */
  readonly storageBytesPerSecond?: number;
}
