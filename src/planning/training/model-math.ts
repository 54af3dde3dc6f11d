import { AttentionKind, FfnKind, ModelSpec } from '../catalog';
import { chunkedKeysPerQuery } from '../catalog/attention-span';
import { mtpModuleParameters, transformerParameters } from '../catalog/parameter-breakdown';

/**
 * Parameter and FLOP breakdown of a decoder-only transformer, split the way tensor, pipeline and
 * expert parallelism shard it. Internal to the training planner (not exported to jsii).
 *
 * Every count is read from the catalog's per-layer breakdown (catalog/parameter-breakdown.ts, which holds the
 * formulas and their sources): attention Q/K/V/O (MLA with its down-projections and latent norms), the
 * feed-forward block, routed/shared experts and router for MoE layers, two norm weights per layer, the token
 * embedding and (unless tied) the output projection. Biases, LayerNorm biases, learned position tables and
 * other sub-0.1% terms (`auxiliaryParameters` there) are left out.
 */
export interface ModelShape {
  readonly layers: number;
  readonly hidden: number;
  readonly vocab: number;
  /** Query width: heads × q/k head dim. */
  readonly qDim: number;
  /** Key width as materialised in training (kvHeads × headDim; MLA: heads × (nope+rope)). */
  readonly kDim: number;
  /** Value width (kvHeads × headDim; MLA: heads × vHeadDim). */
  readonly vDim: number;
  /** Attention output width (heads × v head dim). */
  readonly oDim: number;
  /**
   * MLA up-projections per layer (`q_b_proj` from the query latent when qLoraRank > 0, and `kv_b_proj`): what Megatron-Core's
   * `mla_up_proj` recompute runs again; 0 for other attention.
   */
  readonly mlaUpProjParams: number;
  /** Attention matrices per layer. */
  readonly attnParamsPerLayer: number;
  /** Norm parameters per layer (replicated under TP). */
  readonly normParamsPerLayer: number;
  /** Dense FFN parameters per dense layer. */
  readonly denseFfnParams: number;
  /** Routed-expert parameters per MoE layer (all experts). */
  readonly routedExpertParams: number;
  /** Shared-expert + router parameters per MoE layer (not expert-parallel). */
  readonly sharedMoeParams: number;
  /** Active FFN parameters per token in an MoE layer (activeExperts + shared). */
  readonly activeMoeFfnParams: number;
  readonly denseLayers: number;
  readonly moeLayers: number;
  readonly embeddingParams: number;
  /** Output projection (0 when tied to the embedding and on a single stage). */
  readonly outputParams: number;
  readonly totalParams: number;
  readonly activeParams: number;
  /** Matmul parameters touched per token (active, excluding the embedding lookup). */
  readonly matmulParamsPerToken: number;
  readonly isMoe: boolean;
  /** Multi-token-prediction modules, trained on the last pipeline rank (0 for most models). */
  readonly mtpLayers: number;
  /** One MTP module: parameters outside its routed experts, replicated over expert parallelism. */
  readonly mtpDenseParams: number;
  /** One MTP module: routed-expert parameters (0 when the last layer is dense). */
  readonly mtpRoutedParams: number;
  /** Matmul parameters a token passes through in one MTP module, its pass through the shared output head (V × e) included. */
  readonly mtpMatmulParamsPerToken: number;
  readonly experts: number;
  readonly topK: number;
  /** Routing groups of the experts and how many one token may use (group-limited routing; 1 and 1 when none). */
  readonly expertGroups: number;
  readonly expertGroupsPerToken: number;
  /** Average (over layers) FFN intermediate width one token passes through: dense f, or f_moe × (topK + shared). */
  readonly ffnPerLayerForActivations: number;
  /** Fraction of layers that are MoE layers. */
  readonly moeFraction: number;
  /** Query heads. */
  readonly heads: number;
  readonly swiglu: boolean;
  readonly slidingWindow: number;
  /** Layers that use the sliding window (0 without one). */
  readonly slidingWindowLayers: number;
  /** Chunked local attention: positions per chunk (0 = none), and the layers that use it. */
  readonly attentionChunkSize: number;
  readonly chunkedAttentionLayers: number;
  /** Every how many layers (after the leading dense ones) one is MoE, and how many dense layers lead (DeepSeek-V3: 3). */
  readonly moeLayerInterval: number;
  readonly leadingDenseLayers: number;
  /** DeepSeek Sparse Attention: keys each query attends to in every layer (0 = dense attention). */
  readonly sparseAttentionTopK: number;
  /** DSA lightning-indexer score width, indexerHeads × indexerHeadDim (0 without DSA). */
  readonly indexerWidth: number;
  /** Values per token the DSA kernels read from other tokens: the MLA latent, its rotary key and the indexer key (0 without DSA). */
  readonly sparseKvWidth: number;
  /** Values per token the DSA indexer saves for backward: its queries, its key and its head weights (0 without DSA). */
  readonly indexerSavedValues: number;
}

