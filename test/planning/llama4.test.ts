import { PlanningError } from '../../src/errors';
import { GpuType, ModelSpec, ModelSpecProps } from '../../src/planning/catalog';
import { chunkedKeysPerQuery } from '../../src/planning/catalog/attention-span';
import { transformerParameters } from '../../src/planning/catalog/parameter-breakdown';
import { InferencePlanner, InferencePrecision } from '../../src/planning/inference';
import { activationPeakBytes } from '../../src/planning/inference/memory';
import { causalPairs } from '../../src/planning/inference/speed';
import { TrainingPlanner } from '../../src/planning/training';
import { attentionForwardFlopsPerToken, modelShape } from '../../src/planning/training/model-math';
import { pipelineSplit, rankMoeLayers } from '../../src/planning/training/pipeline-schedule';
import { contextParallelRingSteps } from '../../src/planning/training/step-time';

/*
 * Llama 4: MoE layers interleaved with dense ones (Maverick) and chunked local attention on the RoPE layers.
 * Scout's text_config as meta-llama/Llama-4-Scout-17B-16E publishes it (keys that set the architecture); Maverick's differs
 * in 128 experts on every second layer (`interleave_moe_layer_step` 2, `moe_layers` 1, 3, …, 47; TensorRT-LLM's
 * LLAMA_4_MAVERICK config, tests/unittest/_torch/modeling/test_modeling_llama_min_latency.py) and no q/k norm.
 * Published: "Llama 4 Scout, 17B active parameters, 16 experts, 109B total; Llama 4 Maverick, 17B active, 128 experts,
 * 400B total" (Meta, model cards). The totals include the vision encoder, which the text config does not hold.
 */
const SCOUT = {
  attention_bias: false, attention_chunk_size: 8192, head_dim: 128, hidden_act: 'silu', hidden_size: 5120, interleave_moe_layer_step: 1,
  intermediate_size: 8192, intermediate_size_mlp: 16384, max_position_embeddings: 262144, model_type: 'llama4_text',
  moe_layers: Array.from({ length: 48 }, (_, i) => i), no_rope_layers: Array.from({ length: 48 }, (_, i) => ((i + 1) % 4 === 0 ? 0 : 1)),
  num_attention_heads: 40, num_experts_per_tok: 1, num_hidden_layers: 48, num_key_value_heads: 8, num_local_experts: 16,
  tie_word_embeddings: false, use_qk_norm: true, vocab_size: 202048,
};
const MAVERICK = {
  ...SCOUT, interleave_moe_layer_step: 2, moe_layers: Array.from({ length: 24 }, (_, i) => 2 * i + 1), num_local_experts: 128,
  max_position_embeddings: 1048576, use_qk_norm: false,
};

