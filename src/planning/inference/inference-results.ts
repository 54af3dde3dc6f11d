/** Memory of one replica. */
export interface InferenceMemory {
  /** Unique weight bytes of the model at the chosen precision. */
  readonly weightsBytes: number;
  /** Weight bytes on the most loaded GPU. */
  readonly weightsBytesPerGpu: number;
  /** Activation reserve per GPU (vLLM's profiling peak over max_num_batched_tokens). */
  readonly activationBytesPerGpu: number;
  /** KV-cache bytes of the whole replica (all GPUs, whole blocks). */
  readonly kvCacheBytes: number;
  /** KV-cache bytes on one GPU (whole blocks). */
  readonly kvCacheBytesPerGpu: number;
  /** Memory the engine may use per GPU: gpuMemoryUtilization × GPU memory. */
  readonly budgetBytesPerGpu: number;
}

/** Throughput of one replica at the evaluation point. */
export interface InferenceThroughput {
  /** Prompt tokens per second while prefilling one prompt. */
  readonly prefillTokensPerSecond: number;
  /** Output tokens per second of the replica at the evaluation batch and context. */
  readonly decodeTokensPerSecond: number;
}

/** Latency at the evaluation point (p95 under the traffic when traffic is given). */
export interface InferenceLatency {
  /** Time to first token, seconds. */
  readonly ttftSeconds: number;
  /** Time per output token, seconds. */
  readonly tpotSeconds: number;
}

/** Replica bounds for the autoscaler. */
export interface InferenceReplicaBounds {
  /** Fewest replicas (availability floor). */
  readonly min: number;
  /** Most replicas (peak with headroom). */
  readonly max: number;
  /** Replicas needed at the peak rate without headroom. */
  readonly atPeak: number;
}
