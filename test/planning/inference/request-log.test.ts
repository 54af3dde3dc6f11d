import * as fs from 'fs';
import * as fc from 'fast-check';
import { parseTimedRequestLog } from '../../../src/cli/request-log';
import { PlanningError } from '../../../src/errors';
import { GpuType, ModelSpec } from '../../../src/planning/catalog';
import { InferencePlanner, InferencePlanProps, LoggedRequest, RequestLog } from '../../../src/planning/inference';
import { uniform } from '../../../src/planning/inference/engine-simulation';
import { describeWithShared, sharedPath } from '../../harness/shared';

function planningError(f: () => unknown): PlanningError {
  try { f(); } catch (e) { if (e instanceof PlanningError) return e; throw e; }
  throw new Error('expected a PlanningError');
}

/** `count` Poisson arrivals at `rps` (seeded), every request 1,000 in / 200 out. */
function poissonLog(rps: number, count: number, seed = 3): LoggedRequest[] {
  const u = uniform(seed);
  let t = 0;
  return Array.from({ length: count }, () => ({ arrivalSeconds: (t += -Math.log(u()) / rps), promptTokens: 1000, outputTokens: 200 }));
}

/** The same mean rate, but each ten seconds' requests arrive within its first second (ten-fold bursts). */
function burstyLog(rps: number, count: number): LoggedRequest[] {
  const perBurst = Math.round(10 * rps);
  return Array.from({ length: count }, (_, i) => ({ arrivalSeconds: 10 * Math.floor(i / perBurst) + (i % perBurst) / perBurst, promptTokens: 1000, outputTokens: 200 }));
}

describe('RequestLog', () => {
  test('sorts by arrival, starts at 0, and reports its mean and busiest rates', () => {
    const log = RequestLog.of([
      { arrivalSeconds: 105, promptTokens: 10, outputTokens: 1 }, { arrivalSeconds: 100, promptTokens: 20, outputTokens: 2 },
      { arrivalSeconds: 100.5, promptTokens: 30, outputTokens: 3 }, { arrivalSeconds: 200, promptTokens: 40, outputTokens: 4 },
    ]);
    expect(log.requests.map((r) => r.arrivalSeconds)).toEqual([0, 0.5, 5, 100]);
    expect(log.requests.map((r) => r.promptTokens)).toEqual([20, 30, 10, 40]);
    expect(log.durationSeconds).toBe(100);
    expect(log.meanRequestsPerSecond).toBeCloseTo(0.03, 12);
    expect(log.busiestRequestsPerSecond(10)).toBeCloseTo(0.3, 12);
    expect(log.busiestRequestsPerSecond()).toBeCloseTo(3 / 60, 12);
    expect(log.toMix().meanPromptTokens).toBe(25);
  });

  test.each([
    [() => RequestLog.of([{ arrivalSeconds: 0, promptTokens: 1, outputTokens: 1 }]), /requestLog.requests=1: needs at least two requests/],
    [() => RequestLog.of([{ arrivalSeconds: 0, promptTokens: 1, outputTokens: 1 }, { arrivalSeconds: NaN, promptTokens: 1, outputTokens: 1 }]), /requestLog.requests\[1\].arrivalSeconds=NaN/],
    [() => RequestLog.of([{ arrivalSeconds: 5, promptTokens: 1, outputTokens: 1 }, { arrivalSeconds: 5, promptTokens: 1, outputTokens: 1 }]), /requests at one instant: needs arrivals spread/],
    [() => RequestLog.of([{ arrivalSeconds: 0, promptTokens: 1, outputTokens: 1 }, { arrivalSeconds: 1, promptTokens: 0, outputTokens: 1 }]), /requestLog.requests\[1\].promptTokens=0/],
    [() => RequestLog.of(poissonLog(1, 10)).busiestRequestsPerSecond(0), /windowSeconds=0/],
    // Found by fast-check (seed 1411604655): a log over 1.8e-17 s claimed 2.2e17 req/s, and the plan held NaN.
    [() => RequestLog.of([{ arrivalSeconds: 0, promptTokens: 136, outputTokens: 346 }, { arrivalSeconds: 1.781603466412631e-17, promptTokens: 5511, outputTokens: 452 }]),
      /requestLog.requests=2 requests over 1.78e-17 s: needs arrivals spread over at least 1 s/],
    [() => InferencePlanner.plan({
      model: ModelSpec.of('llama-3.1-8b'), gpu: GpuType.of('h100-sxm-80gb'), slo: { ttftP95Seconds: 0.5, tpotP95Seconds: 0.05 },
      traffic: { promptTokens: 1000, outputTokens: 200, peakRequestsPerSecond: 2e17 },
    }), /traffic.peakRequestsPerSecond=200000000000000000: needs .* replicas .* more than can be counted exactly/],
  ])('bad input %# is a PlanningError naming the field', (f, message) => {
    expect(planningError(f).message).toMatch(message);
  });
});

