import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { AttentionKind, FfnKind, GpuType, ModelSpec, NodeShape } from '../../../src/planning/catalog';
import { RecomputeMode, TrainingFramework, TrainingPlanner, TrainingPrecision } from '../../../src/planning/training';
import { attentionBackwardRatio, attentionLengthFactor } from '../../../src/planning/training/attention-kernel';
import { DEFAULT_BF16_EFFICIENCY } from '../../../src/planning/training/step-time';

const H100 = GpuType.of('h100-sxm-80gb');

describe('TrainingPlan', () => {
  const plan = TrainingPlanner.plan({
    model: ModelSpec.of('llama-3.1-70b'), gpu: H100, nodeShape: NodeShape.of('p5.48xlarge'), gpus: 64,
    sequenceLength: 8192, globalBatchTokens: 128 * 8192, tokens: 1e11,
  });

  test('toJson carries exactly the fields DESIGN.md lists for aidc plan training --json', () => {
    const j = plan.toJson();
    for (const k of ['fits', 'parallelism', 'memory', 'throughput', 'gpus', 'nodes', 'timeToTrainSeconds', 'costUsd']) expect(j).toHaveProperty(k);
    for (const k of ['tp', 'pp', 'dp', 'cp', 'microBatch', 'gradientAccumulation']) expect(j.parallelism).toHaveProperty(k);
    for (const k of ['weightsBytes', 'gradientsBytes', 'optimizerBytes', 'activationsBytes', 'peakBytesPerGpu']) expect(j.memory).toHaveProperty(k);
    for (const k of ['stepSeconds', 'tokensPerSecond', 'tflopsPerGpu', 'mfu']) expect(j.throughput).toHaveProperty(k);
    expect(JSON.stringify(j)).not.toMatch(/NaN|Infinity/);
  });

  test('the layout multiplies to the GPU count and the batch to the global batch', () => {
    const p = plan.parallelism;
    expect(p.tp * p.pp * p.cp * p.dp).toBe(64);
    expect(p.dp * p.microBatch * p.gradientAccumulation).toBe(128);
    expect(plan.nodes).toBe(8);
  });

  test('time and cost to train follow from tokens/s and the p5 on-demand price', () => {
    expect(plan.timeToTrainSeconds).toBeCloseTo(1e11 / plan.throughput.tokensPerSecond, 3);
    expect(plan.costUsd).toBeCloseTo(8 * 55.04 * plan.timeToTrainSeconds! / 3600, 3);
  });

  test('the checkpoint holds weights plus optimizer states of the whole model (14 bytes/parameter for bf16-mixed Adam)', () => {
    expect(plan.checkpointBytes / ModelSpec.of('llama-3.1-70b').parameterCount()).toBeCloseTo(14, 1);
  });

  test('explain() shows each derived number with its formula and source', () => {
    const text = plan.explain();
    for (const s of ['weights per GPU', 'activations per GPU', 'pipeline bubble fraction', 'step time', 'MFU', 'Korthikanti', 'Rajbhandari', 'Narayanan']) expect(text).toContain(s);
  });

  test('the plan is frozen', () => {
    expect(Object.isFrozen(plan)).toBe(true);
    expect(Object.isFrozen(plan.memory)).toBe(true);
  });
});

describe('deadline mode', () => {
  test('returns the smallest GPU count, a multiple of the node size, that trains the tokens in time', () => {
    const props = { model: ModelSpec.of('llama-3.1-8b'), gpu: H100, sequenceLength: 8192, globalBatchTokens: 512 * 8192, tokens: 1e11 };
    const plan = TrainingPlanner.plan({ ...props, deadlineSeconds: 7 * 86400 });
    expect(plan.gpus % 8).toBe(0);
    expect(plan.timeToTrainSeconds!).toBeLessThanOrEqual(7 * 86400);
    if (plan.gpus > 8) {
      const fewer = plan.gpus - 8;
      try {
        const p = TrainingPlanner.plan({ ...props, gpus: fewer });
        expect(p.timeToTrainSeconds!).toBeGreaterThan(7 * 86400);
      } catch { /* no valid layout at that count */ }
    }
  });
});

