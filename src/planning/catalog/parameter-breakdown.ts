import { AttentionKind, FfnKind, moeLayerCount } from './model-architecture';

/**
 * The one place where the parameter counts of a decoder-only transformer are derived from its architecture.
 * `ModelSpec` (catalog totals), the training planner (`training/model-math.ts`) and the inference planner
 * (`inference/model-math.ts`) all read this breakdown; none re-derives a formula.
 *
 * Module layout follows Hugging Face `transformers` (`models/llama/modeling_llama.py`, `models/mixtral/modeling_mixtral.py`,
 * `models/qwen2/modeling_qwen2.py`, `models/deepseek_v3/modeling_deepseek_v3.py`, `models/gpt2/modeling_gpt2.py`,
 * `models/opt/modeling_opt.py`); the totals reproduce the safetensors counts on the model cards
 * (test/planning/catalog/model-spec.test.ts, huggingface-config.test.ts).
 *
 * Internal to the planning layer: not re-exported from catalog/index.ts, so not part of the jsii API.
 */

/** The architecture fields the breakdown reads (`ModelSpec` satisfies it). */
export interface TransformerArchitecture {
  readonly layers: number;
  readonly hiddenSize: number;
  readonly attentionHeads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly ffnHiddenSize: number;
  readonly ffnKind: FfnKind;
  readonly vocabSize: number;
  readonly tiedEmbeddings: boolean;
  readonly attentionKind: AttentionKind;
  readonly experts: number;
  readonly activeExperts: number;
  readonly sharedExperts: number;
  readonly moeFfnHiddenSize: number;
  readonly denseLayers: number;
  readonly moeLayerInterval: number;
  readonly mtpLayers: number;
  readonly kvLoraRank: number;
  readonly qLoraRank: number;
  readonly qkRopeHeadDim: number;
  readonly qkNopeHeadDim: number;
  readonly vHeadDim: number;
  readonly indexerHeads: number;
  readonly indexerHeadDim: number;
  readonly qkvBias: boolean;
  readonly linearBias: boolean;
  readonly learnedPositionEmbeddings: number;
  readonly wordEmbeddingSize: number;
}

/** Parameters of one attention block. */
export interface AttentionParameters {
  /** Projection weights tensor parallelism shards by head: Q (MLA: `q_b_proj`, or `q_proj` without query compression), K and V (MLA: `kv_b_proj`), O. */
  readonly sharded: number;
  /**
   * Projection weights every TP rank holds whole: the MLA down-projections `q_a_proj` and `kv_a_proj_with_mqa`, and the
   * DeepSeek Sparse Attention indexer's `wq_b`, `wk` and `weights_proj` (0 otherwise).
   */
  readonly replicated: number;
  /** MLA latent RMSNorms `q_a_layernorm` (qLoraRank) and `kv_a_layernorm` (kvLoraRank), and the DSA indexer's `k_norm` LayerNorm; 0 otherwise. */
  readonly latentNorms: number;
  /** Q/K/V biases (`qkvBias` or `linearBias`) and the O bias (`linearBias`); 0 for MLA (`attention_bias: false`). */
  readonly biases: number;
}

/** Parameters of one feed-forward block. */
export interface MlpParameters {
  /** Weight matrices: SwiGLU gate, up, down = 3·h·f; GELU up, down = 2·h·f. */
  readonly weights: number;
  /** Biases when `linearBias` (SwiGLU 2f + h, GELU f + h); 0 otherwise. */
  readonly biases: number;
}

/**
 * Per-layer parameter breakdown of a model, with the layer counts that multiply each part and the
 * parts that occur once (embeddings, final norm).
 */