describe('Llama 4 from its text_config', () => {
  test.each([
    ['Scout', '109B', SCOUT, 109e9, 16, 48],
    ['Maverick', '400B', MAVERICK, 400e9, 128, 24],
  ] as Array<[string, string, Record<string, unknown>, number, number, number]>)('%s: total within 2%% of the published %s (vision encoder included there), 17B active (±2%%)', (_name, _label, json, total, experts, moeLayers) => {
    const m = ModelSpec.fromHuggingFaceConfig(json);
    expect([m.experts, m.activeExperts, m.sharedExperts]).toEqual([experts, 1, 1]);
    expect(transformerParameters(m).moeLayers).toBe(moeLayers);
    expect(Math.abs(m.parameterCount() / total - 1)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(m.activeParameterCount() / 17e9 - 1)).toBeLessThanOrEqual(0.02);
  });

  test.each([['Scout', SCOUT, 'llama-4-scout'], ['Maverick', MAVERICK, 'llama-4-maverick']] as Array<[string, Record<string, unknown>, string]>)(
    '%s\'s text_config gives the catalog\'s %s, count for count', (_name, json, id) => {
      const parsed = ModelSpec.fromHuggingFaceConfig(json, id);
      const catalog = ModelSpec.of(id);
      expect({ ...parsed.toJson(), name: '', source: '' }).toEqual({ ...catalog.toJson(), name: '', source: '' });
    });

  test('Maverick\'s 24 dense layers carry the 16,384-wide MLP and its 24 MoE layers 128 experts of 8,192 plus a shared one, exactly', () => {
    const m = ModelSpec.fromHuggingFaceConfig(MAVERICK);
    const scout = ModelSpec.fromHuggingFaceConfig(SCOUT);
    const h = 5120;
    // Scout: 48 MoE layers of 16 + 1 experts; Maverick: 24 of 128 + 1 and 24 dense MLPs of 16,384, routers h × experts.
    const moe = (experts: number): number => (experts + 1) * 3 * h * 8192 + h * experts;
    expect(m.parameterCount() - scout.parameterCount()).toBe(24 * moe(128) + 24 * 3 * h * 16384 - 48 * moe(16));
  });

  test('36 of 48 layers attend in chunks of 8,192: at 128k tokens a sequence caches (12 × 131,072 + 36 × 8,192) / 48 = 38,912 tokens per layer, exactly', () => {
    const m = ModelSpec.fromHuggingFaceConfig(SCOUT);
    expect([m.attentionChunkSize, m.chunkedAttentionLayers]).toEqual([8192, 36]);
    expect(m.kvCacheBytesPerToken(2)).toBe(2 * 48 * 8 * 128 * 2);
    expect(m.kvCacheTokensPerSequence(131072)).toBe(38912);
    expect(m.kvCacheTokensPerSequence(4096)).toBe(4096);
  });

  test('a chunked query sees the earlier tokens of its chunk: 16,384 tokens in chunks of 8,192 make s/4 keys per query, 20,000 tokens (2 · 8,192² + 3,616²)/40,000', () => {
    expect(chunkedKeysPerQuery(16384, 8192)).toBe(4096);
    expect(chunkedKeysPerQuery(20000, 8192)).toBeCloseTo((2 * 8192 ** 2 + 3616 ** 2) / 40000, 9);
    expect(chunkedKeysPerQuery(4096, 8192)).toBe(2048);
    const m = ModelSpec.fromHuggingFaceConfig(SCOUT);
    const width = 40 * 128 + 40 * 128;
    expect(attentionForwardFlopsPerToken(modelShape(m), 16384)).toBe(2 * width * (12 * 8192 + 36 * 4096));
    expect(causalPairs(m, 16384)).toBe((12 * 16384 ** 2 / 2 + 36 * 16384 * 4096) / 48);
  });

  test('context parallelism: a chunked layer takes keys only from the ranks holding the rest of its chunk: Scout at 256k tokens over CP 16 receives (12 · 15 + 36 · 1) / 48 = 4.5 chunks per layer, not 15', () => {
    const scout = modelShape(ModelSpec.of('llama-4-scout'));
    expect(contextParallelRingSteps(scout, 262144, 16)).toBe(4.5);
    // 32k tokens over CP 16 leave 2,048 per rank: a chunk of 8,192 spans the 4 ranks before it.
    expect(contextParallelRingSteps(scout, 32768, 16)).toBe((12 * 15 + 36 * 4) / 48);
    expect(contextParallelRingSteps(modelShape(ModelSpec.of('llama-3.1-70b')), 262144, 16)).toBe(15);
  });

  test('serving activations: Maverick\'s dense layers (16,384-wide MLP) set the peak; Scout, all MoE, has none', () => {
    const scout = ModelSpec.of('llama-4-scout'); const maverick = ModelSpec.of('llama-4-maverick');
    const dense = 8192 * (5120 + 3 * 16384 / 8) * 2;
    const moe = 8192 * 1 * (3 * 8192 / 8 + 5120) * 2;
    const logits = 256 * (202048 / 8) * 4;
    expect(activationPeakBytes(maverick, 8, 8192, 256)).toBe(Math.max(dense, moe) + logits);
    expect(activationPeakBytes(scout, 8, 8192, 256)).toBe(moe + logits);
  });

  test('each pipeline rank of Maverick holds every second layer\'s experts: PP 4 puts 6 MoE layers on each rank, and so does PP 4 × VP 2', () => {
    for (const vp of [1, 2]) {
      const split = pipelineSplit(48, 4, vp);
      expect([0, 1, 2, 3].map((r) => rankMoeLayers(split, r, 0, 2))).toEqual([6, 6, 6, 6]);
    }
  });

  test('both planners plan Maverick: training with expert parallelism on 256 H100s; FP8 serving on 4 H200s holds 3× the 128k-token sequences full attention would', () => {
    const model = ModelSpec.fromHuggingFaceConfig(MAVERICK, 'llama-4-maverick');
    const train = TrainingPlanner.plan({ model, gpu: GpuType.of('h100-sxm-80gb'), gpus: 256, sequenceLength: 8192, globalBatchTokens: 512 * 8192 });
    expect(train.parallelism.ep).toBeGreaterThan(1);
    expect(train.explain()).toMatch(/keys\/query = s\/2, within chunks of 8192 on 36 of 48 layers/);
    expect(train.fits).toBe(true);
    const serve = InferencePlanner.plan({ model, gpu: GpuType.of('h200-141gb'), precision: InferencePrecision.FP8, maxModelLen: 131072 });
    expect(serve.gpusPerReplica).toBe(4);
    // Chunked layers cache at most 8,192 tokens: a 128k-token sequence needs 38,912 per layer on average, not 131,072.
    expect(serve.maxConcurrentSequences).toBeGreaterThan(3 * Math.floor(serve.kvCacheTokens / 131072));
  });
});

