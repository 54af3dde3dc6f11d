import { OptimizerKind, TrainingPrecision } from './precision';

/**
 * Where gradients accumulate: Megatron-Core's gradient buffer in fp32 (`grad_reduce_in_fp32`, Megatron-LM's default with
 * `--bf16`) or in bf16 (NVIDIA's Megatron-Bridge performance recipes), or the parameters' own dtype (eager PyTorch).
 */
export type GradientBuffer = 'megatron-fp32' | 'megatron-bf16' | 'parameter-dtype';

/** Bytes per parameter held by one replica before any ZeRO partitioning. */
export interface BytesPerParameter {
  /** Working weights used in forward/backward. */
  readonly weights: number;
  /** Gradients. */
  readonly gradients: number;
  /** Optimizer states including any FP32 master copy of the weights. */
  readonly optimizer: number;
  /**
   * FP32 gradient copy made for the optimizer step, sharded like the optimizer states and alive only during the step
   * (activations are freed by then): 4 with Megatron-Core's bf16 gradient buffer in mixed precision, else 0.
   */
  readonly stepGradientCopy: number;
  /** How the numbers were derived. */
  readonly formula: string;
}

/**
 * Bytes per parameter for weights, gradients and optimizer states.
 *
 * - Mixed precision with Adam: 2Ψ (fp16/bf16 weights) + 2Ψ (gradients) + 12Ψ (fp32 master weights,
 *   momentum, variance) = 16Ψ. Source: Rajbhandari et al. 2020, "ZeRO: Memory Optimizations Toward
 *   Training Trillion Parameter Models" (arXiv:1910.02054) §3.1.
 * - `fp32-amp`: the weights are the fp32 master copy, so Adam adds only its two fp32 moments (4+4+8 = 16Ψ).
 * - `bf16-pure`: weights, gradients and both Adam moments in bf16 (2+2+4 = 8Ψ).
 * - `adamw-bf16-moments` keeps both Adam moments in bf16 (2+2), beside the fp32 master copy in mixed precision.
 * - 8-bit Adam keeps 2 bytes of state per parameter (Dettmers et al. 2021, arXiv:2110.02861 §2),
 *   plus the fp32 master copy in mixed precision.
 * - SGD with momentum keeps one momentum buffer in the optimizer's dtype.
 * - `fp8-mixed` keeps bf16 weights and fp32 master/optimizer states like `bf16-mixed`; Transformer
 *   Engine's FP8 weight casts are transient and covered by the memory reserve.
 * - `megatron-fp32` buffer: Megatron-LM accumulates and all-reduces bf16 gradients in an fp32 buffer
 *   (`accumulate_allreduce_grads_in_fp32` is forced on with `--bf16` in megatron/training/arguments.py), so
 *   mixed precision holds 2 + 4 + 12 = 18 bytes/parameter, the "bf16 param, fp32 grads" row of Megatron-LM's
 *   docs/source/api-guide/dist_optimizer.md (18 bytes non-distributed, 6 + 12/d distributed). Without it
 *   (Megatron-Core `grad_reduce_in_fp32=False`, as NVIDIA's Megatron-Bridge performance recipes set) the buffer
 *   is bf16: 2 + 2 + 12 = 16 held through forward and backward. The optimizer step then casts each reduced gradient
 *   shard to an fp32 copy for the master weights (megatron/core/optimizer/distrib_optimizer.py
 *   `_copy_model_grads_to_main_grads`: `shard_main_param.grad = shard_model_grad.float()`, a view when the buffer is
 *   already fp32): 4/d more at the step, when no activations are held. Megatron-LM's table counts that copy as a state
 *   ("fp16 param, fp16 grads": 4 + 16/d).
 */
export function bytesPerParameter(precision: TrainingPrecision, optimizer: OptimizerKind, buffer: GradientBuffer = 'parameter-dtype'): BytesPerParameter {
  const mixed = precision === TrainingPrecision.BF16_MIXED || precision === TrainingPrecision.FP8_MIXED;
  const fp32 = precision === TrainingPrecision.FP32_AMP;
  const weights = fp32 ? 4 : 2;
  const gradients = fp32 || (mixed && buffer === 'megatron-fp32') ? 4 : 2;
  const master = mixed ? 4 : 0;
  let states: number;
  let stateText: string;
  switch (optimizer) {
    case OptimizerKind.ADAMW:
      states = fp32 || mixed ? 8 : 4;
      stateText = fp32 || mixed ? 'fp32 momentum 4 + fp32 variance 4' : 'bf16 momentum 2 + bf16 variance 2';
      break;
    case OptimizerKind.ADAMW_BF16_MOMENTS:
      states = 4;
      stateText = 'bf16 momentum 2 + bf16 variance 2';
      break;
    case OptimizerKind.ADAM_8BIT:
      states = 2;
      stateText = '8-bit momentum 1 + 8-bit variance 1 (Dettmers et al. 2021)';
      break;
    case OptimizerKind.SGD:
      states = fp32 || mixed ? 4 : 2;
      stateText = fp32 || mixed ? 'fp32 momentum 4' : 'bf16 momentum 2';
      break;
    default:
      throw new Error(`unhandled optimizer ${optimizer}`);
  }
  const optimizerBytes = master + states;
  const stepGradientCopy = mixed && buffer === 'megatron-bf16' ? 4 : 0;
  return {
    weights,
    gradients,
    optimizer: optimizerBytes,
    stepGradientCopy,
    formula: `${precision} + ${optimizer}: weights ${weights} + gradients ${gradients} + optimizer ${optimizerBytes}`
      + ` (${mixed ? 'fp32 master 4 + ' : ''}${stateText}) = ${weights + gradients + optimizerBytes} bytes/parameter`
      + (stepGradientCopy ? `, + an fp32 gradient copy ${stepGradientCopy} during the optimizer step (bf16 gradient buffer)` : ''),
  };
}

/** True when the GEMMs run in FP8. */
export function usesFp8(precision: TrainingPrecision): boolean {
  return precision === TrainingPrecision.FP8_MIXED;
}