export interface TransformerParameters {
  /** Transformer layers. */
  readonly layers: number;
  /** Layers whose feed-forward block is the dense MLP (`layers - moeLayers`). */
  readonly denseLayers: number;
  /** Layers whose feed-forward block is a mixture of experts (0 for dense models). */
  readonly moeLayers: number;
  /** Multi-token-prediction modules (see {@link mtpModuleParameters}); 0 for most models. */
  readonly mtpLayers: number;
  /** Query/key head dim used in attention scores (MLA: qkNopeHeadDim + qkRopeHeadDim). */
  readonly queryHeadDim: number;
  /** Value head dim (MLA: vHeadDim). */
  readonly valueHeadDim: number;
  /** Key/value heads as materialised in attention (MLA up-projects the latent to every query head). */
  readonly attentionKvHeads: number;
  /** Attention block of every layer. */
  readonly attention: AttentionParameters;
  /** Weights of the two per-layer norms (RMSNorm weight or LayerNorm gain): 2·h. */
  readonly layerNormWeights: number;
  /** Biases of the two per-layer LayerNorms when `linearBias` (2·h), else 0. */
  readonly layerNormBiases: number;
  /** Feed-forward block of each dense layer (intermediate size ffnHiddenSize). */
  readonly denseMlp: MlpParameters;
  /** One expert of an MoE layer (intermediate size moeFfnHiddenSize); routed and shared experts have this size. */
  readonly expertMlp: MlpParameters;
  /** Routed experts per MoE layer. */
  readonly routedExperts: number;
  /** Routed experts a token uses per MoE layer. */
  readonly activeRoutedExperts: number;
  /** Shared (always-on) experts per MoE layer. */
  readonly sharedExperts: number;
  /** Router of each MoE layer: a bias-free h × experts linear (Mixtral `gate`, DeepSeek-V3 `MoEGate.weight`); 0 for dense models. */
  readonly router: number;
  /** Final norm weight (h). */
  readonly finalNormWeights: number;
  /** Final LayerNorm bias when `linearBias` (h), else 0. */
  readonly finalNormBiases: number;
  /** Input token embedding: vocab × wordEmbeddingSize. */
  readonly embedding: number;
  /** Output projection (`lm_head`): vocab × wordEmbeddingSize, 0 when tied to the embedding. */
  readonly lmHead: number;
  /** Learned absolute position table: rows × h (GPT-2/3 `wpe`, OPT `embed_positions`); 0 for rotary models. */
  readonly positionEmbeddings: number;
  /** OPT-style `project_in` + `project_out` (2 · h · wordEmbeddingSize) when wordEmbeddingSize ≠ h, else 0. */
  readonly embeddingProjections: number;
}

/**
 * One attention block.
 * GQA/MHA/MQA (Ainslie et al. 2023, arXiv:2305.13245): Q and O are h × heads·headDim, K and V h × kvHeads·headDim.
 * MLA per DeepSeek-V2 (arXiv:2405.04434) §2.1.2 eqs. 9–14 / Appendix C eqs. 37–47 and `DeepseekV3Attention` in
 * modeling_deepseek_v3.py: `q_a_proj` (W^DQ, h × qLoraRank) + `q_a_layernorm` + `q_b_proj` (W^UQ and W^QR,
 * qLoraRank × heads·(nope+rope)), or a single `q_proj` when qLoraRank = 0; `kv_a_proj_with_mqa` (W^DKV and the
 * shared rotary key W^KR, h × (kvLoraRank + rope)) + `kv_a_layernorm` + `kv_b_proj` (W^UK and W^UV,
 * kvLoraRank × heads·(nope+v)); `o_proj` (heads·v × h). The down-projections produce a latent every head reads,
 * so TP replicates them (`ReplicatedLinear` in vLLM's and SGLang's models/deepseek_v2.py).
 * DeepSeek Sparse Attention adds the lightning indexer (`Indexer` in deepseek-ai/DeepSeek-V3.2-Exp inference/model.py,
 * plain `Linear`s every rank holds): `wq_b` (qLoraRank × indexerHeads·indexerHeadDim), `wk` (h × indexerHeadDim),
 * `weights_proj` (h × indexerHeads) and `k_norm`, a LayerNorm of indexerHeadDim with weight and bias.
 */
