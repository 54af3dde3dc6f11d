import { activationBytes, eagerActivations } from './activations';
import { BytesPerParameter } from './bytes-per-parameter';
import { Layout, PlanContext } from './context';
import { PipelineSplit, pipelineSplit, rankLayers, rankMoeLayers, rankMtp, ranksToCheck } from './pipeline-schedule';
import { RecomputeMode, TrainingFramework, TrainingPrecision } from './precision';
import { Explanation } from '../private/explanation';

/**
 * Device memory outside PyTorch's allocator: the CUDA context, cuBLAS/cuDNN handles and loaded kernels.
 * Measured on one H100 80GB (driver 580.159.04, CUDA 13, torch 2.11; bench/gpu/measure_training.py): device
 * memory in use (cudaMemGetInfo) minus `torch.cuda.memory_reserved()` after training steps was 804,061,184 B
 * = 0.749 GiB in all 29 runs that fit. NCCL communicator buffers of multi-GPU runs are not in it; the
 * memory reserve covers them.
 */
export const CUDA_CONTEXT_BYTES = 0.75 * 2 ** 30;

/**
 * Device memory outside PyTorch's allocator that one NCCL communicator adds: measured 0.55 GiB on one H100
 * (FSDP2 in a one-rank NCCL group: 1.30 GiB in use outside PyTorch against 0.75 GiB without the group, 7 runs;
 * NCCL 2 from the torch 2.11 wheel, default NCCL_BUFFSIZE). Larger groups add buffers per peer and channel;
 * the multi-GPU memory reserve covers those.
 */
export const NCCL_COMMUNICATOR_BYTES = 0.55 * 2 ** 30;

/**
 * Default fraction of device memory kept free when the job spans several GPUs: NCCL communicator and
 * all-gather/reduce-scatter bucket buffers come and go, and long runs fragment the caching allocator
 * (reserved minus allocated is commonly 5–10%, `torch.cuda.memory_stats`). An estimate: no multi-GPU run was
 * measured.
 */
export const DEFAULT_MEMORY_RESERVE_FRACTION = 0.08;

/**
 * Default fraction of device memory kept free on a single GPU, measured on one H100 80GB with
 * `PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True` (which AiTrainingCluster sets): of 55 runs near the
 * limit and below it, the largest that fitted was predicted at 79.25 GiB (measured 78.70 GiB allocated + CUDA
 * context) and the smallest that ran out of memory at 79.54 GiB, of 79.65 GiB (81,559 MiB; CUDA itself reports
 * 81,080 MiB). 0.3% puts the limit at 79.41 GiB, between the two. With PyTorch's default allocator one run
 * predicted at 66.6 GiB failed after stranding 17.3 GiB in partly used segments, so no reserve is safe there.
 * Fixture: test/planning/training/fixtures/h100-hf-training.json.
 */
export const SINGLE_GPU_MEMORY_RESERVE_FRACTION = 0.003;

/** The memory reserve of a layout: the caller's, else by GPU count. */
export function memoryReserveFor(ctx: PlanContext, l: Layout): number {
  if (ctx.memoryReserveFraction !== undefined) return ctx.memoryReserveFraction;
  return l.tp * l.pp * l.cp * l.dp === 1 ? SINGLE_GPU_MEMORY_RESERVE_FRACTION : DEFAULT_MEMORY_RESERVE_FRACTION;
}

/** Per-GPU memory of the worst pipeline stage, in bytes (internal). */
export interface StageMemory {
  /** Pipeline rank (0 … pp−1) this is the memory of. */
  readonly rank: number;
  readonly weightsBytes: number;
  readonly gradientsBytes: number;
  readonly optimizerBytes: number;
  readonly activationsBytes: number;
  /** CUDA context, ZeRO-3 gather buffers, autocast weight cache. */
  readonly overheadBytes: number;
  readonly peakBytesPerGpu: number;
  /** Device memory the plan may use: memoryBytes × (1 − reserve). */
  readonly usableBytes: number;
  readonly fits: boolean;
}

/** Parameters held by one GPU of a stage, split into data-parallel-replicated and expert-parallel parts. */
interface StageParams { readonly dense: number; readonly expert: number; readonly layerDense: number; readonly layerExpert: number }

