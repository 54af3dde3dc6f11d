/**
 * Weight and KV-cache number formats for serving, and the bytes each one costs.
 *
 * Rule used throughout the inference planner (stated once, here): quantization applies to the
 * linear layers inside the transformer blocks (attention projections, dense MLP and expert MLPs).
 * Token embeddings, the output projection (`lm_head`), norms and MoE routers stay in BF16. This is
 * what AutoAWQ / AutoGPTQ checkpoints do (only `nn.Linear` modules inside the decoder layers are
 * replaced; `lm_head` is in `modules_to_not_convert`), what vLLM's online `--quantization fp8`
 * does (`vllm/model_executor/layers/quantization/fp8.py` quantizes `LinearBase` layers only), and
 * what NVIDIA TensorRT Model Optimizer's FP8 recipe does ("Only the weights and activations of the
 * linear operators within transformers blocks are quantized", huggingface.co/nvidia/Llama-3.1-405B-Instruct-FP8).
 */

/** Weight precision of the served model. */
export enum InferencePrecision {
  /** BF16 weights and activations: 2 bytes per parameter. */
  BF16 = 'bf16',
  /**
   * FP8 (E4M3) weights, per-tensor or per-channel scales (negligible size): 1 byte per quantized parameter.
   * W8A8 on GPUs with FP8 tensor cores (Hopper, Ada, Blackwell, MI300); weight-only elsewhere.
   */
  FP8 = 'fp8',
  /** INT8 weights (SmoothQuant / compressed-tensors W8A8, per-channel scales): 1 byte per quantized parameter. */
  INT8 = 'int8',
  /**
   * 4-bit weights, AWQ/GPTQ style (W4A16): 0.5 byte per parameter plus, per group of 128 weights, one FP16 scale
   * and one 4-bit zero point (Lin et al. 2024, "AWQ", arXiv:2306.00978 §4 uses group size 128; AutoAWQ stores
   * `scales` as fp16 [in/128, out] and `qzeros` packed 8 per int32 [in/128, out/8]).
   */
  INT4 = 'int4',
}

/** Number format of the KV cache. */
export enum KvCacheDtype {
  /** BF16/FP16 keys and values: 2 bytes per element (vLLM `--kv-cache-dtype auto`). */
  BF16 = 'bf16',
  /** FP8 E4M3/E5M2 keys and values: 1 byte per element (vLLM `--kv-cache-dtype fp8`). */
  FP8 = 'fp8',
}

/** Weights per quantization group for INT4 (AWQ/GPTQ default q_group_size = 128). */
export const INT4_GROUP_SIZE = 128;

/**
 * Extra bytes per INT4 group: an FP16 scale (2 B) and a 4-bit zero point (0.5 B).
 * Source: AutoAWQ `WQLinear_GEMM` buffers (`qzeros` int32 packs 8 zeros, `scales` fp16), GPTQ `QuantLinear` likewise.
 */
export const INT4_GROUP_OVERHEAD_BYTES = 2.5;

/** Bytes per parameter of an unquantized (BF16) tensor. */
export const BF16_BYTES = 2;

/** Bytes per quantized linear-layer parameter, including group scales/zeros for INT4. */
export function quantizedBytesPerParameter(precision: InferencePrecision): number {
  switch (precision) {
    case InferencePrecision.BF16: return 2;
    case InferencePrecision.FP8: return 1;
    case InferencePrecision.INT8: return 1;
    case InferencePrecision.INT4: return 0.5 + INT4_GROUP_OVERHEAD_BYTES / INT4_GROUP_SIZE;
  }
}

/** Bytes per KV-cache element. */
export function kvBytesPerElement(dtype: KvCacheDtype): number {
  return dtype === KvCacheDtype.FP8 ? 1 : 2;
}

/** Every precision id, for argument checks. */
export const PRECISION_IDS: string[] = Object.values(InferencePrecision);

/** Every KV-cache dtype id, for argument checks. */
export const KV_DTYPE_IDS: string[] = Object.values(KvCacheDtype);
