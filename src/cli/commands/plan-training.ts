import * as fs from 'fs';
import { PlanningError } from '../../errors';
import { GpuType, ModelSpec, NodeShape } from '../../planning/catalog';
import { formatQuantity } from '../../planning/private/explanation';
import {
  ExpertDispatcher, OptimizerKind, RecomputeMode, RecomputeModule, TrainingFramework, TrainingPlanner, TrainingPrecision,
} from '../../planning/training';
import { numberFlag } from '../args';
import { CliCommand, CliResult, ParsedArgs, UsageError } from '../cli-types';
import { renderTable } from '../render';

const USAGE = `aidc plan training --model ID --gpu ID [--gpus N | --deadline-hours H]
                   --seq-len S --global-batch-tokens T [--tokens D]
                   [--micro-batch B] [--precision bf16|fp8|fp32-amp|bf16-pure]
                   [--recompute none|selective|full] [--recompute-modules core_attn,layernorm,mlp,moe,mla_up_proj] [--zero 0|1|2|3]
                   [--framework megatron|fsdp|hf] [--tp N --pp N --vp N --cp N --ep N --etp N]
                   [--expert-dispatcher alltoall|deepep] [--expert-overlap] [--mtp-layers N]
                   [--optimizer adamw|adamw-bf16-moments|adam-8bit|sgd] [--bf16-grads]
                   [--node-shape ID] [--model-config FILE] [--json]

Plans a training run: the fastest tensor/pipeline/context/data-parallel layout that fits in GPU memory,
per-GPU memory, step time, tokens/s, MFU, and time and cost to train --tokens.
--model-config reads a Hugging Face config.json instead of --model. --recompute defaults to none (fused attention
keeps no s² scores); --recompute-modules is Megatron-Core's fine-grained selective recomputation (layernorm in BF16 only; mla_up_proj
costs its time but is counted as freeing no memory) and implies --recompute selective. --bf16-grads keeps Megatron-Core's gradient buffer in bf16 (grad_reduce_in_fp32 off, as NVIDIA's
Megatron-Bridge performance recipes run). --mtp-layers sets the multi-token-prediction
modules trained with the model (default: the model's, e.g. 1 for deepseek-v3 with megatron; 0 trains without them).`;

const PRECISIONS: Record<string, TrainingPrecision> = {
  'bf16': TrainingPrecision.BF16_MIXED,
  'bf16-mixed': TrainingPrecision.BF16_MIXED,
  'bf16-pure': TrainingPrecision.BF16_PURE,
  'fp8': TrainingPrecision.FP8_MIXED,
  'fp8-mixed': TrainingPrecision.FP8_MIXED,
  'fp32-amp': TrainingPrecision.FP32_AMP,
};

/** A comma-separated list, e.g. `--recompute-modules layernorm,moe`; the planner checks each value and names the field. */
function listFlag<T extends string>(args: ParsedArgs, name: string): T[] | undefined {
  const raw = args.flags.get(name);
  return raw === undefined ? undefined : raw.split(',').map((item) => item.trim() as T);
}

function enumFlag<T extends string>(args: ParsedArgs, name: string, values: Record<string, T>): T | undefined {
  const raw = args.flags.get(name);
  if (raw === undefined) return undefined;
  const v = values[raw];
  if (v === undefined) throw new PlanningError(`--${name}`, raw, `must be one of ${Object.keys(values).join(', ')}`);
  return v;
}

const byValue = <T extends string>(e: Record<string, T>): Record<string, T> =>
  Object.fromEntries(Object.values(e).map((v) => [v, v]));

function loadModel(args: ParsedArgs): ModelSpec {
  const id = args.flags.get('model');
  const file = args.flags.get('model-config');
  if (id !== undefined && file !== undefined) throw new UsageError('give --model or --model-config, not both');
  if (file !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new PlanningError('--model-config', file, `cannot read a JSON config.json (${(e as Error).message.split('\n')[0]})`);
    }
    return ModelSpec.fromHuggingFaceConfig(json);
  }
  if (id === undefined) throw new UsageError('--model is required (or --model-config FILE)');
  return ModelSpec.of(id);
}

