import { moeLayerCount } from '../catalog/model-architecture';

/**
 * How a layout's decoder layers are split over pipeline ranks and virtual chunks, and how many of them each rank
 * holds activations for at its peak under Megatron-Core's 1F1B schedules.
 */

/** How the decoder layers were split over the pipeline ranks. */
export type PipelineSplitMethod =
  /** L divisible by pp·vp: every chunk holds L/(pp·vp) layers. */
  | 'even'
  /**
   * The embedding and the loss each take one layer's slot: (L + 2) divisible by pp·vp, the first chunk of the first
   * rank and the last chunk of the last rank hold one layer fewer. Megatron-Core `account_for_embedding_in_pipeline_split`
   * and `account_for_loss_in_pipeline_split`; the Llama 3 paper (Dubey et al. 2024, §3.3.2, "memory and computation
   * imbalance") trains 405B's 126 layers this way on 16 ranks. Multi-token-prediction modules take a slot each in the
   * last chunk when that makes (L + 2 + MTP) divide: NVIDIA's DeepSeek-V3 H100 layout `Et|(tt|)*30mL` (61 layers,
   * 8 ranks × 4 chunks of 2 slots; Megatron-Bridge scripts/performance/configs/deepseek, `--pipeline-model-parallel-layout`).
   */
  | 'embedding-and-loss'
  /**
   * Neither divides (plain 1F1B only): every rank holds ⌊L/pp⌋ layers and ranks 1, 2, … one more each, keeping the
   * first rank, which holds the most micro-batches in flight, light. Megatron-Core `pipeline_model_parallel_layout`.
   */
  | 'uneven';

/** Decoder layers per model chunk on every pipeline rank (internal). */
export interface PipelineSplit {
  readonly pp: number;
  readonly vp: number;
  readonly method: PipelineSplitMethod;
  /** Multi-token-prediction modules, all in the last chunk of the last rank (Megatron-Core builds them with the loss). */
  readonly mtp: number;
  /** Decoder layers in chunk `chunk` (0 … vp−1) of rank `rank` (0 … pp−1). */
  chunkLayers(rank: number, chunk: number): number;
}

/**
 * Splits `layers` decoder layers over `pp` ranks of `vp` chunks each, with `mtp` multi-token-prediction modules in the
 * last chunk. Interleaving (vp > 1) needs whole, equal chunks: L, L + 2 or L + 2 + mtp divisible by pp·vp (Megatron-Core
 * asserts the same).
 */
export function pipelineSplit(layers: number, pp: number, vp: number, mtp = 0): PipelineSplit {
  const chunks = pp * vp;
  if (layers % chunks === 0) {
    const c = layers / chunks;
    return { pp, vp, mtp, method: 'even', chunkLayers: () => c };
  }
  const slotted = (extra: number): PipelineSplit | undefined => {
    if (!slotsFit(layers, chunks, extra)) return undefined;
    const c = (layers + 2 + extra) / chunks;
    return {
      pp, vp, mtp, method: 'embedding-and-loss',
      chunkLayers: (rank, chunk) => c - (rank === 0 && chunk === 0 ? 1 : 0) - (rank === pp - 1 && chunk === vp - 1 ? 1 + extra : 0),
    };
  };
  const split = (mtp > 0 ? slotted(mtp) : undefined) ?? slotted(0);
  if (split) return split;
  if (vp !== 1) {
    const options = mtp > 0 ? `${layers}, ${layers + 2} or ${layers + 2 + mtp}` : `${layers} or ${layers + 2}`;
    throw new RangeError(`interleaving needs ${options} layers divisible by pp·vp = ${chunks}`);
  }
  const base = Math.floor(layers / pp);
  const extra = layers - base * pp;
  return { pp, vp, mtp, method: 'uneven', chunkLayers: (rank) => base + (rank >= 1 && rank <= extra ? 1 : 0) };
}

/** Layer-slot counts a split may divide: L, L + 2 (embedding and loss) and L + 2 + MTP modules. */
export function slotCounts(layers: number, mtp: number): number[] {
  return mtp > 0 ? [layers, layers + 2, layers + 2 + mtp] : [layers, layers + 2];
}

/** Whether the embedding, the loss and `extra` MTP modules as slots make whole chunks, the last keeping no negative layer count. */
function slotsFit(layers: number, chunks: number, extra: number): boolean {
  return (layers + 2 + extra) % chunks === 0 && (layers + 2 + extra) / chunks - 1 - extra >= 0;
}

/** Whether pp ranks of vp chunks split the layers into whole, equal chunks, as {@link pipelineSplit} does (always for vp = 1). */
export function splitsEvenly(layers: number, pp: number, vp: number, mtp: number): boolean {
  const chunks = pp * vp;
  return vp === 1 || layers % chunks === 0 || slotsFit(layers, chunks, 0) || (mtp > 0 && slotsFit(layers, chunks, mtp));
}

