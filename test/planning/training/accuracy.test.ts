import { FfnKind, AttentionKind, GpuType, ModelSpec, NodeShape } from '../../../src/planning/catalog';
import { RecomputeMode, TrainingPlanner, TrainingPlanProps, TrainingPrecision } from '../../../src/planning/training';

/**
 * Predicted speed against published runs, given the published layout (tp, pp, cp, vp, micro-batch, GPUs,
 * global batch). Tolerance: 15% (issue 3). No GPU was available in this session: the efficiency constants
 * in src/planning/training/step-time.ts were calibrated on these same tables, so this is a consistency
 * check across models and scales, not an independent validation.
 */
const H100 = GpuType.of('h100-sxm-80gb');
const A100 = GpuType.of('a100-sxm-80gb');
const FP8 = TrainingPrecision.FP8_MIXED;

/**
 * NVIDIA NeMo performance summaries, DGX-H100, FP8, "Model TFLOP / sec / GPU":
 * - [a] Megatron-Bridge docs/performance-summary-archive.md, "25.09 NeMo Container", System: DGX-H100
 *   (https://docs.nvidia.com/nemo/megatron-bridge/latest/performance-summary-archive.html); their recipes reduce gradients
 *   in bf16 (scripts/performance/configs/llama/llama3_llm_pretrain.py `set_llama3_common_configs`, llama31_llm_pretrain.py
 *   `set_llama31_common_configs`: `grad_reduce_in_fp32 = False`), so these rows are planned with `fp32GradientBuffer: false`
 * - [b] NVIDIA/NeMo docs/source/performance/performance_summary.md, NeMo 24.07, DGX-H100 FP8
 *   (https://docs.nvidia.com/nemo-framework/user-guide/latest/performance/performance_summary.html at 24.07)
 */
const NEMO: Array<[string, number, string, TrainingPlanProps]> = [
  ['Llama 3 70B, 64 GPUs, TP4 PP8 VP5', 727, '[a] LLAMA3_70B', { model: ModelSpec.of('llama-3.1-70b'), gpu: H100, gpus: 64, sequenceLength: 8192, globalBatchTokens: 128 * 8192, precision: FP8, tensorParallel: 4, pipelineParallel: 8, contextParallel: 1, virtualPipelineStages: 5, microBatch: 1, fp32GradientBuffer: false }],
  ['Llama 3.1 405B, 1024 GPUs, TP8 PP8 CP2 VP8', 763, '[a] LLAMA3.1_405B', { model: ModelSpec.of('llama-3.1-405b'), gpu: H100, gpus: 1024, sequenceLength: 8192, globalBatchTokens: 512 * 8192, precision: FP8, tensorParallel: 8, pipelineParallel: 8, contextParallel: 2, virtualPipelineStages: 8, microBatch: 1, fp32GradientBuffer: false }],
  ['Llama 3 8B, 8 GPUs, FSDP', 725, '[a] LLAMA3_8B (FSDP 8 → ZeRO-3)', { model: ModelSpec.of('llama-3.1-8b'), gpu: H100, gpus: 8, sequenceLength: 8192, globalBatchTokens: 128 * 8192, precision: FP8, tensorParallel: 1, pipelineParallel: 1, contextParallel: 1, microBatch: 1, zeroStage: 3, fp32GradientBuffer: false }],
  ['GPT-3 175B, 128 GPUs, TP4 PP8 VP6', 782, '[b] GPT3-175B 128 GPUs', { model: ModelSpec.of('gpt3-175b'), gpu: H100, gpus: 128, sequenceLength: 2048, globalBatchTokens: 256 * 2048, precision: FP8, tensorParallel: 4, pipelineParallel: 8, contextParallel: 1, virtualPipelineStages: 6, microBatch: 1 }],
  ['GPT-3 175B, 512 GPUs, TP4 PP8 VP6 MBS2', 842, '[b] GPT3-175B 512 GPUs', { model: ModelSpec.of('gpt3-175b'), gpu: H100, gpus: 512, sequenceLength: 2048, globalBatchTokens: 2048 * 2048, precision: FP8, tensorParallel: 4, pipelineParallel: 8, contextParallel: 1, virtualPipelineStages: 6, microBatch: 2 }],
  ['Llama 2 70B, 64 GPUs, TP4 PP4 VP20', 759, '[b] LLAMA2-70B', { model: ModelSpec.of('llama-2-70b'), gpu: H100, gpus: 64, sequenceLength: 4096, globalBatchTokens: 128 * 4096, precision: FP8, tensorParallel: 4, pipelineParallel: 4, contextParallel: 1, virtualPipelineStages: 20, microBatch: 1 }],
  ['Llama 2 7B, 8 GPUs', 776, '[b] LLAMA2-7B', { model: ModelSpec.of('llama-2-7b'), gpu: H100, gpus: 8, sequenceLength: 4096, globalBatchTokens: 128 * 4096, precision: FP8, tensorParallel: 1, pipelineParallel: 1, contextParallel: 1, microBatch: 1 }],
];

