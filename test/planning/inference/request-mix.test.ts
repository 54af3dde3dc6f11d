import * as fc from 'fast-check';
import { assertLoadPointsSound } from './load-point-property';
import { PlanningError } from '../../../src/errors';
import { GpuType, ModelSpec } from '../../../src/planning/catalog';
import { InferencePlanner, InferencePlanProps, RequestMix, RequestSize } from '../../../src/planning/inference';

function planningError(f: () => unknown): PlanningError {
  try { f(); } catch (e) { if (e instanceof PlanningError) return e; throw e; }
  throw new Error('expected a PlanningError');
}

const repeat = (n: number, s: RequestSize): RequestSize[] => Array.from({ length: n }, () => s);

describe('RequestMix.fromSamples', () => {
  test('two sizes in equal numbers become two classes of half the requests each', () => {
    const mix = RequestMix.fromSamples([...repeat(100, { promptTokens: 5000, outputTokens: 50 }), ...repeat(100, { promptTokens: 100, outputTokens: 10 })], { promptBins: 2, outputBins: 1 });
    expect(mix.classes).toEqual([{ promptTokens: 100, outputTokens: 10, share: 0.5 }, { promptTokens: 5000, outputTokens: 50, share: 0.5 }]);
    expect(mix.meanPromptTokens).toBe(2550);
    expect(mix.longestSequenceTokens).toBe(5050);
    expect(mix.sourceCount).toBe(200);
  });

  test('over random logs the shares sum to 1, there are at most 16 × 8 classes and the means are kept within half a token (fast-check, 200 runs)', () => {
    const size = fc.record({ promptTokens: fc.integer({ min: 1, max: 30_000 }), outputTokens: fc.integer({ min: 1, max: 4_000 }) });
    fc.assert(fc.property(fc.array(size, { minLength: 1, maxLength: 600 }), (samples) => {
      const mix = RequestMix.fromSamples(samples);
      const classes = mix.classes;
      expect(classes.length).toBeLessThanOrEqual(128);
      expect(classes.reduce((a, c) => a + c.share, 0)).toBeCloseTo(1, 12);
      const mean = (f: (s: RequestSize) => number): number => samples.reduce((a, s) => a + f(s), 0) / samples.length;
      expect(Math.abs(mix.meanPromptTokens - mean((s) => s.promptTokens))).toBeLessThanOrEqual(0.5);
      expect(Math.abs(mix.meanOutputTokens - mean((s) => s.outputTokens))).toBeLessThanOrEqual(0.5);
      expect(mix.longestSequenceTokens).toBe(Math.max(...samples.map((s) => s.promptTokens + s.outputTokens)));
    }), { numRuns: 200, seed: 7 });
  });

  test('the classes getter returns a copy', () => {
    const mix = RequestMix.of([{ promptTokens: 10, outputTokens: 10, share: 1 }]);
    (mix.classes[0] as any).promptTokens = 99;
    expect(mix.classes[0].promptTokens).toBe(10);
  });

  test('RequestMix.of normalises the shares', () => {
    expect(RequestMix.of([{ promptTokens: 10, outputTokens: 5, share: 3 }, { promptTokens: 20, outputTokens: 5, share: 1 }]).classes.map((c) => c.share)).toEqual([0.75, 0.25]);
  });

  test.each([
    [() => RequestMix.fromSamples([]), /requestMix.samples=0: needs at least one request/],
    [() => RequestMix.fromSamples([{ promptTokens: 10, outputTokens: 0 }]), /requestMix.samples\[0\].outputTokens=0/],
    [() => RequestMix.fromSamples([{ promptTokens: 1.5, outputTokens: 3 }]), /requestMix.samples\[0\].promptTokens=1.5/],
    [() => RequestMix.fromSamples([{ promptTokens: 10, outputTokens: 3 }], { promptBins: 0 }), /requestMix.promptBins=0: must be a whole number from 1 to 256/],
    [() => RequestMix.of([{ promptTokens: 10, outputTokens: 3, share: 0 }]), /requestMix.classes\[0\].share=0/],
    [() => RequestMix.of([{ promptTokens: 10, outputTokens: 3, share: NaN }]), /requestMix.classes\[0\].share=NaN/],
  ])('bad input %# is a PlanningError naming the field', (f, message) => {
    expect(planningError(f).message).toMatch(message);
  });
});

