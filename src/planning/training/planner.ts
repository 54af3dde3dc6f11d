import { PlanningError } from '../../errors';
import { AttentionKind, GpuType, ModelSpec, NodeShape } from '../catalog';
import { bytesPerParameter, GradientBuffer, usesFp8 } from './bytes-per-parameter';
import { Layout, PlanContext } from './context';
import { candidateGpuCounts, FixedParallelism, nearbyValidGpuCounts, SearchResult, searchLayouts, validateFixed } from './layout-search';
import { splitOf, worstStageMemory } from './memory';
import { modelFlopsPerToken, modelShape } from './model-math';
import { rankLayers } from './pipeline-schedule';
import { ExpertDispatcher, OptimizerKind, RecomputeMode, RecomputeModule, TrainingFramework, TrainingPrecision } from './precision';
import { DEFAULT_BF16_EFFICIENCY, DEFAULT_FP8_EFFICIENCY, stepTime } from './step-time';
import { TrainingPlan } from './training-plan';
import { TrainingPlanProps } from './training-types';
import { requireInRange, requireNonNegativeInteger, requirePositive, requirePositiveInteger } from '../private/checks';
import { defaultNodeFor } from '../private/default-node';
import { Explanation, formatQuantity } from '../private/explanation';
import { SEARCHED_TENSOR_PARALLEL_LIMIT } from '../private/tensor-parallel';

/**
 * Inter-node bandwidth per GPU when no node shape is given: 400 Gb/s, one 400G NIC per GPU as on
 * DGX H100 / p5.48xlarge (3200 Gb/s for 8 GPUs).
 */
const DEFAULT_NETWORK_BITS_PER_SECOND_PER_GPU = 400e9;

/** Entry point of the training planner (a class because jsii cannot export free functions). */
export class TrainingPlanner {
  /** Plans a training run; throws a PlanningError naming the field, value and fix when nothing fits. */
  public static plan(props: TrainingPlanProps): TrainingPlan {
    return planTraining(props);
  }

  private constructor() {}
}

