import { usesFp8 } from './bytes-per-parameter';
import { Layout, PlanContext } from './context';
import { ModelShape } from './model-math';
import { peakHeld, PipelineSplit, rankMtp } from './pipeline-schedule';
import { RecomputeMode, RecomputeModule, TrainingPrecision } from './precision';
import { Explanation } from '../private/explanation';

/**
 * Activation memory saved for backward, per transformer layer and per micro-batch, in units of
 * s·b·h bytes (s = sequence on this GPU, b = micro-batch, h = hidden), for the `megatron` profile.
 *
 * Korthikanti et al. 2022, "Reducing Activation Recomputation in Large Transformer Models"
 * (arXiv:2205.05198) §4.1 / Table 2: a GPT layer stores sbh(34 + 5as/h) bytes — attention block
 * 11sbh + 5as²b (QKV input 2, Q and K 4, V 2, projection input 2, dropout mask 1; softmax output 2,
 * its dropout mask 1 and output 2 per score), MLP 19sbh (input 2, GeLU input 8, GeLU output 8, dropout
 * mask 1), two LayerNorm inputs 4sbh. With tensor + sequence parallelism everything is divided by t
 * (their eq. 5); selective recompute drops the 5as/h term (§4.3); full recompute keeps 2sbh per layer.
 *
 * Adjustments stated here (generalising the paper's f = 4h, MHA, dropout GPT):
 * - GQA/MQA/MLA: K and V take 2·(kDim/h) and 2·(vDim/h) instead of 2 each; Q 2·(qDim/h), projection
 *   input 2·(oDim/h).
 * - SwiGLU: FFN input 2, fc1 output (gate and up, 2f wide) 4f/h and activation output 2f/h → 2 + 6f/h
 *   (Megatron-Core fuses gate/up into one fc1 GEMM and saves its output and the SwiGLU output).
 *   GELU: 2 + 4f/h + dropout mask 1 (= 19 at f = 4h).
 * - Dropout masks (1 byte per element) only for GELU/GPT-style models; Llama-style recipes train with
 *   dropout 0. Without dropout the score term is 2as/h (softmax output only) instead of 5as/h.
 * - MoE: FFN activations × (topK + shared experts) plus 2·topK for the permuted token copy.
 * - FP8 (Transformer Engine): the inputs saved only for a GEMM's weight gradient are kept as FP8
 *   casts (1 byte): the QKV input, the fc1 input and the fc2 input, i.e. 1 + 1 + f/h fewer units.
 * - DeepSeek Sparse Attention: the indexer's queries, key and head weights in BF16 (2 · (64·128 + 128 + 64)/h for
 *   DeepSeek-V3.2) and the top-k key indices the sparse kernel's backward reads, int32 (4k/h): 3.5 units for
 *   DeepSeek-V3.2. Its inputs are the query latent and the norm output the MLA keeps anyway. The keys context
 *   parallelism gathers for the selection are not counted.
 * Plans use `withScores: false` for recompute `none` and `selective` alike: the `megatron` profile is Megatron-Core with
 * Transformer Engine, whose fused attention (cuDNN or FlashAttention, the default on Hopper) keeps only the softmax
 * statistics and never materialises the s² scores (Dao et al. 2022 §3.1). The score term is the paper's unfused attention,
 * kept so that its Table 2 can be checked.
 */
export function megatronLayerUnits(s: ModelShape, seqLen: number, withScores: boolean, fp8 = false): number {
  const h = s.hidden;
  const drop = s.swiglu ? 0 : 1;
  const attn = 2 + 2 * (s.qDim / h) + 2 * (s.kDim / h) + 2 * (s.vDim / h) + 2 * (s.oDim / h) + drop;
  const fr = s.ffnPerLayerForActivations / h;
  const mlp = s.swiglu ? 2 + 6 * fr : 2 + 4 * fr + drop;
  const moe = s.moeFraction * 2 * s.topK;
  const norms = 4;
  const scores = withScores ? (drop ? 5 : 2) * s.heads * seqLen / h : 0;
  const fp8Saving = fp8 ? 2 + fr : 0;
  const indexer = s.sparseAttentionTopK > 0 ? (2 * s.indexerSavedValues + 4 * s.sparseAttentionTopK) / h : 0;
  return attn + mlp + moe + norms + scores + indexer - fp8Saving;
}