/** Builds the breakdown for a catalog or custom model. */
export function modelShape(m: ModelSpec): ModelShape {
  const p = transformerParameters(m);
  const h = m.hiddenSize;
  const qDim = m.attentionHeads * p.queryHeadDim;
  const kDim = p.attentionKvHeads * p.queryHeadDim;
  const vDim = p.attentionKvHeads * p.valueHeadDim;
  const oDim = m.attentionHeads * p.valueHeadDim;
  const attn = p.attention.sharded + p.attention.replicated + p.attention.latentNorms;
  const mlaUpProj = m.attentionKind === AttentionKind.MLA
    ? (m.qLoraRank > 0 ? m.qLoraRank * m.attentionHeads * (m.qkNopeHeadDim + m.qkRopeHeadDim) : 0) + m.kvLoraRank * m.attentionHeads * (m.qkNopeHeadDim + m.vHeadDim)
    : 0;
  const swiglu = m.ffnKind === FfnKind.SWIGLU;
  const denseFfn = p.denseMlp.weights;
  const isMoe = m.isMoe;
  const { moeLayers, denseLayers } = p;
  const expert = p.expertMlp.weights;
  const routed = p.routedExperts * expert;
  const sharedMoe = p.sharedExperts * expert + p.router;
  const activeMoe = (p.activeRoutedExperts + p.sharedExperts) * expert;
  const norms = p.layerNormWeights;
  // The token table and output projection are vocab × wordEmbeddingSize; OPT-350m-style models (word_embed_proj_dim
  // ≠ hidden_size) add project_in (with the embedding, on the first stage) and project_out (with the head, on the last):
  // transformers models/opt/modeling_opt.py OPTDecoder.
  const vocabMatrix = m.vocabSize * m.wordEmbeddingSize + p.embeddingProjections;
  const embedding = p.embedding + p.embeddingProjections / 2;
  const output = p.lmHead + p.embeddingProjections / 2;
  const perLayerCommon = attn + norms;
  const total = m.layers * perLayerCommon + denseLayers * denseFfn + moeLayers * (routed + sharedMoe) + embedding + output + p.finalNormWeights;
  const active = m.layers * perLayerCommon + denseLayers * denseFfn + moeLayers * (activeMoe + p.router) + embedding + output + p.finalNormWeights;
  // Per token, the output projection multiplies by V×e whether or not it is tied, and the projections by h×e each; the
  // embedding lookup does no matmul.
  const matmulPerToken = m.layers * attn + denseLayers * denseFfn + moeLayers * (activeMoe + p.router) + vocabMatrix;
  const mtp = mtpModuleParameters(p, h);
  const ffnForAct = (denseLayers * m.ffnHiddenSize + moeLayers * m.moeFfnHiddenSize * (m.activeExperts + m.sharedExperts)) / m.layers;
  return {
    layers: m.layers, hidden: h, vocab: m.vocabSize, qDim, kDim, vDim, oDim,
    mlaUpProjParams: mlaUpProj, attnParamsPerLayer: attn, normParamsPerLayer: norms, denseFfnParams: denseFfn,
    routedExpertParams: routed, sharedMoeParams: sharedMoe, activeMoeFfnParams: activeMoe,
    denseLayers, moeLayers, embeddingParams: embedding, outputParams: output,
    totalParams: total, activeParams: active, matmulParamsPerToken: matmulPerToken,
    isMoe, mtpLayers: m.mtpLayers, mtpDenseParams: mtp.dense, mtpRoutedParams: mtp.routed, mtpMatmulParamsPerToken: mtp.activeMatmul + vocabMatrix,
    experts: m.experts, topK: m.activeExperts, expertGroups: m.expertGroups, expertGroupsPerToken: m.expertGroupsPerToken, ffnPerLayerForActivations: ffnForAct,
    swiglu, slidingWindow: m.slidingWindow, slidingWindowLayers: m.slidingWindowLayers, moeFraction: moeLayers / m.layers, heads: m.attentionHeads,
    attentionChunkSize: m.attentionChunkSize, chunkedAttentionLayers: m.chunkedAttentionLayers, moeLayerInterval: m.moeLayerInterval,
    leadingDenseLayers: m.denseLayers, sparseAttentionTopK: m.sparseAttentionTopK, indexerWidth: m.indexerHeads * m.indexerHeadDim,
    sparseKvWidth: m.sparseAttentionTopK > 0 ? m.kvLoraRank + m.qkRopeHeadDim + m.indexerHeadDim : 0,
    indexerSavedValues: m.indexerHeads * m.indexerHeadDim + m.indexerHeadDim + m.indexerHeads,
  };
}