function resolve(props: TrainingPlanProps): { ctx: PlanContext; fixed: FixedParallelism } {
  if (!props || !(props.model instanceof ModelSpec)) throw new PlanningError('model', String(props?.model), 'must be a ModelSpec, e.g. ModelSpec.of(\'llama-3.1-8b\')');
  if (!(props.gpu instanceof GpuType)) throw new PlanningError('gpu', String(props.gpu), 'must be a GpuType, e.g. GpuType.of(\'h100-sxm-80gb\')');
  const seqLen = requirePositiveInteger('sequenceLength', props.sequenceLength);
  const gbt = requirePositiveInteger('globalBatchTokens', props.globalBatchTokens);
  if (gbt % seqLen !== 0) {
    throw new PlanningError('globalBatchTokens', String(gbt), `must be a multiple of sequenceLength ${seqLen}; e.g. ${Math.max(1, Math.round(gbt / seqLen)) * seqLen}`);
  }
  const framework = props.framework ?? TrainingFramework.MEGATRON;
  if (!Object.values(TrainingFramework).includes(framework)) throw new PlanningError('framework', String(framework), `must be one of ${Object.values(TrainingFramework).join(', ')}`);
  const precision = props.precision ?? TrainingPrecision.BF16_MIXED;
  if (!Object.values(TrainingPrecision).includes(precision)) throw new PlanningError('precision', String(precision), `must be one of ${Object.values(TrainingPrecision).join(', ')}`);
  const optimizer = props.optimizer ?? OptimizerKind.ADAMW;
  if (!Object.values(OptimizerKind).includes(optimizer)) throw new PlanningError('optimizer', String(optimizer), `must be one of ${Object.values(OptimizerKind).join(', ')}`);
  // Megatron-LM's default is no recompute; `--recompute-modules` implies `--recompute-granularity selective`.
  const recompute = props.recompute ?? (framework === TrainingFramework.MEGATRON && props.recomputeModules !== undefined ? RecomputeMode.SELECTIVE : RecomputeMode.NONE);
  if (!Object.values(RecomputeMode).includes(recompute)) throw new PlanningError('recompute', String(recompute), `must be one of ${Object.values(RecomputeMode).join(', ')}`);
  const zeroStage = props.zeroStage ?? (framework === TrainingFramework.MEGATRON ? 1 : framework === TrainingFramework.FSDP ? 3 : 0);
  if (!Number.isInteger(zeroStage) || zeroStage < 0 || zeroStage > 3) throw new PlanningError('zeroStage', String(zeroStage), 'must be 0, 1, 2 or 3');
  if (usesFp8(precision) && props.gpu.tflopsFp8 <= 0) {
    throw new PlanningError('precision', precision, `${props.gpu.id} has no FP8 tensor cores; use bf16-mixed or a Hopper/Blackwell/MI300 GPU`);
  }
  const node = props.nodeShape;
  if (node && node.gpuType.id !== props.gpu.id) {
    throw new PlanningError('nodeShape', node.id, `carries ${node.gpuType.id}, not ${props.gpu.id}; pick a node shape with ${props.gpu.id} or change --gpu`);
  }
  // Nodes count machines; the NVLink domain bounds fast communication. On an HGX board they coincide (8); a GB200 NVL72
  // rack joins 18 trays of 4 GPUs into one 72-GPU domain; PCIe GPUs talk inside their node (over PCIe, domain 1).
  const gpusPerNode = node ? node.gpuCount : props.gpu.nvlinkDomainSize > 1 ? defaultNodeFor(props.gpu).gpusPerNode : 1;
  const nvlinkDomainGpus = Math.max(gpusPerNode, props.gpu.nvlinkDomainSize);
  const tpMax = Math.max(1, Math.min(nvlinkDomainGpus, props.gpu.nvlinkDomainSize));
  const networkBits = node ? node.networkBandwidthBitsPerSecond / node.gpuCount : DEFAULT_NETWORK_BITS_PER_SECOND_PER_GPU;
  const eff = props.computeEfficiency === undefined ? (usesFp8(precision) ? DEFAULT_FP8_EFFICIENCY : DEFAULT_BF16_EFFICIENCY)
    : requireInRange('computeEfficiency', props.computeEfficiency, 0.01, 1);
  const overlap = props.dpOverlapFraction === undefined ? 0.8 : requireInRange('dpOverlapFraction', props.dpOverlapFraction, 0, 1);
  const reserve = props.memoryReserveFraction === undefined ? undefined : requireInRange('memoryReserveFraction', props.memoryReserveFraction, 0, 0.9);
  const vpp = props.virtualPipelineStages === undefined ? undefined : requirePositiveInteger('virtualPipelineStages', props.virtualPipelineStages);
  const fixed: FixedParallelism = {
    tp: props.tensorParallel === undefined ? undefined : requirePositiveInteger('tensorParallel', props.tensorParallel),
    pp: props.pipelineParallel === undefined ? undefined : requirePositiveInteger('pipelineParallel', props.pipelineParallel),
    cp: props.contextParallel === undefined ? undefined : requirePositiveInteger('contextParallel', props.contextParallel),
    ep: props.expertParallel === undefined ? undefined : requirePositiveInteger('expertParallel', props.expertParallel),
    etp: props.expertTensorParallel === undefined ? undefined : requirePositiveInteger('expertTensorParallel', props.expertTensorParallel),
    microBatch: props.microBatch === undefined ? undefined : requirePositiveInteger('microBatch', props.microBatch),
  };
  const expertDispatcher = props.expertDispatcher ?? ExpertDispatcher.ALL_TO_ALL;
  if (!Object.values(ExpertDispatcher).includes(expertDispatcher)) {
    throw new PlanningError('expertDispatcher', String(expertDispatcher), `must be one of ${Object.values(ExpertDispatcher).join(', ')}`);
  }
  const megatron = framework === TrainingFramework.MEGATRON;
  const gradientBuffer = resolveGradientBuffer(props.fp32GradientBuffer, framework, precision);
  const recomputeModules = resolveRecomputeModules(props, framework, recompute, precision);
  const mtpLayers = props.mtpLayers === undefined ? (megatron ? props.model.mtpLayers : 0) : requireNonNegativeInteger('mtpLayers', props.mtpLayers);
  if (mtpLayers > 0 && !megatron) {
    throw new PlanningError('mtpLayers', String(mtpLayers), `the ${framework} profile cannot train multi-token-prediction modules (Hugging Face models skip them); use 0 or --framework megatron`);
  }
  const ctx: PlanContext = {
    model: props.model, shape: { ...modelShape(props.model), mtpLayers }, gpu: props.gpu, precision, optimizer,
    bytes: bytesPerParameter(precision, optimizer, gradientBuffer), gradientBuffer, zeroStage, recompute, recomputeModules, framework, seqLen, globalSeqs: gbt / seqLen,
    gpusPerNode, nvlinkDomainGpus, tpMax, networkBytesPerSecondPerGpu: networkBits / 8, nvlinkBytesPerSecond: props.gpu.nvlinkBandwidthBytesPerSecond / 2,
    computeEfficiency: eff, tpCommOverlap: props.tensorParallelCommOverlap ?? true, expertDispatcher,
    expertCommunicationOverlap: props.expertCommunicationOverlap ?? false, dpOverlapFraction: overlap, memoryReserveFraction: reserve, fixedVirtualStages: vpp,
  };
  validateFixed(ctx, fixed);
  if (fixed.microBatch !== undefined && ctx.globalSeqs % fixed.microBatch !== 0) {
    throw new PlanningError('microBatch', String(fixed.microBatch), `must divide the global batch of ${ctx.globalSeqs} sequences`);
  }
  return { ctx, fixed };
}

