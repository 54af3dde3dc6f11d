import { GpuType, ModelSpec, NodeShape } from '../../../src/planning/catalog';
import { ExpertDispatcher, RecomputeMode, RecomputeModule, TrainingPlanner, TrainingPlanProps, TrainingPrecision } from '../../../src/planning/training';
import { CUDA_CONTEXT_BYTES } from '../../../src/planning/training/memory';

/**
 * GB200 NVL72: 72 GPUs joined by NVLink across 18 compute trays of 4 (GpuType.GB200_186GB, NodeShape.A4X_HIGHGPU_4G). A node
 * (what Kubernetes schedules, what `nodes` counts) is a tray; the NVLink domain (what tensor, data, expert and pipeline groups
 * can use at NVLink speed) is the rack.
 */
const GB200 = GpuType.of('gb200-186gb');
const FP8 = TrainingPrecision.FP8_MIXED;
const L70 = ModelSpec.of('llama-3.1-70b');

/** The same GPU with a 4-GPU NVLink domain: what the planner assumed before nodes and NVLink domains were told apart. */
const GB200_NVL4 = GpuType.custom({ ...GB200, id: 'gb200-nvl4', nvlinkDomainSize: 4, source: 'gb200-186gb with the NVLink domain cut to one tray (counterfactual)' });
/** The GB200 with room for any activations, for runs that offload activations to Grace memory (not modelled). */
const roomy = (gpu: GpuType): GpuType => GpuType.custom({ ...gpu, id: `${gpu.id}-roomy`, memoryBytes: 1e12, source: `${gpu.id} with memory set aside (step-time check only)` });

const fsdp70b = (gpu: GpuType): TrainingPlanProps => ({
  model: L70, gpu, gpus: 64, sequenceLength: 8192, globalBatchTokens: 256 * 8192, precision: FP8, tensorParallel: 1, pipelineParallel: 1,
  contextParallel: 1, microBatch: 2, zeroStage: 3, fp32GradientBuffer: false,
});

