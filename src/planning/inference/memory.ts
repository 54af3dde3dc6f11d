import { kvBytesPerTokenPerGpu, parameterBreakdown } from './model-math';
import { BF16_BYTES, InferencePrecision, quantizedBytesPerParameter } from './quantization';
import { ModelSpec } from '../catalog/model-spec';

/**
 * vLLM allocates KV cache in blocks of 16 tokens (vLLM `CacheConfig.block_size` default 16; Kwon et al. 2023,
 * "Efficient Memory Management for LLM Serving with PagedAttention", §4.1 and §7.2). Capacities are whole blocks.
 */
export const KV_BLOCK_TOKENS = 16;

/** Bytes per activation element during the profiling forward pass (BF16/FP16 activations). */
export const ACTIVATION_BYTES = 2;

/** Bytes per logit: vLLM's sampler upcasts logits to FP32 (`vllm/v1/sample/sampler.py`, `logits.to(torch.float32)`). */
export const LOGIT_BYTES = 4;

/**
 * The engine's scheduling limits, vLLM's defaults for the OpenAI-compatible server: GPUs with at least 70 GiB that are
 * not A100 get max_num_batched_tokens 8192 and max_num_seqs 1024; every other GPU 2048 and 256.
 * Source: vllm/engine/arg_utils.py `EngineArgs.get_batch_defaults` (vLLM ≥ 0.9, V1 engine, chunked prefill always on).
 */
export function engineBatchDefaults(gpuMemoryBytes: number, gpuId: string): { maxNumBatchedTokens: number; maxNumSeqs: number } {
  const big = gpuMemoryBytes >= 70 * 2 ** 30 && !gpuId.startsWith('a100');
  return big ? { maxNumBatchedTokens: 8192, maxNumSeqs: 1024 } : { maxNumBatchedTokens: 2048, maxNumSeqs: 256 };
}

/** Weight bytes of one replica and of its most loaded GPU. */
export interface WeightBytes {
  /** Unique weight bytes of the whole model at this precision. */
  readonly totalBytes: number;
  /** Bytes on the most loaded GPU (TP shards, replicated parts, embedding/lm_head on its pipeline stage). */
  readonly perGpuBytes: number;
}

/**
 * Weight bytes at a precision and layout.
 *
 * Quantized: the TP-sharded and replicated linear layers inside the blocks (see quantization.ts for the rule).
 * BF16: norms, routers, embedding and lm_head. Per GPU: block weights / (tp · pp) for sharded parts and / pp for
 * replicated parts (Megatron-style column/row-parallel linears, Shoeybi et al. 2019 §3; vLLM `ReplicatedLinear`
 * for MLA down-projections), plus the larger of embedding and lm_head / tp on an end stage (vLLM
 * `VocabParallelEmbedding`/`ParallelLMHead` shard the vocabulary). Vocabulary padding to a multiple of 64 is ignored (< 0.1%).
 */
export function weightBytes(model: ModelSpec, precision: InferencePrecision, tp: number, pp: number): WeightBytes {
  const p = parameterBreakdown(model);
  const q = quantizedBytesPerParameter(precision);
  const totalBytes = (p.shardedLinear + p.replicatedLinear) * q + (p.replicatedOther + p.embedding + p.lmHead) * BF16_BYTES;
  const blockBytesPerGpu = (p.shardedLinear * q) / (tp * pp) + (p.replicatedLinear * q + p.replicatedOther * BF16_BYTES) / pp;
  const endStage = pp === 1
    ? (p.embedding + p.lmHead) * BF16_BYTES / tp
    : Math.max(p.embedding, p.lmHead === 0 ? p.embedding : p.lmHead) * BF16_BYTES / tp;
  return { totalBytes, perGpuBytes: blockBytesPerGpu + endStage };
}