/** Plans a training run (see TrainingPlanner.plan). */
function planTraining(props: TrainingPlanProps): TrainingPlan {
  const { ctx, fixed } = resolve(props);
  const tokens = props.tokens === undefined ? undefined : requirePositive('tokens', props.tokens);
  if ((props.gpus === undefined) === (props.deadlineSeconds === undefined)) {
    throw new PlanningError('gpus', String(props.gpus), 'give exactly one of gpus (--gpus N) or deadlineSeconds (--deadline-hours H)');
  }
  if (props.gpus !== undefined) {
    const gpus = requirePositiveInteger('gpus', props.gpus);
    const r = searchLayouts(ctx, gpus, fixed);
    if (!r.best) throw noPlanError(ctx, gpus, fixed, r);
    return buildPlan(ctx, gpus, r.best, tokens, props.nodeShape);
  }
  const deadline = requirePositive('deadlineSeconds', props.deadlineSeconds as number);
  if (tokens === undefined) throw new PlanningError('tokens', 'undefined', 'a deadline needs a token budget (--tokens D)');
  // Lower bound on GPUs: every GPU at its dense peak for the model FLOPs.
  const peak = (usesFp8(ctx.precision) ? ctx.gpu.tflopsFp8 : ctx.gpu.tflopsBf16) * 1e12;
  const minGpus = Math.ceil(tokens * modelFlopsPerToken(ctx.shape, ctx.seqLen) / (deadline * peak));
  const maxGpus = 1_048_576;
  const counts = candidateGpuCounts(ctx, fixed, maxGpus).filter((g) => g >= minGpus);
  let fastest: { gpus: number; seconds: number } | undefined;
  for (const g of counts) {
    const r = searchLayouts(ctx, g, fixed);
    if (!r.best) continue;
    const seconds = tokens / r.best.time.tokensPerSecond;
    if (seconds <= deadline) return buildPlan(ctx, g, r.best, tokens, props.nodeShape);
    if (!fastest || seconds < fastest.seconds) fastest = { gpus: g, seconds };
  }
  throw new PlanningError('deadlineSeconds', String(deadline),
    fastest ? `no GPU count up to ${maxGpus} trains ${tokens} tokens in time (fastest found: ${fastest.gpus} GPUs, ${(fastest.seconds / 3600).toFixed(1)} h); extend the deadline, raise --global-batch-tokens (more data parallelism) or train fewer tokens`
      : `no layout of ${ctx.model.id} fits on ${ctx.gpu.id} at any GPU count that divides the global batch; raise --global-batch-tokens, use --recompute full or --zero 3`);
}

