import * as fc from 'fast-check';
import { PlanningError } from '../../src/errors';
import { AttentionKind, FfnKind, GpuType, ModelSpec, ModelSpecProps, NodeShape } from '../../src/planning/catalog';
import { InferencePlanner, InferencePrecision, KvCacheDtype, RequestMix } from '../../src/planning/inference';
import {
  ExpertDispatcher, OptimizerKind, RecomputeMode, RecomputeModule, TrainingFramework, TrainingPlanner, TrainingPrecision,
} from '../../src/planning/training';

/**
 * Architectures the catalog does not have: odd layer counts, one head, MQA, MLA with and without sparse attention, GELU, tied heads,
 * sliding windows or chunked attention on some or all layers, MoE on every n-th layer, a few
 * experts with shared ones and leading dense layers, small and wide. Both planners must give finite positive numbers for
 * each, or a PlanningError: never NaN, Infinity, undefined or another exception.
 */
const architecture: fc.Arbitrary<ModelSpecProps> = fc.record({
  layers: fc.integer({ min: 1, max: 97 }),
  headDim: fc.constantFrom(32, 64, 80, 128, 256),
  attentionHeads: fc.constantFrom(1, 2, 3, 8, 12, 28, 64),
  kvDivisor: fc.constantFrom(1, 2, 4, 0),
  ffnMultiple: fc.double({ min: 1, max: 6, noNaN: true }),
  ffnKind: fc.constantFrom(FfnKind.SWIGLU, FfnKind.GELU),
  vocabSize: fc.integer({ min: 256, max: 262144 }),
  tiedEmbeddings: fc.boolean(),
  slidingWindow: fc.constantFrom(0, 0, 1024, 4096),
  slidingShare: fc.double({ min: 0, max: 1, noNaN: true }),
  experts: fc.constantFrom(0, 0, 4, 8, 16),
  activeExperts: fc.integer({ min: 1, max: 4 }),
  sharedExperts: fc.integer({ min: 0, max: 2 }),
  denseLayers: fc.integer({ min: 0, max: 3 }),
  // 0 plain attention, 1 MLA, 2 MLA with DeepSeek Sparse Attention (top-k, indexer heads, indexer head dim).
  mla: fc.constantFrom(0, 0, 0, 1, 2),
  sparse: fc.tuple(fc.constantFrom(16, 512, 2048), fc.constantFrom(1, 4, 64), fc.constantFrom(32, 128, 200)),
  // Chunked local attention (chunk, share of layers) and MoE on every n-th layer, as Llama 4 has them.
  chunk: fc.tuple(fc.constantFrom(0, 0, 0, 512, 8192), fc.double({ min: 0, max: 1, noNaN: true })),
  moeInterval: fc.constantFrom(1, 1, 2, 4),
}).map((a): ModelSpecProps => {
  const kvHeads = a.kvDivisor === 0 ? 1 : Math.max(1, a.attentionHeads / a.kvDivisor);
  const kind = kvHeads === a.attentionHeads ? AttentionKind.MHA : kvHeads === 1 ? AttentionKind.MQA : AttentionKind.GQA;
  const hiddenSize = a.attentionHeads * a.headDim;
  const moe = a.experts > 0;
  return {
    id: 'random-architecture', name: 'random architecture', source: 'fast-check', layers: a.layers, hiddenSize,
    attentionHeads: a.attentionHeads, kvHeads: Number.isInteger(kvHeads) ? kvHeads : a.attentionHeads, headDim: a.headDim,
    attentionKind: Number.isInteger(kvHeads) ? kind : AttentionKind.MHA, ffnHiddenSize: Math.round(hiddenSize * a.ffnMultiple),
    ffnKind: a.ffnKind, vocabSize: a.vocabSize, tiedEmbeddings: a.tiedEmbeddings, maxPositionEmbeddings: 32768,
    slidingWindow: a.slidingWindow, slidingWindowLayers: a.slidingWindow > 0 ? Math.max(1, Math.round(a.slidingShare * a.layers)) : undefined,
    ...(a.mla > 0 ? {
      attentionKind: AttentionKind.MLA, kvHeads: a.attentionHeads, slidingWindow: 0, slidingWindowLayers: undefined,
      kvLoraRank: 4 * a.headDim, qLoraRank: 3 * a.headDim, qkRopeHeadDim: a.headDim / 2, qkNopeHeadDim: a.headDim, vHeadDim: a.headDim,
      ...(a.mla === 2 ? { sparseAttentionTopK: a.sparse[0], indexerHeads: a.sparse[1], indexerHeadDim: a.sparse[2] } : {}),
    } : {}),
    ...(a.chunk[0] > 0 && a.mla === 0 && a.slidingWindow === 0 ? { attentionChunkSize: a.chunk[0], chunkedAttentionLayers: Math.max(1, Math.round(a.chunk[1] * a.layers)) } : {}),
    ...(moe ? {
      experts: a.experts, activeExperts: Math.min(a.activeExperts, a.experts), sharedExperts: a.sharedExperts,
      moeFfnHiddenSize: Math.max(1, Math.round(hiddenSize * a.ffnMultiple / 4)), denseLayers: Math.min(a.denseLayers, a.layers - 1),
      ...(a.moeInterval <= a.layers - Math.min(a.denseLayers, a.layers - 1) ? { moeLayerInterval: a.moeInterval } : {}),
    } : {}),
  };
});