/**
 * s·b·h units per layer (averaged over dense and MoE layers, as {@link megatronLayerUnits}) that Megatron-Core's
 * `--recompute-modules` stop keeping, in BF16 (megatron/core/transformer/transformer_layer.py and moe/moe_layer.py):
 * - `layernorm` (output-discarding): the outputs of `input_layernorm` and `pre_mlp_layernorm`, 2 + 2, the second only where
 *   the MLP/MoE block is not checkpointed whole (then the checkpoint keeps it as its input);
 * - `mlp` (checkpointed) on dense layers: everything of the MLP but its input, 6f/h for SwiGLU (4f/h + dropout for GELU);
 * - `moe` (checkpointed) on MoE layers: everything of the MoE block but its input, the experts' 6·f·(topK + shared)/h and
 *   the 2·topK permuted token copies;
 * - `mla_up_proj` (output-discarding) on MLA layers: counted as freeing nothing (its time is counted, step-time.ts). Which of
 *   the up-projected query, key and value (and the views and concatenations RoPE makes of them) the checkpoint releases is
 *   not settled from the code: 27–46 GB on NVIDIA's DeepSeek-V3 configuration, against the 30.4 GB NVIDIA measured
 *   (arXiv:2603.07685 Table 4), so the plan keeps them all, overstating memory.
 * In FP8 plans the tensors freed are counted as FP8 keeps them ({@link megatronLayerUnits}): the fc2 input of the dense MLP
 * and of the experts is a one-byte cast, so `mlp` and `moe` free 5f/h per SwiGLU width instead of 6; `layernorm` is not modelled in FP8 (its outputs are the inputs of FP8 GEMMs, whose
 * casts Transformer Engine keeps or drops by module, unmeasured here).
 * `core_attn` frees nothing here: the score matrices are already left out (Transformer Engine's fused attention).
 * Checked against NVIDIA's DeepSeek-V3 figure for LayerNorm (arXiv:2603.07685 Table 4) in test/planning/training/mtp.test.ts.
 */
export function recomputedModuleUnits(s: ModelShape, modules: ReadonlySet<RecomputeModule>, fp8 = false): number {
  const h = s.hidden;
  const dense = 1 - s.moeFraction;
  const perWidth = s.swiglu ? 6 : 4;
  const denseWidth = s.denseFfnParams / ((s.swiglu ? 3 : 2) * h);
  const moeWidth = s.activeMoeFfnParams / ((s.swiglu ? 3 : 2) * h);
  const mlp = modules.has(RecomputeModule.MLP);
  const moe = modules.has(RecomputeModule.MOE);
  let units = 0;
  if (modules.has(RecomputeModule.LAYERNORM)) units += 2 + 2 * (dense * (mlp ? 0 : 1) + s.moeFraction * (moe ? 0 : 1));
  if (mlp) units += dense * ((perWidth - (fp8 ? 1 : 0)) * denseWidth / h + (s.swiglu ? 0 : 1));
  if (moe) units += s.moeFraction * ((perWidth - (fp8 ? 1 : 0)) * moeWidth / h + 2 * s.topK);
  return units;
}

/**
 * Saved tensors of one Llama-style block in eager PyTorch with SDPA/flash attention (the `fsdp`/`hf`
 * profile), in units of s·b·h bytes, for bf16 weights. Read from Hugging Face Transformers
 * `src/transformers/models/llama/modeling_llama.py` (LlamaRMSNorm, LlamaAttention with
 * `sdpa_attention_forward`, LlamaMLP):
 * - each RMSNorm upcasts to fp32 and autograd saves the fp32 input of `pow` (4) and the bf16 normalised
 *   tensor multiplied by the weight (2): 6 per norm, 12 for two;
 * - attention: rotary Q (2·qDim/h), K and V after `repeat_kv` to all query heads (2·qDim/h each), the
 *   SDPA output (2·oDim/h) and the contiguous copy fed to `o_proj` (2·oDim/h): 10 for MHA;
 * - SwiGLU MLP: gate output, SiLU output, up output and their product (input of `down_proj`): 8f/h;
 *   GELU MLP: fc output and GELU output: 4f/h.
 * SDPA's flash/efficient kernels keep only the log-sum-exp per row, so there is no s² term and
 * `selective` equals `none` in this profile.
 *
 * Measured on one H100 (bench/gpu/measure_training.py, transformers 5.17, torch 2.11; fixture
 * test/planning/training/fixtures/h100-hf-training.json): bytes saved by the forward pass less the loss head
 * give 53.6 units for Llama 3.2 1B (formula 54.0), 43.0 for 3B (43.3), 49.3 for Llama 3.1 8B (50.0) and
 * 45.8 for Llama 2 7B (43.5).
 */
export function eagerLayerUnits(s: ModelShape): number {
  const h = s.hidden;
  const norms = 12;
  const attn = 2 * (s.qDim / h) * 3 + 2 * (s.oDim / h) * 2;
  const fr = s.ffnPerLayerForActivations / h;
  const mlp = s.swiglu ? 8 * fr : 4 * fr;
  const moe = s.moeFraction * 2 * s.topK;
  return norms + attn + mlp + moe;
}

