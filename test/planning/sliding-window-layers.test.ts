import { GpuType, ModelSpec } from '../../src/planning/catalog';
import { InferencePlanner, InferencePrecision } from '../../src/planning/inference';
import { causalPairs } from '../../src/planning/inference/speed';
import { attentionForwardFlopsPerToken, modelShape } from '../../src/planning/training/model-math';

/**
 * Models where only some layers slide (Qwen2/Qwen3 with `max_window_layers`, Gemma 2's alternating layers): every
 * figure that depends on the window is the layer-weighted mix of the full and the sliding layer.
 */
const mistral = ModelSpec.MISTRAL_7B;
const withSlidingLayers = (n: number): ModelSpec => ModelSpec.custom({ ...mistral, id: `mistral-7b-${n}-sliding`, slidingWindowLayers: n });
const fullAttention = ModelSpec.custom({ ...mistral, id: 'mistral-7b-full', slidingWindow: 0, slidingWindowLayers: 0 });
const half = withSlidingLayers(16);

describe('models with some sliding layers', () => {
  test('the KV cache of a 32k sequence is half full layers, half 4k windows; all 32 sliding is the uniform model', () => {
    expect(half.kvCacheTokensPerSequence(32768)).toBe((32768 + 4096) / 2);
    expect(withSlidingLayers(32).kvCacheTokensPerSequence(32768)).toBe(mistral.kvCacheTokensPerSequence(32768));
    expect(half.kvCacheTokensPerSequence(4096)).toBe(4096);
  });

  test('training attention FLOPs at 32k are the mean of the full and the sliding model\'s', () => {
    const at = (m: ModelSpec): number => attentionForwardFlopsPerToken(modelShape(m), 32768);
    expect(at(half)).toBeCloseTo((at(fullAttention) + at(mistral)) / 2, 0);
    expect(at(fullAttention)).toBeGreaterThan(at(half));
  });

  test('prefill attention pairs at 32k are the mean of the full and the sliding model\'s', () => {
    expect(causalPairs(half, 32768)).toBe((causalPairs(fullAttention, 32768) + causalPairs(mistral, 32768)) / 2);
    expect(causalPairs(half, 1000)).toBe(causalPairs(fullAttention, 1000));
  });

  test('the inference planner fits fewer 32k sequences than with every layer sliding, and more than with none', () => {
    const concurrency = (m: ModelSpec): number => InferencePlanner.plan({
      model: m, gpu: GpuType.of('h100-sxm-80gb'), precision: InferencePrecision.BF16, maxModelLen: 32768,
    }).maxConcurrentSequences;
    const [none, some, all] = [fullAttention, half, mistral].map(concurrency);
    expect(none).toBeLessThan(some);
    expect(some).toBeLessThan(all);
    // The cache holds the same tokens × layers either way: 16 full + 16 sliding layers per sequence at 32k need
    // (32,768 + 4,096)/2 token-slots, so about 1.78× the sequences of full attention (block rounding aside).
    expect(Math.abs(some / none / (32768 / ((32768 + 4096) / 2)) - 1)).toBeLessThan(0.05);
  });
});