const GPUS = ['h100-sxm-80gb', 'a100-sxm-40gb', 'l4-24gb', 'mi300x-192gb'];
const finitePositive = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x) && x > 0;

/**
 * 1 when `make` plans: its JSON and explanation free of NaN, Infinity, null and undefined, its figures finite and
 * positive; 0 on a PlanningError, whose message must be free of them too; any other exception fails the test.
 */
function planned(make: () => { json: unknown; explain: string; figures: unknown[] }): number {
  try {
    const p = make();
    expect(JSON.stringify(p.json)).not.toMatch(/null|NaN|Infinity|undefined/);
    expect(p.explain).not.toMatch(/NaN|Infinity|undefined/);
    for (const v of p.figures) expect(finitePositive(v)).toBe(true);
    return 1;
  } catch (e) {
    if (!(e instanceof PlanningError)) throw e;
    expect(e.message).not.toMatch(/undefined|NaN|Infinity/);
    return 0;
  }
}

describe('random architectures through both planners (fast-check)', () => {
  test('training: a plan with finite positive numbers and a split that sums to the layers, or a PlanningError', () => {
    let plans = 0;
    fc.assert(fc.property(
      architecture, fc.constantFrom(...GPUS), fc.constantFrom(1, 8, 64), fc.constantFrom(1024, 4096), fc.constantFrom(...Object.values(TrainingFramework)),
      fc.constantFrom(RecomputeMode.NONE, RecomputeMode.FULL),
      (props, gpu, gpus, seq, framework, recompute) => {
        const model = ModelSpec.custom(props);
        plans += planned(() => {
          const plan = TrainingPlanner.plan({ model, gpu: GpuType.of(gpu), gpus, sequenceLength: seq, globalBatchTokens: seq * 64, framework, recompute, tokens: 1e9 });
          const { costUsd, ...json } = plan.toJson();
          expect(json.parallelism.pipelineStageLayers.reduce((a: number, b: number) => a + b, 0)).toBe(model.layers);
          expect(plan.memory.peakBytesPerGpu).toBeLessThanOrEqual(plan.memory.usableBytesPerGpu);
          return { json, explain: plan.explain(), figures: [json.memory.peakBytesPerGpu, json.memory.weightsBytes, ...Object.values(json.throughput), json.timeToTrainSeconds] };
        });
      }), { numRuns: 120 });
    expect(plans).toBeGreaterThan(10);
  });

  test('inference: a plan with finite positive numbers, or a PlanningError', () => {
    let plans = 0;
    fc.assert(fc.property(
      architecture, fc.constantFrom(...GPUS), fc.constantFrom(...Object.values(InferencePrecision)), fc.integer({ min: 16, max: 8192 }),
      fc.integer({ min: 1, max: 2048 }), fc.double({ min: 0.05, max: 200, noNaN: true }),
      (props, gpu, precision, prompt, output, rps) => {
        plans += planned(() => {
          const plan = InferencePlanner.plan({ model: ModelSpec.custom(props), gpu: GpuType.of(gpu), precision, traffic: { promptTokens: prompt, outputTokens: output, peakRequestsPerSecond: rps } });
          return {
            json: plan.toJson(), explain: plan.explain(),
            figures: [plan.kvCacheTokens, plan.latency.ttftSeconds, plan.latency.tpotSeconds, plan.throughput.decodeTokensPerSecond, plan.replicas.min, plan.maxNumSeqs],
          };
        });
      }), { numRuns: 120 });
    expect(plans).toBeGreaterThan(10);
  });
});

/** Mostly left to the planner (two in three), else one of `values`. */
const sometimes = <T>(values: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary: values, weight: 1 });