describe('loadPoint over random request mixes (fast-check)', () => {
  const klass = fc.record({
    weight: fc.double({ min: 0.01, max: 1, noNaN: true }), promptTokens: fc.integer({ min: 1, max: 32_000 }),
    outputTokens: fc.integer({ min: 1, max: 4096 }), secondsPerToken: fc.double({ min: 1e-6, max: 1e-3, noNaN: true }),
  });
  const replica = fc.record({
    classes: fc.array(klass, { minLength: 2, maxLength: 6 }),
    maxNumBatchedTokens: fc.integer({ min: 256, max: 16_384 }),
    stepBase: fc.double({ min: 1e-3, max: 0.1, noNaN: true }),
    stepPerSequence: fc.double({ min: 0, max: 1e-3, noNaN: true }),
    maxBatch: fc.integer({ min: 1, max: 1024 }),
  }).map((r) => {
    const total = r.classes.reduce((a, c) => a + c.weight, 0);
    const mix = r.classes.map((c) => ({ weight: c.weight / total, promptTokens: c.promptTokens, outputTokens: c.outputTokens, prefillSeconds: c.promptTokens * c.secondsPerToken }));
    const mean = (f: (c: typeof mix[number]) => number): number => mix.reduce((a, c) => a + c.weight * f(c), 0);
    return {
      mix, maxNumBatchedTokens: r.maxNumBatchedTokens, maxBatch: r.maxBatch, stepSeconds: (b: number) => r.stepBase + r.stepPerSequence * b,
      promptTokens: Math.max(1, Math.round(mean((c) => c.promptTokens))), outputTokens: Math.max(1, Math.round(mean((c) => c.outputTokens))),
      prefillSeconds: mean((c) => c.prefillSeconds),
    };
  });

  test('a point is unstable or finite and positive, and p95 latencies do not fall as load rises (400 runs)', () => {
    assertLoadPointsSound(replica, 400, 2026, 1e-6);
  });
});