/**
 * Extra s·b·h units per layer under `fp32-amp` (fp32 weights, bf16 autocast) in the eager profile: the
 * residual stream stays fp32, so both RMSNorms keep an fp32 normalised tensor (+2 each), and autocast casts
 * the fp32 norm output separately for each of q/k/v_proj (+4) and gate/up_proj (+2). Measured: +10.1 units on
 * Llama 3.2 1B at s = 2048 and 16384, +10.1 on 3B (H100 fixture above).
 */
export const EAGER_FP32_AMP_EXTRA_UNITS = 10;

/**
 * Loss-head bytes per token·vocabulary entry in the eager profile (Hugging Face `ForCausalLMLoss`: bf16
 * logits, `logits.float()`, `cross_entropy` = `log_softmax` + `nll_loss`):
 * - kept for backward: the fp32 `log_softmax` output, 4;
 * - at the end of the forward: bf16 logits 2 + fp32 upcast 4 + `log_softmax` output 4 = 10;
 * - in the backward of `log_softmax`: its output 4 + the fp32 gradient coming in 4 + the gradient going out 4 = 12.
 * Measured peaks on one H100 (fixture above) leave 11.6–12.2·s·b·V bytes for the head once weights,
 * optimizer states and layer activations are taken off. At V = 128,256 the head is 12 × 8192 × 128,256 B =
 * 12.6 GB per sequence of 8192 tokens.
 */
export const EAGER_LOGITS_BYTES = { kept: 4, forward: 10, backward: 12 } as const;

/**
 * Activations one multi-token-prediction module keeps beyond those of its decoder layer, in s·b·h units: the inputs of
 * `enorm` and `hnorm` (2 + 2), the 2h-wide input of `eh_proj` (4) and the input of its final norm (2) (DeepSeek-V3
 * technical report, arXiv:2412.19437 §2.2 eq. 21; Megatron-Core `MultiTokenPredictionLayer`).
 */
export const MTP_EXTRA_UNITS = 10;

/**
 * Megatron's vocabulary-parallel cross-entropy keeps fp32 logits: 4·s·b·V/t bytes on the last stage
 * (Korthikanti et al. 2022 §4.2, "output layer and loss").
 */
export const MEGATRON_LOGITS_BYTES_PER_TOKEN_VOCAB = 4;

/** Activation memory of the eager (`hf`/`fsdp`) profile, whole model on one GPU, in bytes. */
export interface EagerActivations {
  /** Kept from forward to backward: every layer's saved tensors, or only each layer's input under checkpointing. */
  readonly layers: number;
  /** One layer re-materialised during its own backward (gradient checkpointing), else 0. */
  readonly working: number;
  /** Final norm and loss head at the end of the forward pass. */
  readonly headForward: number;
  /** Final norm and loss head during the backward of `log_softmax`. */
  readonly headBackward: number;
}

/**
 * Activations of the eager profile (tp = pp = cp = 1), each term measured on one H100 (see
 * {@link eagerLayerUnits}, {@link EAGER_FP32_AMP_EXTRA_UNITS}, {@link EAGER_LOGITS_BYTES}).
 * Gradient checkpointing (`gradient_checkpointing_enable`, one checkpoint per decoder layer) keeps each layer's
 * input: 2·s·b·h bytes in bf16, 4·s·b·h under `fp32-amp` (fp32 residual stream). The final norm keeps
 * 8·s·b·h (fp32 input 4, normalised 2, output 2), 10 under `fp32-amp`.
 */
export function eagerActivations(ctx: PlanContext, l: Layout, ex?: Explanation): EagerActivations {
  const s = ctx.shape;
  const amp = ctx.precision === TrainingPrecision.FP32_AMP;
  const sbh = ctx.seqLen * l.microBatch * s.hidden;
  const tokens = ctx.seqLen * l.microBatch;
  const units = eagerLayerUnits(s) + (amp ? EAGER_FP32_AMP_EXTRA_UNITS : 0);
  const checkpointed = ctx.recompute === RecomputeMode.FULL;
  const residual = amp ? 4 : 2;
  const perLayer = (checkpointed ? residual : units) * sbh;
  const finalNorm = (amp ? 10 : 8) * sbh;
  const acts: EagerActivations = {
    layers: s.layers * perLayer,
    working: checkpointed ? units * sbh : 0,
    headForward: EAGER_LOGITS_BYTES.forward * tokens * s.vocab + finalNorm,
    headBackward: EAGER_LOGITS_BYTES.backward * tokens * s.vocab + finalNorm,
  };
  if (ex) {
    ex.add('activation bytes per layer', perLayer, 'bytes',
      checkpointed ? `gradient checkpointing keeps the layer input, ${residual}·s·b·h; s=${ctx.seqLen}, b=${l.microBatch}, h=${s.hidden}`
        : `${units.toFixed(1)}·s·b·h (eager PyTorch saved tensors with SDPA${amp ? `, + ${EAGER_FP32_AMP_EXTRA_UNITS} for the fp32 residual stream` : ''}); s=${ctx.seqLen}, b=${l.microBatch}, h=${s.hidden}`,
      'HF transformers modeling_llama.py saved tensors; measured on H100 (bench/gpu/measure_training.py)');
    ex.add('loss head in backward', acts.headBackward, 'bytes',
      `${EAGER_LOGITS_BYTES.backward}·s·b·V (fp32 log-softmax output + incoming and outgoing fp32 gradients), V=${s.vocab}, + final norm`, 'measured on H100');
  }
  return acts;
}

