import { attentionBackwardRatio, attentionLengthFactor } from './attention-kernel';
import { usesFp8 } from './bytes-per-parameter';
import { Layout, PlanContext } from './context';
import { splitOf } from './memory';
import { attentionForwardFlopsPerToken, modelFlopsPerToken, ModelShape } from './model-math';
import { rankLayers, rankMoeLayers, rankMtp } from './pipeline-schedule';
import { ExpertDispatcher, RecomputeMode, RecomputeModule, TrainingFramework } from './precision';
import { Explanation } from '../private/explanation';

/**
 * Default achievable fraction of the dense BF16 peak for large transformer GEMMs, before the GEMM-width
 * factor. Calibrated (no GPU in this session) so that the planner reproduces Narayanan et al. 2021
 * Table 1 (A100, 44–52% of peak incl. recomputation) within 15% — see
 * test/planning/training/accuracy.test.ts.
 */
export const DEFAULT_BF16_EFFICIENCY = 0.6;

/**
 * Achievable fraction of the dense FP8 peak with FP8 GEMMs (Transformer Engine, per-tensor current
 * scaling): casts, amax reductions and the BF16 parts of each layer keep real FP8 runs near 35–40%
 * of FP8 peak. Calibrated against NVIDIA NeMo's published DGX-H100 FP8 pre-training tables: 0.505 minimises the
 * worst error over the seven rows, planned as run (without recompute; the Megatron-Bridge rows with the bf16 gradient
 * buffer their recipes set): −6.7%…+6.8% (test/planning/training/accuracy.test.ts).
 */
export const DEFAULT_FP8_EFFICIENCY = 0.505;

/**
 * Model-width factor h/(h + 1024): small models run further below peak (short GEMMs, a larger share of
 * memory-bound norms, softmax and element-wise kernels, launch overheads). Fitted to the trend of
 * Narayanan et al. 2021 Table 1 (1.7B at 44% of peak → 1T at 52%); tensor parallelism is charged
 * through its communication term instead.
 */
export function gemmWidthFactor(hidden: number): number {
  return hidden / (hidden + 1024);
}

/**
 * Framework factor on the GEMM efficiency. `megatron` is the reference (1). The eager profiles (`hf`, `fsdp`) are
 * fitted to 47 single-GPU runs on one H100 (bench/gpu/measure_training.py; Llama 3.2 1B/3B, Llama 3.1 8B, Llama 2 7B;
 * bf16-pure and fp32-amp; with and without checkpointing; 1k–24k tokens per step): 1.16 together with
 * {@link EAGER_LAYER_OVERHEAD_SECONDS} minimises the worst step-time error (19%, median −4%), with attention priced at the
 * measured cuDNN kernel speed, which SDPA runs (attention-kernel.ts), not by this factor. cuBLAS GEMMs on a whole
 * unsharded model run above the Megatron-calibrated efficiency, and the eager costs show up as a per-layer overhead
 * instead. FSDP's own traffic is in the data-parallel term. Out of sample, 10 runs on an H200: −15%…+3%.
 */
export function frameworkFactor(f: TrainingFramework): number {
  return f === TrainingFramework.MEGATRON ? 1 : EAGER_FRAMEWORK_FACTOR;
}

/** Eager-profile efficiency factor, fitted on H100 (see {@link frameworkFactor}). */
export const EAGER_FRAMEWORK_FACTOR = 1.16;

/**
 * Seconds per decoder layer per micro-batch that eager PyTorch spends beyond its FLOPs (kernel launches from
 * Python, norms, rotary embeddings, casts and other memory-bound element-wise kernels); ×1.5 with gradient
 * checkpointing, which runs the forward twice. Fitted with {@link EAGER_FRAMEWORK_FACTOR} on H100.
 */
export const EAGER_LAYER_OVERHEAD_SECONDS = 2.0e-3;

/**
 * HBM bytes per parameter that PyTorch FSDP2 copies around its collectives in one micro-batch, for d data-parallel
 * ranks, parameters stored at w bytes and sharded gradients at g bytes (torch/distributed/fsdp/_fully_shard/
 * _fsdp_collectives.py): each all-gather copies the local shard into the bf16 input buffer (w/d read, 2/d written) and
 * splits the gathered output into the unsharded parameters (2 read, 2 written); the reduce-scatter concatenates the
 * bf16 gradients into its input (2 + 2) and writes the reduced shard into the sharded gradient (2/d read, g/d
 * written). ZeRO-3 (`reshard_after_forward=True`) gathers twice, in forward and in backward; ZeRO-2
 * (`reshard_after_forward=False`) once; charged per micro-batch, as FSDP2 gathers and reduces in every one by default:
 * (w + 2)/d + 4 per all-gather plus 4 + (2 + g)/d for the reduce-scatter — 24 bytes at d = 1 in bf16.
 * Measured on one H100 (fixture test/planning/training/fixtures/h100-hf-training.json): FSDP2 steps took 21.9, 25.7
 * and 24.2 bytes/parameter × HBM bandwidth longer than the same steps without FSDP (Llama 3.2 3B, 3.1 8B, 2 7B).
 */
export function fsdpCopyBytesPerParameter(dataParallel: number, weightBytes: number, gradientBytes: number, allGathers: number): number {
  const d = dataParallel;
  return allGathers * ((weightBytes + 2) / d + 4) + 4 + (2 + gradientBytes) / d;
}

/** Fraction of the NCCL ring's nominal link bandwidth achieved as bus bandwidth (nccl-tests on NVLink/InfiniBand reach ~80%). */
export const LINK_EFFICIENCY = 0.8;

/**
 * Fraction of tensor-parallel communication left exposed. Without overlap the sequence-parallel all-gathers and
 * reduce-scatters are blocking collectives between GEMMs (Megatron-LM as in Narayanan et al. 2021 and Korthikanti et al.
 * 2022): all of it. With Transformer Engine's comm–GEMM overlap (`tp_comm_overlap`, userbuffers; set by NeMo's H100
 * performance recipes) each collective is split into tp chunks exchanged around the ring while the GEMM runs on the chunks
 * already there (transformer_engine/pytorch/module/base.py `initialize_ub`, ring-exchange `CommOverlapP2P`), so one chunk
 * in tp stays exposed: 1/tp.
 */
