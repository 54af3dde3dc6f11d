import { InferencePlan } from './inference-plan';
import { InferencePlanProps } from './inference-props';
import { doesNotFitError, fittingLayouts, isValidTensorParallel, LayoutInputs, LayoutMemory } from './layout';
import { replicasForLog } from './log-replay';
import { blockRoundedTokens, engineBatchDefaults, KV_BLOCK_TOKENS } from './memory';
import { kvTokensPerSequence } from './model-math';
import { InferencePrecision, KV_DTYPE_IDS, KvCacheDtype, kvBytesPerElement, PRECISION_IDS } from './quantization';
import { capacityAtSlo, loadPoint, prefillIterations, ReplicaModel } from './queueing';
import { RequestMix } from './request-mix';
import { ALLREDUCE_BUS_EFFICIENCY, allReduceLatencySeconds, decodeStep, DEFAULT_INTER_NODE_BYTES_PER_SECOND_PER_GPU, Layout, PCIE_RING_STEP_LATENCY_SECONDS, prefill } from './speed';
import { PlanningError } from '../../errors';
import { indexerCacheBytesPerTokenPerLayer } from '../catalog/kv-cache';
import { requireInRange, requireOneOf, requirePositive, requirePositiveInteger } from '../private/checks';
import { defaultNodeFor } from '../private/default-node';
import { Explanation } from '../private/explanation';
import { SEARCHED_TENSOR_PARALLEL_LIMIT } from '../private/tensor-parallel';

/** vLLM's default `--gpu-memory-utilization` (vllm/engine/arg_utils.py `EngineArgs.gpu_memory_utilization = 0.9`). */
export const DEFAULT_GPU_MEMORY_UTILIZATION = 0.9;

/**
 * Default cap on max-model-len: 32,768 tokens. vLLM defaults to the model's full context (131,072 for Llama 3.1), which
 * reserves KV for rare long requests and refuses to start when one such sequence does not fit (vLLM issue #6746:
 * 405B FP8 on 8×H100). Every request of the Azure LLM inference trace 2023 (Patel et al., Splitwise, ISCA 2024;
 * ../shared/data/azure-llm-inference-2023) is under 15,100 tokens (prompt + output), so 32,768 leaves 2× headroom.
 */
export const DEFAULT_MAX_MODEL_LEN_CAP = 32768;

/** Prompt length for the prefill figures when no traffic is given (DESIGN.md, `--prompt-tokens` default 2048). */
export const DEFAULT_PROMPT_TOKENS = 2048;

/** Availability at or above which at least two replicas are kept: 0.999 allows 43 min of downtime a month, less than
 * a single replica loses to one node drain plus a multi-minute model load, so a second replica must carry traffic. */
export const HA_AVAILABILITY = 0.999;

/** Default availability objective. */
export const DEFAULT_AVAILABILITY = 0.99;

/**
 * Max replicas = peak × 1.2 / capacity: new replicas take `modelLoadSeconds` (minutes) to serve, so the autoscaler
 * needs room above the forecast peak for forecast error and growth during that lead time.
 */
export const MAX_REPLICA_HEADROOM = 1.2;

/** Model-cache read bandwidth per node when not given: 2 GB/s (a network volume or object-store cache; local NVMe is faster). */
export const DEFAULT_STORAGE_BYTES_PER_SECOND = 2e9;

/** Engine warm-up after weights are loaded: memory profiling, torch.compile and CUDA-graph capture (vLLM V1 logs ~25 s of
 * torch.compile plus graph capture on H100; 60 s budgets for both). */
export const ENGINE_WARMUP_SECONDS = 60;

/** Plans how to serve a model: layout, memory, KV capacity, speed and replicas. */
export class InferencePlanner {
  /**
   * Builds an inference plan, or throws a PlanningError naming the field, the value and the fix.
   * @param props model, GPU, precision, traffic and SLO
   */
  public static plan(props: InferencePlanProps): InferencePlan {
    return planInference(props);
  }

  private constructor() {}
}

interface Checked {
  precision: InferencePrecision; kvDtype: KvCacheDtype; util: number; promptTokens: number; outputTokens: number;
  maxModelLen: number; gpusPerNode: number; maxTensorParallel: number; nodeReason: string; availability: number;
  /** The traffic's request mix: given, or binned from the request log. */
  requestMix?: RequestMix;
}

