import { parseHuggingFaceConfig } from './huggingface-config';
import { indexerCacheBytesPerTokenPerLayer, kvCacheTokens, kvCacheValuesPerTokenPerLayer } from './kv-cache';
import { AttentionKind, FfnKind, ModelSpecProps, validateAttentionAndLayers } from './model-architecture';
import * as ENTRIES from './model-entries';
import { blockParameters, embeddingParameters, mtpModuleParameters, transformerParameters } from './parameter-breakdown';
import { PlanningError } from '../../errors';
import { closestIds } from '../private/did-you-mean';

/** Largest model dimension accepted (2^31 − 1): more is a typo or a unit slip, not a model, and would overflow the counts. */
const MAX_DIMENSION = 2 ** 31 - 1;

export * from './model-architecture';

/**
 * A model architecture. Value class: `ModelSpec.LLAMA_3_1_70B`, `ModelSpec.of('llama-3.1-70b')`,
 * `ModelSpec.custom({...})`, or `ModelSpec.fromHuggingFaceConfig(json)`.
 *
 * Parameter counts follow the Hugging Face `transformers` module layout of each family
 * (e.g. `models/llama/modeling_llama.py`, `models/deepseek_v3/modeling_deepseek_v3.py`) and reproduce the
 * safetensors totals shown on the model cards; see test/planning/catalog/model-spec.test.ts. The formulas live
 * once, in parameter-breakdown.ts, which the training and inference planners read as well.
 */
export class ModelSpec {
  // Must be initialised before the static catalog members below register themselves.
  private static readonly registry = new Map<string, ModelSpec>();

  /** Llama 3.1 8B. Source: meta-llama/Llama-3.1-8B config.json (huggingface.co). */
  public static readonly LLAMA_3_1_8B = ModelSpec.register(ENTRIES.LLAMA_3_1_8B);

  /** Llama 3.1 70B. Source: meta-llama/Llama-3.1-70B config.json. */
  public static readonly LLAMA_3_1_70B = ModelSpec.register(ENTRIES.LLAMA_3_1_70B);

  /** Llama 3.1 405B. Source: meta-llama/Llama-3.1-405B config.json; Llama 3 paper (arXiv:2407.21783) Table 3. */
  public static readonly LLAMA_3_1_405B = ModelSpec.register(ENTRIES.LLAMA_3_1_405B);

  /** Llama 3.2 1B (tied embeddings, head dim 64). Source: meta-llama/Llama-3.2-1B config.json. */
  public static readonly LLAMA_3_2_1B = ModelSpec.register(ENTRIES.LLAMA_3_2_1B);

  /** Llama 3.2 3B (tied embeddings). Source: meta-llama/Llama-3.2-3B config.json. */
  public static readonly LLAMA_3_2_3B = ModelSpec.register(ENTRIES.LLAMA_3_2_3B);

  /** Llama 2 7B. Source: meta-llama/Llama-2-7b-hf config.json; Touvron et al. 2023 (arXiv:2307.09288) Table 1. */
  public static readonly LLAMA_2_7B = ModelSpec.register(ENTRIES.LLAMA_2_7B);

  /** Llama 2 13B. Source: meta-llama/Llama-2-13b-hf config.json. */
  public static readonly LLAMA_2_13B = ModelSpec.register(ENTRIES.LLAMA_2_13B);

  /** Llama 2 70B (GQA with 8 KV heads). Source: meta-llama/Llama-2-70b-hf config.json. */
  public static readonly LLAMA_2_70B = ModelSpec.register(ENTRIES.LLAMA_2_70B);

  /** Mistral 7B v0.1 (sliding window 4096). Source: mistralai/Mistral-7B-v0.1 config.json; Jiang et al. 2023 (arXiv:2310.06825) Table 1. */
  public static readonly MISTRAL_7B = ModelSpec.register(ENTRIES.MISTRAL_7B);

  /** Mixtral 8x7B v0.1: 8 experts, 2 active, full attention (`sliding_window: null`). Source: mistralai/Mixtral-8x7B-v0.1 config.json. */
  public static readonly MIXTRAL_8X7B = ModelSpec.register(ENTRIES.MIXTRAL_8X7B);