describe('NeMo DGX-H100 FP8 pre-training throughput', () => {
  test.each(NEMO)('%s: predicted model TFLOP/s per GPU within 15%% of the published %d (%s)', (_name, published, _src, props) => {
    const plan = TrainingPlanner.plan(props);
    expect(Math.abs(plan.throughput.tflopsPerGpu / published - 1)).toBeLessThanOrEqual(0.15);
  });

  test('comm–GEMM overlap leaves one chunk in tp of the tensor-parallel traffic exposed: 4× less at TP4 than blocking collectives (±0.2%, rounding in the explanation)', () => {
    const overlapped = TrainingPlanner.plan(NEMO[0][3]);
    const blocking = TrainingPlanner.plan({ ...NEMO[0][3], tensorParallelCommOverlap: false });
    const tp = (plan: typeof overlapped): number => Number(/exposed TP communication per micro-batch = ([\d.]+) ms/.exec(plan.explain())?.[1]);
    expect(Math.abs(tp(blocking) / tp(overlapped) / 4 - 1)).toBeLessThan(2e-3);
    expect(blocking.throughput.stepSeconds).toBeGreaterThan(overlapped.throughput.stepSeconds);
  });

  test('model FLOPs per token reproduce NeMo\'s own accounting: Llama 3 70B at s=8192 is 719 TFLOP/s ÷ 1602 tokens/s (±1%)', () => {
    // [a] 25.11 DGX-H100 row LLAMA3_70B: 1602 tokens/s/GPU and 719 model TFLOP/s/GPU → 4.488e11 FLOP/token.
    const plan = TrainingPlanner.plan(NEMO[0][3]);
    const flopsPerToken = plan.throughput.tflopsPerGpu * 1e12 * plan.gpus / plan.throughput.tokensPerSecond;
    expect(Math.abs(flopsPerToken / (719e12 / 1602) - 1)).toBeLessThan(0.01);
  });
});

/**
 * Narayanan et al. 2021, "Efficient Large-Scale Language Model Training on GPU Clusters Using Megatron-LM"
 * (arXiv:2104.04473), Table 1: GPT models, s = 2048, V = 51,200, A100 80GB on Selene (8 × 200 Gb/s HDR per
 * DGX A100), full activation recomputation; "achieved teraFLOP/s per GPU" counts recomputation (their
 * eq. 3 has 96·B·s·l·h², i.e. four passes), so it is compared with hardwareTflopsPerGpu. Micro-batch is
 * not listed in the table and is searched.
 */
const NARAYANAN: Array<[number, number, number, number, number, number, number, number, number]> = [
  // [params, heads, hidden, layers, tp, pp, gpus, batch, TFLOP/s]
  [1.7e9, 24, 2304, 24, 1, 1, 32, 512, 137],
  [3.6e9, 32, 3072, 30, 2, 1, 64, 512, 138],
  [7.5e9, 32, 4096, 36, 4, 1, 128, 512, 142],
  [18.4e9, 48, 6144, 40, 8, 1, 256, 1024, 135],
  [39.1e9, 64, 8192, 48, 8, 2, 512, 1536, 138],
  [76.1e9, 80, 10240, 60, 8, 4, 1024, 1792, 140],
  [145.6e9, 96, 12288, 80, 8, 8, 1536, 2304, 148],
  [310.1e9, 128, 16384, 96, 8, 16, 1920, 2160, 155],
  [529.6e9, 128, 20480, 105, 8, 35, 2520, 2520, 163],
  [1008.0e9, 160, 25600, 128, 8, 64, 3072, 3072, 163],
];
const SELENE = NodeShape.custom({
  id: 'dgx-a100-80gb', provider: 'on-prem', gpuType: A100, gpuCount: 8, vcpu: 256, memoryBytes: 2 * 2 ** 40,
  networkBandwidthBitsPerSecond: 8 * 200e9, source: 'DGX A100: 8 × 200 Gb/s HDR InfiniBand (Narayanan et al. 2021 §5)',
});

