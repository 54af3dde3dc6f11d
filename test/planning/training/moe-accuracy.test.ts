import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { PlanningError } from '../../../src/errors';
import { GpuType, ModelSpec, NodeShape } from '../../../src/planning/catalog';
import { ExpertDispatcher, OptimizerKind, RecomputeMode, RecomputeModule, TrainingPlanner, TrainingPlanProps, TrainingPrecision } from '../../../src/planning/training';
import { PlanContext } from '../../../src/planning/training/context';
import { modelFlopsPerToken, modelShape } from '../../../src/planning/training/model-math';
import { DEFAULT_BF16_EFFICIENCY, DEFAULT_FP8_EFFICIENCY, expertAllToAllSeconds, FP8_ROUTED_EXPERT_GAIN, expertHostSeconds, expertRowElements, expertTrafficSeconds, gemmWidthFactor, MOE_HOST_SECONDS_PER_LOCAL_EXPERT } from '../../../src/planning/training/step-time';

const H100 = GpuType.of('h100-sxm-80gb');
const { BF16_MIXED: BF16, FP8_MIXED: FP8 } = TrainingPrecision;

/** Qwen3-235B-A22B and Qwen3-30B-A3B from the catalog (their Hugging Face config.json; huggingface-config.test.ts). */
const QWEN3_235B = ModelSpec.of('qwen3-235b-a22b');
const QWEN3_30B = ModelSpec.of('qwen3-30b-a3b');

/**
 * Published MoE pre-training on H100 SXM, ETP 1, sequence 4,096, micro-batch 1, forced-balanced routing. Model TFLOP/s per GPU:
 * - [z] NVIDIA yanring/Megatron-MoE-ModelZoo best_practice/Qwen3/readme.md (commit c1ad0b5c; best_practice/qwen3/readme.md at
 *   020b8136 for the FSDP row): 256 H100, BF16, the dispatcher each row names, EP overlap only where it says "+1f1b overlap";
 *   Megatron-LM with its fp32 gradient buffer (model_configs/benchmarking/*.yaml: `--bf16`);
 * - [r] NVIDIA, "Scalable Training of Mixture-of-Experts Models with Megatron Core" (arXiv:2603.07685) Tables 11, 17, 20 and
 *   Appendix B.2: DeepEP and 1F1B EP overlap on H100, run with the model zoo's sbatch_benchmarking.sh (FP8: blockwise recipe,
 *   `--use-precision-aware-optimizer --exp-avg-dtype bf16 --exp-avg-sq-dtype bf16`);
 * - [n] Megatron-Bridge docs/performance-summary.md, DGX-H100: Qwen3-235B 26.02 (FP8; its H100 preset
 *   scripts/performance/configs/qwen/qwen3_workload_base_configs.py at commit 01b2977e, QWEN3_235B_A22B_PRETRAIN_CONFIG_H100_FP8_CS_V2,
 *   and qwen3_llm_pretrain.py: all-to-all dispatcher, `moe_a2a_overlap=True`, `tp_comm_overlap=False`, `grad_reduce_in_fp32=False`),
 *   Qwen3-30B 26.02.01 (FP8, dispatcher not stated: all-to-all); DeepSeek-V3 25.09 (FP8; scripts/performance/configs/deepseek/
 *   deepseek_llm_pretrain.py: DeepEP, EP overlap, `grad_reduce_in_fp32=False`, `overlap_grad_reduce=False`, VP 4 with the layout
 *   "Et|(tt|)*30mL", recompute mla_up_proj and mlp: planned, their forward work counted, mla_up_proj's memory saving not).
 */
const row = (model: ModelSpec, gpus: number, sequences: number, precision: TrainingPrecision, tp: number, pp: number, vp: number, ep: number,
  expertDispatcher = ExpertDispatcher.ALL_TO_ALL, expertCommunicationOverlap = false, extra: Partial<TrainingPlanProps> = {}): TrainingPlanProps => ({
  model, gpu: H100, gpus, sequenceLength: 4096, globalBatchTokens: sequences * 4096, precision, microBatch: 1, expertDispatcher, expertCommunicationOverlap,
  tensorParallel: tp, pipelineParallel: pp, contextParallel: 1, virtualPipelineStages: vp, expertParallel: ep, expertTensorParallel: 1, ...extra,
});
const DEEPEP = ExpertDispatcher.DEEPEP;
const DSV3 = ModelSpec.of('deepseek-v3');

/** An H100 SXM with room for any activations: for the one published run whose memory the planner cannot reproduce (see below). */
const ROOMY_H100 = GpuType.custom({
  id: 'h100-roomy', name: 'H100 SXM with room for any activations (step-time check only)', vendor: 'nvidia', memoryBytes: 1e12,
  hbmBandwidthBytesPerSecond: H100.hbmBandwidthBytesPerSecond, tflopsBf16: H100.tflopsBf16, tflopsFp8: H100.tflopsFp8,
  nvlinkDomainSize: H100.nvlinkDomainSize, nvlinkBandwidthBytesPerSecond: H100.nvlinkBandwidthBytesPerSecond, tdpWatts: H100.tdpWatts,
  source: 'h100-sxm-80gb with memory set aside',
});

