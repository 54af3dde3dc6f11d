import { PlanningError } from '../../../src/errors';
import { GpuType, ModelSpec } from '../../../src/planning/catalog';
import { ExpertDispatcher, OptimizerKind, TrainingFramework, TrainingPlanner, TrainingPlanProps, TrainingPrecision } from '../../../src/planning/training';

const H100 = GpuType.of('h100-sxm-80gb');
const GiB = 2 ** 30;

/**
 * NVIDIA's Megatron-Bridge performance recipes turn Megatron-Core's fp32 gradient buffer off
 * (`cfg.ddp.grad_reduce_in_fp32 = False`: scripts/performance/configs/qwen/qwen3_llm_pretrain.py `set_qwen3_common_configs`,
 * scripts/performance/configs/deepseek/deepseek_llm_pretrain.py `set_deepseek_v3_common_configs`). Two of the runs they
 * published only fit that way; planned with Megatron-LM's fp32 buffer, both were rejected.
 */
describe('published runs that fit only with the bf16 gradient buffer NVIDIA ran', () => {
  /**
   * Qwen3-30B-A3B FP8 on 16 H100s, TP1 PP2 VP24 EP8, micro-batch 2, GBS 512: Megatron-Bridge docs/performance-summary.md,
   * DGX-H100, 25.09 (241 TFLOP/s, token drop) and 25.11 (121, dropless). Experts are not sharded by the optimizer here
   * (expert data parallelism 16 / (8 × 2) = 1), so every expert gradient is on every GPU.
   */
  const qwen30 = (fp32GradientBuffer?: boolean): TrainingPlanProps => ({
    model: ModelSpec.of('qwen3-30b-a3b'), gpu: H100, gpus: 16, sequenceLength: 4096, globalBatchTokens: 512 * 4096, precision: TrainingPrecision.FP8_MIXED,
    microBatch: 2, tensorParallel: 1, pipelineParallel: 2, contextParallel: 1, virtualPipelineStages: 24, expertParallel: 8, expertTensorParallel: 1, fp32GradientBuffer,
  });
  test('Qwen3-30B FP8, micro-batch 2: fits at 70.1 GiB with the bf16 buffer (gradients 4.8 GiB instead of 9.6); rejected at 75.0 GiB with the fp32 one', () => {
    const plan = TrainingPlanner.plan(qwen30(false));
    expect(Math.abs(plan.memory.peakBytesPerGpu / GiB - 70.15)).toBeLessThan(0.05);
    expect(plan.memory.gradientsBytes * 2).toBeCloseTo(plan.memory.weightsBytes * 2, 0);
    expect(() => TrainingPlanner.plan(qwen30()))
      .toThrow(/activations need 38\.45 GiB per GPU on top of 35\.76 GiB of model states.*try --bf16-grads \(bf16 gradient buffer: model states 30\.9\d GiB\)/);
  });

  /**
   * DeepSeek-V3 FP8 on 1,024 H100s, TP2 PP8 VP4 EP64, DeepEP with EP overlap, GBS 8192 (Megatron-Bridge 25.09: 338 TFLOP/s;
   * arXiv:2603.07685 Table 17: 368). NVIDIA also recompute the MLA up-projections and the dense MLPs, which the planner does
   * not model in FP8, so it counts more activations than they kept: a conservative 73.2 GiB, inside the 73.3 usable.
   */
  const dsv3 = (fp32GradientBuffer?: boolean): TrainingPlanProps => ({
    model: ModelSpec.of('deepseek-v3'), gpu: H100, gpus: 1024, sequenceLength: 4096, globalBatchTokens: 8192 * 4096, precision: TrainingPrecision.FP8_MIXED,
    microBatch: 1, tensorParallel: 2, pipelineParallel: 8, contextParallel: 1, virtualPipelineStages: 4, expertParallel: 64, expertTensorParallel: 1,
    expertDispatcher: ExpertDispatcher.DEEPEP, expertCommunicationOverlap: true, fp32GradientBuffer,
  });
  test('DeepSeek-V3 FP8 at its published interleaved layout: fits at 73.2 GiB with the bf16 buffer; rejected at 77.5 GiB with the fp32 one', () => {
    const plan = TrainingPlanner.plan(dsv3(false));
    expect(plan.parallelism.virtualPipelineStages).toBe(4);
    expect(Math.abs(plan.memory.peakBytesPerGpu / GiB - 73.19)).toBeLessThan(0.05);
    expect(plan.memory.peakBytesPerGpu).toBeLessThanOrEqual(plan.memory.usableBytesPerGpu);
    expect(() => TrainingPlanner.plan(dsv3())).toThrow(/activations need 57\.59 GiB per GPU on top of 19\.20 GiB/);
  });
});

