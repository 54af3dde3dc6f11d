import * as fc from 'fast-check';
import { PlanningError } from '../../../src/errors';
import { AttentionKind, ModelSpec } from '../../../src/planning/catalog';

/*
 * config.json fixtures, copied from the Hugging Face repositories named in each key (huggingface.co/<repo>/blob/main/config.json).
 * `auto_map` and tokenizer-only keys are left out where they do not affect the architecture.
 */
const LLAMA_3_1_8B = {
  architectures: ['LlamaForCausalLM'], attention_bias: false, attention_dropout: 0.0, bos_token_id: 128000, eos_token_id: 128001,
  hidden_act: 'silu', hidden_size: 4096, initializer_range: 0.02, intermediate_size: 14336, max_position_embeddings: 131072,
  mlp_bias: false, model_type: 'llama', num_attention_heads: 32, num_hidden_layers: 32, num_key_value_heads: 8, pretraining_tp: 1,
  rms_norm_eps: 1e-05,
  rope_scaling: { factor: 8.0, low_freq_factor: 1.0, high_freq_factor: 4.0, original_max_position_embeddings: 8192, rope_type: 'llama3' },
  rope_theta: 500000.0, tie_word_embeddings: false, torch_dtype: 'bfloat16', transformers_version: '4.43.0.dev0', use_cache: true,
  vocab_size: 128256,
};

const LLAMA_3_2_1B = {
  architectures: ['LlamaForCausalLM'], attention_bias: false, attention_dropout: 0.0, bos_token_id: 128000, eos_token_id: 128001,
  head_dim: 64, hidden_act: 'silu', hidden_size: 2048, initializer_range: 0.02, intermediate_size: 8192, max_position_embeddings: 131072,
  mlp_bias: false, model_type: 'llama', num_attention_heads: 32, num_hidden_layers: 16, num_key_value_heads: 8, pretraining_tp: 1,
  rms_norm_eps: 1e-05,
  rope_scaling: { factor: 32.0, high_freq_factor: 4.0, low_freq_factor: 1.0, original_max_position_embeddings: 8192, rope_type: 'llama3' },
  rope_theta: 500000.0, tie_word_embeddings: true, torch_dtype: 'bfloat16', transformers_version: '4.45.0.dev0', use_cache: true,
  vocab_size: 128256,
};

const LLAMA_2_70B = {
  architectures: ['LlamaForCausalLM'], bos_token_id: 1, eos_token_id: 2, hidden_act: 'silu', hidden_size: 8192, initializer_range: 0.02,
  intermediate_size: 28672, max_position_embeddings: 4096, model_type: 'llama', num_attention_heads: 64, num_hidden_layers: 80,
  num_key_value_heads: 8, pretraining_tp: 1, rms_norm_eps: 1e-05, rope_scaling: null, tie_word_embeddings: false,
  torch_dtype: 'float16', transformers_version: '4.31.0.dev0', use_cache: true, vocab_size: 32000,
};

const MISTRAL_7B_V0_1 = {
  architectures: ['MistralForCausalLM'], bos_token_id: 1, eos_token_id: 2, hidden_act: 'silu', hidden_size: 4096, initializer_range: 0.02,
  intermediate_size: 14336, max_position_embeddings: 32768, model_type: 'mistral', num_attention_heads: 32, num_hidden_layers: 32,
  num_key_value_heads: 8, rms_norm_eps: 1e-05, rope_theta: 10000.0, sliding_window: 4096, tie_word_embeddings: false,
  torch_dtype: 'bfloat16', transformers_version: '4.34.0.dev0', use_cache: true, vocab_size: 32000,
};

const MIXTRAL_8X7B_V0_1 = {
  architectures: ['MixtralForCausalLM'], attention_dropout: 0.0, bos_token_id: 1, eos_token_id: 2, hidden_act: 'silu', hidden_size: 4096,
  initializer_range: 0.02, intermediate_size: 14336, max_position_embeddings: 32768, model_type: 'mixtral', num_attention_heads: 32,
  num_experts_per_tok: 2, num_hidden_layers: 32, num_key_value_heads: 8, num_local_experts: 8, output_router_logits: false,
  rms_norm_eps: 1e-05, rope_theta: 1e6, router_aux_loss_coef: 0.02, sliding_window: null, tie_word_embeddings: false,
  torch_dtype: 'bfloat16', transformers_version: '4.36.0.dev0', use_cache: true, vocab_size: 32000,
};

const QWEN2_5_7B = {
  architectures: ['Qwen2ForCausalLM'], attention_dropout: 0.0, bos_token_id: 151643, eos_token_id: 151643, hidden_act: 'silu',
  hidden_size: 3584, initializer_range: 0.02, intermediate_size: 18944, max_position_embeddings: 131072, max_window_layers: 28,
  model_type: 'qwen2', num_attention_heads: 28, num_hidden_layers: 28, num_key_value_heads: 4, rms_norm_eps: 1e-06,
  rope_theta: 1000000.0, sliding_window: 131072, tie_word_embeddings: false, torch_dtype: 'bfloat16', transformers_version: '4.40.1',
  use_cache: true, use_mrope: false, use_sliding_window: false, vocab_size: 152064,
};

const DEEPSEEK_V3 = {
  architectures: ['DeepseekV3ForCausalLM'], attention_bias: false, attention_dropout: 0.0, aux_loss_alpha: 0.001, bos_token_id: 0,
  eos_token_id: 1, ep_size: 1, first_k_dense_replace: 3, hidden_act: 'silu', hidden_size: 7168, initializer_range: 0.02,
  intermediate_size: 18432, kv_lora_rank: 512, max_position_embeddings: 163840, model_type: 'deepseek_v3', moe_intermediate_size: 2048,
  moe_layer_freq: 1, n_group: 8, n_routed_experts: 256, n_shared_experts: 1, norm_topk_prob: true, num_attention_heads: 128,
  num_experts_per_tok: 8, num_hidden_layers: 61, num_key_value_heads: 128, num_nextn_predict_layers: 1, pretraining_tp: 1,
  q_lora_rank: 1536, qk_nope_head_dim: 128, qk_rope_head_dim: 64,
  quantization_config: { activation_scheme: 'dynamic', fmt: 'e4m3', quant_method: 'fp8', weight_block_size: [128, 128] },
  rms_norm_eps: 1e-06,
  rope_scaling: { beta_fast: 32, beta_slow: 1, factor: 40, mscale: 1.0, mscale_all_dim: 1.0, original_max_position_embeddings: 4096, type: 'yarn' },
  rope_theta: 10000, routed_scaling_factor: 2.5, scoring_func: 'sigmoid', seq_aux: true, tie_word_embeddings: false, topk_group: 4,
  topk_method: 'noaux_tc', torch_dtype: 'bfloat16', transformers_version: '4.33.1', use_cache: true, v_head_dim: 128, vocab_size: 129280,
};