describe('InferencePlanner with traffic.requestLog', () => {
  const slo = { ttftP95Seconds: 0.5, tpotP95Seconds: 0.05 };
  const plan = (requests: LoggedRequest[], peak?: number): ReturnType<typeof InferencePlanner.plan> => {
    const requestLog = RequestLog.of(requests);
    const props: InferencePlanProps = {
      model: ModelSpec.of('llama-3.1-8b'), gpu: GpuType.of('h100-sxm-80gb'), slo,
      traffic: { promptTokens: 1000, outputTokens: 200, peakRequestsPerSecond: peak ?? requestLog.busiestRequestsPerSecond(), requestLog },
    };
    return InferencePlanner.plan(props);
  };
  const explained = (p: ReturnType<typeof plan>): number => Number(/replicasForRequestLog = (\d+) replicas/.exec(p.explain())![1]);
  /** Replicas the Poisson model sizes for the same sizes at the log's busiest minute (the same plan without the log). */
  const poissonCount = (requests: LoggedRequest[]): number => {
    const log = RequestLog.of(requests);
    return InferencePlanner.plan({
      model: ModelSpec.of('llama-3.1-8b'), gpu: GpuType.of('h100-sxm-80gb'), slo,
      traffic: { promptTokens: 1000, outputTokens: 200, peakRequestsPerSecond: log.busiestRequestsPerSecond(), requestMix: log.toMix() },
    }).replicas.atPeak;
  };

  test('for Poisson arrivals the replay and the analytic model agree within one replica', () => {
    const p = plan(poissonLog(60, 12_000), 60);
    const analytic = Math.ceil(60 / p.requestsPerSecondPerReplica);
    expect(p.explain()).not.toMatch(/poissonRequestsPerSecondPerReplica/);
    console.log(`Poisson log at 60 req/s: ${explained(p)} replicas by replay, ${analytic} by the analytic model`);
    expect(Math.abs(explained(p) - analytic)).toBeLessThanOrEqual(1);
  });

  test('ten-fold bursts at the same mean rate need more replicas than the Poisson model at the log\'s busiest minute', () => {
    const requests = burstyLog(20, 6_000);
    const p = plan(requests);
    const poisson = poissonCount(requests);
    console.log(`ten-fold bursts at 20 req/s: ${explained(p)} replicas by replay, ${poisson} by the Poisson model at the busiest minute`);
    expect(explained(p)).toBeGreaterThan(poisson);
    expect(p.replicas.atPeak).toBe(explained(p));
    expect(p.replicas.max).toBeGreaterThanOrEqual(p.replicas.atPeak);
    // What one replica takes is then the busiest minute over the replayed count, so autoscaling follows the bursts too.
    expect(p.requestsPerSecondPerReplica).toBeCloseTo(RequestLog.of(requests).busiestRequestsPerSecond() / explained(p), 9);
    expect(p.explain()).toMatch(/poissonRequestsPerSecondPerReplica = /);
  });

  test('a log needs an SLO, and its means must be the traffic\'s', () => {
    const requestLog = RequestLog.of(poissonLog(5, 100));
    const base = { model: ModelSpec.of('llama-3.1-8b'), gpu: GpuType.of('h100-sxm-80gb') };
    expect(planningError(() => InferencePlanner.plan({ ...base, traffic: { promptTokens: 1000, outputTokens: 200, peakRequestsPerSecond: 5, requestLog } })).message)
      .toMatch(/traffic.requestLog=100 requests: sizes replicas against an SLO/);
    expect(planningError(() => InferencePlanner.plan({ ...base, slo, traffic: { promptTokens: 900, outputTokens: 200, peakRequestsPerSecond: 5, requestLog } })).message)
      .toMatch(/traffic.promptTokens=900: must be the request mix's mean, 1000/);
  });
});

describe('random logs (fast-check)', () => {
  test('a random log and SLO give a plan with finite positive numbers and replicas at least the Poisson count, or a PlanningError (25 runs)', () => {
    const request = fc.record({ arrivalSeconds: fc.double({ min: 0, max: 600, noNaN: true }), promptTokens: fc.integer({ min: 1, max: 8000 }), outputTokens: fc.integer({ min: 1, max: 1000 }) });
    const seconds = (min: number, max: number): fc.Arbitrary<number> => fc.double({ min, max, noNaN: true });
    fc.assert(fc.property(fc.array(request, { minLength: 2, maxLength: 150 }), seconds(0.05, 3), seconds(0.01, 0.3), (requests, ttft, tpot) => {
      let plan;
      try {
        const requestLog = RequestLog.of(requests);
        const mix = requestLog.toMix();
        plan = InferencePlanner.plan({
          model: ModelSpec.of('llama-3.1-8b'), gpu: GpuType.of('h100-sxm-80gb'), slo: { ttftP95Seconds: ttft, tpotP95Seconds: tpot },
          traffic: { promptTokens: Math.round(mix.meanPromptTokens), outputTokens: Math.round(mix.meanOutputTokens), peakRequestsPerSecond: requestLog.busiestRequestsPerSecond(), requestLog },
        });
      } catch (e) {
        expect(e).toBeInstanceOf(PlanningError);
        return;
      }
      expect(JSON.stringify(plan.toJson())).not.toMatch(/null|NaN|Infinity/);
      expect(Number.isInteger(plan.replicas.atPeak) && plan.replicas.atPeak >= 1).toBe(true);
      expect(plan.replicas.max).toBeGreaterThanOrEqual(plan.replicas.atPeak);
    }), { numRuns: 25, seed: 5 });
  });
});

describe('reading a timed request log', () => {
  test('date-times (Azure trace) and seconds columns both read, fractions kept', () => {
    const azure = parseTimedRequestLog('TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374,44\n2023-11-16 18:15:50.9951690,396,109\n', 'a.csv');
    expect(azure[1].arrivalSeconds - azure[0].arrivalSeconds).toBeCloseTo(4.314579, 6);
    expect(parseTimedRequestLog('arrival_seconds,prompt,output\n0.5,10,2\n', 'b.csv')).toEqual([{ arrivalSeconds: 0.5, promptTokens: 10, outputTokens: 2 }]);
    expect(planningError(() => parseTimedRequestLog('time,prompt,output\nyesterday,10,2\n', 'c.csv')).message).toMatch(/c.csv line 2 time=yesterday: must be seconds or a date-time/);
  });
});

describeWithShared('trace-driven sizing on the Azure LLM inference trace 2023', () => {
  test('the code trace\'s bursts need more replicas by replay than the Poisson model at its busiest minute; conv\'s do not', () => {
    const read = (file: string): RequestLog => RequestLog.of(parseTimedRequestLog(fs.readFileSync(sharedPath('data', 'azure-llm-inference-2023', file), 'utf8'), file));
    const sized = (log: RequestLog): { replay: number; poisson: number } => {
      const mix = log.toMix();
      const p = InferencePlanner.plan({
        model: ModelSpec.of('llama-3.1-8b'), gpu: GpuType.of('h100-sxm-80gb'), slo: { ttftP95Seconds: 1, tpotP95Seconds: 0.05 },
        traffic: { promptTokens: Math.round(mix.meanPromptTokens), outputTokens: Math.round(mix.meanOutputTokens), peakRequestsPerSecond: log.busiestRequestsPerSecond(), requestLog: log },
      });
      const poisson = InferencePlanner.plan({
        model: ModelSpec.of('llama-3.1-8b'), gpu: GpuType.of('h100-sxm-80gb'), slo: { ttftP95Seconds: 1, tpotP95Seconds: 0.05 },
        traffic: { promptTokens: Math.round(mix.meanPromptTokens), outputTokens: Math.round(mix.meanOutputTokens), peakRequestsPerSecond: log.busiestRequestsPerSecond(), requestMix: mix },
      });
      return { replay: Number(/replicasForRequestLog = (\d+) replicas/.exec(p.explain())![1]), poisson: poisson.replicas.atPeak };
    };
    const code = sized(read('AzureLLMInferenceTrace_code.csv'));
    const conv = sized(read('AzureLLMInferenceTrace_conv.csv'));
    console.log(`replicas by replay / by the Poisson model at the busiest minute: code ${code.replay} / ${code.poisson}, conv ${conv.replay} / ${conv.poisson}`);
    expect(code.replay).toBeGreaterThan(code.poisson);
    expect(conv.replay).toBeLessThanOrEqual(conv.poisson);
  });
});