export function attentionParameters(a: TransformerArchitecture): AttentionParameters {
  const h = a.hiddenSize;
  if (a.attentionKind === AttentionKind.MLA) {
    const qHead = a.qkNopeHeadDim + a.qkRopeHeadDim;
    const qDown = a.qLoraRank > 0 ? h * a.qLoraRank : 0;
    const qUp = (a.qLoraRank > 0 ? a.qLoraRank : h) * a.attentionHeads * qHead;
    const kvDown = h * (a.kvLoraRank + a.qkRopeHeadDim);
    const kvUp = a.kvLoraRank * a.attentionHeads * (a.qkNopeHeadDim + a.vHeadDim);
    const out = a.attentionHeads * a.vHeadDim * h;
    const indexer = a.indexerHeadDim > 0 ? a.qLoraRank * a.indexerHeads * a.indexerHeadDim + h * a.indexerHeadDim + h * a.indexerHeads : 0;
    const indexerNorm = 2 * a.indexerHeadDim;
    return { sharded: qUp + kvUp + out, replicated: qDown + kvDown + indexer, latentNorms: a.qLoraRank + a.kvLoraRank + indexerNorm, biases: 0 };
  }
  const qWidth = a.attentionHeads * a.headDim;
  const kvWidth = a.kvHeads * a.headDim;
  const qkvBias = a.qkvBias || a.linearBias ? qWidth + 2 * kvWidth : 0;
  const oBias = a.linearBias ? h : 0;
  return { sharded: h * qWidth + 2 * h * kvWidth + qWidth * h, replicated: 0, latentNorms: 0, biases: qkvBias + oBias };
}

/**
 * One feed-forward block of intermediate size `f`.
 * SwiGLU (Shazeer 2020, "GLU Variants Improve Transformer", arXiv:2002.05202 eq. 6; LLaMA `gate_proj`, `up_proj`,
 * `down_proj`): 3·h·f. GELU MLP (Vaswani et al. 2017 §3.3; GPT-2 `c_fc`, `c_proj`; OPT `fc1`, `fc2`): 2·h·f.
 * Biases (`linearBias`): one per output feature of each matrix.
 */
export function mlpParameters(a: TransformerArchitecture, f: number): MlpParameters {
  const h = a.hiddenSize;
  if (a.ffnKind === FfnKind.SWIGLU) return { weights: 3 * h * f, biases: a.linearBias ? 2 * f + h : 0 };
  return { weights: 2 * h * f, biases: a.linearBias ? f + h : 0 };
}

/** The per-layer breakdown of a model (see {@link TransformerParameters}). */
export function transformerParameters(a: TransformerArchitecture): TransformerParameters {
  const h = a.hiddenSize;
  const mla = a.attentionKind === AttentionKind.MLA;
  const moeLayers = a.experts > 0 ? moeLayerCount(a.layers, a.denseLayers, a.moeLayerInterval) : 0;
  const normBias = a.linearBias ? h : 0; // LayerNorm weight + bias, or RMSNorm weight only
  return {
    layers: a.layers,
    denseLayers: a.layers - moeLayers,
    moeLayers,
    mtpLayers: a.mtpLayers,
    queryHeadDim: mla ? a.qkNopeHeadDim + a.qkRopeHeadDim : a.headDim,
    valueHeadDim: mla ? a.vHeadDim : a.headDim,
    attentionKvHeads: mla ? a.attentionHeads : a.kvHeads,
    attention: attentionParameters(a),
    layerNormWeights: 2 * h,
    layerNormBiases: 2 * normBias,
    denseMlp: mlpParameters(a, a.ffnHiddenSize),
    expertMlp: mlpParameters(a, a.moeFfnHiddenSize),
    routedExperts: a.experts,
    activeRoutedExperts: a.activeExperts,
    sharedExperts: a.sharedExperts,
    router: h * a.experts,
    finalNormWeights: h,
    finalNormBiases: normBias,
    embedding: a.vocabSize * a.wordEmbeddingSize,
    lmHead: a.tiedEmbeddings ? 0 : a.vocabSize * a.wordEmbeddingSize,
    positionEmbeddings: a.learnedPositionEmbeddings * h,
    embeddingProjections: a.wordEmbeddingSize !== h ? 2 * h * a.wordEmbeddingSize : 0,
  };
}

