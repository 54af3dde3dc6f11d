import { attendedKeys, attentionDims, indexerFlops, kvBytesReadPerSequencePerGpu, kvTokensPerSequence, parameterBreakdown } from './model-math';
import { InferencePrecision, quantizedBytesPerParameter } from './quantization';
import { chunkedKeysPerQuery } from '../catalog/attention-span';
import { GpuType } from '../catalog/gpu-type';
import { ModelSpec } from '../catalog/model-spec';

/**
 * Fraction of dense tensor-core peak that prefill GEMMs reach. Large-token GEMMs on H100 run at 60–75% of peak;
 * whole-model prefill (with attention, norms, all-reduces) lower. 0.6 reproduces the prefill share of NVIDIA's
 * TensorRT-Model-Optimizer benchmark (examples/benchmark.md, H200, ISL 2048 / OSL 128; see accuracy.test.ts).
 */
export const PREFILL_COMPUTE_EFFICIENCY = 0.6;

/**
 * Fraction of the dense FP8 (or INT8) peak that W8A8 prefill reaches. FP8 GEMMs do not double end-to-end prefill
 * speed: quantizing activations, scaling and the unchanged BF16 attention keep whole-model FP8 prefill at ~1.3–1.4×
 * BF16 (NVIDIA TensorRT-Model-Optimizer examples/benchmark.md: Llama 3.1 8B batch 64, FP8/BF16 = 1.30×).
 * 0.48 = 0.6 × 1.6 / 2 (between the 8B and 70B rows of that table).
 */
export const LOW_PRECISION_COMPUTE_EFFICIENCY = 0.48;

/**
 * Fraction of peak HBM bandwidth that decode reaches while streaming weights and KV cache. Memory-bound GEMV/
 * paged-attention kernels reach 75–85% of datasheet bandwidth on Hopper (STREAM-like copies reach ~90%).
 * 0.8, together with {@link STEP_OVERHEAD_SECONDS}, reproduces NVIDIA's published batch-1 and batch-8 decode rates for
 * Llama 3.1 8B/70B within 10% (accuracy.test.ts).
 */
export const DECODE_BANDWIDTH_EFFICIENCY = 0.8;

/**
 * Fixed time per engine step that is neither compute nor HBM traffic: scheduler, sampling, input preparation and
 * kernel launch gaps left after CUDA graphs (vLLM V1 runs these on the CPU between steps; ~1–2 ms per step is
 * typical at small batch). 1.5 ms.
 */
export const STEP_OVERHEAD_SECONDS = 1.5e-3;

/** Latency of one small all-reduce inside an NVLink domain (vLLM custom all-reduce / NCCL LL protocol: ~5–10 µs). */
export const INTRA_NODE_ALLREDUCE_LATENCY_SECONDS = 8e-6;

/**
 * Latency of one step of NCCL's ring all-reduce between GPUs that talk over PCIe: a ring all-reduce over t ranks takes
 * 2(t − 1) steps (Patarasuk & Yuan 2009). nccl-tests `all_reduce_perf`, 8-byte messages, out-of-place, on PCIe-only GPUs:
 * 15.93 µs on 4 × RTX A5000 (NVIDIA/nccl issue #757) and 42.14 µs on 8 × RTX 4090 (NVIDIA/nccl issue #1530): 2.65 and
 * 3.01 µs per step; 2.8 µs reproduces both within 6% and 7%. vLLM uses NCCL there: its custom all-reduce is "not
 * supported on more than two PCIe-only GPUs" (vllm/distributed/device_communicators/custom_all_reduce.py), and at two
 * only when a GPU peer-to-peer test passes, which L40S servers are reported to fail (ai-dynamo/aiconfigurator issue #1346).
 * Not measured on L4, L40S or A10G.
 */
export const PCIE_RING_STEP_LATENCY_SECONDS = 2.8e-6;

/** Latency of one pipeline-stage hand-off across nodes (RDMA send/recv, ~20 µs incl. NCCL launch). */
export const INTER_NODE_HOP_LATENCY_SECONDS = 20e-6;

