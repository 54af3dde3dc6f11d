import * as fc from 'fast-check';
import { PlanningError } from '../../src/errors';
import { GpuType, ModelSpec, ModelSpecProps } from '../../src/planning/catalog';
import { InferencePlanner, InferencePrecision } from '../../src/planning/inference';
import { weightBytes } from '../../src/planning/inference/memory';
import { decodeStep, Layout, prefill } from '../../src/planning/inference/speed';
import { RecomputeMode, TrainingPlanner, TrainingPrecision } from '../../src/planning/training';
import { megatronLayerUnits } from '../../src/planning/training/activations';
import { attentionForwardFlopsPerToken, modelShape } from '../../src/planning/training/model-math';

/**
 * DeepSeek Sparse Attention (DSA), as DeepSeek-V3.2 has it: DeepSeek-V3's shapes plus, in every layer, a lightning indexer
 * (64 heads of 128, FP8) that scores every earlier token and a top-2048 selection the MLA attends to
 * (deepseek-ai/DeepSeek-V3.2-Exp inference/model.py: `ModelArgs` index_n_heads 64, index_head_dim 128, index_topk 2048;
 * `Indexer`: wq_b, wk, k_norm, weights_proj, an FP8 key cache with one fp32 scale per 128 values).
 * The checks below are the formulas worked by hand; no published throughput of DeepSeek-V3.2 is checked.
 */
const V3 = ModelSpec.of('deepseek-v3');
const V32 = ModelSpec.of('deepseek-v3.2');
const LAYERS = 61;
const H = 7168;

describe('DeepSeek Sparse Attention: parameters and KV cache', () => {
  test('the indexer adds wq_b (1,536 × 64·128), wk (7,168 × 128), weights_proj (7,168 × 64) and k_norm (2 × 128) per layer, exactly', () => {
    const perLayer = 1536 * 64 * 128 + H * 128 + H * 64 + 2 * 128;
    expect(V32.parameterCount() - V3.parameterCount()).toBe(LAYERS * perLayer);
    expect(V32.activeParameterCount() - V3.activeParameterCount()).toBe(LAYERS * perLayer);
    expect(LAYERS * perLayer / 1e9).toBeCloseTo(0.852, 3);
  });

  test('each token caches the MLA latent (576 values at the cache precision) plus the indexer\'s 128 FP8 bytes and a 4-byte scale per layer', () => {
    expect(V32.kvCacheBytesPerToken(2)).toBe(LAYERS * (576 * 2 + 132));
    expect(V32.kvCacheBytesPerToken(1)).toBe(LAYERS * (576 + 132));
    expect(V32.kvCacheBytesPerToken(2) - V3.kvCacheBytesPerToken(2)).toBe(LAYERS * 132);
    // Nothing is evicted: a sequence keeps every token, unlike a sliding window.
    expect(V32.kvCacheTokensPerSequence(131072)).toBe(131072);
  });
});

