import { indexerCacheBytesPerTokenPerLayer, kvCacheTokens, kvCacheValuesPerTokenPerLayer } from '../catalog/kv-cache';
import { ModelSpec } from '../catalog/model-spec';
import { auxiliaryParameters, transformerParameters } from '../catalog/parameter-breakdown';

/**
 * Parameter and KV-cache arithmetic for a decoder-only transformer, split the way serving needs it
 * (what is quantized, what is sharded by tensor parallelism, what is replicated).
 *
 * Not exported from the public `planning` submodule: the inference planner's private helper. The counts
 * are the catalog's per-layer breakdown (catalog/parameter-breakdown.ts, with the formulas and their sources)
 * and the catalog's KV-cache sizing (catalog/kv-cache.ts), regrouped here; nothing is re-derived.
 */
export interface ParameterBreakdown {
  /** Linear-layer weights inside the transformer blocks that are sharded by TP and quantized. */
  readonly shardedLinear: number;
  /** Linear weights inside the blocks that every TP rank holds whole (MLA down-projections `q_a`, `kv_a`). */
  readonly replicatedLinear: number;
  /** Norms, MoE routers, biases and learned positions (replicated, kept in BF16). */
  readonly replicatedOther: number;
  /** Input token embedding (vocab-parallel: sharded by TP). */
  readonly embedding: number;
  /** Output projection; 0 when tied to the embedding. */
  readonly lmHead: number;
  /** Sum of the above. */
  readonly total: number;
  /** Parameters used per token (routed experts counted `activeExperts` times), excluding the input embedding. */
  readonly activeCompute: number;
  /** Routed-expert weights (inside `shardedLinear`); 0 for dense models. */
  readonly routedExperts: number;
}

/** Splits the model's parameters into the parts serving treats differently. */
export function parameterBreakdown(model: ModelSpec): ParameterBreakdown {
  const p = transformerParameters(model);
  const attn = p.attention;
  const expertWeights = p.expertMlp.weights;
  const routedExperts = p.moeLayers * p.routedExperts * expertWeights;
  const sharedExperts = p.moeLayers * p.sharedExperts * expertWeights;
  const shardedLinear = p.layers * attn.sharded + p.denseLayers * p.denseMlp.weights + routedExperts + sharedExperts;
  const replicatedLinear = p.layers * attn.replicated;
  const router = p.moeLayers * p.router;
  const norms = p.layers * (p.layerNormWeights + attn.latentNorms) + p.finalNormWeights;
  // Biases, LayerNorm biases, learned positions and OPT-style embedding projections are kept in BF16 and replicated.
  const replicatedOther = norms + router + auxiliaryParameters(p);
  const total = shardedLinear + replicatedLinear + replicatedOther + p.embedding + p.lmHead;
  const activeExpertParams = p.moeLayers * (p.activeRoutedExperts + p.sharedExperts) * expertWeights;
  // The output projection multiplies by the vocab × wordEmbeddingSize matrix whether or not it is tied to the embedding.
  const activeCompute = p.layers * (attn.sharded + attn.replicated) + p.denseLayers * p.denseMlp.weights + activeExpertParams
    + router + p.embedding;
  return { shardedLinear, replicatedLinear, replicatedOther, embedding: p.embedding, lmHead: p.lmHead, total, activeCompute, routedExperts };
}

/**
 * KV heads each TP rank stores: kvHeads / tp, or 1 when tp > kvHeads (the heads are replicated, as vLLM's
 * `ModelConfig.get_num_kv_heads` does: `max(1, total_num_kv_heads // tensor_parallel_size)`).
 * MLA caches one latent per token that every rank holds whole (vLLM MLA backends), so the answer is the whole cache;
 * so does DeepSeek Sparse Attention's indexer key (one head, in FP8 whatever the cache precision: catalog/kv-cache.ts).
 */
export function kvBytesPerTokenPerGpu(model: ModelSpec, bytesPerElement: number, tp: number, pp: number): number {
  const layersPerStage = Math.ceil(model.layers / pp);
  const headsPerGpu = Math.max(1, Math.floor(model.kvHeads / tp));
  return layersPerStage * (kvCacheValuesPerTokenPerLayer(model, headsPerGpu) * bytesPerElement + indexerCacheBytesPerTokenPerLayer(model));
}

/**
 * KV-cache bytes one decode step reads per GPU for one sequence at a context length. Dense attention reads every cached
 * token (`kvTokensPerSequence` of them). DeepSeek Sparse Attention reads every token's indexer key to score it, then
 * only the latents of the top `sparseAttentionTopK` (`Indexer.forward` then the masked MLA, deepseek-ai/DeepSeek-V3.2-Exp
 * inference/model.py): beyond k tokens of context a step reads only the indexer's 132 bytes per token per layer more.
 */
export function kvBytesReadPerSequencePerGpu(model: ModelSpec, bytesPerElement: number, tp: number, pp: number, contextTokens: number): number {
  if (model.sparseAttentionTopK <= 0) return kvTokensPerSequence(model, contextTokens) * kvBytesPerTokenPerGpu(model, bytesPerElement, tp, pp);
  const layersPerStage = Math.ceil(model.layers / pp);
  const latent = kvCacheValuesPerTokenPerLayer(model, model.kvHeads) * bytesPerElement;
  return layersPerStage * (Math.min(contextTokens, model.sparseAttentionTopK) * latent + contextTokens * indexerCacheBytesPerTokenPerLayer(model));
}

/**
 * Keys one new token attends to per layer at a context length: the context, or at most the sparse top-k (DSA).
 * The DSA indexer still scores the whole context: see {@link indexerFlops}.
 */
export function attendedKeys(model: ModelSpec, contextTokens: number): number {
  return model.sparseAttentionTopK > 0 ? Math.min(contextTokens, model.sparseAttentionTopK) : contextTokens;
}

/** Lightning-indexer FLOPs for `pairs` (query, key) pairs per layer, all layers: 2 · indexerHeads · indexerHeadDim each (0 without DSA). */
export function indexerFlops(model: ModelSpec, pairs: number): number {
  return 2 * model.layers * model.indexerHeads * model.indexerHeadDim * pairs;
}

/**
 * Tokens of one sequence that occupy KV cache at a context length: capped by a sliding window (Mistral 7B, arXiv:2310.06825 §2).
 * `ModelSpec.kvCacheTokensPerSequence` without its whole-number check: decode steps pass fractional average contexts.
 */
export function kvTokensPerSequence(model: ModelSpec, contextTokens: number): number {
  return kvCacheTokens(model, contextTokens);
}

/** Head dimension used by attention score FLOPs (q·k) and value FLOPs, MLA-aware. */
export function attentionDims(model: ModelSpec): { qk: number; v: number } {
  const p = transformerParameters(model);
  return { qk: p.queryHeadDim, v: p.valueHeadDim };
}