/** DeepSeek-V3.2: DeepSeek-V3's keys under model_type deepseek_v32, plus the sparse-attention indexer's three. */
const DEEPSEEK_V3_2 = {
  ...DEEPSEEK_V3, architectures: ['DeepseekV32ForCausalLM'], model_type: 'deepseek_v32', index_head_dim: 128, index_n_heads: 64, index_topk: 2048,
};

/** openai-community/gpt2 (GPT-2 small). */
const GPT2 = {
  activation_function: 'gelu_new', architectures: ['GPT2LMHeadModel'], attn_pdrop: 0.1, bos_token_id: 50256, embd_pdrop: 0.1,
  eos_token_id: 50256, initializer_range: 0.02, layer_norm_epsilon: 1e-05, model_type: 'gpt2', n_ctx: 1024, n_embd: 768, n_head: 12,
  n_layer: 12, n_positions: 1024, resid_pdrop: 0.1, summary_activation: null, summary_first_dropout: 0.1, summary_proj_to_labels: true,
  summary_type: 'cls_index', summary_use_proj: true, task_specific_params: { 'text-generation': { do_sample: true, max_length: 50 } },
  vocab_size: 50257,
};

/** facebook/opt-125m. */
const OPT_125M = {
  activation_dropout: 0.0, activation_function: 'relu', architectures: ['OPTForCausalLM'], attention_dropout: 0.0, bos_token_id: 2,
  do_layer_norm_before: true, dropout: 0.1, eos_token_id: 2, ffn_dim: 3072, hidden_size: 768, init_std: 0.02, layerdrop: 0.0,
  max_position_embeddings: 2048, model_type: 'opt', num_attention_heads: 12, num_hidden_layers: 12, pad_token_id: 1, prefix: '</s>',
  torch_dtype: 'float16', transformers_version: '4.21.0.dev0', use_cache: true, vocab_size: 50272, word_embed_proj_dim: 768,
};

/** facebook/opt-350m: the one OPT size with word_embed_proj_dim (512) ≠ hidden_size (1024) and post-norm layers. */
const OPT_350M = {
  ...OPT_125M, do_layer_norm_before: false, ffn_dim: 4096, hidden_size: 1024, num_attention_heads: 16, num_hidden_layers: 24,
  word_embed_proj_dim: 512,
};

/** Qwen/Qwen1.5-MoE-A2.7B (model_type qwen2_moe). */
const QWEN1_5_MOE_A2_7B = {
  architectures: ['Qwen2MoeForCausalLM'], attention_dropout: 0.0, bos_token_id: 151643, decoder_sparse_step: 1, eos_token_id: 151643,
  hidden_act: 'silu', hidden_size: 2048, initializer_range: 0.02, intermediate_size: 5632, max_position_embeddings: 8192,
  max_window_layers: 21, model_type: 'qwen2_moe', moe_intermediate_size: 1408, norm_topk_prob: false, num_attention_heads: 16,
  num_experts: 60, num_experts_per_tok: 4, num_hidden_layers: 24, num_key_value_heads: 16, output_router_logits: false,
  rms_norm_eps: 1e-06, rope_theta: 1000000.0, router_aux_loss_coef: 0.001, shared_expert_intermediate_size: 5632,
  sliding_window: 32768, tie_word_embeddings: false, torch_dtype: 'bfloat16', transformers_version: '4.36.0.dev0', use_cache: true,
  use_sliding_window: false, vocab_size: 151936,
};

/** Qwen/Qwen3-8B (model_type qwen3). */
const QWEN3_8B = {
  architectures: ['Qwen3ForCausalLM'], attention_bias: false, attention_dropout: 0.0, bos_token_id: 151643, eos_token_id: 151645,
  head_dim: 128, hidden_act: 'silu', hidden_size: 4096, initializer_range: 0.02, intermediate_size: 12288, max_position_embeddings: 40960,
  max_window_layers: 36, model_type: 'qwen3', num_attention_heads: 32, num_hidden_layers: 36, num_key_value_heads: 8, rms_norm_eps: 1e-06,
  rope_scaling: null, rope_theta: 1000000, sliding_window: null, tie_word_embeddings: false, torch_dtype: 'bfloat16',
  transformers_version: '4.51.0', use_cache: true, use_sliding_window: false, vocab_size: 151936,
};

/** Qwen/Qwen3-235B-A22B and Qwen/Qwen3-30B-A3B (model_type qwen3_moe). */
const QWEN3_235B_A22B = {
  architectures: ['Qwen3MoeForCausalLM'], attention_bias: false, attention_dropout: 0.0, bos_token_id: 151643, decoder_sparse_step: 1,
  eos_token_id: 151645, head_dim: 128, hidden_act: 'silu', hidden_size: 4096, initializer_range: 0.02, intermediate_size: 12288,
  max_position_embeddings: 40960, max_window_layers: 94, mlp_only_layers: [], model_type: 'qwen3_moe', moe_intermediate_size: 1536,
  norm_topk_prob: true, num_attention_heads: 64, num_experts: 128, num_experts_per_tok: 8, num_hidden_layers: 94, num_key_value_heads: 4,
  output_router_logits: false, rms_norm_eps: 1e-06, rope_scaling: null, rope_theta: 1000000.0, router_aux_loss_coef: 0.001,
  sliding_window: null, tie_word_embeddings: false, torch_dtype: 'bfloat16', transformers_version: '4.51.0', use_cache: true,
  use_sliding_window: false, vocab_size: 151936,
};
const QWEN3_30B_A3B = {
  ...QWEN3_235B_A22B, hidden_size: 2048, intermediate_size: 6144, max_window_layers: 48, moe_intermediate_size: 768, num_attention_heads: 32,
  num_hidden_layers: 48,
};

