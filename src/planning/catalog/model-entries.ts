/**
 * The catalog's model architectures, as `ModelSpec`'s static members register them (model-spec.ts holds each one's
 * description and sources in its TSDoc). Internal: not re-exported from catalog/index.ts.
 */
import { AttentionKind, FfnKind, ModelSpecProps } from './model-architecture';

const HF = 'https://huggingface.co';

/** DeepSeek-V3's shapes (deepseek-ai/DeepSeek-V3 config.json), which DeepSeek-V3.2 keeps. */
const DEEPSEEK_V3_SHAPE = {
  layers: 61, hiddenSize: 7168, attentionHeads: 128, kvHeads: 128,
  headDim: 192, ffnHiddenSize: 18432, ffnKind: FfnKind.SWIGLU, vocabSize: 129280, tiedEmbeddings: false,
  attentionKind: AttentionKind.MLA, maxPositionEmbeddings: 163840,
  experts: 256, activeExperts: 8, sharedExperts: 1, moeFfnHiddenSize: 2048, denseLayers: 3, mtpLayers: 1, expertGroups: 8, expertGroupsPerToken: 4,
  kvLoraRank: 512, qLoraRank: 1536, qkRopeHeadDim: 64, qkNopeHeadDim: 128, vHeadDim: 128,
} as const;

/** Architecture of `ModelSpec.LLAMA_3_1_8B` (sources in its TSDoc). */
export const LLAMA_3_1_8B: ModelSpecProps = {
  id: 'llama-3.1-8b', name: 'Llama 3.1 8B', layers: 32, hiddenSize: 4096, attentionHeads: 32, kvHeads: 8,
  ffnHiddenSize: 14336, ffnKind: FfnKind.SWIGLU, vocabSize: 128256, tiedEmbeddings: false,
  attentionKind: AttentionKind.GQA, maxPositionEmbeddings: 131072,
  source: `${HF}/meta-llama/Llama-3.1-8B/blob/main/config.json`,
};

/** Architecture of `ModelSpec.LLAMA_3_1_70B` (sources in its TSDoc). */
export const LLAMA_3_1_70B: ModelSpecProps = {
  id: 'llama-3.1-70b', name: 'Llama 3.1 70B', layers: 80, hiddenSize: 8192, attentionHeads: 64, kvHeads: 8,
  ffnHiddenSize: 28672, ffnKind: FfnKind.SWIGLU, vocabSize: 128256, tiedEmbeddings: false,
  attentionKind: AttentionKind.GQA, maxPositionEmbeddings: 131072,
  source: `${HF}/meta-llama/Llama-3.1-70B/blob/main/config.json`,
};

/** Architecture of `ModelSpec.LLAMA_3_1_405B` (sources in its TSDoc). */
export const LLAMA_3_1_405B: ModelSpecProps = {
  id: 'llama-3.1-405b', name: 'Llama 3.1 405B', layers: 126, hiddenSize: 16384, attentionHeads: 128, kvHeads: 8,
  ffnHiddenSize: 53248, ffnKind: FfnKind.SWIGLU, vocabSize: 128256, tiedEmbeddings: false,
  attentionKind: AttentionKind.GQA, maxPositionEmbeddings: 131072,
  source: `${HF}/meta-llama/Llama-3.1-405B/blob/main/config.json`,
};

/** Architecture of `ModelSpec.LLAMA_3_2_1B` (sources in its TSDoc). */
export const LLAMA_3_2_1B: ModelSpecProps = {
  id: 'llama-3.2-1b', name: 'Llama 3.2 1B', layers: 16, hiddenSize: 2048, attentionHeads: 32, kvHeads: 8, headDim: 64,
  ffnHiddenSize: 8192, ffnKind: FfnKind.SWIGLU, vocabSize: 128256, tiedEmbeddings: true,
  attentionKind: AttentionKind.GQA, maxPositionEmbeddings: 131072,
  source: `${HF}/meta-llama/Llama-3.2-1B/blob/main/config.json`,
};

/** Architecture of `ModelSpec.LLAMA_3_2_3B` (sources in its TSDoc). */
export const LLAMA_3_2_3B: ModelSpecProps = {
  id: 'llama-3.2-3b', name: 'Llama 3.2 3B', layers: 28, hiddenSize: 3072, attentionHeads: 24, kvHeads: 8, headDim: 128,
  ffnHiddenSize: 8192, ffnKind: FfnKind.SWIGLU, vocabSize: 128256, tiedEmbeddings: true,
  attentionKind: AttentionKind.GQA, maxPositionEmbeddings: 131072,
  source: `${HF}/meta-llama/Llama-3.2-3B/blob/main/config.json`,
};

