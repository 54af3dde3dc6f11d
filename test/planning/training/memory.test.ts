import { GpuType, ModelSpec } from '../../../src/planning/catalog';
import { TrainingPlanner } from '../../../src/planning/training';
import { EAGER_LOGITS_BYTES, megatronLayerUnits } from '../../../src/planning/training/activations';
import { bytesPerParameter } from '../../../src/planning/training/bytes-per-parameter';
import { zeroPartitionedBytes } from '../../../src/planning/training/memory';
import { modelShape } from '../../../src/planning/training/model-math';
import { OptimizerKind, RecomputeMode, TrainingFramework, TrainingPrecision } from '../../../src/planning/training/precision';

const GB = 1e9;

describe('ZeRO model-state memory', () => {
  // Rajbhandari et al. 2020, "ZeRO" (arXiv:1910.02054), Figure 1 / §5: 7.5B parameters, Nd = 64 GPUs,
  // mixed-precision Adam (K = 12): 120 GB → 31.4 GB (Pos) → 16.6 GB (Pos+g) → 1.9 GB (Pos+g+p).
  test.each([
    [0, 120], [1, 31.4], [2, 16.6], [3, 1.9],
  ])('the 7.5B / 64-GPU example of the ZeRO paper at stage %d needs %d GB per GPU (±0.05 GB)', (stage, gb) => {
    const r = zeroPartitionedBytes(7.5e9, bytesPerParameter(TrainingPrecision.BF16_MIXED, OptimizerKind.ADAMW), 64, stage);
    expect(Math.abs(r.total / GB - gb)).toBeLessThanOrEqual(0.05);
  });

  // DeepSpeed's documented memory estimator (DeepSpeed docs/code-docs/source/memory.rst, "API To Estimate Memory
  // Usage"): t5-3b, 2,851M parameters, 1 node × 8 GPUs, no offload. It prints bytes / 2^30 as "GB".
  const t5 = { params: 2851e6, largestLayer: 32e6, gpus: 8 };
  const fp32Grads = bytesPerParameter(TrainingPrecision.BF16_MIXED, OptimizerKind.ADAMW, 'megatron-fp32'); // 2 + 4 + 12 = 18 B
  test('ZeRO-3: the estimator\'s 6.09 GB (cold) is 18 bytes per parameter over 8 GPUs plus a 4-byte gather of the largest layer (±0.01 GB)', () => {
    const r = zeroPartitionedBytes(t5.params, fp32Grads, t5.gpus, 3);
    expect(Math.abs((r.total + 4 * t5.largestLayer) / 2 ** 30 - 6.09)).toBeLessThanOrEqual(0.01);
  });
  test('ZeRO-2: the estimator\'s 15.93 GB keeps every 16-bit gradient on every GPU (2 B × all parameters) on top of the ZeRO paper\'s partitioned accounting the planner uses (±0.01 GB)', () => {
    const r = zeroPartitionedBytes(t5.params, fp32Grads, t5.gpus, 2);
    // ZeRO paper §5.2 (what the planner charges): 2 B weights + (4 + 12) B / 8 = 10.62 GB.
    expect(Math.abs(r.total / 2 ** 30 - 10.62)).toBeLessThanOrEqual(0.01);
    // DeepSpeed's conservative formula, 4·P + 16·P/N, is that plus a full copy of the 16-bit gradients.
    expect(Math.abs((r.total + 2 * t5.params) / 2 ** 30 - 15.93)).toBeLessThanOrEqual(0.01);
  });

  test.each([
    [TrainingPrecision.BF16_MIXED, OptimizerKind.ADAMW, 16],
    [TrainingPrecision.FP8_MIXED, OptimizerKind.ADAMW, 16],
    [TrainingPrecision.FP32_AMP, OptimizerKind.ADAMW, 16],
    [TrainingPrecision.BF16_PURE, OptimizerKind.ADAMW, 8],
    [TrainingPrecision.BF16_MIXED, OptimizerKind.ADAM_8BIT, 10], // 2 + 2 + 4 master + 2 (Dettmers et al. 2021)
    [TrainingPrecision.BF16_PURE, OptimizerKind.ADAM_8BIT, 6],
    [TrainingPrecision.BF16_MIXED, OptimizerKind.SGD, 12],
    [TrainingPrecision.FP32_AMP, OptimizerKind.SGD, 12],
    [TrainingPrecision.BF16_MIXED, OptimizerKind.ADAMW_BF16_MOMENTS, 12], // 2 + 2 + 4 master + 2 + 2
    [TrainingPrecision.BF16_PURE, OptimizerKind.ADAMW_BF16_MOMENTS, 8],
    [TrainingPrecision.FP32_AMP, OptimizerKind.ADAMW_BF16_MOMENTS, 12], // 4 + 4 + 2 + 2
  ])('%s with %s keeps %d bytes per parameter before ZeRO', (p, o, bytes) => {
    const b = bytesPerParameter(p, o);
    expect(b.weights + b.gradients + b.optimizer).toBe(bytes);
  });

  test.each([
    // Megatron-LM docs/source/api-guide/dist_optimizer.md: "bf16 param, fp32 grads": 18 bytes without the
    // distributed optimizer, 6 + 12/d with it (exact).
    [TrainingPrecision.BF16_MIXED, 18],
    [TrainingPrecision.FP8_MIXED, 18],
    [TrainingPrecision.FP32_AMP, 16],
  ])('Megatron\'s fp32 gradient buffer makes %s hold %d bytes per parameter', (p, bytes) => {
    const b = bytesPerParameter(p, OptimizerKind.ADAMW, 'megatron-fp32');
    expect(b.weights + b.gradients + b.optimizer).toBe(bytes);
    if (bytes === 18) {
      const d = 64;
      expect(b.weights + b.gradients + b.optimizer / d).toBeCloseTo(6 + 12 / d, 12);
    }
  });
});