function gpt(params: number, heads: number, hidden: number, layers: number): ModelSpec {
  return ModelSpec.custom({
    id: `gpt-${params / 1e9}b`, name: `GPT ${params / 1e9}B`, layers, hiddenSize: hidden, attentionHeads: heads, kvHeads: heads,
    ffnHiddenSize: 4 * hidden, ffnKind: FfnKind.GELU, vocabSize: 51200, tiedEmbeddings: true, attentionKind: AttentionKind.MHA,
    maxPositionEmbeddings: 2048, source: 'arXiv:2104.04473 Table 1',
  });
}

describe('Megatron-LM paper (Narayanan et al. 2021) Table 1 on A100', () => {
  test.each(NARAYANAN)('%d parameters on %d-head/%d-hidden/%d-layer GPT, TP %d PP %d, %d GPUs, batch %d: within 15%% of %d TFLOP/s', (p, a, h, l, tp, pp, gpus, batch, published) => {
    const model = gpt(p, a, h, l);
    // The paper counts learned position embeddings (2048 × h), which this custom spec omits: ±4%.
    expect(Math.abs(model.parameterCount() / p - 1)).toBeLessThan(0.04);
    const plan = TrainingPlanner.plan({
      model, gpu: A100, nodeShape: SELENE, gpus, sequenceLength: 2048, globalBatchTokens: batch * 2048,
      tensorParallel: tp, pipelineParallel: pp, contextParallel: 1, recompute: RecomputeMode.FULL,
      // 2021 Megatron-LM ran its tensor-parallel all-reduces as blocking collectives (no comm–GEMM overlap).
      tensorParallelCommOverlap: false,
    });
    expect(Math.abs(plan.throughput.hardwareTflopsPerGpu / published - 1)).toBeLessThanOrEqual(0.15);
  });
});

/**
 * Out of sample, another GPU generation: Megatron-Bridge docs/performance-summary.md, "25.11 NeMo Container", System: DGX-B200
 * (8 B200 on NVLink 5, 400 Gb/s per GPU: the planner's default node for `b200-192gb`), FP8-CS, "Model TFLOP / sec / GPU",
 * recipes with the bf16 gradient buffer as the H100 rows above. The 25.09 container measured 1,544 and 1,676. Nothing was
 * fitted to B200: the efficiency constants are the H100 ones, at B200's peaks (2,250 BF16 / 4,500 FP8 dense TFLOP/s).
 */
const B200 = GpuType.of('b200-192gb');
const NEMO_B200: Array<[string, number, TrainingPlanProps]> = [
  ['Llama 3 8B, 8 GPUs, micro-batch 2', 1576, { model: ModelSpec.of('llama-3.1-8b'), gpu: B200, gpus: 8, sequenceLength: 8192, globalBatchTokens: 128 * 8192, precision: FP8, tensorParallel: 1, pipelineParallel: 1, contextParallel: 1, microBatch: 2, fp32GradientBuffer: false }],
  ['Llama 3.1 405B, 128 GPUs, TP4 PP8 CP2 VP8', 1667, { model: ModelSpec.of('llama-3.1-405b'), gpu: B200, gpus: 128, sequenceLength: 8192, globalBatchTokens: 64 * 8192, precision: FP8, tensorParallel: 4, pipelineParallel: 8, contextParallel: 2, virtualPipelineStages: 8, microBatch: 1, fp32GradientBuffer: false }],
];

describe('Megatron-Bridge DGX-B200 FP8 pre-training throughput (out of sample)', () => {
  test.each(NEMO_B200)('%s: predicted model TFLOP/s per GPU within 15%% of the published %d', (_name, published, props) => {
    const plan = TrainingPlanner.plan(props);
    expect(plan.fits).toBe(true);
    expect(Math.abs(plan.throughput.tflopsPerGpu / published - 1)).toBeLessThanOrEqual(0.15);
  });
});