/** The layer split of a layout (plain 1F1B when pp = 1), multi-token-prediction modules on the last rank. */
export function splitOf(ctx: PlanContext, l: Layout): PipelineSplit {
  return pipelineSplit(ctx.shape.layers, l.pp, l.pp > 1 ? l.vp : 1, ctx.shape.mtpLayers);
}

/**
 * Parameters one GPU of pipeline rank `rank` holds after tensor/pipeline/expert sharding.
 *
 * Layers are split over the ranks as {@link pipelineSplit} says; an MoE model's leading dense layers are counted where
 * they fall. Attention and FFN matrices are split over `tp` (Shoeybi et al. 2019, arXiv:1909.08053 §3); norms are
 * replicated. The embedding (vocab-parallel over `tp`) sits on the first rank and the output projection and final norm
 * on the last; with tied embeddings and pp > 1 the last rank keeps its own copy (Megatron `share_embeddings_and_output_weights`).
 * Multi-token-prediction modules sit on the last rank, which then also keeps a copy of the embedding ("MTP need both
 * embedding layer and output layer", Megatron-Core megatron/core/models/gpt/gpt_model.py `mtp_process`). Routed experts
 * are split over `etp × ep`.
 */
function stageParams(ctx: PlanContext, l: Layout, split: PipelineSplit, rank: number): StageParams {
  const s = ctx.shape;
  const layers = rankLayers(split, rank);
  const moeLayers = s.isMoe ? rankMoeLayers(split, rank, s.leadingDenseLayers, s.moeLayerInterval) : 0;
  const common = s.attnParamsPerLayer / l.tp + s.normParamsPerLayer;
  const moeDense = s.sharedMoeParams / l.tp;
  const moeExpert = s.routedExpertParams / (l.etp * l.ep);
  const denseLayer = common + s.denseFfnParams / l.tp;
  const mtp = rankMtp(split, rank);
  let dense = (layers - moeLayers) * denseLayer + moeLayers * (common + moeDense) + mtp * s.mtpDenseParams / l.tp;
  const expert = moeLayers * moeExpert + mtp * s.mtpRoutedParams / (l.etp * l.ep);
  const first = rank === 0;
  const last = rank === l.pp - 1;
  // With tied embeddings the last rank's copy already serves both the head and the MTP modules (Megatron-Core stores the
  // shared weight once, in its embedding).
  if (first || (mtp > 0 && l.pp > 1 && s.outputParams > 0)) dense += s.embeddingParams / l.tp;
  if (last && (!first || s.outputParams > 0)) dense += (s.outputParams > 0 ? s.outputParams : s.embeddingParams) / l.tp;
  if (last) dense += s.hidden;
  const layerDense = s.isMoe ? common + moeDense : denseLayer;
  return { dense, expert, layerDense, layerExpert: s.isMoe ? moeExpert : 0 };
}

/**
 * Weights, gradients and optimizer states of one GPU under ZeRO (Rajbhandari et al. 2020, §5):
 * stage 1 partitions optimizer states, stage 2 also gradients, stage 3 also parameters, each over the
 * data-parallel group. With context parallelism the group is dp × cp (Megatron's distributed
 * optimizer shards over the combined data+context group); expert parameters shard over the expert data-parallel
 * group, tp × cp × dp / (etp × ep).
 */
export function modelStateBytes(ctx: PlanContext, l: Layout, split: PipelineSplit, rank: number): {
  weights: number; gradients: number; optimizer: number; stepGradientCopy: number; params: number; layerParams: number;
} {
  const p = stageParams(ctx, l, split, rank);
  const zDense = l.dp * l.cp;
  const zExpert = Math.max(1, (l.tp * l.cp * l.dp) / (l.etp * l.ep));
  const shard = (bytes: number, from: number): number =>
    ctx.zeroStage >= from ? p.dense * bytes / zDense + p.expert * bytes / zExpert : (p.dense + p.expert) * bytes;
  return {
    weights: shard(ctx.bytes.weights, 3),
    gradients: shard(ctx.bytes.gradients, 2),
    optimizer: shard(ctx.bytes.optimizer, 1),
    stepGradientCopy: shard(ctx.bytes.stepGradientCopy, 1),
    params: p.dense + p.expert,
    layerParams: p.layerDense + p.layerExpert,
  };
}