/** Architecture of `ModelSpec.LLAMA_2_7B` (sources in its TSDoc). */
export const LLAMA_2_7B: ModelSpecProps = {
  id: 'llama-2-7b', name: 'Llama 2 7B', layers: 32, hiddenSize: 4096, attentionHeads: 32, kvHeads: 32,
  ffnHiddenSize: 11008, ffnKind: FfnKind.SWIGLU, vocabSize: 32000, tiedEmbeddings: false,
  attentionKind: AttentionKind.MHA, maxPositionEmbeddings: 4096,
  source: `${HF}/meta-llama/Llama-2-7b-hf/blob/main/config.json`,
};

/** Architecture of `ModelSpec.LLAMA_2_13B` (sources in its TSDoc). */
export const LLAMA_2_13B: ModelSpecProps = {
  id: 'llama-2-13b', name: 'Llama 2 13B', layers: 40, hiddenSize: 5120, attentionHeads: 40, kvHeads: 40,
  ffnHiddenSize: 13824, ffnKind: FfnKind.SWIGLU, vocabSize: 32000, tiedEmbeddings: false,
  attentionKind: AttentionKind.MHA, maxPositionEmbeddings: 4096,
  source: `${HF}/meta-llama/Llama-2-13b-hf/blob/main/config.json`,
};

/** Architecture of `ModelSpec.LLAMA_2_70B` (sources in its TSDoc). */
export const LLAMA_2_70B: ModelSpecProps = {
  id: 'llama-2-70b', name: 'Llama 2 70B', layers: 80, hiddenSize: 8192, attentionHeads: 64, kvHeads: 8,
  ffnHiddenSize: 28672, ffnKind: FfnKind.SWIGLU, vocabSize: 32000, tiedEmbeddings: false,
  attentionKind: AttentionKind.GQA, maxPositionEmbeddings: 4096,
  source: `${HF}/meta-llama/Llama-2-70b-hf/blob/main/config.json`,
};

/** Architecture of `ModelSpec.MISTRAL_7B` (sources in its TSDoc). */
export const MISTRAL_7B: ModelSpecProps = {
  id: 'mistral-7b', name: 'Mistral 7B v0.1', layers: 32, hiddenSize: 4096, attentionHeads: 32, kvHeads: 8,
  ffnHiddenSize: 14336, ffnKind: FfnKind.SWIGLU, vocabSize: 32000, tiedEmbeddings: false,
  attentionKind: AttentionKind.GQA, maxPositionEmbeddings: 32768, slidingWindow: 4096,
  source: `${HF}/mistralai/Mistral-7B-v0.1/blob/main/config.json`,
};

/** Architecture of `ModelSpec.MIXTRAL_8X7B` (sources in its TSDoc). */
export const MIXTRAL_8X7B: ModelSpecProps = {
  id: 'mixtral-8x7b', name: 'Mixtral 8x7B v0.1', layers: 32, hiddenSize: 4096, attentionHeads: 32, kvHeads: 8,
  ffnHiddenSize: 14336, ffnKind: FfnKind.SWIGLU, vocabSize: 32000, tiedEmbeddings: false,
  attentionKind: AttentionKind.GQA, maxPositionEmbeddings: 32768, experts: 8, activeExperts: 2, moeFfnHiddenSize: 14336,
  source: `${HF}/mistralai/Mixtral-8x7B-v0.1/blob/main/config.json`,
};

/** Architecture of `ModelSpec.QWEN2_5_7B` (sources in its TSDoc). */
export const QWEN2_5_7B: ModelSpecProps = {
  id: 'qwen2.5-7b', name: 'Qwen2.5 7B', layers: 28, hiddenSize: 3584, attentionHeads: 28, kvHeads: 4,
  ffnHiddenSize: 18944, ffnKind: FfnKind.SWIGLU, vocabSize: 152064, tiedEmbeddings: false,
  attentionKind: AttentionKind.GQA, maxPositionEmbeddings: 131072, qkvBias: true,
  source: `${HF}/Qwen/Qwen2.5-7B/blob/main/config.json`,
};

/** Architecture of `ModelSpec.QWEN2_5_72B` (sources in its TSDoc). */
export const QWEN2_5_72B: ModelSpecProps = {
  id: 'qwen2.5-72b', name: 'Qwen2.5 72B', layers: 80, hiddenSize: 8192, attentionHeads: 64, kvHeads: 8,
  ffnHiddenSize: 29568, ffnKind: FfnKind.SWIGLU, vocabSize: 152064, tiedEmbeddings: false,
  attentionKind: AttentionKind.GQA, maxPositionEmbeddings: 131072, qkvBias: true,
  source: `${HF}/Qwen/Qwen2.5-72B/blob/main/config.json`,
};