/**
 * Within the 15% target:
 * - Qwen3-235B with EP across nodes (4 local experts): dominated by the dispatch, which is modelled (and checked against Table 7
 *   below); nothing fitted to these rows;
 * - the three in-node EP8 runs (16 local experts, short expert GEMMs): host-bound. The host launch time per local expert
 *   (MOE_HOST_SECONDS_PER_LOCAL_EXPERT, Megatron's dropless token-count sync puts the host on the critical path) was fitted to
 *   these three (minimax: +12.5%, +0.6%, −11.1%, now −11.9% with the FP8 efficiency refitted to 0.505 and no FP8 gain on routed experts; without it +31%, +97%, +86%); one constant for two models, BF16 and FP8,
 *   all-to-all and DeepEP. It exposes nothing in the EP32 rows above or the long-context runs (recompute-modules.test.ts),
 *   whose expert GEMMs outlast the launches;
 * - out of sample: the in-node EP8 run with Megatron-FSDP (ZeRO-3 over 128 data-parallel ranks), micro-batch 4 and full
 *   recompute: 4,096 tokens per expert, so the fitted host time exposes nothing; planned 243 against 276 (−12%).
 */
/**
 * The report's DeepSeek-V3 run (Table 17), on an H100 with room: its memory is a known limit (see the last test below). Planned
 * with the mla_up_proj and mlp recompute NVIDIA ran (they also recompute moe_act and layernorm, which an FP8 plan cannot name).
 * And one run on another GPU generation: Megatron-Bridge docs/performance-summary.md, 25.09, DGX-B200, DeepSeek-V3 FP8-CS
 * ("tokendrop": capacity factor 1, so every expert computes a balanced share), 256 GPUs, global batch 2,048, TP1 PP16 EP8,
 * 589 TFLOP/s (deepseek_llm_pretrain.py of that release: `enable_deepep=False`, so all-to-all, no EP overlap, bf16 gradient
 * buffer, recompute `mla_up_proj`: its up-projections run again). With 32 local experts per GPU a fifth of its planned slot is
 * host launch time (19 ms per micro-batch), so it also checks the fitted host launch time out of sample (nothing was fitted
 * to B200); the 25.11 container's dropless FP8-MX run of the layout measured 557 (planned +7.4%).
 */
const DSV3_TABLE_17 = row(DSV3, 1024, 8192, FP8, 2, 8, 4, 64, DEEPEP, true,
  { optimizer: OptimizerKind.ADAMW_BF16_MOMENTS, gpu: ROOMY_H100, recomputeModules: [RecomputeModule.MLA_UP_PROJ, RecomputeModule.MLP] });

const WITHIN_TARGET: Array<[string, number, TrainingPlanProps]> = [
  ['[z] Qwen3-235B BF16, TP2 PP8 VP4 EP32, DeepEP', 245, row(QWEN3_235B, 256, 2048, BF16, 2, 8, 4, 32, DEEPEP)],
  ['[r] Qwen3-235B BF16, TP2 PP8 VP4 EP32, DeepEP + EP overlap (Table 11)', 320, row(QWEN3_235B, 256, 2048, BF16, 2, 8, 4, 32, DEEPEP, true)],
  ['[z] Qwen3-235B BF16, TP2 PP8 VP4 EP32, DeepEP + EP overlap (older branch, no CUDA graphs)', 276, row(QWEN3_235B, 256, 2048, BF16, 2, 8, 4, 32, DEEPEP, true)],
  ['[z] Qwen3-235B BF16, TP2 PP32 VP3 EP8 (in-node EP, A2A; fitted)', 200, row(QWEN3_235B, 256, 2048, BF16, 2, 32, 3, 8)],
  ['[z] Qwen3-235B BF16, TP4 PP8 VP4 EP8 (in-node EP, DeepEP; fitted)', 167, row(QWEN3_235B, 256, 2048, BF16, 4, 8, 4, 8, DEEPEP)],
  ['[n] Qwen3-30B FP8, 16 GPUs, TP1 PP2 VP12 EP8 (in-node EP; fitted)', 208, row(QWEN3_30B, 16, 1024, FP8, 1, 2, 12, 8, ExpertDispatcher.ALL_TO_ALL, false, { fp32GradientBuffer: false })],
  ['[z] Qwen3-235B BF16, TP2 PP1 EP8, Megatron-FSDP, micro-batch 4, full recompute, DeepEP (in-node EP; out of sample)', 276,
    row(QWEN3_235B, 256, 2048, BF16, 2, 1, 1, 8, DEEPEP, false, { microBatch: 4, zeroStage: 3, recompute: RecomputeMode.FULL })],
  ['[r] DeepSeek-V3 FP8 blockwise, 1024 GPUs, TP2 PP8 VP4 EP64, DeepEP + EP overlap, bf16 Adam moments (Table 17; H100 with room; nothing fitted)', 368,
    DSV3_TABLE_17],
  ['[n] DeepSeek-V3 FP8, 256 B200s, TP1 PP16 EP8, all-to-all (B200, out of sample)', 589,
    row(DSV3, 256, 2048, FP8, 1, 16, 1, 8, ExpertDispatcher.ALL_TO_ALL, false, { gpu: GpuType.of('b200-192gb'), fp32GradientBuffer: false, recomputeModules: [RecomputeModule.MLA_UP_PROJ] })],
  // The same B200 layout in the 26.02.01 container (performance-summary.md, DGX-B200): MXFP8, dropless, GBS 4,096, 725 TFLOP/s,
  // with its V2 preset (scripts/performance/configs/deepseek/deepseek_workload_base_configs.py DEEPSEEK_V3_PRETRAIN_CONFIG_B200_V2:
  // PP16 EP8, HybridEP (the planner's deepep), no EP overlap, recompute mla_up_proj): planned −7%, the software now faster.
  ['[n] DeepSeek-V3 MXFP8, 256 B200s, TP1 PP16 EP8, HybridEP, dropless, GBS 4,096 (26.02.01, out of sample; −7%)', 725,
    row(DSV3, 256, 4096, FP8, 1, 16, 1, 8, DEEPEP, false, { gpu: GpuType.of('b200-192gb'), fp32GradientBuffer: false, recomputeModules: [RecomputeModule.MLA_UP_PROJ] })],
  ['[n] DeepSeek-V3 FP8, 1024 GPUs, TP2 PP8 VP4 EP64, DeepEP + EP overlap, bf16 gradient buffer, DP reduce not overlapped, recompute mla_up_proj and mlp (25.09; +14%)', 338,
    row(DSV3, 1024, 8192, FP8, 2, 8, 4, 64, DEEPEP, true, { fp32GradientBuffer: false, dpOverlapFraction: 0, recomputeModules: [RecomputeModule.MLA_UP_PROJ, RecomputeModule.MLP] })],
];