/**
 * Model FLOPs per trained token (forward + backward, no recomputation).
 *
 * 6 FLOPs per matmul parameter per token (2 forward, 4 backward; Kaplan et al. 2020 §2.1, Narayanan et
 * al. 2021 "Efficient Large-Scale Language Model Training on GPU Clusters Using Megatron-LM",
 * arXiv:2104.04473 §5.1 eq. (3)) plus the attention score and value products: forward
 * 2·(keys attended)·(qDim + vDim) per token per layer, ×3 for backward. Keys attended per query are
 * s/2 for causal attention — the convention of Megatron-Bridge's `num_floating_point_operations`
 * (NeMo's published "Model TFLOP/sec/GPU" reproduce with it: Llama 3 70B at s=8192 gives 4.49e11
 * FLOP/token = 719 TFLOP/s ÷ 1602 tokens/s). Narayanan et al. eq. (3) counts the full s×s product;
 * the difference is 1–4% at s = 2048.
 */
export function attentionKeysPerQuery(seqLen: number, slidingWindow: number): number {
  if (slidingWindow > 0 && slidingWindow < seqLen) {
    return slidingWindow - (slidingWindow * slidingWindow) / (2 * seqLen);
  }
  return seqLen / 2;
}

/**
 * Forward FLOPs of the attention score/value products per token, all layers (sliding ones over their window).
 * DeepSeek Sparse Attention (DeepSeek-V3.2): each query attends to the top `sparseAttentionTopK` keys, counted like a
 * window of that many keys, and the lightning indexer scores every earlier key with indexerHeads dot products of
 * indexerHeadDim: 2 · indexerWidth FLOPs per (query, key) pair (`Indexer.forward`, `fp8_index`, deepseek-ai/DeepSeek-V3.2-Exp
 * inference/model.py), O(s²) like dense attention but about a tenth of its width for DeepSeek-V3.2 (8,192 against
 * qDim + oDim = 40,960).
 */
export function attentionForwardFlopsPerToken(shape: ModelShape, seqLen: number): number {
  if (shape.sparseAttentionTopK > 0) {
    const attended = shape.layers * attentionKeysPerQuery(seqLen, shape.sparseAttentionTopK);
    const scored = shape.layers * attentionKeysPerQuery(seqLen, 0);
    return 2 * attended * (shape.qDim + shape.oDim) + 2 * scored * shape.indexerWidth;
  }
  const keys = (shape.layers - shape.slidingWindowLayers - shape.chunkedAttentionLayers) * attentionKeysPerQuery(seqLen, 0)
    + shape.slidingWindowLayers * attentionKeysPerQuery(seqLen, shape.slidingWindow)
    + shape.chunkedAttentionLayers * chunkedKeysPerQuery(seqLen, shape.attentionChunkSize);
  return 2 * keys * (shape.qDim + shape.oDim);
}


/**
 * Model FLOPs per token: 6 × matmul parameters + 3 × attention forward FLOPs, multi-token-prediction modules included
 * (each a decoder layer, its projection and another pass through the output head), as Megatron-Bridge counts them
 * (src/megatron/bridge/training/utils/flop_utils.py: `num_layers + mtp_num_layers`, logits × (1 + mtp_num_layers)).
 */
export function modelFlopsPerToken(shape: ModelShape, seqLen: number): number {
  const attention = attentionForwardFlopsPerToken(shape, seqLen) * (1 + shape.mtpLayers / shape.layers);
  return 6 * (shape.matmulParamsPerToken + shape.mtpLayers * shape.mtpMatmulParamsPerToken) + 3 * attention;
}
