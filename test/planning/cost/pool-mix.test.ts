import { PlanningError } from '../../../src/errors';
import { GpuType, NodeShape } from '../../../src/planning/catalog';
import { PoolMixModel, PoolMixOptimizer, PoolMixProps } from '../../../src/planning/cost';

const small = NodeShape.custom({
  id: 'h100x2', provider: 'on-prem', gpuType: GpuType.H100_SXM_80GB, gpuCount: 2, vcpu: 32, memoryBytes: 2 ** 38,
  networkBandwidthBitsPerSecond: 1e11, onDemandUsdPerHour: 10, source: 'test fixture',
});
const big = NodeShape.P5_48XLARGE;

/** Objective of an allocation, straight from the model's definition. */
function objective(props: PoolMixProps, r: number[], o: number[][], p: number[][]): number {
  const T = props.gpuDemandByHour.length;
  let total = 0;
  props.shapes.forEach((s, i) => {
    const c = s.nodeShape.onDemandUsdPerHour!;
    const risk = (props.riskWeight ?? 1) * (s.spotInterruptionsPerNodeHour ?? PoolMixOptimizer.DEFAULT_SPOT_INTERRUPTIONS_PER_NODE_HOUR) * c;
    total += T * (1 - s.reservedDiscount) * c * r[i];
    for (let t = 0; t < T; t++) total += c * o[i][t] + ((1 - s.spotDiscount) * c + risk) * p[i][t];
  });
  return total;
}

/** Exhaustive search over every allocation with at most `limit` nodes of each kind. */
function bruteForce(props: PoolMixProps, limit: number): number {
  const S = props.shapes.length;
  const T = props.gpuDemandByHour.length;
  const vars = S * (1 + 2 * T);
  let best = Infinity;
  const x = new Array(vars).fill(0);
  const visit = (k: number): void => {
    if (k === vars) {
      const r = x.slice(0, S);
      const o = props.shapes.map((_, i) => x.slice(S + i * 2 * T, S + i * 2 * T + T));
      const p = props.shapes.map((_, i) => x.slice(S + i * 2 * T + T, S + (i + 1) * 2 * T));
      const feasible = props.gpuDemandByHour.every((d, t) => {
        const gpus = props.shapes.reduce((a, s, i) => a + s.nodeShape.gpuCount * (r[i] + o[i][t] + p[i][t]), 0);
        const spot = props.shapes.reduce((a, s, i) => a + s.nodeShape.gpuCount * p[i][t], 0);
        const avail = props.shapes.every((s, i) => s.maxNodes === undefined || r[i] + o[i][t] + p[i][t] <= s.maxNodes);
        return gpus >= d && spot <= (props.maxSpotShare ?? 0) * d + 1e-9 && avail;
      });
      if (feasible) best = Math.min(best, objective(props, r, o, p));
      return;
    }
    for (let v = 0; v <= limit; v++) {
      x[k] = v;
      visit(k + 1);
    }
  };
  visit(0);
  return best;
}

const cases: Array<[string, PoolMixProps]> = [
  ['one shape, flat demand, no spot', { shapes: [{ nodeShape: small, spotDiscount: 0.6, reservedDiscount: 0.4 }], gpuDemandByHour: [4] }],
  ['one shape, peaky demand: reserve the base, on-demand the peak', { shapes: [{ nodeShape: small, spotDiscount: 0.6, reservedDiscount: 0.4 }], gpuDemandByHour: [2, 6] }],
  ['one shape with spot capped at half the demand', { shapes: [{ nodeShape: small, spotDiscount: 0.7, reservedDiscount: 0.3 }], gpuDemandByHour: [4, 6], maxSpotShare: 0.5 }],
  ['two shapes of the same GPU, availability-capped', {
    shapes: [{ nodeShape: small, spotDiscount: 0.6, reservedDiscount: 0.4, maxNodes: 2 }, { nodeShape: big, spotDiscount: 0.6, reservedDiscount: 0.4 }],
    gpuDemandByHour: [4, 7], maxSpotShare: 0.3,
  }],
  ['heavy risk weight makes spot unattractive', {
    shapes: [{ nodeShape: small, spotDiscount: 0.6, reservedDiscount: 0.1, spotInterruptionsPerNodeHour: 0.5 }], gpuDemandByHour: [2, 4], maxSpotShare: 1, riskWeight: 2,
  }],
];