describe('every option, some fixed, on random architectures (fast-check)', () => {
  test('training: a plan that keeps each fixed size, or a PlanningError whose message has no undefined, NaN or Infinity', () => {
    fc.assert(fc.property(
      architecture, fc.constantFrom(...GPUS, 'h200-141gb'), fc.constantFrom(1, 2, 16, 64, 256), fc.constantFrom(512, 4096, 32768), fc.integer({ min: 1, max: 512 }),
      fc.record({
        tp: sometimes(fc.constantFrom(1, 2, 3, 4, 8)), pp: sometimes(fc.constantFrom(1, 2, 3, 4, 8)), cp: sometimes(fc.constantFrom(1, 2, 4)),
        vp: sometimes(fc.constantFrom(1, 2, 3)), ep: sometimes(fc.constantFrom(1, 2, 8)), etp: sometimes(fc.constantFrom(1, 2)), mb: sometimes(fc.constantFrom(1, 2, 3)),
      }),
      fc.constantFrom(...Object.values(TrainingPrecision)), fc.constantFrom(...Object.values(RecomputeMode)), fc.constantFrom(...Object.values(TrainingFramework)),
      fc.integer({ min: 0, max: 3 }), fc.constantFrom(...Object.values(OptimizerKind)), sometimes(fc.subarray(Object.values(RecomputeModule))),
      sometimes(fc.constantFrom(...Object.values(ExpertDispatcher))), fc.boolean(), sometimes(fc.boolean()),
      (props, gpu, gpus, seq, seqs, l, precision, recompute, framework, zeroStage, optimizer, modules, dispatcher, overlap, fp32GradientBuffer) => {
        planned(() => {
          const plan = TrainingPlanner.plan({
            model: ModelSpec.custom(props), gpu: GpuType.of(gpu), gpus, sequenceLength: seq, globalBatchTokens: seq * seqs, precision, recompute, framework,
            zeroStage, optimizer, tensorParallel: l.tp, pipelineParallel: l.pp, contextParallel: l.cp, virtualPipelineStages: l.vp, expertParallel: l.ep,
            expertTensorParallel: l.etp, microBatch: l.mb, recomputeModules: modules, expertDispatcher: dispatcher, expertCommunicationOverlap: overlap, tokens: 1e10,
            fp32GradientBuffer,
          });
          const kept: Array<[number | undefined, number]> = [[l.tp, plan.parallelism.tp], [l.pp, plan.parallelism.pp], [l.cp, plan.parallelism.cp], [l.mb, plan.parallelism.microBatch]];
          for (const [fixed, got] of kept) if (fixed !== undefined) expect(got).toBe(fixed);
          const { costUsd, ...json } = plan.toJson();
          return { json, explain: plan.explain(), figures: [plan.memory.peakBytesPerGpu, plan.throughput.stepSeconds] };
        });
      }), { numRuns: 150 });
  });

  test('inference: a plan, or a PlanningError whose message has no undefined, NaN or Infinity, over node shapes, caches, budgets, mixes, SLOs and evaluation points', () => {
    fc.assert(fc.property(
      fc.oneof(architecture.map((p) => ModelSpec.custom(p)), fc.constantFrom(...ModelSpec.all())), fc.constantFrom(...GpuType.all().map((g) => g.id)),
      sometimes(fc.constantFrom(...NodeShape.all().map((n) => n.id))), sometimes(fc.constantFrom(1, 2, 3, 4, 8, 16)), fc.constantFrom(...Object.values(InferencePrecision)),
      sometimes(fc.constantFrom(...Object.values(KvCacheDtype))), sometimes(fc.integer({ min: 1, max: 200000 })), sometimes(fc.double({ min: 0.05, max: 1, noNaN: true })),
      sometimes(fc.integer({ min: 1, max: 65536 })),
      sometimes(fc.record({
        prompt: fc.integer({ min: 1, max: 100000 }), output: fc.integer({ min: 1, max: 8000 }), rps: fc.double({ min: 1e-4, max: 1e4, noNaN: true }), mix: fc.boolean(),
        ttft: fc.double({ min: 1e-3, max: 100, noNaN: true }), tpot: fc.double({ min: 1e-4, max: 2, noNaN: true }),
      })),
      sometimes(fc.record({ batch: fc.integer({ min: 1, max: 4096 }), contextTokens: fc.integer({ min: 1, max: 200000 }) })),
      (model, gpu, nodeShape, tp, precision, kvCacheDtype, maxModelLen, gpuMemoryUtilization, maxNumBatchedTokens, t, evaluationPoint) => {
        planned(() => {
          const requestMix = t?.mix ? RequestMix.fromSamples([
            { promptTokens: t.prompt, outputTokens: t.output }, { promptTokens: Math.ceil(t.prompt / 7), outputTokens: t.output * 3 },
          ]) : undefined;
          const plan = InferencePlanner.plan({
            model, gpu: GpuType.of(gpu), nodeShape: nodeShape === undefined ? undefined : NodeShape.of(nodeShape), tensorParallel: tp, precision, kvCacheDtype,
            maxModelLen, gpuMemoryUtilization, maxNumBatchedTokens, evaluationPoint,
            traffic: t && { promptTokens: t.prompt, outputTokens: t.output, peakRequestsPerSecond: t.rps, requestMix },
            slo: t && { ttftP95Seconds: t.ttft, tpotP95Seconds: t.tpot },
          });
          return { json: plan.toJson(), explain: plan.explain(), figures: [plan.kvCacheTokens, plan.latency.tpotSeconds, plan.replicas.min] };
        });
      }), { numRuns: 80 });
  });
});