/** Architecture of `ModelSpec.QWEN3_8B` (sources in its TSDoc). */
export const QWEN3_8B: ModelSpecProps = {
  id: 'qwen3-8b', name: 'Qwen3 8B', layers: 36, hiddenSize: 4096, attentionHeads: 32, kvHeads: 8, headDim: 128,
  ffnHiddenSize: 12288, ffnKind: FfnKind.SWIGLU, vocabSize: 151936, tiedEmbeddings: false,
  attentionKind: AttentionKind.GQA, maxPositionEmbeddings: 40960,
  source: `${HF}/Qwen/Qwen3-8B/blob/main/config.json`,
};

/** Architecture of `ModelSpec.QWEN3_30B_A3B` (sources in its TSDoc). */
export const QWEN3_30B_A3B: ModelSpecProps = {
  id: 'qwen3-30b-a3b', name: 'Qwen3 30B-A3B', layers: 48, hiddenSize: 2048, attentionHeads: 32, kvHeads: 4, headDim: 128,
  ffnHiddenSize: 6144, ffnKind: FfnKind.SWIGLU, vocabSize: 151936, tiedEmbeddings: false,
  attentionKind: AttentionKind.GQA, maxPositionEmbeddings: 40960, experts: 128, activeExperts: 8, moeFfnHiddenSize: 768,
  source: `${HF}/Qwen/Qwen3-30B-A3B/blob/main/config.json`,
};

/** Architecture of `ModelSpec.QWEN3_235B_A22B` (sources in its TSDoc). */
export const QWEN3_235B_A22B: ModelSpecProps = {
  id: 'qwen3-235b-a22b', name: 'Qwen3 235B-A22B', layers: 94, hiddenSize: 4096, attentionHeads: 64, kvHeads: 4, headDim: 128,
  ffnHiddenSize: 12288, ffnKind: FfnKind.SWIGLU, vocabSize: 151936, tiedEmbeddings: false,
  attentionKind: AttentionKind.GQA, maxPositionEmbeddings: 40960, experts: 128, activeExperts: 8, moeFfnHiddenSize: 1536,
  source: `${HF}/Qwen/Qwen3-235B-A22B/blob/main/config.json`,
};

/** Architecture of `ModelSpec.GEMMA_2_9B` (sources in its TSDoc). */
export const GEMMA_2_9B: ModelSpecProps = {
  id: 'gemma-2-9b', name: 'Gemma 2 9B', layers: 42, hiddenSize: 3584, attentionHeads: 16, kvHeads: 8, headDim: 256,
  ffnHiddenSize: 14336, ffnKind: FfnKind.SWIGLU, vocabSize: 256000, tiedEmbeddings: true,
  attentionKind: AttentionKind.GQA, maxPositionEmbeddings: 8192, slidingWindow: 4096, slidingWindowLayers: 21,
  source: `${HF}/google/gemma-2-9b/blob/main/config.json`,
};

/** Architecture of `ModelSpec.GPT_OSS_120B` (sources in its TSDoc). */
export const GPT_OSS_120B: ModelSpecProps = {
  id: 'gpt-oss-120b', name: 'gpt-oss-120b', layers: 36, hiddenSize: 2880, attentionHeads: 64, kvHeads: 8, headDim: 64,
  ffnHiddenSize: 2880, ffnKind: FfnKind.SWIGLU, vocabSize: 201088, tiedEmbeddings: false,
  attentionKind: AttentionKind.GQA, maxPositionEmbeddings: 131072, slidingWindow: 128, slidingWindowLayers: 18,
  experts: 128, activeExperts: 4, moeFfnHiddenSize: 2880, qkvBias: true,
  source: `${HF}/openai/gpt-oss-120b/blob/main/config.json`,
};

/** Architecture of `ModelSpec.DEEPSEEK_V3` (sources in its TSDoc). */
export const DEEPSEEK_V3: ModelSpecProps = {
  id: 'deepseek-v3', name: 'DeepSeek-V3', ...DEEPSEEK_V3_SHAPE,
  source: `${HF}/deepseek-ai/DeepSeek-V3/blob/main/config.json`,
};

/** Architecture of `ModelSpec.DEEPSEEK_V3_2` (sources in its TSDoc). */
export const DEEPSEEK_V3_2: ModelSpecProps = {
  id: 'deepseek-v3.2', name: 'DeepSeek-V3.2', ...DEEPSEEK_V3_SHAPE,
  sparseAttentionTopK: 2048, indexerHeads: 64, indexerHeadDim: 128,
  source: `${HF}/deepseek-ai/DeepSeek-V3.2/blob/main/config.json`,
};