export function tpExposedFraction(tp: number, overlap: boolean): number {
  return overlap ? 1 / tp : 1;
}

/** Result of the time model for one layout (internal). */
export interface StepTime {
  readonly stepSeconds: number;
  readonly tokensPerSecond: number;
  readonly modelFlopsPerStep: number;
  readonly hardwareFlopsPerStep: number;
  readonly tflopsPerGpu: number;
  readonly hardwareTflopsPerGpu: number;
  readonly mfu: number;
  readonly computeSecondsPerMicroBatch: number;
  readonly tpSecondsPerMicroBatch: number;
  readonly bubbleFraction: number;
  readonly dpExposedSeconds: number;
}

/** Step time of one layout. See each term's TSDoc for its source. */
export function stepTime(ctx: PlanContext, l: Layout, ex?: Explanation): StepTime {
  const s = ctx.shape;
  const gpus = l.tp * l.pp * l.cp * l.dp;
  const seq = ctx.seqLen;
  const tokensPerStep = ctx.globalSeqs * seq;
  const megatron = ctx.framework === TrainingFramework.MEGATRON;
  const fp8 = usesFp8(ctx.precision);
  const peakBf16 = ctx.gpu.tflopsBf16 * 1e12;
  const peakGemm = fp8 ? ctx.gpu.tflopsFp8 * 1e12 : peakBf16;

  // FLOPs per token: 6N for matmuls + 3× attention forward (model FLOPs), plus recomputation (hardware FLOPs).
  // Multi-token-prediction modules count as decoder layers with their projection and another output-head pass.
  const passes = ctx.recompute === RecomputeMode.FULL ? 8 : 6;
  const mtpMatmul = s.mtpLayers * s.mtpMatmulParamsPerToken;
  const attnLayers = (s.layers + s.mtpLayers) / s.layers;
  const attnFwd = attentionForwardFlopsPerToken(s, seq) * attnLayers;
  const modelPerToken = modelFlopsPerToken(s, seq);
  const modules = ctx.recomputeModules;
  let recompAttn = 0;
  if (ctx.recompute === RecomputeMode.FULL) recompAttn = attnFwd;
  if (ctx.recompute === RecomputeMode.SELECTIVE && megatron && (!modules || modules.has(RecomputeModule.CORE_ATTN))) recompAttn = attnFwd;
  // Recompute modules run the checkpointed MLP / MoE blocks' forward again: 2 FLOPs per parameter a token passes through.
  const moduleGemmPerLayer = modules ? recomputedModuleFlopsPerLayer(s, modules) : 0;
  const hwGemmPerToken = passes * (s.matmulParamsPerToken + mtpMatmul) + moduleGemmPerLayer * (s.layers + s.mtpLayers);
  const hwAttnPerToken = 3 * attnFwd + recompAttn;
  // Time is priced per forward-equivalent: the fused backward takes attentionBackwardRatio forwards, not 2.
  // Both Transformer Engine and PyTorch SDPA run cuDNN's fused attention on Hopper, priced from its measured speed
  // (attention-kernel.ts); the framework factor, which stands for eager GEMM speed, does not apply to it.
  // A sparse-attention call gathers at most top-k keys per query: priced at the fused kernel's speed for calls of that length.
  const callLength = s.sparseAttentionTopK > 0 ? Math.min(seq / l.cp, s.sparseAttentionTopK) : seq / l.cp;
  const attnLength = attentionLengthFactor(callLength);
  const bwdRatio = attentionBackwardRatio(callLength);
  const attnTimePerToken = attnFwd * (1 + bwdRatio) + recompAttn;

  // Per micro-batch on the slowest pipeline rank: its decoder layers (the split Megatron-Core builds, see
  // pipeline-schedule.ts) and, on the last rank, the output head (Megatron-Core builds `output_layer` on the
  // post-process stage; under the embedding-and-loss split it takes one layer's slot, otherwise it comes on top).
  // Tokens split over cp, matrices over tp.
  const tokensMb = seq * l.microBatch;
  const headGemm = 6 * s.vocab * s.hidden;
  const baseLayerGemm = passes * (s.matmulParamsPerToken - s.vocab * s.hidden) / s.layers + moduleGemmPerLayer;
  const baseMtpGemm = passes * s.mtpMatmulParamsPerToken;
  const attnPerLayer = attnTimePerToken / (s.layers + s.mtpLayers);
  const eff = ctx.computeEfficiency * gemmWidthFactor(s.hidden) * frameworkFactor(ctx.framework);
  const attnEff = fp8 ? DEFAULT_BF16_EFFICIENCY : ctx.computeEfficiency;
  const split = splitOf(ctx, l);
  // FP8 plans give the routed experts' GEMMs FP8_ROUTED_EXPERT_GAIN over BF16 instead of the dense gain; the time this
  // adds is counted as extra FLOPs at the plan's GEMM rate (expertPenalty × the routed FLOPs), so each layer stays one sum.
  const denseFp8Gain = (ctx.gpu.tflopsFp8 * DEFAULT_FP8_EFFICIENCY) / (ctx.gpu.tflopsBf16 * DEFAULT_BF16_EFFICIENCY);
  const expertPenalty = fp8 && s.isMoe ? Math.max(0, denseFp8Gain / FP8_ROUTED_EXPERT_GAIN - 1) : 0;
  const expertRate = peakGemm * eff / (1 + expertPenalty);
  const routedPerLayer = expertPenalty > 0 ? passes * s.moeFraction * s.topK * s.routedExpertParams / s.experts : 0;
  const routedPerMtp = expertPenalty > 0 ? passes * s.topK * s.mtpRoutedParams / s.experts : 0;
  const expertExtra = expertTrafficSeconds(ctx, l, tokensMb, expertRate);
  const layerGemm = baseLayerGemm + expertPenalty * routedPerLayer;
  const mtpGemm = baseMtpGemm + expertPenalty * routedPerMtp;
  let gemmSeconds = 0; let attnSeconds = 0; let layersStage = 0; let headOnSlowest = false;
  // Token routing and permutation, which the FLOP count leaves out, add a share of each MoE layer's time.
  const layerSeconds = tokensMb / (l.tp * l.cp) * (layerGemm / (peakGemm * eff) + attnPerLayer / (peakBf16 * attnEff * attnLength));
  let routingSeconds = 0;
  const expertHost = expertHostSeconds(ctx, l, tokensMb, expertRate);
  let hostSeconds = 0;
  for (let rank = 0; rank < l.pp; rank++) {
    const layers = rankLayers(split, rank);
    const mtp = rankMtp(split, rank);
    const head = rank === l.pp - 1;
    const moeLayers = s.isMoe ? rankMoeLayers(split, rank, s.leadingDenseLayers, s.moeLayerInterval) + (s.mtpRoutedParams > 0 ? mtp : 0) : 0;
    const routing = MOE_ROUTING_OVERHEAD * moeLayers * layerSeconds;
    const host = moeLayers * expertHost;
    const gemm = tokensMb * (layers * layerGemm + mtp * (mtpGemm + moduleGemmPerLayer) + (head ? headGemm : 0)) / (l.tp * l.cp) / (peakGemm * eff) + (layers + mtp) * expertExtra + routing + host;
    const attn = tokensMb * attnPerLayer * (layers + mtp) / (l.tp * l.cp) / (peakBf16 * attnEff * attnLength);
    if (gemm + attn > gemmSeconds + attnSeconds) { gemmSeconds = gemm; attnSeconds = attn; headOnSlowest = head; routingSeconds = routing; hostSeconds = host; }
    layersStage = Math.max(layersStage, layers + mtp);
  }
  const eagerOverhead = megatron ? 0
    : EAGER_LAYER_OVERHEAD_SECONDS * s.layers * (ctx.recompute === RecomputeMode.FULL ? 1.5 : 1);
  const fsdpCopySeconds = ctx.framework === TrainingFramework.FSDP && ctx.zeroStage >= 2
    ? s.totalParams * fsdpCopyBytesPerParameter(l.dp * l.cp, ctx.bytes.weights, ctx.bytes.gradients, ctx.zeroStage >= 3 ? 2 : 1) / ctx.gpu.hbmBandwidthBytesPerSecond : 0;
  const computeMb = gemmSeconds + attnSeconds + eagerOverhead + fsdpCopySeconds;

  // Tensor parallel: with sequence parallelism each layer does 2 all-gathers + 2 reduce-scatters forward and
  // the same backward (≡ 4 all-reduces), each moving (t−1)/t × s·b·h·2 bytes per GPU over NVLink
  // (Korthikanti et al. 2022 §4.2.2; ring all-reduce = 2(t−1)/t × bytes, Patarasuk & Yuan 2009).
  const actBytes = (seq / l.cp) * l.microBatch * s.hidden * 2;
  const tpOps = (ctx.recompute === RecomputeMode.FULL ? 12 : 8);
  const nvl = ctx.nvlinkBytesPerSecond * LINK_EFFICIENCY;
  const tpExposed = tpExposedFraction(l.tp, ctx.tpCommOverlap);
  // Overlap hides the collectives only behind the GEMMs they are chunked into: whatever exceeds the GEMM time stays
  // exposed. This never binds at TP ≤ 8 on HGX boards; it does beyond one board (TP 16–72 on an NVL72 rack), where the
  // traffic per GPU stays s·b·h while each GPU's GEMMs shrink as 1/tp.
  const tpComm = l.tp > 1 ? layersStage * tpOps * ((l.tp - 1) / l.tp) * actBytes / nvl : 0;
  const tpSeconds = Math.max(tpExposed * tpComm, ctx.tpCommOverlap ? tpComm - gemmSeconds : 0);

  // Context parallel (ring attention): K and V chunks pass around the cp ring, forward once and twice in backward;
  // overlapped with the attention compute, only the excess is exposed. Sparse attention needs every key for the top-k
  // selection, so the cp ranks all-gather what the sparse kernel and the indexer read, the MLA latent and the indexer key
  // of every token (MindSpeed `kvallgather_cp_algo` for sparse flash attention and the lightning indexer): the same
  // (cp − 1) chunks of s/cp tokens per rank, at their compressed width, unsplit by tp.
  const inNode = (ranks: number): boolean => ranks <= ctx.nvlinkDomainGpus;
  const net = ctx.networkBytesPerSecondPerGpu * LINK_EFFICIENCY;
  const cpBw = inNode(l.tp * l.cp) ? nvl : net;
  const kvBytes = (seq / l.cp) * l.microBatch * 2 * (s.sparseAttentionTopK > 0 ? s.sparseKvWidth : (s.kDim + s.vDim) / l.tp);
  const cpComm = l.cp > 1 ? layersStage * 3 * contextParallelRingSteps(s, seq, l.cp) * kvBytes / cpBw : 0;
  const cpSeconds = Math.max(0, cpComm - attnSeconds);

  // Expert parallel: dispatch + combine all-to-all forward and backward per MoE layer.
  // The expert grid orders its ranks etp, then ep (megatron/core/parallel_state.py "tp-ep-dp-pp"): one EP group spans etp × ep
  // consecutive ranks.
  // Recomputing the MoE block dispatches and combines its tokens again: 6 transfers instead of 4.
  const moeRecompute = modules?.has(RecomputeModule.MOE) ? 1.5 : 1;
  const epSeconds = s.isMoe && l.ep > 1 ? moeRecompute * layersStage * s.moeFraction * expertAllToAllSeconds(ctx, l, tokensMb / (l.cp * l.tp), nvl, net) : 0;

  // Pipeline: 1F1B takes (m + (p−1)/v) micro-batch slots (bubble (p−1)/(v·m), Narayanan et al. 2021 §2.2.1–2.2.2);
  // stage-to-stage sends of s·b·h·2/t bytes (scatter/gather optimisation, §4.1) are exposed in fill and drain, and
  // under plain 1F1B in every slot as well.
  const m = l.gradientAccumulation;
  const v = l.pp > 1 ? l.vp : 1;
  // Plain 1F1B (Megatron-Core forward_backward_pipelining_without_interleaving) sends each micro-batch's activations
  // and receives its gradients with blocking p2p calls between compute steps (send_forward_recv_backward,
  // send_backward_recv_forward), so both transfers sit in every slot; the interleaved schedule overlaps them with
  // compute (overlap_p2p_comm) and pays them only in fill and drain.
  // Stage neighbours sit tp·cp·dp ranks apart: over NVLink only when the whole pipeline lies in one NVLink domain.
  const p2pBw = inNode(l.tp * l.cp * l.dp * l.pp) ? nvl : net;
  const p2pPerSlot = l.pp > 1 && v === 1 ? 2 * (actBytes / l.tp) / p2pBw : 0;
  // EP overlap (Megatron-Core --overlap-moe-expert-parallel-comm): one micro-batch's dispatch/combine runs under another's
  // compute. NVIDIA report a 93% overlap ratio for DeepSeek-V3 on H100, and that DeepEP's 20 SMs cost the GEMMs running
  // beside it roughly 20% (Megatron Core MoE report, arXiv:2603.07685 §4.2.3, Figure 18).
  // DeepEP's SMs slow the compute the dispatch hides under, so the window it hides in is that slower compute: when the
  // dispatch outlasts it, the slot is the dispatch alone, with no SM cost on top.
  const epOverlap = ctx.expertCommunicationOverlap && epSeconds > 0;
  const dispatcherSmCost = epOverlap && ctx.expertDispatcher === ExpertDispatcher.DEEPEP ? DEEPEP_GEMM_OVERHEAD * gemmSeconds : 0;
  const epExposed = epOverlap ? Math.max((1 - EP_OVERLAP_RATIO) * epSeconds, epSeconds - computeMb - dispatcherSmCost) : epSeconds;
  const slot = computeMb + dispatcherSmCost + tpSeconds + cpSeconds + epExposed + p2pPerSlot;
  const bubbleFraction = l.pp > 1 ? (l.pp - 1) / (v * m) : 0;
  // Interleaving multiplies the stage boundaries, and so the point-to-point traffic, by v (Narayanan et al. 2021 §2.2.2).
  const p2p = l.pp > 1 ? 2 * (l.pp - 1) * v * (actBytes / l.tp) / p2pBw : 0;
  const pipelineSeconds = slot * (m + (l.pp > 1 ? (l.pp - 1) / v : 0)) + p2p;

  // Data parallel: gradients reduce over the dp×cp group (ring: 2(d−1)/d × bytes for all-reduce; reduce-scatter
  // + all-gather with the distributed optimizer; ZeRO-3 re-gathers parameters for every micro-batch's forward
  // and backward, Rajbhandari et al. 2020 §7). Overlapped with backward: at most `dpOverlapFraction` hidden, and
  // no more than the backward time available (the last micro-batch; every micro-batch under ZeRO-3).
  const d = l.dp * l.cp;
  const stageParams = ctxStageParams(ctx, l);
  const ring = (d - 1) / d;
  const dpBw = inNode(l.tp * l.cp * l.dp) ? nvl : net;
  let dpBytes = 0;
  if (d > 1) {
    if (ctx.zeroStage === 0) dpBytes = 2 * ring * stageParams * ctx.bytes.gradients;
    else if (ctx.zeroStage < 3) dpBytes = ring * stageParams * (ctx.bytes.gradients + ctx.bytes.weights);
    else dpBytes = ring * stageParams * (ctx.bytes.gradients + 2 * m * ctx.bytes.weights);
  }
  const dpSeconds = dpBytes / dpBw;
  const window = (ctx.zeroStage >= 3 ? m : 1) * computeMb;
  const dpExposed = Math.max(dpSeconds * (1 - ctx.dpOverlapFraction), dpSeconds - window);

  // Optimizer step: memory-bound pass over weights, gradients and states (read + write).
  const hbm = ctx.gpu.hbmBandwidthBytesPerSecond;
  const shard = ctx.zeroStage >= 1 ? d : 1;
  const optSeconds = 2 * stageParams * (ctx.bytes.optimizer / shard + ctx.bytes.gradients + ctx.bytes.weights) / hbm;

  const stepSeconds = pipelineSeconds + dpExposed + optSeconds;
  const modelFlopsPerStep = tokensPerStep * modelPerToken;
  const hardwareFlopsPerStep = tokensPerStep * (hwGemmPerToken + hwAttnPerToken);
  const tflopsPerGpu = modelFlopsPerStep / stepSeconds / gpus / 1e12;
  const hardwareTflopsPerGpu = hardwareFlopsPerStep / stepSeconds / gpus / 1e12;
  const mfu = tflopsPerGpu * 1e12 / peakGemm;
  if (ex) {
    ex.add('model FLOPs per token', modelPerToken, 'FLOP', `6 × ${(s.matmulParamsPerToken + mtpMatmul).toExponential(3)} matmul params${s.mtpLayers ? ` (${s.mtpLayers} MTP module${s.mtpLayers > 1 ? 's' : ''} included)` : ''} + 3 × attention ${attnFwd.toExponential(3)} (causal, keys/query = s/2${attentionLimits(s)})`,
      'Narayanan et al. 2021 eq. (3); Megatron-Bridge num_floating_point_operations');
    const recomputed = ctx.recompute === RecomputeMode.FULL ? '+1 forward = 8N'
      : modules ? `modules ${[...modules].join(', ')}: ${recompAttn ? '+ attention forward' : 'no attention'}${moduleGemmPerLayer ? ` + ${(moduleGemmPerLayer * (s.layers + s.mtpLayers)).toExponential(3)} for the checkpointed blocks` : ''}`
        : ctx.recompute === RecomputeMode.SELECTIVE && megatron ? '+ attention forward' : 'none';
    ex.add('hardware FLOPs per token', hwGemmPerToken + hwAttnPerToken, 'FLOP', `model FLOPs + recompute (${ctx.recompute}: ${recomputed})`,
      modules ? 'Korthikanti et al. 2022 §5; Megatron-Core recompute_modules' : 'Korthikanti et al. 2022 §5, Table 5');
    ex.add('compute efficiency', eff, '', `base ${ctx.computeEfficiency} × model width h/(h + 1024) × framework ${frameworkFactor(ctx.framework)}`, 'calibrated: see DEFAULT_BF16_EFFICIENCY / DEFAULT_FP8_EFFICIENCY');
    ex.add('attention kernel efficiency', attnLength, '', `fused causal attention (cuDNN) forward TFLOP/s at calls of ${s.sparseAttentionTopK > 0 ? `min(seq/cp, sparse top-k) = ${callLength}` : `seq/cp = ${callLength}`} tokens relative to 16k${s.sparseAttentionTopK > 0 ? '; the sparse kernel and the FP8 indexer priced as dense BF16 attention (not measured)' : ''}`,
      'measured on H200, head dim 128 (bench/gpu/measure_kernels.py)');
    ex.add('attention backward / forward time', bwdRatio, '', `measured fused backward / forward time at ${callLength} tokens: attention time = forward × (1 + ${bwdRatio.toFixed(2)}${recompAttn ? ' + 1 recomputed' : ''}), where model FLOPs count 3 forwards`,
      'measured on H200, head dim 128 (bench/gpu/measure_kernels.py); Shah et al. 2024 Figs. 5 and 9 agree within 3%');
    ex.add('compute per micro-batch per stage', computeMb, 's', `slowest rank (${layersStage} layers${headOnSlowest ? ' + output head' : ''}): tokens ${tokensMb} × stage FLOPs/token / (tp·cp) / (peak ${fp8 ? 'FP8' : 'BF16'} × efficiency; attention × kernel efficiency)${eagerOverhead ? ` + eager overhead ${EAGER_LAYER_OVERHEAD_SECONDS * 1e3} ms × ${s.layers} layers${ctx.recompute === RecomputeMode.FULL ? ' × 1.5' : ''}` : ''}${fsdpCopySeconds ? ` + FSDP2 copies around its collectives ${(fsdpCopySeconds * 1e3).toPrecision(3)} ms` : ''}`,
      megatron ? undefined : 'fitted on H100 (bench/gpu/measure_training.py)');
    ex.add('exposed TP communication per micro-batch', tpSeconds, 's', `${ctx.tpCommOverlap ? `max(${tpExposed.toPrecision(3)} × TP (comm–GEMM overlap: one chunk in tp exposed), TP − GEMM time)` : 'TP (blocking collectives, no overlap)'}; TP = layers ${layersStage} × ${tpOps} × (t−1)/t × s·b·h·2 B / (NVLink ${(ctx.nvlinkBytesPerSecond / 1e9).toFixed(0)} GB/s × ${LINK_EFFICIENCY})`, 'Korthikanti et al. 2022 §4.2.2');
    if (l.cp > 1) {
      ex.add('exposed CP communication per micro-batch', cpSeconds, 's', `max(0, ${s.sparseAttentionTopK > 0 ? 'all-gather of every token\'s latent and indexer key' : 'ring K/V exchange'} − attention compute)`,
        s.sparseAttentionTopK > 0 ? 'MindSpeed kvallgather_cp_algo (sparse flash attention, lightning indexer)' : undefined);
    }
    if (expertPenalty > 0) ex.add('FP8 gain on routed-expert GEMMs', FP8_ROUTED_EXPERT_GAIN, '×', `dense layers ${denseFp8Gain.toFixed(2)}× BF16 (in the compute above)`, 'NVIDIA: ~10–25% end to end for MoE in FP8, arXiv:2603.07685 §4.3.5; see FP8_ROUTED_EXPERT_GAIN');
    if (routingSeconds > 0) ex.add('MoE routing and permutation per micro-batch', routingSeconds, 's', `${MOE_ROUTING_OVERHEAD} × the slowest rank's MoE layer time (in the compute above)`, 'arXiv:2603.07685 §1.2');
    if (hostSeconds > 0) ex.add('MoE host launch time per micro-batch', hostSeconds, 's', `${MOE_HOST_SECONDS_PER_LOCAL_EXPERT * 1e3} ms × ${s.experts / l.ep} local experts × the slowest rank's MoE layers (in the compute above)`, 'fitted: see MOE_HOST_SECONDS_PER_LOCAL_EXPERT');
    if (expertExtra > 0) ex.add('expert memory traffic beyond expert FLOPs per layer per micro-batch', expertExtra, 's', `max(0, (local experts' weight and gradient bytes + tokens/(tp·cp) × topK × etp rows × their activation and permutation bytes) / (HBM × ${EXPERT_HBM_EFFICIENCY}) − their FLOPs / compute): few tokens per expert or expert TP make the expert GEMMs memory-bound`, 'roofline, Williams et al. 2009');
    if (epOverlap) ex.add('exposed EP communication per micro-batch', epExposed + dispatcherSmCost, 's', `${dispatcherSmCost ? `DeepEP's SMs (${DEEPEP_GEMM_OVERHEAD} × GEMM time) + ` : ''}max((1 − ${EP_OVERLAP_RATIO}) × EP, EP − compute${dispatcherSmCost ? ' − their cost' : ''})`, 'arXiv:2603.07685 §4.2.3');
    if (epSeconds > 0) ex.add('EP all-to-all per micro-batch', epSeconds, 's', `4 all-to-alls × MoE layers × tokens·topK·h·2 B (${ctx.expertDispatcher}${ctx.expertDispatcher === ExpertDispatcher.DEEPEP ? ': once per remote node, then NVLink' : ''})`, 'DeepSeek-V3 technical report §3.2.2');
    if (p2pPerSlot > 0) ex.add('blocking p2p per micro-batch (plain 1F1B)', p2pPerSlot, 's', `2 × s·b·h·2/t B = 2 × ${(actBytes / l.tp / 2 ** 20).toFixed(1)} MiB over ${p2pBw === nvl ? 'NVLink' : 'the network'} ${(p2pBw / 1e9).toFixed(1)} GB/s`, 'megatron/core/pipeline_parallel/schedules.py send_forward_recv_backward');
    ex.add('pipeline bubble fraction', bubbleFraction, '', `(p−1)/(v·m) = (${l.pp}−1)/(${v}·${m})`, 'Narayanan et al. 2021 §2.2');
    ex.add('DP communication', dpSeconds, 's', `ZeRO-${ctx.zeroStage} traffic ${(dpBytes / 2 ** 30).toFixed(2)} GiB over ${dpBw === nvl ? 'NVLink' : 'network'} ${(dpBw / 1e9).toFixed(1)} GB/s`, 'Rajbhandari et al. 2020 §7');
    ex.add('exposed DP communication', dpExposed, 's', `max(DP × (1 − overlap ${ctx.dpOverlapFraction}), DP − backward window ${window.toPrecision(3)} s)`);
    ex.add('step time', stepSeconds, 's', `(m + (p−1)/v) × (compute + TP + CP + EP) + p2p + exposed DP + optimizer ${optSeconds.toPrecision(3)} s`);
    ex.add('model TFLOP/s per GPU', tflopsPerGpu, 'TFLOP/s', 'model FLOPs per step / step time / GPUs');
    ex.add('MFU', mfu, '', `model TFLOP/s / ${fp8 ? 'FP8' : 'BF16'} dense peak ${peakGemm / 1e12}`);
  }
  return {
    stepSeconds, tokensPerSecond: tokensPerStep / stepSeconds, modelFlopsPerStep, hardwareFlopsPerStep,
    tflopsPerGpu, hardwareTflopsPerGpu, mfu, computeSecondsPerMicroBatch: computeMb,
    tpSecondsPerMicroBatch: tpSeconds, bubbleFraction, dpExposedSeconds: dpExposed,
  };
}

/** What caps the keys a query sees, for the explanation: a sliding window, chunks, or a sparse top-k with its indexer. */
function attentionLimits(s: ModelShape): string {
  if (s.sparseAttentionTopK > 0) return `, at most the sparse top-${s.sparseAttentionTopK}, + the lightning indexer over all s/2`;
  if (s.attentionChunkSize > 0) return `, within chunks of ${s.attentionChunkSize} on ${s.chunkedAttentionLayers} of ${s.layers} layers`;
  if (s.slidingWindow > 0) return `, within a window of ${s.slidingWindow} on ${s.slidingWindowLayers} of ${s.layers} layers`;
  return '';
}

/**
 * K/V chunks a rank receives per layer under context parallelism, averaged over the layers: the whole ring (cp − 1) for
 * full attention; a chunked-attention layer (Llama 4) needs only the keys of its own chunk, held by the ceil(C / (s/cp))
 * ranks before it at most (shards taken as contiguous).
 */
export function contextParallelRingSteps(s: ModelShape, seqLen: number, cp: number): number {
  if (cp <= 1) return 0;
  const chunkSteps = s.attentionChunkSize > 0 ? Math.min(cp - 1, Math.ceil(s.attentionChunkSize / (seqLen / cp))) : cp - 1;
  return ((s.layers - s.chunkedAttentionLayers) * (cp - 1) + s.chunkedAttentionLayers * chunkSteps) / s.layers;
}

/** C(pool − marked, draws) / C(pool, draws): the chance that `draws` picks without replacement miss all `marked` items. */
function missAll(pool: number, marked: number, draws: number): number {
  let p = 1;
  for (let i = 0; i < draws; i++) p *= Math.max(0, pool - marked - i) / (pool - i);
  return p;
}

/** C(n, k) for the small counts of expert groups. */
function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let c = 1;
  for (let i = 0; i < k; i++) c = c * (n - i) / (i + 1);
  return c;
}