/** google/gemma-2-9b (model_type gemma2); the 2b and 27b differ only in the sizes listed. */
const GEMMA_2_9B = {
  architectures: ['Gemma2ForCausalLM'], attention_bias: false, attention_dropout: 0.0, attn_logit_softcapping: 50.0, bos_token_id: 2,
  cache_implementation: 'hybrid', eos_token_id: 1, final_logit_softcapping: 30.0, head_dim: 256, hidden_act: 'gelu_pytorch_tanh',
  hidden_activation: 'gelu_pytorch_tanh', hidden_size: 3584, initializer_range: 0.02, intermediate_size: 14336, max_position_embeddings: 8192,
  model_type: 'gemma2', num_attention_heads: 16, num_hidden_layers: 42, num_key_value_heads: 8, pad_token_id: 0, query_pre_attn_scalar: 256,
  rms_norm_eps: 1e-06, rope_theta: 10000.0, sliding_window: 4096, sliding_window_size: 4096, torch_dtype: 'float32', use_cache: true,
  vocab_size: 256000,
};
const GEMMA_2_2B = { ...GEMMA_2_9B, hidden_size: 2304, intermediate_size: 9216, num_attention_heads: 8, num_hidden_layers: 26, num_key_value_heads: 4 };
const GEMMA_2_27B = { ...GEMMA_2_9B, head_dim: 128, hidden_size: 4608, intermediate_size: 36864, num_attention_heads: 32, num_hidden_layers: 46, num_key_value_heads: 16, query_pre_attn_scalar: 144 };

/** google/gemma-3-1b-pt (model_type gemma3_text). */
const GEMMA_3_1B = {
  architectures: ['Gemma3ForCausalLM'], attention_bias: false, attention_dropout: 0.0, attn_logit_softcapping: null, bos_token_id: 2,
  cache_implementation: 'hybrid', eos_token_id: 1, final_logit_softcapping: null, head_dim: 256, hidden_activation: 'gelu_pytorch_tanh',
  hidden_size: 1152, initializer_range: 0.02, intermediate_size: 6912, max_position_embeddings: 32768, model_type: 'gemma3_text',
  num_attention_heads: 4, num_hidden_layers: 26, num_key_value_heads: 1, pad_token_id: 0, query_pre_attn_scalar: 256, rms_norm_eps: 1e-06,
  rope_local_base_freq: 10000, rope_scaling: null, rope_theta: 1000000, sliding_window: 512, sliding_window_pattern: 6, torch_dtype: 'bfloat16',
  use_cache: true, vocab_size: 262144,
};

/** openai/gpt-oss-120b (model_type gpt_oss); gpt-oss-20b has 24 layers and 32 experts. */
const GPT_OSS_120B = {
  architectures: ['GptOssForCausalLM'], attention_bias: true, attention_dropout: 0.0, eos_token_id: 200002, experts_per_token: 4, head_dim: 64,
  hidden_act: 'silu', hidden_size: 2880, initial_context_length: 4096, initializer_range: 0.02, intermediate_size: 2880,
  layer_types: Array.from({ length: 36 }, (_, i) => (i % 2 === 0 ? 'sliding_attention' : 'full_attention')), max_position_embeddings: 131072,
  model_type: 'gpt_oss', num_attention_heads: 64, num_experts_per_tok: 4, num_hidden_layers: 36, num_key_value_heads: 8, num_local_experts: 128,
  output_router_logits: false, pad_token_id: 199999, quantization_config: { quant_method: 'mxfp4' }, rms_norm_eps: 1e-05,
  rope_scaling: { beta_fast: 32.0, beta_slow: 1.0, factor: 32.0, original_max_position_embeddings: 4096, rope_type: 'yarn', truncate: false },
  rope_theta: 150000, router_aux_loss_coef: 0.9, sliding_window: 128, swiglu_limit: 7.0, tie_word_embeddings: false, use_cache: true,
  vocab_size: 201088,
};
const GPT_OSS_20B = {
  ...GPT_OSS_120B, num_hidden_layers: 24, num_local_experts: 32,
  layer_types: Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? 'sliding_attention' : 'full_attention')),
};

/*
 * MoE families read through other parsers' keys. Copies of the Hugging Face config.json as public code reproduces them:
 * deepseek-ai/DeepSeek-V2 in full (transformers_version 4.39.3; rope_scaling and auto_map left out), zai-org/GLM-4.5-Air as a
 * checkpoint converter writes it (its converted checkpoint has no MTP layer, so no num_nextn_predict_layers), and the keys that
 * set the architecture of zai-org/GLM-4.7 and moonshotai/Kimi-K2-Thinking (a parameter counter's fixtures).
 */