describe('GB200 NVL72: nodes of 4 GPUs, one NVLink domain of 72', () => {
  test('without a node shape a node is the 4-GPU tray of the catalog shape; with a4x-highgpu-4g the plan is the same', () => {
    const props: TrainingPlanProps = {
      model: L70, gpu: GB200, gpus: 64, sequenceLength: 8192, globalBatchTokens: 128 * 8192, precision: FP8, tensorParallel: 8, pipelineParallel: 1, contextParallel: 1, microBatch: 1,
    };
    const plan = TrainingPlanner.plan(props);
    expect([plan.gpusPerNode, plan.nodes, plan.parallelism.tp]).toEqual([4, 16, 8]);
    expect(plan.explain()).toMatch(/ZeRO-1 traffic .* over NVLink/);
    const onShape = TrainingPlanner.plan({ ...props, nodeShape: NodeShape.of('a4x-highgpu-4g') });
    expect(onShape.throughput.stepSeconds).toBe(plan.throughput.stepSeconds);
    expect(onShape.nodes).toBe(16);
  });

  test('tensor parallelism may cross trays but not the rack: TP 8 is planned, TP 80 is a PlanningError naming the 72-GPU domain', () => {
    const big = ModelSpec.custom({ ...L70.toJson(), id: 'llama-80-heads', attentionHeads: 80, kvHeads: 80, hiddenSize: 10240 });
    expect(() => TrainingPlanner.plan({ model: big, gpu: GB200, gpus: 160, sequenceLength: 4096, globalBatchTokens: 64 * 4096, tensorParallel: 80 }))
      .toThrow(/tensorParallel=80: must stay inside one NVLink domain \(72 GPUs/);
  });

  test('the rack is what makes FSDP over 64 GPUs fast: with a 4-GPU NVLink domain (ZeRO-3 traffic on 400 Gb/s per GPU) the same run is planned over 2× slower', () => {
    const rack = TrainingPlanner.plan(fsdp70b(roomy(GB200)));
    const trays = TrainingPlanner.plan(fsdp70b(roomy(GB200_NVL4)));
    expect(trays.throughput.stepSeconds / rack.throughput.stepSeconds).toBeGreaterThan(2);
    expect(trays.explain()).toMatch(/ZeRO-3 traffic .* over network/);
  });

  test('the free search keeps tensor parallelism within one board (TP ≤ 8, the range its TP terms are checked on); a fixed TP 16 across trays is planned', () => {
    const props: TrainingPlanProps = { model: ModelSpec.of('llama-3.1-405b'), gpu: GB200, gpus: 256, sequenceLength: 8192, globalBatchTokens: 1536 * 8192, precision: FP8 };
    const free = TrainingPlanner.plan(props);
    expect(free.parallelism.tp).toBeLessThanOrEqual(8);
    expect(free.explain()).toMatch(/the search tries tp ≤ 8 \(fix --tp for up to 72\)/);
    expect(TrainingPlanner.plan({ ...props, tensorParallel: 16 }).parallelism.tp).toBe(16);
  });

  test('beyond one board, comm–GEMM overlap hides TP traffic only behind the GEMMs: at TP 32 the exposed share exceeds the one chunk in tp', () => {
    const props: TrainingPlanProps = { model: ModelSpec.of('llama-3.1-405b'), gpu: GB200, gpus: 256, sequenceLength: 8192, globalBatchTokens: 1536 * 8192, precision: FP8, tensorParallel: 32, pipelineParallel: 1, microBatch: 1 };
    const plan = TrainingPlanner.plan(props);
    const blocking = TrainingPlanner.plan({ ...props, tensorParallelCommOverlap: false });
    const exposed = (p: typeof plan): number => Number(/exposed TP communication per micro-batch = ([\d.]+) ms/.exec(p.explain())![1]);
    // FP8 GEMMs of a 405B layer split 32 ways take less time than the layer's 8 sequence-parallel collectives of s·h.
    expect(exposed(plan)).toBeGreaterThan(2 * exposed(blocking) / 32);
    expect(exposed(plan)).toBeLessThan(exposed(blocking));
  });
});

/**
 * Out of sample, a third platform: Megatron-Bridge docs/performance-summary.md, System DGX-GB200, FP8-CS, "Model TFLOP / sec
 * / GPU", newest container listing each run (Llama 3 8B: 25.11; the others: 26.02.01, with 26.02 and 25.11 in the names).
 * Recipes: scripts/performance/configs/llama/llama3_workload_base_configs.py and llama31_workload_base_configs.py (GB200
 * presets), bf16 gradient reduction (`grad_reduce_in_fp32 = False`). Nothing was fitted to GB200: the efficiency constants are
 * the H100 ones, at GB200's peaks (2,500 BF16 / 5,000 FP8 dense TFLOP/s).
 * - Llama 3 70B runs Megatron-FSDP over all 64 GPUs (one NVLink domain) and offloads 40 of its 80 layers' activations to
 *   Grace memory (`cpu_offloading_num_layers=40`), which the planner does not model: planned on a GB200 with room (step
 *   time only; without the offload it needs 331 GB).
 * - Llama 3.1 405B (TP4 PP16 VP4, 256 GPUs over 4 racks): KNOWN LIMIT on memory, below.
 * - The MXFP8 runs (block-scaled FP8, Blackwell's MX format) at their own layouts, planned as FP8 (one-byte GEMM inputs; the
 *   block-scale casts are not modelled): Llama 3 70B TP2 PP4 VP5 (26.02.01: 1,724) and Llama 3.1 405B TP4 PP16 VP8 (1,957).
 */
const NEMO_GB200: Array<[string, number, TrainingPlanProps]> = [
  ['Llama 3 8B, 8 GPUs, micro-batch 2 (25.11)', 1622,
    { model: ModelSpec.of('llama-3.1-8b'), gpu: GB200, gpus: 8, sequenceLength: 8192, globalBatchTokens: 128 * 8192, precision: FP8, tensorParallel: 1, pipelineParallel: 1, contextParallel: 1, microBatch: 2, fp32GradientBuffer: false }],
  ['Llama 3 70B, 64 GPUs, Megatron-FSDP, micro-batch 2 (26.02.01; 26.02: 1,815; 25.11: 1,937)', 1956, fsdp70b(roomy(GB200))],
  ['Llama 3.1 405B, 256 GPUs, TP4 PP16 VP4 (26.02.01; 26.02: 2,004; 25.11: 2,053)', 2063,
    { model: ModelSpec.of('llama-3.1-405b'), gpu: GB200, gpus: 256, sequenceLength: 8192, globalBatchTokens: 1536 * 8192, precision: FP8, tensorParallel: 4, pipelineParallel: 16, contextParallel: 1, virtualPipelineStages: 4, microBatch: 1, fp32GradientBuffer: false, memoryReserveFraction: 0 }],
  ['Llama 3 70B MXFP8, 64 GPUs, TP2 PP4 VP5 (26.02.01)', 1724,
    {
      model: L70, gpu: GB200, gpus: 64, sequenceLength: 8192, globalBatchTokens: 256 * 8192, precision: FP8, tensorParallel: 2, pipelineParallel: 4, contextParallel: 1,
      virtualPipelineStages: 5, microBatch: 1, fp32GradientBuffer: false,
    }],
  ['Llama 3.1 405B MXFP8, 256 GPUs, TP4 PP16 VP8 (26.02.01)', 1957,
    { model: ModelSpec.of('llama-3.1-405b'), gpu: GB200, gpus: 256, sequenceLength: 8192, globalBatchTokens: 1536 * 8192, precision: FP8, tensorParallel: 4, pipelineParallel: 16, contextParallel: 1, virtualPipelineStages: 8, microBatch: 1, fp32GradientBuffer: false }],
];

describe('Megatron-Bridge DGX-GB200 FP8 pre-training throughput (out of sample)', () => {
  test.each(NEMO_GB200)('%s: predicted model TFLOP/s per GPU within 15%% of the published %d', (_name, published, props) => {
    const plan = TrainingPlanner.plan(props);
    expect(plan.fits).toBe(true);
    expect(Math.abs(plan.throughput.tflopsPerGpu / published - 1)).toBeLessThanOrEqual(0.15);
  });

  // The published interleaving is kept: the search tries interleaving only where plain 1F1B leaves a bubble above 5%
  // (vpCandidates), and the 405B row's is 15/384 = 3.9%, though interleaving it gains 1.1% by the planner's own model.
  test.each(NEMO_GB200)('%s: the searched layout (its interleaving kept) is never slower than the published one by the planner\'s own model', (_name, _published, props) => {
    const published = TrainingPlanner.plan(props);
    const free = TrainingPlanner.plan({ ...props, tensorParallel: undefined, pipelineParallel: undefined, contextParallel: undefined, microBatch: undefined });
    expect(free.throughput.stepSeconds).toBeLessThanOrEqual(published.throughput.stepSeconds * (1 + 1e-9));
  });

  /**
   * KNOWN LIMIT: the 405B run needs 182.4 GB per GPU in the plan (interleaved 1F1B warm-up on rank 0: 79 chunks of 2 layers),
   * which fits the 186 GB GB200 only under a memory reserve below 1.9%; under the default 8% reserve (an estimate) the planner
   * rejects a layout NVIDIA ran. The same over-estimate shows on H100 (Llama 3 405B on 8,192 GPUs, accuracy.test.ts). Pinned
   * (±0.5 GB) so that a better activation or reserve model shows up here.
   */
  test('known limit: the published 405B layout needs 182.4 GB (±0.5) and is rejected under the default 8% reserve', () => {
    const props = NEMO_GB200[2][2];
    expect(Math.abs(TrainingPlanner.plan(props).memory.peakBytesPerGpu / 1e9 - 182.4)).toBeLessThanOrEqual(0.5);
    expect(() => TrainingPlanner.plan({ ...props, memoryReserveFraction: undefined })).toThrow(/activations need/);
  });
});

/**
 * MoE on GB200, out of sample (nothing fitted to GB200): Megatron-Bridge docs/performance-summary.md, DGX-GB200, sequence 4,096,
 * forced-balanced dropless routing, with the GB200 presets of scripts/performance/configs/{qwen,deepseek,gpt_oss}/
 * *_workload_base_configs.py: the flex dispatcher with the HybridEP backend (like DeepEP, a token goes once to each GPU
 * holding one of its experts: the planner's `deepep`), bf16 gradient reduction, no recompute unless noted. MXFP8 is planned as
 * FP8 (one-byte GEMM inputs either way). Every expert-parallel group here lies inside one 72-GPU NVLink domain, so the
 * dispatch never touches the network: what the rack is for.
 * - Qwen3-235B MXFP8 TP1 PP8 EP32, 256 GPUs, GBS 8,192 (26.02.01: 819; 26.02: 806);
 * - Qwen3-235B BF16 TP1 PP8 VP3 EP32 (25.11: 728; the newer summaries list MXFP8 only);
 * - Qwen3-30B MXFP8 EP8 on 8 GPUs, micro-batch 4, GBS 512 (26.02.01: 607; 26.02: 600);
 * - DeepSeek-V3 MXFP8 TP1 PP4 VP4 EP64, 256 GPUs, GBS 4,096, EP overlap, recompute `mla_up_proj` (26.02.01: 1,046; 26.02:
 *   1,028): the plan counts no memory saved by `mla_up_proj` (activations.ts) and needs 175 GB, over the 171 GB usable under
 *   the default reserve: planned on a GB200 with room (step time only).
 */
const gbMoe = (model: string, gpus: number, sequences: number, precision: TrainingPrecision, pp: number, vp: number, ep: number, microBatch: number,
  extra: Partial<TrainingPlanProps> = {}): TrainingPlanProps => ({
  model: ModelSpec.of(model), gpu: GB200, gpus, sequenceLength: 4096, globalBatchTokens: sequences * 4096, precision, microBatch, tensorParallel: 1,
  pipelineParallel: pp, virtualPipelineStages: vp, contextParallel: 1, expertParallel: ep, expertTensorParallel: 1, expertDispatcher: ExpertDispatcher.DEEPEP,
  fp32GradientBuffer: false, ...extra,
});
const MOE_GB200: Array<[string, number, TrainingPlanProps]> = [
  ['Qwen3-235B MXFP8, TP1 PP8 EP32 (26.02.01)', 819, gbMoe('qwen3-235b-a22b', 256, 8192, FP8, 8, 1, 32, 1)],
  ['Qwen3-235B BF16, TP1 PP8 VP3 EP32 (25.11)', 728, gbMoe('qwen3-235b-a22b', 256, 8192, TrainingPrecision.BF16_MIXED, 8, 3, 32, 1)],
  ['Qwen3-30B MXFP8, EP8 on 8 GPUs, micro-batch 4 (26.02.01)', 607, gbMoe('qwen3-30b-a3b', 8, 512, FP8, 1, 1, 8, 4)],
  ['DeepSeek-V3 MXFP8, TP1 PP4 VP4 EP64, EP overlap (26.02.01; GB200 with room)', 1046,
    gbMoe('deepseek-v3', 256, 4096, FP8, 4, 4, 64, 1, { gpu: roomy(GB200), expertCommunicationOverlap: true, recomputeModules: [RecomputeModule.MLA_UP_PROJ] })],
];

describe('Megatron-Bridge DGX-GB200 MoE pre-training throughput (out of sample)', () => {
  test.each(MOE_GB200)('%s: predicted model TFLOP/s per GPU within 15%% of the published %d', (_name, published, props) => {
    const plan = TrainingPlanner.plan(props);
    expect([plan.parallelism.ep, plan.parallelism.etp]).toEqual([props.expertParallel, 1]);
    expect(Math.abs(plan.throughput.tflopsPerGpu / published - 1)).toBeLessThanOrEqual(0.15);
  });

  test('the rack carries the dispatch: DeepSeek-V3 at EP64 with a 4-GPU NVLink domain (dispatch over the network) is planned over 2× slower', () => {
    const [, , props] = MOE_GB200[3];
    const rack = TrainingPlanner.plan(props);
    const trays = TrainingPlanner.plan({ ...props, gpu: roomy(GB200_NVL4) });
    expect(trays.throughput.stepSeconds / rack.throughput.stepSeconds).toBeGreaterThan(2);
  });

  /**
   * KNOWN LIMIT, like GPT-OSS on H100 (+25%, moe-accuracy.test.ts): GPT-OSS 120B BF16 on 64 GB200s, TP1 PP1 EP64, micro-batch
   * 4, GBS 1,280, EP overlap, recompute `layernorm` and `moe_act` (GPT_OSS_120B_PRETRAIN_CONFIG_GB200_BF16_V2; `moe_act` is not
   * modelled), 15,754 tokens/s per GPU (26.02.01; dispatcher not named: all-to-all): planned 1.96× as fast in tokens/s (its published TFLOP/s count fewer FLOPs per
   * token than the planner). Attention sinks, head dimension 64 and the 128-token sliding window are not modelled, and the run's
   * vocabulary is uncertain (see the H100 test). Pinned (±3%) so that a model of what GPT-OSS costs shows up here.
   */
  test('known limit: GPT-OSS 120B BF16 EP64 on 64 GB200s is planned 1.96× the published 15,754 tokens/s per GPU (pinned)', () => {
    const plan = TrainingPlanner.plan({
      ...gbMoe('gpt-oss-120b', 64, 1280, TrainingPrecision.BF16_MIXED, 1, 1, 64, 4, { expertDispatcher: ExpertDispatcher.ALL_TO_ALL, expertCommunicationOverlap: true }),
      recompute: RecomputeMode.SELECTIVE, recomputeModules: [RecomputeModule.LAYERNORM],
    });
    expect(Math.abs(plan.throughput.tokensPerSecond / 64 / 15754 / 1.96 - 1)).toBeLessThanOrEqual(0.03);
  });
});

/**
 * A published multi-GPU memory peak, out of sample: Megatron-Bridge recipe `llama31_405b_pretrain_64gpu_gb200_fp8mx_config`
 * (docs.nvidia.com/nemo/megatron-bridge, bridge.recipes.llama.gb200.llama3): Llama 3.1 405B MXFP8 on 64 GB200s in one NVLink
 * domain, TP8 PP8 VPP8 CP1 with sequence parallelism, no recompute, micro-batch 1, global batch 1,536 at DP 1, BF16 gradient
 * accumulation, FP32 master weights and Adam moments, no offload; "validated for 10 real-text updates in NeMo 26.10.rc10:
 * approximately 1718 model TFLOP/s/GPU, 289 seconds/update, and 154.6 GiB peak allocated memory". Peak allocated
 * (`torch.cuda.max_memory_allocated`) leaves out the CUDA context, so the plan's peak less CUDA_CONTEXT_BYTES is compared.
 * MXFP8 is planned as FP8. The first multi-GPU peak the memory model is checked against: it supports the interleaved
 * 1F1B warm-up count (rank 0 holds 2(p − 1) + (v − 1)p + 1 = 71 chunks) that the 405B known limits above turn on.
 */
describe('Llama 3.1 405B MXFP8 on 64 GB200s: NVIDIA\'s published peak memory (out of sample)', () => {
  const props: TrainingPlanProps = {
    model: ModelSpec.of('llama-3.1-405b'), gpu: GB200, gpus: 64, sequenceLength: 8192, globalBatchTokens: 1536 * 8192, precision: FP8,
    tensorParallel: 8, pipelineParallel: 8, virtualPipelineStages: 8, contextParallel: 1, microBatch: 1, fp32GradientBuffer: false,
  };

  test('peak allocated planned within 3% of the 154.6 GiB measured (152.2 GiB), and the layout fits under the default reserve', () => {
    const plan = TrainingPlanner.plan(props);
    expect(plan.fits).toBe(true);
    const allocated = (plan.memory.peakBytesPerGpu - CUDA_CONTEXT_BYTES) / 2 ** 30;
    expect(Math.abs(allocated / 154.6 - 1)).toBeLessThanOrEqual(0.03);
  });

  /** KNOWN LIMIT: planned 26% above the ~1,718 TFLOP/s of this stability run (MXFP8, which the planner prices as FP8, runs ~10% slower elsewhere). Pinned ±3%. */
  test('known limit: throughput planned 1.26× the ~1,718 model TFLOP/s per GPU of the run (pinned)', () => {
    expect(Math.abs(TrainingPlanner.plan(props).throughput.tflopsPerGpu / 1718 / 1.26 - 1)).toBeLessThanOrEqual(0.03);
  });
});