/**
 * Expected number of distinct groups (GPUs or nodes, each holding E/groups consecutive experts) that a token's topK
 * experts fall in, with balanced routing: groups · (1 − C(E − E/groups, k) / C(E, k)). With group-limited routing (the
 * model's experts split into G routing groups, a token picking g of them, then its experts inside: DeepSeek-V3 n_group 8,
 * topk_group 4) and `groups` ≤ G, a node holding G/groups routing groups is missed when none of them is picked, or none of
 * the picked ones gets one of the token's experts.
 */
function distinctGroupsHit(s: ModelShape, groups: number): number {
  const G = s.expertGroups; const g = s.expertGroupsPerToken;
  if (g >= G || groups > G || G % groups !== 0) return groups * (1 - missAll(s.experts, s.experts / groups, s.topK));
  const perNode = G / groups; const expertsPerGroup = s.experts / G;
  let missed = 0;
  for (let j = 0; j <= Math.min(perNode, g); j++) {
    const picked = choose(perNode, j) * choose(G - perNode, g - j) / choose(G, g);
    missed += picked * missAll(expertsPerGroup * g, expertsPerGroup * j, s.topK);
  }
  return groups * (1 - missed);
}

/**
 * One MoE layer's dispatch and combine, forward and backward (4 transfers), for `tokens` tokens on one GPU, each going to
 * topK of E experts as h bf16 values; an EP group of ep ranks spans ep / (GPUs per node / etp) nodes.
 * - All-to-all: every assignment whose expert is on another rank is sent; those on other nodes go over the network, the
 *   rest over NVLink, at the same time.
 * - DeepEP: a token goes once to each other GPU holding one of its experts, and once over the network to each other node
 *   holding one, then on over NVLink (deepseek-ai/DeepEP; DeepSeek-V3 report §3.2.2); the slower leg counts.
 * Checked against NVIDIA's H100 dispatch latencies (Megatron Core MoE report, arXiv:2603.07685 Table 7) in
 * test/planning/training/moe-accuracy.test.ts.
 */