describe('Llama 4 bad input', () => {
  test.each([
    ['the multimodal wrapper', { model_type: 'llama4', text_config: SCOUT }, /config\.model_type=llama4: .*pass the text_config object/],
    ['moe_layers off the interleaving', { ...MAVERICK, moe_layers: [0, 2, 4] }, /config\.moe_layers=\[0,2,4\]: must be every 2-th layer \(1, 3, 5, 7/],
    ['no_rope_layers of the wrong length', { ...SCOUT, no_rope_layers: [1, 0] }, /config\.no_rope_layers=\[1,0\]: must list 48 entries/],
    ['attention biases', { ...SCOUT, attention_bias: true }, /config\.attention_bias=true/],
  ] as Array<[string, Record<string, unknown>, RegExp]>)('%s is a PlanningError naming the key', (_name, json, message) => {
    expect(() => ModelSpec.fromHuggingFaceConfig(json)).toThrow(PlanningError);
    expect(() => ModelSpec.fromHuggingFaceConfig(json)).toThrow(message);
  });

  const scout = ModelSpec.fromHuggingFaceConfig(SCOUT, 'scout').toJson() as ModelSpecProps;
  test.each([
    ['chunked attention with a sliding window', { ...scout, slidingWindow: 4096, slidingWindowLayers: 12 }, /model\.attentionChunkSize=8192: chunked attention and a sliding window/],
    ['chunked layers without a chunk size', { ...scout, attentionChunkSize: 0 }, /model\.chunkedAttentionLayers=36: needs attentionChunkSize/],
    ['an interleaving that leaves no MoE layer', { ...scout, moeLayerInterval: 64 }, /model\.moeLayerInterval=64: leaves no MoE layer among 48 layers/],
    ['an interleaving on a dense model', { ...ModelSpec.of('llama-3.1-8b').toJson(), moeLayerInterval: 2 }, /model\.moeLayerInterval=2: needs experts > 0/],
  ] as Array<[string, ModelSpecProps, RegExp]>)('%s is a PlanningError naming the field', (_name, props, message) => {
    expect(() => ModelSpec.custom({ ...props, id: 'llama4-test' })).toThrow(message);
  });
});