/** Inter-node bandwidth per GPU when no node shape is given: 400 Gb/s (one NDR InfiniBand / EFA NIC per GPU, as on p5/a3-mega). */
export const DEFAULT_INTER_NODE_BYTES_PER_SECOND_PER_GPU = 50e9;

/** Everything the speed model needs about a replica's layout. */
export interface Layout {
  readonly model: ModelSpec;
  readonly gpu: GpuType;
  readonly precision: InferencePrecision;
  readonly kvBytesPerElement: number;
  readonly tp: number;
  readonly pp: number;
  readonly weightsBytesPerGpu: number;
  readonly interNodeBytesPerSecondPerGpu: number;
  readonly maxNumBatchedTokens: number;
}

/**
 * Peak FLOP/s to scale by {@link PREFILL_COMPUTE_EFFICIENCY}: the dense peak of the math the precision runs on, reduced
 * for FP8/INT8 so that the product is {@link LOW_PRECISION_COMPUTE_EFFICIENCY} of the FP8/INT8 peak. FP8 W8A8 on FP8 tensor cores (weight-only FP8 → BF16 math where
 * the GPU has none, as vLLM's Marlin FP8 path); INT8 W8A8 on INT8 tensor cores; INT4 AWQ/GPTQ is W4A16 → BF16 math.
 */
export function peakFlopsPerSecond(gpu: GpuType, precision: InferencePrecision): number {
  return rawPeakFlopsPerSecond(gpu, precision) * (usesLowPrecisionMath(gpu, precision) ? LOW_PRECISION_COMPUTE_EFFICIENCY / PREFILL_COMPUTE_EFFICIENCY : 1);
}

/** True when the precision runs its GEMMs on FP8/INT8 tensor cores on this GPU. */
function usesLowPrecisionMath(gpu: GpuType, precision: InferencePrecision): boolean {
  return precision === InferencePrecision.INT8 || (precision === InferencePrecision.FP8 && gpu.tflopsFp8 > 0);
}

function rawPeakFlopsPerSecond(gpu: GpuType, precision: InferencePrecision): number {
  switch (precision) {
    case InferencePrecision.FP8: return (gpu.tflopsFp8 > 0 ? gpu.tflopsFp8 : gpu.tflopsBf16) * 1e12;
    case InferencePrecision.INT8: return gpu.topsInt8 * 1e12;
    default: return gpu.tflopsBf16 * 1e12;
  }
}

/**
 * Bus bandwidth NCCL's all-reduce reaches as a fraction of the unidirectional link: 0.8. nccl-tests `all_reduce_perf` on
 * PCIe 4.0 ×16 GPUs with peer-to-peer enabled plateaus at 25.7–26.0 GB/s of 32 (4 × RTX 4090 on tinygrad's P2P kernel
 * modules, 256 MB–1 GB; tinygrad/open-gpu-kernel-modules issue #36), the share training's LINK_EFFICIENCY takes for NVLink
 * and InfiniBand. Servers whose CPU root complex limits peer traffic reach less (12.7 GB/s on another 4 × RTX 4090, PR #22;
 * 3.1 GB/s on an AWS 4 × A10G server, pytorch/pytorch issue #127077; NCCL's maintainers: "On PCI systems, the performance
 * you get is usually determined by the bandwidth your CPU and memory can deliver", NVIDIA/nccl issue #1639). Not measured
 * on L4, L40S or A10G.
 */
export const ALLREDUCE_BUS_EFFICIENCY = 0.8;

/**
 * Ring all-reduce time for `bytes` over `tp` ranks: latency + 2(tp−1)/tp · bytes / bus bandwidth, the unidirectional link
 * × {@link ALLREDUCE_BUS_EFFICIENCY} (Patarasuk & Yuan 2009; NCCL performance docs "bus bandwidth"). Vendors quote NVLink
 * bidirectional: halve it. The latency is {@link INTRA_NODE_ALLREDUCE_LATENCY_SECONDS} inside an NVLink domain and
 * 2(tp − 1) ring steps of {@link PCIE_RING_STEP_LATENCY_SECONDS} between GPUs on PCIe (no NVLink domain).
 */