export function expertAllToAllSeconds(ctx: PlanContext, l: Layout, tokens: number, nvlinkBytesPerSecond: number, networkBytesPerSecond: number): number {
  const s = ctx.shape;
  const tokenBytes = s.hidden * 2;
  const epPerNode = Math.max(1, Math.min(l.ep, Math.floor(ctx.nvlinkDomainGpus / l.etp)));
  const nodes = Math.ceil(l.ep / epPerNode);
  if (ctx.expertDispatcher === ExpertDispatcher.DEEPEP) {
    const otherGpus = distinctGroupsHit(s, l.ep) * (l.ep - 1) / l.ep;
    const otherNodes = nodes > 1 ? distinctGroupsHit(s, nodes) * (nodes - 1) / nodes : 0;
    return 4 * tokens * tokenBytes * Math.max(otherNodes / networkBytesPerSecond, otherGpus / nvlinkBytesPerSecond);
  }
  const assignments = tokens * s.topK;
  const remote = (l.ep - epPerNode) / l.ep;
  const local = (epPerNode - 1) / l.ep;
  return 4 * assignments * tokenBytes * Math.max(remote / networkBytesPerSecond, local / nvlinkBytesPerSecond);
}

/**
 * Time token routing and permutation add to an MoE layer, as a share of its computed time: "Token routing and permutation,
 * absent in dense models, add ∼9% to layer execution time even after optimization" (NVIDIA's measurements, Megatron Core MoE
 * report, arXiv:2603.07685 §1.2). Charged on each MoE layer's GEMM and attention time. Host launch overhead, which the report
 * also names, is not modelled; grouped-GEMM inefficiency is not the gap: measured on an H200 (bench/gpu/measure_kernels.py),
 * grouped expert GEMMs at Qwen3-235B's shape run at 593–620 TFLOP/s forward + backward with 512–1,024 tokens per expert,
 * above the dense efficiency the planner charges them (test/planning/training/moe-accuracy.test.ts).
 */