function check(props: InferencePlanProps): Checked {
  const { model, gpu } = props;
  if (!model || !gpu) throw new PlanningError(!model ? 'model' : 'gpu', 'undefined', 'is required');
  const precision = requireOneOf('precision', props.precision ?? InferencePrecision.BF16, PRECISION_IDS) as InferencePrecision;
  const kvDtype = requireOneOf('kvCacheDtype', props.kvCacheDtype ?? KvCacheDtype.BF16, KV_DTYPE_IDS) as KvCacheDtype;
  const util = props.gpuMemoryUtilization ?? DEFAULT_GPU_MEMORY_UTILIZATION;
  if (typeof util !== 'number' || !Number.isFinite(util) || util <= 0 || util > 1) {
    throw new PlanningError('gpuMemoryUtilization', String(util), 'must be greater than 0 and at most 1 (vLLM default 0.9)');
  }
  if (props.nodeShape && props.nodeShape.gpuType.id !== gpu.id) {
    throw new PlanningError('nodeShape', props.nodeShape.id, `carries ${props.nodeShape.gpuType.id}, not ${gpu.id}; pick a node shape with ${gpu.id} or use --gpu ${props.nodeShape.gpuType.id}`);
  }
  const t = props.traffic;
  if (t) {
    requirePositiveInteger('traffic.promptTokens', t.promptTokens);
    requirePositiveInteger('traffic.outputTokens', t.outputTokens);
    requirePositive('traffic.peakRequestsPerSecond', t.peakRequestsPerSecond);
  }
  const requestMix = t?.requestMix ?? t?.requestLog?.toMix();
  if (t && requestMix) checkMixMeans(t.promptTokens, t.outputTokens, requestMix);
  if (t?.requestLog && !props.slo) {
    throw new PlanningError('traffic.requestLog', `${t.requestLog.requestCount} requests`, 'sizes replicas against an SLO: give slo.ttftP95Seconds and slo.tpotP95Seconds too');
  }
  if (props.slo) {
    requirePositive('slo.ttftP95Seconds', props.slo.ttftP95Seconds);
    requirePositive('slo.tpotP95Seconds', props.slo.tpotP95Seconds);
    if (props.slo.availability !== undefined) requireInRange('slo.availability', props.slo.availability, 0, 0.99999);
  }
  const promptTokens = t?.promptTokens ?? requirePositiveInteger('promptTokens', props.promptTokens ?? DEFAULT_PROMPT_TOKENS);
  const outputTokens = t?.outputTokens ?? 0;
  let maxModelLen: number;
  if (props.maxModelLen !== undefined) {
    requirePositiveInteger('maxModelLen', props.maxModelLen);
    if (props.maxModelLen > model.maxPositionEmbeddings) {
      throw new PlanningError('maxModelLen', String(props.maxModelLen), `${model.id} was trained for ${model.maxPositionEmbeddings} tokens; use at most ${model.maxPositionEmbeddings}`);
    }
    maxModelLen = props.maxModelLen;
  } else {
    maxModelLen = Math.min(model.maxPositionEmbeddings, Math.max(DEFAULT_MAX_MODEL_LEN_CAP, promptTokens + outputTokens, requestMix?.longestSequenceTokens ?? 0));
  }
  if (requestMix && requestMix.longestSequenceTokens > maxModelLen) {
    throw new PlanningError(t?.requestMix ? 'traffic.requestMix' : 'traffic.requestLog', `longest request ${requestMix.longestSequenceTokens} tokens`,
      `exceeds max-model-len ${maxModelLen}; raise --max-model-len (model limit ${model.maxPositionEmbeddings}) or drop the requests that vLLM would reject`);
  }
  if (promptTokens + outputTokens > maxModelLen) {
    throw new PlanningError(t ? 'traffic.promptTokens' : 'promptTokens', String(promptTokens),
      `prompt + output (${promptTokens + outputTokens} tokens) exceeds max-model-len ${maxModelLen}; raise --max-model-len (model limit ${model.maxPositionEmbeddings}) or shorten requests`);
  }
  const e = props.evaluationPoint;
  if (e) {
    requirePositiveInteger('evaluationPoint.batch', e.batch);
    requirePositiveInteger('evaluationPoint.contextTokens', e.contextTokens);
    if (e.contextTokens > maxModelLen) {
      throw new PlanningError('evaluationPoint.contextTokens', String(e.contextTokens), `exceeds max-model-len ${maxModelLen}; raise --max-model-len or lower --context-tokens`);
    }
  }
  const node = props.nodeShape ? { gpusPerNode: props.nodeShape.gpuCount, reason: `node shape ${props.nodeShape.id}` } : defaultNodeFor(gpu);
  const gpusPerNode = node.gpusPerNode;
  // Tensor parallelism stays on NVLink: inside one node, or across the nodes of a rack-scale NVLink domain (GB200 NVL72:
  // trays of 4 GPUs, 72 on one NVLink), where the search still tries at most one HGX board's worth (8), as for training.
  const domainSpansNodes = gpu.nvlinkDomainSize > gpusPerNode;
  const tpLimit = domainSpansNodes ? gpu.nvlinkDomainSize : gpusPerNode;
  const maxTensorParallel = domainSpansNodes ? Math.min(tpLimit, Math.max(gpusPerNode, SEARCHED_TENSOR_PARALLEL_LIMIT)) : gpusPerNode;
  if (props.tensorParallel !== undefined) {
    requirePositiveInteger('tensorParallel', props.tensorParallel);
    if (!isValidTensorParallel(model, props.tensorParallel)) {
      throw new PlanningError('tensorParallel', String(props.tensorParallel),
        `must divide ${model.id}'s ${model.attentionHeads} attention heads and divide or be a multiple of its ${model.kvHeads} KV heads (e.g. 1, 2, 4, 8)`);
    }
    if (props.tensorParallel > tpLimit) {
      throw new PlanningError('tensorParallel', String(props.tensorParallel), domainSpansNodes
        ? `exceeds the ${tpLimit}-GPU NVLink domain of ${gpu.id}; use at most ${tpLimit} (the planner adds pipeline stages beyond it)`
        : `exceeds the ${gpusPerNode} GPUs of one node (${node.reason}); use at most ${gpusPerNode} (the planner adds pipeline stages across nodes)${props.nodeShape ? '' : ', or give a node shape'}`);
    }
  }
  if (props.maxNumBatchedTokens !== undefined) requirePositiveInteger('maxNumBatchedTokens', props.maxNumBatchedTokens);
  if (props.storageBytesPerSecond !== undefined) requirePositive('storageBytesPerSecond', props.storageBytesPerSecond);
  return {
    precision, kvDtype, util, promptTokens, outputTokens, maxModelLen, gpusPerNode, maxTensorParallel: Math.max(maxTensorParallel, props.tensorParallel ?? 1),
    nodeReason: node.reason, availability: props.slo?.availability ?? DEFAULT_AVAILABILITY, requestMix,
  };
}