function noPlanError(ctx: PlanContext, gpus: number, fixed: FixedParallelism, r: ReturnType<typeof searchLayouts>): PlanningError {
  if (!r.factorable) {
    const fixedMp = (fixed.tp ?? 1) * (fixed.pp ?? 1) * (fixed.cp ?? 1);
    if (fixedMp > 1 && gpus % fixedMp !== 0) {
      return new PlanningError('gpus', String(gpus), `tp×pp×cp = ${fixedMp} does not divide ${gpus} GPUs; use a multiple of ${fixedMp}`);
    }
    return new PlanningError('gpus', String(gpus), `no tp×pp×cp×dp layout of ${gpus} GPUs has dp dividing the global batch of ${ctx.globalSeqs} sequences; try --gpus ${nearbyValidGpuCounts(ctx, fixed, gpus).join(' or ')}, or change --global-batch-tokens`);
  }
  if (!r.miss && r.vpRejected) {
    return new PlanningError('virtualPipelineStages', String(ctx.fixedVirtualStages), `no layout of ${gpus} GPUs can interleave ${ctx.fixedVirtualStages} chunks: it needs the micro-batches per step divisible by pp and the layers (or layers + 2) by pp × v; use 1 or leave it unset to search`);
  }
  if (!r.miss && r.expertRejected) {
    const field = fixed.etp !== undefined && fixed.etp > 1 ? 'expertTensorParallel' : 'expertParallel';
    return new PlanningError(field, String(field === 'expertTensorParallel' ? fixed.etp : fixed.ep),
      `no layout of ${gpus} GPUs has etp × ep = ${(fixed.etp ?? 1) * (fixed.ep ?? 1)} dividing tp × cp × dp (the ranks the expert grid is built from); lower --ep or --etp, or leave them unset to search`);
  }
  if (!r.miss) return new PlanningError('microBatch', String(fixed.microBatch), `does not divide the sequences per data-parallel replica for any layout of ${gpus} GPUs`);
  const m = r.miss.memory; const l = r.miss.layout;
  const gib = (b: number): string => formatQuantity(b, 'bytes');
  const states = m.weightsBytes + m.gradientsBytes + m.optimizerBytes;
  const at = `tp=${l.tp} pp=${l.pp} cp=${l.cp} dp=${l.dp}${ctx.shape.isMoe ? ` ep=${l.ep} etp=${l.etp}` : ''}`;
  if (r.miss.staticOnly || states + m.overheadBytes > m.usableBytes) {
    const total = trainedParams(ctx) * (ctx.bytes.weights + ctx.bytes.gradients + ctx.bytes.optimizer);
    const need = Math.ceil(total / m.usableBytes);
    const lighter = lighterStates(ctx, m);
    const tips = [gpus > 1 && gpus >= need && ctx.zeroStage < 3 ? '--zero 3' : '', fixed.ep !== undefined && fixed.ep * l.etp < l.tp * l.cp * l.dp ? 'a larger --ep (experts spread over more GPUs)' : '',
      need > gpus ? `at least ${need} GPUs for the model states alone` : '', ...lighter.fitting].filter(Boolean).join(', or ');
    return new PlanningError('gpus', String(gpus), `weights+gradients+optimizer need ${gib(states)} per GPU at zero=${ctx.zeroStage} even at ${at}, over the ${gib(m.usableBytes)} usable on ${ctx.gpu.id}; try ${tips}${lighter.note}`);
  }
  const room = m.usableBytes - states - m.overheadBytes;
  const seqFit = room > 0 ? Math.floor(ctx.seqLen * room / m.activationsBytes / 1024) * 1024 : 0;
  // Megatron-Core's module recompute frees most of an MLP or MoE layer's activations for one more forward of its block.
  const block = ctx.shape.isMoe ? RecomputeModule.MOE : RecomputeModule.MLP;
  const modulesTip = ctx.framework === TrainingFramework.MEGATRON && ctx.recompute !== RecomputeMode.FULL && !usesFp8(ctx.precision)
    && !ctx.recomputeModules?.has(block) && (ctx.shape.isMoe || ctx.shape.denseLayers > 0) ? `--recompute-modules layernorm,${block}` : '';
  // NVIDIA's Megatron-Bridge recipes keep gradients in bf16: half the gradient bytes, activations unchanged.
  const stepCopy = m.optimizerBytes / ctx.bytes.optimizer * 4;
  const bf16GradsTip = bf16BufferAvailable(ctx) && states - m.gradientsBytes / 2 + Math.max(m.activationsBytes, stepCopy) + m.overheadBytes <= m.usableBytes
    ? `--bf16-grads (bf16 gradient buffer: model states ${gib(states - m.gradientsBytes / 2)})` : '';
  const tips = [
    bf16GradsTip,
    modulesTip,
    ctx.recompute !== RecomputeMode.FULL ? '--recompute full' : '',
    l.microBatch > 1 ? '--micro-batch 1' : '',
    'more GPUs',
    seqFit >= 1024 ? `--seq-len ≤ ${seqFit}` : '',
  ].filter(Boolean).join(', ');
  return new PlanningError('gpus', String(gpus), `activations need ${gib(m.activationsBytes)} per GPU on top of ${gib(states)} of model states at ${at} micro-batch ${l.microBatch} (usable ${gib(m.usableBytes)} on ${ctx.gpu.id}); try ${tips}`);
}

