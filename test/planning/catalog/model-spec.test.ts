import * as fc from 'fast-check';
import { PlanningError } from '../../../src/errors';
import { AttentionKind, FfnKind, ModelSpec, ModelSpecProps } from '../../../src/planning/catalog';

/**
 * Published parameter counts.
 * - "HF safetensors": the exact `safetensors.total` the Hugging Face Hub reports for the repo
 *   (https://huggingface.co/api/models/<repo>, shown rounded as "Model size" on the model card); our counts follow the
 *   transformers module layout, so they must match to the parameter.
 * - Mixtral: Mistral AI, "Mixtral of experts" (mistral.ai/news/mixtral-of-experts, 2023-12-11): "46.7B total parameters but
 *   only uses 12.9B parameters per token".
 * - DeepSeek-V3: technical report arXiv:2412.19437 abstract and §4.2: 671B total, 37B activated per token. The Hugging Face
 *   README states the 685B checkpoint = 671B main model + 14B multi-token-prediction module, so 671B EXCLUDES the MTP
 *   module, and our catalog entry (which ignores MTP) is compared with 671B directly. The 37B "activated" figure is rounded;
 *   we count embeddings and output head as active (37.55B), hence a 2% tolerance.
 * - GPT-3: Brown et al. 2020 (arXiv:2005.14165) Table 2.1, "175.0B"; the paper does not itemise embeddings/biases, so 0.5%.
 */
const published: Array<[string, number, number, string]> = [
  ['llama-3.1-8b', 8_030_261_248, 0, 'HF safetensors meta-llama/Llama-3.1-8B (8.03B)'],
  ['llama-3.1-70b', 70_553_706_496, 0, 'HF safetensors meta-llama/Llama-3.1-70B (70.6B)'],
  ['llama-3.1-405b', 405_853_388_800, 0, 'HF safetensors meta-llama/Llama-3.1-405B (406B)'],
  ['llama-3.2-1b', 1_235_814_400, 0, 'HF safetensors meta-llama/Llama-3.2-1B (1.24B, tied)'],
  ['llama-3.2-3b', 3_212_749_824, 0, 'HF safetensors meta-llama/Llama-3.2-3B (3.21B, tied)'],
  ['llama-2-7b', 6_738_415_616, 0, 'HF safetensors meta-llama/Llama-2-7b-hf (6.74B)'],
  ['llama-2-13b', 13_015_864_320, 0, 'HF safetensors meta-llama/Llama-2-13b-hf (13B)'],
  ['llama-2-70b', 68_976_648_192, 0, 'HF safetensors meta-llama/Llama-2-70b-hf (69B)'],
  ['mistral-7b', 7_241_732_096, 0, 'HF safetensors mistralai/Mistral-7B-v0.1 (7.24B)'],
  ['mixtral-8x7b', 46_702_792_704, 0, 'HF safetensors mistralai/Mixtral-8x7B-v0.1 (46.7B)'],
  ['qwen2.5-7b', 7_615_616_512, 0, 'HF safetensors Qwen/Qwen2.5-7B (7.62B, QKV bias)'],
  ['qwen2.5-72b', 72_706_203_648, 0, 'HF safetensors Qwen/Qwen2.5-72B (72.7B, QKV bias)'],
  ['mixtral-8x7b', 46.7e9, 0.001, 'Mistral AI blog "Mixtral of experts": 46.7B total'],
  ['deepseek-v3', 671e9, 0.005, 'DeepSeek-V3 report arXiv:2412.19437: 671B total (main model, MTP excluded)'],
  ['gpt3-175b', 175.0e9, 0.005, 'Brown et al. 2020 Table 2.1: 175.0B'],
  ['deepseek-v2', 236e9, 0.005, 'DeepSeek-V2 report arXiv:2405.04434: 236B total'],
  ['glm-4.5-air', 106e9, 0.01, 'GLM-4.5 report arXiv:2508.06471 Table 1: 106B total (its MTP layer, not modelled, is not in it)'],
  ['kimi-k2', 1e12, 0.05, 'Kimi K2 report arXiv:2507.20534: "1 trillion total parameters" (rounded)'],
  ['llama-4-scout', 109e9, 0.02, 'Meta, Llama 4 model card: 109B total (the vision encoder included; the text model is 107.8B)'],
  ['llama-4-maverick', 400e9, 0.02, 'Meta, Llama 4 model card: 400B total'],
];