  /** Qwen2.5 7B (QKV bias; `use_sliding_window: false`). Source: Qwen/Qwen2.5-7B config.json. */
  public static readonly QWEN2_5_7B = ModelSpec.register(ENTRIES.QWEN2_5_7B);

  /** Qwen2.5 72B (QKV bias). Source: Qwen/Qwen2.5-72B config.json. */
  public static readonly QWEN2_5_72B = ModelSpec.register(ENTRIES.QWEN2_5_72B);

  /** Qwen3 8B (head_dim 128, per-head q/k norms not counted). Source: Qwen/Qwen3-8B config.json; model card "8.2B". */
  public static readonly QWEN3_8B = ModelSpec.register(ENTRIES.QWEN3_8B);

  /** Qwen3 30B-A3B: 128 experts of 768, 8 active, no shared expert. Source: Qwen/Qwen3-30B-A3B config.json; card "30.5B, 3.3B activated". */
  public static readonly QWEN3_30B_A3B = ModelSpec.register(ENTRIES.QWEN3_30B_A3B);

  /** Qwen3 235B-A22B: 128 experts of 1536, 8 active. Source: Qwen/Qwen3-235B-A22B config.json; card "235B, 22B activated". */
  public static readonly QWEN3_235B_A22B = ModelSpec.register(ENTRIES.QWEN3_235B_A22B);

  /**
   * Gemma 2 9B: GeGLU (gated FFN shapes), head_dim 256, tied embeddings, 4,096-token window on 21 of 42 layers; its extra
   * post-norms (2·h per layer) are not counted. Source: google/gemma-2-9b config.json (9,241,705,984 parameters).
   */
  public static readonly GEMMA_2_9B = ModelSpec.register(ENTRIES.GEMMA_2_9B);

  /**
   * gpt-oss-120b: 128 experts of 2880, 4 active, biased q/k/v, 128-token window on 18 of 36 layers (o/router/expert biases
   * and attention sinks not counted). Source: openai/gpt-oss-120b config.json; model card Table 1 (116.83B, 5.13B active).
   */
  public static readonly GPT_OSS_120B = ModelSpec.register(ENTRIES.GPT_OSS_120B);

  /**
   * DeepSeek-V3: MLA, 256 routed experts (8 active) + 1 shared, first 3 layers dense, one multi-token-prediction
   * module (`num_nextn_predict_layers: 1`). `parameterCount()` is the 671B main model DeepSeek quotes; the MTP module
   * (11.6B here, `mtpParameterCount()`) is trained with it and planned for training only: the 685B Hugging Face
   * checkpoint is the main model plus the module and its own copies of the embedding and output head (model card).
   * Source: deepseek-ai/DeepSeek-V3 config.json; DeepSeek-V3 technical report (arXiv:2412.19437) §4.2.
   */
  public static readonly DEEPSEEK_V3 = ModelSpec.register(ENTRIES.DEEPSEEK_V3);

  /**
   * DeepSeek-V3.2: DeepSeek-V3 with DeepSeek Sparse Attention in every layer: a lightning indexer of 64 heads of 128
   * picks the 2,048 keys each query attends to. Source: deepseek-ai/DeepSeek-V3.2 config.json (`index_topk`,
   * `index_n_heads`, `index_head_dim`); the indexer's modules: deepseek-ai/DeepSeek-V3.2-Exp inference/model.py `Indexer`.
   */
  public static readonly DEEPSEEK_V3_2 = ModelSpec.register(ENTRIES.DEEPSEEK_V3_2);

  /**
   * DeepSeek-V2: MLA, 160 routed experts (6 active, device-limited to 3 of 8 groups) + 2 shared, first layer dense.
   * Source: deepseek-ai/DeepSeek-V2 config.json; DeepSeek-V2 report (arXiv:2405.04434): 236B total, 21B activated.
   */
  public static readonly DEEPSEEK_V2 = ModelSpec.register(ENTRIES.DEEPSEEK_V2);