describe('InferencePlanner with traffic.requestMix', () => {
  const base = (traffic: InferencePlanProps['traffic']): InferencePlanProps => ({
    model: ModelSpec.of('llama-3.1-8b'), gpu: GpuType.of('h100-sxm-80gb'), traffic, slo: { ttftP95Seconds: 0.5, tpotP95Seconds: 0.05 },
  });
  const chatAndDocuments = RequestMix.of([{ promptTokens: 300, outputTokens: 200, share: 85 }, { promptTokens: 6000, outputTokens: 60, share: 15 }]);
  const meanTraffic = { promptTokens: 1155, outputTokens: 179, peakRequestsPerSecond: 100 };

  test('a one-class mix plans exactly as the same traffic without a mix', () => {
    const mix = RequestMix.of([{ promptTokens: 1000, outputTokens: 200, share: 1 }]);
    const plain = InferencePlanner.plan(base({ promptTokens: 1000, outputTokens: 200, peakRequestsPerSecond: 40 }));
    const mixed = InferencePlanner.plan(base({ promptTokens: 1000, outputTokens: 200, peakRequestsPerSecond: 40, requestMix: mix }));
    expect(mixed.requestsPerSecondPerReplica).toBe(plain.requestsPerSecondPerReplica);
    expect(mixed.replicas).toEqual(plain.replicas);
  });

  test('long prompts among short ones lower the capacity at a TTFT SLO and add replicas, and the explanation says why', () => {
    const plain = InferencePlanner.plan(base(meanTraffic));
    const mixed = InferencePlanner.plan(base({ ...meanTraffic, requestMix: chatAndDocuments }));
    expect(mixed.requestsPerSecondPerReplica).toBeLessThan(plain.requestsPerSecondPerReplica * 0.8);
    expect(mixed.replicas.atPeak).toBeGreaterThan(plain.replicas.atPeak);
    expect(mixed.explain()).toMatch(/requestClasses = 2 classes/);
    expect(mixed.explain()).toMatch(/M\/G\/1 prompt queue over the request classes/);
  });

  test.each([
    [{ ...meanTraffic, promptTokens: 1000 }, /traffic.promptTokens=1000: must be the request mix's mean, 1155/],
    [{ ...meanTraffic, outputTokens: 100 }, /traffic.outputTokens=100: must be the request mix's mean, 179/],
  ])('traffic means that are not the mix\'s are a PlanningError (%#)', (traffic, message) => {
    expect(planningError(() => InferencePlanner.plan(base({ ...traffic, requestMix: chatAndDocuments }))).message).toMatch(message);
  });

  test('a request longer than max-model-len is a PlanningError naming the mix', () => {
    const mix = RequestMix.of([{ promptTokens: 100, outputTokens: 100, share: 99 }, { promptTokens: 20_000, outputTokens: 100, share: 1 }]);
    const traffic = { promptTokens: Math.round(mix.meanPromptTokens), outputTokens: 100, peakRequestsPerSecond: 5, requestMix: mix };
    expect(planningError(() => InferencePlanner.plan({ ...base(traffic), maxModelLen: 16_384 })).message).toMatch(/traffic.requestMix=longest request 20100 tokens: exceeds max-model-len 16384/);
  });

  describe('layout choice on the whole mix', () => {
    const sloPlan = (ttftP95Seconds: number, requestMix?: RequestMix): ReturnType<typeof InferencePlanner.plan> => InferencePlanner.plan({
      ...base({ ...meanTraffic, peakRequestsPerSecond: 20, requestMix }), slo: { ttftP95Seconds, tpotP95Seconds: 0.05 },
    });

    test('a TTFT SLO the mean prompt meets but the 15% of 6,000-token prompts do not takes more tensor parallelism', () => {
      expect(sloPlan(0.15).tensorParallel).toBe(1);
      expect(sloPlan(0.15, chatAndDocuments).tensorParallel).toBe(2);
    });

    test('a layout that meets the zero-load floor but misses the SLO at every load is passed over for a larger one', () => {
      // tp4 prefills the 6,000-token class in 60.6 ms alone, under the 62.5 ms SLO, but not with any queueing in front of it.
      const plan = sloPlan(0.0625, chatAndDocuments);
      expect(plan.tensorParallel).toBe(8);
      const tp4 = (): unknown => InferencePlanner.plan({
        ...base({ ...meanTraffic, peakRequestsPerSecond: 20, requestMix: chatAndDocuments }), slo: { ttftP95Seconds: 0.0625, tpotP95Seconds: 0.05 }, tensorParallel: 4,
      });
      expect(planningError(tp4).message).toMatch(/slo=.*on 4× h100-sxm-80gb \(the largest layout tried\) cannot meet the SLO even at a trickle of load/);
      expect(plan.explain()).toMatch(/meets the SLO at some load/);
    });

    test('below the p95 request\'s prefill on the largest layout, the error names the mix', () => {
      expect(planningError(() => sloPlan(0.03, chatAndDocuments)).message)
        .toMatch(/slo.ttftP95Seconds=0.03: below the prefill floor of .* for a 6000-token prompt \(the p95 request of the mix at zero load\)/);
    });
  });

  test('random mixes and SLOs give a plan with finite positive numbers, or a PlanningError (fast-check, 60 runs)', () => {
    const size = fc.record({ promptTokens: fc.integer({ min: 1, max: 12_000 }), outputTokens: fc.integer({ min: 1, max: 2_000 }) });
    fc.assert(fc.property(fc.array(size, { minLength: 1, maxLength: 300 }), fc.constantFrom('llama-3.1-8b', 'mixtral-8x7b', 'qwen2.5-7b'),
      fc.double({ min: 0.05, max: 5, noNaN: true }), fc.double({ min: 0.005, max: 0.5, noNaN: true }), fc.double({ min: 0.1, max: 200, noNaN: true }),
      (samples, id, ttft, tpot, rps) => {
        const requestMix = RequestMix.fromSamples(samples);
        let plan;
        try {
          plan = InferencePlanner.plan({
            model: ModelSpec.of(id), gpu: GpuType.of('h100-sxm-80gb'), slo: { ttftP95Seconds: ttft, tpotP95Seconds: tpot },
            traffic: { promptTokens: Math.round(requestMix.meanPromptTokens), outputTokens: Math.round(requestMix.meanOutputTokens), peakRequestsPerSecond: rps, requestMix },
          });
        } catch (e) {
          expect(e).toBeInstanceOf(PlanningError);
          return;
        }
        expect(JSON.stringify(plan.toJson())).not.toMatch(/null|NaN|Infinity/);
        for (const v of [plan.latency.ttftSeconds, plan.latency.tpotSeconds, plan.requestsPerSecondPerReplica, plan.replicas.max, plan.concurrencyPerReplica]) {
          expect(Number.isFinite(v) && v > 0).toBe(true);
        }
        expect(plan.latency.ttftSeconds).toBeLessThanOrEqual(ttft * (1 + 1e-9));
        expect(plan.latency.tpotSeconds).toBeLessThanOrEqual(tpot * (1 + 1e-9));
      }), { numRuns: 60, seed: 11 });
  });
});