export const MOE_ROUTING_OVERHEAD = 0.09;

/**
 * Host launch time a dropless MoE layer needs per local expert per micro-batch, forward and backward: 0.43 ms. Dropless
 * routing syncs the per-expert token counts to the host in every MoE layer, "placing the CPU on the critical path" (Megatron
 * Core MoE report, arXiv:2603.07685 §4.3.1); what the host then launches grows with the experts it holds: one GEMM per
 * expert on several streams (§4.3.2 (i)) and, in FP8, quantization kernels, "where operation count scales with the number
 * of experts" (§4.3.6). {@link expertHostSeconds} exposes what the experts' own GPU time does not cover. Fitted: the value
 * that minimises the worst error over the three published in-node EP8 runs (16 local experts, short expert GEMMs;
 * test/planning/training/moe-accuracy.test.ts: from +31%, +97%, +86% to +12.5%, +0.6%, −11.1%; −11.9% after the FP8 efficiency was refitted to 0.505 and FP8_ROUTED_EXPERT_GAIN set); it leaves the EP32 and
 * long-context runs, whose expert GEMMs outlast it, unchanged. About 22 launches' worth at the 19–20 µs that one eager GEMM
 * launch took from a Python loop on an H200 host (bench/gpu/measure_kernels.py).
 */
