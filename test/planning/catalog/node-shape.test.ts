import { PlanningError } from '../../../src/errors';
import { GpuType, NodeShape, NodeShapeProps } from '../../../src/planning/catalog';

const ids = [
  'p5.48xlarge', 'p5e.48xlarge', 'p4d.24xlarge',
  'g6e.xlarge', 'g6e.2xlarge', 'g6e.4xlarge', 'g6e.8xlarge', 'g6e.12xlarge', 'g6e.16xlarge', 'g6e.24xlarge', 'g6e.48xlarge',
  'g5.xlarge', 'g5.2xlarge', 'g5.4xlarge', 'g5.8xlarge', 'g5.12xlarge', 'g5.16xlarge', 'g5.24xlarge', 'g5.48xlarge',
  'a3-highgpu-8g', 'a3-megagpu-8g', 'a2-ultragpu-8g', 'a4x-highgpu-4g',
  'g2-standard-4', 'g2-standard-8', 'g2-standard-12', 'g2-standard-16', 'g2-standard-24', 'g2-standard-32', 'g2-standard-48', 'g2-standard-96',
  'Standard_ND96isr_H100_v5',
];

describe('NodeShape catalog', () => {
  test('the catalog holds every node shape of issue 3, and GCP\'s GB200 NVL72 tray (a4x-highgpu-4g)', () => {
    expect(NodeShape.all().map((s) => s.id).sort()).toEqual([...ids].sort());
  });

  test('every catalog shape validates when rebuilt through custom() and cites a source', () => {
    for (const s of NodeShape.all()) {
      const copy = NodeShape.custom({ ...s });
      expect(copy.gpuCount).toBe(s.gpuCount);
      expect(s.source).toMatch(/https:\/\//);
    }
  });

  test('every price carries the date (YYYY-MM-DD) and region it was read', () => {
    for (const s of NodeShape.all().filter((x) => x.onDemandUsdPerHour !== undefined)) {
      expect(s.priceAsOf).toMatch(/^\d{4}-\d{2}-\d{2} [a-z]+-[a-z]+-\d/);
    }
  });

  /** GPUs, vCPU and memory per the provider pages cited in each entry's `source`. */
  const shapes: Array<[string, string, number, number, number]> = [
    ['p5.48xlarge', 'h100-sxm-80gb', 8, 192, 2048],
    ['p5e.48xlarge', 'h200-141gb', 8, 192, 2048],
    ['p4d.24xlarge', 'a100-sxm-40gb', 8, 96, 1152],
    ['g6e.xlarge', 'l40s-48gb', 1, 4, 32],
    ['g6e.12xlarge', 'l40s-48gb', 4, 48, 384],
    ['g6e.48xlarge', 'l40s-48gb', 8, 192, 1536],
    ['g5.xlarge', 'a10g-24gb', 1, 4, 16],
    ['g5.12xlarge', 'a10g-24gb', 4, 48, 192],
    ['g5.48xlarge', 'a10g-24gb', 8, 192, 768],
    ['a3-highgpu-8g', 'h100-sxm-80gb', 8, 208, 1872],
    ['a3-megagpu-8g', 'h100-sxm-80gb', 8, 208, 1872],
    ['a2-ultragpu-8g', 'a100-sxm-80gb', 8, 96, 1360],
    ['a4x-highgpu-4g', 'gb200-186gb', 4, 140, 884],
    ['g2-standard-4', 'l4-24gb', 1, 4, 16],
    ['g2-standard-24', 'l4-24gb', 2, 24, 96],
    ['g2-standard-96', 'l4-24gb', 8, 96, 384],
    ['Standard_ND96isr_H100_v5', 'h100-sxm-80gb', 8, 96, 1900],
  ];
  test.each(shapes)('%s has %s × %d, %d vCPU and %d GiB', (id, gpu, gpus, vcpu, gib) => {
    const s = NodeShape.of(id);
    expect(s.gpuType).toBe(GpuType.of(gpu));
    expect(s.gpuCount).toBe(gpus);
    expect(s.vcpu).toBe(vcpu);
    expect(s.memoryBytes).toBe(gib * 2 ** 30);
  });

  test('per-GPU price and node GPU memory are derived from the node figures', () => {
    expect(NodeShape.P5_48XLARGE.onDemandUsdPerGpuHour).toBeCloseTo(55.04 / 8, 10);
    expect(NodeShape.A3_HIGHGPU_8G.onDemandUsdPerGpuHour).toBeUndefined();
    expect(NodeShape.G6E_48XLARGE.totalGpuMemoryBytes).toBe(8 * 48e9);
  });

  test('an unknown id is a PlanningError with a did-you-mean suggestion', () => {
    expect(() => NodeShape.of('p5.48xl')).toThrow(/did you mean 'p5.48xlarge'/);
    expect(() => NodeShape.of('g6e.3xlarge')).toThrow(PlanningError);
  });
});

describe('NodeShape.custom validation', () => {
  const base: NodeShapeProps = { ...NodeShape.P5_48XLARGE };
  test.each(['gpuCount', 'vcpu'].flatMap((f) => [0, -1, 1.5, NaN].map((v) => [f, v] as [string, number])))('%s = %d is rejected naming the field', (field, value) => {
    expect(() => NodeShape.custom({ ...base, [field]: value })).toThrow(new RegExp(`nodeShape\\.${field}=`));
  });
  test.each(['memoryBytes', 'networkBandwidthBitsPerSecond', 'onDemandUsdPerHour'].flatMap((f) => [0, -1, NaN].map((v) => [f, v] as [string, number])))('%s = %d is rejected naming the field', (field, value) => {
    expect(() => NodeShape.custom({ ...base, [field]: value })).toThrow(new RegExp(`nodeShape\\.${field}=`));
  });
  test('negative local NVMe and an empty id are rejected', () => {
    expect(() => NodeShape.custom({ ...base, localNvmeBytes: -1 })).toThrow(/nodeShape\.localNvmeBytes=-1/);
    expect(() => NodeShape.custom({ ...base, id: '' })).toThrow(/nodeShape\.id=/);
  });
});
