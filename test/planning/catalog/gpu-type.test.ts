import { PlanningError } from '../../../src/errors';
import { GpuType, GpuTypeProps } from '../../../src/planning/catalog';

describe('GpuType catalog', () => {
  test('the catalog holds the ten GPUs of issue 3 and the GB200 of an NVL72 rack', () => {
    expect(GpuType.all().map((g) => g.id).sort()).toEqual([
      'a100-sxm-40gb', 'a100-sxm-80gb', 'a10g-24gb', 'b200-192gb', 'gb200-186gb', 'h100-pcie-80gb', 'h100-sxm-80gb', 'h200-141gb',
      'l40s-48gb', 'l4-24gb', 'mi300x-192gb',
    ].sort());
  });

  test('every catalog GPU validates when rebuilt through custom() and cites a source', () => {
    for (const g of GpuType.all()) {
      const copy = GpuType.custom({ ...g });
      expect(copy.memoryBytes).toBe(g.memoryBytes);
      expect(g.source).toMatch(/https:\/\//);
    }
  });

  /**
   * Datasheet figures (dense; datasheets quote tensor peaks "with sparsity", which are twice these):
   * H100 SXM/PCIe: NVIDIA H100 datasheet; H200: NVIDIA H200 datasheet; B200: HGX B200 (8-GPU figures / 8); GB200: the
   * Blackwell datasheet's GB200 NVL72 per-GPU column (the rack's 72 GPUs form one NVLink domain);
   * A100: NVIDIA A100 datasheet; L40S / L4: their datasheets; MI300X: AMD MI300X data sheet.
   */
  /** nvidia-smi `memory.total` of each GPU (MiB), as printed by the driver on these cards. */
  const DRIVER_MIB: Record<string, number> = { 'h100-sxm-80gb': 81559, 'h100-pcie-80gb': 81559, 'h200-141gb': 143771, 'a100-sxm-40gb': 40960, 'a100-sxm-80gb': 81920 };
  const datasheet: Array<[string, number, number, number, number, number, number]> = [
    // id, memory GB, bandwidth GB/s, BF16 TFLOPS, FP8 TFLOPS, NVLink domain, TDP W
    ['h100-sxm-80gb', 80, 3350, 989, 1979, 8, 700],
    ['h100-pcie-80gb', 80, 2000, 756, 1513, 1, 350],
    ['h200-141gb', 141, 4800, 989, 1979, 8, 700],
    ['b200-192gb', 180, 8000, 2250, 4500, 8, 1000],
    ['gb200-186gb', 186, 8000, 2500, 5000, 72, 1200],
    ['a100-sxm-40gb', 40, 1555, 312, 0, 8, 400],
    ['a100-sxm-80gb', 80, 2039, 312, 0, 8, 400],
    ['l40s-48gb', 48, 864, 362.05, 733, 1, 350],
    ['l4-24gb', 24, 300, 121, 242.5, 1, 72],
    ['a10g-24gb', 24, 600, 70, 0, 1, 300],
    ['mi300x-192gb', 192, 5300, 1307.4, 2614.9, 8, 750],
  ];
  test.each(datasheet)('%s: %d GB, %d GB/s, %d/%d dense BF16/FP8 TFLOP/s, NVLink domain %d, %d W', (id, gb, gbps, bf16, fp8, domain, tdp) => {
    const g = GpuType.of(id);
    // Where the catalog takes the driver-reported capacity (nvidia-smi memory.total, MiB), it is at least the datasheet's GB.
    expect(g.memoryBytes).toBe(DRIVER_MIB[id] !== undefined ? DRIVER_MIB[id] * 2 ** 20 : gb * 1e9);
    expect(g.memoryBytes).toBeGreaterThanOrEqual(gb * 1e9);
    expect(g.hbmBandwidthBytesPerSecond).toBeCloseTo(gbps * 1e9, -6);
    expect(g.tflopsBf16).toBe(bf16);
    expect(g.tflopsFp8).toBe(fp8);
    expect(g.nvlinkDomainSize).toBe(domain);
    expect(g.tdpWatts).toBe(tdp);
  });

  test('dense FP8 is twice dense BF16 on every FP8-capable GPU (3% tolerance: the L40S sheet quotes 362.05 BF16 but 733 FP8)', () => {
    for (const g of GpuType.all().filter((x) => x.tflopsFp8 > 0)) {
      expect(Math.abs(g.tflopsFp8 / g.tflopsBf16 - 2)).toBeLessThan(0.03 * 2);
    }
  });

  test('MIG profiles are listed for the GPUs that support MIG and for no others', () => {
    const withMig = GpuType.all().filter((g) => g.migProfiles.length > 0).map((g) => g.id).sort();
    expect(withMig).toEqual(['a100-sxm-40gb', 'a100-sxm-80gb', 'b200-192gb', 'h100-pcie-80gb', 'h100-sxm-80gb', 'h200-141gb'].sort());
    for (const g of GpuType.all()) {
      for (const p of g.migProfiles) expect(p).toMatch(/^[1-7]g\.\d+gb$/);
    }
    expect(GpuType.H200_141GB.migProfiles).toContain('7g.141gb');
  });

  test('PCIe-only cards have an NVLink domain of one', () => {
    for (const id of ['h100-pcie-80gb', 'l40s-48gb', 'l4-24gb', 'a10g-24gb']) {
      expect(GpuType.of(id).nvlinkDomainSize).toBe(1);
    }
  });

  test('an unknown id is a PlanningError with a did-you-mean suggestion', () => {
    expect(() => GpuType.of('h100-sxm')).toThrow(/did you mean 'h100-sxm-80gb'/);
    expect(() => GpuType.of('h100')).toThrow(PlanningError);
  });
});

describe('GpuType.custom validation', () => {
  const base: GpuTypeProps = { ...GpuType.H100_SXM_80GB };
  const fields = ['memoryBytes', 'hbmBandwidthBytesPerSecond', 'tflopsBf16', 'nvlinkDomainSize', 'nvlinkBandwidthBytesPerSecond', 'tdpWatts'];
  test.each(fields.flatMap((f) => [0, -1, NaN, Infinity].map((v) => [f, v] as [string, number])))('%s = %d is rejected naming the field', (field, value) => {
    expect(() => GpuType.custom({ ...base, [field]: value })).toThrow(new RegExp(`gpu\\.${field}=`));
  });

  test('a fractional NVLink domain, a negative FP8 peak and a zero INT8 peak are rejected', () => {
    expect(() => GpuType.custom({ ...base, nvlinkDomainSize: 2.5 })).toThrow(/gpu\.nvlinkDomainSize=2\.5/);
    expect(() => GpuType.custom({ ...base, tflopsFp8: -1 })).toThrow(/gpu\.tflopsFp8=-1/);
    expect(() => GpuType.custom({ ...base, topsInt8: 0 })).toThrow(/gpu\.topsInt8=0/);
  });

  test('a custom GPU is not registered in the catalog', () => {
    GpuType.custom({ ...base, id: 'my-gpu-96gb' });
    expect(() => GpuType.of('my-gpu-96gb')).toThrow(PlanningError);
  });
});