describe('attention kernel speed by call length (fused causal attention measured on H200, fixtures/h200-kernels.json)', () => {
  interface AttentionRecord { kind: string; backend: string; length: number; forwardTflops: number; backwardOverForward: number; forwardSeconds: number; backwardSeconds: number; batch: number }
  const cudnn = (JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'h200-kernels.json'), 'utf8')) as { records: AttentionRecord[] }).records
    .filter((r) => r.kind === 'attention' && r.backend === 'cudnn');
  const at16k = cudnn.find((r) => r.length === 16384) as AttentionRecord;

  test('the fixture measured the cuDNN backend at 8 lengths from 1k to 128k', () => {
    expect(cudnn.map((r) => r.length)).toEqual([1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072]);
  });

  test.each(cudnn.map((r) => [r.length, r]))('at %d tokens the length factor and backward ratio are the measured ones (±0.1%%)', (_length, r) => {
    const rec = r as AttentionRecord;
    expect(Math.abs(attentionLengthFactor(rec.length) / (rec.forwardTflops / at16k.forwardTflops) - 1)).toBeLessThan(0.001);
    expect(Math.abs(attentionBackwardRatio(rec.length) / rec.backwardOverForward - 1)).toBeLessThan(0.001);
  });

  test('forward plus backward time of a causal attention call, as the planner prices it, is within 5% of measured from 4k to 128k and within 15% at 1k and 2k', () => {
    const errors = cudnn.map((r) => {
      const flops = 4 * r.batch * r.length * r.length * 32 * 128 / 2;
      const planned = flops / (989e12 * DEFAULT_BF16_EFFICIENCY * attentionLengthFactor(r.length)) * (1 + attentionBackwardRatio(r.length));
      return { length: r.length, err: planned / (r.forwardSeconds + r.backwardSeconds) - 1 };
    });
    expect(errors.filter((e) => Math.abs(e.err) > (e.length >= 4096 ? 0.05 : 0.15))).toEqual([]);
  });

  test('the BF16 efficiency prices attention at 16k at the measured kernel speed (593 against 596 TFLOP/s, within 1%)', () => {
    expect(Math.abs(989 * DEFAULT_BF16_EFFICIENCY / at16k.forwardTflops - 1)).toBeLessThan(0.01);
  });

  test('FlashAttention-3\'s own H100 backward/forward times (Shah et al. 2024 Figs. 5 and 9) agree within 3% from 1k to 16k', () => {
    for (const [length, fwd, bwd] of [[1024, 565, 424], [2048, 625, 501], [4096, 638, 542], [8192, 646, 559], [16384, 648, 561]]) {
      expect(Math.abs(attentionBackwardRatio(length) / (2.5 * fwd / bwd) - 1)).toBeLessThan(0.03);
    }
  });

  test('the factor is positive and finite at any length, rises up to 64k, and holds beyond 128k; the ratio is held outside 1k–128k (fast-check, 200 runs)', () => {
    fc.assert(fc.property(fc.double({ min: 1, max: 65536, noNaN: true }), fc.double({ min: 1, max: 65536, noNaN: true }), (a, b) => {
      const [lo, hi] = a < b ? [a, b] : [b, a];
      expect(attentionLengthFactor(lo)).toBeGreaterThan(0);
      expect(attentionLengthFactor(hi)).toBeGreaterThanOrEqual(attentionLengthFactor(lo));
      expect(Number.isFinite(attentionBackwardRatio(lo))).toBe(true);
    }), { numRuns: 200 });
    expect(attentionLengthFactor(16384)).toBe(1);
    expect(attentionLengthFactor(1 << 20)).toBe(attentionLengthFactor(131072));
    expect(attentionBackwardRatio(64)).toBe(attentionBackwardRatio(1024));
    expect(attentionBackwardRatio(1 << 20)).toBe(attentionBackwardRatio(131072));
    const mid = attentionBackwardRatio(3000);
    expect(mid).toBeLessThan(attentionBackwardRatio(2048));
    expect(mid).toBeGreaterThan(attentionBackwardRatio(4096));
    // At every measured length the backward is dearer than the 2 forwards that model FLOPs count.
    for (const r of cudnn) expect(attentionBackwardRatio(r.length)).toBeGreaterThan(2.5);
  });

  test('context parallelism stays near NVIDIA\'s 4k tokens per rank: Llama 3.1 8B on 16 H100s at 8k uses cp ≤ 2', () => {
    // NVIDIA Megatron Bridge skill "nemo-mbridge-perf-moe-long-context": "Start from a 4K shard target: CP ≈ seq_len / 4096".
    // Without the kernel-efficiency term the search chose cp 8 (1,024-token ring steps) and dp 1.
    const plan = TrainingPlanner.plan({ model: ModelSpec.of('llama-3.1-8b'), gpu: H100, nodeShape: NodeShape.of('p5.48xlarge'), gpus: 16, sequenceLength: 8192, globalBatchTokens: 4 * 2 ** 20 });
    expect(plan.parallelism.cp).toBeLessThanOrEqual(2);
    expect(plan.parallelism.dp).toBeGreaterThan(1);
    // NeMo's own recipe for this model and sequence length (tensor_parallelism 1, pipeline_parallelism 1,
    // context_parallelism 2, micro-batch 1; NVIDIA/NeMo nemo/collections/llm/recipes/llama3_8b.py, seq_length 8192) is
    // within 0.5% of the searched layout by the planner's own model (the search picks tp 2, cp 1 by 0.1%).
    const nemo = TrainingPlanner.plan({
      model: ModelSpec.of('llama-3.1-8b'), gpu: H100, nodeShape: NodeShape.of('p5.48xlarge'), gpus: 16, sequenceLength: 8192,
      globalBatchTokens: 4 * 2 ** 20, tensorParallel: 1, pipelineParallel: 1, contextParallel: 2, microBatch: 1,
    });
    expect(nemo.throughput.stepSeconds / plan.throughput.stepSeconds).toBeGreaterThanOrEqual(1 - 1e-9);
    expect(nemo.throughput.stepSeconds / plan.throughput.stepSeconds).toBeLessThan(1.005);
  });
});