/** Everything outside the transformer blocks: embedding, lm head (unless tied), learned positions, OPT projections. */
export function embeddingParameters(p: TransformerParameters): number {
  return p.embedding + p.lmHead + p.positionEmbeddings + p.embeddingProjections;
}

/**
 * All transformer blocks plus the final norm — the non-embedding N of Kaplan et al. 2020 (arXiv:2001.08361) §2.1.
 * `activeOnly` counts only the routed experts a token uses (plus shared experts and router).
 */
export function blockParameters(p: TransformerParameters, activeOnly: boolean): number {
  const a = p.attention;
  const everyLayer = a.sharded + a.replicated + a.latentNorms + a.biases + p.layerNormWeights + p.layerNormBiases;
  const routed = activeOnly ? p.activeRoutedExperts : p.routedExperts;
  const moeLayer = p.router + (routed + p.sharedExperts) * (p.expertMlp.weights + p.expertMlp.biases);
  return p.layers * everyLayer + p.denseLayers * (p.denseMlp.weights + p.denseMlp.biases) + p.moeLayers * moeLayer
    + p.finalNormWeights + p.finalNormBiases;
}

/**
 * Biases, learned positions and OPT-style embedding projections: the parameters that are neither a projection
 * weight, a norm weight, a router nor the token embedding / lm head (all < 1% of any catalog model).
 */
export function auxiliaryParameters(p: TransformerParameters): number {
  const experts = p.routedExperts + p.sharedExperts;
  return p.layers * (p.attention.biases + p.layerNormBiases) + p.denseLayers * p.denseMlp.biases
    + p.moeLayers * experts * p.expertMlp.biases + p.finalNormBiases + p.positionEmbeddings + p.embeddingProjections;
}

/** Parameters of one multi-token-prediction module, split the way expert parallelism shards them. */
export interface MtpModuleParameters {
  /** Everything but the routed experts: the layer's attention, norms and dense MLP or shared experts and router, the projection and the three norms. */
  readonly dense: number;
  /** Routed experts of the module's layer (0 when the last layer is dense). */
  readonly routed: number;
  /** Matmul parameters a token passes through: attention, the dense MLP or the active and shared experts and router, the projection. */
  readonly activeMatmul: number;
}

/**
 * One multi-token-prediction module (DeepSeek-V3 technical report, arXiv:2412.19437 §2.2, eq. 21; Hugging Face
 * checkpoint `model.layers.61.*`; Megatron-Core `MultiTokenPredictionLayer`): `enorm` and `hnorm` (h each) on the
 * next token's embedding and the previous depth's hidden state, `eh_proj` (2h × h, no bias) joining them, one decoder
 * layer of the kind of the model's last layer, and `final_layernorm` (h) before the shared output head. The embedding
 * and output head are the main model's and are not counted here.
 */
export function mtpModuleParameters(p: TransformerParameters, hidden: number): MtpModuleParameters {
  const a = p.attention;
  const moe = p.moeLayers > 0;
  const attention = a.sharded + a.replicated;
  const norms = p.layerNormWeights + p.layerNormBiases + a.latentNorms + a.biases + 3 * hidden;
  const projection = 2 * hidden * hidden;
  const expert = p.expertMlp.weights + p.expertMlp.biases;
  const ffnDense = moe ? p.router + p.sharedExperts * expert : p.denseMlp.weights + p.denseMlp.biases;
  const activeFfn = moe ? p.router + (p.activeRoutedExperts + p.sharedExperts) * p.expertMlp.weights : p.denseMlp.weights;
  return {
    dense: attention + norms + projection + ffnDense,
    routed: moe ? p.routedExperts * expert : 0,
    activeMatmul: attention + projection + activeFfn,
  };
}