export function allReduceSeconds(gpu: GpuType, tp: number, bytes: number): number {
  if (tp <= 1) return 0;
  const linkBytesPerSecond = gpu.nvlinkBandwidthBytesPerSecond / 2 * ALLREDUCE_BUS_EFFICIENCY;
  return allReduceLatencySeconds(gpu, tp) + (2 * (tp - 1) / tp) * bytes / linkBytesPerSecond;
}

/** Fixed latency of one small all-reduce over `tp` GPUs of one node: NVLink, or a PCIe ring of 2(tp − 1) steps. */
export function allReduceLatencySeconds(gpu: GpuType, tp: number): number {
  return gpu.nvlinkDomainSize > 1 ? INTRA_NODE_ALLREDUCE_LATENCY_SECONDS : 2 * (tp - 1) * PCIE_RING_STEP_LATENCY_SECONDS;
}

/** Communication per forward pass over `tokens`: 2 all-reduces per layer (Megatron-LM, Shoeybi et al. 2019 §3) + pp−1 stage hops. */
export function communicationSeconds(l: Layout, tokens: number): number {
  const activationBytes = tokens * l.model.hiddenSize * 2;
  const allReduces = 2 * l.model.layers * allReduceSeconds(l.gpu, l.tp, activationBytes);
  const hops = (l.pp - 1) * (INTER_NODE_HOP_LATENCY_SECONDS + activationBytes / l.interNodeBytesPerSecondPerGpu);
  return allReduces + hops;
}

/**
 * Attention FLOPs for `queries` new tokens attending to a context: 2·(d_qk + d_v)·heads·layers per (query, key) pair
 * (QKᵀ and AV, 2 FLOPs per multiply-add; Kaplan et al. 2020 Table 1 counts 2·n_layer·n_ctx·d_attn per token forward).
 */
function attentionFlops(model: ModelSpec, pairs: number): number {
  const d = attentionDims(model);
  return 2 * model.layers * model.attentionHeads * (d.qk + d.v) * pairs;
}

/**
 * Causal (query, key) pairs of a prompt of P tokens per layer, averaged over the layers: P²/2 for a full layer, capped by
 * a sliding window W at P·W − W²/2 when P > W for a sliding one, and likewise by DeepSeek Sparse Attention's top k on
 * every layer (each query attends to at most k keys; the indexer's own P²/2 pairs are in {@link indexerFlops}), and by
 * chunked attention on its layers (the pairs inside each chunk, catalog/attention-span.ts).
 */
export function causalPairs(model: ModelSpec, promptTokens: number): number {
  const full = (promptTokens * promptTokens) / 2;
  const k = model.sparseAttentionTopK;
  if (k > 0) return promptTokens > k ? promptTokens * k - (k * k) / 2 : full;
  const c = model.attentionChunkSize;
  if (c > 0) {
    const chunked = model.chunkedAttentionLayers;
    return ((model.layers - chunked) * full + chunked * promptTokens * chunkedKeysPerQuery(promptTokens, c)) / model.layers;
  }
  const w = model.slidingWindow;
  if (!(w > 0 && promptTokens > w)) return full;
  const sliding = model.slidingWindowLayers;
  return ((model.layers - sliding) * full + sliding * (promptTokens * w - (w * w) / 2)) / model.layers;
}

/** Breakdown of one prefill. */
export interface PrefillEstimate {
  readonly flops: number;
  readonly computeSeconds: number;
  readonly memorySeconds: number;
  readonly communicationSeconds: number;
  readonly seconds: number;
}

/**
 * Prefill of `prompts` prompts of `promptTokens` each (compute-bound): FLOPs = 2·N_active·tokens (Kaplan et al. 2020
 * §2.1, forward = 2N per token) + causal attention, over tp GPUs at {@link PREFILL_COMPUTE_EFFICIENCY} of peak (pipeline
 * stages run one after the other for one prompt). Roofline: never faster than reading the weights once per chunk of
 * max_num_batched_tokens (chunked prefill). Plus TP all-reduces and one step overhead per chunk.
 */