const publishedActive: Array<[string, number, number, string]> = [
  ['mixtral-8x7b', 12.9e9, 0.005, 'Mistral AI blog "Mixtral of experts": 12.9B per token'],
  ['deepseek-v3', 37e9, 0.02, 'DeepSeek-V3 report arXiv:2412.19437: 37B activated per token'],
  ['deepseek-v2', 21e9, 0.02, 'DeepSeek-V2 report arXiv:2405.04434: 21B activated per token'],
  ['kimi-k2', 32e9, 0.05, 'Kimi K2 report arXiv:2507.20534: "32 billion activated parameters" (rounded)'],
  ['llama-4-scout', 17e9, 0.02, 'Meta, Llama 4 model card: 17B active'],
  ['llama-4-maverick', 17e9, 0.02, 'Meta, Llama 4 model card: 17B active'],
];

function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / expected;
}

describe('ModelSpec parameter counts', () => {
  test.each(published)('%s has %d parameters within a relative tolerance of %d (%s)', (id, expected, tolerance) => {
    const count = ModelSpec.of(id).parameterCount();
    if (tolerance === 0) expect(count).toBe(expected);
    else expect(relativeError(count, expected)).toBeLessThanOrEqual(tolerance);
  });

  test.each(publishedActive)('%s activates %d parameters per token within %d (%s)', (id, expected, tolerance) => {
    expect(relativeError(ModelSpec.of(id).activeParameterCount(), expected)).toBeLessThanOrEqual(tolerance);
  });

  test('dense models activate every parameter', () => {
    for (const m of ModelSpec.all().filter((x) => !x.isMoe)) {
      expect(m.activeParameterCount()).toBe(m.parameterCount());
    }
  });

  test('tied embeddings count the vocabulary matrix once and untied ones twice', () => {
    const tied = ModelSpec.LLAMA_3_2_1B;
    expect(tied.embeddingParameterCount()).toBe(128256 * 2048);
    expect(ModelSpec.LLAMA_3_1_8B.embeddingParameterCount()).toBe(2 * 128256 * 4096);
    const untied = ModelSpec.custom({ ...tied, id: 'llama-3.2-1b-untied', tiedEmbeddings: false });
    expect(untied.parameterCount() - tied.parameterCount()).toBe(128256 * 2048);
  });

  test('GPT-3 embeddings include the learned 2048-row position table', () => {
    expect(ModelSpec.GPT3_175B.embeddingParameterCount()).toBe(50257 * 12288 + 2048 * 12288);
    expect(ModelSpec.GPT3_175B.nonEmbeddingParameterCount()).toBe(
      ModelSpec.GPT3_175B.parameterCount() - ModelSpec.GPT3_175B.embeddingParameterCount());
  });

  test('QKV bias adds exactly the q, k and v bias vectors per layer (Qwen2.5-7B: 28 × (3584 + 2 × 512))', () => {
    const withBias = ModelSpec.QWEN2_5_7B;
    const withoutBias = ModelSpec.custom({ ...withBias, id: 'qwen-no-bias', qkvBias: false });
    expect(withBias.parameterCount() - withoutBias.parameterCount()).toBe(28 * (3584 + 2 * 4 * 128));
  });
});

describe('ModelSpec KV cache', () => {
  /**
   * Exact per-token bytes.
   * GQA/MHA: 2 × layers × kvHeads × headDim × bytes. Llama-2-13B in bf16 = 2 × 40 × 40 × 128 × 2 = 819,200 bytes = 800 KiB,
   * the "800 KB" per token the vLLM paper quotes for 13B-parameter OPT (Kwon et al. 2023, arXiv:2309.06180 §3), which has the
   * same 40 layers × 5120 width.
   * MLA: layers × (kvLoraRank + qkRopeHeadDim) × bytes: DeepSeek-V2 paper (arXiv:2405.04434) Table 1 gives (d_c + d_h^R)·l
   * elements = 576 × 61 for DeepSeek-V3.
   */
  const cases: Array<[string, number, number, string]> = [
    ['llama-3.1-8b', 2, 131_072, '2×32×8×128×2'],
    ['llama-3.1-70b', 2, 327_680, '2×80×8×128×2'],
    ['llama-3.1-405b', 2, 516_096, '2×126×8×128×2'],
    ['llama-3.2-1b', 2, 32_768, '2×16×8×64×2'],
    ['llama-2-7b', 2, 524_288, '2×32×32×128×2'],
    ['llama-2-13b', 2, 819_200, '2×40×40×128×2 = 800 KiB (vLLM §3)'],
    ['mistral-7b', 1, 65_536, '2×32×8×128×1 (fp8)'],
    ['qwen2.5-7b', 2, 57_344, '2×28×4×128×2'],
    ['deepseek-v3', 2, 70_272, '61×(512+64)×2'],
    ['gpt3-175b', 2, 4_718_592, '2×96×96×128×2'],
  ];
  test.each(cases)('%s at %d bytes per element caches %d bytes per token (%s)', (id, bytes, expected) => {
    expect(ModelSpec.of(id).kvCacheBytesPerToken(bytes)).toBe(expected);
  });

  test.each([
    ['mistral-7b', 32768, 4096],
    ['mistral-7b', 1000, 1000],
    ['llama-3.1-8b', 100_000, 100_000],
  ])('%s keeps min(context, window) tokens: context %d -> %d', (id, context, expected) => {
    expect(ModelSpec.of(id).kvCacheTokensPerSequence(context)).toBe(expected);
  });

  test.each([0, -1, NaN, Infinity])('bad element size %d is a PlanningError (fractions such as 0.5 for 4-bit are allowed)', (bytes) => {
    expect(() => ModelSpec.LLAMA_3_1_8B.kvCacheBytesPerToken(bytes)).toThrow(PlanningError);
  });

  test('a 4-bit cache is half of an 8-bit one', () => {
    expect(ModelSpec.LLAMA_3_1_8B.kvCacheBytesPerToken(0.5)).toBe(32_768);
  });

  test.each([0, -5, 2.5, NaN])('bad context %d is a PlanningError naming contextTokens', (context) => {
    expect(() => ModelSpec.MISTRAL_7B.kvCacheTokensPerSequence(context)).toThrow(/contextTokens/);
  });
});