function run(args: ParsedArgs): CliResult {
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}'`);
  const model = loadModel(args);
  const gpuId = args.flags.get('gpu');
  if (gpuId === undefined) throw new UsageError('--gpu is required');
  const gpu = GpuType.of(gpuId);
  const shapeId = args.flags.get('node-shape');
  const nodeShape = shapeId === undefined ? undefined : NodeShape.of(shapeId);
  const seq = numberFlag(args, 'seq-len', { integer: true });
  if (seq === undefined) throw new UsageError('--seq-len is required');
  const gbt = numberFlag(args, 'global-batch-tokens', { integer: true });
  if (gbt === undefined) throw new UsageError('--global-batch-tokens is required');
  const gpus = numberFlag(args, 'gpus', { integer: true });
  const hours = numberFlag(args, 'deadline-hours');
  if (gpus !== undefined && hours !== undefined) throw new UsageError('give --gpus or --deadline-hours, not both');
  if (gpus === undefined && hours === undefined) throw new UsageError('give --gpus N or --deadline-hours H (with --tokens D)');
  const zeroRaw = args.flags.get('zero');
  const zero = zeroRaw === undefined ? undefined : Number(zeroRaw);
  if (zeroRaw !== undefined && !['0', '1', '2', '3'].includes(zeroRaw)) throw new PlanningError('--zero', zeroRaw, 'must be 0, 1, 2 or 3');
  const plan = TrainingPlanner.plan({
    model, gpu, nodeShape, gpus,
    deadlineSeconds: hours === undefined ? undefined : hours * 3600,
    sequenceLength: seq, globalBatchTokens: gbt,
    tokens: numberFlag(args, 'tokens'),
    microBatch: numberFlag(args, 'micro-batch', { integer: true }),
    precision: enumFlag(args, 'precision', PRECISIONS),
    optimizer: enumFlag(args, 'optimizer', byValue(OptimizerKind)),
    recompute: enumFlag(args, 'recompute', byValue(RecomputeMode)),
    recomputeModules: listFlag<RecomputeModule>(args, 'recompute-modules'),
    framework: enumFlag(args, 'framework', byValue(TrainingFramework)),
    zeroStage: zero,
    tensorParallel: numberFlag(args, 'tp', { integer: true }),
    pipelineParallel: numberFlag(args, 'pp', { integer: true }),
    virtualPipelineStages: numberFlag(args, 'vp', { integer: true }),
    contextParallel: numberFlag(args, 'cp', { integer: true }),
    expertParallel: numberFlag(args, 'ep', { integer: true }),
    expertTensorParallel: numberFlag(args, 'etp', { integer: true }),
    expertDispatcher: enumFlag(args, 'expert-dispatcher', byValue(ExpertDispatcher)),
    expertCommunicationOverlap: args.switches.has('expert-overlap') || undefined,
    fp32GradientBuffer: args.switches.has('bf16-grads') ? false : undefined,
    mtpLayers: numberFlag(args, 'mtp-layers', { integer: true, positive: false }),
  });
  if (args.switches.has('json')) return { code: 0, stdout: JSON.stringify(plan.toJson(), null, 2) + '\n', stderr: '' };
  const p = plan.parallelism; const m = plan.memory; const t = plan.throughput;
  const mtp = plan.mtpLayers > 0 ? ` + ${plan.mtpLayers} multi-token-prediction module${plan.mtpLayers > 1 ? 's' : ''} on the last rank` : '';
  const out = [
    `Training plan for ${plan.modelId} on ${plan.gpus} × ${plan.gpuId} (${plan.nodes} nodes)`,
    '',
    renderTable(['tp', 'pp', 'vp', 'cp', 'dp', 'ep', 'etp', 'micro-batch', 'grad. accumulation'],
      [[p.tp, p.pp, p.virtualPipelineStages, p.cp, p.dp, p.ep, p.etp, p.microBatch, p.gradientAccumulation].map(String)]),
    ...(p.pp > 1 ? [`pipeline split (${p.pipelineSplit}): ${p.pipelineStageLayers.join(', ')} layers per rank${mtp}`, ''] : mtp ? [`${plan.mtpLayers} multi-token-prediction module${plan.mtpLayers > 1 ? 's' : ''} trained with the model`, ''] : []),
    renderTable(['memory per GPU', 'bytes'], [
      ['weights', formatQuantity(m.weightsBytes, 'bytes')], ['gradients', formatQuantity(m.gradientsBytes, 'bytes')],
      ['optimizer', formatQuantity(m.optimizerBytes, 'bytes')], ['activations', formatQuantity(m.activationsBytes, 'bytes')],
      ['overhead', formatQuantity(m.overheadBytes, 'bytes')],
      // Eager profiles: gradients are created while activations are freed, so the peak is the worst moment, not the sum.
      [m.peakBytesPerGpu < m.weightsBytes + m.gradientsBytes + m.optimizerBytes + m.activationsBytes + m.overheadBytes - 1
        ? 'peak (worst moment, not the sum)' : 'peak', formatQuantity(m.peakBytesPerGpu, 'bytes')],
      ['usable', formatQuantity(m.usableBytesPerGpu, 'bytes')],
    ]),
    renderTable(['throughput', 'value'], [
      ['step', formatQuantity(t.stepSeconds, 's')], ['tokens/s', t.tokensPerSecond.toFixed(0)],
      ['model TFLOP/s per GPU', t.tflopsPerGpu.toFixed(1)], ['MFU', `${(t.mfu * 100).toFixed(1)}%`],
      ['time to train', plan.timeToTrainSeconds === undefined ? '-' : `${(plan.timeToTrainSeconds / 86400).toFixed(2)} days`],
      ['cost', plan.costUsd === undefined ? '-' : `$${plan.costUsd.toFixed(0)}`],
    ]),
    plan.explain(),
  ];
  return { code: 0, stdout: out.join('\n'), stderr: '' };
}

/** `aidc plan training`. */
export const PLAN_TRAINING_COMMAND: CliCommand = {
  path: ['plan', 'training'],
  summary: 'Parallel layout, memory, speed, time and cost of a training run',
  usage: USAGE,
  valueFlags: ['model', 'model-config', 'gpu', 'node-shape', 'gpus', 'deadline-hours', 'seq-len', 'global-batch-tokens', 'tokens',
    'micro-batch', 'precision', 'recompute', 'recompute-modules', 'zero', 'framework', 'optimizer', 'tp', 'pp', 'vp', 'cp', 'ep', 'etp', 'expert-dispatcher', 'mtp-layers'],
  switchFlags: ['json', 'expert-overlap', 'bf16-grads'],
  run,
};