/**
 * Activation bytes on one GPU of pipeline rank `rank`, `megatron` profile: the per-layer bytes times the layers ×
 * micro-batches the rank holds at its peak under Megatron-Core's schedule ({@link peakHeld}), plus the recompute
 * working layer, the fp32 logits on the last rank and, for dropout models, the embedding's dropout mask on the first.
 * Context parallelism divides the sequence (and so every term) by cp.
 */
export function activationBytes(ctx: PlanContext, l: Layout, split: PipelineSplit, rank: number, ex?: Explanation): number {
  const s = ctx.shape;
  const seqLocal = ctx.seqLen / l.cp;
  const sbh = seqLocal * l.microBatch * s.hidden;
  const held = peakHeld(split, rank, l.gradientAccumulation);
  const fp8 = usesFp8(ctx.precision);
  const sel = megatronLayerUnits(s, ctx.seqLen, false, fp8);
  let perLayer: number; let working = 0; let formula: string;
  if (ctx.recompute === RecomputeMode.FULL) {
    perLayer = 2 * sbh / l.tp;
    working = sel * sbh / l.tp;
    formula = `full recompute: 2·s·b·h/t per layer + one layer re-materialised (${sel.toFixed(1)}·s·b·h/t)`;
  } else {
    const freed = ctx.recomputeModules ? recomputedModuleUnits(s, ctx.recomputeModules, usesFp8(ctx.precision)) : 0;
    const units = sel - freed;
    perLayer = units * sbh / l.tp;
    const modules = ctx.recomputeModules ? `recompute modules ${[...ctx.recomputeModules].join(', ')}: ${sel.toFixed(1)} − ${freed.toFixed(1)} not kept` : '';
    formula = `${units.toFixed(1)}·s·b·h/t per layer (${modules || 'fused attention keeps no s² scores'}${ctx.recompute === RecomputeMode.SELECTIVE && !modules ? '; selective recomputes the attention core, which frees nothing more' : ''})`;
  }
  const tokens = seqLocal * l.microBatch;
  const last = rank === l.pp - 1;
  // Each multi-token-prediction module computes its own loss over the vocabulary on the last rank.
  const mtp = rankMtp(split, rank);
  const head = last ? (1 + mtp) * MEGATRON_LOGITS_BYTES_PER_TOKEN_VOCAB * tokens * s.vocab / l.tp + 2 * sbh / l.tp : 0;
  const mtpExtra = mtp * MTP_EXTRA_UNITS * sbh / l.tp * (ctx.recompute === RecomputeMode.FULL ? 0 : held.lastChunkMicroBatches);
  const embedMask = !s.swiglu && rank === 0 ? sbh / l.tp * held.firstChunkMicroBatches : 0;
  const total = held.layerMicroBatches * perLayer + working + head + mtpExtra + embedMask;
  if (ex) {
    ex.add('activation bytes per layer per micro-batch', perLayer, 'bytes',
      `${formula}; s=${seqLocal} (seq ${ctx.seqLen}/cp ${l.cp}), b=${l.microBatch}, h=${s.hidden}, t=${l.tp}`,
      'Korthikanti et al. 2022 (arXiv:2205.05198) §4, Table 2');
    ex.add('layers × micro-batches held at the peak', held.layerMicroBatches, '',
      `pipeline rank ${rank} of ${l.pp}${split.vp > 1 ? `, ${split.vp} chunks` : ''}, ${l.gradientAccumulation} micro-batches: Megatron-Core ${split.vp > 1 ? 'interleaved ' : ''}1F1B warm-up forwards + 1`,
      'Narayanan et al. 2021 §2.2; Korthikanti et al. 2022 §4.2.3; megatron/core/pipeline_parallel/schedules.py');
    ex.add('activations per GPU', total, 'bytes', `layers × micro-batches held × per-layer${working ? ' + recompute working layer' : ''}${head ? ` + fp32 logits 4·s·b·V/t${mtp ? ` × ${1 + mtp} (main and MTP losses)` : ''} + final norm` : ''}${mtpExtra ? ` + MTP projection inputs and norms ${MTP_EXTRA_UNITS}·s·b·h/t per module per micro-batch held` : ''}${embedMask ? ' + embedding dropout masks' : ''}`);
  }
  return total;
}
