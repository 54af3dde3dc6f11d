import { AttentionKind, FfnKind, ModelSpecProps } from './model-architecture';
import { PlanningError } from '../../errors';

/**
 * Turns the contents of a Hugging Face `config.json` into ModelSpec props.
 *
 * Key names follow the `transformers` configuration classes:
 * `models/llama/configuration_llama.py` (also mistral, mixtral, qwen2, qwen2_moe, qwen3, qwen3_moe, gemma2, gemma3_text, gpt_oss, glm4_moe,
 * llama4_text, deepseek_v2, deepseek_v3, deepseek_v32, kimi_k2: hidden_size,
 * num_hidden_layers, num_attention_heads, num_key_value_heads, intermediate_size, vocab_size, head_dim,
 * sliding_window, num_local_experts / num_experts / n_routed_experts, num_experts_per_tok, ...),
 * `models/gpt2/configuration_gpt2.py` (n_embd, n_layer, n_head, n_positions, n_inner) and
 * `models/opt/configuration_opt.py` (ffn_dim, word_embed_proj_dim, max_position_embeddings; OPT's learned
 * position table has 2 extra rows, `OPTLearnedPositionalEmbedding.offset = 2` in modeling_opt.py).
 *
 * Missing or invalid keys throw a PlanningError whose field is `config.<key>`.
 * @param json the parsed config.json
 * @param id catalog id for the result (default `_name_or_path`, else `custom-<model_type>`)
 */
export function parseHuggingFaceConfig(json: any, id?: string): ModelSpecProps {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new PlanningError('config', json === null ? 'null' : typeof json, 'must be the JSON object from a Hugging Face config.json');
  }
  const modelType = json.model_type;
  if (typeof modelType !== 'string') {
    throw new PlanningError('config.model_type', String(modelType), `is required; supported: ${SUPPORTED.join(', ')}`);
  }
  const name = typeof json._name_or_path === 'string' && json._name_or_path ? json._name_or_path : `custom-${modelType}`;
  const modelId = id ?? name.replace(/[^A-Za-z0-9._/-]/g, '-');
  const source = `Hugging Face config.json (model_type ${modelType}${json._name_or_path ? `, ${json._name_or_path}` : ''})`;
  const multimodal = MULTIMODAL.get(modelType);
  if (multimodal) {
    throw new PlanningError('config.model_type', modelType, `is ${multimodal[0]} with its vision tower; pass the text_config object (model_type ${multimodal[1]}) to plan the language model, whose parameters these are not all of`);
  }
  switch (modelType) {
    case 'llama':
    case 'mistral':
    case 'mixtral':
    case 'qwen2':
    case 'qwen2_moe':
    case 'qwen3':
    case 'qwen3_moe':
      return llamaStyle(json, modelType, modelId, name, source);
    case 'gemma2':
    case 'gemma3_text':
      return gemma(json, modelType, modelId, name, source);
    case 'gpt_oss':
      return gptOss(json, modelId, name, source);
    case 'deepseek_v2':
    case 'deepseek_v3':
    case 'deepseek_v32':
    case 'kimi_k2':
      return deepseekV3(json, modelType, modelId, name, source);
    case 'glm4_moe':
      return glm4Moe(json, modelId, name, source);
    case 'llama4_text':
      return llama4(json, modelId, name, source);
    case 'gpt2':
      return gpt2(json, modelId, name, source);
    case 'opt':
      return opt(json, modelId, name, source);
    default:
      throw new PlanningError('config.model_type', modelType, `is not supported; supported: ${SUPPORTED.join(', ')} (or use ModelSpec.custom())`);
  }
}

/** Multimodal model_types whose language model is their `text_config`: the family's name and the text model_type. */
const MULTIMODAL = new Map<string, [string, string]>([['gemma3', ['Gemma 3', 'gemma3_text']], ['kimi_k25', ['Kimi K2.5', 'kimi_k2']], ['llama4', ['Llama 4', 'llama4_text']]]);