describe('PoolMixOptimizer', () => {
  test.each(cases)('%s: matches the brute-force optimum and satisfies every constraint', async (_name, props) => {
    const plan = await PoolMixOptimizer.optimize(props);
    expect(() => PoolMixOptimizer.check(props, plan.shapes)).not.toThrow();
    expect(plan.objectiveUsd).toBeCloseTo(bruteForce(props, props.shapes.length > 1 ? 2 : 3), 6);
    expect(plan.costUsd + plan.riskCostUsd).toBeCloseTo(plan.objectiveUsd, 9);
  });

  test('a weekly profile with a daytime peak reserves the night-time base and spots at most the allowed share', async () => {
    const demand = Array.from({ length: 168 }, (_, h) => (h % 24 >= 8 && h % 24 < 20 ? 64 : 16));
    const props: PoolMixProps = { shapes: [{ nodeShape: big, spotDiscount: 0.6, reservedDiscount: 0.4 }], gpuDemandByHour: demand, maxSpotShare: 0.3 };
    const plan = await PoolMixOptimizer.optimize(props);
    PoolMixOptimizer.check(props, plan.shapes);
    expect(plan.shapes[0].reservedNodes).toBe(2);
    expect(Math.max(...plan.shapes[0].spotNodesByHour) * 8).toBeLessThanOrEqual(0.3 * 64);
    expect(plan.costUsd).toBeLessThan(plan.onDemandOnlyCostUsd);
    expect(plan.explain()).toMatch(/reserved cost/);
  });

  test('the model is plain CPLEX LP text with integer variables', () => {
    const m = PoolMixModel.formulate({ shapes: [{ nodeShape: small, spotDiscount: 0.5, reservedDiscount: 0.3 }], gpuDemandByHour: [3], maxSpotShare: 0.5 });
    expect(m.lpText).toMatch(/^Minimize\n cost: 7 r_0 \+ 10 o_0_0 \+ 5\.0027\d* p_0_0\nSubject To\n c_0: 2 r_0 \+ 2 o_0_0 \+ 2 p_0_0 >= 3\n s_0: 2 p_0_0 <= 1\.5\nGeneral\n r_0 o_0_0 p_0_0\nEnd\n$/);
  });

  test.each([
    ['mixed GPU types', { shapes: [{ nodeShape: small, spotDiscount: 0.5, reservedDiscount: 0.3 }, { nodeShape: NodeShape.custom({ id: 'a100', provider: 'x', gpuType: GpuType.all().find((g) => g.id !== GpuType.H100_SXM_80GB.id)!, gpuCount: 8, vcpu: 8, memoryBytes: 1, networkBandwidthBitsPerSecond: 1, onDemandUsdPerHour: 1, source: 't' }), spotDiscount: 0.5, reservedDiscount: 0.3 }], gpuDemandByHour: [1] }, 'shapes[1].nodeShape'],
    ['a shape without a price', { shapes: [{ nodeShape: NodeShape.custom({ id: 'np', provider: 'x', gpuType: GpuType.H100_SXM_80GB, gpuCount: 8, vcpu: 8, memoryBytes: 1, networkBandwidthBitsPerSecond: 1, source: 't' }), spotDiscount: 0.5, reservedDiscount: 0.3 }], gpuDemandByHour: [1] }, 'shapes[0].nodeShape.onDemandUsdPerHour'],
    ['demand above every shape\'s availability', { shapes: [{ nodeShape: small, spotDiscount: 0.5, reservedDiscount: 0.3, maxNodes: 1 }], gpuDemandByHour: [5] }, 'gpuDemandByHour'],
    ['a negative demand', { shapes: [{ nodeShape: small, spotDiscount: 0.5, reservedDiscount: 0.3 }], gpuDemandByHour: [-1] }, 'gpuDemandByHour[0]'],
    ['a spot discount of 1', { shapes: [{ nodeShape: small, spotDiscount: 1, reservedDiscount: 0.3 }], gpuDemandByHour: [1] }, 'shapes[0].spotDiscount'],
  ] as Array<[string, PoolMixProps, string]>)('%s is a PlanningError', async (_name, props, field) => {
    await expect(PoolMixOptimizer.optimize(props)).rejects.toThrow(PlanningError);
    await expect(PoolMixOptimizer.optimize(props)).rejects.toMatchObject({ field });
  });
});