const DEEPSEEK_V2 = {
  architectures: ['DeepseekV2ForCausalLM'], attention_bias: false, attention_dropout: 0.0, aux_loss_alpha: 0.001, bos_token_id: 100000,
  eos_token_id: 100001, ep_size: 1, first_k_dense_replace: 1, hidden_act: 'silu', hidden_size: 5120, initializer_range: 0.02,
  intermediate_size: 12288, kv_lora_rank: 512, max_position_embeddings: 163840, model_type: 'deepseek_v2', moe_intermediate_size: 1536,
  moe_layer_freq: 1, n_group: 8, n_routed_experts: 160, n_shared_experts: 2, norm_topk_prob: false, num_attention_heads: 128,
  num_experts_per_tok: 6, num_hidden_layers: 60, num_key_value_heads: 128, pretraining_tp: 1, q_lora_rank: 1536, qk_nope_head_dim: 128,
  qk_rope_head_dim: 64, rms_norm_eps: 1e-06, rope_theta: 10000, routed_scaling_factor: 16.0, scoring_func: 'softmax', seq_aux: true,
  tie_word_embeddings: false, topk_group: 3, topk_method: 'group_limited_greedy', torch_dtype: 'bfloat16', use_cache: true, v_head_dim: 128,
  vocab_size: 102400,
};
const GLM_4_5_AIR = {
  architectures: ['Glm4MoeForCausalLM'], attention_bias: true, attention_dropout: 0.0, pad_token_id: 151329, head_dim: 128, hidden_act: 'silu',
  hidden_size: 4096, decoder_sparse_step: 1, initializer_range: 0.02, intermediate_size: 10944, max_position_embeddings: 131072,
  model_type: 'glm4_moe', moe_intermediate_size: 1408, norm_topk_prob: true, num_attention_heads: 96, n_group: 1, topk_group: 1,
  n_routed_experts: 128, n_shared_experts: 1, routed_scaling_factor: 1.0, topk_method: 'noaux_tc', num_experts_per_tok: 8,
  first_k_dense_replace: 1, num_hidden_layers: 46, num_key_value_heads: 8, partial_rotary_factor: 0.5, rms_norm_eps: 1e-5, rope_theta: 10000,
  tie_word_embeddings: false, torch_dtype: 'bfloat16', use_cache: true, vocab_size: 151552,
};
const GLM_4_7 = {
  model_type: 'glm4_moe', hidden_size: 5120, intermediate_size: 12288, num_hidden_layers: 92, num_attention_heads: 96, num_key_value_heads: 8,
  head_dim: 128, vocab_size: 151552, n_routed_experts: 160, num_experts_per_tok: 8, n_shared_experts: 1, moe_intermediate_size: 1536,
  first_k_dense_replace: 3, num_nextn_predict_layers: 1, tie_word_embeddings: false, torch_dtype: 'bfloat16',
};
const KIMI_K2_THINKING = {
  model_type: 'kimi_k2', hidden_size: 7168, intermediate_size: 18432, num_hidden_layers: 61, num_attention_heads: 64, num_key_value_heads: 64,
  vocab_size: 163840, kv_lora_rank: 512, q_lora_rank: 1536, qk_nope_head_dim: 128, qk_rope_head_dim: 64, v_head_dim: 128, n_routed_experts: 384,
  num_experts_per_tok: 8, n_shared_experts: 1, moe_intermediate_size: 2048, first_k_dense_replace: 1, num_nextn_predict_layers: 0,
  tie_word_embeddings: false, max_position_embeddings: 262144,
  quantization_config: { quant_method: 'compressed-tensors', config_groups: { group_0: { weights: { num_bits: 4, type: 'int' } } } },
};

const ARCHITECTURE_FIELDS = [
  'layers', 'hiddenSize', 'attentionHeads', 'kvHeads', 'headDim', 'ffnHiddenSize', 'ffnKind', 'vocabSize', 'tiedEmbeddings',
  'attentionKind', 'maxPositionEmbeddings', 'slidingWindow', 'slidingWindowLayers', 'attentionChunkSize', 'chunkedAttentionLayers', 'moeLayerInterval', 'experts', 'activeExperts', 'sharedExperts', 'moeFfnHiddenSize',
  'denseLayers', 'mtpLayers', 'kvLoraRank', 'qLoraRank', 'qkRopeHeadDim', 'qkNopeHeadDim', 'vHeadDim', 'sparseAttentionTopK', 'indexerHeads',
  'indexerHeadDim', 'qkvBias', 'linearBias',
  'learnedPositionEmbeddings', 'wordEmbeddingSize',
] as const;

function architecture(m: ModelSpec): Record<string, unknown> {
  return Object.fromEntries(ARCHITECTURE_FIELDS.map((f) => [f, m[f]]));
}

