import { PlanningError } from '../../errors';
import { closestIds } from '../private/did-you-mean';

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
   * Sliding-window size in tokens; KV cache per sequence is capped at this many tokens.
   * @default - full attention
   */
  readonly slidingWindow?: number;
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
  /** Where the architecture comes from (config.json URL or paper table). */
  readonly source: string;
}

/**
 * A model architecture. Value class: `ModelSpec.LLAMA_3_1_70B`, `ModelSpec.of('llama-3.1-70b')`,
 * `ModelSpec.custom({...})`, or `ModelSpec.fromHuggingFaceConfig(json)`.
 */
export class ModelSpec {
  // Must be initialised before the static catalog members below register themselves.
  private static readonly registry = new Map<string, ModelSpec>();

  /** Llama 3.1 8B. Source: meta-llama/Llama-3.1-8B config.json (huggingface.co). */
  public static readonly LLAMA_3_1_8B = ModelSpec.register({
    id: 'llama-3.1-8b', name: 'Llama 3.1 8B', layers: 32, hiddenSize: 4096, attentionHeads: 32, kvHeads: 8,
    ffnHiddenSize: 14336, ffnKind: FfnKind.SWIGLU, vocabSize: 128256, tiedEmbeddings: false,
    attentionKind: AttentionKind.GQA, maxPositionEmbeddings: 131072,
    source: 'https://huggingface.co/meta-llama/Llama-3.1-8B/blob/main/config.json',
  });

  /** Looks a model up by catalog id; throws a PlanningError with the closest ids when unknown. */
  public static of(id: string): ModelSpec {
    const found = ModelSpec.registry.get(id);
    if (!found) {
      throw new PlanningError('model', id, `unknown model id; did you mean ${closestIds(id, [...ModelSpec.registry.keys()])}? (see \`aidc catalog models\`, or pass a Hugging Face config.json)`);
    }
    return found;
  }

  /** Every catalog model, sorted by id. */
  public static all(): ModelSpec[] {
    return [...ModelSpec.registry.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** A model that is not in the catalog; validated, not registered. */
  public static custom(props: ModelSpecProps): ModelSpec {
    return new ModelSpec(props);
  }

  private static register(props: ModelSpecProps): ModelSpec {
    const m = new ModelSpec(props);
    ModelSpec.registry.set(m.id, m);
    return m;
  }

  /** Catalog id. */
  public readonly id: string;
  /** Display name. */
  public readonly name: string;
  /** Transformer layers. */
  public readonly layers: number;
  /** Hidden size. */
  public readonly hiddenSize: number;
  /** Query heads. */
  public readonly attentionHeads: number;
  /** KV heads. */
  public readonly kvHeads: number;
  /** Head dimension. */
  public readonly headDim: number;
  /** Dense FFN intermediate size. */
  public readonly ffnHiddenSize: number;
  /** FFN kind. */
  public readonly ffnKind: FfnKind;
  /** Vocabulary size. */
  public readonly vocabSize: number;
  /** Tied embeddings. */
  public readonly tiedEmbeddings: boolean;
  /** Attention kind. */
  public readonly attentionKind: AttentionKind;
  /** Trained context length. */
  public readonly maxPositionEmbeddings: number;
  /** Sliding window (0 = full attention). */
  public readonly slidingWindow: number;
  /** Routed experts (0 = dense). */
  public readonly experts: number;
  /** Routed experts active per token. */
  public readonly activeExperts: number;
  /** Shared experts. */
  public readonly sharedExperts: number;
  /** Expert intermediate size. */
  public readonly moeFfnHiddenSize: number;
  /** Leading dense layers of an MoE model. */
  public readonly denseLayers: number;
  /** MLA KV latent rank. */
  public readonly kvLoraRank: number;
  /** MLA query latent rank. */
  public readonly qLoraRank: number;
  /** MLA rotary head dim. */
  public readonly qkRopeHeadDim: number;
  /** MLA non-rotary head dim. */
  public readonly qkNopeHeadDim: number;
  /** MLA value head dim. */
  public readonly vHeadDim: number;
  /** Source of the architecture. */
  public readonly source: string;

  private constructor(p: ModelSpecProps) {
    const positive = { layers: p.layers, hiddenSize: p.hiddenSize, attentionHeads: p.attentionHeads, kvHeads: p.kvHeads, ffnHiddenSize: p.ffnHiddenSize, vocabSize: p.vocabSize, maxPositionEmbeddings: p.maxPositionEmbeddings };
    for (const [field, v] of Object.entries(positive)) {
      if (!Number.isInteger(v) || v <= 0) {
        throw new PlanningError(`model.${field}`, String(v), 'must be a positive whole number');
      }
    }
    if (p.attentionHeads % p.kvHeads !== 0) {
      throw new PlanningError('model.kvHeads', String(p.kvHeads), `must divide attentionHeads (${p.attentionHeads})`);
    }
    this.id = p.id;
    this.name = p.name;
    this.layers = p.layers;
    this.hiddenSize = p.hiddenSize;
    this.attentionHeads = p.attentionHeads;
    this.kvHeads = p.kvHeads;
    this.headDim = p.headDim ?? p.hiddenSize / p.attentionHeads;
    this.ffnHiddenSize = p.ffnHiddenSize;
    this.ffnKind = p.ffnKind;
    this.vocabSize = p.vocabSize;
    this.tiedEmbeddings = p.tiedEmbeddings;
    this.attentionKind = p.attentionKind;
    this.maxPositionEmbeddings = p.maxPositionEmbeddings;
    this.slidingWindow = p.slidingWindow ?? 0;
    this.experts = p.experts ?? 0;
    this.activeExperts = p.activeExperts ?? 0;
    this.sharedExperts = p.sharedExperts ?? 0;
    this.moeFfnHiddenSize = p.moeFfnHiddenSize ?? p.ffnHiddenSize;
    this.denseLayers = p.denseLayers ?? 0;
    this.kvLoraRank = p.kvLoraRank ?? 0;
    this.qLoraRank = p.qLoraRank ?? 0;
    this.qkRopeHeadDim = p.qkRopeHeadDim ?? 0;
    this.qkNopeHeadDim = p.qkNopeHeadDim ?? 0;
    this.vHeadDim = p.vHeadDim ?? 0;
    this.source = p.source;
  }

  /** True for mixture-of-experts models. */
  public get isMoe(): boolean {
    return this.experts > 0;
  }
}
