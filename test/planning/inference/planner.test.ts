import * as fc from 'fast-check';
import { PlanningError } from '../../../src/errors';
import { GpuType, ModelSpec, NodeShape } from '../../../src/planning/catalog';
import { InferencePlanner, InferencePrecision, InferencePlanProps } from '../../../src/planning/inference';
import { weightBytes } from '../../../src/planning/inference/memory';

const H100 = GpuType.of('h100-sxm-80gb');
const base = (over: Partial<InferencePlanProps> = {}): InferencePlanProps => ({ model: ModelSpec.of('llama-3.1-8b'), gpu: H100, ...over });

function planningError(f: () => unknown): PlanningError {
  try { f(); } catch (e) { if (e instanceof PlanningError) return e; throw e; }
  throw new Error('expected a PlanningError');
}

describe('layout', () => {
  test('the smallest tensor-parallel size that fits is chosen', () => {
    expect(InferencePlanner.plan(base()).tensorParallel).toBe(1);
    expect(InferencePlanner.plan(base({ model: ModelSpec.of('llama-3.1-70b') })).tensorParallel).toBeGreaterThanOrEqual(2);
  });

  test('Llama 3.1 405B in bf16 spans two 8×H100 nodes with pipeline stages', () => {
    const plan = InferencePlanner.plan(base({ model: ModelSpec.of('llama-3.1-405b'), nodeShape: NodeShape.of('p5.48xlarge') }));
    expect(plan.tensorParallel).toBe(8);
    expect(plan.pipelineParallel).toBeGreaterThanOrEqual(2);
    expect(plan.nodesPerReplica).toBe(plan.pipelineParallel);
  });

  test('without a node shape a PCIe-only GPU gets tensor parallelism inside one server, as vLLM runs it, not a pipeline across nodes', () => {
    const l40s = GpuType.of('l40s-48gb');
    const model = ModelSpec.of('llama-3.1-70b');
    // 72.7 GB of FP8 weights do not fit one 48 GB L40S: two of them in one 8-GPU g6e.48xlarge-sized node.
    const plan = InferencePlanner.plan(base({ model, gpu: l40s, precision: InferencePrecision.FP8 }));
    expect([plan.tensorParallel, plan.pipelineParallel, plan.nodesPerReplica]).toEqual([2, 1, 1]);
    expect(plan.explain()).toMatch(/8 GPUs per node: the largest catalog node shape with l40s-48gb \(g6e\.48xlarge/);
    expect(plan.explain()).toMatch(/allReduceLatencySeconds = 0\.0056[0-9]* ms\n.*NCCL ring over PCIe: 2\(tp − 1\) = 2 steps × 2\.8 µs/);
    expect(InferencePlanner.plan(base({ model, gpu: l40s, precision: InferencePrecision.FP8, tensorParallel: 8 })).gpusPerReplica).toBe(8);
    // A one-GPU node shape keeps the pipeline across nodes; a GPU no catalog shape carries keeps its NVLink domain.
    const single = InferencePlanner.plan(base({ model, gpu: l40s, precision: InferencePrecision.FP8, nodeShape: NodeShape.of('g6e.xlarge') }));
    expect([single.tensorParallel, single.pipelineParallel, single.nodesPerReplica]).toEqual([1, 2, 2]);
    const pcie = GpuType.of('h100-pcie-80gb');
    expect(planningError(() => InferencePlanner.plan(base({ gpu: pcie, tensorParallel: 2 }))).message).toMatch(/exceeds the 1 GPUs of one node \(h100-pcie-80gb has no NVLink.*or give a node shape/);
  });

  test('on GB200 NVL72 tensor parallelism spans the 4-GPU trays of one NVLink rack instead of adding pipeline stages', () => {
    const gb200 = GpuType.of('gb200-186gb');
    // DeepSeek-V3 in FP8 (673 GB) does not fit four 186 GB GPUs: TP 8 on two trays, not TP 4 × PP 2.
    const plan = InferencePlanner.plan(base({ model: ModelSpec.of('deepseek-v3'), gpu: gb200, precision: InferencePrecision.FP8 }));
    expect([plan.tensorParallel, plan.pipelineParallel, plan.nodesPerReplica]).toEqual([8, 1, 2]);
    expect(plan.explain()).toMatch(/pipelineParallel = 1\n.*one tensor-parallel group on the NVLink domain of 72 gb200-186gb, across 2 nodes/);
    expect(plan.explain()).toMatch(/allReduceLatencySeconds = .*\n.*on NVLink/);
    // The search stops at 8; a fixed size may use the rack, and no more.
    expect(InferencePlanner.plan(base({ model: ModelSpec.of('deepseek-v3'), gpu: gb200, precision: InferencePrecision.FP8, tensorParallel: 16 })).nodesPerReplica).toBe(4);
    expect(planningError(() => InferencePlanner.plan(base({ model: ModelSpec.of('deepseek-v3'), gpu: gb200, tensorParallel: 128 }))).message)
      .toMatch(/tensorParallel=128: exceeds the 72-GPU NVLink domain of gb200-186gb; use at most 72/);
  });

  test('a tighter TPOT SLO picks more tensor parallelism', () => {
    const traffic = { promptTokens: 512, outputTokens: 128, peakRequestsPerSecond: 1 };
    const loose = InferencePlanner.plan(base({ model: ModelSpec.of('llama-3.1-70b'), traffic, slo: { ttftP95Seconds: 5, tpotP95Seconds: 0.2 } }));
    const tight = InferencePlanner.plan(base({ model: ModelSpec.of('llama-3.1-70b'), traffic, slo: { ttftP95Seconds: 5, tpotP95Seconds: 0.012 } }));
    expect(tight.tensorParallel).toBeGreaterThan(loose.tensorParallel);
  });
});

describe('replicas', () => {
  const traffic = { promptTokens: 1000, outputTokens: 200, peakRequestsPerSecond: 50 };
  test('availability of 99.9% keeps at least two replicas', () => {
    expect(InferencePlanner.plan(base({ traffic, slo: { ttftP95Seconds: 2, tpotP95Seconds: 0.1, availability: 0.999 } })).replicas.min).toBe(2);
    expect(InferencePlanner.plan(base({ traffic, slo: { ttftP95Seconds: 2, tpotP95Seconds: 0.1 } })).replicas.min).toBe(1);
  });

  test('replicas at peak carry the peak rate within the SLO and max adds headroom', () => {
    const plan = InferencePlanner.plan(base({ traffic, slo: { ttftP95Seconds: 2, tpotP95Seconds: 0.1 } }));
    expect(plan.replicas.atPeak * plan.requestsPerSecondPerReplica).toBeGreaterThanOrEqual(50);
    expect(plan.replicas.max).toBeGreaterThanOrEqual(plan.replicas.atPeak);
    expect(plan.latency.ttftSeconds).toBeLessThanOrEqual(2);
    expect(plan.latency.tpotSeconds).toBeLessThanOrEqual(0.1);
  });
});

describe('bad input gives a PlanningError naming the field, the value and the fix', () => {
  test.each<[string, () => unknown, string]>([
    ['unknown model', () => ModelSpec.of('llama-3.1-7b'), 'model'],
    ['unknown GPU', () => GpuType.of('h100'), 'gpu'],
    ['zero utilisation', () => InferencePlanner.plan(base({ gpuMemoryUtilization: 0 })), 'gpuMemoryUtilization'],
    ['utilisation above 1', () => InferencePlanner.plan(base({ gpuMemoryUtilization: 1.2 })), 'gpuMemoryUtilization'],
    ['NaN utilisation', () => InferencePlanner.plan(base({ gpuMemoryUtilization: NaN })), 'gpuMemoryUtilization'],
    ['tp not dividing heads', () => InferencePlanner.plan(base({ tensorParallel: 3 })), 'tensorParallel'],
    ['tp beyond a node', () => InferencePlanner.plan(base({ tensorParallel: 16 })), 'tensorParallel'],
    ['negative tp', () => InferencePlanner.plan(base({ tensorParallel: -2 })), 'tensorParallel'],
    ['max-model-len over the model context', () => InferencePlanner.plan(base({ maxModelLen: 200000 })), 'maxModelLen'],
    ['zero rps', () => InferencePlanner.plan(base({ traffic: { promptTokens: 10, outputTokens: 10, peakRequestsPerSecond: 0 } })), 'traffic.peakRequestsPerSecond'],
    ['fixed tp too small', () => InferencePlanner.plan(base({ model: ModelSpec.of('llama-3.1-70b'), tensorParallel: 1 })), 'tensorParallel'],
    ['model too large for any layout', () => InferencePlanner.plan(base({ model: ModelSpec.of('deepseek-v3'), gpu: GpuType.of('l4-24gb'), nodeShape: NodeShape.of('g2-standard-4') })), 'model'],
    ['TPOT below the bandwidth floor', () => InferencePlanner.plan(base({ model: ModelSpec.of('llama-3.1-70b'), traffic: { promptTokens: 100, outputTokens: 100, peakRequestsPerSecond: 1 }, slo: { ttftP95Seconds: 5, tpotP95Seconds: 0.001 } })), 'slo.tpotP95Seconds'],
    ['batch that does not fit', () => InferencePlanner.plan(base({ evaluationPoint: { batch: 100000, contextTokens: 8192 } })), 'evaluationPoint.batch'],
  ])('%s', (_name, f, field) => {
    const e = planningError(f);
    expect(e.field).toBe(field);
    expect(e.fix.length).toBeGreaterThan(10);
  });

  test('the TPOT floor error says the floor and what would work', () => {
    const e = planningError(() => InferencePlanner.plan(base({ model: ModelSpec.of('llama-3.1-70b'), traffic: { promptTokens: 100, outputTokens: 100, peakRequestsPerSecond: 1 }, slo: { ttftP95Seconds: 5, tpotP95Seconds: 0.001 } })));
    expect(e.fix).toMatch(/floor of [\d.]+ ms/);
    expect(e.fix).toMatch(/fp8/);
  });
});

describe('properties', () => {
  const models = ['llama-3.1-8b', 'llama-3.1-70b', 'mistral-7b', 'mixtral-8x7b', 'qwen2.5-7b', 'llama-3.2-1b', 'deepseek-v3'];
  const gpus = ['h100-sxm-80gb', 'h200-141gb', 'a100-sxm-80gb', 'l40s-48gb', 'l4-24gb'];
  const precisions = Object.values(InferencePrecision);

  test('random props give a plan with finite positive numbers, or a PlanningError', () => {
    fc.assert(fc.property(
      fc.constantFrom(...models), fc.constantFrom(...gpus), fc.constantFrom(...precisions),
      fc.double({ min: 0.3, max: 1, noNaN: true }), fc.integer({ min: 16, max: 8192 }), fc.integer({ min: 1, max: 1024 }),
      fc.double({ min: 0.01, max: 100, noNaN: true }),
      (m, g, p, util, prompt, out, rps) => {
        let plan;
        try {
          // eslint-disable-next-line @stylistic/max-len
          plan = InferencePlanner.plan({ model: ModelSpec.of(m), gpu: GpuType.of(g), precision: p, gpuMemoryUtilization: util, traffic: { promptTokens: prompt, outputTokens: out, peakRequestsPerSecond: rps } });
        } catch (e) {
          expect(e).toBeInstanceOf(PlanningError);
          return;
        }
        const nums = JSON.stringify(plan.toJson(), (_k, v) => v);
        expect(nums).not.toMatch(/null|NaN|Infinity/);
        for (const v of [plan.kvCacheTokens, plan.memory.weightsBytes, plan.throughput.decodeTokensPerSecond, plan.throughput.prefillTokensPerSecond,
          plan.latency.ttftSeconds, plan.latency.tpotSeconds, plan.requestsPerSecondPerReplica, plan.replicas.min, plan.maxNumSeqs]) {
          expect(Number.isFinite(v) && v > 0).toBe(true);
        }
      }), { numRuns: 60 });
  });

  test('more tensor parallelism never increases per-GPU weight bytes, and KV tokens are never negative', () => {
    fc.assert(fc.property(fc.constantFrom(...models), fc.constantFrom(...precisions), fc.constantFrom(1, 2, 4), (m, p, tp) => {
      const model = ModelSpec.of(m);
      expect(weightBytes(model, p, tp * 2, 1).perGpuBytes).toBeLessThanOrEqual(weightBytes(model, p, tp, 1).perGpuBytes);
      try {
        expect(InferencePlanner.plan({ model, gpu: H100, precision: p }).kvCacheTokens).toBeGreaterThan(0);
      } catch (e) {
        expect(e).toBeInstanceOf(PlanningError);
      }
    }), { numRuns: 40 });
  });
});

describe('engine limits', () => {
  test('max_num_seqs never exceeds max_num_batched_tokens, which vLLM\'s SchedulerConfig rejects', () => {
    expect(InferencePlanner.plan(base()).maxNumSeqs).toBeGreaterThan(128);
    const small = InferencePlanner.plan(base({ maxNumBatchedTokens: 128 }));
    expect(small.maxNumSeqs).toBe(128);
    expect(small.engineArgs()).toEqual(expect.arrayContaining(['--max-num-seqs=128', '--max-num-batched-tokens=128']));
  });
});