describe('ModelSpec.fromHuggingFaceConfig', () => {
  test.each([
    ['meta-llama/Llama-3.1-8B', LLAMA_3_1_8B, 'llama-3.1-8b'],
    ['meta-llama/Llama-3.2-1B', LLAMA_3_2_1B, 'llama-3.2-1b'],
    ['meta-llama/Llama-2-70b-hf', LLAMA_2_70B, 'llama-2-70b'],
    ['mistralai/Mistral-7B-v0.1', MISTRAL_7B_V0_1, 'mistral-7b'],
    ['mistralai/Mixtral-8x7B-v0.1', MIXTRAL_8X7B_V0_1, 'mixtral-8x7b'],
    ['Qwen/Qwen2.5-7B', QWEN2_5_7B, 'qwen2.5-7b'],
    ['deepseek-ai/DeepSeek-V3', DEEPSEEK_V3, 'deepseek-v3'],
    ['Qwen/Qwen3-8B', QWEN3_8B, 'qwen3-8b'],
    ['Qwen/Qwen3-30B-A3B', QWEN3_30B_A3B, 'qwen3-30b-a3b'],
    ['Qwen/Qwen3-235B-A22B', QWEN3_235B_A22B, 'qwen3-235b-a22b'],
    ['google/gemma-2-9b', GEMMA_2_9B, 'gemma-2-9b'],
    ['openai/gpt-oss-120b', GPT_OSS_120B, 'gpt-oss-120b'],
    ['deepseek-ai/DeepSeek-V2', DEEPSEEK_V2, 'deepseek-v2'],
    ['moonshotai/Kimi-K2-Thinking', KIMI_K2_THINKING, 'kimi-k2'],
    ['zai-org/GLM-4.5-Air', GLM_4_5_AIR, 'glm-4.5-air'],
    ['deepseek-ai/DeepSeek-V3.2', DEEPSEEK_V3_2, 'deepseek-v3.2'],
  ])('%s config.json gives the same architecture and parameter count as catalog %s', (_repo, json, id) => {
    const parsed = ModelSpec.fromHuggingFaceConfig(json, id);
    const catalog = ModelSpec.of(id);
    expect(parsed.id).toBe(id);
    expect(architecture(parsed)).toEqual(architecture(catalog));
    expect(parsed.parameterCount()).toBe(catalog.parameterCount());
    expect(parsed.activeParameterCount()).toBe(catalog.activeParameterCount());
    expect(parsed.kvCacheBytesPerToken(2)).toBe(catalog.kvCacheBytesPerToken(2));
  });

  /**
   * Published totals for configs without a catalog entry:
   * GPT-2 small 124,439,808 and OPT-125m 125,239,296 are the `num_parameters()` of the transformers models
   * (HF safetensors totals: openai-community/gpt2 "124M", facebook/opt-125m "125M"), exact.
   * OPT-350m 331,196,416: its post-norm layers (do_layer_norm_before false) have no final LayerNorm, which the
   * catalog model does not represent, so the count is 2 × 1024 = 2,048 high (6e-6 relative).
   * Qwen1.5-MoE-A2.7B: "14.3B parameters in total and 2.7B activated" (Qwen blog, qwenlm.github.io/blog/qwen-moe/);
   * the shared-expert gate (2048 per layer) is not modelled.
   */
  test.each([
    ['gpt2', GPT2, 124_439_808, 0],
    ['opt-125m', OPT_125M, 125_239_296, 0],
    ['opt-350m', OPT_350M, 331_196_416, 1e-5],
    ['qwen1.5-moe-a2.7b', QWEN1_5_MOE_A2_7B, 14.3e9, 0.005],
  ])('%s config.json gives %d parameters (relative tolerance %d)', (id, json, expected, tolerance) => {
    const m = ModelSpec.fromHuggingFaceConfig(json, id);
    expect(Math.abs(m.parameterCount() - expected) / expected).toBeLessThanOrEqual(tolerance);
  });

  test('Qwen MoE configs with dense layers: mlp_only_layers lead, decoder_sparse_step interleaves, as Qwen2MoeDecoderLayer builds them', () => {
    const every = ModelSpec.fromHuggingFaceConfig(QWEN1_5_MOE_A2_7B);
    const stepped = ModelSpec.fromHuggingFaceConfig({ ...QWEN1_5_MOE_A2_7B, decoder_sparse_step: 2, mlp_only_layers: [0, 1] });
    expect([stepped.denseLayers, stepped.moeLayerInterval]).toEqual([2, 2]);
    // 24 layers: 0 and 1 dense, then MoE where (i + 1) is even: 3, 5, …, 23 → 11 MoE layers, 13 dense of intermediate_size 5,632.
    const h = 2048;
    const moeLayer = (60 + 4) * 3 * h * 1408 + h * 60;
    expect(every.parameterCount() - stepped.parameterCount()).toBe(13 * (moeLayer - 3 * h * 5632));
    expect(() => ModelSpec.fromHuggingFaceConfig({ ...QWEN1_5_MOE_A2_7B, mlp_only_layers: [3, 7] })).toThrow(/config\.mlp_only_layers=\[3,7\]: must list the first layers in order/);
  });

  test('Qwen1.5-MoE-A2.7B activates 2.7B parameters per token (Qwen blog; 1% tolerance)', () => {
    const m = ModelSpec.fromHuggingFaceConfig(QWEN1_5_MOE_A2_7B);
    expect(m.sharedExperts).toBe(4);
    expect(Math.abs(m.activeParameterCount() - 2.7e9) / 2.7e9).toBeLessThanOrEqual(0.01);
  });

  test('GPT-2 and OPT read as MHA with learned positions, biases and tied embeddings', () => {
    const gpt2 = ModelSpec.fromHuggingFaceConfig(GPT2);
    expect(gpt2.id).toBe('custom-gpt2');
    expect([gpt2.attentionKind, gpt2.learnedPositionEmbeddings, gpt2.linearBias, gpt2.tiedEmbeddings, gpt2.ffnHiddenSize])
      .toEqual([AttentionKind.MHA, 1024, true, true, 3072]);
    const opt = ModelSpec.fromHuggingFaceConfig(OPT_350M);
    expect([opt.learnedPositionEmbeddings, opt.wordEmbeddingSize]).toEqual([2050, 512]);
  });

  /**
   * transformers Qwen2Config/Qwen3Config.__post_init__: with use_sliding_window, layer i slides when i ≥ max_window_layers
   * (default 28); Qwen2.5-7B's max_window_layers is its 28 layers, so even with the flag on no layer slides.
   */
  test('Qwen2 sliding_window counts only when use_sliding_window is true, and only for layers from max_window_layers on', () => {
    const window = (json: Record<string, unknown>): [number, number] => {
      const m = ModelSpec.fromHuggingFaceConfig(json);
      return [m.slidingWindow, m.slidingWindowLayers];
    };
    expect(window(QWEN2_5_7B)).toEqual([0, 0]);
    expect(window({ ...QWEN2_5_7B, use_sliding_window: true, sliding_window: 4096 })).toEqual([0, 0]);
    expect(window({ ...QWEN2_5_7B, use_sliding_window: true, sliding_window: 4096, max_window_layers: 0 })).toEqual([4096, 28]);
    expect(window({ ...QWEN2_5_7B, use_sliding_window: true, sliding_window: 4096, max_window_layers: 20 })).toEqual([4096, 8]);
    const noWindowLayers: Record<string, unknown> = { ...QWEN3_8B, use_sliding_window: true, sliding_window: 4096 };
    delete noWindowLayers.max_window_layers;
    expect(window(noWindowLayers)).toEqual([4096, 8]);
    expect(window({ ...QWEN3_30B_A3B, use_sliding_window: true, sliding_window: 4096 })).toEqual([4096, 48]);
  });

  test('with 8 of 28 layers sliding, a 32k-token sequence caches 20 layers × 32,768 + 8 × 4,096 tokens\' K and V, exactly', () => {
    const m = ModelSpec.fromHuggingFaceConfig({ ...QWEN2_5_7B, use_sliding_window: true, sliding_window: 4096, max_window_layers: 20 });
    const perLayerToken = 2 * 4 * 128 * 2; // K and V, 4 KV heads of 128, bf16
    expect(m.kvCacheTokensPerSequence(32768) * m.kvCacheBytesPerToken(2)).toBe((20 * 32768 + 8 * 4096) * perLayerToken);
    expect(m.kvCacheTokensPerSequence(2048)).toBe(2048);
  });

  /**
   * Qwen3 model cards (huggingface.co/Qwen/<model>): Qwen3-8B "Number of Parameters: 8.2B, Number of Paramaters
   * (Non-Embedding): 6.95B"; Qwen3-235B-A22B "235B in total and 22B activated"; Qwen3-30B-A3B "30.5B in total and 3.3B
   * activated". Totals within the cards' rounding (half a unit of the last digit); active counts (here 8.19B, 22.19B and
   * 3.35B, embedding and output head included) within 2%: the 30B card's "3.3B" sits 1.6% under 3.35B.
   */
  test.each([
    ['Qwen3-8B', QWEN3_8B, 8.2e9, 0.05e9, 8.2e9],
    ['Qwen3-235B-A22B', QWEN3_235B_A22B, 235e9, 0.5e9, 22e9],
    ['Qwen3-30B-A3B', QWEN3_30B_A3B, 30.5e9, 0.05e9, 3.3e9],
  ])('%s config.json gives its published total and active parameters', (_name, json, total, totalRounding, active) => {
    const m = ModelSpec.fromHuggingFaceConfig(json);
    expect(Math.abs(m.parameterCount() - total)).toBeLessThanOrEqual(totalRounding);
    expect(Math.abs(m.activeParameterCount() / active - 1)).toBeLessThanOrEqual(0.02);
  });

  /**
   * Hugging Face safetensors totals: google/gemma-2-2b 2,614,341,888, gemma-2-9b 9,241,705,984, gemma-2-27b 27,227,128,320,
   * gemma-3-1b-pt 999,885,952. The planner counts two RMSNorms per layer; Gemma 2 has four (2·h·L more) and Gemma 3 four
   * plus per-head q/k norms (2·h·L + 2·head_dim·L more): with those added the counts are exact.
   */
  test.each([
    ['gemma-2-2b', GEMMA_2_2B, 2_614_341_888, 2 * 2304 * 26],
    ['gemma-2-9b', GEMMA_2_9B, 9_241_705_984, 2 * 3584 * 42],
    ['gemma-2-27b', GEMMA_2_27B, 27_227_128_320, 2 * 4608 * 46],
    ['gemma-3-1b', GEMMA_3_1B, 999_885_952, 2 * 1152 * 26 + 2 * 256 * 26],
  ])('%s config.json gives its published parameters but for the extra norms', (_id, json, published, uncountedNorms) => {
    expect(ModelSpec.fromHuggingFaceConfig(json).parameterCount() + uncountedNorms).toBe(published);
  });

  test('Gemma slides half its layers (Gemma 2) or five in six (Gemma 3), or as layer_types lists them; gemma3 with a vision tower is refused', () => {
    const sliding = (json: Record<string, unknown>): [number, number, AttentionKind] => {
      const m = ModelSpec.fromHuggingFaceConfig(json);
      return [m.slidingWindow, m.slidingWindowLayers, m.attentionKind];
    };
    expect(sliding(GEMMA_2_9B)).toEqual([4096, 21, AttentionKind.GQA]);
    expect(sliding(GEMMA_3_1B)).toEqual([512, 22, AttentionKind.MQA]);
    const types = Array.from({ length: 26 }, (_, i) => ((i + 1) % 2 ? 'sliding_attention' : 'full_attention'));
    expect(sliding({ ...GEMMA_3_1B, layer_types: types })).toEqual([512, 13, AttentionKind.MQA]);
    expect(() => ModelSpec.fromHuggingFaceConfig({ ...GEMMA_3_1B, layer_types: ['sliding_attention'] })).toThrow(/config\.layer_types=.*must list 26 entries/);
    expect(() => ModelSpec.fromHuggingFaceConfig({ ...GEMMA_3_1B, model_type: 'gemma3' })).toThrow(/config\.model_type=gemma3: .*pass the text_config/);
    // 21 full layers × 32,768 tokens + 21 sliding × 4,096, K and V of 8 heads × 256 in bf16.
    const m = ModelSpec.fromHuggingFaceConfig(GEMMA_2_9B);
    expect(m.kvCacheTokensPerSequence(32768) * m.kvCacheBytesPerToken(2)).toBe((21 * 32768 + 21 * 4096) * 2 * 8 * 256 * 2);
  });

  /**
   * OpenAI, gpt-oss-120b & gpt-oss-20b model card (2025) Table 1: 116.83B total / 5.13B active and 20.91B / 3.61B, where
   * active counts the unembedding but not the embedding table. Biases on the o-projection, router and experts and the
   * attention sinks are not counted (0.035% of the 120B).
   */
  test.each([
    ['gpt-oss-120b', GPT_OSS_120B, 116.83e9, 5.13e9],
    ['gpt-oss-20b', GPT_OSS_20B, 20.91e9, 3.61e9],
  ])('%s config.json gives its published total (0.1%%) and active parameters (1%%), half its layers sliding over 128 tokens', (_id, json, total, active) => {
    const m = ModelSpec.fromHuggingFaceConfig(json);
    expect(Math.abs(m.parameterCount() / total - 1)).toBeLessThanOrEqual(0.001);
    expect(Math.abs((m.activeParameterCount() - m.vocabSize * m.hiddenSize) / active - 1)).toBeLessThanOrEqual(0.01);
    expect([m.slidingWindow, m.slidingWindowLayers, m.layers / 2, m.experts, m.activeExperts, m.qkvBias]).toEqual([128, m.layers / 2, m.layers / 2, json.num_local_experts, 4, true]);
  });

  test('Qwen3 reads as GQA with head_dim 128, no qkv bias and no shared expert; its non-embedding parameters are the card\'s 6.95B', () => {
    const dense = ModelSpec.fromHuggingFaceConfig(QWEN3_8B);
    expect([dense.attentionKind, dense.headDim, dense.qkvBias, dense.isMoe]).toEqual([AttentionKind.GQA, 128, false, false]);
    expect(Math.abs(dense.parameterCount() - 2 * 151936 * 4096 - 6.95e9)).toBeLessThanOrEqual(0.005e9);
    const moe = ModelSpec.fromHuggingFaceConfig(QWEN3_235B_A22B);
    expect([moe.experts, moe.activeExperts, moe.sharedExperts, moe.moeFfnHiddenSize, moe.headDim]).toEqual([128, 8, 0, 1536, 128]);
    const { head_dim: _omitted, ...noHeadDim } = QWEN3_8B;
    expect(ModelSpec.fromHuggingFaceConfig({ ...noHeadDim, hidden_size: 2560 }).headDim).toBe(128);
  });

  test('the id defaults to _name_or_path', () => {
    expect(ModelSpec.fromHuggingFaceConfig({ ...LLAMA_3_1_8B, _name_or_path: 'meta-llama/Llama-3.1-8B' }).id).toBe('meta-llama/Llama-3.1-8B');
  });

  test.each([
    ['hidden_size', LLAMA_3_1_8B],
    ['num_hidden_layers', MISTRAL_7B_V0_1],
    ['num_local_experts', MIXTRAL_8X7B_V0_1],
    ['kv_lora_rank', DEEPSEEK_V3],
    ['n_embd', GPT2],
    ['ffn_dim', OPT_125M],
  ])('a missing %s is a PlanningError naming the key', (key, json) => {
    const broken: Record<string, unknown> = { ...json };
    delete broken[key];
    expect(() => ModelSpec.fromHuggingFaceConfig(broken)).toThrow(new RegExp(`config\\.${key}=missing`));
  });

  test.each([
    ['num_attention_heads', '32'],
    ['num_attention_heads', 0],
    ['vocab_size', 1.5],
    ['tie_word_embeddings', 'yes'],
    ['hidden_act', 'gelu'],
  ])('an invalid %s (%p) is a PlanningError naming the key', (key, value) => {
    expect(() => ModelSpec.fromHuggingFaceConfig({ ...LLAMA_3_1_8B, [key]: value })).toThrow(new RegExp(`config\\.${key}=`));
  });

  test('an unsupported model_type, a missing model_type and a non-object are PlanningErrors', () => {
    expect(() => ModelSpec.fromHuggingFaceConfig({ ...LLAMA_3_1_8B, model_type: 'bert' })).toThrow(/config\.model_type=bert: is not supported/);
    const noType: Record<string, unknown> = { ...LLAMA_3_1_8B };
    delete noType.model_type;
    expect(() => ModelSpec.fromHuggingFaceConfig(noType)).toThrow(/config\.model_type=undefined/);
    expect(() => ModelSpec.fromHuggingFaceConfig([])).toThrow(PlanningError);
    expect(() => ModelSpec.fromHuggingFaceConfig(null)).toThrow(/config=null/);
  });

  test('sizes too large to be a model are PlanningErrors, not infinite parameter counts (found by fast-check: vocab_size 1e308)', () => {
    expect(() => ModelSpec.fromHuggingFaceConfig({ ...LLAMA_3_1_8B, vocab_size: 1e308 })).toThrow(/model\.vocabSize=1e\+308: must be at most 2147483647/);
    expect(() => ModelSpec.fromHuggingFaceConfig({ ...LLAMA_3_1_8B, hidden_size: 2 ** 30, intermediate_size: 2 ** 30, num_attention_heads: 2 ** 20, num_key_value_heads: 2 ** 20 }))
      .toThrow(/model=.*parameters, more than 2\^53/);
  });

  test('a config whose numbers are inconsistent fails ModelSpec validation with the model field', () => {
    expect(() => ModelSpec.fromHuggingFaceConfig({ ...LLAMA_3_1_8B, num_key_value_heads: 5 })).toThrow(/model\.kvHeads=5/);
  });
});