  /**
   * Kimi K2 (Instruct-0905 and Thinking): the DeepSeek-V3 architecture with 384 routed experts (8 active, no routing
   * groups) + 1 shared, 64 heads, one dense layer, no MTP module, 256k context.
   * Source: moonshotai/Kimi-K2-Thinking config.json; Kimi K2 report (arXiv:2507.20534): 1T total, 32B activated.
   */
  public static readonly KIMI_K2 = ModelSpec.register(ENTRIES.KIMI_K2);

  /**
   * GLM-4.5-Air: GQA (96 query, 8 KV heads of 128) with q/k/v biases, 128 routed experts (8 active) + 1 shared, first
   * layer dense. Its multi-token-prediction layer, which transformers does not load, is not modelled.
   * Source: zai-org/GLM-4.5-Air config.json; GLM-4.5 report (arXiv:2508.06471) Table 1: 106B total, 12B activated.
   */
  public static readonly GLM_4_5_AIR = ModelSpec.register(ENTRIES.GLM_4_5_AIR);

  /**
   * Llama 4 Scout: 16 experts of 8,192 (1 active) and a shared one on every layer, chunked attention (8,192) on the 36
   * RoPE layers, full attention on the other 12. Source: meta-llama/Llama-4-Scout-17B-16E config.json (text_config);
   * Meta: 17B active, 109B total with the vision encoder.
   */
  public static readonly LLAMA_4_SCOUT = ModelSpec.register(ENTRIES.LLAMA_4_SCOUT);

  /**
   * Llama 4 Maverick: as Scout, with 128 experts on every second layer and dense MLPs of 16,384 on the others.
   * Source: meta-llama/Llama-4-Maverick-17B-128E config.json (text_config); Meta: 17B active, 400B total.
   */
  public static readonly LLAMA_4_MAVERICK = ModelSpec.register(ENTRIES.LLAMA_4_MAVERICK);

  /**
   * GPT-3 175B: 96 layers, d_model 12288, 96 heads of 128, GELU MLP of 4·d_model, 2048 context, learned positions,
   * biases and LayerNorm as in GPT-2, tied input/output embedding, vocabulary 50257 (GPT-2 BPE).
   * Source: Brown et al. 2020, "Language Models are Few-Shot Learners" (arXiv:2005.14165) Table 2.1 and §2.1.
   */
  public static readonly GPT3_175B = ModelSpec.register(ENTRIES.GPT3_175B);

  /** Looks a model up by catalog id; throws a PlanningError with the closest ids when unknown. */
  public static of(id: string): ModelSpec {
    const found = ModelSpec.registry.get(id);
    if (!found) {
      throw new PlanningError('model', id, `unknown model id; did you mean ${closestIds(id, [...ModelSpec.registry.keys()])}? (see \`aidc catalog models\`, or pass a Hugging Face config.json)`);
    }
    return found;
  }

  /** Every catalog model, sorted by id (numbers in ids compare numerically). */
  public static all(): ModelSpec[] {
    return [...ModelSpec.registry.values()].sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
  }

  /** A model that is not in the catalog; validated, not registered. */
  public static custom(props: ModelSpecProps): ModelSpec {
    return new ModelSpec(props);
  }