describe('Megatron-Core\'s bf16 gradient buffer (grad_reduce_in_fp32 off)', () => {
  test('bf16-mixed holds 2 + 2 + 12 bytes per parameter through forward and backward, and the step\'s fp32 gradient copy makes Megatron-LM\'s "fp16 param, fp16 grads" 4 + 16/d (exact)', () => {
    const b = bytesPerParameter(TrainingPrecision.BF16_MIXED, OptimizerKind.ADAMW, 'megatron-bf16');
    expect([b.weights, b.gradients, b.optimizer, b.stepGradientCopy]).toEqual([2, 2, 12, 4]);
    // Megatron-LM docs/source/api-guide/dist_optimizer.md, distributed optimizer over d ranks.
    const d = 64;
    expect(b.weights + b.gradients + (b.optimizer + b.stepGradientCopy) / d).toBeCloseTo(4 + 16 / d, 12);
    expect(b.formula).toMatch(/fp32 gradient copy 4 during the optimizer step/);
  });
  test.each([
    ['megatron-fp32', 0], ['parameter-dtype', 0],
  ] as const)('no step copy with the %s buffer', (buffer, copy) => {
    expect(bytesPerParameter(TrainingPrecision.BF16_MIXED, OptimizerKind.ADAMW, buffer).stepGradientCopy).toBe(copy);
  });
});

