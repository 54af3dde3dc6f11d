import { GpuType, ModelSpec, NodeShape } from '../../../src/planning/catalog';
import { RecomputeMode, TrainingFramework, TrainingPlanner, TrainingPlanProps } from '../../../src/planning/training';

/**
 * PyTorch FSDP2 at scale, out of sample: torchtitan docs/performance.md (pytorch/torchtitan commit eaea6f6a; torch 1963fc8,
 * torchtitan 9dec370, December 2024), Tables 1 and 3: Llama 3.1 8B, 1D parallelism (FSDP), local batch 2 × 8,192 tokens
 * (train_configs/llama3_8b.toml: seq_len 8192), eager (no torch.compile, no Float8), AdamW, bf16 parameters with fp32
 * gradient reduction and fp32 sharded parameters and states, selective activation checkpointing by op policy:
 * - 8 GPUs: 5,762 tokens/s per GPU, 82.4 GiB;
 * - 128 GPUs: 5,605 tokens/s per GPU, 67.0 GiB.
 * Grand Teton hosts: 8 H100 SXM on NVLink with 96 GB HBM2e at 2.4 TB/s, capped at 500 W ("the actual peak TFLOPs number is
 * between SXM and NVL, and we don't know its exact value"), 400 Gb/s RDMA per GPU. Nothing was fitted to these runs.
 *
 * The planner has no model of torchtitan's op-level checkpointing (it saves every other matmul output and the attention
 * output, and recomputes the rest), so both runs are planned with full checkpointing: their activations are then the same,
 * and the checks below compare what moves between 8 and 128 GPUs, where the activation policy cancels, and bound the speed.
 */
const H100 = GpuType.of('h100-sxm-80gb');
const tetonH100 = (tflopsBf16: number): GpuType => GpuType.custom({
  id: `h100-96gb-500w-${tflopsBf16}`, name: 'H100 SXM 96 GB HBM2e at 500 W (torchtitan benchmarks)', vendor: 'nvidia', memoryBytes: 96e9,
  hbmBandwidthBytesPerSecond: 2.4e12, tflopsBf16, tflopsFp8: 2 * tflopsBf16, nvlinkDomainSize: 8,
  nvlinkBandwidthBytesPerSecond: H100.nvlinkBandwidthBytesPerSecond, tdpWatts: 500,
  source: 'torchtitan docs/performance.md: 96 GB HBM2e, 2.4 TB/s, 500 W; dense BF16 peak between H100 NVL (835) and SXM (989)',
});
const props = (gpus: number, tflopsBf16 = 989): TrainingPlanProps => {
  const gpu = tetonH100(tflopsBf16);
  return {
    model: ModelSpec.of('llama-3.1-8b'), gpu, gpus, sequenceLength: 8192, globalBatchTokens: gpus * 2 * 8192, microBatch: 2,
    nodeShape: NodeShape.custom({
      id: 'grand-teton', provider: 'on-prem', gpuType: gpu, gpuCount: 8, vcpu: 192, memoryBytes: 2 * 2 ** 40,
      networkBandwidthBitsPerSecond: 8 * 400e9, source: 'torchtitan docs/performance.md: 400 Gb/s per GPU',
    }),
    framework: TrainingFramework.FSDP, zeroStage: 3, recompute: RecomputeMode.FULL,
  };
};
const GiB = 2 ** 30;

describe('torchtitan FSDP2, Llama 3.1 8B on 8 and 128 H100s (docs/performance.md Tables 1 and 3)', () => {
  test('sharding the model states 16 ways further frees 14.1 GiB per GPU, within 10% of the 15.4 GiB measured (82.4 − 67.0)', () => {
    const freed = TrainingPlanner.plan(props(8)).memory.peakBytesPerGpu - TrainingPlanner.plan(props(128)).memory.peakBytesPerGpu;
    expect(Math.abs(freed / GiB / 14.1 - 1)).toBeLessThan(0.01);
    expect(Math.abs(freed / GiB / (82.4 - 67.0) - 1)).toBeLessThanOrEqual(0.10);
  });

  test.each([835, 989])('at a peak of %d TFLOP/s, tokens/s per GPU fall from 8 to 128 GPUs within 10%% of the measured 5,605 / 5,762', (peak) => {
    const ratio = TrainingPlanner.plan(props(128, peak)).throughput.tokensPerSecond / 128 / (TrainingPlanner.plan(props(8, peak)).throughput.tokensPerSecond / 8);
    expect(ratio).toBeLessThan(1);
    expect(Math.abs(ratio / (5605 / 5762) - 1)).toBeLessThanOrEqual(0.10);
  });

  /**
   * KNOWN LIMIT: op-level checkpointing recomputes less than full checkpointing, so were the planner exact the measured
   * 5,762 tokens/s would be at least its full-checkpointing speed. Even at the lowest peak the power-capped GPU can have
   * (H100 NVL's 835 TFLOP/s) the planner gives 6,212: it is at least 8% fast for torchtitan's eager FSDP2 on 8 GPUs.
   * Pinned (±2%).
   */
  test('known limit: full checkpointing at the NVL peak is planned at 6,212 tokens/s per GPU, 8% above the op-checkpointed run', () => {
    const perGpu = TrainingPlanner.plan(props(8, 835)).throughput.tokensPerSecond / 8;
    expect(Math.abs(perGpu / 6212 - 1)).toBeLessThanOrEqual(0.02);
    expect(perGpu / 5762).toBeGreaterThan(1.05);
  });
});