/**
 * KNOWN LIMIT: an FP8 run with EP across nodes is planned fast with the settings its recipe names. The Qwen3-235B FP8 run
 * (+25%) is planned as dispatch-bound under EP overlap (NCCL all-to-all across 4 nodes), so neither compute nor host time
 * moves it. (The DeepSeek-V3 run of the 25.09 container was +16% here until its recipe's recompute modules, mla_up_proj and
 * mlp, could be planned in FP8: +14%, above.) The prediction is pinned (±2%) so that a future calibration shows up here;
 * it is not within the 15% target. The published figures themselves move with the software
 * release: Megatron-Bridge docs/performance-summary.md lists Qwen3-30B FP8 TP1 PP2 VP12 EP8 on 16 H100s at 118 TFLOP/s
 * (26.02) and 208 (26.02.01), Qwen3-235B FP8 TP2 PP8 VP4 EP32 on 256 at 233 (25.11), 242 (26.02) and 238 (26.02.01), and
 * DeepSeek-V3 at 338 (25.09) against the report's 368; the newest is used.
 */
const UNCALIBRATED: Array<[string, number, number, TrainingPlanProps]> = [
  ['[n] Qwen3-235B FP8, TP2 PP8 VP4 EP32, all-to-all + EP overlap, bf16 gradient buffer, no TP overlap', 242, 301.6,
    row(QWEN3_235B, 256, 8192, FP8, 2, 8, 4, 32, ExpertDispatcher.ALL_TO_ALL, true, { fp32GradientBuffer: false, tensorParallelCommOverlap: false })],
];

