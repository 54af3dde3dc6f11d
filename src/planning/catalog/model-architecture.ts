import { PlanningError } from '../../errors';

/**
 * Architecture types shared by ModelSpec and the Hugging Face config parser (kept apart so that
 * huggingface-config.ts can build props without importing model-spec.ts: no circular import).
 */

/** How attention keys and values are laid out, which sets the KV-cache size. */
export enum AttentionKind {
  /** Multi-head attention: one KV head per query head. */
  MHA = 'MHA',
  /** Grouped-query attention (Ainslie et al. 2023): `kvHeads` < `attentionHeads`. */
  GQA = 'GQA',
  /** Multi-query attention: a single KV head. */
  MQA = 'MQA',
  /** Multi-head latent attention (DeepSeek-V2, arXiv:2405.04434): a compressed latent of `kvLoraRank` + `qkRopeHeadDim` per token. */
  MLA = 'MLA',
}

/** The feed-forward block. */
export enum FfnKind {
  /** Gated linear unit with SiLU (LLaMA, Mistral, Qwen): three matrices h×f. */
  SWIGLU = 'SWIGLU',
  /** Plain two-matrix MLP with GELU (GPT-2/3, OPT). */
  GELU = 'GELU',
}

/** Architecture of a decoder-only transformer. */
export interface ModelSpecProps {
  /** Catalog id, e.g. `llama-3.1-70b`. */
  readonly id: string;
  /** Display name. */
  readonly name: string;
  /** Number of transformer layers. */
  readonly layers: number;
  /** Model (residual stream) width. */
  readonly hiddenSize: number;
  /** Query heads. */
  readonly attentionHeads: number;
  /** Key/value heads (equal to `attentionHeads` for MHA). */
  readonly kvHeads: number;
  /**
   * Dimension of one attention head.
   * @default hiddenSize / attentionHeads
   */
  readonly headDim?: number;
  /** Intermediate size of the dense feed-forward block. */
  readonly ffnHiddenSize: number;
  /** Feed-forward kind. */
  readonly ffnKind: FfnKind;
  /** Vocabulary size. */
  readonly vocabSize: number;
  /** Whether input embedding and output projection share weights. */
  readonly tiedEmbeddings: boolean;
  /** Attention kind. */
  readonly attentionKind: AttentionKind;
  /** Longest context the model was trained for, in tokens. */
  readonly maxPositionEmbeddings: number;
  /**
   * Sliding-window size in tokens; the KV cache of a layer that slides holds at most this many tokens per sequence.
   * @default - full attention
   */
  readonly slidingWindow?: number;
  /**
   * Layers that use `slidingWindow`; the others attend to the whole context (Qwen2/Qwen3 with `max_window_layers`,
   * Gemma 2's alternating layers). Requires `slidingWindow`.
   * @default - every layer when `slidingWindow` is set
   */
  readonly slidingWindowLayers?: number;
  /**
   * Chunked local attention (Llama 4 `attention_chunk_size`: 8192): a query attends only to the earlier tokens of its own
   * chunk of this many positions, and the cache keeps at most one chunk. Not with `slidingWindow`.
   * @default - no chunked attention
   */
  readonly attentionChunkSize?: number;
  /**
   * Layers that use `attentionChunkSize` (Llama 4: the RoPE layers, 3 in 4); the others attend to the whole context.
   * @default - every layer when `attentionChunkSize` is set
   */
  readonly chunkedAttentionLayers?: number;
  /**
   * Routed experts per MoE layer.
   * @default - dense model (0)
   */
  readonly experts?: number;
  /**
   * Routed experts active per token.
   * @default 0
   */
  readonly activeExperts?: number;
  /**
   * Shared (always-on) experts per MoE layer.
   * @default 0
   */
  readonly sharedExperts?: number;
  /**
   * Intermediate size of one expert.
   * @default ffnHiddenSize
   */
  readonly moeFfnHiddenSize?: number;
  /**
   * Leading layers that stay dense in an MoE model (DeepSeek-V3: 3).
   * @default 0
   */
  readonly denseLayers?: number;
  /**
   * Every how many layers (after `denseLayers`) one is MoE: layer i (from 0) is MoE when (i + 1) is a multiple of this
   * (Llama 4 Maverick `interleave_moe_layer_step`: 2, so the odd layers; transformers `Llama4TextConfig.moe_layers`); the
   * others have the dense MLP of `ffnHiddenSize`.
   * @default 1 (every layer after `denseLayers`)
   */
  readonly moeLayerInterval?: number;
  /**
   * Groups the routed experts are split into for group-limited routing (DeepSeek-V3 `n_group`: 8, one per node of its
   * EP64 deployment): each token first picks `expertGroupsPerToken` groups, then its experts inside them.
   * @default 1 (no group limit)
   */
  readonly expertGroups?: number;
  /**
   * Groups a token may route to (DeepSeek-V3 `topk_group`: 4), at most `expertGroups`.
   * @default expertGroups
   */
  readonly expertGroupsPerToken?: number;
  /**
   * Multi-token-prediction modules trained with the model (DeepSeek-V3 `num_nextn_predict_layers`: 1; DeepSeek-V3 technical
   * report, arXiv:2412.19437 §2.2). Each is one more decoder layer of the last layer's kind, a 2h × h projection and
   * three norms, sharing the embedding and output head; the training planner places them on the last pipeline rank.
   * Plain next-token serving does not load them, so inference planning and `parameterCount()` leave them out.
   * @default 0
   */
  readonly mtpLayers?: number;
  /** MLA: KV latent rank (DeepSeek-V3: 512). @default 0 */
  readonly kvLoraRank?: number;
  /** MLA: query latent rank (DeepSeek-V3: 1536; 0 = no query compression). @default 0 */
  readonly qLoraRank?: number;
  /** MLA: rotary part of the query/key head dim (DeepSeek-V3: 64). @default 0 */
  readonly qkRopeHeadDim?: number;
  /** MLA: non-rotary part of the query/key head dim (DeepSeek-V3: 128). @default 0 */
  readonly qkNopeHeadDim?: number;
  /** MLA: value head dim (DeepSeek-V3: 128). @default 0 */
  readonly vHeadDim?: number;
  /**
   * DeepSeek Sparse Attention (DSA; DeepSeek-V3.2 `index_topk`: 2048): a lightning indexer scores every earlier token and
   * each query attends to only the top k of them, so attention work per query stops growing at k tokens while the KV
   * cache still holds every token. MLA with a query latent only, with `indexerHeads` and `indexerHeadDim`.
   * @default 0 (dense attention)
   */
  readonly sparseAttentionTopK?: number;
  /** DSA: lightning-indexer heads (DeepSeek-V3.2 `index_n_heads`: 64). @default 0 */
  readonly indexerHeads?: number;
  /** DSA: lightning-indexer head dim, also the width of its cached key (DeepSeek-V3.2 `index_head_dim`: 128). @default 0 */
  readonly indexerHeadDim?: number;
  /**
   * Query/key/value projections carry a bias (Qwen2/Qwen2.5); output and MLP projections do not.
   * @default false
   */
  readonly qkvBias?: boolean;
  /**
   * Every linear layer has a bias and every norm is a LayerNorm with weight and bias (GPT-2/GPT-3, OPT).
   * @default false (bias-free projections and RMSNorm with weight only, as in LLaMA)
   */
  readonly linearBias?: boolean;
  /**
   * Rows of a learned absolute position-embedding table (GPT-2/3: `n_positions`; OPT: `max_position_embeddings` + 2).
   * @default 0 (rotary position embeddings, no parameters)
   */
  readonly learnedPositionEmbeddings?: number;
  /**
   * Width of the token embedding when it differs from `hiddenSize` (OPT `word_embed_proj_dim`); adds bias-free
   * `project_in`/`project_out` matrices of hiddenSize × wordEmbeddingSize each.
   * @default hiddenSize
   */
  readonly wordEmbeddingSize?: number;
  /** Where the architecture comes from (config.json URL or paper table). */
  readonly source: string;
}