describe('the free layout search', () => {
  test.each([...NEMO.map(([name, , , props]) => [name, props] as const), ...NEMO_B200.map(([name, , props]) => [`B200 ${name}`, props] as const)])('%s: the searched layout is never slower than the published one by the planner\'s own model', (_name, props) => {
    const published = TrainingPlanner.plan(props);
    const free = TrainingPlanner.plan({ ...props, tensorParallel: undefined, pipelineParallel: undefined, contextParallel: undefined, microBatch: undefined, virtualPipelineStages: undefined });
    // The search covers interleaving (virtual stages) too, so it is held to the published layout including its VP.
    expect(free.throughput.stepSeconds).toBeLessThanOrEqual(published.throughput.stepSeconds * (1 + 1e-9));
    expect(published.fits && free.fits).toBe(true);
  });
});

/**
 * NVIDIA NeMo "Long Sequence Performance" (NVIDIA/NeMo docs/source/performance/performance_long_sequence.md), Llama 2 7B,
 * FP8, DGX-H100, NeMo 24.03.01, with context parallelism: model TFLOP/s per GPU at 4k–1M tokens on as many GPUs as
 * thousands of tokens (4k–8k tokens per GPU). The table gives tp, pp, dp and cp but not the global batch: 4,194,304 tokens
 * per step are planned, as the same page's B200 table uses (moving it between 2M and 8M tokens changes no prediction by
 * more than 1.2 points), with micro-batch 1 and no recompute (Megatron's default; at 4k–8k tokens per GPU it fits). Nothing
 * was fitted to these rows: they check attention's pricing (7.5% of the model FLOPs at 4k, 72% at 128k, 95% at 1M) and the
 * context-parallel ring. The error grows past 128k (−6% to −12%), so very long sequences are planned somewhat slow; the
 * attention kernel is not the cause: at the 4k–32k tokens per call of these runs its price is within 5% of the cuDNN kernel
 * measured on H200 (training-plan.test.ts).
 */
const LONG_SEQUENCE: Array<[number, number, number, number, number, number]> = [
  [4, 1, 1, 4, 1, 768], [8, 1, 2, 4, 1, 730], [16, 2, 1, 8, 1, 660], [32, 2, 1, 8, 2, 610], [64, 4, 1, 8, 2, 574],
  [128, 4, 1, 8, 4, 555], [256, 4, 1, 8, 8, 549], [512, 8, 1, 4, 16, 549], [1024, 8, 1, 4, 32, 536],
];

describe('NeMo long-sequence pre-training (Llama 2 7B, FP8, DGX-H100, context parallelism)', () => {
  test.each(LONG_SEQUENCE)('%dk tokens, TP%d PP%d DP%d CP%d: within 15%% of the published %d TFLOP/s per GPU', (k, tp, pp, dp, cp, published) => {
    const plan = TrainingPlanner.plan({
      model: ModelSpec.of('llama-2-7b'), gpu: H100, gpus: k, sequenceLength: k * 1024, globalBatchTokens: Math.max(2 ** 22, dp * k * 1024),
      precision: FP8, tensorParallel: tp, pipelineParallel: pp, contextParallel: cp, microBatch: 1,
    });
    expect(plan.parallelism.dp).toBe(dp);
    expect(plan.recompute).toBe(RecomputeMode.NONE);
    expect(Math.abs(plan.throughput.tflopsPerGpu / published - 1)).toBeLessThanOrEqual(0.15);
  });
});

/**
 * Meta, "The Llama 3 Herd of Models" (arXiv:2407.21783) Table 4: Llama 3 405B pre-training on H100 80GB, BF16,
 * TP 8, CP 1, PP 16, sequence 8,192, 16M tokens per batch, micro-batch 1 (§3.3.2), FSDP without resharding after
 * the forward pass (≈ ZeRO-2), "an interleaved schedule" whose depth is not given: 430 TFLOP/s per GPU on 8,192
 * GPUs (DP 64), 400 on 16,384 (DP 128), and 380 on 16,384 with CP 16 at 131,072 tokens (DP 8). Grand Teton servers, 8 GPUs on NVLink, 400 Gb/s per GPU on RoCE (§3.3.1).
 * These runs were not used to fit any constant, so they check the step-time model independently.
 *
 * Memory: the layers are split 7, 8 × 14, 7 (the paper's "one Transformer layer fewer on the first and last stages")
 * and activations are counted by replaying Megatron-Core's interleaved schedule. On 16,384 GPUs each replica runs 16
 * micro-batches, as many as ranks, so every forward runs before the first backward and a rank holds 128 layers ×
 * micro-batches: the layout fits on the real H100 at v = 4 and v = 8. On 8,192 GPUs (32 micro-batches) rank 1 holds
 * the 2(p−2) + (v−1)p + 1 chunks of the 1F1B warm-up, 141 layers at v = 8, and the model needs 77.4 GiB against 73.3
 * usable (8% multi-GPU reserve, an estimate) of 79.65: a known limit, pinned by the last test. Step time on 8,192 GPUs
 * is checked on a copy of the H100 with room for any activations.
 */