export const MOE_HOST_SECONDS_PER_LOCAL_EXPERT = 0.43e-3;

/**
 * Speed-up FP8 gives the routed experts' GEMMs over BF16 in a plan: 1, none. Dense layers get the calibrated dense gain
 * (DEFAULT_FP8_EFFICIENCY × FP8 peak against DEFAULT_BF16_EFFICIENCY × BF16 peak: 1.68× on H100), and so did the routed
 * experts, which made FP8 1.51–1.54× as fast as BF16 at NVIDIA's H100 MoE layouts; NVIDIA measure "approximately 10% to
 * 25% end-to-end performance improvement for large-scale MoE training on different hardware platforms" (Megatron Core MoE
 * report, arXiv:2603.07685 §4.3.5), 1.22–1.23× for their GB200 pairs, and Megatron-Bridge's 25.11 summary 1.13× for
 * DeepSeek-V3 at one layout on GB300. Each FP8 expert GEMM brings quantization and scaling kernels per expert, "where
 * operation count scales with the number of experts" (§4.3.6), and on Hopper runs as one cuBLASLt GEMM per expert
 * (Transformer Engine's grouped CUTLASS GEMM is BF16-only there, §4.3.2). With no gain on the experts the planner's MoE
 * FP8 gain is 1.18–1.29× at those layouts (test/planning/training/moe-accuracy.test.ts). Chosen from that statement, not
 * fitted to any run; bench/gpu/measure_fp8_experts.py is prepared to measure it.
 */