/**
 * The lighter precision/optimizer choices under which the model states at the layout that came closest would fit beside
 * the fixed overhead: each state scales with its bytes per parameter, whatever the ZeRO stage shards. Lists them with the
 * states they would need, so the advice is checked rather than generic; says so when none of them fits.
 */
function lighterStates(ctx: PlanContext, m: { weightsBytes: number; gradientsBytes: number; optimizerBytes: number; overheadBytes: number; usableBytes: number }): { fitting: string[]; note: string } {
  const buffer = ctx.gradientBuffer;
  const options: Array<[string, TrainingPrecision, OptimizerKind, GradientBuffer]> = [
    ...(bf16BufferAvailable(ctx) ? [['--bf16-grads', ctx.precision, ctx.optimizer, 'megatron-bf16'] as [string, TrainingPrecision, OptimizerKind, GradientBuffer]] : []),
    ['--optimizer adamw-bf16-moments', ctx.precision, OptimizerKind.ADAMW_BF16_MOMENTS, buffer],
    ['--optimizer adam-8bit', ctx.precision, OptimizerKind.ADAM_8BIT, buffer],
    ['--precision bf16-pure', TrainingPrecision.BF16_PURE, ctx.optimizer, buffer],
    ['--precision bf16-pure --optimizer adam-8bit', TrainingPrecision.BF16_PURE, OptimizerKind.ADAM_8BIT, buffer],
  ];
  // Each state scales with its bytes per parameter; the optimizer step's fp32 gradient copy is sharded like the optimizer.
  const statesWith = (precision: TrainingPrecision, optimizer: OptimizerKind, gradientBuffer: GradientBuffer): { states: number; stepCopy: number } => {
    const b = bytesPerParameter(precision, optimizer, gradientBuffer);
    const perOptimizerByte = m.optimizerBytes / ctx.bytes.optimizer;
    return {
      states: m.weightsBytes * b.weights / ctx.bytes.weights + m.gradientsBytes * b.gradients / ctx.bytes.gradients + perOptimizerByte * b.optimizer,
      stepCopy: perOptimizerByte * b.stepGradientCopy,
    };
  };
  const lighter = options
    .filter(([, precision, optimizer, gradientBuffer]) => precision !== ctx.precision || optimizer !== ctx.optimizer || gradientBuffer !== buffer)
    .map(([flags, precision, optimizer, gradientBuffer]) => ({ flags, ...statesWith(precision, optimizer, gradientBuffer) }))
    .filter((o) => o.states < m.weightsBytes + m.gradientsBytes + m.optimizerBytes);
  const fitting = lighter.filter((o) => o.states + o.stepCopy + m.overheadBytes <= m.usableBytes)
    .map((o) => `${o.flags} (model states ${formatQuantity(o.states, 'bytes')} per GPU before activations)`);
  if (fitting.length > 0 || lighter.length === 0) return { fitting, note: '' };
  const least = lighter.reduce((a, b) => (b.states < a.states ? b : a));
  return { fitting, note: `; even ${least.flags} needs ${formatQuantity(least.states, 'bytes')} of model states per GPU` };
}