describe('the bf16 gradient buffer in the plan', () => {
  const llama1b = (fp32GradientBuffer?: boolean, gpus = 1): TrainingPlanProps => ({
    model: ModelSpec.of('llama-3.2-1b'), gpu: H100, gpus, sequenceLength: 128, globalBatchTokens: 128 * gpus, precision: TrainingPrecision.BF16_MIXED, fp32GradientBuffer,
  });

  test('on one GPU with few activations the step\'s fp32 gradient copy sets the peak: 2 + 2 + 12 + 4 bytes per parameter against 2 + 4 + 12 (exact)', () => {
    const bf16 = TrainingPlanner.plan(llama1b(false));
    const fp32 = TrainingPlanner.plan(llama1b());
    const m = bf16.memory;
    const params = m.weightsBytes / 2;
    expect(m.gradientsBytes).toBeCloseTo(2 * params, 0);
    expect(fp32.memory.gradientsBytes).toBeCloseTo(4 * params, 0);
    expect(m.activationsBytes).toBeLessThan(4 * params);
    expect(m.peakBytesPerGpu).toBeCloseTo(m.weightsBytes + m.gradientsBytes + m.optimizerBytes + 4 * params + m.overheadBytes, 0);
    expect(m.peakBytesPerGpu - fp32.memory.peakBytesPerGpu).toBeCloseTo(2 * params - m.activationsBytes, 0);
    expect(bf16.explain()).toMatch(/optimizer step's fp32 gradient copy \(more than the activations/);
    expect(bf16.explain()).toMatch(/^Training plan: llama-3\.2-1b on 1 × h100-sxm-80gb \(megatron, bf16-mixed, bf16 gradient buffer, adamw, ZeRO-1/);
    expect(fp32.explain()).not.toMatch(/bf16 gradient buffer/);
  });

  test('gradients reduce in bf16: less data-parallel time per step, the rest unchanged', () => {
    const props = { ...llama1b(undefined, 64), globalBatchTokens: 64 * 128 * 4, sequenceLength: 128 };
    const fp32 = TrainingPlanner.plan(props);
    const bf16 = TrainingPlanner.plan({ ...props, fp32GradientBuffer: false, tensorParallel: fp32.parallelism.tp, pipelineParallel: fp32.parallelism.pp, microBatch: fp32.parallelism.microBatch });
    expect(bf16.parallelism.dp).toBe(fp32.parallelism.dp);
    expect(bf16.throughput.stepSeconds).toBeLessThan(fp32.throughput.stepSeconds);
  });

  test.each([
    ['with the hf profile', { framework: TrainingFramework.HF, fp32GradientBuffer: false }, /is Megatron-Core's grad_reduce_in_fp32; the hf profile keeps gradients in the parameters' dtype/],
    ['with the fsdp profile, even set true', { framework: TrainingFramework.FSDP, fp32GradientBuffer: true }, /the fsdp profile keeps gradients/],
    ['off with bf16-pure', { precision: TrainingPrecision.BF16_PURE, fp32GradientBuffer: false }, /bf16-pure already keeps bf16 gradients/],
    ['off with fp32-amp', { precision: TrainingPrecision.FP32_AMP, fp32GradientBuffer: false }, /fp32-amp keeps fp32 gradients/],
    ['not a boolean', { fp32GradientBuffer: 'no' as unknown as boolean }, /must be true or false/],
  ] as Array<[string, Partial<TrainingPlanProps>, RegExp]>)('fp32GradientBuffer %s is a PlanningError naming the field', (_name, extra, fix) => {
    let error: unknown;
    try { TrainingPlanner.plan({ ...llama1b(), ...extra }); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(PlanningError);
    expect((error as PlanningError).field).toBe('fp32GradientBuffer');
    expect((error as PlanningError).message).toMatch(fix);
  });
});

describe('the bf16 gradient buffer in the advice', () => {
  test('offered when model states do not fit and it would (Llama 2 13B on 16 GPUs at TP1: 2 + 4 + 12/16 → 2 + 2 + 12/16 bytes), and the plan then fits', () => {
    const props: TrainingPlanProps = { model: ModelSpec.of('llama-2-13b'), gpu: H100, gpus: 16, sequenceLength: 1024, globalBatchTokens: 64 * 1024, tensorParallel: 1, pipelineParallel: 1 };
    expect(() => TrainingPlanner.plan(props)).toThrow(/need 81\.8\d GiB per GPU at zero=1.*--bf16-grads \(model states 57\.5\d GiB per GPU before activations\)/);
    const plan = TrainingPlanner.plan({ ...props, fp32GradientBuffer: false });
    expect(plan.memory.peakBytesPerGpu).toBeLessThanOrEqual(plan.memory.usableBytesPerGpu);
  });
});

describe('AdamW with bf16 moments (Megatron-Core precision-aware optimizer)', () => {
  test('saves 4 bytes per parameter of optimizer state, sharded like the rest (Llama 3.1 8B on 8 GPUs, ZeRO-1: 12 → 8 bytes / 8)', () => {
    const props: TrainingPlanProps = { model: ModelSpec.of('llama-3.1-8b'), gpu: H100, gpus: 8, sequenceLength: 4096, globalBatchTokens: 64 * 4096, tensorParallel: 1, pipelineParallel: 1 };
    const adamw = TrainingPlanner.plan(props);
    const bf16 = TrainingPlanner.plan({ ...props, optimizer: OptimizerKind.ADAMW_BF16_MOMENTS });
    expect(bf16.memory.optimizerBytes / adamw.memory.optimizerBytes).toBeCloseTo(8 / 12, 9);
    expect(bf16.explain()).toMatch(/bf16 momentum 2 \+ bf16 variance 2/);
  });

  test('is offered, with the states it would need, when model states do not fit (Gemma 2 9B on 2 GPUs at TP2)', () => {
    let error: unknown;
    try {
      TrainingPlanner.plan({ model: ModelSpec.of('gemma-2-9b'), gpu: H100, gpus: 2, sequenceLength: 4096, globalBatchTokens: 2 * 4096, tensorParallel: 2, pipelineParallel: 1 });
    } catch (e) { error = e; }
    expect(error).toBeInstanceOf(PlanningError);
    // 9.24B parameters / tp 2 × 18 bytes = 77.5 GiB; with bf16 moments 14 bytes. Not --bf16-grads: with no data parallelism
    // the optimizer step's fp32 copy of every gradient (4 bytes) would not fit beside the 2 + 2 + 12.
    expect((error as PlanningError).message).not.toMatch(/--bf16-grads/);
    expect((error as PlanningError).message).toMatch(/weights\+gradients\+optimizer need 77\.\d+ GiB.*--optimizer adamw-bf16-moments \(model states 60\.\d+ GiB per GPU before activations\)/);
  });
});