export const FP8_ROUTED_EXPERT_GAIN = 1;

/** Share of the EP dispatch/combine hidden under compute with EP overlap (DeepSeek-V3 on H100: arXiv:2603.07685 §4.2.3). */
export const EP_OVERLAP_RATIO = 0.93;

/**
 * GEMM slowdown while DeepEP's 20 SMs run beside them ("roughly 20% GEMM-efficiency overhead", arXiv:2603.07685 §4.2.3),
 * charged on the whole GEMM time, as the published DeepEP rows with EP overlap need (moe-accuracy.test.ts: charged only
 * while the dispatch runs, DeepSeek-V3 25.09 and two others leave the 15% target). NCCL's all-to-all is charged none: its
 * kernels also take SMs (8–32 per the same report, §4.1.7) but only while they run, and no figure is published for it.
 */
export const DEEPEP_GEMM_OVERHEAD = 0.2;

/** Fraction of HBM bandwidth the grouped expert GEMMs reach when memory-bound (as the inference decode roofline). */
export const EXPERT_HBM_EFFICIENCY = 0.8;

/** Bytes per activation element the expert GEMMs, their activation function and the permutation move (BF16). */
export const EXPERT_ACTIVATION_BYTES = 2;

/**
 * HBM elements moved per routed token–expert row on one rank in one micro-batch, for hidden size h, a first-GEMM output
 * a1 and an expert width f on that rank (both / etp): forward, fc1 reads h and writes a1, the activation reads a1 and
 * writes f, fc2 reads f and writes h (2h + 2a1 + 2f); backward, each GEMM's data and weight gradients read its output
 * gradient and its saved input and the activation's backward reads and writes its tensors (4h + 4a1 + 3f); permute and
 * unpermute each read and write a row of h, forward and backward (8h). Full recompute runs the forward again.
 */