describe('Llama 3 paper: 405B on 8,192 and 16,384 H100s', () => {
  const roomy = GpuType.custom({
    id: 'h100-roomy', name: 'H100 SXM with room for any activations (step-time check only)', vendor: 'nvidia', memoryBytes: 1e12,
    hbmBandwidthBytesPerSecond: H100.hbmBandwidthBytesPerSecond, tflopsBf16: H100.tflopsBf16, tflopsFp8: H100.tflopsFp8,
    nvlinkDomainSize: H100.nvlinkDomainSize, nvlinkBandwidthBytesPerSecond: H100.nvlinkBandwidthBytesPerSecond, tdpWatts: H100.tdpWatts,
    source: 'h100-sxm-80gb with memory set aside',
  });
  const teton = (gpu: GpuType): NodeShape => NodeShape.custom({
    id: `grand-teton-${gpu.id}`, provider: 'on-prem', gpuType: gpu, gpuCount: 8, vcpu: 192, memoryBytes: 2 * 2 ** 40,
    networkBandwidthBitsPerSecond: 8 * 400e9, source: 'Llama 3 paper §3.3.1: 8 H100 per server, 400 Gb/s per GPU (RoCE)',
  });
  const props = (gpu: GpuType, gpus: number, vp: number, cp = 1, sequenceLength = 8192): TrainingPlanProps => ({
    model: ModelSpec.of('llama-3.1-405b'), gpu, nodeShape: teton(gpu), gpus, sequenceLength, globalBatchTokens: 16 * 2 ** 20,
    precision: TrainingPrecision.BF16_MIXED, tensorParallel: 8, pipelineParallel: 16, contextParallel: cp, microBatch: 1,
    virtualPipelineStages: vp, zeroStage: 2,
  });

  test.each([
    [8192, 4, 430, roomy], [8192, 8, 430, roomy], [16384, 4, 400, H100], [16384, 8, 400, H100],
  ])('%d GPUs, %d virtual stages: model TFLOP/s per GPU within 15%% of the published %d', (gpus, vp, published, gpu) => {
    const plan = TrainingPlanner.plan(props(gpu, gpus, vp));
    expect(Math.abs(plan.throughput.tflopsPerGpu / published - 1)).toBeLessThanOrEqual(0.15);
    expect(plan.parallelism.pipelineStageLayers).toEqual([7, ...Array(14).fill(8), 7]);
  });

  // Table 4's third row, the long-context stage: CP 16 over 131,072-token sequences, DP 8, 16 micro-batches per replica. The
  // CP ring runs across nodes (tp·cp = 128 GPUs) and hides behind attention at this length; nothing was fitted to this row.
  test.each([[4, 380], [8, 380]])('16,384 GPUs, CP 16, 131,072 tokens, %d virtual stages: within 15%% of the published %d, and fits the real H100', (vp, published) => {
    const plan = TrainingPlanner.plan(props(H100, 16384, vp, 16, 131072));
    expect(plan.parallelism.dp).toBe(8);
    expect(Math.abs(plan.throughput.tflopsPerGpu / published - 1)).toBeLessThanOrEqual(0.15);
  });

  test('known limit: on 8,192 real 80 GB H100s the interleaved layout is rejected for its activations, by 4.1 GiB (±0.2)', () => {
    expect(() => TrainingPlanner.plan(props(H100, 8192, 8))).toThrow(/activations need/);
    const need = TrainingPlanner.plan(props(roomy, 8192, 8)).memory.peakBytesPerGpu;
    const usable = H100.memoryBytes * (1 - 0.08);
    expect(Math.abs((need - usable) / 2 ** 30 - 4.1)).toBeLessThanOrEqual(0.2);
  });
});