describe('pipeline point-to-point traffic', () => {
  // Two copies of the p5.48xlarge that differ only in network bandwidth; dp = 1, so only the pipeline uses the network.
  const node = (gbps: number): NodeShape => NodeShape.custom({
    id: `p5-${gbps}`, provider: 'aws', gpuType: H100, gpuCount: 8, vcpu: 192, memoryBytes: 2 * 2 ** 40,
    networkBandwidthBitsPerSecond: 8 * gbps * 1e9, source: 'p5.48xlarge with its network bandwidth varied (test)',
  });
  const props = (gbps: number, vp: number) => ({
    model: ModelSpec.of('llama-3.1-70b'), gpu: H100, nodeShape: node(gbps), gpus: 32, sequenceLength: 4096, globalBatchTokens: 64 * 4096,
    tensorParallel: 8, pipelineParallel: 4, contextParallel: 1, microBatch: 1, virtualPipelineStages: vp, recompute: RecomputeMode.FULL,
  });
  const bytes = 4096 * 8192 * 2 / 8; // s·b·h·2/t per transfer (scatter/gather), LINK_EFFICIENCY 0.8
  const perGbps = (gbps: number): number => bytes / (gbps * 1e9 / 8 * 0.8);

  test('plain 1F1B blocks on both transfers of every micro-batch: the step grows by (m + p − 1)·2 + 2(p − 1) transfers (±1e-9)', () => {
    const fast = TrainingPlanner.plan(props(400, 1));
    const slow = TrainingPlanner.plan(props(100, 1));
    const m = 64; const p = 4;
    const expected = ((m + p - 1) * 2 + 2 * (p - 1)) * (perGbps(100) - perGbps(400));
    expect(slow.throughput.stepSeconds - fast.throughput.stepSeconds).toBeCloseTo(expected, 9);
  });

  test('the interleaved schedule overlaps them and pays only fill and drain: 2(p − 1)·v transfers (±1e-9)', () => {
    const fast = TrainingPlanner.plan(props(400, 4));
    const slow = TrainingPlanner.plan(props(100, 4));
    expect(slow.throughput.stepSeconds - fast.throughput.stepSeconds).toBeCloseTo(2 * 3 * 4 * (perGbps(100) - perGbps(400)), 9);
  });
});

describe('the output head sits on the last pipeline rank', () => {
  // Megatron-Core builds `output_layer` only on the post-process (last) stage; without
  // --account-for-loss-in-pipeline-split an even split gives that rank as many decoder layers as the others, so the
  // head's 6·V·h FLOPs per token come on top of its slot. Two models that differ only in vocabulary isolate it.
  const model = (vocab: number): ModelSpec => ModelSpec.custom({
    id: `probe-${vocab}`, name: 'probe', layers: 16, hiddenSize: 2048, attentionHeads: 32, kvHeads: 8, ffnHiddenSize: 8192,
    ffnKind: FfnKind.SWIGLU, vocabSize: vocab, tiedEmbeddings: false, attentionKind: AttentionKind.GQA, maxPositionEmbeddings: 8192,
    source: 'test probe (Llama 3.2 1B shape)',
  });
  const plan = (vocab: number, pp: number) => TrainingPlanner.plan({
    model: model(vocab), gpu: H100, gpus: pp, sequenceLength: 4096, globalBatchTokens: 64 * 4096, tensorParallel: 1, pipelineParallel: pp,
    contextParallel: 1, microBatch: 1, framework: TrainingFramework.MEGATRON, precision: TrainingPrecision.BF16_MIXED, recompute: RecomputeMode.NONE,
  });
  const efficiency = 0.6 * 2048 / (2048 + 1024); // DEFAULT_BF16_EFFICIENCY × gemmWidthFactor
  const headSecondsPerSlot = (dv: number): number => 4096 * 6 * dv * 2048 / (H100.tflopsBf16 * 1e12 * efficiency);

  test.each([2, 4])('pp %d: every one of the m + p − 1 slots carries the whole head (±1%; the optimizer pass is the rest)', (pp) => {
    const dv = 96_000;
    const grown = plan(32_000 + dv, pp).throughput.stepSeconds - plan(32_000, pp).throughput.stepSeconds;
    expect(plan(32_000, pp).parallelism.pipelineSplit).toBe('even');
    expect(grown / ((64 + pp - 1) * headSecondsPerSlot(dv))).toBeCloseTo(1, 2);
  });
});