const SUPPORTED = [
  'llama', 'mistral', 'mixtral', 'qwen2', 'qwen2_moe', 'qwen3', 'qwen3_moe', 'gemma2', 'gemma3_text', 'gpt_oss', 'glm4_moe', 'llama4_text', 'deepseek_v2',
  'deepseek_v3', 'deepseek_v32', 'kimi_k2', 'gpt2', 'opt',
];

function int(json: any, key: string): number {
  const v = json[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new PlanningError(`config.${key}`, v === undefined ? 'missing' : JSON.stringify(v), 'must be present and a positive whole number');
  }
  return v;
}

function optionalInt(json: any, key: string): number | undefined {
  return json[key] === undefined || json[key] === null ? undefined : int(json, key);
}

function optionalNonNegativeInt(json: any, key: string): number | undefined {
  const v = json[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new PlanningError(`config.${key}`, JSON.stringify(v), 'must be a whole number >= 0');
  }
  return v;
}

function bool(json: any, key: string, fallback: boolean): boolean {
  const v = json[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw new PlanningError(`config.${key}`, JSON.stringify(v), 'must be true or false');
  return v;
}

function requireAct(json: any, key: string, allowed: string[], fallback: string): string {
  const v = json[key] ?? fallback;
  if (typeof v !== 'string' || !allowed.includes(v)) {
    throw new PlanningError(`config.${key}`, JSON.stringify(v), `must be one of ${allowed.join(', ')} for this model_type`);
  }
  return v;
}

function attentionKindFor(heads: number, kvHeads: number): AttentionKind {
  if (kvHeads === heads) return AttentionKind.MHA;
  return kvHeads === 1 ? AttentionKind.MQA : AttentionKind.GQA;
}

/**
 * The sliding window and how many layers use it. Qwen configs carry `sliding_window` even when `use_sliding_window` is
 * false, so it counts only when enabled; Qwen2/Qwen3 (and Qwen2-MoE) then slide only layers i ≥ `max_window_layers`
 * (default 28; transformers `Qwen2Config`/`Qwen3Config.__post_init__` `layer_types`), the rest attending to the whole
 * context; Qwen3-MoE has no `max_window_layers` and slides every layer, as llama-style configs do.
 */
function slidingWindowOf(json: any, modelType: string, layers: number): { slidingWindow?: number; slidingWindowLayers?: number } {
  if (modelType.startsWith('qwen') && !bool(json, 'use_sliding_window', false)) return {};
  const slidingWindow = optionalInt(json, 'sliding_window');
  if (slidingWindow === undefined || !modelType.startsWith('qwen') || modelType === 'qwen3_moe') return { slidingWindow };
  const firstSliding = optionalNonNegativeInt(json, 'max_window_layers') ?? 28;
  return firstSliding >= layers ? {} : { slidingWindow, slidingWindowLayers: layers - firstSliding };
}

/**
 * llama, mistral, mixtral, qwen2, qwen2_moe, qwen3, qwen3_moe: RMSNorm, SwiGLU, rotary positions. Qwen3's per-head q/k
 * RMSNorms (2 × head_dim weights per layer, under 1e-6 of any Qwen3's parameters) are not counted.
 */
function llamaStyle(json: any, modelType: string, id: string, name: string, source: string): ModelSpecProps {
  requireAct(json, 'hidden_act', ['silu', 'swish'], 'silu');
  const hiddenSize = int(json, 'hidden_size');
  const attentionHeads = int(json, 'num_attention_heads');
  const kvHeads = optionalInt(json, 'num_key_value_heads') ?? attentionHeads;
  const layers = int(json, 'num_hidden_layers');
  const window = slidingWindowOf(json, modelType, layers);
  if (bool(json, 'attention_bias', false) || bool(json, 'mlp_bias', false)) {
    throw new PlanningError('config.attention_bias', 'true', 'attention_bias/mlp_bias in llama-style configs are not supported; use ModelSpec.custom() with qkvBias');
  }
  const props = {
    id, name, source,
    layers,
    hiddenSize,
    attentionHeads,
    kvHeads,
    // Qwen3Config defaults head_dim to 128 rather than hidden_size / heads.
    headDim: optionalInt(json, 'head_dim') ?? (modelType === 'qwen3' ? 128 : undefined),
    ffnHiddenSize: int(json, 'intermediate_size'),
    ffnKind: FfnKind.SWIGLU,
    vocabSize: int(json, 'vocab_size'),
    tiedEmbeddings: bool(json, 'tie_word_embeddings', false),
    attentionKind: attentionKindFor(attentionHeads, kvHeads),
    maxPositionEmbeddings: int(json, 'max_position_embeddings'),
    ...window,
    qkvBias: modelType.startsWith('qwen2'),
  };
  if (modelType === 'mixtral') {
    return { ...props, experts: int(json, 'num_local_experts'), activeExperts: int(json, 'num_experts_per_tok'), moeFfnHiddenSize: props.ffnHiddenSize };
  }
  if (modelType === 'qwen2_moe' || modelType === 'qwen3_moe') {
    // Qwen2MoeSparseMoeBlock: routed experts of moe_intermediate_size plus one shared expert of
    // shared_expert_intermediate_size (modelled as a whole number of expert-sized shared experts) and a 1-wide shared gate
    // (h parameters per layer, not modelled: < 0.01% of the total). Qwen3MoeSparseMoeBlock has no shared expert.
    const moeFfn = int(json, 'moe_intermediate_size');
    const shared = modelType === 'qwen2_moe' ? optionalNonNegativeInt(json, 'shared_expert_intermediate_size') ?? 0 : 0;
    if (shared % moeFfn !== 0) {
      throw new PlanningError('config.shared_expert_intermediate_size', String(shared), `must be a multiple of moe_intermediate_size (${moeFfn})`);
    }
    // Qwen2MoeDecoderLayer / Qwen3MoeDecoderLayer: layer i is sparse unless listed in mlp_only_layers, and only when
    // (i + 1) % decoder_sparse_step == 0; the others have the dense MLP of intermediate_size.
    const dense = json.mlp_only_layers ?? [];
    if (!Array.isArray(dense) || dense.some((v: unknown, i: number) => v !== i)) {
      throw new PlanningError('config.mlp_only_layers', JSON.stringify(dense).slice(0, 80), 'must list the first layers in order (0, 1, …); dense layers elsewhere are not modelled');
    }
    return {
      ...props, experts: int(json, 'num_experts'), activeExperts: int(json, 'num_experts_per_tok'), sharedExperts: shared / moeFfn, moeFfnHiddenSize: moeFfn,
      denseLayers: dense.length, moeLayerInterval: optionalInt(json, 'decoder_sparse_step') ?? 1,
    };
  }
  return props;
}

/**
 * gemma2, gemma3_text: a gated GELU-tanh FFN (GeGLU: SwiGLU's three matrices, so `FfnKind.SWIGLU` shapes), tied
 * embeddings, head_dim from the config (Gemma 3 default 256). Sliding layers: `layer_types` when the config lists them;
 * else Gemma 2 slides every even layer (transformers `Gemma2Config`: `sliding_attention` if (i + 1) % 2) and Gemma 3 all
 * but every `sliding_window_pattern`-th (default 6: full iff (i + 1) % 6 = 0). Gemma 2's post-attention/post-FFN norms and
 * Gemma 3's q/k norms (under 0.01% of the parameters) are not counted.
 */
function gemma(json: any, modelType: string, id: string, name: string, source: string): ModelSpecProps {
  const act = json.hidden_activation ?? json.hidden_act ?? 'gelu_pytorch_tanh';
  if (!['gelu_pytorch_tanh', 'gelu'].includes(act)) {
    throw new PlanningError('config.hidden_activation', JSON.stringify(act), 'must be gelu_pytorch_tanh (or gelu) for Gemma');
  }
  if (bool(json, 'attention_bias', false)) {
    throw new PlanningError('config.attention_bias', 'true', 'Gemma configs with attention biases are not supported; use ModelSpec.custom() with qkvBias');
  }
  const layers = int(json, 'num_hidden_layers');
  const attentionHeads = int(json, 'num_attention_heads');
  const kvHeads = optionalInt(json, 'num_key_value_heads') ?? attentionHeads;
  const slidingWindow = optionalInt(json, 'sliding_window');
  const pattern = modelType === 'gemma2' ? 2 : optionalInt(json, 'sliding_window_pattern') ?? optionalInt(json, '_sliding_window_pattern') ?? 6;
  const slidingWindowLayers = slidingLayersListed(json, layers) ?? layers - Math.floor(layers / pattern);
  const window = slidingWindow !== undefined && slidingWindowLayers > 0 ? { slidingWindow, slidingWindowLayers } : {};
  return {
    id, name, source, layers,
    hiddenSize: int(json, 'hidden_size'),
    attentionHeads,
    kvHeads,
    headDim: optionalInt(json, 'head_dim') ?? (modelType === 'gemma3_text' ? 256 : undefined),
    ffnHiddenSize: int(json, 'intermediate_size'),
    ffnKind: FfnKind.SWIGLU,
    vocabSize: int(json, 'vocab_size'),
    tiedEmbeddings: bool(json, 'tie_word_embeddings', true),
    attentionKind: attentionKindFor(attentionHeads, kvHeads),
    maxPositionEmbeddings: int(json, 'max_position_embeddings'),
    ...window,
  };
}

/** Layers marked `sliding_attention` in a config's `layer_types`, or undefined when it lists none. */
function slidingLayersListed(json: any, layers: number): number | undefined {
  if (json.layer_types === undefined || json.layer_types === null) return undefined;
  if (!Array.isArray(json.layer_types) || json.layer_types.length !== layers
    || json.layer_types.some((t: unknown) => t !== 'sliding_attention' && t !== 'full_attention')) {
    throw new PlanningError('config.layer_types', JSON.stringify(json.layer_types).slice(0, 80), `must list ${layers} entries, each sliding_attention or full_attention`);
  }
  return json.layer_types.filter((t: string) => t === 'sliding_attention').length;
}

/**
 * gpt_oss: every layer MoE (`num_local_experts` experts of `intermediate_size`, top `num_experts_per_tok`, SwiGLU), GQA
 * with head_dim from the config, biased q/k/v, sliding layers from `layer_types` (transformers `GptOssConfig` default:
 * every even layer). The o-projection, router and expert biases and the per-head attention sinks (under 0.05% of the
 * parameters) are not counted.
 */
function gptOss(json: any, id: string, name: string, source: string): ModelSpecProps {
  const layers = int(json, 'num_hidden_layers');
  const attentionHeads = int(json, 'num_attention_heads');
  const kvHeads = optionalInt(json, 'num_key_value_heads') ?? attentionHeads;
  const expertWidth = int(json, 'intermediate_size');
  const slidingWindow = optionalInt(json, 'sliding_window');
  const slidingWindowLayers = slidingLayersListed(json, layers) ?? Math.ceil(layers / 2);
  return {
    id, name, source, layers,
    hiddenSize: int(json, 'hidden_size'),
    attentionHeads,
    kvHeads,
    headDim: optionalInt(json, 'head_dim'),
    ffnHiddenSize: expertWidth,
    ffnKind: FfnKind.SWIGLU,
    vocabSize: int(json, 'vocab_size'),
    tiedEmbeddings: bool(json, 'tie_word_embeddings', false),
    attentionKind: attentionKindFor(attentionHeads, kvHeads),
    maxPositionEmbeddings: int(json, 'max_position_embeddings'),
    ...(slidingWindow !== undefined && slidingWindowLayers > 0 ? { slidingWindow, slidingWindowLayers } : {}),
    experts: int(json, 'num_local_experts'),
    activeExperts: int(json, 'num_experts_per_tok'),
    moeFfnHiddenSize: expertWidth,
    qkvBias: bool(json, 'attention_bias', true),
  };
}

/**
 * deepseek_v3, deepseek_v32, deepseek_v2 and kimi_k2: MLA attention, shared + routed experts after `first_k_dense_replace` dense layers,
 * multi-token-prediction modules from `num_nextn_predict_layers` (not in the parameter count). DeepSeek-V2 has the same
 * keys and modules (`DeepseekV2ForCausalLM`; its group-limited routing is `n_group`/`topk_group` too, arXiv:2405.04434
 * §2.2.2; without query compression `q_lora_rank` is null). Kimi K2 is the DeepSeek-V3 architecture under its own
 * model_type: Kimi-K2 "reuses the DeepSeekV3CausalLM architecture" and sets `"model_type": "kimi_k2"` only so that engines can
 * tell it apart; other frameworks may run it by changing it to deepseek_v3 (MoonshotAI/Kimi-K2 deployment guidance).
 * DeepSeek-V3.2 (deepseek_v32) is DeepSeek-V3 plus DeepSeek Sparse Attention: `index_topk`, `index_n_heads` and
 * `index_head_dim` (2048, 64 and 128; `ModelArgs` in deepseek-ai/DeepSeek-V3.2-Exp inference/model.py) are required.
 */
function deepseekV3(json: any, modelType: string, id: string, name: string, source: string): ModelSpecProps {
  requireAct(json, 'hidden_act', ['silu'], 'silu');
  const attentionHeads = int(json, 'num_attention_heads');
  const qkNopeHeadDim = int(json, 'qk_nope_head_dim');
  const qkRopeHeadDim = int(json, 'qk_rope_head_dim');
  const layers = int(json, 'num_hidden_layers');
  const moeLayerFreq = optionalInt(json, 'moe_layer_freq') ?? 1;
  if (moeLayerFreq !== 1) {
    throw new PlanningError('config.moe_layer_freq', String(moeLayerFreq), 'only moe_layer_freq 1 (every layer after first_k_dense_replace is MoE) is supported');
  }
  return {
    id, name, source, layers,
    hiddenSize: int(json, 'hidden_size'),
    attentionHeads,
    kvHeads: optionalInt(json, 'num_key_value_heads') ?? attentionHeads,
    headDim: qkNopeHeadDim + qkRopeHeadDim,
    ffnHiddenSize: int(json, 'intermediate_size'),
    ffnKind: FfnKind.SWIGLU,
    vocabSize: int(json, 'vocab_size'),
    tiedEmbeddings: bool(json, 'tie_word_embeddings', false),
    attentionKind: AttentionKind.MLA,
    maxPositionEmbeddings: int(json, 'max_position_embeddings'),
    experts: int(json, 'n_routed_experts'),
    ...deepseekMoe(json, 0, 0),
    kvLoraRank: int(json, 'kv_lora_rank'),
    qLoraRank: optionalNonNegativeInt(json, 'q_lora_rank') ?? 0,
    qkRopeHeadDim,
    qkNopeHeadDim,
    vHeadDim: int(json, 'v_head_dim'),
    ...(modelType === 'deepseek_v32' ? {
      sparseAttentionTopK: int(json, 'index_topk'), indexerHeads: int(json, 'index_n_heads'), indexerHeadDim: int(json, 'index_head_dim'),
    } : {}),
  };
}

/**
 * glm4_moe (GLM-4.5, GLM-4.6, GLM-4.7 and their Air variants; transformers `models/glm4_moe`): GQA attention with head_dim
 * from the config (default 128) and q/k/v biases when `attention_bias` (o_proj has none), SwiGLU dense MLP of
 * `intermediate_size` in the first `first_k_dense_replace` layers (default 1), then `n_routed_experts` routed experts of
 * `moe_intermediate_size` with `n_shared_experts` shared ones, top `num_experts_per_tok`, and `num_nextn_predict_layers`
 * multi-token-prediction modules, DeepSeek-V3-style (`Glm4MoeForCausalLM` skips them when loading; not in the parameter
 * count). Partial rotary embedding changes neither shapes nor FLOPs; the optional q/k norms (`use_qk_norm`) and the
 * router's score-correction bias (under 0.01% of the parameters) are not counted.
 */
function glm4Moe(json: any, id: string, name: string, source: string): ModelSpecProps {
  requireAct(json, 'hidden_act', ['silu'], 'silu');
  const attentionHeads = int(json, 'num_attention_heads');
  const kvHeads = optionalInt(json, 'num_key_value_heads') ?? attentionHeads;
  return {
    id, name, source,
    layers: int(json, 'num_hidden_layers'),
    hiddenSize: int(json, 'hidden_size'),
    attentionHeads,
    kvHeads,
    headDim: optionalInt(json, 'head_dim') ?? 128,
    ffnHiddenSize: int(json, 'intermediate_size'),
    ffnKind: FfnKind.SWIGLU,
    vocabSize: int(json, 'vocab_size'),
    tiedEmbeddings: bool(json, 'tie_word_embeddings', false),
    attentionKind: attentionKindFor(attentionHeads, kvHeads),
    // Glm4MoeConfig's default, which transformers applies to a config.json without the key.
    maxPositionEmbeddings: optionalInt(json, 'max_position_embeddings') ?? 131072,
    qkvBias: bool(json, 'attention_bias', false),
    // The first transformers release named the routed experts `num_experts`.
    experts: json.n_routed_experts === undefined && json.num_experts !== undefined ? int(json, 'num_experts') : int(json, 'n_routed_experts'),
    ...deepseekMoe(json, 1, 1),
  };
}

/**
 * The DeepSeek-style MoE keys DeepSeek-V2/V3 and GLM-4.5 share: top `num_experts_per_tok` routed experts of
 * `moe_intermediate_size`, `n_shared_experts` shared ones after `first_k_dense_replace` dense layers (defaults differ by
 * family), `num_nextn_predict_layers` MTP modules, and group-limited routing (`n_group`, `topk_group`).
 */
function deepseekMoe(json: any, sharedDefault: number, denseDefault: number): Partial<ModelSpecProps> {
  return {
    activeExperts: int(json, 'num_experts_per_tok'),
    sharedExperts: optionalNonNegativeInt(json, 'n_shared_experts') ?? sharedDefault,
    moeFfnHiddenSize: int(json, 'moe_intermediate_size'),
    denseLayers: optionalNonNegativeInt(json, 'first_k_dense_replace') ?? denseDefault,
    mtpLayers: optionalNonNegativeInt(json, 'num_nextn_predict_layers') ?? 0,
    expertGroups: optionalNonNegativeInt(json, 'n_group'),
    expertGroupsPerToken: optionalNonNegativeInt(json, 'topk_group'),
  };
}

/**
 * llama4_text (Llama 4 Scout and Maverick; transformers `models/llama4`, `Llama4TextConfig` defaults where a key is
 * absent): GQA with head_dim (128), routed experts of `intermediate_size` with one shared expert of the same width
 * (`Llama4TextMoe.shared_expert`), top `num_experts_per_tok`, on the layers `moe_layers` lists, which must be every
 * `interleave_moe_layer_step`-th (1: all; Maverick 2: the odd ones), the others a dense SwiGLU of `intermediate_size_mlp`.
 * The RoPE layers (`no_rope_layers` 1; by default all but every `no_rope_layer_interval`-th, 4) attend within chunks of
 * `attention_chunk_size` (8192); the NoPE layers attend to the whole context. The q/k L2 norms have no parameters.
 */
function llama4(json: any, id: string, name: string, source: string): ModelSpecProps {
  requireAct(json, 'hidden_act', ['silu'], 'silu');
  if (bool(json, 'attention_bias', false)) {
    throw new PlanningError('config.attention_bias', 'true', 'Llama 4 configs with attention biases are not supported; use ModelSpec.custom() with qkvBias');
  }
  const layers = int(json, 'num_hidden_layers');
  const attentionHeads = int(json, 'num_attention_heads');
  const kvHeads = optionalInt(json, 'num_key_value_heads') ?? attentionHeads;
  const step = optionalInt(json, 'interleave_moe_layer_step') ?? 1;
  const listed = json.moe_layers;
  if (listed !== undefined && listed !== null) {
    const expected = Array.from({ length: Math.floor(layers / step) }, (_, i) => (i + 1) * step - 1);
    if (!Array.isArray(listed) || JSON.stringify(listed) !== JSON.stringify(expected)) {
      throw new PlanningError('config.moe_layers', JSON.stringify(listed).slice(0, 80), `must be every ${step}-th layer (${expected.slice(0, 4).join(', ')}, …) as interleave_moe_layer_step gives; other patterns are not modelled`);
    }
  }
  const noRope = json.no_rope_layers;
  let chunked: number;
  if (Array.isArray(noRope) && noRope.length > 0) {
    if (noRope.length !== layers || noRope.some((v: unknown) => v !== 0 && v !== 1)) {
      throw new PlanningError('config.no_rope_layers', JSON.stringify(noRope).slice(0, 80), `must list ${layers} entries, each 1 (RoPE, chunked attention) or 0 (NoPE, full attention)`);
    }
    chunked = noRope.filter((v: number) => v === 1).length;
  } else {
    chunked = layers - Math.floor(layers / (optionalInt(json, 'no_rope_layer_interval') ?? 4));
  }
  const chunk = optionalInt(json, 'attention_chunk_size') ?? 8192;
  return {
    id, name, source, layers,
    hiddenSize: int(json, 'hidden_size'),
    attentionHeads,
    kvHeads,
    headDim: optionalInt(json, 'head_dim') ?? 128,
    ffnHiddenSize: optionalInt(json, 'intermediate_size_mlp') ?? 16384,
    ffnKind: FfnKind.SWIGLU,
    vocabSize: int(json, 'vocab_size'),
    tiedEmbeddings: bool(json, 'tie_word_embeddings', false),
    attentionKind: attentionKindFor(attentionHeads, kvHeads),
    maxPositionEmbeddings: int(json, 'max_position_embeddings'),
    ...(chunked > 0 ? { attentionChunkSize: chunk, chunkedAttentionLayers: chunked } : {}),
    experts: int(json, 'num_local_experts'),
    activeExperts: int(json, 'num_experts_per_tok'),
    sharedExperts: 1,
    moeFfnHiddenSize: int(json, 'intermediate_size'),
    moeLayerInterval: step,
  };
}

/** gpt2: learned positions, LayerNorm, biased Conv1D projections, GELU MLP of n_inner (default 4·n_embd), tied head. */
function gpt2(json: any, id: string, name: string, source: string): ModelSpecProps {
  const hiddenSize = int(json, 'n_embd');
  const heads = int(json, 'n_head');
  const positions = int(json, 'n_positions');
  return {
    id, name, source,
    layers: int(json, 'n_layer'),
    hiddenSize,
    attentionHeads: heads,
    kvHeads: heads,
    ffnHiddenSize: optionalInt(json, 'n_inner') ?? 4 * hiddenSize,
    ffnKind: FfnKind.GELU,
    vocabSize: int(json, 'vocab_size'),
    tiedEmbeddings: bool(json, 'tie_word_embeddings', true),
    attentionKind: AttentionKind.MHA,
    maxPositionEmbeddings: positions,
    learnedPositionEmbeddings: positions,
    linearBias: true,
  };
}

/** opt: learned positions (+2 offset rows), LayerNorm, biased projections, two-matrix ReLU MLP of ffn_dim (counted as the GELU kind: same shapes). */
function opt(json: any, id: string, name: string, source: string): ModelSpecProps {
  requireAct(json, 'activation_function', ['relu', 'gelu'], 'relu');
  if (bool(json, 'enable_bias', true) === false) {
    throw new PlanningError('config.enable_bias', 'false', 'OPT configs without biases are not supported; use ModelSpec.custom()');
  }
  const hiddenSize = int(json, 'hidden_size');
  const heads = int(json, 'num_attention_heads');
  const maxPositions = int(json, 'max_position_embeddings');
  return {
    id, name, source,
    layers: int(json, 'num_hidden_layers'),
    hiddenSize,
    attentionHeads: heads,
    kvHeads: heads,
    ffnHiddenSize: int(json, 'ffn_dim'),
    ffnKind: FfnKind.GELU,
    vocabSize: int(json, 'vocab_size'),
    tiedEmbeddings: bool(json, 'tie_word_embeddings', true),
    attentionKind: AttentionKind.MHA,
    maxPositionEmbeddings: maxPositions,
    learnedPositionEmbeddings: maxPositions + 2,
    linearBias: true,
    wordEmbeddingSize: optionalInt(json, 'word_embed_proj_dim') ?? hiddenSize,
  };
}
