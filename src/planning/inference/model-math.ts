import { AttentionKind, FfnKind, ModelSpec } from '../catalog/model-spec';

/**
 * Parameter and KV-cache arithmetic for a decoder-only transformer, split the way serving needs it
 * (what is quantized, what is sharded by tensor parallelism, what is replicated).
 *
 * Not exported from the public `planning` submodule: the inference planner's private helper.
 * (The catalog's `ModelSpec` may carry its own counts; these are kept here so the planner's
 * split into quantizable/replicated parts is self-contained and tested on its own.)
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

/** Parameters of one MLP with intermediate size `f` (SwiGLU: gate, up, down; GELU: up, down). Shazeer 2020; Vaswani et al. 2017. */
export function mlpParameters(model: ModelSpec, f: number): number {
  return (model.ffnKind === FfnKind.SWIGLU ? 3 : 2) * model.hiddenSize * f;
}

/** Attention parameters per layer: [sharded, replicated]. MLA per DeepSeek-V2 (arXiv:2405.04434) §2.1.2 eqs. 9–14 / 37–47. */
export function attentionParameters(model: ModelSpec): { sharded: number; replicated: number } {
  const h = model.hiddenSize;
  if (model.attentionKind === AttentionKind.MLA) {
    const qkHead = model.qkNopeHeadDim + model.qkRopeHeadDim;
    const qDown = model.qLoraRank > 0 ? h * model.qLoraRank : 0;
    const qUp = (model.qLoraRank > 0 ? model.qLoraRank : h) * model.attentionHeads * qkHead;
    const kvDown = h * (model.kvLoraRank + model.qkRopeHeadDim);
    const kvUp = model.kvLoraRank * model.attentionHeads * (model.qkNopeHeadDim + model.vHeadDim);
    const out = model.attentionHeads * model.vHeadDim * h;
    return { sharded: qUp + kvUp + out, replicated: qDown + kvDown };
  }
  const q = h * model.attentionHeads * model.headDim;
  const kv = 2 * h * model.kvHeads * model.headDim;
  const o = model.attentionHeads * model.headDim * h;
  return { sharded: q + kv + o, replicated: 0 };
}

/** Splits the model's parameters into the parts serving treats differently. */
export function parameterBreakdown(model: ModelSpec): ParameterBreakdown {
  const h = model.hiddenSize;
  const attn = attentionParameters(model);
  const moeLayers = model.isMoe ? model.layers - model.denseLayers : 0;
  const denseLayers = model.layers - moeLayers;
  const expert = mlpParameters(model, model.moeFfnHiddenSize);
  const denseMlp = mlpParameters(model, model.ffnHiddenSize);
  const routedExperts = moeLayers * model.experts * expert;
  const sharedExperts = moeLayers * model.sharedExperts * expert;
  const shardedLinear = model.layers * attn.sharded + denseLayers * denseMlp + routedExperts + sharedExperts;
  const replicatedLinear = model.layers * attn.replicated;
  const router = moeLayers * h * model.experts;
  const mlaNorms = model.attentionKind === AttentionKind.MLA ? model.layers * (model.kvLoraRank + model.qLoraRank) : 0;
  const replicatedOther = model.layers * 2 * h + h + router + mlaNorms;
  const embedding = model.vocabSize * model.wordEmbeddingSize;
  const lmHead = model.tiedEmbeddings ? 0 : model.vocabSize * model.wordEmbeddingSize;
  const counted = shardedLinear + replicatedLinear + replicatedOther + embedding + lmHead;
  // Biases, learned positions and OPT-style embedding projections: whatever the catalog counts beyond the split above
  // is kept in BF16 and replicated (all are < 1% of any catalog model).
  const extra = Math.max(0, model.parameterCount() - counted);
  const total = counted + extra;
  const activeExpertParams = moeLayers * (model.activeExperts + model.sharedExperts) * expert;
  const activeCompute = model.layers * (attn.sharded + attn.replicated) + denseLayers * denseMlp + activeExpertParams
    + router + model.vocabSize * model.wordEmbeddingSize;
  return { shardedLinear, replicatedLinear, replicatedOther: replicatedOther + extra, embedding, lmHead, total, activeCompute, routedExperts };
}

/**
 * KV heads each TP rank stores: kvHeads / tp, or 1 when tp > kvHeads (the heads are replicated, as vLLM's
 * `ModelConfig.get_num_kv_heads` does: `max(1, total_num_kv_heads // tensor_parallel_size)`).
 * MLA caches one latent per token that every rank holds whole (vLLM MLA backends), so the answer is the whole cache.
 */
export function kvBytesPerTokenPerGpu(model: ModelSpec, bytesPerElement: number, tp: number, pp: number): number {
  const layersPerStage = Math.ceil(model.layers / pp);
  if (model.attentionKind === AttentionKind.MLA) {
    return layersPerStage * (model.kvLoraRank + model.qkRopeHeadDim) * bytesPerElement;
  }
  const headsPerGpu = Math.max(1, Math.floor(model.kvHeads / tp));
  return 2 * layersPerStage * headsPerGpu * model.headDim * bytesPerElement;
}

/** Tokens of one sequence that occupy KV cache at a context length: capped by a sliding window (Mistral 7B, arXiv:2310.06825 §2). */
export function kvTokensPerSequence(model: ModelSpec, contextTokens: number): number {
  return model.slidingWindow > 0 ? Math.min(contextTokens, model.slidingWindow) : contextTokens;
}

/** Head dimension used by attention score FLOPs (q·k) and value FLOPs, MLA-aware. */
export function attentionDims(model: ModelSpec): { qk: number; v: number } {
  if (model.attentionKind === AttentionKind.MLA) {
    return { qk: model.qkNopeHeadDim + model.qkRopeHeadDim, v: model.vHeadDim };
  }
  return { qk: model.headDim, v: model.headDim };
}
