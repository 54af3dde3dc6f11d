import * as fs from 'fs';
import { PlanningError } from '../../errors';
import { GpuType, ModelSpec, NodeShape } from '../../planning/catalog';
import { InferencePlanner, InferencePrecision, InferencePlanProps, KvCacheDtype, RequestLog, RequestMix } from '../../planning/inference';
import { numberFlag, requireFlag } from '../args';
import { CliCommand, CliResult, ParsedArgs, UsageError } from '../cli-types';
import { renderTable } from '../render';
import { parseRequestLog, parseTimedRequestLog } from '../request-log';

const USAGE = `aidc plan inference --model ID --gpu ID [--tp N] [--precision bf16|fp8|int8|int4]
                    [--max-model-len L] [--gpu-memory-utilization U] [--node-shape ID] [--model-config FILE]
                    [--kv-cache-dtype bf16|fp8] [--max-num-batched-tokens N]
                    [--prompt-tokens P --output-tokens O --peak-rps R --ttft-p95-ms T --tpot-p95-ms U]
                    [--request-sizes FILE.csv | --request-log FILE.csv] [--batch B --context-tokens L] [--json]

Sizes a vLLM deployment: tensor/pipeline parallelism, weights, KV cache, concurrency,
prefill/decode speed, TTFT/TPOT, and replicas for a peak request rate under an SLO.
With --batch and --context-tokens, decode figures are for one replica decoding B sequences of L tokens each.
With --request-sizes (a CSV request log: ContextTokens/GeneratedTokens as in the Azure LLM inference trace, or
prompt_tokens/output_tokens), replicas are sized on the whole size distribution; --prompt-tokens and
--output-tokens then default to its means. With --request-log (the same columns plus TIMESTAMP or arrival_seconds),
replicas are also sized by replaying the log through the scheduler simulation; --peak-rps defaults to its busiest minute.`;

const TRAFFIC = ['output-tokens', 'peak-rps', 'ttft-p95-ms', 'tpot-p95-ms'];

function readFlagFile(args: ParsedArgs, flag: string): { file: string; text: string } | undefined {
  const file = args.flags.get(flag);
  if (file === undefined) return undefined;
  try {
    return { file, text: fs.readFileSync(file, 'utf8') };
  } catch (e) {
    throw new PlanningError(`--${flag}`, file, `cannot read the request log (${(e as Error).message.split('\n')[0]})`);
  }
}

function loadRequests(args: ParsedArgs): { mix?: RequestMix; log?: RequestLog } {
  const sizes = readFlagFile(args, 'request-sizes');
  const timed = readFlagFile(args, 'request-log');
  if (sizes && timed) throw new UsageError('give --request-sizes or --request-log, not both (the log carries the sizes)');
  if (sizes) return { mix: RequestMix.fromSamples(parseRequestLog(sizes.text, sizes.file)) };
  if (timed) return { log: RequestLog.of(parseTimedRequestLog(timed.text, timed.file)) };
  return {};
}

function loadModel(args: ParsedArgs): ModelSpec {
  const file = args.flags.get('model-config');
  if (file === undefined) return ModelSpec.of(requireFlag(args, 'model'));
  let json: any;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new PlanningError('--model-config', file, `cannot read a JSON config.json (${(e as Error).message.split('\n')[0]})`);
  }
  return ModelSpec.fromHuggingFaceConfig(json, args.flags.get('model'));
}