/**
 * Model-state bytes per GPU for `params` parameters replicated over a data-parallel group of `group`
 * ranks under ZeRO stage `zeroStage` (Rajbhandari et al. 2020, Figure 1 and §5): with K bytes of
 * optimizer state per parameter, stage 0 keeps (w + g + K)Ψ, stage 1 (w + g + K/N)Ψ, stage 2
 * (w + (g + K)/N)Ψ, stage 3 (w + g + K)Ψ/N.
 */
export function zeroPartitionedBytes(params: number, bytes: BytesPerParameter, group: number, zeroStage: number): {
  weights: number; gradients: number; optimizer: number; total: number;
} {
  const weights = params * bytes.weights / (zeroStage >= 3 ? group : 1);
  const gradients = params * bytes.gradients / (zeroStage >= 2 ? group : 1);
  const optimizer = params * bytes.optimizer / (zeroStage >= 1 ? group : 1);
  return { weights, gradients, optimizer, total: weights + gradients + optimizer };
}

/** Memory of one pipeline rank of a layout. */
export function stageMemory(ctx: PlanContext, l: Layout, rank: number, ex?: Explanation): StageMemory {
  if (ctx.framework !== TrainingFramework.MEGATRON) return eagerMemory(ctx, l, ex);
  const split = splitOf(ctx, l);
  const st = modelStateBytes(ctx, l, split, rank);
  const act = activationBytes(ctx, l, split, rank, ex);
  const zero3Gather = ctx.zeroStage >= 3 ? 2 * st.layerParams * ctx.bytes.weights : 0;
  const autocastCache = ctx.precision === TrainingPrecision.FP32_AMP
    ? (ctx.zeroStage >= 3 ? 2 * st.layerParams : st.params) * 2 : 0;
  const overhead = CUDA_CONTEXT_BYTES + zero3Gather + autocastCache;
  // The optimizer step's fp32 gradient copy (bf16 buffer) comes after the last backward has freed the activations.
  const peak = st.weights + st.gradients + st.optimizer + Math.max(act, st.stepGradientCopy) + overhead;
  const reserve = memoryReserveFor(ctx, l);
  const usable = ctx.gpu.memoryBytes * (1 - reserve);
  if (ex) {
    const w = ctx.bytes;
    const z = `dp×cp = ${l.dp * l.cp}`;
    const mtp = rankMtp(split, rank);
    const ends = [rank === 0 || (mtp > 0 && l.pp > 1 && ctx.shape.outputParams > 0) ? 'embedding' : '', rank === l.pp - 1 ? 'output layer' : ''].filter(Boolean).join(' + ');
    const moe = ctx.shape.isMoe ? ` (${rankMoeLayers(split, rank, ctx.shape.leadingDenseLayers, ctx.shape.moeLayerInterval)} MoE; experts / etp·ep=${l.etp * l.ep})` : '';
    ex.add(`parameters on one GPU (pipeline rank ${rank} of ${l.pp})`, st.params, 'parameters',
      `${rankLayers(split, rank)} of ${ctx.shape.layers} layers${moe} (${split.method} split)${mtp ? ` + ${mtp} MTP module${mtp > 1 ? 's' : ''}` : ''} of matrices / tp=${l.tp}${ends ? ` + ${ends} / tp` : ''}`,
      'Shoeybi et al. 2019 §3; Narayanan et al. 2021 §2.2; Megatron-Core pipeline split');
    ex.add('weights per GPU', st.weights, 'bytes', `params × ${w.weights} B${ctx.zeroStage >= 3 ? ` / ${z} (ZeRO-3)` : ''}`, 'Rajbhandari et al. 2020 §3.1, §5');
    ex.add('gradients per GPU', st.gradients, 'bytes', `params × ${w.gradients} B${ctx.zeroStage >= 2 ? ` / ${z} (ZeRO-2)` : ''}`, 'Rajbhandari et al. 2020 §5.2');
    ex.add('optimizer states per GPU', st.optimizer, 'bytes', `params × ${w.optimizer} B${ctx.zeroStage >= 1 ? ` / ${z} (ZeRO-1)` : ''}; ${w.formula}`, 'Rajbhandari et al. 2020 §3.1, §5.1');
    ex.add('overhead per GPU', overhead, 'bytes',
      `CUDA context ${(CUDA_CONTEXT_BYTES / 2 ** 30).toFixed(2)} GiB (estimate)${zero3Gather ? ' + ZeRO-3 prefetch of 2 layers' : ''}${autocastCache ? ' + autocast bf16 weight cache' : ''}`);
    ex.add('peak memory per GPU', peak, 'bytes', `weights + gradients + optimizer + ${st.stepGradientCopy > act ? 'the optimizer step\'s fp32 gradient copy (more than the activations, which are freed by then)' : 'activations'} + overhead`);
    ex.add('usable memory per GPU', usable, 'bytes', `${ctx.gpu.id} memoryBytes × (1 − reserve ${reserve}) for allocator fragmentation and NCCL buffers`);
  }
  return {
    rank,
    weightsBytes: st.weights,
    gradientsBytes: st.gradients,
    optimizerBytes: st.optimizer,
    activationsBytes: act,
    overheadBytes: overhead,
    peakBytesPerGpu: peak,
    usableBytes: usable,
    fits: peak <= usable,
  };
}