export function expertRowElements(hidden: number, firstGemmWidth: number, expertWidth: number, fullRecompute: boolean): number {
  const h = hidden; const a1 = firstGemmWidth; const f = expertWidth;
  const forward = 2 * h + 2 * a1 + 2 * f;
  const permutation = 4 * h;
  return forward + (4 * h + 4 * a1 + 3 * f) + 2 * permutation + (fullRecompute ? forward + permutation : 0);
}

/**
 * Time per MoE layer per micro-batch by which the routed experts' memory traffic exceeds their FLOPs (0 for dense models):
 * the roofline (Williams et al. 2009) over one rank's expert GEMMs, activation function and permutation.
 * - Weights: a GEMM of m tokens against a K×N weight does 2·m·K·N FLOPs for K·N weights read, so with few tokens per expert
 *   (balanced routing gives each expert m = tokens·topK/experts; more EP concentrates them on fewer GPUs, expert TP splits
 *   the weights) it is bound by HBM. Per micro-batch each local expert parameter is read in the forward and the
 *   data-gradient GEMMs and its gradient accumulated (read + write) by the weight-gradient GEMM: 2·w + 2·g bytes.
 * - Activations: each rank processes tokens/(tp·cp) × topK × etp token–expert rows (expert TP gathers the tokens of its
 *   etp ranks, and every rank runs every row on its 1/etp of the expert), {@link expertRowElements} each. Expert TP thus
 *   multiplies the activation traffic per FLOP by etp², which is why fine-grained experts are not split ("Small per-expert
 *   dimensions make high TP counterproductive", Megatron Core MoE report, arXiv:2603.07685 Table 2).
 * The expert FLOPs are already in the layer's compute at the GEMM efficiency; only the excess is added.
 */
export function expertTrafficSeconds(ctx: PlanContext, l: Layout, tokensMb: number, gemmFlopsPerSecond: number): number {
  if (!ctx.shape.isMoe) return 0;
  const t = expertGemmSeconds(ctx, l, tokensMb, gemmFlopsPerSecond);
  return ctx.shape.moeFraction * Math.max(0, t.memory - t.flops);
}

/**
 * One MoE layer's routed expert work on one rank per micro-batch, forward and backward: its FLOP time at the GEMM rate and
 * its HBM time (weights, gradients, activation and permutation rows; see {@link expertTrafficSeconds}).
 */
function expertGemmSeconds(ctx: PlanContext, l: Layout, tokensMb: number, gemmFlopsPerSecond: number): { flops: number; memory: number } {
  const s = ctx.shape;
  const perExpert = s.routedExpertParams / s.experts;
  const full = ctx.recompute === RecomputeMode.FULL;
  const passes = full ? 8 : 6;
  const rows = tokensMb / (l.tp * l.cp) * s.topK * l.etp;
  const flops = rows * passes * perExpert / l.etp / gemmFlopsPerSecond;
  const width = perExpert / ((s.swiglu ? 3 : 2) * s.hidden) / l.etp;
  const activationBytes = rows * expertRowElements(s.hidden, (s.swiglu ? 2 : 1) * width, width, full) * EXPERT_ACTIVATION_BYTES;
  const weightBytes = (s.routedExpertParams / (l.etp * l.ep)) * (2 * ctx.bytes.weights + 2 * ctx.bytes.gradients);
  return { flops, memory: (weightBytes + activationBytes) / (ctx.gpu.hbmBandwidthBytesPerSecond * EXPERT_HBM_EFFICIENCY) };
}

/**
 * Host time one MoE layer exposes on one rank per micro-batch (0 for dense models): after the dropless token-count sync the
 * host launches work that grows with the local experts ({@link MOE_HOST_SECONDS_PER_LOCAL_EXPERT} × E/ep) while the GPU
 * runs the expert GEMMs it has been given, so only the launch time beyond the experts' own GPU time shows.
 */
export function expertHostSeconds(ctx: PlanContext, l: Layout, tokensMb: number, gemmFlopsPerSecond: number): number {
  const s = ctx.shape;
  if (!s.isMoe) return 0;
  const t = expertGemmSeconds(ctx, l, tokensMb, gemmFlopsPerSecond);
  return Math.max(0, MOE_HOST_SECONDS_PER_LOCAL_EXPERT * s.experts / l.ep - Math.max(t.flops, t.memory));
}

/**
 * GEMM FLOPs per token per layer (averaged over dense and MoE layers) that recompute modules add: the checkpointed
 * dense MLP (`mlp`) or MoE block with its router (`moe`) runs its forward again, 2 FLOPs per parameter a token passes
 * through. `layernorm` and `core_attn` add no GEMM work (core attention is counted with the attention FLOPs).
 */
export function recomputedModuleFlopsPerLayer(s: ModelShape, modules: ReadonlySet<RecomputeModule>): number {
  const mlp = modules.has(RecomputeModule.MLP) ? (1 - s.moeFraction) * s.denseFfnParams : 0;
  const moe = modules.has(RecomputeModule.MOE) ? s.moeFraction * (s.activeMoeFfnParams + s.hidden * s.experts) : 0;
  const mla = modules.has(RecomputeModule.MLA_UP_PROJ) ? s.mlaUpProjParams : 0;
  return 2 * (mlp + moe + mla);
}

/** Parameters on one GPU of the largest stage (for communication and optimizer traffic). */
function ctxStageParams(ctx: PlanContext, l: Layout): number {
  const s = ctx.shape;
  const layers = Math.ceil(s.layers / l.pp);
  const perLayer = s.attnParamsPerLayer / l.tp + s.normParamsPerLayer + (s.denseLayers / s.layers) * s.denseFfnParams / l.tp
    + s.moeFraction * (s.sharedMoeParams / l.tp + s.routedExpertParams / (l.etp * l.ep));
  const mtp = l.pp === 1 ? s.mtpLayers * (s.mtpDenseParams / l.tp + s.mtpRoutedParams / (l.etp * l.ep)) : 0;
  return layers * perLayer + mtp + (l.pp === 1 ? (s.embeddingParams + s.outputParams) / l.tp : s.embeddingParams / l.tp);
}