describe('DeepSeek Sparse Attention: training FLOPs', () => {
  const dense = modelShape(V3);
  const sparse = modelShape(V32);
  const width = 128 * 192 + 128 * 128; // qDim + oDim of MLA as trained (MHA form)

  test('at 2,048 tokens every query still sees all its keys: the attention is DeepSeek-V3\'s plus the indexer\'s 2 · 64 · 128 per pair', () => {
    const keys = 2048 / 2;
    expect(attentionForwardFlopsPerToken(dense, 2048)).toBe(LAYERS * 2 * keys * width);
    expect(attentionForwardFlopsPerToken(sparse, 2048)).toBe(LAYERS * (2 * keys * width + 2 * keys * 64 * 128));
  });

  test('at 131,072 tokens a query attends to 2,048 − 2,048²/(2 · 131,072) = 2,032 keys on average: attention 4.3× cheaper than dense', () => {
    const s = 131072;
    const attended = 2048 - (2048 * 2048) / (2 * s);
    expect(attended).toBe(2032);
    const expected = LAYERS * (2 * attended * width + 2 * (s / 2) * 64 * 128);
    expect(attentionForwardFlopsPerToken(sparse, s)).toBe(expected);
    expect(attentionForwardFlopsPerToken(dense, s) / attentionForwardFlopsPerToken(sparse, s)).toBeCloseTo(4.33, 2);
  });

  test('a 128k-token training step is faster than DeepSeek-V3\'s at the same layout; a 4k-token step a little slower (the indexer)', () => {
    const plan = (model: ModelSpec, seq: number, cp: number): number => TrainingPlanner.plan({
      recompute: RecomputeMode.FULL,
      model, gpu: GpuType.of('h100-sxm-80gb'), gpus: 1024, sequenceLength: seq, globalBatchTokens: 1024 * 131072, precision: TrainingPrecision.FP8_MIXED,
      tensorParallel: 2, pipelineParallel: 8, contextParallel: cp, expertParallel: 64, expertTensorParallel: 1, microBatch: 1, memoryReserveFraction: 0,
    }).throughput.stepSeconds;
    expect(plan(V32, 131072, 16) / plan(V3, 131072, 16)).toBeLessThan(0.7);
    const short = plan(V32, 4096, 1) / plan(V3, 4096, 1);
    expect(short).toBeGreaterThan(1);
    expect(short).toBeLessThan(1.05);
  });

  test('the indexer saves its queries, key and head weights (BF16) and 2,048 int32 top-k indices per token per layer: 3.48 s·b·h units more', () => {
    const extra = megatronLayerUnits(sparse, 4096, false) - megatronLayerUnits(dense, 4096, false);
    expect(extra).toBeCloseTo((2 * (64 * 128 + 128 + 64) + 4 * 2048) / H, 10);
    expect(extra).toBeCloseTo(3.48, 2);
  });

  test('context parallelism all-gathers the compressed keys, 512 + 64 + 128 values per token, not the 40,960 of the MHA-form K and V', () => {
    expect(sparse.sparseKvWidth).toBe(704);
    const plan = TrainingPlanner.plan({
      model: V32, gpu: GpuType.of('h100-sxm-80gb'), gpus: 1024, sequenceLength: 131072, globalBatchTokens: 1024 * 131072, recompute: RecomputeMode.FULL,
      tensorParallel: 2, pipelineParallel: 8, contextParallel: 16, expertParallel: 64, expertTensorParallel: 1, microBatch: 1, memoryReserveFraction: 0,
    });
    expect(plan.explain()).toMatch(/exposed CP communication per micro-batch = [^\n]*\n\s*← max\(0, all-gather of every token's latent and indexer key/);
  });

  test('the explanation says how the sparse attention was priced', () => {
    const plan = TrainingPlanner.plan({ model: V32, gpu: GpuType.of('h100-sxm-80gb'), gpus: 1024, sequenceLength: 32768, globalBatchTokens: 1024 * 32768 });
    expect(plan.explain()).toMatch(/at most the sparse top-2048, \+ the lightning indexer/);
    expect(plan.explain()).toMatch(/min\(seq\/cp, sparse top-k\) = 2048 tokens/);
  });
});

describe('DeepSeek Sparse Attention: serving', () => {
  const layout = (model: ModelSpec): Layout => ({
    model, gpu: GpuType.of('h200-141gb'), precision: InferencePrecision.FP8, kvBytesPerElement: 1, tp: 8, pp: 1,
    weightsBytesPerGpu: weightBytes(model, InferencePrecision.FP8, 8, 1).perGpuBytes, interNodeBytesPerSecondPerGpu: 50e9, maxNumBatchedTokens: 8192,
  });

  test('a decode step at 128k context reads every indexer key but only 2,048 latents per layer: 61 × (2,048 × 576 + 131,072 × 132) bytes per sequence', () => {
    const dense = decodeStep(layout(V3), 1, 131072);
    const sparse = decodeStep(layout(V32), 1, 131072);
    const weights = (l: Layout): number => decodeStep(l, 1, 1).bytesReadPerGpu - (l.model === V32 ? LAYERS * (576 + 132) : LAYERS * 576);
    expect(dense.bytesReadPerGpu - weights(layout(V3))).toBe(LAYERS * 576 * 131072);
    expect(sparse.bytesReadPerGpu - weights(layout(V32))).toBe(LAYERS * (2048 * 576 + 131072 * 132));
    expect(sparse.seconds).toBeLessThan(dense.seconds);
  });

  test('a 128k-token prefill does fewer FLOPs than DeepSeek-V3\'s; a 1k-token one under 5% more (the indexer)', () => {
    expect(prefill(layout(V32), 131072).flops).toBeLessThan(0.5 * prefill(layout(V3), 131072).flops);
    const short = prefill(layout(V32), 1024).flops / prefill(layout(V3), 1024).flops;
    expect(short).toBeGreaterThan(1);
    expect(short).toBeLessThan(1.05);
  });

  test('the planner fits fewer 128k tokens per GPU than for DeepSeek-V3 (bigger cache entries) and decodes long contexts faster', () => {
    const at = (model: ModelSpec) => InferencePlanner.plan({
      model, gpu: GpuType.of('h200-141gb'), precision: InferencePrecision.FP8, tensorParallel: 8, maxModelLen: 131072, evaluationPoint: { batch: 4, contextTokens: 131072 },
    });
    const dense = at(V3); const sparse = at(V32);
    expect(sparse.kvCacheTokens).toBeLessThan(dense.kvCacheTokens);
    expect(sparse.throughput.decodeTokensPerSecond).toBeGreaterThan(2 * dense.throughput.decodeTokensPerSecond);
  });
});

describe('DeepSeek Sparse Attention: bad input', () => {
  const v32 = V32.toJson() as ModelSpecProps;
  test.each([
    ['only some of the three fields', { ...v32, indexerHeads: 0 }, /model\.indexerHeads=0: sparse attention needs sparseAttentionTopK, indexerHeads and indexerHeadDim > 0/],
    ['on GQA attention', { ...ModelSpec.of('llama-3.1-8b').toJson(), sparseAttentionTopK: 2048, indexerHeads: 64, indexerHeadDim: 128 }, /model\.sparseAttentionTopK=2048: .*MLA with a query latent/],
    ['on MLA without a query latent', { ...v32, qLoraRank: 0 }, /model\.sparseAttentionTopK=2048: .*qLoraRank > 0/],
    ['a fractional top-k', { ...v32, sparseAttentionTopK: 2048.5 }, /model\.sparseAttentionTopK=2048\.5: must be a whole number/],
  ] as Array<[string, ModelSpecProps, RegExp]>)('%s is a PlanningError naming the field', (_name, props, message) => {
    expect(() => ModelSpec.custom({ ...props, id: 'dsa-test' })).toThrow(PlanningError);
    expect(() => ModelSpec.custom({ ...props, id: 'dsa-test' })).toThrow(message);
  });

  test('property: random sparse-attention shapes give finite positive counts and attention FLOPs that never fall as the sequence grows (fast-check, 200 runs)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 1 << 16 }), fc.integer({ min: 1, max: 128 }), fc.integer({ min: 1, max: 512 }), fc.integer({ min: 1, max: 1 << 18 }),
      (topK, heads, headDim, seq) => {
        const m = ModelSpec.custom({ ...v32, id: 'dsa-random', sparseAttentionTopK: topK, indexerHeads: heads, indexerHeadDim: headDim });
        const shape = modelShape(m);
        const [a, b] = [attentionForwardFlopsPerToken(shape, seq), attentionForwardFlopsPerToken(shape, seq + 1)];
        for (const n of [m.parameterCount(), m.kvCacheBytesPerToken(1), a]) expect(Number.isFinite(n) && n > 0).toBe(true);
        expect(b).toBeGreaterThanOrEqual(a);
      }), { numRuns: 200 });
  });
});
