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
   * imbalance") trains 405B's 126 layers this way on 16 ranks.
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
  /** Decoder layers in chunk `chunk` (0 … vp−1) of rank `rank` (0 … pp−1). */
  chunkLayers(rank: number, chunk: number): number;
}

/**
 * Splits `layers` decoder layers over `pp` ranks of `vp` chunks each. Interleaving (vp > 1) needs whole, equal
 * chunks: L or L + 2 divisible by pp·vp (Megatron-Core asserts the same).
 */
export function pipelineSplit(layers: number, pp: number, vp: number): PipelineSplit {
  const chunks = pp * vp;
  if (layers % chunks === 0) {
    const c = layers / chunks;
    return { pp, vp, method: 'even', chunkLayers: () => c };
  }
  if ((layers + 2) % chunks === 0) {
    const c = (layers + 2) / chunks;
    return {
      pp, vp, method: 'embedding-and-loss',
      chunkLayers: (rank, chunk) => c - (rank === 0 && chunk === 0 ? 1 : 0) - (rank === pp - 1 && chunk === vp - 1 ? 1 : 0),
    };
  }
  if (vp !== 1) throw new RangeError(`interleaving needs ${layers} or ${layers + 2} layers divisible by pp·vp = ${chunks}`);
  const base = Math.floor(layers / pp);
  const extra = layers - base * pp;
  return { pp, vp, method: 'uneven', chunkLayers: (rank) => base + (rank >= 1 && rank <= extra ? 1 : 0) };
}

/** Decoder layers on one rank, all its chunks together. */
export function rankLayers(split: PipelineSplit, rank: number): number {
  let n = 0;
  for (let c = 0; c < split.vp; c++) n += split.chunkLayers(rank, c);
  return n;
}

/** Activations one rank holds at its peak, counted in layers × micro-batches (internal). */
export interface PeakHeld {
  /** Σ over the forward passes not yet matched by their backward, of the decoder layers their chunk holds. */
  readonly layerMicroBatches: number;
  /** Forward passes of chunk 0 held at that moment (the embedding output lives on the first rank's chunk 0). */
  readonly firstChunkMicroBatches: number;
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
  let held = 0; let first = 0;
  let peak = 0; let peakFirst = 0;
  const forward = (k: number): void => {
    const c = fwdChunk(k);
    held += split.chunkLayers(rank, c);
    if (c === 0) first++;
    if (held > peak || (held === peak && first > peakFirst)) { peak = held; peakFirst = first; }
  };
  for (let k = 0; k < warmup; k++) forward(k);
  const steady = Math.min(total - warmup, p * v + 1);
  for (let k = 0; k < steady; k++) {
    forward(warmup + k);
    const c = bwdChunk(k);
    held -= split.chunkLayers(rank, c);
    if (c === 0) first--;
  }
  return { layerMicroBatches: peak, firstChunkMicroBatches: peakFirst };
}

/**
 * Ranks whose memory can be the largest: the first (embedding, most micro-batches in flight), the second (most
 * in flight among ranks holding a full share of layers) and the last (output layer and loss). Ranks 2 … p−2 hold
 * no more layers than rank 1 and fewer micro-batches.
 */
export function ranksToCheck(pp: number): number[] {
  return [...new Set([0, Math.min(1, pp - 1), pp - 1])];
}
