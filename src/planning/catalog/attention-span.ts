/**
 * How many keys a query attends to under the attention patterns that limit it, shared by the training and inference
 * planners. Internal: not re-exported from catalog/index.ts (not part of the jsii API).
 */

/**
 * Keys a query attends to on average under chunked local attention (Llama 4: each query sees the earlier tokens of its
 * own chunk of C positions), in the convention of training/model-math.ts `attentionKeysPerQuery` (a causal query sees s/2 keys): s = q·C + r tokens make q full chunks
 * of C²/2 pairs and one of r²/2, so (q·C² + r²) / (2s); s/2 when s ≤ C.
 */
export function chunkedKeysPerQuery(seqLen: number, chunk: number): number {
  if (!(chunk > 0) || seqLen <= chunk) return seqLen / 2;
  const full = Math.floor(seqLen / chunk);
  const rest = seqLen - full * chunk;
  return (full * chunk * chunk + rest * rest) / (2 * seqLen);
}