/**
 * Published totals (parameters a token uses, for MoE) of the MoE families parsed with other families' modules:
 * - DeepSeek-V2: "236B total parameters, of which 21B are activated for each token" (arXiv:2405.04434, abstract); MLA caches
 *   (d_c + d_h^R) · l = (512 + 64) · 60 elements per token (§2.1.2, Table 1);
 * - GLM-4.5-Air 106B with 12B activated, GLM-4.5 (and 4.6/4.7, same shapes) 355B with 32B activated (GLM-4.5 technical report,
 *   arXiv:2508.06471, Table 1). GLM's activated figures leave out the input and output embeddings, which the planner's
 *   active count includes; the MTP module (4.0B, in the checkpoint, not in the parameter count) puts 355B between the two;
 * - Kimi K2: "32 billion activated parameters and 1 trillion total parameters" (arXiv:2507.20534, abstract), rounded figures.
 */
describe('fromHuggingFaceConfig: DeepSeek-V2, Kimi K2 and GLM-4.5 MoE families', () => {
  test.each([
    ['deepseek-ai/DeepSeek-V2', DEEPSEEK_V2, 236e9, 21e9, 0.01, 0.02, false],
    ['zai-org/GLM-4.5-Air', GLM_4_5_AIR, 106e9, 12e9, 0.01, 0.02, true],
    ['zai-org/GLM-4.7', GLM_4_7, 355e9, 32e9, 0.01, 0.02, true],
    ['moonshotai/Kimi-K2-Thinking', KIMI_K2_THINKING, 1e12, 32e9, 0.05, 0.05, false],
  ] as Array<[string, Record<string, unknown>, number, number, number, number, boolean]>)(
    '%s: total and activated parameters within tolerance of the published figures', (_repo, json, total, active, totalTolerance, activeTolerance, withoutEmbeddings) => {
      const m = ModelSpec.fromHuggingFaceConfig(json);
      expect(Math.abs(m.parameterCount() / total - 1)).toBeLessThanOrEqual(totalTolerance);
      const activated = m.activeParameterCount() - (withoutEmbeddings ? m.embeddingParameterCount() : 0);
      expect(Math.abs(activated / active - 1)).toBeLessThanOrEqual(activeTolerance);
    });

  test('DeepSeek-V2 reads as MLA with device-limited routing (8 groups, 3 per token) and caches 576 elements per layer per token, exactly', () => {
    const v2 = ModelSpec.fromHuggingFaceConfig(DEEPSEEK_V2);
    expect([v2.attentionKind, v2.experts, v2.activeExperts, v2.sharedExperts, v2.denseLayers]).toEqual([AttentionKind.MLA, 160, 6, 2, 1]);
    expect([v2.expertGroups, v2.expertGroupsPerToken]).toEqual([8, 3]);
    expect(v2.kvCacheBytesPerToken(2)).toBe((512 + 64) * 60 * 2);
    expect(ModelSpec.fromHuggingFaceConfig({ ...DEEPSEEK_V2, q_lora_rank: null }).qLoraRank).toBe(0);
  });

  test('DeepSeek-V3.2 needs its indexer keys: a deepseek_v32 config without index_topk is a PlanningError naming it', () => {
    const missing: Record<string, unknown> = { ...DEEPSEEK_V3_2 };
    delete missing.index_topk;
    expect(() => ModelSpec.fromHuggingFaceConfig(missing)).toThrow(/config\.index_topk=missing/);
    expect(ModelSpec.fromHuggingFaceConfig(DEEPSEEK_V3).sparseAttentionTopK).toBe(0);
  });

  test('Kimi K2 is the DeepSeek-V3 architecture under its own model_type; Kimi K2.5 is refused with its vision tower, its text_config read', () => {
    const k2 = ModelSpec.fromHuggingFaceConfig(KIMI_K2_THINKING, 'kimi-k2');
    expect(architecture(k2)).toEqual(architecture(ModelSpec.fromHuggingFaceConfig({ ...KIMI_K2_THINKING, model_type: 'deepseek_v3' }, 'kimi-k2')));
    expect([k2.attentionKind, k2.experts, k2.kvCacheBytesPerToken(2)]).toEqual([AttentionKind.MLA, 384, (512 + 64) * 61 * 2]);
    const k25 = { model_type: 'kimi_k25', vision_config: { vt_num_hidden_layers: 27 }, text_config: KIMI_K2_THINKING };
    expect(() => ModelSpec.fromHuggingFaceConfig(k25)).toThrow(/config\.model_type=kimi_k25: .*pass the text_config object/);
    expect(ModelSpec.fromHuggingFaceConfig(k25.text_config).parameterCount()).toBe(k2.parameterCount());
  });

  test('GLM-4.5-Air reads as GQA (8 KV heads of 128) with q/k/v biases, one dense layer and one shared expert; a missing max_position_embeddings takes Glm4MoeConfig\'s 131,072', () => {
    const air = ModelSpec.fromHuggingFaceConfig(GLM_4_5_AIR);
    expect([air.attentionKind, air.kvHeads, air.headDim, air.qkvBias, air.denseLayers, air.sharedExperts, air.mtpLayers]).toEqual([AttentionKind.GQA, 8, 128, true, 1, 1, 0]);
    expect(air.kvCacheBytesPerToken(2)).toBe(2 * 46 * 8 * 128 * 2);
    const glm = ModelSpec.fromHuggingFaceConfig(GLM_4_7);
    expect([glm.maxPositionEmbeddings, glm.mtpLayers, glm.qkvBias]).toEqual([131072, 1, false]);
    expect(Math.abs(glm.mtpParameterCount() / 4.0e9 - 1)).toBeLessThan(0.01);
    expect(ModelSpec.fromHuggingFaceConfig({ ...GLM_4_5_AIR, n_routed_experts: undefined, num_experts: 128 }).experts).toBe(128);
  });
});

