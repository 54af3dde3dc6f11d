import { AttentionKind } from './model-architecture';

/**
 * KV-cache sizing shared by `ModelSpec.kvCacheBytesPerToken` / `kvCacheTokensPerSequence` and the inference
 * planner's per-GPU figures. Internal: not re-exported from catalog/index.ts (not part of the jsii API).
 */

/** The architecture fields KV-cache sizing reads (`ModelSpec` satisfies it). */
export interface KvCacheArchitecture {
  readonly attentionKind: AttentionKind;
  readonly headDim: number;
  readonly kvLoraRank: number;
  readonly qkRopeHeadDim: number;
  readonly slidingWindow: number;
  readonly layers: number;
  readonly slidingWindowLayers: number;
  readonly attentionChunkSize: number;
  readonly chunkedAttentionLayers: number;
  readonly indexerHeadDim: number;
}

/**
 * Values cached per token per layer when `kvHeadsStored` KV heads are kept.
 * GQA/MHA/MQA: 2 (K and V) × kvHeadsStored × headDim (Kwon et al. 2023, arXiv:2309.06180 §3).
 * MLA: kvLoraRank + qkRopeHeadDim whatever the heads — only the compressed latent and the decoupled rotary key
 * are cached (DeepSeek-V2, arXiv:2405.04434 §2.1.2–2.1.3 and Table 1).
 */
export function kvCacheValuesPerTokenPerLayer(a: KvCacheArchitecture, kvHeadsStored: number): number {
  if (a.attentionKind === AttentionKind.MLA) return a.kvLoraRank + a.qkRopeHeadDim;
  return 2 * kvHeadsStored * a.headDim;
}

/**
 * Bytes the DeepSeek Sparse Attention indexer caches per token per layer (0 without DSA): its key in FP8 (indexerHeadDim
 * bytes) and one fp32 scale per 128-value block, `Indexer.k_cache` (float8_e4m3fn) and `k_scale_cache` (float32,
 * head_dim // block_size 128) in deepseek-ai/DeepSeek-V3.2-Exp inference/model.py: 132 bytes for DeepSeek-V3.2.
 */
export function indexerCacheBytesPerTokenPerLayer(a: KvCacheArchitecture): number {
  return a.indexerHeadDim > 0 ? a.indexerHeadDim + 4 * Math.ceil(a.indexerHeadDim / 128) : 0;
}

/**
 * Tokens one sequence keeps in the KV cache at a context length, averaged over the layers: a sliding layer keeps
 * min(context, slidingWindow) (Mistral 7B, Jiang et al. 2023, arXiv:2310.06825 §2 "rolling buffer cache"), a full one
 * the context, so bytes per sequence = this × `kvCacheBytesPerToken` exactly. vLLM allocates so with its hybrid KV-cache
 * manager ("Sliding window layers: reserve slots only for the most recent sliding_window_size tokens",
 * docs.vllm.ai/en/latest/design/hybrid_kv_cache_manager); with it disabled, sliding layers hold every token
 * (vllm/v1/kv_cache_interface.py `FullAttentionSpec.sliding_window`). A chunked-attention layer (Llama 4) needs at most
 * the current chunk, min(context, attentionChunkSize), as vLLM allocates it (`ChunkedLocalAttentionSpec`, same file).
 * Unchecked: callers validate (the inference planner passes fractional average contexts).
 */
export function kvCacheTokens(a: KvCacheArchitecture, contextTokens: number): number {
  const [window, limited] = a.attentionChunkSize > 0 ? [a.attentionChunkSize, a.chunkedAttentionLayers] : [a.slidingWindow, a.slidingWindowLayers];
  if (window <= 0 || limited <= 0) return contextTokens;
  return ((a.layers - limited) * contextTokens + limited * Math.min(contextTokens, window)) / a.layers;
}
