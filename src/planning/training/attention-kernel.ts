/**
 * The fused causal attention kernel, measured on one H200 (the H100 SXM's 132 SMs and BF16 rate, more memory), head dim 128,
 * 32 heads, batch × length = 128k tokens, random BF16 inputs (bench/gpu/measure_kernels.py, 2026-12-04; fixture
 * test/planning/training/fixtures/h200-kernels.json). Per call length: forward TFLOP/s (causal FLOPs 4·b·s²·heads·d/2) and
 * backward time / forward time. Short calls run further below the plateau (fewer tiles per head and the same fixed costs
 * per call).
 */
type AttentionTable = ReadonlyArray<readonly [length: number, forwardTflops: number, backwardOverForward: number]>;

/**
 * cuDNN fused attention through PyTorch SDPA. Both profiles run it on Hopper: Transformer Engine's fused attention is
 * cuDNN's (the `megatron` profile), and PyTorch SDPA puts cuDNN first on Hopper and Blackwell with cuDNN newer than 9.15
 * (aten/src/ATen/native/transformers/cuda/sdp_utils.cpp `check_prefer_cudnn_attention`; the eager `hf` and `fsdp`
 * profiles; the image measured has cuDNN 9.19). SDPA's flash backend (FlashAttention-2), which older stacks pick, ran at
 * 58–61% of this speed (same fixture). The 128k call falls back 7% (cause not established). FlashAttention-3's own H100
 * figures (Shah et al. 2024, Figs. 5 and 9, not causal) give the same backward / forward times within 3% from 1k to 16k
 * (3.33, 3.12, 2.94, 2.89, 2.89).
 */
const CUDNN: AttentionTable = [
  [1024, 437.9, 3.413], [2048, 496.0, 3.076], [4096, 546.2, 2.952], [8192, 572.4, 2.884],
  [16384, 596.2, 2.858], [32768, 607.7, 2.857], [65536, 612.5, 2.832], [131072, 565.9, 2.607],
];

/** The call length whose measured forward speed {@link attentionLengthFactor} is relative to (16k tokens). */
export const ATTENTION_REFERENCE_LENGTH = 16384;

const at16k = (t: AttentionTable): number => t.find((row) => row[0] === ATTENTION_REFERENCE_LENGTH)![1];

/** Index i with t[i][0] ≤ length < t[i+1][0], clamped to the first and last segments. */
function segment(t: AttentionTable, length: number): number {
  let i = 0;
  while (i < t.length - 2 && length > t[i + 1][0]) i++;
  return i;
}

/**
 * The kernel's speed at a call length relative to its speed at 16k tokens (0.73 at 1k, 1.03 at 64k, 0.95 at 128k),
 * interpolated on log–log axes; below 1k the first segment's power law continues, beyond 128k the last figure holds.
 * Attention is priced at the BF16 efficiency × this factor: 0.6 × 989 = 593 TFLOP/s at 16k against the 596 measured.
 * Context parallelism makes every ring step attend s/cp queries to s/cp keys (Megatron-Core / Transformer Engine ring
 * attention), so the call length is s/cp: why NVIDIA sizes CP for about 4k tokens per rank.
 */
export function attentionLengthFactor(length: number): number {
  const t = CUDNN;
  if (length >= t[t.length - 1][0]) return t[t.length - 1][1] / at16k(t);
  const i = segment(t, length);
  const [l0, f0] = t[i]; const [l1, f1] = t[i + 1];
  const exponent = Math.log(f1 / f0) / Math.log(l1 / l0);
  return (f0 * Math.pow(length / l0, exponent)) / at16k(t);
}

/**
 * Time of the fused attention backward relative to its forward on the same call: 3.41 at 1k falling to 2.86 from 16k and
 * 2.61 at 128k, interpolated linearly in log length and held at the ends. Model FLOPs count
 * the backward as 2 forwards (Narayanan et al. 2021 eq. 3); the kernel recomputes the scores and runs its five GEMMs below
 * forward speed, so charging 2 forwards' time under-prices it by 30–70%.
 */
export function attentionBackwardRatio(length: number): number {
  const t = CUDNN;
  if (length <= t[0][0]) return t[0][2];
  if (length >= t[t.length - 1][0]) return t[t.length - 1][2];
  const i = segment(t, length);
  const w = Math.log(length / t[i][0]) / Math.log(t[i + 1][0] / t[i][0]);
  return t[i][2] + w * (t[i + 1][2] - t[i][2]);
}
