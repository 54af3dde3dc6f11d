import { PlanningError } from '../../errors';
import { closestIds } from '../private/did-you-mean';

/** Properties of a GPU type. All figures are per GPU, in bytes, seconds and FLOP. */
export interface GpuTypeProps {
  /** Catalog id, e.g. `h100-sxm-80gb`. */
  readonly id: string;
  /** Marketing name, e.g. `NVIDIA H100 SXM5 80GB`. */
  readonly name: string;
  /** Vendor, e.g. `nvidia` or `amd`. */
  readonly vendor: string;
  /** Device memory in bytes (vendor GB are 1e9 bytes unless the datasheet says GiB). */
  readonly memoryBytes: number;
  /** Peak device-memory bandwidth in bytes per second. */
  readonly hbmBandwidthBytesPerSecond: number;
  /** Dense (no sparsity) BF16 tensor-core peak in TFLOP/s. */
  readonly tflopsBf16: number;
  /**
   * Dense FP8 tensor-core peak in TFLOP/s.
   * @default - no FP8 support (0)
   */
  readonly tflopsFp8?: number;
  /**
   * Dense INT8 tensor-core peak in TOP/s.
   * @default - same as `tflopsFp8`, else twice `tflopsBf16`
   */
  readonly topsInt8?: number;
  /** Number of GPUs connected all-to-all by NVLink/Infinity Fabric in one domain (1 = PCIe only). */
  readonly nvlinkDomainSize: number;
  /** Total (bidirectional) NVLink bandwidth per GPU in bytes per second, as vendors quote it; PCIe bandwidth when there is no NVLink. */
  readonly nvlinkBandwidthBytesPerSecond: number;
  /** Thermal design power in watts. */
  readonly tdpWatts: number;
  /**
   * MIG profiles the GPU supports, e.g. `1g.10gb`.
   * @default - no MIG
   */
  readonly migProfiles?: string[];
  /** Where the figures come from (datasheet title and URL). */
  readonly source: string;
}

/**
 * A GPU model: the hardware figures the planners use.
 *
 * Value class: use the static members (`GpuType.H100_SXM_80GB`), `GpuType.of('h100-sxm-80gb')`,
 * or `GpuType.custom({...})` for hardware not in the catalog.
 */
export class GpuType {
  // Must be initialised before the static catalog members below register themselves.
  private static readonly registry = new Map<string, GpuType>();

  /**
   * NVIDIA H100 SXM5 80GB. Source: NVIDIA H100 Tensor Core GPU datasheet (nvidia.com/en-us/data-center/h100),
   * SXM column: 80 GB HBM3, 3.35 TB/s, BF16 989 TFLOPS and FP8 1,979 TFLOPS dense (datasheet quotes with sparsity, halved),
   * NVLink 900 GB/s, up to 700 W; HGX H100 8-GPU board = NVLink domain of 8.
   */
  public static readonly H100_SXM_80GB = GpuType.register({
    id: 'h100-sxm-80gb',
    name: 'NVIDIA H100 SXM5 80GB',
    vendor: 'nvidia',
    memoryBytes: 80e9,
    hbmBandwidthBytesPerSecond: 3.35e12,
    tflopsBf16: 989,
    tflopsFp8: 1979,
    nvlinkDomainSize: 8,
    nvlinkBandwidthBytesPerSecond: 900e9,
    tdpWatts: 700,
    migProfiles: ['1g.10gb', '1g.20gb', '2g.20gb', '3g.40gb', '4g.40gb', '7g.80gb'],
    source: 'NVIDIA H100 Tensor Core GPU datasheet, SXM column (https://www.nvidia.com/en-us/data-center/h100/); dense = sparse/2',
  });

  /** Looks a GPU up by catalog id; throws a PlanningError with the closest ids when unknown. */
  public static of(id: string): GpuType {
    const found = GpuType.registry.get(id);
    if (!found) {
      throw new PlanningError('gpu', id, `unknown GPU id; did you mean ${closestIds(id, [...GpuType.registry.keys()])}? (see \`aidc catalog gpus\`)`);
    }
    return found;
  }

