import { usesFp8 } from './bytes-per-parameter';
import { Layout, PlanContext } from './context';
import { ModelShape } from './model-math';
import { RecomputeMode, TrainingFramework } from './precision';
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
  return attn + mlp + moe + norms + scores - fp8Saving;
}

/**
 * Saved tensors of one Llama-style block in eager PyTorch with bf16 autocast and SDPA/flash attention
 * (the `fsdp`/`hf` profile), in units of s·b·h bytes. Read from Hugging Face Transformers
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
 * Bytes per element·vocab of the loss head in the eager profile: bf16 logits (2) + the fp32 upcast
 * `logits.float()` (4) + `log_softmax` output saved by `cross_entropy` (4) + the fp32 gradient of the
 * logits materialised in backward while the saved tensors are still alive (4) = 14·s·b·V bytes.
 * Source: Hugging Face Transformers `LlamaForCausalLM.forward` (upcast before the loss) and
 * `torch.nn.functional.cross_entropy` = `log_softmax` + `nll_loss`. At V = 128,256 this term dominates:
 * 14 × 8192 × 128,256 B = 14.7 GB per sequence of 8192 tokens.
 */
export const EAGER_LOGITS_BYTES_PER_TOKEN_VOCAB = 14;

/**
 * Megatron's vocabulary-parallel cross-entropy keeps fp32 logits: 4·s·b·V/t bytes on the last stage
 * (Korthikanti et al. 2022 §4.2, "output layer and loss").
 */
export const MEGATRON_LOGITS_BYTES_PER_TOKEN_VOCAB = 4;

/**
 * Activation bytes on one GPU of the given stage for `inFlight` micro-batches.
 * Context parallelism divides the sequence (and so every term) by cp.
 */
export function activationBytes(ctx: PlanContext, l: Layout, stage: 'first' | 'last' | 'only', inFlight: number, ex?: Explanation): number {
  const s = ctx.shape;
  const seqLocal = ctx.seqLen / l.cp;
  const sbh = seqLocal * l.microBatch * s.hidden;
  const layers = Math.ceil(s.layers / l.pp);
  const megatron = ctx.framework === TrainingFramework.MEGATRON;
  let perLayer: number; let working = 0; let formula: string;
  if (megatron) {
    const fp8 = usesFp8(ctx.precision);
    const full = megatronLayerUnits(s, ctx.seqLen, true, fp8);
    const sel = megatronLayerUnits(s, ctx.seqLen, false, fp8);
    if (ctx.recompute === RecomputeMode.FULL) {
      perLayer = 2 * sbh / l.tp;
      working = sel * sbh / l.tp;
      formula = `full recompute: 2·s·b·h/t per layer + one layer re-materialised (${sel.toFixed(1)}·s·b·h/t)`;
    } else {
      const units = ctx.recompute === RecomputeMode.NONE ? full : sel;
      perLayer = units * sbh / l.tp;
      formula = `${units.toFixed(1)}·s·b·h/t per layer (${ctx.recompute === RecomputeMode.NONE ? `${sel.toFixed(1)} + ${(full - sel).toFixed(1)} for attention scores` : 'selective: no attention scores'})`;
    }
  } else {
    const units = eagerLayerUnits(s);
    if (ctx.recompute === RecomputeMode.FULL) {
      perLayer = 2 * sbh;
      working = units * sbh;
      formula = `gradient checkpointing: 2·s·b·h per layer + one layer re-materialised (${units.toFixed(1)}·s·b·h)`;
    } else {
      perLayer = units * sbh;
      formula = `${units.toFixed(1)}·s·b·h per layer (eager PyTorch saved tensors, SDPA)`;
    }
  }
  let head = 0;
  let headText = '';
  const tokens = seqLocal * l.microBatch;
  if (stage !== 'first') {
    if (megatron) {
      head = MEGATRON_LOGITS_BYTES_PER_TOKEN_VOCAB * tokens * s.vocab / l.tp + 2 * sbh / l.tp;
      headText = ' + fp32 logits 4·s·b·V/t + final norm';
    } else {
      head = EAGER_LOGITS_BYTES_PER_TOKEN_VOCAB * tokens * s.vocab + 6 * sbh;
      headText = ' + logits/loss 14·s·b·V (bf16 + fp32 upcast + log-softmax + gradient) + final norm';
    }
  }
  const embedMask = megatron && !s.swiglu && stage !== 'last' ? sbh / l.tp * inFlight : 0;
  const total = layers * perLayer * inFlight + working + head + embedMask;
  if (ex) {
    ex.add('activation bytes per layer per micro-batch', perLayer, 'bytes',
      `${formula}; s=${seqLocal} (seq ${ctx.seqLen}/cp ${l.cp}), b=${l.microBatch}, h=${s.hidden}, t=${megatron ? l.tp : 1}`,
      megatron ? 'Korthikanti et al. 2022 (arXiv:2205.05198) §4, Table 2' : 'HF transformers modeling_llama.py saved tensors');
    ex.add('micro-batches in flight on this stage', inFlight, '', `1F1B: min(pp=${l.pp}, grad. accumulation=${l.gradientAccumulation}) on the first stage, 1 on the last`, 'Narayanan et al. 2021 §2.2.1');
    ex.add('activations per GPU', total, 'bytes', `ceil(L/pp)=${layers} layers × per-layer × in-flight${working ? ' + recompute working layer' : ''}${headText}`);
  }
  return total;
}