function buildPlan(ctx: PlanContext, gpus: number, best: SearchResult, tokens: number | undefined, node: NodeShape | undefined): TrainingPlan {
  const l: Layout = best.layout;
  const ex = new Explanation();
  ex.add('global batch', ctx.globalSeqs, 'sequences', `globalBatchTokens / sequenceLength ${ctx.seqLen}`);
  ex.add('parameters', trainedParams(ctx), 'parameters', `attention + FFN/experts + norms per layer × layers + embedding + output${ctx.shape.mtpLayers ? ` + ${ctx.shape.mtpLayers} MTP module${ctx.shape.mtpLayers > 1 ? 's' : ''}` : ''}`, ctx.model.source);
  ex.add('layout', gpus, 'GPUs', `tp ${l.tp} × pp ${l.pp}${l.vp > 1 ? ` (interleaved, ${l.vp} virtual stages)` : ''} × cp ${l.cp} × dp ${l.dp}${ctx.shape.isMoe ? ` (experts: ep ${l.ep} × etp ${l.etp})` : ''}; micro-batch ${l.microBatch}, gradient accumulation ${l.gradientAccumulation}; fastest of ${best.evaluated} layouts evaluated${ctx.shape.isMoe ? '. MoE step time is partly calibrated: the dispatch matches NVIDIA\'s H100 latencies across nodes, and expert compute is priced as dense plus NVIDIA\'s measured 9% for routing and permutation plus the host launch time per local expert that the expert GEMMs do not cover (fitted to in-node EP8 runs: within 13%); the routed experts get no FP8 gain (NVIDIA report 1.10–1.25× end to end for MoE in FP8); FP8 runs with EP across nodes come out +5%, +14% and +25% of their measured TFLOP/s, GB200 runs with EP inside the NVLink rack +5%…+11%, GPT-OSS 120B, out of sample, +25% on H100 and +96% on GB200, and DeepSeek-V3 on B200 in the newest container −7%; fix --ep/--etp/--expert-dispatcher to what you will run and treat the speed as an upper bound' : ''}`);
  const split = splitOf(ctx, l);
  if (l.pp > 1) {
    const slots = split.method === 'embedding-and-loss' ? ` (the embedding and the loss each take one layer's slot${split.mtp ? '' : ')'}` : '';
    const mtp = split.mtp ? `${slots ? ', and' : ';'} ${split.mtp} MTP module${split.mtp > 1 ? 's' : ''} on the last rank${slots ? ')' : ''}` : '';
    ex.add('pipeline split', l.pp, 'ranks', `${split.method}: ${Array.from({ length: l.pp }, (_, r) => rankLayers(split, r)).join(', ')} layers per rank${slots}${mtp}`,
      'Megatron-Core pipeline split; Dubey et al. 2024 (Llama 3) §3.3.2');
  }
  const spans = ctx.nvlinkDomainGpus > ctx.gpusPerNode ? ` (the domain spans ${Math.ceil(ctx.nvlinkDomainGpus / ctx.gpusPerNode)} nodes)` : '';
  ex.add('NVLink domain', ctx.nvlinkDomainGpus, 'GPUs', `${ctx.gpu.id}: groups of up to ${ctx.nvlinkDomainGpus} GPUs${spans} use ${ctx.gpu.nvlinkDomainSize > 1 ? 'NVLink' : 'PCIe'} (${(ctx.nvlinkBytesPerSecond / 1e9).toFixed(0)} GB/s per direction), larger ones the network (${(ctx.networkBytesPerSecondPerGpu * 8 / 1e9).toFixed(0)} Gb/s per GPU); ${ctx.gpusPerNode} GPUs per node${ctx.tpMax > SEARCHED_TENSOR_PARALLEL_LIMIT ? `; the search tries tp ≤ ${SEARCHED_TENSOR_PARALLEL_LIMIT} (fix --tp for up to ${ctx.tpMax})` : ''}`,
    'GPU and node-shape catalogs (aidc catalog gpus / node-shapes)');
  const mem = worstStageMemory(ctx, l, ex);
  const t = stepTime(ctx, l, ex);
  let timeToTrain: number | undefined;
  let cost: number | undefined;
  const nodes = Math.ceil(gpus / ctx.gpusPerNode);
  if (tokens !== undefined) {
    timeToTrain = ex.add('time to train', tokens / t.tokensPerSecond, 's', `tokens ${tokens} / ${t.tokensPerSecond.toPrecision(4)} tokens/s`);
    if (node?.onDemandUsdPerHour !== undefined) {
      cost = ex.add('cost to train', nodes * node.onDemandUsdPerHour * timeToTrain / 3600, 'USD', `${nodes} × ${node.id} × $${node.onDemandUsdPerHour}/h (${node.priceAsOf ?? 'date unknown'}) × hours`);
    }
  }
  const checkpointBytes = ex.add('checkpoint size', trainedParams(ctx) * (ctx.bytes.weights + ctx.bytes.optimizer), 'bytes',
    `parameters × (weights ${ctx.bytes.weights} + optimizer ${ctx.bytes.optimizer}) bytes`);
  return TrainingPlan._create({
    modelId: ctx.model.id, gpuId: ctx.gpu.id,
    parallelism: {
      tp: l.tp, pp: l.pp, dp: l.dp, cp: l.cp, ep: l.ep, etp: l.etp, microBatch: l.microBatch, gradientAccumulation: l.gradientAccumulation, virtualPipelineStages: l.vp,
      pipelineSplit: split.method, pipelineStageLayers: Array.from({ length: l.pp }, (_, r) => rankLayers(split, r)),
    },
    memory: {
      weightsBytes: mem.weightsBytes, gradientsBytes: mem.gradientsBytes, optimizerBytes: mem.optimizerBytes,
      activationsBytes: mem.activationsBytes, overheadBytes: mem.overheadBytes, peakBytesPerGpu: mem.peakBytesPerGpu, usableBytesPerGpu: mem.usableBytes,
    },
    throughput: { stepSeconds: t.stepSeconds, tokensPerSecond: t.tokensPerSecond, tflopsPerGpu: t.tflopsPerGpu, hardwareTflopsPerGpu: t.hardwareTflopsPerGpu, mfu: t.mfu },
    gpus, gpusPerNode: ctx.gpusPerNode, timeToTrainSeconds: timeToTrain, costUsd: cost, checkpointBytes,
    layoutsEvaluated: best.evaluated,
    sequenceLength: ctx.seqLen, globalBatchTokens: ctx.globalSeqs * ctx.seqLen, precision: ctx.precision,
    framework: ctx.framework, zeroStage: ctx.zeroStage, recompute: ctx.recompute,
    recomputeModules: ctx.recomputeModules ? [...ctx.recomputeModules] : [], mtpLayers: ctx.shape.mtpLayers,
    explanation: ex.render(`Training plan: ${ctx.model.id} on ${gpus} × ${ctx.gpu.id} (${ctx.framework}, ${ctx.precision}${ctx.gradientBuffer === 'megatron-bf16' ? ', bf16 gradient buffer' : ''}, ${ctx.optimizer}, ZeRO-${ctx.zeroStage}, recompute ${ctx.recompute})`),
  });
}