/** Builds planner props from the command line. */
export function inferencePropsFromArgs(args: ParsedArgs): InferencePlanProps {
  const model = loadModel(args);
  const gpu = GpuType.of(requireFlag(args, 'gpu'));
  const shapeId = args.flags.get('node-shape');
  const precision = args.flags.get('precision');
  const { mix: requestMix, log: requestLog } = loadRequests(args);
  const sizesFrom = requestMix ?? requestLog?.toMix();
  const optional = [...(sizesFrom ? ['output-tokens'] : []), ...(requestLog ? ['peak-rps'] : [])];
  const trafficFlags = TRAFFIC.filter((f) => !optional.includes(f));
  const given = trafficFlags.filter((f) => args.flags.has(f));
  if ((given.length > 0 || sizesFrom) && given.length < trafficFlags.length) {
    const missing = trafficFlags.filter((f) => !args.flags.has(f)).map((f) => '--' + f).join(' ');
    throw new UsageError(`traffic and SLO flags go together${requestMix ? ' with --request-sizes' : requestLog ? ' with --request-log' : ''}: also give ${missing}`);
  }
  const hasBatch = args.flags.has('batch'); const hasContext = args.flags.has('context-tokens');
  if (hasBatch !== hasContext) throw new UsageError('--batch and --context-tokens go together');
  const promptTokens = numberFlag(args, 'prompt-tokens', { integer: true });
  const traffic = given.length === trafficFlags.length ? {
    promptTokens: promptTokens ?? (sizesFrom ? Math.round(sizesFrom.meanPromptTokens) : 2048),
    outputTokens: numberFlag(args, 'output-tokens', { integer: true }) ?? Math.round(sizesFrom!.meanOutputTokens),
    peakRequestsPerSecond: numberFlag(args, 'peak-rps') ?? requestLog!.busiestRequestsPerSecond(),
    requestMix,
    requestLog,
  } : undefined;
  return {
    model,
    gpu,
    nodeShape: shapeId !== undefined ? NodeShape.of(shapeId) : undefined,
    tensorParallel: numberFlag(args, 'tp', { integer: true }),
    precision: precision as InferencePrecision | undefined,
    kvCacheDtype: args.flags.get('kv-cache-dtype') as KvCacheDtype | undefined,
    maxNumBatchedTokens: numberFlag(args, 'max-num-batched-tokens', { integer: true }),
    maxModelLen: numberFlag(args, 'max-model-len', { integer: true }),
    gpuMemoryUtilization: numberFlag(args, 'gpu-memory-utilization'),
    traffic,
    slo: traffic ? { ttftP95Seconds: numberFlag(args, 'ttft-p95-ms')! / 1000, tpotP95Seconds: numberFlag(args, 'tpot-p95-ms')! / 1000 } : undefined,
    evaluationPoint: hasBatch ? { batch: numberFlag(args, 'batch', { integer: true })!, contextTokens: numberFlag(args, 'context-tokens', { integer: true })! } : undefined,
    promptTokens: traffic ? undefined : promptTokens,
  };
}

const gb = (b: number): string => `${(b / 1e9).toFixed(2)} GB`;
const ms = (s: number): string => `${(s * 1000).toFixed(2)} ms`;

/** `aidc plan inference`. */
export const PLAN_INFERENCE_COMMAND: CliCommand = {
  path: ['plan', 'inference'],
  summary: 'Size an inference service: layout, KV cache, speed, replicas for an SLO',
  usage: USAGE,
  valueFlags: ['model', 'gpu', 'tp', 'precision', 'max-model-len', 'gpu-memory-utilization', 'node-shape', 'model-config',
    'kv-cache-dtype', 'max-num-batched-tokens', 'prompt-tokens', 'output-tokens', 'peak-rps', 'ttft-p95-ms', 'tpot-p95-ms', 'batch', 'context-tokens', 'request-sizes', 'request-log'],
  switchFlags: ['json'],
  run(args: ParsedArgs): CliResult {
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}'`);
    const plan = InferencePlanner.plan(inferencePropsFromArgs(args));
    if (args.switches.has('json')) {
      return { code: 0, stdout: JSON.stringify(plan.toJson(), null, 2) + '\n', stderr: '' };
    }
    const j = plan.toJson();
    const rows: string[][] = [
      ['layout', `tp=${j.tensorParallel} pp=${j.pipelineParallel}`, `${j.gpusPerReplica} GPUs on ${j.nodesPerReplica} node(s) per replica`],
      ['weights', gb(j.memory.weightsBytes), `${gb(j.memory.weightsBytesPerGpu)} per GPU (${j.precision})`],
      ['kv cache', gb(j.memory.kvCacheBytes), `${j.kvCacheTokens} tokens, ${j.kvCacheBytesPerToken} B/token (${j.kvCacheDtype})`],
      ['concurrency', String(j.maxConcurrentSequences), `sequences of ${j.concurrencyContextTokens} tokens`],
      ['prefill', `${j.throughput.prefillTokensPerSecond.toFixed(0)} tok/s`, `one ${j.evaluation.promptTokens}-token prompt`],
      ['decode', `${j.throughput.decodeTokensPerSecond.toFixed(1)} tok/s`, `batch ${j.evaluation.batch}, ${j.evaluation.contextTokens} tokens of context`],
      ['ttft', ms(j.latency.ttftSeconds), ''],
      ['tpot', ms(j.latency.tpotSeconds), ''],
      ['capacity', `${j.requestsPerSecondPerReplica.toFixed(3)} req/s`, j.requestClasses > 1 ? `per replica, p95s over ${j.requestClasses} request-size classes` : 'per replica'],
      ['replicas', `${j.replicas.min}..${j.replicas.max}`, `${j.replicas.atPeak} at peak`],
      ['start-up', `${j.modelLoadSeconds.toFixed(0)} s`, 'weights load + warm-up'],
    ];
    // The engine arguments are one long line: below the table, so that they do not widen its value column.
    const engine = `vLLM engine arguments: ${plan.engineArgs().join(' ')}\n\n`;
    return { code: 0, stdout: renderTable(['quantity', 'value', 'detail'], rows) + '\n' + engine + plan.explain(), stderr: '' };
  },
};

/** The commands this file contributes. */
export const PLAN_INFERENCE_COMMANDS: CliCommand[] = [PLAN_INFERENCE_COMMAND];