describe('MoE pre-training on H100 against published runs', () => {
  test('the Qwen3 specs have the published parameter counts (235B and 30.5B, ±0.5%)', () => {
    expect(Math.abs(QWEN3_235B.parameterCount() / 235.09e9 - 1)).toBeLessThan(0.005);
    expect(Math.abs(QWEN3_30B.parameterCount() / 30.53e9 - 1)).toBeLessThan(0.005);
  });

  test.each(WITHIN_TARGET)('%s: model TFLOP/s per GPU within 15%% of the published %d', (_name, published, props) => {
    const plan = TrainingPlanner.plan(props);
    expect([plan.parallelism.ep, plan.parallelism.etp]).toEqual([props.expertParallel, 1]);
    expect(Math.abs(plan.throughput.tflopsPerGpu / published - 1)).toBeLessThanOrEqual(0.15);
  });

  test.each([...WITHIN_TARGET, ...UNCALIBRATED.map(([n, p, , props]) => [n, p, props] as [string, number, TrainingPlanProps])])(
    '%s: the searched layout, experts included, is never slower than the published one by the planner\'s own model', (_name, _published, props) => {
      const published = TrainingPlanner.plan(props);
      const free = TrainingPlanner.plan({
        ...props, tensorParallel: undefined, pipelineParallel: undefined, contextParallel: undefined, microBatch: undefined,
        virtualPipelineStages: undefined, expertParallel: undefined, expertTensorParallel: undefined,
      });
      expect(free.throughput.stepSeconds).toBeLessThanOrEqual(published.throughput.stepSeconds * (1 + 1e-9));
    });

  test.each(UNCALIBRATED)('known limit: %s: published %d, predicted %d TFLOP/s per GPU (pinned ±2%%)', (_name, _published, predicted, props) => {
    const plan = TrainingPlanner.plan(props);
    expect(Math.abs(plan.throughput.tflopsPerGpu / predicted - 1)).toBeLessThanOrEqual(0.02);
  });

  /**
   * Expert GEMM speed is not what is missing. Grouped expert GEMMs (torch._grouped_mm, SwiGLU fc1 + fc2 of 16 local experts at
   * Qwen3-235B's shape, forward and backward) measured on one H200, whose SMs and BF16 rate are the H100 SXM's
   * (fixtures/h200-kernels.json, bench/gpu/measure_kernels.py): at the 1,024 and 512 tokens per expert of the two in-node BF16
   * rows (EP 8 × 4,096/tp tokens × top-8 / 128 experts) they ran at 620 and 593 TFLOP/s over forward + backward, above the
   * 475 the planner charges every GEMM of this model (0.6 × 989 × 4096/5120). Priced at the measured speed these runs would
   * be planned faster still; what they lack is host time (MOE_HOST_SECONDS_PER_LOCAL_EXPERT), not GEMM speed.
   */
  test.each([[2, 1024], [4, 512]])('in-node EP8 BF16 rows at TP%d: grouped expert GEMMs at %d tokens per expert ran faster than planned', (tp, tokensPerExpert) => {
    interface Grouped { kind: string; model: string; tokensPerExpert: number; forwardTflops: number; backwardTflops: number }
    const file = path.join(__dirname, 'fixtures', 'h200-kernels.json');
    const grouped = (JSON.parse(fs.readFileSync(file, 'utf8')) as { records: Grouped[] }).records
      .find((r) => r.kind === 'grouped-gemm' && r.model === 'qwen3-235b-a22b' && r.tokensPerExpert === tokensPerExpert) as Grouped;
    expect(4096 / tp * QWEN3_235B.activeExperts * 8 / QWEN3_235B.experts).toBe(tokensPerExpert);
    const measured = 3 / (1 / grouped.forwardTflops + 2 / grouped.backwardTflops);
    const planned = 989 * DEFAULT_BF16_EFFICIENCY * gemmWidthFactor(QWEN3_235B.hiddenSize);
    expect(planned / measured).toBeLessThan(0.85);
    expect(WITHIN_TARGET.some(([name]) => name.includes(`TP${tp} `) && name.includes('EP8'))).toBe(true);
  });

  /**
   * Out of sample (nothing was fitted to it): GPT-OSS 120B BF16 on 64 H100s, Megatron-Bridge docs/performance-summary.md 26.02
   * (5,993 tokens/s per GPU; 26.02.01: 5,984) with its H100 preset GPT_OSS_120B_PRETRAIN_CONFIG_H100_BF16_V2
   * (scripts/performance/configs/gpt_oss/gpt_oss_workload_base_configs.py: TP1 PP4 EP8, micro-batch 1, GBS 1,280, all-to-all,
   * no EP overlap, recompute `layernorm` and `moe_act`; gpt_oss_llm_pretrain.py `set_gpt_oss_common_configs`: bf16 gradient
   * buffer). Compared in tokens/s: its published 163 TFLOP/s count 2.72e10 FLOP per token where the planner counts 3.26e10.
   * KNOWN LIMIT: planned 25% fast (pinned ±2%), like the FP8 rows above; `moe_act` recompute, attention sinks and head dim 64
   * are not modelled. The vocabulary the run used is not certain either: its recipe (gpt_oss_120b_pretrain_config) trains
   * with a NullTokenizer of DEFAULT_NULL_TOKENIZER_VOCAB_SIZE (52,027 in megatron/bridge/recipes/utils/tokenizer_utils.py),
   * and Megatron-Bridge's later benchmark recipes set `use_tokenizer_vocab_size = False` so that such tokenizers "must not
   * resize the embedding and output layers". Planned with a 52,027 vocabulary the output head on the last stage shrinks
   * and the plan is 53% fast, so the gap is at least the 25% pinned here.
   */
  test('known limit: GPT-OSS 120B, 16 local experts per GPU at EP8, out of sample: planned 25% above the published 5,993 tokens/s per GPU (pinned)', () => {
    const gptOss = ModelSpec.fromHuggingFaceConfig({
      model_type: 'gpt_oss', attention_bias: true, head_dim: 64, hidden_size: 2880, intermediate_size: 2880, max_position_embeddings: 131072,
      layer_types: Array.from({ length: 36 }, (_, i) => (i % 2 === 0 ? 'sliding_attention' : 'full_attention')), num_attention_heads: 64,
      num_experts_per_tok: 4, num_hidden_layers: 36, num_key_value_heads: 8, num_local_experts: 128, sliding_window: 128, vocab_size: 201088,
    }, 'gpt-oss-120b');
    const plan = TrainingPlanner.plan({
      model: gptOss, gpu: H100, gpus: 64, sequenceLength: 4096, globalBatchTokens: 1280 * 4096, precision: BF16, microBatch: 1,
      tensorParallel: 1, pipelineParallel: 4, contextParallel: 1, expertParallel: 8, expertTensorParallel: 1,
      recompute: RecomputeMode.SELECTIVE, recomputeModules: [RecomputeModule.LAYERNORM], fp32GradientBuffer: false,
    });
    expect(Math.abs(plan.throughput.tokensPerSecond / 64 / 5993 / 1.246 - 1)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(modelFlopsPerToken({ ...modelShape(gptOss), mtpLayers: 0 }, 4096) / 3.26e10 - 1)).toBeLessThan(0.01);
  });

  /**
   * FP8 on MoE (FP8_ROUTED_EXPERT_GAIN). NVIDIA: "FP8 training achieves approximately 10% to 25% end-to-end performance
   * improvement for large-scale MoE training on different hardware platforms" ([r] §4.3.5); its same-model pairs, on GB200 at
   * different layouts (Tables 11 and 20), are 1.22× (DeepSeek-V3, MXFP8 1,048 against BF16 857 TFLOP/s) and 1.23× (Qwen3-235B,
   * 919 against 750), and Megatron-Bridge docs/performance-summary.md (25.11, DGX-GB300) has one at the same layout:
   * DeepSeek-V3 without MTP, TP1 PP2 VP4 EP32, 256 GPUs, BF16 961 and MXFP8 1,088 TFLOP/s, 1.13×. Given the dense FP8 gain on
   * its routed experts too, the planner made FP8 1.51–1.53× as fast as BF16 at NVIDIA's H100 layouts (DeepSeek-V3 +30% and
   * +41% against its FP8 runs); with no gain on them, 1.18–1.26×. The Qwen3-235B FP8 recipe's run is dispatch-bound in the
   * plan, so FP8 gains it nothing there. Ratios pinned (±2%), and within 5% of NVIDIA's range.
   */
  test.each([
    ['DeepSeek-V3, TP2 PP8 VP4 EP64, DeepEP + EP overlap, bf16 moments (Table 17 layout)', 1.271, DSV3_TABLE_17],
    ['Qwen3-235B, TP2 PP8 VP4 EP32, DeepEP + EP overlap (Table 11 layout)', 1.180, row(QWEN3_235B, 256, 2048, BF16, 2, 8, 4, 32, DEEPEP, true)],
    ['Qwen3-235B, TP2 PP8 VP4 EP32, all-to-all + EP overlap, no TP overlap (Megatron-Bridge FP8 recipe)', 1.0, UNCALIBRATED[0][3]],
  ] as Array<[string, number, TrainingPlanProps]>)('%s: FP8 planned %d× as fast as BF16 at the same layout (NVIDIA: 1.10–1.25× for MoE)', (_name, ratio, props) => {
    const at = (precision: TrainingPrecision): number => TrainingPlanner.plan({ ...props, precision, gpu: ROOMY_H100 }).throughput.tokensPerSecond;
    const planned = at(FP8) / at(BF16);
    expect(Math.abs(planned / ratio - 1)).toBeLessThanOrEqual(0.02);
    expect(planned).toBeLessThanOrEqual(1.25 * 1.05);
  });

  test('dense models keep the dense FP8 gain: Llama 3.1 70B at NeMo\'s H100 layout, FP8 1.55× as fast as BF16 (pinned ±2%)', () => {
    expect(FP8_ROUTED_EXPERT_GAIN).toBe(1);
    const at = (precision: TrainingPrecision): number => TrainingPlanner.plan({
      model: ModelSpec.of('llama-3.1-70b'), gpu: ROOMY_H100, gpus: 64, sequenceLength: 8192, globalBatchTokens: 128 * 8192, precision,
      tensorParallel: 4, pipelineParallel: 8, contextParallel: 1, virtualPipelineStages: 5, microBatch: 1,
    }).throughput.tokensPerSecond;
    expect(Math.abs(at(FP8) / at(BF16) / 1.55 - 1)).toBeLessThanOrEqual(0.02);
  });

  test('the explanation says how far MoE compute is calibrated, with the measured error', () => {
    expect(TrainingPlanner.plan(UNCALIBRATED[0][3]).explain()).toMatch(/MoE step time is partly calibrated.*host launch time per local expert.*routed experts get no FP8 gain.*\+5%, \+14% and \+25%/);
  });

  /**
   * KNOWN LIMIT: the report's DeepSeek-V3 run (Table 17: TP2 PP8 VP4 EP64, BF16 Adam moments, fp32 gradient buffer) is rejected
   * on the real H100: NVIDIA recompute mla_up_proj, mlp, moe_act and layernorm; an FP8 plan can name the first two but counts
   * no memory saved by mla_up_proj (not settled, see activations.ts) and cannot name the others, so the planner keeps 57.0 GiB
   * of activations and needs 74.9 GiB against 73.3 usable. Its step time is checked on ROOMY_H100 above; the
   * Megatron-Bridge recipe of the same layout, with its bf16 gradient buffer, fits (gradient-buffer.test.ts).
   */
  test('known limit: the report\'s DeepSeek-V3 FP8 layout is rejected on the real H100 by 1.6 GiB (±0.1) for want of FP8 recompute modules', () => {
    const props = { ...DSV3_TABLE_17, gpu: H100 };
    expect(() => TrainingPlanner.plan(props)).toThrow(/activations need 56\.95 GiB per GPU on top of 17\.16 GiB/);
    const need = TrainingPlanner.plan(DSV3_TABLE_17).memory.peakBytesPerGpu;
    expect(Math.abs((need - H100.memoryBytes * 0.92) / 2 ** 30 - 1.6)).toBeLessThanOrEqual(0.1);
  });
});

