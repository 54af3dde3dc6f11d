import * as fc from 'fast-check';
import { PlanningError } from '../../../src/errors';
import { NodeShape } from '../../../src/planning/catalog';
import { PlacementTopology, PoolPlanner, PoolWorkload } from '../../../src/planning/placement';

const P5 = NodeShape.of('p5.48xlarge'); // 8 × H100, 192 vCPU, 2 TiB
const GIB = 2 ** 30;
const serve = (extra: Partial<PoolWorkload> = {}): PoolWorkload => ({
  name: 'serve', podCount: 1, gpusPerPod: 8, cpuMilliPerPod: 32000, memoryBytesPerPod: 256 * GIB, minReplicas: 2, maxReplicas: 5, ...extra,
});

describe('PoolPlanner', () => {
  test.each([
    [0, 2, 5],
    [0.1, 3, 6], // ceil(2 × 1.1), ceil(5 × 1.1)
  ])('one 8-GPU pod per replica, 2..5 replicas, headroom %d → %d..%d nodes', (headroom, min, max) => {
    const plan = PoolPlanner.plan({ nodeShape: P5, workloads: [serve()], maxNodes: 10, headroomFraction: headroom });
    expect(plan.minNodes).toBe(min);
    expect(plan.maxNodes).toBe(max);
    expect(plan.gpusRequestedAtMin).toBe(16);
    expect(plan.gpusRequestedAtMax).toBe(40);
    expect(Object.isFrozen(plan)).toBe(true);
    expect(plan.explain()).toContain('packedNodesAtMax = 5 nodes');
  });

  test('small pods share nodes: eight 1-GPU replicas fit one node', () => {
    const plan = PoolPlanner.plan({ nodeShape: P5, workloads: [serve({ gpusPerPod: 1, cpuMilliPerPod: 8000, minReplicas: 8, maxReplicas: 8 })], maxNodes: 4, headroomFraction: 0 });
    expect(plan.maxNodes).toBe(1);
    expect(plan.gpuUtilisation).toBe(1);
  });

  test('a pool too small throws with the shortfall in nodes and GPUs', () => {
    expect(() => PoolPlanner.plan({ nodeShape: P5, workloads: [serve()], maxNodes: 4, headroomFraction: 0 }))
      .toThrow(/short by 1 nodes \(8 GPUs\)/);
    try {
      PoolPlanner.plan({ nodeShape: P5, workloads: [serve()], maxNodes: 4, headroomFraction: 0 });
    } catch (e) {
      expect(e).toBeInstanceOf(PlanningError);
      expect((e as PlanningError).field).toBe('maxNodes');
    }
  });

  test.each([
    ['a fractional GPU without sharing', serve({ gpusPerPod: 0.5 }), /gpuSharing/],
    ['a fraction above one GPU', serve({ gpusPerPod: 1.5 }), /below 1/],
    ['negative CPU', serve({ cpuMilliPerPod: -1 }), /cpuMilliPerPod/],
    ['a pod larger than the node', serve({ gpusPerPod: 16 }), /larger than any p5.48xlarge/],
    ['an NVLink gang larger than the domain', serve({ podCount: 2, gang: true, topology: PlacementTopology.NVLINK_DOMAIN }), /serve.*NVLink domain/],
  ])('%s is a PlanningError naming the workload', (_, w, message) => {
    expect(() => PoolPlanner.plan({ nodeShape: P5, workloads: [w], maxNodes: 10 })).toThrow(PlanningError);
    expect(() => PoolPlanner.plan({ nodeShape: P5, workloads: [w], maxNodes: 10 })).toThrow(message);
  });

  test('a gang is packed whole onto one rack', () => {
    const plan = PoolPlanner.plan({
      nodeShape: P5, maxNodes: 16, headroomFraction: 0, nodesPerRack: 4,
      workloads: [serve({ name: 'train', podCount: 4, gang: true, topology: PlacementTopology.RACK, minReplicas: 1, maxReplicas: 1 })],
    });
    expect(plan.maxNodes).toBe(4);
    expect(new Set(plan.assignment.map((n) => n.rack)).size).toBe(1);
  });

  test('replicas spread across zones', () => {
    const plan = PoolPlanner.plan({
      nodeShape: P5, maxNodes: 10, headroomFraction: 0, zones: 3,
      workloads: [serve({ gpusPerPod: 1, cpuMilliPerPod: 1000, minReplicas: 3, maxReplicas: 3, spreadAcrossZones: true })],
    });
    expect(plan.assignment.map((n) => n.zone).sort()).toEqual(['zone-0', 'zone-1', 'zone-2']);
  });

  test('property: random pools are either planned within capacity, never NaN, or refused with a PlanningError', () => {
    fc.assert(fc.property(
      fc.array(fc.record({
        podCount: fc.integer({ min: 1, max: 4 }), gpus: fc.constantFrom(0, 0.25, 0.5, 1, 2, 4, 8, 9),
        cpu: fc.integer({ min: 0, max: 200 }), memGiB: fc.integer({ min: 0, max: 2100 }), gang: fc.boolean(),
        topology: fc.constantFrom(...Object.values(PlacementTopology)), min: fc.integer({ min: 0, max: 3 }), extra: fc.integer({ min: 0, max: 3 }),
      }), { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 1, max: 30 }), fc.boolean(),
      (ws, maxNodes, sharing) => {
        const workloads = ws.map((w, k): PoolWorkload => ({
          name: `w${k}`, podCount: w.podCount, gpusPerPod: w.gpus, cpuMilliPerPod: w.cpu * 1000, memoryBytesPerPod: w.memGiB * GIB,
          gang: w.gang, topology: w.topology, minReplicas: w.min, maxReplicas: w.min + w.extra,
        }));
        let plan;
        try {
          plan = PoolPlanner.plan({ nodeShape: P5, workloads, maxNodes, gpuSharing: sharing });
        } catch (e) {
          expect(e).toBeInstanceOf(PlanningError);
          return;
        }
        const json = JSON.stringify(plan.toJson());
        expect(json).not.toMatch(/NaN|null|Infinity/);
        expect(plan.maxNodes).toBeLessThanOrEqual(maxNodes);
        expect(plan.minNodes).toBeLessThanOrEqual(plan.maxNodes);
        for (const n of plan.assignment) {
          expect(n.cpuMilliUsed).toBeLessThanOrEqual(P5.vcpu * 1000);
          expect(n.memoryBytesUsed).toBeLessThanOrEqual(P5.memoryBytes);
          for (const g of n.gpus) expect(g.usedFraction).toBeLessThanOrEqual(1 + 1e-9);
        }
        const placed = plan.assignment.reduce((s, n) => s + n.pods.length, 0);
        expect(placed).toBe(workloads.reduce((s, w) => s + w.podCount * (w.maxReplicas ?? 0), 0));
      }), { numRuns: 60, seed: 3 });
  });
});