export function prefill(l: Layout, promptTokens: number, prompts = 1): PrefillEstimate {
  const p = parameterBreakdown(l.model);
  const tokens = promptTokens * prompts;
  const flops = 2 * p.activeCompute * tokens + (attentionFlops(l.model, causalPairs(l.model, promptTokens)) + indexerFlops(l.model, promptTokens * promptTokens / 2)) * prompts;
  const computeSeconds = flops / (l.tp * peakFlopsPerSecond(l.gpu, l.precision) * PREFILL_COMPUTE_EFFICIENCY);
  const chunks = Math.ceil(tokens / l.maxNumBatchedTokens);
  const memorySeconds = chunks * l.pp * l.weightsBytesPerGpu / (l.gpu.hbmBandwidthBytesPerSecond * DECODE_BANDWIDTH_EFFICIENCY);
  const comm = communicationSeconds(l, tokens);
  const seconds = Math.max(computeSeconds, memorySeconds) + comm + chunks * STEP_OVERHEAD_SECONDS;
  return { flops, computeSeconds, memorySeconds, communicationSeconds: comm, seconds };
}

/** Breakdown of one decode step. */
export interface DecodeEstimate {
  readonly bytesReadPerGpu: number;
  readonly memorySeconds: number;
  readonly computeSeconds: number;
  readonly communicationSeconds: number;
  readonly seconds: number;
}

/**
 * One decode step for `batch` sequences each holding `contextTokens` (roofline, Williams et al. 2009):
 * memory = (weights read + KV of the batch) per GPU / (bandwidth × {@link DECODE_BANDWIDTH_EFFICIENCY}), once per
 * pipeline stage in turn; compute = (2·N_active·batch + attention over the context) / (tp × peak × efficiency);
 * step = max(memory, compute) + all-reduces + {@link STEP_OVERHEAD_SECONDS}.
 * MoE: only experts some token routes to are read; with uniform routing the expected fraction of experts touched is
 * 1 − (1 − k/E)^batch.
 */
export function decodeStep(l: Layout, batch: number, contextTokens: number): DecodeEstimate {
  const m = l.model;
  const p = parameterBreakdown(m);
  let weightsRead = l.weightsBytesPerGpu;
  if (m.isMoe && m.experts > 0) {
    const touched = 1 - Math.pow(1 - m.activeExperts / m.experts, batch);
    const expertBytesPerGpu = p.routedExperts * quantizedBytesPerParameter(l.precision) / (l.tp * l.pp);
    weightsRead -= expertBytesPerGpu * (1 - touched);
  }
  const kvTokens = kvTokensPerSequence(m, contextTokens);
  const kvRead = batch * kvBytesReadPerSequencePerGpu(m, l.kvBytesPerElement, l.tp, l.pp, contextTokens);
  const bytesReadPerGpu = weightsRead + kvRead;
  const memorySeconds = l.pp * bytesReadPerGpu / (l.gpu.hbmBandwidthBytesPerSecond * DECODE_BANDWIDTH_EFFICIENCY);
  const flops = 2 * p.activeCompute * batch + attentionFlops(m, batch * attendedKeys(m, kvTokens)) + indexerFlops(m, batch * kvTokens);
  const computeSeconds = flops / (l.tp * peakFlopsPerSecond(l.gpu, l.precision) * PREFILL_COMPUTE_EFFICIENCY);
  const comm = communicationSeconds(l, batch);
  const seconds = Math.max(memorySeconds, computeSeconds) + comm + STEP_OVERHEAD_SECONDS;
  return { bytesReadPerGpu, memorySeconds, computeSeconds, communicationSeconds: comm, seconds };
}

/**
 * Output tokens per second of a closed batch: `batch` requests prefilled together, then decoded for `outputTokens`
 * steps (context taken at the midpoint). This is what `trtllm-bench`-style "tokens/sec" tables measure.
 */
export function closedBatchOutputTokensPerSecond(l: Layout, batch: number, promptTokens: number, outputTokens: number): number {
  const pre = prefill(l, promptTokens, batch).seconds;
  const step = decodeStep(l, batch, promptTokens + outputTokens / 2).seconds;
  return (batch * outputTokens) / (pre + (outputTokens - 1) * step);
}