/** The smallest value whose cumulative weight reaches `q` of the total, and its index. */
function weightedQuantile(values: number[], weights: number[], q: number): { value: number; index: number } {
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const total = weights.reduce((a, w) => a + w, 0);
  let seen = 0;
  for (const i of order) {
    seen += weights[i];
    if (seen >= q * total * (1 - 1e-12)) return { value: values[i], index: i };
  }
  const last = order[order.length - 1];
  return { value: values[last], index: last };
}

/** The traffic's means must be the mix's, so the memory, context and floors sized on them describe the same requests. */
function checkMixMeans(promptTokens: number, outputTokens: number, mix: RequestMix): void {
  for (const [field, given, mean] of [['traffic.promptTokens', promptTokens, mix.meanPromptTokens], ['traffic.outputTokens', outputTokens, mix.meanOutputTokens]] as const) {
    if (Math.abs(given - mean) > 0.5 + 0.01 * mean) {
      throw new PlanningError(field, String(given), `must be the request mix's mean, ${Math.round(mean)} (within 1%), or leave out traffic.requestMix`);
    }
  }
}

function toLayout(props: InferencePlanProps, c: Checked, i: LayoutInputs, m: LayoutMemory): Layout {
  const shape = props.nodeShape;
  const interNode = shape ? shape.networkBandwidthBitsPerSecond / 8 / shape.gpuCount : DEFAULT_INTER_NODE_BYTES_PER_SECOND_PER_GPU;
  return {
    model: props.model, gpu: props.gpu, precision: c.precision, kvBytesPerElement: i.kvBytesPerElement, tp: m.tp, pp: m.pp,
    weightsBytesPerGpu: m.weights.perGpuBytes, interNodeBytesPerSecondPerGpu: interNode, maxNumBatchedTokens: i.maxNumBatchedTokens,
  };
}