  /**
   * Builds a model from the contents of a Hugging Face `config.json` (model_type llama, mistral, mixtral, qwen2,
   * qwen2_moe, qwen3, qwen3_moe, gemma2, gemma3_text, gpt_oss, glm4_moe, llama4_text, deepseek_v2, deepseek_v3, deepseek_v32, kimi_k2, gpt2, opt). Throws a PlanningError naming the missing or invalid key.
   * @param json the parsed config.json object
   * @param id catalog id to give the model (default: `_name_or_path`, else `custom-<model_type>`)
   */
  public static fromHuggingFaceConfig(json: any, id?: string): ModelSpec {
    return new ModelSpec(parseHuggingFaceConfig(json, id));
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
  /** Layers that use the sliding window (0 without one; all layers unless a mix was given). */
  public readonly slidingWindowLayers: number;
  /** Chunked local attention: positions per chunk (0 = none). */
  public readonly attentionChunkSize: number;
  /** Layers that use chunked attention (0 without it). */
  public readonly chunkedAttentionLayers: number;
  /** Every how many layers one is MoE, after the leading dense ones (1 = all of them). */
  public readonly moeLayerInterval: number;
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
  /** Multi-token-prediction modules trained with the model (0 = none). */
  public readonly mtpLayers: number;
  /** Groups of routed experts for group-limited routing (1 = none). */
  public readonly expertGroups: number;
  /** Groups one token may route to. */
  public readonly expertGroupsPerToken: number;
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
  /** DeepSeek Sparse Attention: keys each query attends to (0 = dense attention). */
  public readonly sparseAttentionTopK: number;
  /** DSA lightning-indexer heads (0 without DSA). */
  public readonly indexerHeads: number;
  /** DSA lightning-indexer head dim (0 without DSA). */
  public readonly indexerHeadDim: number;
  /** Q/K/V projections carry a bias (Qwen2). */
  public readonly qkvBias: boolean;
  /** All linear layers carry biases and norms are LayerNorms with bias (GPT-2/3, OPT). */
  public readonly linearBias: boolean;
  /** Rows of the learned position-embedding table (0 = rotary). */
  public readonly learnedPositionEmbeddings: number;
  /** Token-embedding width (equals hiddenSize except OPT-350m style projections). */
  public readonly wordEmbeddingSize: number;
  /** Source of the architecture. */
  public readonly source: string;

  private constructor(p: ModelSpecProps) {
    if (!p.id || !/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(p.id)) {
      throw new PlanningError('model.id', JSON.stringify(p.id), 'must be letters, digits, dots, dashes, underscores or slashes, e.g. my-model-7b');
    }
    const positive = {
      layers: p.layers, hiddenSize: p.hiddenSize, attentionHeads: p.attentionHeads, kvHeads: p.kvHeads,
      ffnHiddenSize: p.ffnHiddenSize, vocabSize: p.vocabSize, maxPositionEmbeddings: p.maxPositionEmbeddings,
      headDim: p.headDim ?? p.hiddenSize / p.attentionHeads, moeFfnHiddenSize: p.moeFfnHiddenSize ?? p.ffnHiddenSize,
      wordEmbeddingSize: p.wordEmbeddingSize ?? p.hiddenSize,
    };
    for (const [field, v] of Object.entries(positive)) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
        const fix = field === 'headDim'
          ? `must be a positive whole number (hiddenSize ${p.hiddenSize} / attentionHeads ${p.attentionHeads} is not; set headDim)`
          : 'must be a positive whole number';
        throw new PlanningError(`model.${field}`, String(v), fix);
      }
      if (v > MAX_DIMENSION) throw new PlanningError(`model.${field}`, String(v), `must be at most ${MAX_DIMENSION}`);
    }
    const nonNegative = {
      slidingWindow: p.slidingWindow, slidingWindowLayers: p.slidingWindowLayers, experts: p.experts, activeExperts: p.activeExperts, sharedExperts: p.sharedExperts,
      denseLayers: p.denseLayers, kvLoraRank: p.kvLoraRank, qLoraRank: p.qLoraRank, qkRopeHeadDim: p.qkRopeHeadDim,
      qkNopeHeadDim: p.qkNopeHeadDim, vHeadDim: p.vHeadDim, learnedPositionEmbeddings: p.learnedPositionEmbeddings,
      expertGroups: p.expertGroups, expertGroupsPerToken: p.expertGroupsPerToken, mtpLayers: p.mtpLayers,
      sparseAttentionTopK: p.sparseAttentionTopK, indexerHeads: p.indexerHeads, indexerHeadDim: p.indexerHeadDim,
      attentionChunkSize: p.attentionChunkSize, chunkedAttentionLayers: p.chunkedAttentionLayers, moeLayerInterval: p.moeLayerInterval,
    };
    for (const [field, v] of Object.entries(nonNegative)) {
      if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) {
        throw new PlanningError(`model.${field}`, String(v), 'must be a whole number >= 0 (0 = not used), or omitted');
      }
      if (v !== undefined && v > MAX_DIMENSION) throw new PlanningError(`model.${field}`, String(v), `must be at most ${MAX_DIMENSION}`);
    }
    const slidingLayers = p.slidingWindowLayers;
    if (slidingLayers !== undefined && (p.slidingWindow ? slidingLayers < 1 || slidingLayers > p.layers : slidingLayers > 0)) {
      throw new PlanningError('model.slidingWindowLayers', String(slidingLayers),
        p.slidingWindow ? `must be between 1 and layers (${p.layers})` : 'needs slidingWindow; omit it (or 0) for full attention');
    }
    if (!Object.values(AttentionKind).includes(p.attentionKind)) {
      throw new PlanningError('model.attentionKind', String(p.attentionKind), `must be one of ${Object.values(AttentionKind).join(', ')}`);
    }
    if (!Object.values(FfnKind).includes(p.ffnKind)) {
      throw new PlanningError('model.ffnKind', String(p.ffnKind), `must be one of ${Object.values(FfnKind).join(', ')}`);
    }
    if (p.kvHeads > p.attentionHeads || p.attentionHeads % p.kvHeads !== 0) {
      throw new PlanningError('model.kvHeads', String(p.kvHeads), `must divide attentionHeads (${p.attentionHeads})`);
    }
    if (p.attentionKind === AttentionKind.MHA && p.kvHeads !== p.attentionHeads) {
      throw new PlanningError('model.kvHeads', String(p.kvHeads), `MHA needs kvHeads = attentionHeads (${p.attentionHeads}); use GQA for fewer KV heads`);
    }
    if (p.attentionKind === AttentionKind.MQA && p.kvHeads !== 1) {
      throw new PlanningError('model.kvHeads', String(p.kvHeads), 'MQA needs kvHeads = 1; use GQA for more KV heads');
    }
    validateAttentionAndLayers(p);
    const experts = p.experts ?? 0;
    if (experts > 0) {
      const active = p.activeExperts ?? 0;
      if (active < 1 || active > experts) {
        throw new PlanningError('model.activeExperts', String(active), `must be between 1 and experts (${experts}) for an MoE model`);
      }
      if ((p.denseLayers ?? 0) >= p.layers) {
        throw new PlanningError('model.denseLayers', String(p.denseLayers), `must be less than layers (${p.layers}) for an MoE model`);
      }
      const groups = p.expertGroups || 1;
      if (experts % groups !== 0) {
        throw new PlanningError('model.expertGroups', String(p.expertGroups), `must divide the ${experts} routed experts`);
      }
      const perToken = p.expertGroupsPerToken || groups;
      if (perToken > groups || perToken * (experts / groups) < active) {
        throw new PlanningError('model.expertGroupsPerToken', String(p.expertGroupsPerToken),
          `must be at most expertGroups (${groups}) and leave room for the ${active} active experts (${experts / groups} per group)`);
      }
    } else if ((p.activeExperts ?? 0) > 0 || (p.sharedExperts ?? 0) > 0 || (p.denseLayers ?? 0) > 0 || (p.expertGroups ?? 0) > 1) {
      throw new PlanningError('model.experts', String(experts), 'activeExperts/sharedExperts/denseLayers/expertGroups need experts > 0');
    }
    this.id = p.id;
    this.name = p.name;
    this.layers = p.layers;
    this.hiddenSize = p.hiddenSize;
    this.attentionHeads = p.attentionHeads;
    this.kvHeads = p.kvHeads;
    this.headDim = positive.headDim;
    this.ffnHiddenSize = p.ffnHiddenSize;
    this.ffnKind = p.ffnKind;
    this.vocabSize = p.vocabSize;
    this.tiedEmbeddings = p.tiedEmbeddings;
    this.attentionKind = p.attentionKind;
    this.maxPositionEmbeddings = p.maxPositionEmbeddings;
    this.slidingWindow = p.slidingWindow ?? 0;
    this.slidingWindowLayers = this.slidingWindow > 0 ? p.slidingWindowLayers ?? p.layers : 0;
    this.attentionChunkSize = p.attentionChunkSize ?? 0;
    this.chunkedAttentionLayers = this.attentionChunkSize > 0 ? p.chunkedAttentionLayers ?? p.layers : 0;
    this.moeLayerInterval = p.moeLayerInterval || 1;
    this.experts = experts;
    this.activeExperts = p.activeExperts ?? 0;
    this.sharedExperts = p.sharedExperts ?? 0;
    this.moeFfnHiddenSize = positive.moeFfnHiddenSize;
    this.denseLayers = p.denseLayers ?? 0;
    this.mtpLayers = p.mtpLayers ?? 0;
    this.expertGroups = p.expertGroups || 1;
    this.expertGroupsPerToken = p.expertGroupsPerToken || this.expertGroups;
    this.kvLoraRank = p.kvLoraRank ?? 0;
    this.qLoraRank = p.qLoraRank ?? 0;
    this.qkRopeHeadDim = p.qkRopeHeadDim ?? 0;
    this.qkNopeHeadDim = p.qkNopeHeadDim ?? 0;
    this.vHeadDim = p.vHeadDim ?? 0;
    this.sparseAttentionTopK = p.sparseAttentionTopK ?? 0;
    this.indexerHeads = p.indexerHeads ?? 0;
    this.indexerHeadDim = p.indexerHeadDim ?? 0;
    this.qkvBias = p.qkvBias ?? false;
    this.linearBias = p.linearBias ?? false;
    this.learnedPositionEmbeddings = p.learnedPositionEmbeddings ?? 0;
    this.wordEmbeddingSize = positive.wordEmbeddingSize;
    this.source = p.source;
    const parameters = this.parameterCount();
    if (!Number.isSafeInteger(parameters)) {
      throw new PlanningError('model', p.id, `its sizes give ${parameters.toExponential(3)} parameters, more than 2^53 can count exactly; check layers, hiddenSize, ffnHiddenSize, experts and vocabSize`);
    }
  }

  /** True for mixture-of-experts models. */
  public get isMoe(): boolean {
    return this.experts > 0;
  }

  /** Layers whose feed-forward block is a mixture of experts (0 for dense models). */
  public get moeLayers(): number {
    return this.isMoe ? this.layers - this.denseLayers : 0;
  }

  /**
   * Total parameters, including embeddings, output head (unless tied), norms and biases.
   * Sum of `embeddingParameterCount()` and the transformer blocks; MoE counts every routed expert.
   */
  public parameterCount(): number {
    const p = transformerParameters(this);
    return embeddingParameters(p) + blockParameters(p, false);
  }

  /**
   * Parameters used per token: for MoE, only `activeExperts` routed experts (plus shared experts, router,
   * attention, dense layers and embeddings); equals `parameterCount()` for dense models.
   */
  public activeParameterCount(): number {
    const p = transformerParameters(this);
    return embeddingParameters(p) + blockParameters(p, true);
  }

  /**
   * Parameters of the multi-token-prediction modules (0 for models without them): per module one decoder layer of the
   * last layer's kind, a 2h × h projection and three norms; the embedding and output head are shared with the main model.
   */
  public mtpParameterCount(): number {
    const p = transformerParameters(this);
    const m = mtpModuleParameters(p, this.hiddenSize);
    return this.mtpLayers * (m.dense + m.routed);
  }

  /**
   * Embedding parameters: token embedding (vocab × wordEmbeddingSize), the output projection when not tied,
   * learned position embeddings, and OPT-style project_in/project_out when wordEmbeddingSize ≠ hiddenSize.
   */
  public embeddingParameterCount(): number {
    return embeddingParameters(transformerParameters(this));
  }

  /** Parameters outside the embeddings (`parameterCount() - embeddingParameterCount()`), the N of Kaplan et al. 2020 (arXiv:2001.08361) §2.1. */
  public nonEmbeddingParameterCount(): number {
    return blockParameters(transformerParameters(this), false);
  }

  /**
   * KV-cache bytes for one token over all layers.
   * GQA/MHA/MQA: 2 (K and V) × layers × kvHeads × headDim × bytesPerElement.
   * MLA: layers × (kvLoraRank + qkRopeHeadDim) × bytesPerElement — only the compressed latent and the decoupled
   * rotary key are cached (DeepSeek-V2, arXiv:2405.04434 §2.1.2–2.1.3 and Table 1). DeepSeek Sparse Attention adds the
   * indexer's FP8 key and its fp32 scale per 128 values, whatever the cache precision (see kv-cache.ts).
   * A sliding window does not change the per-token size; it caps tokens per sequence (see `kvCacheTokensPerSequence`).
   * @param bytesPerElement bytes per cached value (2 for bf16/fp16, 1 for fp8)
   */
  public kvCacheBytesPerToken(bytesPerElement: number): number {
    if (typeof bytesPerElement !== 'number' || !Number.isFinite(bytesPerElement) || bytesPerElement <= 0) {
      throw new PlanningError('kvCacheBytesPerElement', String(bytesPerElement), 'must be a positive number of bytes per element, e.g. 2 for bf16, 1 for fp8');
    }
    return this.layers * (kvCacheValuesPerTokenPerLayer(this, this.kvHeads) * bytesPerElement + indexerCacheBytesPerTokenPerLayer(this));
  }

  /**
   * Tokens one sequence keeps in the KV cache at a context length: min(context, slidingWindow) when the model
   * uses a sliding window (Mistral 7B, Jiang et al. 2023 §2 "rolling buffer cache"), else the context itself; averaged
   * over the layers when only `slidingWindowLayers` of them slide (so × `kvCacheBytesPerToken` gives the bytes exactly).
   * @param contextTokens prompt plus generated tokens of the sequence
   */
  public kvCacheTokensPerSequence(contextTokens: number): number {
    if (typeof contextTokens !== 'number' || !Number.isInteger(contextTokens) || contextTokens < 1) {
      throw new PlanningError('contextTokens', String(contextTokens), 'must be a whole number of tokens, at least 1');
    }
    return kvCacheTokens(this, contextTokens);
  }

  /** A plain JSON object with the architecture and derived parameter counts (for `--json` output). */
  public toJson(): any {
    return {
      id: this.id, name: this.name, layers: this.layers, hiddenSize: this.hiddenSize, attentionHeads: this.attentionHeads,
      kvHeads: this.kvHeads, headDim: this.headDim, ffnHiddenSize: this.ffnHiddenSize, ffnKind: this.ffnKind,
      vocabSize: this.vocabSize, tiedEmbeddings: this.tiedEmbeddings, attentionKind: this.attentionKind,
      maxPositionEmbeddings: this.maxPositionEmbeddings, slidingWindow: this.slidingWindow, slidingWindowLayers: this.slidingWindowLayers,
      attentionChunkSize: this.attentionChunkSize, chunkedAttentionLayers: this.chunkedAttentionLayers, moeLayerInterval: this.moeLayerInterval, experts: this.experts,
      activeExperts: this.activeExperts, sharedExperts: this.sharedExperts, moeFfnHiddenSize: this.moeFfnHiddenSize,
      denseLayers: this.denseLayers, mtpLayers: this.mtpLayers, expertGroups: this.expertGroups, expertGroupsPerToken: this.expertGroupsPerToken,
      kvLoraRank: this.kvLoraRank, qLoraRank: this.qLoraRank, qkRopeHeadDim: this.qkRopeHeadDim,
      qkNopeHeadDim: this.qkNopeHeadDim, vHeadDim: this.vHeadDim, sparseAttentionTopK: this.sparseAttentionTopK,
      indexerHeads: this.indexerHeads, indexerHeadDim: this.indexerHeadDim, qkvBias: this.qkvBias, linearBias: this.linearBias,
      learnedPositionEmbeddings: this.learnedPositionEmbeddings, wordEmbeddingSize: this.wordEmbeddingSize,
      parameterCount: this.parameterCount(), activeParameterCount: this.activeParameterCount(), mtpParameterCount: this.mtpParameterCount(),
      embeddingParameterCount: this.embeddingParameterCount(), kvCacheBytesPerTokenBf16: this.kvCacheBytesPerToken(2),
      source: this.source,
    };
  }
}