describe('ModelSpec catalog', () => {
  test('every catalog model validates when rebuilt through custom()', () => {
    for (const m of ModelSpec.all()) {
      const copy = ModelSpec.custom({ ...m });
      expect(copy.parameterCount()).toBe(m.parameterCount());
      expect(copy.kvCacheBytesPerToken(2)).toBe(m.kvCacheBytesPerToken(2));
    }
  });

  test('the catalog holds the fourteen models of issue 3 and the newer ones, each checked against its config.json', () => {
    expect(ModelSpec.all().map((m) => m.id).sort()).toEqual([
      'deepseek-v3', 'gpt3-175b', 'llama-2-13b', 'llama-2-70b', 'llama-2-7b', 'llama-3.1-405b', 'llama-3.1-70b',
      'llama-3.1-8b', 'llama-3.2-1b', 'llama-3.2-3b', 'mistral-7b', 'mixtral-8x7b', 'qwen2.5-72b', 'qwen2.5-7b',
      'qwen3-8b', 'qwen3-30b-a3b', 'qwen3-235b-a22b', 'gemma-2-9b', 'gpt-oss-120b', 'deepseek-v2', 'kimi-k2', 'glm-4.5-air', 'deepseek-v3.2', 'llama-4-scout', 'llama-4-maverick',
    ].sort());
  });

  test('an unknown id is a PlanningError with a did-you-mean suggestion', () => {
    expect(() => ModelSpec.of('llama-3.1-7b')).toThrow(/did you mean .*'llama-3.1-8b'/);
    expect(() => ModelSpec.of('mixtral')).toThrow(PlanningError);
  });

  test('toJson carries the derived counts', () => {
    const j = ModelSpec.MIXTRAL_8X7B.toJson();
    expect(j.parameterCount).toBe(46_702_792_704);
    expect(j.kvCacheBytesPerTokenBf16).toBe(131_072);
  });
});