describe('activation memory (Korthikanti et al. 2022, arXiv:2205.05198, Table 2)', () => {
  const gpt3 = modelShape(ModelSpec.of('gpt3-175b'));
  test('a GPT-3 175B layer stores sbh(34 + 5as/h) bytes without recomputation and 34·sbh with selective recomputation (exact)', () => {
    const s = 2048;
    expect(megatronLayerUnits(gpt3, s, true)).toBeCloseTo(34 + 5 * 96 * s / 12288, 6);
    expect(megatronLayerUnits(gpt3, s, false)).toBeCloseTo(34, 6);
  });

  test('the planner charges the first pipeline stage L·34·sbh/t for GPT-3 175B at t=8, p=8, selective recompute (±2%)', () => {
    // Korthikanti et al. 2022 §4.2.3 / eq. (5): with 1F1B the first stage holds p micro-batches of L/p layers = L layers' worth.
    const plan = TrainingPlanner.plan({
      model: ModelSpec.of('gpt3-175b'), gpu: GpuType.of('a100-sxm-80gb'), gpus: 64, sequenceLength: 2048, globalBatchTokens: 64 * 2048,
      tensorParallel: 8, pipelineParallel: 8, contextParallel: 1, microBatch: 1, recompute: RecomputeMode.SELECTIVE, virtualPipelineStages: 1,
    });
    const expected = 96 * 34 * 2048 * 12288 / 8;
    expect(Math.abs(plan.memory.activationsBytes / expected - 1)).toBeLessThan(0.02);
  });

  test('interleaving holds (1 + (p−1)/(p·v)) times the 1F1B layer activations on the first stage (Korthikanti et al. 2022 §4.2.3)', () => {
    const base = { model: ModelSpec.of('gpt3-175b'), gpu: GpuType.of('a100-sxm-80gb'), gpus: 64, sequenceLength: 2048, globalBatchTokens: 64 * 2048, tensorParallel: 8, pipelineParallel: 8, contextParallel: 1, microBatch: 1, recompute: RecomputeMode.SELECTIVE };
    const plain = TrainingPlanner.plan({ ...base, virtualPipelineStages: 1 });
    const interleaved = TrainingPlanner.plan({ ...base, virtualPipelineStages: 4 });
    expect(interleaved.parallelism.virtualPipelineStages).toBe(4);
    // 34·sbh/t per layer; 96 layers held on the first rank under 1F1B, 96·(1 + 7/32) = 117 interleaved; plus the
    // embedding's 1-byte dropout mask (sbh/t) per chunk-0 micro-batch held: 8 under 1F1B, 16 at the interleaved peak.
    const unit = 2048 * 12288 / 8;
    expect(plain.memory.activationsBytes / unit).toBeCloseTo(96 * 34 + 8, 6);
    expect(interleaved.memory.activationsBytes / unit).toBeCloseTo(96 * (1 + 7 / 32) * 34 + 16, 6);
    // and a smaller bubble: (p−1)/(v·m) instead of (p−1)/m
    expect(interleaved.throughput.stepSeconds).toBeLessThan(plain.throughput.stepSeconds);
  });

  test('full recomputation keeps 2sbh per layer, far less than selective', () => {
    const base = { model: ModelSpec.of('gpt3-175b'), gpu: GpuType.of('a100-sxm-80gb'), gpus: 64, sequenceLength: 2048, globalBatchTokens: 64 * 2048, tensorParallel: 8, pipelineParallel: 8, contextParallel: 1, microBatch: 1 };
    const full = TrainingPlanner.plan({ ...base, recompute: RecomputeMode.FULL });
    const sel = TrainingPlanner.plan({ ...base, recompute: RecomputeMode.SELECTIVE });
    const layerInputs = 96 * 2 * 2048 * 12288 / 8;
    expect(full.memory.activationsBytes).toBeGreaterThan(layerInputs);
    expect(full.memory.activationsBytes).toBeLessThan(layerInputs * 1.5);
    expect(full.memory.activationsBytes).toBeLessThan(sel.memory.activationsBytes / 5);
  });

  test('the eager (hf) profile is dominated by the full-vocabulary logits at 128k vocabularies', () => {
    const plan = TrainingPlanner.plan({
      model: ModelSpec.of('llama-3.2-1b'), gpu: GpuType.of('h100-sxm-80gb'), gpus: 1, sequenceLength: 4096, globalBatchTokens: 4096 * 4,
      framework: 'hf' as any, microBatch: 1,
    });
    const logits = EAGER_LOGITS_BYTES.backward * 4096 * 128256;
    expect(plan.memory.activationsBytes).toBeGreaterThan(logits);
    expect(logits / plan.memory.activationsBytes).toBeGreaterThan(0.4);
  });
});