/** Architecture of `ModelSpec.DEEPSEEK_V2` (sources in its TSDoc). */
export const DEEPSEEK_V2: ModelSpecProps = {
  id: 'deepseek-v2', name: 'DeepSeek-V2', layers: 60, hiddenSize: 5120, attentionHeads: 128, kvHeads: 128,
  headDim: 192, ffnHiddenSize: 12288, ffnKind: FfnKind.SWIGLU, vocabSize: 102400, tiedEmbeddings: false,
  attentionKind: AttentionKind.MLA, maxPositionEmbeddings: 163840,
  experts: 160, activeExperts: 6, sharedExperts: 2, moeFfnHiddenSize: 1536, denseLayers: 1, expertGroups: 8, expertGroupsPerToken: 3,
  kvLoraRank: 512, qLoraRank: 1536, qkRopeHeadDim: 64, qkNopeHeadDim: 128, vHeadDim: 128,
  source: `${HF}/deepseek-ai/DeepSeek-V2/blob/main/config.json`,
};

/** Architecture of `ModelSpec.KIMI_K2` (sources in its TSDoc). */
export const KIMI_K2: ModelSpecProps = {
  id: 'kimi-k2', name: 'Kimi K2', layers: 61, hiddenSize: 7168, attentionHeads: 64, kvHeads: 64,
  headDim: 192, ffnHiddenSize: 18432, ffnKind: FfnKind.SWIGLU, vocabSize: 163840, tiedEmbeddings: false,
  attentionKind: AttentionKind.MLA, maxPositionEmbeddings: 262144,
  experts: 384, activeExperts: 8, sharedExperts: 1, moeFfnHiddenSize: 2048, denseLayers: 1,
  kvLoraRank: 512, qLoraRank: 1536, qkRopeHeadDim: 64, qkNopeHeadDim: 128, vHeadDim: 128,
  source: `${HF}/moonshotai/Kimi-K2-Thinking/blob/main/config.json`,
};

/** Architecture of `ModelSpec.GLM_4_5_AIR` (sources in its TSDoc). */
export const GLM_4_5_AIR: ModelSpecProps = {
  id: 'glm-4.5-air', name: 'GLM-4.5-Air', layers: 46, hiddenSize: 4096, attentionHeads: 96, kvHeads: 8, headDim: 128,
  ffnHiddenSize: 10944, ffnKind: FfnKind.SWIGLU, vocabSize: 151552, tiedEmbeddings: false,
  attentionKind: AttentionKind.GQA, maxPositionEmbeddings: 131072, qkvBias: true,
  experts: 128, activeExperts: 8, sharedExperts: 1, moeFfnHiddenSize: 1408, denseLayers: 1, expertGroups: 1, expertGroupsPerToken: 1,
  source: `${HF}/zai-org/GLM-4.5-Air/blob/main/config.json`,
};

/** Architecture of `ModelSpec.GPT3_175B` (sources in its TSDoc). */
export const GPT3_175B: ModelSpecProps = {
  id: 'gpt3-175b', name: 'GPT-3 175B', layers: 96, hiddenSize: 12288, attentionHeads: 96, kvHeads: 96,
  ffnHiddenSize: 49152, ffnKind: FfnKind.GELU, vocabSize: 50257, tiedEmbeddings: true,
  attentionKind: AttentionKind.MHA, maxPositionEmbeddings: 2048, learnedPositionEmbeddings: 2048, linearBias: true,
  source: 'Brown et al. 2020, arXiv:2005.14165, Table 2.1 (GPT-3 175B row) and §2.1',
};

/** Llama 4's shapes: 48 layers, GQA 40/8 of 128, experts of 8,192 with one shared, chunks of 8,192 on the 36 RoPE layers. */
const LLAMA_4_SHAPE = {
  layers: 48, hiddenSize: 5120, attentionHeads: 40, kvHeads: 8, headDim: 128, ffnHiddenSize: 16384, ffnKind: FfnKind.SWIGLU,
  vocabSize: 202048, tiedEmbeddings: false, attentionKind: AttentionKind.GQA, attentionChunkSize: 8192, chunkedAttentionLayers: 36,
  activeExperts: 1, sharedExperts: 1, moeFfnHiddenSize: 8192,
} as const;

/** Architecture of `ModelSpec.LLAMA_4_SCOUT` (sources in its TSDoc). */
export const LLAMA_4_SCOUT: ModelSpecProps = {
  id: 'llama-4-scout', name: 'Llama 4 Scout (17B-16E)', ...LLAMA_4_SHAPE, maxPositionEmbeddings: 262144, experts: 16,
  source: `${HF}/meta-llama/Llama-4-Scout-17B-16E/blob/main/config.json`,
};

/** Architecture of `ModelSpec.LLAMA_4_MAVERICK` (sources in its TSDoc). */
export const LLAMA_4_MAVERICK: ModelSpecProps = {
  id: 'llama-4-maverick', name: 'Llama 4 Maverick (17B-128E)', ...LLAMA_4_SHAPE, maxPositionEmbeddings: 1048576, experts: 128, moeLayerInterval: 2,
  source: `${HF}/meta-llama/Llama-4-Maverick-17B-128E/blob/main/config.json`,
};