function planInference(props: InferencePlanProps): InferencePlan {
  const c = check(props);
  const { model, gpu } = props;
  const x = new Explanation();
  const defaults = engineBatchDefaults(gpu.memoryBytes, gpu.id);
  const maxNumBatchedTokens = Math.max(props.maxNumBatchedTokens ?? defaults.maxNumBatchedTokens, 1);
  const inputs: LayoutInputs = {
    model, gpu, precision: c.precision, kvBytesPerElement: kvBytesPerElement(c.kvDtype), gpuMemoryUtilization: c.util,
    maxModelLen: c.maxModelLen, maxNumBatchedTokens, maxNumSeqs: defaults.maxNumSeqs, maxTensorParallel: c.maxTensorParallel,
  };
  const candidates = fittingLayouts(inputs, props.tensorParallel);
  if (candidates.length === 0) throw doesNotFitError(inputs, props.tensorParallel);

  // Latency floors at zero load decide among fitting layouts when an SLO is given.
  const seqTokens = c.promptTokens + c.outputTokens;
  const floorContext = c.promptTokens + Math.ceil(c.outputTokens / 2);
  // With a request mix the TTFT floor is the p95 over its classes: the SLO is a percentile of every request's TTFT.
  const floorPrompts = c.requestMix?.classes ?? [{ promptTokens: c.promptTokens, outputTokens: c.outputTokens, share: 1 }];
  const floors = candidates.map((m) => {
    const l = toLayout(props, c, inputs, m);
    const step = decodeStep(l, 1, floorContext).seconds;
    const ttfts = floorPrompts.map((k) => prefill(l, k.promptTokens).seconds + prefillIterations(k.promptTokens, maxNumBatchedTokens, 0) * step);
    const p95 = weightedQuantile(ttfts, floorPrompts.map((k) => k.share), 0.95);
    return { m, l, ttft: p95.value, floorPromptTokens: floorPrompts[p95.index].promptTokens, tpot: step };
  });
  const slo = props.slo;
  const requestMix = c.requestMix;
  const perSeq = (ctx: number): number => blockRoundedTokens(kvTokensPerSequence(model, ctx));
  const typicalContext = props.evaluationPoint?.contextTokens ?? (props.traffic ? seqTokens : c.promptTokens);
  const decodeContext = c.promptTokens + Math.ceil(c.outputTokens / 2);
  // One replica of a layout: its engine's sequence limit, its queueing model and its capacity within the SLO.
  const sizeReplica = (m: LayoutMemory, l: Layout): { maxNumSeqs: number; replicaModel: ReplicaModel; rps: number } => {
    const kvTokens = m.kv.kvTokens;
    const maxNumSeqs = Math.max(1, Math.min(defaults.maxNumSeqs, Math.floor(kvTokens / perSeq(typicalContext)), maxNumBatchedTokens));
    const replicaModel: ReplicaModel = {
      prefillSeconds: prefill(l, c.promptTokens).seconds, promptTokens: c.promptTokens, maxNumBatchedTokens, outputTokens: Math.max(1, c.outputTokens),
      stepSeconds: (b: number) => decodeStep(l, b, decodeContext).seconds,
      maxBatch: Math.max(1, Math.min(maxNumSeqs, Math.floor(kvTokens / perSeq(seqTokens)))),
      mix: requestMix?.classes.map((k) => ({ weight: k.share, promptTokens: k.promptTokens, outputTokens: k.outputTokens, prefillSeconds: prefill(l, k.promptTokens).seconds })),
    };
    return { maxNumSeqs, replicaModel, rps: capacityAtSlo(replicaModel, slo?.ttftP95Seconds ?? Infinity, slo?.tpotP95Seconds ?? Infinity) };
  };
  const meetFloors = slo ? floors.filter((f) => f.tpot <= slo.tpotP95Seconds && f.ttft <= slo.ttftP95Seconds) : [floors[0]];
  if (meetFloors.length === 0) {
    const best = floors[floors.length - 1];
    const ms = (s: number): string => `${(s * 1000).toFixed(1)} ms`;
    const hints = `use a larger --tp (this try: tp=${best.m.tp}), --precision fp8 or int4, or a GPU with more memory bandwidth`;
    if (best.tpot > slo!.tpotP95Seconds) {
      throw new PlanningError('slo.tpotP95Seconds', String(slo!.tpotP95Seconds),
        `below the decode floor of ${ms(best.tpot)} per token for ${model.id} on ${gpu.id} at batch 1 (tp=${best.m.tp}, ${(best.m.weights.perGpuBytes / 1e9).toFixed(1)} GB of weights per GPU at ${(gpu.hbmBandwidthBytesPerSecond / 1e12).toFixed(2)} TB/s); ${hints}`);
    }
    throw new PlanningError('slo.ttftP95Seconds', String(slo!.ttftP95Seconds),
      `below the prefill floor of ${ms(best.ttft)} for a ${best.floorPromptTokens}-token prompt${requestMix ? ' (the p95 request of the mix at zero load)' : ''} of ${model.id} on ${gpu.id} (tp=${best.m.tp}); ${hints}, or shorter prompts`);
  }
  // The smallest layout whose floors are met may still miss the SLO at every load (queueing adds to the floors): try larger ones.
  let chosen = meetFloors[0]; let sized = sizeReplica(chosen.m, chosen.l);
  for (const f of meetFloors.slice(1)) {
    if (sized.rps > 0) break;
    chosen = f; sized = sizeReplica(f.m, f.l);
  }
  if (!(sized.rps > 0)) {
    throw new PlanningError('slo', JSON.stringify(slo ?? {}), `${model.id} on ${chosen.m.tp * chosen.m.pp}× ${gpu.id} (the largest layout tried) cannot meet the SLO even at a trickle of load; loosen the SLO, use fp8/int4, or a faster GPU`);
  }
  const { m, l } = chosen;
  const tp = m.tp; const pp = m.pp;
  const gpusPerReplica = tp * pp;
  const nodesPerReplica = Math.ceil(gpusPerReplica / c.gpusPerNode);

  x.add('tensorParallel', tp, '', props.tensorParallel !== undefined ? 'given' : 'smallest valid TP (divides heads; powers of two first) that fits one max-model-len sequence' + (slo ? ' and meets the SLO at some load (zero-load floors first)' : ''), 'vllm ModelConfig.verify_with_parallel_config');
  x.add('pipelineParallel', pp, '', pp > 1 ? 'fewest stages across nodes that fit'
    : nodesPerReplica > 1 ? `one tensor-parallel group on the NVLink domain of ${gpu.nvlinkDomainSize} ${gpu.id}, across ${nodesPerReplica} nodes` : 'one node holds the replica');
  x.add('gpusPerReplica', gpusPerReplica, 'GPUs', `tp × pp = ${tp} × ${pp}`);
  x.add('nodesPerReplica', nodesPerReplica, 'nodes', `ceil(gpusPerReplica / ${c.gpusPerNode} GPUs per node: ${c.nodeReason})`);
  x.add('weightsBytes', m.weights.totalBytes, 'bytes', `block linears × ${c.precision} bytes/param + embeddings, lm_head, norms × 2 B`, 'quantization.ts rule; AWQ arXiv:2306.00978');
  x.add('weightsBytesPerGpu', m.weights.perGpuBytes, 'bytes', 'sharded / (tp·pp) + replicated / pp + vocab-parallel embedding/lm_head / tp', 'Megatron-LM §3; vLLM VocabParallelEmbedding');
  x.add('activationBytesPerGpu', m.activationBytesPerGpu, 'bytes', `max_num_batched_tokens ${maxNumBatchedTokens} × (hidden + 3·ffn/tp) × 2 B + max_num_seqs × vocab/tp × 4 B`, 'vllm gpu_worker.determine_available_memory profile_run');
  x.add('budgetBytesPerGpu', m.kv.budgetBytesPerGpu, 'bytes', `gpuMemoryUtilization ${c.util} × ${gpu.memoryBytes} B`, 'vllm/engine/arg_utils.py gpu_memory_utilization');
  const kvCacheBytesPerToken = model.kvCacheBytesPerToken(inputs.kvBytesPerElement);
  x.add('kvCacheBytesPerToken', kvCacheBytesPerToken, 'bytes', model.attentionKind === 'MLA' ? `layers × (kvLoraRank + qkRopeHeadDim) × bytes${model.sparseAttentionTopK > 0 ? ` + layers × ${indexerCacheBytesPerTokenPerLayer(model)} indexer bytes` : ''}`
    : '2 × layers × kvHeads × headDim × bytes', `Kwon et al. 2023; DeepSeek-V2 Table 1${model.sparseAttentionTopK > 0 ? '; DeepSeek-V3.2-Exp inference/model.py Indexer' : ''}`);
  x.add('kvCacheBytesPerTokenPerGpu', m.kv.kvBytesPerTokenPerGpu, 'bytes', `layers/pp × max(1, kvHeads/tp) heads (MLA: whole latent on every rank)${model.sparseAttentionTopK > 0
    ? ` + the sparse-attention indexer's FP8 key and scale; decode reads every token's indexer key but only the top ${model.sparseAttentionTopK} latents` : ''}`, 'vllm ModelConfig.get_num_kv_heads');
  const kvCacheTokens = m.kv.kvTokens;
  x.add('kvCacheTokens', kvCacheTokens, 'tokens', `floor((budget − weights − activations) / (kvBytesPerTokenPerGpu × ${KV_BLOCK_TOKENS})) × ${KV_BLOCK_TOKENS}`, 'vLLM block_size 16');
  const kvCacheBytesPerGpu = kvCacheTokens * m.kv.kvBytesPerTokenPerGpu;
  const kvCacheBytes = kvCacheBytesPerGpu * gpusPerReplica;

  const concurrencyContextTokens = props.evaluationPoint?.contextTokens ?? (props.traffic ? seqTokens : c.maxModelLen);
  const maxConcurrentSequences = Math.floor(kvCacheTokens / perSeq(concurrencyContextTokens));
  const window = model.slidingWindow > 0
    ? model.slidingWindowLayers < model.layers
      ? `the tokens a sequence keeps: ${concurrencyContextTokens} on ${model.layers - model.slidingWindowLayers} full layers, min(${concurrencyContextTokens}, ${model.slidingWindow}) on ${model.slidingWindowLayers} sliding, averaged`
      : `min(${concurrencyContextTokens}, slidingWindow ${model.slidingWindow}) tokens`
    : `${concurrencyContextTokens} tokens`;
  x.add('maxConcurrentSequences', maxConcurrentSequences, 'sequences', `floor(kvCacheTokens / blocks of ${window})`,
    model.slidingWindow > 0 ? 'Mistral 7B §2 rolling cache; vLLM hybrid KV-cache manager' : 'Kwon et al. 2023 (vLLM PagedAttention, arXiv:2309.06180)');
  const { maxNumSeqs, replicaModel, rps: poissonCapacity } = sized;
  x.add('maxNumSeqs', maxNumSeqs, 'sequences', `min(vLLM default ${defaults.maxNumSeqs}, KV tokens / ${typicalContext}-token sequences, max_num_batched_tokens ${maxNumBatchedTokens})`,
    'vllm EngineArgs.get_batch_defaults; SchedulerConfig requires max_num_batched_tokens ≥ max_num_seqs');

  // Speed.
  const pre = prefill(l, c.promptTokens);
  const prefillTokensPerSecond = c.promptTokens / pre.seconds;
  if (l.tp > 1) {
    const nvlink = l.gpu.nvlinkDomainSize > 1;
    x.add('allReduceLatencySeconds', allReduceLatencySeconds(l.gpu, l.tp), 's',
      nvlink ? `one small all-reduce over ${l.tp} GPUs on NVLink; 2 per layer per step` : `NCCL ring over PCIe: 2(tp − 1) = ${2 * (l.tp - 1)} steps × ${PCIE_RING_STEP_LATENCY_SECONDS * 1e6} µs; 2 per layer per step`,
      nvlink ? 'speed.ts INTRA_NODE_ALLREDUCE_LATENCY_SECONDS' : 'nccl-tests on PCIe-only GPUs (NVIDIA/nccl #757, #1530); speed.ts');
    const link = l.gpu.nvlinkBandwidthBytesPerSecond / 2;
    x.add('allReduceBusGBPerSecond', link * ALLREDUCE_BUS_EFFICIENCY / 1e9, 'GB/s',
      `${nvlink ? 'NVLink' : 'PCIe'} ${link / 1e9} GB/s one way × ${ALLREDUCE_BUS_EFFICIENCY}; a ring all-reduce of B bytes takes latency + 2(tp − 1)/tp × B / this`,
      'nccl-tests bus bandwidth (tinygrad/open-gpu-kernel-modules #36); speed.ts ALLREDUCE_BUS_EFFICIENCY');
  }
  x.add('prefillSeconds', pre.seconds, 's', `max(2·N_active·P + attention = ${pre.flops.toExponential(3)} FLOP / (tp × peak × 0.6), weight reads) + all-reduces + step overhead`, 'Kaplan et al. 2020 §2.1; speed.ts');
  x.add('prefillTokensPerSecond', prefillTokensPerSecond, 'tokens/s', `${c.promptTokens} / prefillSeconds`);

  if (requestMix) {
    x.add('requestClasses', requestMix.classes.length, 'classes', `request mix ${requestMix.sampled ? `binned from ${requestMix.sourceCount} requests` : 'given as classes'}: mean prompt ${requestMix.meanPromptTokens.toFixed(0)}, mean output ${requestMix.meanOutputTokens.toFixed(0)}, longest ${requestMix.longestSequenceTokens} tokens; each class prefilled at its own length`, 'request-mix.ts');
  }
  const queueName = requestMix ? 'M/G/1 prompt queue over the request classes' : 'M/D/1 prompt queue';
  const poissonFormula: [string, string] = [slo ? `highest Poisson rate with p95 TTFT (${queueName} + iteration residual + own chunks) and p95 TPOT (decode window as a busy period) within the SLO` : 'highest stable Poisson rate (no SLO given)',
    requestMix ? 'Kleinrock 1975 §5.7 (Pollaczek–Khinchine); Cramér–Lundberg M/G/1 tail; queueing.ts' : 'Kleinrock 1975 §5.7; Erlang\'s M/D/1 waiting-time distribution (Franx 2001); queueing.ts'];
  const poissonReplicas = props.traffic ? Math.ceil(props.traffic.peakRequestsPerSecond / poissonCapacity) : 1;
  const log = props.traffic?.requestLog;
  const replayed = log && slo ? replicasForLog(log, {
    stepSeconds: replicaModel.stepSeconds, prefillSeconds: (p: number) => prefill(l, p).seconds, maxNumBatchedTokens, maxNumSeqs: replicaModel.maxBatch,
  }, slo.ttftP95Seconds, slo.tpotP95Seconds) : undefined;
  const replicasAtPeak = Math.max(poissonReplicas, replayed?.replicas ?? 0);
  // Beyond 2^53 replica counts are no longer exact, and peak / replicas can round above one replica's capacity.
  if (props.traffic && !Number.isSafeInteger(Math.ceil(replicasAtPeak * MAX_REPLICA_HEADROOM))) {
    throw new PlanningError('traffic.peakRequestsPerSecond', String(props.traffic.peakRequestsPerSecond),
      `needs ${replicasAtPeak.toExponential(2)} replicas of ${poissonCapacity.toPrecision(3)} req/s each, more than can be counted exactly (${Number.MAX_SAFE_INTEGER}); check the rate's unit (requests per second)`);
  }
  if (log && replayed) {
    x.add('replicasForRequestLog', replayed.replicas, 'replicas', `fewest replicas (doubling, then bisection) over which the log's ${log.requestCount} requests (${log.durationSeconds.toFixed(0)} s, mean ${log.meanRequestsPerSecond.toPrecision(4)} req/s, busiest minute ${log.busiestRequestsPerSecond().toPrecision(4)} req/s), replayed round-robin through the scheduler simulation, meet the SLO: p95 TTFT ${(replayed.ttftP95Seconds * 1e3).toFixed(0)} ms, p95 TPOT ${(replayed.tpotP95Seconds * 1e3).toFixed(1)} ms; the Poisson model at the peak needs ${poissonReplicas}`, 'trace-driven sizing (Vidur, MLSys 2024); engine-simulation.ts');
  }
  // A burstier log than Poisson lowers what one replica can take: autoscaling and pre-scaling then follow that rate.
  const rpsPerReplica = replayed && props.traffic && replayed.replicas > poissonReplicas ? props.traffic.peakRequestsPerSecond / replayed.replicas : poissonCapacity;
  if (rpsPerReplica < poissonCapacity) {
    x.add('poissonRequestsPerSecondPerReplica', poissonCapacity, 'req/s', ...poissonFormula);
    x.add('requestsPerSecondPerReplica', rpsPerReplica, 'req/s', `peak ${props.traffic!.peakRequestsPerSecond.toPrecision(4)} req/s / ${replayed!.replicas} replicas from the log replay (burstier than Poisson)`);
  } else {
    x.add('requestsPerSecondPerReplica', rpsPerReplica, 'req/s', ...poissonFormula);
  }

  const atCapacity = loadPoint(replicaModel, rpsPerReplica);
  const concurrencyPerReplica = atCapacity.stable ? atCapacity.meanConcurrency : 1;
  x.add('concurrencyPerReplica', concurrencyPerReplica, 'requests', `mean in-flight requests at ${rpsPerReplica.toPrecision(4)} req/s: λ × (TTFT + output tokens × TPOT)`, "Little's law (Little 1961)");

  let batch: number; let context: number; let ttft: number; let tpot: number; let decodeTps: number; let decodeTpsFormula: string;
  const e = props.evaluationPoint;
  if (e) {
    if (e.batch > Math.floor(kvCacheTokens / perSeq(e.contextTokens))) {
      throw new PlanningError('evaluationPoint.batch', String(e.batch), `only ${Math.floor(kvCacheTokens / perSeq(e.contextTokens))} sequences of ${e.contextTokens} tokens fit in one replica's KV cache (${kvCacheTokens} tokens); lower --batch or --context-tokens`);
    }
    batch = e.batch; context = e.contextTokens;
    tpot = decodeStep(l, batch, context).seconds;
    ttft = pre.seconds;
    decodeTps = batch / tpot; decodeTpsFormula = `batch ${batch} / TPOT`;
    x.add('tpotSeconds', tpot, 's', `decode step at batch ${batch}, ${context} tokens of context: max(HBM bytes / (bandwidth × 0.8), FLOPs / (peak × 0.6)) + all-reduces + 1.5 ms`, 'roofline, Williams et al. 2009; speed.ts');
    x.add('ttftSeconds', ttft, 's', 'prefill of one prompt at zero load');
  } else if (props.traffic) {
    const load = loadPoint(replicaModel, props.traffic.peakRequestsPerSecond / replicasAtPeak);
    batch = load.p95Concurrency; context = decodeContext;
    ttft = load.ttftP95Seconds; tpot = load.tpotP95Seconds;
    decodeTps = load.meanConcurrency / load.tpotMeanSeconds;
    decodeTpsFormula = `mean concurrency ${load.meanConcurrency.toPrecision(4)} / mean TPOT ${(load.tpotMeanSeconds * 1e3).toPrecision(4)} ms`;
    x.add('ttftSeconds', ttft, 's', `p95 TTFT at ${(props.traffic.peakRequestsPerSecond / replicasAtPeak).toPrecision(4)} req/s per replica (peak / ${replicasAtPeak} replicas): rest of the iteration in progress + prompt-queue wait + own prefill chunks + prompts that share its last chunk`, requestMix ? 'M/G/1 waiting-time tail over the classes (Cramér–Lundberg); vLLM V1 scheduler; queueing.ts' : 'M/D/1 waiting-time p95 (Erlang; Cramér–Lundberg tail); vLLM V1 scheduler; queueing.ts');
    x.add('tpotSeconds', tpot, 's', requestMix
      ? 'p95 TPOT over the classes\' decode windows: output − 1 steps at 1 + p95 concurrency, stretched by the prompts prefilled meanwhile (busy period, normal), at most one full-budget iteration per token'
      : `p95 TPOT: ${Math.max(1, c.outputTokens - 1)} steps at 1 + p95 concurrency, stretched by the prompts prefilled meanwhile (busy period, mean + 1.645 sd, at most one full-budget iteration per token), / ${Math.max(1, c.outputTokens - 1)}`, 'M/G/∞ occupancy; delay busy period, Kleinrock 1975 §5.8');
  } else {
    batch = 1; context = c.promptTokens;
    tpot = decodeStep(l, 1, context).seconds;
    ttft = pre.seconds;
    decodeTps = 1 / tpot; decodeTpsFormula = 'batch 1 / TPOT';
    x.add('tpotSeconds', tpot, 's', `decode step at batch 1 with ${context} tokens of context`, 'speed.ts');
    x.add('ttftSeconds', ttft, 's', 'prefill of one prompt at zero load');
  }
  x.add('decodeTokensPerSecond', decodeTps, 'tokens/s', decodeTpsFormula);

  const haFloor = c.availability >= HA_AVAILABILITY ? 2 : 1;
  const min = haFloor;
  const max = props.traffic
    ? Math.max(min, Math.ceil(props.traffic.peakRequestsPerSecond * MAX_REPLICA_HEADROOM / rpsPerReplica), replicasAtPeak + (haFloor > 1 ? 1 : 0))
    : min;
  x.add('replicas.min', min, 'replicas', `availability ${c.availability} ${c.availability >= HA_AVAILABILITY ? '≥' : '<'} ${HA_AVAILABILITY} → ${haFloor}`);
  x.add('replicas.max', max, 'replicas', props.traffic ? `max(ceil(peak × ${MAX_REPLICA_HEADROOM} / capacity), atPeak${haFloor > 1 ? ' + 1' : ''})${log ? ', atPeak the larger of the Poisson and log-replay counts' : ''}` : 'no traffic given: min');

  const storage = props.storageBytesPerSecond ?? DEFAULT_STORAGE_BYTES_PER_SECOND;
  const gpusOnBusiestNode = Math.min(gpusPerReplica, c.gpusPerNode);
  const modelLoadSeconds = (m.weights.perGpuBytes * gpusOnBusiestNode) / storage + ENGINE_WARMUP_SECONDS;
  x.add('modelLoadSeconds', modelLoadSeconds, 's', `weights on one node / ${storage.toExponential(2)} B/s + ${ENGINE_WARMUP_SECONDS} s warm-up`);

  return InferencePlan._create({
    modelId: model.id, gpuId: gpu.id, precision: c.precision, kvCacheDtype: c.kvDtype, tensorParallel: tp, pipelineParallel: pp,
    gpusPerReplica, nodesPerReplica,
    memory: {
      weightsBytes: m.weights.totalBytes, weightsBytesPerGpu: m.weights.perGpuBytes, activationBytesPerGpu: m.activationBytesPerGpu,
      kvCacheBytes, kvCacheBytesPerGpu, budgetBytesPerGpu: m.kv.budgetBytesPerGpu,
    },
    kvCacheBytesPerToken, kvCacheTokens, maxConcurrentSequences, concurrencyContextTokens, maxModelLen: c.maxModelLen,
    gpuMemoryUtilization: c.util, maxNumSeqs, maxNumBatchedTokens,
    throughput: { prefillTokensPerSecond, decodeTokensPerSecond: decodeTps },
    latency: { ttftSeconds: ttft, tpotSeconds: tpot },
    evaluationBatch: batch, evaluationContextTokens: context, promptTokens: c.promptTokens,
    replicas: { min, max, atPeak: props.traffic ? replicasAtPeak : min },
    requestsPerSecondPerReplica: rpsPerReplica, concurrencyPerReplica, requestClasses: requestMix?.classes.length ?? 1, modelLoadSeconds, explanation: x,
    ttftSloSeconds: slo?.ttftP95Seconds, tpotSloSeconds: slo?.tpotP95Seconds, availability: c.availability,
  });
}