/** Decoder layers on one rank, all its chunks together. */
export function rankLayers(split: PipelineSplit, rank: number): number {
  let n = 0;
  for (let c = 0; c < split.vp; c++) n += split.chunkLayers(rank, c);
  return n;
}

/** Multi-token-prediction modules on one rank: all of them on the last, none elsewhere. */
export function rankMtp(split: PipelineSplit, rank: number): number {
  return rank === split.pp - 1 ? split.mtp : 0;
}

/**
 * MoE layers on one rank when the first `denseLayers` layers are dense (DeepSeek-V3 `first_k_dense_replace`) and, after
 * them, every `moeLayerInterval`-th layer is MoE (Llama 4 Maverick: every second): model chunk c of rank r is global chunk
 * c·pp + r (Megatron-Core interleaved schedule), and chunks hold layers in order.
 */
export function rankMoeLayers(split: PipelineSplit, rank: number, denseLayers: number, moeLayerInterval = 1): number {
  let start = 0; let moeHere = 0;
  for (let g = 0; g < split.pp * split.vp; g++) {
    const n = split.chunkLayers(g % split.pp, Math.floor(g / split.pp));
    if (g % split.pp === rank) moeHere += moeLayerCount(start + n, denseLayers, moeLayerInterval) - moeLayerCount(start, denseLayers, moeLayerInterval);
    start += n;
  }
  return moeHere;
}

/** Activations one rank holds at its peak, counted in layers × micro-batches (internal). */
export interface PeakHeld {
  /** Σ over the forward passes not yet matched by their backward, of the decoder layers (and MTP modules) their chunk holds. */
  readonly layerMicroBatches: number;
  /** Forward passes of chunk 0 held at that moment (the embedding output lives on the first rank's chunk 0). */
  readonly firstChunkMicroBatches: number;
  /** Forward passes of the last chunk held at that moment (the last rank's multi-token-prediction modules live there). */
  readonly lastChunkMicroBatches: number;
}

/**
 * Peak activations held by `rank` over one step of `microBatches` micro-batches, replaying Megatron-Core's schedule
 * (megatron/core/pipeline_parallel/schedules.py, `get_pp_rank_microbatches` and `get_model_chunk_id`):
 * - plain 1F1B: p − r − 1 warm-up forwards, then one forward and one backward at a time (Narayanan et al. 2021 §2.2.1);
 * - interleaved: 2(p − r − 1) + (v − 1)·p warm-up forwards; forward k runs chunk ⌊(k mod pv)/p⌋ and backward k chunk
 *   v − 1 − ⌊(k mod pv)/p⌋; when the warm-up covers every forward, all forwards run before the first backward.
 * The first rank with an even split holds (pv + p − 1) chunks of L/(pv) layers, Korthikanti et al. 2022's
 * L·(1 + (p − 1)/(pv)) (§4.2.3); the last holds (v − 1)·p + 1 chunks, not one. The steady state repeats every pv
 * passes, so one period is replayed.
 */
export function peakHeld(split: PipelineSplit, rank: number, microBatches: number): PeakHeld {
  const { pp: p, vp: v } = split;
  const total = microBatches * v;
  const warmup = Math.min(total, v === 1 ? p - rank - 1 : 2 * (p - rank - 1) + (v - 1) * p);
  const fwdChunk = (k: number): number => (v === 1 ? 0 : Math.floor((k % (p * v)) / p));
  const bwdChunk = (k: number): number => v - 1 - fwdChunk(k);
  let held = 0; let first = 0; let lastChunk = 0;
  let peak = 0; let peakFirst = 0; let peakLast = 0;
  // Activations per chunk: its decoder layers, and the multi-token-prediction modules in the last rank's last chunk.
  const chunkHeld = (c: number): number => split.chunkLayers(rank, c) + (c === v - 1 ? rankMtp(split, rank) : 0);
  const forward = (k: number): void => {
    const c = fwdChunk(k);
    held += chunkHeld(c);
    if (c === 0) first++;
    if (c === v - 1) lastChunk++;
    if (held > peak || (held === peak && first > peakFirst)) { peak = held; peakFirst = first; peakLast = lastChunk; }
  };
  for (let k = 0; k < warmup; k++) forward(k);
  const steady = Math.min(total - warmup, p * v + 1);
  for (let k = 0; k < steady; k++) {
    forward(warmup + k);
    const c = bwdChunk(k);
    held -= chunkHeld(c);
    if (c === 0) first--;
    if (c === v - 1) lastChunk--;
  }
  return { layerMicroBatches: peak, firstChunkMicroBatches: peakFirst, lastChunkMicroBatches: peakLast };
}

/**
 * Ranks whose memory can be the largest: the first (embedding, most micro-batches in flight), the second (most
 * in flight among ranks holding a full share of layers) and the last (output layer and loss). Ranks 2 … p−2 hold
 * no more layers than rank 1 and fewer micro-batches.
 */
export function ranksToCheck(pp: number): number[] {
  return [...new Set([0, Math.min(1, pp - 1), pp - 1])];
}