/**
 * Peak activation bytes of vLLM's start-up profiling forward pass over `maxNumBatchedTokens` tokens, per GPU.
 *
 * vLLM sizes the KV cache as `gpu_memory_utilization × total − (weights + peak activations + non-torch memory)`
 * measured during a dummy forward pass of max_num_batched_tokens tokens (vllm/v1/worker/gpu_worker.py
 * `determine_available_memory`, `profile_run`). The peak sits in the MLP: the residual stream (T × hidden), the fused
 * gate/up output (T × 2f/tp) and the activation output (T × f/tp), i.e. T × (hidden + 3f/tp) elements; for MoE the
 * fused-MoE caches hold T × topk × (3f/tp + hidden) (vllm/model_executor/layers/fused_moe `intermediate_cache1..3`).
 * Plus the sampler's FP32 logits for max_num_seqs rows of vocab/tp. Checked against the log in vLLM issue #6746
 * (test/planning/inference/accuracy.test.ts).
 */
export function activationPeakBytes(model: ModelSpec, tp: number, maxNumBatchedTokens: number, maxNumSeqs: number): number {
  const denseTerm = model.hiddenSize + (3 * model.ffnHiddenSize) / tp;
  const moeTerm = model.isMoe ? model.activeExperts * ((3 * model.moeFfnHiddenSize) / tp + model.hiddenSize) : 0;
  // Dense MLP layers exist unless every layer is MoE (leading dense layers, or MoE only every n-th layer as in Llama 4 Maverick).
  const hasDenseLayers = !model.isMoe || model.denseLayers > 0 || model.moeLayerInterval > 1;
  const perToken = Math.max(hasDenseLayers ? denseTerm : 0, moeTerm);
  const logits = maxNumSeqs * (model.vocabSize / tp) * LOGIT_BYTES;
  return maxNumBatchedTokens * perToken * ACTIVATION_BYTES + logits;
}

/** KV capacity of one replica. */
export interface KvCapacity {
  /** Memory the engine may use per GPU: utilisation × GPU memory. */
  readonly budgetBytesPerGpu: number;
  /** Bytes per GPU left for KV cache (may be negative: does not fit). */
  readonly kvBytesPerGpu: number;
  /** KV bytes per token on one GPU (its share of layers and heads). */
  readonly kvBytesPerTokenPerGpu: number;
  /** Tokens the replica can hold, whole blocks of 16; 0 when nothing is left. */
  readonly kvTokens: number;
}

/**
 * KV tokens a replica holds: floor((util × memory − weights − activation peak) / KV bytes per token per GPU),
 * rounded down to whole 16-token blocks (vLLM `num_gpu_blocks = available // page_size`; Kwon et al. 2023 §4).
 */
export function kvCapacity(opts: {
  model: ModelSpec; memoryBytes: number; gpuMemoryUtilization: number; weightsBytesPerGpu: number;
  activationBytesPerGpu: number; kvBytesPerElement: number; tp: number; pp: number;
}): KvCapacity {
  const budgetBytesPerGpu = opts.gpuMemoryUtilization * opts.memoryBytes;
  const kvBytesPerGpu = budgetBytesPerGpu - opts.weightsBytesPerGpu - opts.activationBytesPerGpu;
  const perToken = kvBytesPerTokenPerGpu(opts.model, opts.kvBytesPerElement, opts.tp, opts.pp);
  const blocks = kvBytesPerGpu > 0 ? Math.floor(kvBytesPerGpu / (perToken * KV_BLOCK_TOKENS)) : 0;
  return { budgetBytesPerGpu, kvBytesPerGpu, kvBytesPerTokenPerGpu: perToken, kvTokens: blocks * KV_BLOCK_TOKENS };
}

/** KV tokens one sequence reserves at `tokens` of context: whole blocks (vLLM allocates per block). */
export function blockRoundedTokens(tokens: number): number {
  return Math.ceil(tokens / KV_BLOCK_TOKENS) * KV_BLOCK_TOKENS;
}