/**
 * Checks the DeepSeek Sparse Attention fields of a model: all three or none, and only on MLA with a query latent, whose
 * latent the lightning indexer projects its queries from (`Indexer.wq_b`, deepseek-ai/DeepSeek-V3.2-Exp inference/model.py).
 */
function validateSparseAttention(p: ModelSpecProps): void {
  const dsa = { sparseAttentionTopK: p.sparseAttentionTopK ?? 0, indexerHeads: p.indexerHeads ?? 0, indexerHeadDim: p.indexerHeadDim ?? 0 };
  const given = Object.values(dsa).filter((v) => v > 0).length;
  if (given === 0) return;
  for (const [field, v] of Object.entries(dsa)) {
    if (!v) throw new PlanningError(`model.${field}`, String(v), 'sparse attention needs sparseAttentionTopK, indexerHeads and indexerHeadDim > 0 (DeepSeek-V3.2: 2048, 64, 128)');
  }
  if (p.attentionKind !== AttentionKind.MLA || !p.qLoraRank) {
    throw new PlanningError('model.sparseAttentionTopK', String(dsa.sparseAttentionTopK), 'DeepSeek Sparse Attention is modelled on MLA with a query latent (qLoraRank > 0), as DeepSeek-V3.2 has it');
  }
}

/** Checks MLA's latent dimensions and the layer patterns: chunked attention, sliding windows and MoE interleaving. */
export function validateAttentionAndLayers(p: ModelSpecProps): void {
  if (p.attentionKind === AttentionKind.MLA) {
    const mla = { kvLoraRank: p.kvLoraRank, qkRopeHeadDim: p.qkRopeHeadDim, qkNopeHeadDim: p.qkNopeHeadDim, vHeadDim: p.vHeadDim };
    for (const [field, v] of Object.entries(mla)) {
      if (!v) throw new PlanningError(`model.${field}`, String(v), 'MLA needs kvLoraRank, qkRopeHeadDim, qkNopeHeadDim and vHeadDim > 0');
    }
  }
  validateSparseAttention(p);
  const chunked = p.chunkedAttentionLayers;
  if (p.attentionChunkSize && p.slidingWindow) {
    throw new PlanningError('model.attentionChunkSize', String(p.attentionChunkSize), 'chunked attention and a sliding window on one model are not modelled; give one of them');
  }
  if (chunked !== undefined && (p.attentionChunkSize ? chunked < 1 || chunked > p.layers : chunked > 0)) {
    throw new PlanningError('model.chunkedAttentionLayers', String(chunked), p.attentionChunkSize ? `must be between 1 and layers (${p.layers})` : 'needs attentionChunkSize; omit it (or 0) for full attention');
  }
  const interval = p.moeLayerInterval ?? 1;
  if (interval > 1 && moeLayerCount(p.layers, p.denseLayers ?? 0, interval) < 1) {
    throw new PlanningError('model.moeLayerInterval', String(interval), `leaves no MoE layer among ${p.layers} layers; use at most ${p.layers - (p.denseLayers ?? 0)}`);
  }
  if (interval > 1 && !p.experts) throw new PlanningError('model.moeLayerInterval', String(interval), 'needs experts > 0');
}

/** MoE layers among the first `layers` when the first `denseLayers` are dense and, after them, every `moeLayerInterval`-th is MoE. */
export function moeLayerCount(layers: number, denseLayers: number, moeLayerInterval: number): number {
  return layers <= denseLayers ? 0 : Math.floor(layers / moeLayerInterval) - Math.floor(denseLayers / moeLayerInterval);
}