/** Parameters training updates: the model and its multi-token-prediction modules. */
function trainedParams(ctx: PlanContext): number {
  const s = ctx.shape;
  return s.totalParams + s.mtpLayers * (s.mtpDenseParams + s.mtpRoutedParams);
}

/** True when the plan keeps Megatron-Core's fp32 gradient buffer in mixed precision, so a bf16 buffer would be lighter. */
function bf16BufferAvailable(ctx: PlanContext): boolean {
  return ctx.gradientBuffer === 'megatron-fp32' && (ctx.precision === TrainingPrecision.BF16_MIXED || ctx.precision === TrainingPrecision.FP8_MIXED);
}

/** Megatron-Core's gradient buffer (`fp32GradientBuffer`), checked against the profile and the precision. */
function resolveGradientBuffer(fp32: boolean | undefined, framework: TrainingFramework, precision: TrainingPrecision): GradientBuffer {
  if (fp32 !== undefined && typeof fp32 !== 'boolean') throw new PlanningError('fp32GradientBuffer', String(fp32), 'must be true or false');
  if (framework !== TrainingFramework.MEGATRON) {
    if (fp32 !== undefined) {
      throw new PlanningError('fp32GradientBuffer', String(fp32), `is Megatron-Core's grad_reduce_in_fp32; the ${framework} profile keeps gradients in the parameters' dtype: leave it unset or use --framework megatron`);
    }
    return 'parameter-dtype';
  }
  const mixed = precision === TrainingPrecision.BF16_MIXED || precision === TrainingPrecision.FP8_MIXED;
  if (fp32 === false && !mixed) {
    throw new PlanningError('fp32GradientBuffer', 'false', `selects a bf16 gradient buffer for bf16 weights with fp32 master copies; ${precision} ${precision === TrainingPrecision.FP32_AMP ? 'keeps fp32 gradients' : 'already keeps bf16 gradients'}: leave it unset, or use bf16-mixed or fp8-mixed`);
  }
  return fp32 === false ? 'megatron-bf16' : 'megatron-fp32';
}

