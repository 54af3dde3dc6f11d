import { activationPeakBytes, blockRoundedTokens, KvCapacity, kvCapacity, weightBytes, WeightBytes } from './memory';
import { kvTokensPerSequence } from './model-math';
import { InferencePrecision } from './quantization';
import { PlanningError } from '../../errors';
import { GpuType } from '../catalog/gpu-type';
import { ModelSpec } from '../catalog/model-spec';

/** Most pipeline stages the planner tries before declaring the model too large (one stage per layer at most). */
export const MAX_PIPELINE_STAGES = 64;

/** Inputs that fix the memory of a candidate layout. */
export interface LayoutInputs {
  readonly model: ModelSpec;
  readonly gpu: GpuType;
  readonly precision: InferencePrecision;
  readonly kvBytesPerElement: number;
  readonly gpuMemoryUtilization: number;
  readonly maxModelLen: number;
  readonly maxNumBatchedTokens: number;
  readonly maxNumSeqs: number;
  /** Largest tensor-parallel size to try: the GPUs of one node, or of one NVLink domain spanning nodes (at most 8). */
  readonly maxTensorParallel: number;
}

/** Memory of one candidate (tp, pp). */
export interface LayoutMemory {
  readonly tp: number;
  readonly pp: number;
  readonly weights: WeightBytes;
  readonly activationBytesPerGpu: number;
  readonly kv: KvCapacity;
  /** True when one max-model-len sequence fits in the KV cache (vLLM refuses to start otherwise). */
  readonly fits: boolean;
}

/**
 * TP sizes vLLM accepts for a model: tp divides the attention heads, and tp divides the KV heads or is a multiple
 * of them (KV heads are then replicated). vllm/config `ModelConfig.verify_with_parallel_config` and
 * `get_num_kv_heads`.
 */
export function isValidTensorParallel(model: ModelSpec, tp: number): boolean {
  return Number.isInteger(tp) && tp >= 1 && model.attentionHeads % tp === 0
    && (model.kvHeads % tp === 0 || tp % model.kvHeads === 0);
}

/** Valid TP sizes up to `maxTp`: powers of two first (they map onto NVLink topologies and GEMM tiles), then the rest. */
export function tensorParallelCandidates(model: ModelSpec, maxTp: number): number[] {
  const valid: number[] = [];
  for (let t = 1; t <= maxTp; t++) if (isValidTensorParallel(model, t)) valid.push(t);
  const pow2 = valid.filter((t) => (t & (t - 1)) === 0);
  return [...pow2, ...valid.filter((t) => (t & (t - 1)) !== 0)];
}

/** Memory of a layout: weights, activation reserve, KV capacity, and whether a max-model-len sequence fits. */
export function layoutMemory(i: LayoutInputs, tp: number, pp: number): LayoutMemory {
  const weights = weightBytes(i.model, i.precision, tp, pp);
  const activationBytesPerGpu = activationPeakBytes(i.model, tp, i.maxNumBatchedTokens, i.maxNumSeqs);
  const kv = kvCapacity({
    model: i.model, memoryBytes: i.gpu.memoryBytes, gpuMemoryUtilization: i.gpuMemoryUtilization,
    weightsBytesPerGpu: weights.perGpuBytes, activationBytesPerGpu, kvBytesPerElement: i.kvBytesPerElement, tp, pp,
  });
  const fits = kv.kvTokens >= blockRoundedTokens(kvTokensPerSequence(i.model, i.maxModelLen));
  return { tp, pp, weights, activationBytesPerGpu, kv, fits };
}

/**
 * Every fitting layout in the order the planner prefers: TP sizes up to `maxTensorParallel` smallest first, then, when
 * none holds the model, the widest TP with the fewest pipeline stages across nodes.
 */
export function fittingLayouts(i: LayoutInputs, fixedTp?: number): LayoutMemory[] {
  const inNode = fixedTp !== undefined ? [fixedTp] : tensorParallelCandidates(i.model, i.maxTensorParallel);
  const fitting = inNode.map((tp) => layoutMemory(i, tp, 1)).filter((l) => l.fits);
  if (fitting.length > 0) return fitting;
  const widest = fixedTp ?? Math.max(...tensorParallelCandidates(i.model, i.maxTensorParallel));
  if (fixedTp !== undefined && fixedTp < Math.max(...tensorParallelCandidates(i.model, i.maxTensorParallel))) return [];
  for (let pp = 2; pp <= Math.min(i.model.layers, MAX_PIPELINE_STAGES); pp++) {
    const l = layoutMemory(i, widest, pp);
    if (l.fits) return [l];
  }
  return [];
}

/** The error for a model that fits no layout: how many GPUs the weights alone need. */
export function doesNotFitError(i: LayoutInputs, fixedTp?: number): PlanningError {
  const total = weightBytes(i.model, i.precision, 1, 1).totalBytes;
  const usable = i.gpu.memoryBytes * i.gpuMemoryUtilization;
  const minGpus = Math.ceil(total / usable);
  const gb = (b: number): string => `${(b / 1e9).toFixed(1)} GB`;
  if (fixedTp !== undefined) {
    return new PlanningError('tensorParallel', String(fixedTp),
      `${i.model.id} (${i.precision}) does not fit on ${fixedTp}× ${i.gpu.id} with max-model-len ${i.maxModelLen}: weights ${gb(total)} need ≥ ${minGpus} GPUs at gpu-memory-utilization ${i.gpuMemoryUtilization}; omit --tp to let the planner choose, use a lower precision (fp8/int4) or a shorter --max-model-len`);
  }
  return new PlanningError('model', i.model.id,
    `${i.model.id} (${i.precision}, ${gb(total)} of weights) needs at least ${minGpus} ${i.gpu.id} for weights alone and fits no layout of up to ${MAX_PIPELINE_STAGES} pipeline stages × ${i.maxTensorParallel} GPUs; use fp8/int4, a GPU with more memory, or a shorter --max-model-len`);
}