describe('parameter breakdown', () => {
  test.each(ModelSpec.all().map((m) => [m.id, m] as const))('%s: the planner counts the catalog parameter total within 1%%', (_id, m) => {
    expect(Math.abs(modelShape(m).totalParams / m.parameterCount() - 1)).toBeLessThan(0.01);
  });

  test('facebook/opt-350m (word_embed_proj_dim 512 ≠ hidden 1024): embeddings at 512 wide plus project_in/out, within 1% (was +6.7% at vocab × hidden)', () => {
    const m = ModelSpec.fromHuggingFaceConfig({
      model_type: 'opt', architectures: ['OPTForCausalLM'], activation_function: 'relu', do_layer_norm_before: false, ffn_dim: 4096, hidden_size: 1024,
      max_position_embeddings: 2048, num_attention_heads: 16, num_hidden_layers: 24, vocab_size: 50272, word_embed_proj_dim: 512, torch_dtype: 'float16',
    }, 'opt-350m');
    const shape = modelShape(m);
    expect(Math.abs(shape.totalParams / m.parameterCount() - 1)).toBeLessThan(0.01);
    expect(shape.embeddingParams).toBe(50272 * 512 + 512 * 1024);
    expect(shape.outputParams).toBe(512 * 1024); // lm_head tied to the 512-wide table; project_out stays
  });
});

describe('interleaving in the free search', () => {
  test('is chosen where the 1F1B bubble is large and skipped where it is under 5% of the step', () => {
    const h100 = GpuType.of('h100-sxm-80gb');
    // 70B on 1,024 GPUs with 1,024 sequences per step: few micro-batches per replica, a large bubble.
    const big = TrainingPlanner.plan({ model: ModelSpec.of('llama-3.1-70b'), gpu: h100, gpus: 1024, sequenceLength: 8192, globalBatchTokens: 1024 * 8192 });
    const p = big.parallelism;
    expect((p.pp - 1) / p.gradientAccumulation).toBeGreaterThan(0.05);
    expect(p.virtualPipelineStages).toBeGreaterThan(1);
    // 8B on 16 GPUs with 512 sequences per replica: the bubble is a fraction of a percent.
    const small = TrainingPlanner.plan({ model: ModelSpec.of('llama-3.1-8b'), gpu: h100, gpus: 16, sequenceLength: 8192, globalBatchTokens: 512 * 8192 });
    expect((small.parallelism.pp - 1) / small.parallelism.gradientAccumulation).toBeLessThanOrEqual(0.05);
    expect(small.parallelism.virtualPipelineStages).toBe(1);
  });
});

describe('data-parallel buffers of the eager profile', () => {
  const props = { model: ModelSpec.of('llama-3.2-1b'), gpu: GpuType.of('h100-sxm-80gb'), sequenceLength: 2048, microBatch: 1, precision: TrainingPrecision.BF16_PURE, recompute: RecomputeMode.FULL } as const;
  test('PyTorch DDP keeps a bucket copy of every gradient on every rank (gradient_as_bucket_view off by default, PyTorch PR #41954): 2 B × parameters in bf16 (exact)', () => {
    const one = TrainingPlanner.plan({ ...props, framework: TrainingFramework.HF, zeroStage: 0, gpus: 1, globalBatchTokens: 2048 });
    const ddp = TrainingPlanner.plan({ ...props, framework: TrainingFramework.HF, zeroStage: 0, gpus: 2, globalBatchTokens: 2 * 2048 });
    const params = modelShape(ModelSpec.of('llama-3.2-1b')).totalParams;
    // Two ranks add the NCCL communicator (0.55 GiB) and the bucket copy of the bf16 gradients; the gradients themselves
    // now live through the step (they are summed across ranks after the backward pass).
    expect(ddp.memory.overheadBytes - one.memory.overheadBytes).toBeCloseTo(0.55 * 2 ** 30 + 2 * params, 0);
    expect(ddp.explain()).toMatch(/DDP all-reduce buckets/);
  });
});