/** Megatron-Core `--recompute-modules`, checked against the profile, the recompute mode, the precision and the model. */
function resolveRecomputeModules(props: TrainingPlanProps, framework: TrainingFramework, recompute: RecomputeMode,
  precision: TrainingPrecision): ReadonlySet<RecomputeModule> | undefined {
  const given = props.recomputeModules;
  if (given === undefined) return undefined;
  const supported = Object.values(RecomputeModule);
  if (!Array.isArray(given) || given.length === 0) {
    throw new PlanningError('recomputeModules', String(given), `must list one or more of ${supported.join(', ')}, or be omitted`);
  }
  for (const m of given) {
    if (!supported.includes(m)) {
      throw new PlanningError('recomputeModules', String(m), `must be one of ${supported.join(', ')} (moe_act and shared_experts are not modelled: leave them out, which overstates memory)`);
    }
  }
  if (framework !== TrainingFramework.MEGATRON) throw new PlanningError('recomputeModules', given.join(','), `are Megatron-Core's; the ${framework} profile has none: use --recompute`);
  if (recompute !== RecomputeMode.SELECTIVE) throw new PlanningError('recomputeModules', given.join(','), `need recompute selective, not ${recompute}`);
  if (usesFp8(precision) && given.includes(RecomputeModule.LAYERNORM)) {
    throw new PlanningError('recomputeModules', 'layernorm', `is modelled for BF16 only (the LayerNorm outputs feed FP8 GEMMs, whose one-byte casts Transformer Engine may keep: unmeasured); plan ${precision} without it (which overstates memory) or in bf16-mixed`);
  }
  const m = props.model;
  if (given.includes(RecomputeModule.MLA_UP_PROJ) && m.attentionKind !== AttentionKind.MLA) {
    throw new PlanningError('recomputeModules', 'mla_up_proj', `${m.id} has ${m.attentionKind} attention, not MLA; leave mla_up_proj out`);
  }
  if (given.includes(RecomputeModule.MOE) && !m.isMoe) throw new PlanningError('recomputeModules', 'moe', `${m.id} has no MoE layers; use mlp`);
  if (given.includes(RecomputeModule.MLP) && m.isMoe && m.denseLayers === 0) throw new PlanningError('recomputeModules', 'mlp', `${m.id} has no dense MLP layers; use moe`);
  return new Set(given);
}