describe('ModelSpec.custom validation', () => {
  const base: ModelSpecProps = { ...ModelSpec.LLAMA_3_1_8B };
  const fields = ['layers', 'hiddenSize', 'attentionHeads', 'kvHeads', 'ffnHiddenSize', 'vocabSize', 'maxPositionEmbeddings', 'headDim', 'moeFfnHiddenSize', 'wordEmbeddingSize'];
  const bad = [0, -1, 1.5, NaN];
  test.each(fields.flatMap((f) => bad.map((v) => [f, v] as [string, number])))('%s = %d is rejected naming the field', (field, value) => {
    expect(() => ModelSpec.custom({ ...base, [field]: value })).toThrow(new RegExp(`model\\.${field}=`));
  });

  test.each(['slidingWindow', 'experts', 'sharedExperts', 'denseLayers', 'kvLoraRank', 'learnedPositionEmbeddings'])('%s must be a whole number >= 0', (field) => {
    expect(() => ModelSpec.custom({ ...base, [field]: -1 })).toThrow(new RegExp(`model\\.${field}=`));
    expect(() => ModelSpec.custom({ ...base, [field]: 0.5 })).toThrow(new RegExp(`model\\.${field}=`));
  });

  test('kvHeads must divide attentionHeads', () => {
    expect(() => ModelSpec.custom({ ...base, kvHeads: 5 })).toThrow(/model\.kvHeads=5/);
  });

  test('MHA with fewer KV heads, MLA without a latent rank and MoE without active experts are rejected', () => {
    expect(() => ModelSpec.custom({ ...base, attentionKind: AttentionKind.MHA })).toThrow(/model\.kvHeads/);
    expect(() => ModelSpec.custom({ ...base, attentionKind: AttentionKind.MLA })).toThrow(/model\.kvLoraRank/);
    expect(() => ModelSpec.custom({ ...base, experts: 8 })).toThrow(/model\.activeExperts/);
    expect(() => ModelSpec.custom({ ...base, experts: 8, activeExperts: 9 })).toThrow(/model\.activeExperts/);
  });

  test('expert routing groups must divide the experts and leave room for the active ones; dense models have none', () => {
    const moe: ModelSpecProps = { ...ModelSpec.DEEPSEEK_V3 };
    expect(ModelSpec.custom({ ...moe, id: 'dsv3-groups' }).expertGroupsPerToken).toBe(4);
    expect(() => ModelSpec.custom({ ...moe, expertGroups: 7 })).toThrow(/model\.expertGroups=7: must divide the 256 routed experts/);
    expect(() => ModelSpec.custom({ ...moe, expertGroupsPerToken: 9 })).toThrow(/model\.expertGroupsPerToken=9: must be at most expertGroups \(8\)/);
    expect(() => ModelSpec.custom({ ...moe, expertGroups: 128, expertGroupsPerToken: 2 })).toThrow(/leave room for the 8 active experts \(2 per group\)/);
    expect(() => ModelSpec.custom({ ...base, expertGroups: 4 })).toThrow(/model\.experts=0/);
    expect(ModelSpec.LLAMA_3_1_8B.expertGroups).toBe(1);
  });

  test('slidingWindowLayers needs a window and lies between 1 and the layers; it defaults to every layer', () => {
    expect(ModelSpec.MISTRAL_7B.slidingWindowLayers).toBe(32);
    expect(ModelSpec.LLAMA_3_1_8B.slidingWindowLayers).toBe(0);
    expect(ModelSpec.custom({ ...base, id: 'half', slidingWindow: 4096, slidingWindowLayers: 16 }).slidingWindowLayers).toBe(16);
    expect(() => ModelSpec.custom({ ...base, slidingWindowLayers: 16 })).toThrow(/model\.slidingWindowLayers=16: needs slidingWindow/);
    expect(() => ModelSpec.custom({ ...base, slidingWindow: 4096, slidingWindowLayers: 33 })).toThrow(/must be between 1 and layers \(32\)/);
    expect(() => ModelSpec.custom({ ...base, slidingWindow: 4096, slidingWindowLayers: 0 })).toThrow(/model\.slidingWindowLayers=0/);
    expect(ModelSpec.custom({ ...ModelSpec.LLAMA_3_1_8B.toJson(), id: 'round-trip' }).slidingWindowLayers).toBe(0);
  });

  test('a hidden size that does not split into heads needs an explicit headDim', () => {
    expect(() => ModelSpec.custom({ ...base, hiddenSize: 4100, headDim: undefined })).toThrow(/model\.headDim/);
  });
});

describe('ModelSpec properties (fast-check)', () => {
  test('random architectures give a model with finite positive counts, or a PlanningError', () => {
    const arch = fc.record({
      layers: fc.oneof(fc.integer({ min: -2, max: 200 }), fc.constant(NaN)),
      hiddenSize: fc.integer({ min: 0, max: 32768 }),
      attentionHeads: fc.integer({ min: 0, max: 128 }),
      kvHeads: fc.integer({ min: 0, max: 128 }),
      ffnHiddenSize: fc.integer({ min: -1, max: 65536 }),
      vocabSize: fc.integer({ min: 1, max: 300000 }),
      experts: fc.integer({ min: 0, max: 64 }),
      activeExperts: fc.integer({ min: 0, max: 8 }),
      tied: fc.boolean(),
    });
    fc.assert(fc.property(arch, (a) => {
      const props: ModelSpecProps = {
        id: 'random', name: 'random', layers: a.layers, hiddenSize: a.hiddenSize, attentionHeads: a.attentionHeads,
        kvHeads: a.kvHeads, ffnHiddenSize: a.ffnHiddenSize, ffnKind: FfnKind.SWIGLU, vocabSize: a.vocabSize,
        tiedEmbeddings: a.tied, attentionKind: AttentionKind.GQA, maxPositionEmbeddings: 4096,
        experts: a.experts, activeExperts: a.activeExperts, source: 'fast-check',
      };
      let m: ModelSpec;
      try {
        m = ModelSpec.custom(props);
      } catch (e) {
        expect(e).toBeInstanceOf(PlanningError);
        return;
      }
      for (const n of [m.parameterCount(), m.activeParameterCount(), m.embeddingParameterCount(), m.kvCacheBytesPerToken(2)]) {
        expect(Number.isFinite(n) && n > 0).toBe(true);
      }
      expect(m.activeParameterCount()).toBeLessThanOrEqual(m.parameterCount());
    }), { numRuns: 500 });
  });
});