describe('PoolPlanner on shared-GPU pools without placement constraints', () => {
  const G6E = NodeShape.of('g6e.48xlarge'); // 8 × L40S, 192 vCPU
  // 60 × 0.8 GPU / 4 cores, 30 × 0.3 GPU / 24 cores, 30 × 0.2 GPU / 2 cores: one pod at a time, best fit puts the
  // CPU-heavy 0.3s together and strands GPUs; packing GPUs first, then nodes by CPU per GPU, needs 9 nodes.
  const mix: PoolWorkload[] = [[0.8, 4000, 60], [0.3, 24000, 30], [0.2, 2000, 30]].map(([g, c, n], k) => ({
    name: `svc${k}`, podCount: 1, gpusPerPod: g, cpuMilliPerPod: c, memoryBytesPerPod: 16 * GIB, minReplicas: n, maxReplicas: n,
  }));

  test('are packed GPU-first when that needs fewer nodes: 9 instead of 11, every GPU and node within capacity', () => {
    const plan = PoolPlanner.plan({ nodeShape: G6E, workloads: mix, maxNodes: 50, headroomFraction: 0, gpuSharing: true });
    expect(plan.packedNodesAtMax).toBe(9);
    expect(plan.explain()).toMatch(/packedNodesAtMax = 9 nodes[\s\S]*GPU-first/);
    const pods = plan.assignment.flatMap((n) => n.pods);
    expect(pods).toHaveLength(120);
    expect(new Set(pods).size).toBe(120);
    for (const n of plan.assignment) {
      expect(n.cpuMilliUsed).toBeLessThanOrEqual(G6E.vcpu * 1000);
      for (const g of n.gpus) expect(g.usedFraction).toBeLessThanOrEqual(1 + 1e-9);
    }
  });

  test('a gang with a topology constraint keeps the constraint-aware packer', () => {
    const gang: PoolWorkload = { name: 'train', podCount: 2, gpusPerPod: 8, cpuMilliPerPod: 64000, memoryBytesPerPod: 256 * GIB, gang: true, topology: PlacementTopology.RACK };
    const plan = PoolPlanner.plan({ nodeShape: G6E, workloads: [...mix, gang], maxNodes: 50, headroomFraction: 0, gpuSharing: true });
    expect(plan.explain()).toContain('first-fit-decreasing');
    expect(plan.explain()).not.toContain('GPU-first');
  });
});
