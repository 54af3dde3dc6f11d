import { PlanningError } from '../errors';
import { isPinnedImage } from './private/names';

/** Props of a vLLM engine. */
export interface VllmEngineOptions {
  /**
   * Container image, pinned.
   * @default 'vllm/vllm-openai:v0.11.0'
   */
  readonly image?: string;
  /**
   * Extra `vllm serve` flags appended after the planned ones.
   * @default - none
   */
  readonly extraArgs?: string[];
}

/** Settings an engine turns into its command line. */
export interface EngineLaunchOptions {
  /** Model to serve (Hugging Face repo id or a local path). */
  readonly model: string;
  /** Name the API serves the model under. */
  readonly servedModelName: string;
  readonly tensorParallelSize: number;
  readonly pipelineParallelSize: number;
  readonly maxModelLen: number;
  readonly gpuMemoryUtilization: number;
  readonly maxNumSeqs: number;
  /** Token budget per engine iteration (chunked prefill); the plan's latency model and activation reserve assume it. */
  readonly maxNumBatchedTokens: number;
  /**
   * Quantization the engine applies to a 16-bit checkpoint at load (`fp8`). INT4/INT8 plans need a checkpoint
   * quantized that way instead (vLLM reads its `quantization_config`).
   * @default - none
   */
  readonly quantization?: string;
  /**
   * KV-cache element type when it differs from the model's (`fp8`).
   * @default - the model's
   */
  readonly kvCacheDtype?: string;
  /** Directory of the model cache volume. */
  readonly downloadDir: string;
  /** The replica spans several nodes (Ray executor across the LeaderWorkerSet group). */
  readonly multiNode: boolean;
}

/**
 * An inference engine: how to launch it, its port and probes, and the metrics autoscaling reads.
 * Value class; vLLM first (`InferenceEngine.vllm()`), others can follow.
 */
export class InferenceEngine {
  /**
   * vLLM's OpenAI-compatible server (`vllm serve`). Flags from vllm/engine/arg_utils.py; `/health` and
   * `/metrics` from vllm/entrypoints/openai/api_server.py; metric names from docs.vllm.ai "Production
   * Metrics" (`vllm:num_requests_waiting`, `vllm:num_requests_running`, `vllm:kv_cache_usage_perc`, which
   * replaced the deprecated `vllm:gpu_cache_usage_perc` — vllm-project/vllm#18354).
   */
  public static vllm(options: VllmEngineOptions = {}): InferenceEngine {
    const image = options.image ?? 'vllm/vllm-openai:v0.11.0';
    if (!isPinnedImage(image)) {
      throw new PlanningError('engine.image', image, 'pin the image by a tag other than latest (repo:1.2.3), or by digest (repo@sha256:…); a registry port is not a tag');
    }
    return new InferenceEngine('vllm', image, [...(options.extraArgs ?? [])]);
  }

  /** Engine name. */
  public readonly name: string;
  /** Container image. */
  public readonly image: string;
  /** HTTP port of the API and metrics. */
  public readonly port = 8000;
  /** Health endpoint (200 once the model is loaded). */
  public readonly healthPath = '/health';
  /** Prometheus endpoint. */
  public readonly metricsPath = '/metrics';
  /** Gauge of requests waiting for a slot. */
  public readonly waitingRequestsMetric = 'vllm:num_requests_waiting';
  /** Gauge of requests being decoded. */
  public readonly runningRequestsMetric = 'vllm:num_requests_running';
  /** Gauge of KV-cache use, 0–1. */
  public readonly kvCacheUsageMetric = 'vllm:kv_cache_usage_perc';

  private readonly extraArgs: string[];

  private constructor(name: string, image: string, extraArgs: string[]) {
    this.name = name;
    this.image = image;
    this.extraArgs = extraArgs;
  }

  /** The server command line (`vllm serve ...`) carrying the plan. */
  public serveCommand(o: EngineLaunchOptions): string[] {
    return [
      'vllm', 'serve', o.model,
      '--served-model-name', o.servedModelName,
      '--port', String(this.port),
      '--tensor-parallel-size', String(o.tensorParallelSize),
      '--pipeline-parallel-size', String(o.pipelineParallelSize),
      '--max-model-len', String(o.maxModelLen),
      '--gpu-memory-utilization', String(o.gpuMemoryUtilization),
      '--max-num-seqs', String(o.maxNumSeqs),
      '--max-num-batched-tokens', String(o.maxNumBatchedTokens),
      ...(o.quantization ? ['--quantization', o.quantization] : []),
      ...(o.kvCacheDtype ? ['--kv-cache-dtype', o.kvCacheDtype] : []),
      '--download-dir', o.downloadDir,
      ...(o.multiNode ? ['--distributed-executor-backend', 'ray'] : []),
      ...this.extraArgs,
    ];
  }
}