/**
 * Memory of the eager (`hf`/`fsdp`) profile, where the whole model sits on each GPU (tp = pp = cp = 1). Gradients
 * are created while the backward pass frees activations, so the peak is the largest of three moments, each on
 * top of weights, optimizer states and the CUDA context:
 * - end of forward: layer activations + loss head (10·s·b·V) + the autocast cache of bf16 weight copies (fp32-amp);
 * - start of backward: layer activations + loss head (12·s·b·V) + the bf16 weight copies still saved for
 *   backward (all without checkpointing, the output layer's with it); the output layer's gradient comes after the
 *   head's fp32 buffers are freed;
 * - end of backward: all gradients + the layer re-materialised by checkpointing.
 * With gradient accumulation the first micro-batch's gradients live through the later ones, so they are counted at
 * every moment; so they are with more than one data-parallel rank, where DDP (hf profile, no ZeRO) also keeps a
 * bucket copy of every gradient. ZeRO's reduce buffers are not counted (not measured).
 * Measured on one H100 (fixture test/planning/training/fixtures/h100-hf-training.json): the prediction is within
 * 10% of the peak allocated bytes + CUDA context in every run of four Llama models, two precisions and two
 * recompute settings (test/planning/training/h100-calibration.test.ts).
 */
function eagerMemory(ctx: PlanContext, l: Layout, ex?: Explanation): StageMemory {
  const st = modelStateBytes(ctx, l, splitOf(ctx, l), 0);
  const acts = eagerActivations(ctx, l, ex);
  const s = ctx.shape;
  const amp = ctx.precision === TrainingPrecision.FP32_AMP;
  const persistentGrads = l.dp * l.cp > 1 || l.gradientAccumulation > 1 ? st.gradients : 0;
  const zero3Gather = ctx.zeroStage >= 3 ? 2 * st.layerParams * ctx.bytes.weights : 0;
  // Autocast keeps a bf16 copy of every weight it casts until the autocast region exits; the copies a matmul
  // saves for backward live until that matmul's backward. Under ZeRO-3/FSDP the gathered full-size weights are
  // cast too, and their bf16 copies outlive the reshard (measured with FSDP2 on H100).
  const castParams = st.params - (s.outputParams > 0 ? s.embeddingParams : 0);
  const outputCast = s.vocab * s.hidden;
  const castAll = amp ? 2 * castParams : 0;
  const castSaved = !amp ? 0 : ctx.recompute === RecomputeMode.FULL ? 2 * outputCast : castAll;
  const workingCast = amp && acts.working > 0 ? 2 * st.layerParams : 0;
  const moments = [
    { name: 'end of forward', act: acts.layers + acts.headForward, cast: castAll, grads: persistentGrads },
    { name: 'start of backward', act: acts.layers + acts.headBackward, cast: castSaved, grads: persistentGrads },
    { name: 'end of backward', act: acts.working, cast: workingCast, grads: st.gradients },
  ];
  const total = (m: typeof moments[number]): number => m.act + m.cast + m.grads;
  const worst = moments.reduce((a, b) => (total(b) > total(a) ? b : a));
  const nccl = l.dp * l.cp > 1 || ctx.framework === TrainingFramework.FSDP ? NCCL_COMMUNICATOR_BYTES : 0;
  // PyTorch DDP (the hf profile without ZeRO on several ranks) copies every gradient into its all-reduce buckets, which
  // live for the whole run: a second full set of gradients unless `gradient_as_bucket_view=True` (off by default; PyTorch
  // PR #41954: "peak memory dropped ~1GB" on a ~1 GB-gradient RoBERTa when on).
  const ddpBuckets = ctx.framework === TrainingFramework.HF && ctx.zeroStage === 0 && l.dp * l.cp > 1 ? st.gradients : 0;
  const overhead = CUDA_CONTEXT_BYTES + nccl + zero3Gather + worst.cast + ddpBuckets;
  const peak = st.weights + st.optimizer + overhead + worst.act + worst.grads;
  const reserve = memoryReserveFor(ctx, l);
  const usable = ctx.gpu.memoryBytes * (1 - reserve);
  if (ex) {
    ex.add('parameters on one GPU', st.params, 'parameters', 'whole model (eager profile: no tensor or pipeline parallelism)');
    ex.add('weights per GPU', st.weights, 'bytes', `params × ${ctx.bytes.weights} B${ctx.zeroStage >= 3 ? ` / dp ${l.dp} (ZeRO-3)` : ''}`, 'Rajbhandari et al. 2020 §3.1, §5');
    ex.add('gradients per GPU', st.gradients, 'bytes', `params × ${ctx.bytes.gradients} B${ctx.zeroStage >= 2 ? ` / dp ${l.dp} (ZeRO-2)` : ''}`, 'Rajbhandari et al. 2020 §5.2');
    ex.add('optimizer states per GPU', st.optimizer, 'bytes', `params × ${ctx.bytes.optimizer} B${ctx.zeroStage >= 1 ? ` / dp ${l.dp} (ZeRO-1)` : ''}; ${ctx.bytes.formula}`, 'Rajbhandari et al. 2020 §3.1, §5.1');
    ex.add('peak moment', moments.indexOf(worst), '', `${worst.name} (0 = end of forward, 1 = start of backward, 2 = end of backward), the largest of the three`);
    ex.add('peak memory per GPU', peak, 'bytes', `weights + optimizer + CUDA context ${(CUDA_CONTEXT_BYTES / 2 ** 30).toFixed(2)} GiB${nccl ? ' + NCCL communicator 0.55 GiB' : ''}${ddpBuckets ? ' + DDP all-reduce buckets (a copy of the gradients)' : ''}${zero3Gather ? ' + ZeRO-3 prefetch of 2 layers' : ''} + activations${worst.cast ? ', bf16 weight copies' : ''} and gradients alive at the ${worst.name}`, 'measured on H100 (bench/gpu/measure_training.py)');
    ex.add('usable memory per GPU', usable, 'bytes', `${ctx.gpu.id} memoryBytes × (1 − reserve ${reserve})${l.dp * l.cp === 1 ? ', measured on one H100 with expandable segments' : ''}`);
  }
  return {
    rank: 0,
    weightsBytes: st.weights,
    gradientsBytes: st.gradients,
    optimizerBytes: st.optimizer,
    activationsBytes: worst.act,
    overheadBytes: overhead,
    peakBytesPerGpu: peak,
    usableBytes: usable,
    fits: peak <= usable,
  };
}

/** The pipeline rank with the highest peak: of the first (embedding, most micro-batches in flight), the second and the last (output layer and loss). */
export function worstStageMemory(ctx: PlanContext, l: Layout, ex?: Explanation): StageMemory {
  let worst: StageMemory | undefined;
  for (const rank of ranksToCheck(l.pp)) {
    const m = stageMemory(ctx, l, rank);
    if (!worst || m.peakBytesPerGpu > worst.peakBytesPerGpu) worst = m;
  }
  const w = worst as StageMemory;
  return ex ? stageMemory(ctx, l, w.rank, ex) : w;
}

/** Model-state bytes alone (no activations) of the worst rank: a lower bound used to prune the search. */
export function staticLowerBoundBytes(ctx: PlanContext, l: Layout): number {
  const split = splitOf(ctx, l);
  let worst = 0;
  for (const rank of ranksToCheck(l.pp)) {
    const st = modelStateBytes(ctx, l, split, rank);
    worst = Math.max(worst, st.weights + st.gradients + st.optimizer);
  }
  return worst + CUDA_CONTEXT_BYTES;
}