/**
 * One dispatch of DeepSeek-V3 tokens (hidden 7,168, top-8 of 256 experts, 4,096 tokens per GPU) on H100 nodes of 8 GPUs with
 * 400 Gb/s per GPU, in µs: NVIDIA's measurements ([r] Table 7, all-to-all and HybridEP, which like DeepEP sends a token once
 * per destination GPU and node) against expertAllToAllSeconds / 4.
 */
describe('MoE dispatch against NVIDIA\'s H100 latencies (arXiv:2603.07685 Table 7)', () => {
  const dispatchMicros = (dispatcher: ExpertDispatcher, ep: number): number => {
    const ctx = { shape: modelShape(DSV3), gpusPerNode: 8, nvlinkDomainGpus: 8, expertDispatcher: dispatcher } as unknown as PlanContext;
    const layout = { tp: 1, pp: 1, cp: 1, dp: ep, vp: 1, microBatch: 1, gradientAccumulation: 1, ep, etp: 1 };
    return expertAllToAllSeconds(ctx, layout, 4096, 450e9 * 0.8, 50e9 * 0.8) / 4 * 1e6;
  };
  test.each([
    [ExpertDispatcher.ALL_TO_ALL, 8, 1265], [ExpertDispatcher.ALL_TO_ALL, 16, 5774], [ExpertDispatcher.ALL_TO_ALL, 32, 8059], [ExpertDispatcher.ALL_TO_ALL, 64, 9164],
    [DEEPEP, 16, 1485], [DEEPEP, 32, 3064], [DEEPEP, 64, 4626],
  ])('%s at EP %d: within 15%% of the measured %d µs', (dispatcher, ep, measured) => {
    expect(Math.abs(dispatchMicros(dispatcher, ep) / measured - 1)).toBeLessThanOrEqual(0.15);
  });
  test('group-limited routing (4 of 8 groups per token) is what brings DeepEP at EP64 from +47% to within 1% of the measured 4,626 µs', () => {
    const unlimited = ModelSpec.custom({ ...DSV3.toJson(), id: 'dsv3-unlimited', expertGroups: 1, expertGroupsPerToken: 1 });
    const ctx = { shape: modelShape(unlimited), gpusPerNode: 8, nvlinkDomainGpus: 8, expertDispatcher: DEEPEP } as unknown as PlanContext;
    const layout = { tp: 1, pp: 1, cp: 1, dp: 64, vp: 1, microBatch: 1, gradientAccumulation: 1, ep: 64, etp: 1 };
    expect(Math.abs(expertAllToAllSeconds(ctx, layout, 4096, 450e9 * 0.8, 50e9 * 0.8) / 4 * 1e6 / 4626 - 1.47)).toBeLessThan(0.02);
    expect(Math.abs(dispatchMicros(DEEPEP, 64) / 4626 - 1)).toBeLessThan(0.01);
  });
  test('known limit: DeepEP inside one node (EP8) is predicted 22% faster than measured: NVLink-only dispatch runs below 80% of the link', () => {
    expect(Math.abs(dispatchMicros(DEEPEP, 8) / 661 - 0.78)).toBeLessThan(0.02);
  });
});