  /** Every catalog GPU, sorted by id. */
  public static all(): GpuType[] {
    return [...GpuType.registry.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** A GPU type that is not in the catalog; validated, not registered. */
  public static custom(props: GpuTypeProps): GpuType {
    return new GpuType(props);
  }

  private static register(props: GpuTypeProps): GpuType {
    const gpu = new GpuType(props);
    GpuType.registry.set(gpu.id, gpu);
    return gpu;
  }

  /** Catalog id. */
  public readonly id: string;
  /** Marketing name. */
  public readonly name: string;
  /** Vendor. */
  public readonly vendor: string;
  /** Device memory in bytes. */
  public readonly memoryBytes: number;
  /** Peak memory bandwidth in bytes per second. */
  public readonly hbmBandwidthBytesPerSecond: number;
  /** Dense BF16 peak, TFLOP/s. */
  public readonly tflopsBf16: number;
  /** Dense FP8 peak, TFLOP/s (0 when unsupported). */
  public readonly tflopsFp8: number;
  /** Dense INT8 peak, TOP/s. */
  public readonly topsInt8: number;
  /** GPUs per NVLink domain. */
  public readonly nvlinkDomainSize: number;
  /** NVLink (or PCIe) bandwidth per GPU, bytes per second, bidirectional. */
  public readonly nvlinkBandwidthBytesPerSecond: number;
  /** Thermal design power, watts. */
  public readonly tdpWatts: number;
  /** Supported MIG profiles (empty when none). */
  public readonly migProfiles: string[];
  /** Source of the figures. */
  public readonly source: string;

  private constructor(props: GpuTypeProps) {
    for (const [field, v] of Object.entries({
      memoryBytes: props.memoryBytes,
      hbmBandwidthBytesPerSecond: props.hbmBandwidthBytesPerSecond,
      tflopsBf16: props.tflopsBf16,
      nvlinkDomainSize: props.nvlinkDomainSize,
      nvlinkBandwidthBytesPerSecond: props.nvlinkBandwidthBytesPerSecond,
      tdpWatts: props.tdpWatts,
    })) {
      if (!Number.isFinite(v) || v <= 0) {
        throw new PlanningError(`gpu.${field}`, String(v), 'must be a finite number greater than zero');
      }
    }
    if (!Number.isInteger(props.nvlinkDomainSize)) {
      throw new PlanningError('gpu.nvlinkDomainSize', String(props.nvlinkDomainSize), 'must be a whole number of GPUs');
    }
    if (props.tflopsFp8 !== undefined && (!Number.isFinite(props.tflopsFp8) || props.tflopsFp8 < 0)) {
      throw new PlanningError('gpu.tflopsFp8', String(props.tflopsFp8), 'must be a finite number >= 0 (0 = no FP8)');
    }
    if (!props.id || !/^[a-z0-9][a-z0-9.-]*$/.test(props.id)) {
      throw new PlanningError('gpu.id', JSON.stringify(props.id), 'must be lowercase letters, digits, dots and dashes, e.g. my-gpu-48gb');
    }
    this.id = props.id;
    this.name = props.name;
    this.vendor = props.vendor;
    this.memoryBytes = props.memoryBytes;
    this.hbmBandwidthBytesPerSecond = props.hbmBandwidthBytesPerSecond;
    this.tflopsBf16 = props.tflopsBf16;
    this.tflopsFp8 = props.tflopsFp8 ?? 0;
    this.topsInt8 = props.topsInt8 ?? (props.tflopsFp8 || 2 * props.tflopsBf16);
    this.nvlinkDomainSize = props.nvlinkDomainSize;
    this.nvlinkBandwidthBytesPerSecond = props.nvlinkBandwidthBytesPerSecond;
    this.tdpWatts = props.tdpWatts;
    this.migProfiles = [...(props.migProfiles ?? [])];
    this.source = props.source;
  }
}