describe('fromHuggingFaceConfig properties (fast-check)', () => {
  const FIXTURES: Array<Record<string, unknown>> = [
    LLAMA_3_1_8B, LLAMA_3_2_1B, MISTRAL_7B_V0_1, MIXTRAL_8X7B_V0_1, QWEN2_5_7B, DEEPSEEK_V3, GPT2, OPT_350M, QWEN1_5_MOE_A2_7B,
    QWEN3_8B, QWEN3_235B_A22B, GEMMA_2_9B, GEMMA_3_1B, GPT_OSS_120B, DEEPSEEK_V2, GLM_4_5_AIR, GLM_4_7, KIMI_K2_THINKING, DEEPSEEK_V3_2,
  ];
  const value = fc.oneof(
    fc.integer({ min: -4, max: 1 << 20 }), fc.double({ noNaN: false }), fc.constantFrom(0, 1, 2, 1e308, Number.MAX_SAFE_INTEGER, 2 ** 31),
    fc.boolean(), fc.constant(null), fc.string({ maxLength: 6 }), fc.constant([]), fc.constant({}),
  );

  test('a real config with random keys replaced or removed gives a model with finite positive counts, or a PlanningError', () => {
    fc.assert(fc.property(
      fc.nat({ max: FIXTURES.length - 1 }), fc.array(fc.tuple(fc.nat(), value, fc.boolean()), { minLength: 1, maxLength: 4 }),
      (which, edits) => {
        const json: Record<string, unknown> = { ...FIXTURES[which] };
        const keys = Object.keys(json);
        for (const [k, v, remove] of edits) {
          const key = keys[k % keys.length];
          if (remove) delete json[key]; else json[key] = v;
        }
        let m: ModelSpec;
        try {
          m = ModelSpec.fromHuggingFaceConfig(json);
        } catch (e) {
          expect(e).toBeInstanceOf(PlanningError);
          return;
        }
        for (const n of [m.parameterCount(), m.activeParameterCount(), m.kvCacheBytesPerToken(2), m.kvCacheBytesPerToken(1)]) {
          expect(Number.isFinite(n) && n > 0).toBe(true);
        }
        expect(m.activeParameterCount()).toBeLessThanOrEqual(m.parameterCount());
      }), { numRuns: 400 });
  });
});