describe('expert parallel layouts', () => {
  const mixtral = { model: ModelSpec.of('mixtral-8x7b'), gpu: H100, gpus: 64, sequenceLength: 4096, globalBatchTokens: 1024 * 4096 };

  test('a fixed expert layout is kept; the search otherwise picks one', () => {
    const fixed = TrainingPlanner.plan({ ...mixtral, tensorParallel: 2, pipelineParallel: 1, contextParallel: 1, expertParallel: 8, expertTensorParallel: 1 });
    expect([fixed.parallelism.ep, fixed.parallelism.etp]).toEqual([8, 1]);
    const free = TrainingPlanner.plan(mixtral);
    expect(free.throughput.stepSeconds).toBeLessThanOrEqual(fixed.throughput.stepSeconds * (1 + 1e-9));
  });

  test.each([
    ['expertParallel on a dense model', { model: ModelSpec.of('llama-3.1-8b'), gpu: H100, gpus: 8, sequenceLength: 4096, globalBatchTokens: 64 * 4096, expertParallel: 2 }, 'expertParallel', /has no experts/],
    ['expertParallel not dividing the experts', { ...mixtral, expertParallel: 3 }, 'expertParallel', /must divide the 8 routed experts.*1, 2, 4, 8/],
    ['expertTensorParallel beyond the NVLink domain', { ...mixtral, expertTensorParallel: 16 }, 'expertTensorParallel', /inside one NVLink domain/],
  ] as Array<[string, TrainingPlanProps, string, RegExp]>)('%s is a PlanningError naming the field and the fix', (_name, props, field, fix) => {
    let error: unknown;
    try { TrainingPlanner.plan(props); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(PlanningError);
    expect((error as PlanningError).field).toBe(field);
    expect((error as PlanningError).fix).toMatch(fix);
  });
});

describe('MoE routing and permutation (arXiv:2603.07685 §1.2: ~9% of layer time)', () => {
  const props = (model: ModelSpec): TrainingPlanProps => ({
    model, gpu: GpuType.of('h200-141gb'), gpus: 8, sequenceLength: 4096, globalBatchTokens: 64 * 4096,
    tensorParallel: 8, pipelineParallel: 1, contextParallel: 1, expertParallel: 1, recompute: RecomputeMode.FULL,
  });
  const line = (plan: ReturnType<typeof TrainingPlanner.plan>, name: string): number => Number(new RegExp(`${name} = ([\\d.e+-]+)`).exec(plan.explain())?.[1]);

  test('is 9% of the MoE layers\' time, inside the compute of a micro-batch: Mixtral 8x7B\'s 32 MoE layers, less its output head', () => {
    const plan = TrainingPlanner.plan(props(ModelSpec.of('mixtral-8x7b')));
    const routing = line(plan, 'MoE routing and permutation per micro-batch');
    // The host launch time the experts' GEMMs do not cover (MOE_HOST_SECONDS_PER_LOCAL_EXPERT) is a separate line.
    const compute = line(plan, 'compute per micro-batch per stage') - (line(plan, 'MoE host launch time per micro-batch') || 0);
    expect(routing / compute).toBeGreaterThan(0.09 / 1.09 * 0.9);
    expect(routing / compute).toBeLessThan(0.09 / 1.09);
  });

  test('is not charged on dense models', () => {
    expect(TrainingPlanner.plan({ ...props(ModelSpec.of('llama-3.1-8b')), expertParallel: undefined }).explain()).not.toMatch(/MoE routing/);
  });
});

describe('expert memory traffic (roofline)', () => {
  // A minimal context: only the fields expertTrafficSeconds reads.
  const context = (model: ModelSpec): PlanContext => ({
    shape: modelShape(model), gpu: H100, recompute: RecomputeMode.SELECTIVE, bytes: { weights: 2, gradients: 4, optimizer: 12 },
  }) as unknown as PlanContext;
  const layout = { tp: 1, pp: 1, cp: 1, dp: 64, vp: 1, microBatch: 1, gradientAccumulation: 16 };
  const flops = 1979e12 * DEFAULT_FP8_EFFICIENCY;

  test('adds nothing for dense models or for the many tokens per expert of published layouts', () => {
    expect(expertTrafficSeconds(context(ModelSpec.of('llama-3.1-8b')), { ...layout, ep: 1, etp: 1 }, 4096, flops)).toBe(0);
    // DeepSeek-V3 at EP 64: 4,096 tokens × 8 of 256 experts × 64 / 2 (TP) = 4,096 tokens per expert, far above the ridge.
    expect(expertTrafficSeconds(context(ModelSpec.of('deepseek-v3')), { ...layout, tp: 2, ep: 64, etp: 1 }, 4096, flops)).toBe(0);
  });

  test('is positive when every GPU holds all 256 experts for 4,096 tokens, and falls as EP spreads them', () => {
    const ctx = context(ModelSpec.of('deepseek-v3'));
    const seconds = [1, 4, 16].map((ep) => expertTrafficSeconds(ctx, { ...layout, ep, etp: 1 }, 4096, flops));
    expect(seconds[0]).toBeGreaterThan(1e-3);
    expect(seconds[1]).toBeLessThan(seconds[0]);
    expect(seconds[2]).toBeLessThan(seconds[1]);
  });

  test('a row moves 14h + 6·a1 + 5f elements (forward 2h + 2a1 + 2f, backward 4h + 4a1 + 3f, permutation 8h); full recompute adds a forward and a permutation', () => {
    // DeepSeek-V3 expert on one rank: h 7,168, f 2,048, SwiGLU (a1 = 2f).
    expect(expertRowElements(7168, 4096, 2048, false)).toBe(14 * 7168 + 6 * 4096 + 5 * 2048);
    expect(expertRowElements(7168, 4096, 2048, true)).toBe(14 * 7168 + 6 * 4096 + 5 * 2048 + (2 * 7168 + 2 * 4096 + 2 * 2048) + 4 * 7168);
  });

  test('expert TP multiplies the rows: DeepSeek-V3 at etp 8 processes 8× the rows of ep 8 for the same weights, and pays for it', () => {
    const ctx = context(ModelSpec.of('deepseek-v3'));
    // TP 8 with sequence parallelism: 8,192 tokens per micro-batch, 1,024 per rank; etp 8 gathers them back.
    const split = expertTrafficSeconds(ctx, { ...layout, tp: 8, ep: 1, etp: 8 }, 8192, flops);
    const whole = expertTrafficSeconds(ctx, { ...layout, tp: 8, ep: 8, etp: 1 }, 8192, flops);
    const perExpert = 3 * 7168 * 2048;
    // Both hold 32 experts' worth of weights (256 / 8 slices or 32 whole), read and accumulated at 2·2 + 2·4 bytes per parameter.
    const weights = 32 * perExpert * (2 * 2 + 2 * 4);
    const over = (rows: number, a1: number, f: number): number => (58 / 61)
      * ((weights + rows * expertRowElements(7168, a1, f, false) * 2) / (3.35e12 * 0.8) - rows * 6 * perExpert * (f / 2048) / flops);
    expect(Math.abs(split / over(65536, 512, 256) - 1)).toBeLessThan(1e-9);
    expect(Math.abs(whole / over(8192, 4096, 2048) - 1)).toBeLessThan(1e-9);
    // Activations: 65,536 rows × 104,704 elements × 2 B = 13.7 GB per MoE layer at etp 8, 8,192 × 135,168 × 2 B = 2.2 GB at ep 8.
    expect(split - whole).toBeGreaterThan(3e-3);
  });

  test('property: finite and never negative; at a fixed ep × etp, more expert TP never moves less (fast-check, 300 runs)', () => {
    const models = ['deepseek-v3', 'mixtral-8x7b', 'llama-3.1-8b'].map((id) => ModelSpec.of(id));
    fc.assert(fc.property(
      fc.constantFrom(...models), fc.constantFrom(1, 2, 4, 8), fc.constantFrom(1, 2, 4), fc.constantFrom(1, 2, 4, 8),
      fc.constantFrom(1024, 4096, 16384), fc.constantFrom(RecomputeMode.SELECTIVE, RecomputeMode.FULL),
      (model, tp, cp, group, tokens, recompute) => {
        const ctx = { ...context(model), recompute } as PlanContext;
        const seconds = [1, 2, 4, 8].filter((etp) => etp <= group && group % etp === 0)
          .map((etp) => expertTrafficSeconds(ctx, { ...layout, tp, cp, ep: group / etp, etp }, tokens, flops));
        for (const x of seconds) {
          expect(Number.isFinite(x)).toBe(true);
          expect(x).toBeGreaterThanOrEqual(0);
        }
        for (let i = 1; i < seconds.length; i++) expect(seconds[i]).toBeGreaterThanOrEqual(seconds[i - 1]);
      }), { numRuns: 300 });
  });

  test('so the free search keeps DeepSeek-V3\'s experts whole (etp 1) on 2,048 H100s, as NVIDIA advise ("typically ETP=1", arXiv:2603.07685 §3.3.2)', () => {
    const plan = TrainingPlanner.plan({ model: ModelSpec.of('deepseek-v3'), gpu: H100, gpus: 2048, sequenceLength: 4096, globalBatchTokens: 8192 * 4096, precision: FP8 });
    expect(plan.parallelism.etp).toBe(1);
    expect(plan.parallelism.ep).toBeGreaterThan(1);
  });
});

describe('EP overlap (arXiv:2603.07685 §4.2.3)', () => {
  const line = (plan: ReturnType<typeof TrainingPlanner.plan>, name: string): number => Number(new RegExp(`^${name} = ([\\d.e+-]+)`, 'm').exec(plan.explain())?.[1]);
  // Qwen3-235B at the Table 11 layout with DeepEP and overlap: compute-bound on 400 Gb/s per GPU, dispatch-bound when the
  // network is cut to 25 Gb/s per GPU (an H100 node of 8 GPUs with 200 Gb/s in all).
  const props = (gbps: number): TrainingPlanProps => ({
    ...row(QWEN3_235B, 256, 2048, BF16, 2, 8, 4, 32, DEEPEP, true),
    nodeShape: NodeShape.custom({ id: `h100-${gbps}g`, provider: 'on-prem', gpuType: H100, gpuCount: 8, vcpu: 192, memoryBytes: 2 * 2 ** 40, networkBandwidthBitsPerSecond: 8 * gbps * 1e9, source: 'test' }),
  });
  const parts = (gbps: number): { compute: number; exposed: number; dispatch: number } => {
    const plan = TrainingPlanner.plan(props(gbps));
    return { compute: line(plan, 'compute per micro-batch per stage'), exposed: line(plan, 'exposed EP communication per micro-batch'), dispatch: line(plan, 'EP all-to-all per micro-batch') };
  };

  test('compute-bound: DeepEP\'s SMs cost 20% of the GEMM time and 7% of the dispatch stays exposed', () => {
    const { compute, exposed, dispatch } = parts(400);
    expect(dispatch).toBeLessThan(compute);
    expect(exposed).toBeGreaterThan(0.07 * dispatch);
    expect(exposed).toBeLessThan(0.07 * dispatch + 0.2 * compute);
  });

  test('dispatch-bound: the slowed compute hides under the dispatch, so compute + exposed = the dispatch (no SM cost on top)', () => {
    const { compute, exposed, dispatch } = parts(25);
    expect(dispatch).toBeGreaterThan(1.5 * compute);
    expect(Math.abs((compute + exposed) / dispatch - 1)).toBeLessThan(1e-3);
  });
});

describe('MoE host launch time (MOE_HOST_SECONDS_PER_LOCAL_EXPERT)', () => {
  const context = (model: ModelSpec): PlanContext => ({
    shape: modelShape(model), gpu: H100, recompute: RecomputeMode.SELECTIVE, bytes: { weights: 2, gradients: 4, optimizer: 12 },
  }) as unknown as PlanContext;
  const layout = { tp: 1, pp: 1, cp: 1, dp: 8, vp: 1, microBatch: 1, gradientAccumulation: 16 };
  const bf16 = 989e12 * 0.6 * 4096 / 5120;

  test('is the launch time beyond the experts\' GPU time: Qwen3-235B at TP4 EP8, 4,096 tokens (hand-computed)', () => {
    // 16 local experts × 0.43 ms = 6.88 ms of launches; the GPU runs 1,024 tokens × top-8 rows × 6 × 18.9M parameters.
    const gpu = (4096 / 4) * 8 * 6 * (3 * 4096 * 1536) / bf16;
    const host = expertHostSeconds(context(QWEN3_235B), { ...layout, tp: 4, ep: 8, etp: 1 }, 4096, bf16);
    expect(Math.abs(host / (16 * MOE_HOST_SECONDS_PER_LOCAL_EXPERT - gpu) - 1)).toBeLessThan(1e-9);
    expect(host).toBeGreaterThan(4e-3);
  });

  test('is nothing for dense models, or where the expert GEMMs outlast the launches (EP32, and 16k-token micro-batches)', () => {
    expect(expertHostSeconds(context(ModelSpec.of('llama-3.1-8b')), { ...layout, ep: 1, etp: 1 }, 4096, bf16)).toBe(0);
    expect(expertHostSeconds(context(QWEN3_235B), { ...layout, tp: 2, ep: 32, etp: 1 }, 4096, bf16)).toBe(0);
    expect(expertHostSeconds(context(QWEN3_235B), { ...layout, tp: 4, ep: 8, etp: 1 }, 16384, bf16)).toBe(0);
  });

  test('is about 22 eager GEMM launches per expert at the 19–20 µs measured from a Python loop on an H200 host (fixtures/h200-kernels.json)', () => {
    interface Looped { kind: string; experts: number; forwardSeconds: number }
    const looped = (JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'h200-kernels.json'), 'utf8')) as { records: Looped[] }).records
      .filter((r) => r.kind === 'looped-gemm');
    // Qwen3-30B at 256 and 1,024 tokens per expert and Qwen3-235B at 256: host-bound, 2 GEMMs per expert.
    const perLaunch = looped.filter((r) => r.experts === 16).map((r) => r.forwardSeconds / (2 * r.experts)).sort((a, b) => a - b);
    expect(perLaunch.slice(0, 3).every((x) => x > 18e-6 && x < 21e-6)).toBe(true);
    const launches = MOE_HOST_SECONDS_PER_LOCAL_EXPERT / perLaunch[1];
    expect(launches).toBeGreaterThan(6); // at least the six GEMMs of a SwiGLU expert's forward and backward
    expect(launches).toBeLessThan(40);
  });

  test('property: finite and never negative, and never more than the launches themselves (fast-check, 300 runs)', () => {
    const models = [QWEN3_235B, QWEN3_30B, ModelSpec.of('deepseek-v3'), ModelSpec.of('mixtral-8x7b')];
    fc.assert(fc.property(
      fc.constantFrom(...models), fc.constantFrom(1, 2, 4, 8), fc.constantFrom(1, 2, 4), fc.constantFrom(1, 2, 4, 8),
      fc.constantFrom(512, 4096, 65536), fc.double({ min: 1e12, max: 2e15, noNaN: true }),
      (model, tp, cp, ep, tokens, rate) => {
        const x = expertHostSeconds(context(model), { ...layout, tp, cp, ep, etp: 1 }, tokens, rate);
        expect(Number.isFinite(x)).toBe(true);
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(MOE_HOST_SECONDS_PER_LOCAL_EXPERT * (model.experts ?? 0) / ep);
      }), { numRuns: 300 });
  });
});
