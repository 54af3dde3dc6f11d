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
  /**
   * Number of GPUs connected all-to-all by NVLink/Infinity Fabric in one domain (1 = PCIe only): 8 on an HGX board, 72 in
   * a GB200 NVL72 rack, where the domain spans several nodes.
   */
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
    memoryBytes: 81559 * 2 ** 20, // nvidia-smi memory.total 81559 MiB: the capacity the driver exposes (the marketing 'GB' is rounded)
    hbmBandwidthBytesPerSecond: 3.35e12,
    tflopsBf16: 989,
    tflopsFp8: 1979,
    nvlinkDomainSize: 8,
    nvlinkBandwidthBytesPerSecond: 900e9,
    tdpWatts: 700,
    migProfiles: ['1g.10gb', '1g.20gb', '2g.20gb', '3g.40gb', '4g.40gb', '7g.80gb'],
    source: 'NVIDIA H100 Tensor Core GPU datasheet, SXM column (https://www.nvidia.com/en-us/data-center/h100/); dense = sparse/2',
  });

  /**
   * NVIDIA H100 PCIe 80GB. Source: NVIDIA H100 Tensor Core GPU datasheet, PCIe column: 80 GB HBM2e, 2.0 TB/s,
   * BF16 1,513 / FP8 3,026 TFLOPS with sparsity (dense 756 / 1,513), 300–350 W (350 W used). No NVLink switch:
   * an optional 2-GPU NVLink bridge only, so the domain is 1 and the interconnect is PCIe Gen5 x16 (128 GB/s bidirectional).
   */
  public static readonly H100_PCIE_80GB = GpuType.register({
    id: 'h100-pcie-80gb',
    name: 'NVIDIA H100 PCIe 80GB',
    vendor: 'nvidia',
    memoryBytes: 81559 * 2 ** 20, // nvidia-smi memory.total 81559 MiB: the capacity the driver exposes (the marketing 'GB' is rounded)
    hbmBandwidthBytesPerSecond: 2.0e12,
    tflopsBf16: 756,
    tflopsFp8: 1513,
    nvlinkDomainSize: 1,
    nvlinkBandwidthBytesPerSecond: 128e9,
    tdpWatts: 350,
    migProfiles: ['1g.10gb', '1g.20gb', '2g.20gb', '3g.40gb', '4g.40gb', '7g.80gb'],
    source: 'NVIDIA H100 Tensor Core GPU datasheet, PCIe column (https://www.nvidia.com/en-us/data-center/h100/); dense = sparse/2; PCIe Gen5 x16 = 128 GB/s',
  });

  /**
   * NVIDIA H200 SXM 141GB. Source: NVIDIA H200 Tensor Core GPU datasheet (nvidia.com/en-us/data-center/h200), SXM column:
   * 141 GB HBM3e, 4.8 TB/s, BF16 1,979 / FP8 3,958 TFLOPS with sparsity (dense 989 / 1,979), NVLink 900 GB/s, up to 700 W,
   * up to 7 MIG instances of 18 GB (profiles per the NVIDIA MIG User Guide, H200 table).
   */
  public static readonly H200_141GB = GpuType.register({
    id: 'h200-141gb',
    name: 'NVIDIA H200 SXM 141GB',
    vendor: 'nvidia',
    memoryBytes: 143771 * 2 ** 20, // nvidia-smi memory.total 143771 MiB: the capacity the driver exposes (the marketing 'GB' is rounded)
    hbmBandwidthBytesPerSecond: 4.8e12,
    tflopsBf16: 989,
    tflopsFp8: 1979,
    nvlinkDomainSize: 8,
    nvlinkBandwidthBytesPerSecond: 900e9,
    tdpWatts: 700,
    migProfiles: ['1g.18gb', '1g.35gb', '2g.35gb', '3g.71gb', '4g.71gb', '7g.141gb'],
    source: 'NVIDIA H200 Tensor Core GPU datasheet, SXM column (https://www.nvidia.com/en-us/data-center/h200/); dense = sparse/2; MIG profiles: NVIDIA MIG User Guide (https://docs.nvidia.com/datacenter/tesla/mig-user-guide/)',
  });

  /**
   * NVIDIA B200 (HGX B200 board). Source: NVIDIA HGX platform page (nvidia.com/en-us/data-center/hgx), HGX B200 column,
   * figures for 8 GPUs divided by 8: FP8 72 PFLOPS and FP16/BF16 36 PFLOPS with sparsity → dense 4,500 / 2,250 TFLOPS per GPU;
   * 1.4 TB HBM3e total (DGX B200: 1,440 GB = 180 GB usable per GPU of the 192 GB physical stack — the planners use 180 GB);
   * 8 TB/s per GPU; fifth-generation NVLink 1.8 TB/s per GPU; up to 1,000 W per GPU.
   */
  public static readonly B200_192GB = GpuType.register({
    id: 'b200-192gb',
    name: 'NVIDIA B200 (192 GB HBM3e, 180 GB usable)',
    vendor: 'nvidia',
    memoryBytes: 180e9,
    hbmBandwidthBytesPerSecond: 8e12,
    tflopsBf16: 2250,
    tflopsFp8: 4500,
    nvlinkDomainSize: 8,
    nvlinkBandwidthBytesPerSecond: 1.8e12,
    tdpWatts: 1000,
    migProfiles: ['1g.23gb', '1g.45gb', '2g.45gb', '3g.90gb', '4g.90gb', '7g.180gb'],
    source: 'NVIDIA HGX B200 specifications (https://www.nvidia.com/en-us/data-center/hgx/) and DGX B200 datasheet (1,440 GB GPU memory for 8 GPUs); per GPU = board/8; dense = sparse/2',
  });

  /**
   * NVIDIA GB200 (a Blackwell GPU of a GB200 NVL72 rack). Source: NVIDIA Blackwell datasheet and GB200 NVL72 page
   * (nvidia.com/en-us/data-center/gb200-nvl72), per-GPU column: 186 GB HBM3e at 8 TB/s, FP16/BF16 5 PFLOPS and FP8 10
   * PFLOPS with sparsity (2,500 / 5,000 dense), TDP configurable up to 1,200 W, NVLink 5 at 1.8 TB/s. Rack: 72 GPUs in
   * one NVLink domain ("13.4 TB HBM3e", "130 TB/s" = 72 × 186 GB, 72 × 1.8 TB/s) across 18 compute trays of 4 GPUs, so
   * the NVLink domain spans nodes (a Kubernetes node is one tray: see `NodeShape.A4X_HIGHGPU_4G`). MIG is supported but
   * the datasheet lists no profile names, so none are listed here.
   */
  public static readonly GB200_186GB = GpuType.register({
    id: 'gb200-186gb',
    name: 'NVIDIA GB200 (Blackwell, NVL72 rack)',
    vendor: 'nvidia',
    memoryBytes: 186e9,
    hbmBandwidthBytesPerSecond: 8e12,
    tflopsBf16: 2500,
    tflopsFp8: 5000,
    nvlinkDomainSize: 72,
    nvlinkBandwidthBytesPerSecond: 1.8e12,
    tdpWatts: 1200,
    source: 'NVIDIA GB200 NVL72 specifications (https://www.nvidia.com/en-us/data-center/gb200-nvl72/) and Blackwell datasheet, per-GPU column; dense = sparse/2',
  });

  /**
   * NVIDIA A100 SXM4 40GB. Source: NVIDIA A100 Tensor Core GPU datasheet (nvidia.com/en-us/data-center/a100):
   * 40 GB HBM2, 1,555 GB/s, BF16 312 TFLOPS dense (624 with sparsity), INT8 624 TOPS dense, no FP8, NVLink 600 GB/s,
   * 400 W; HGX A100 8-GPU board = NVLink domain of 8; MIG up to 7 × 5 GB.
   */
  public static readonly A100_SXM_40GB = GpuType.register({
    id: 'a100-sxm-40gb',
    name: 'NVIDIA A100 SXM4 40GB',
    vendor: 'nvidia',
    memoryBytes: 40960 * 2 ** 20, // nvidia-smi memory.total 40960 MiB: the capacity the driver exposes (the marketing 'GB' is rounded)
    hbmBandwidthBytesPerSecond: 1.555e12,
    tflopsBf16: 312,
    tflopsFp8: 0,
    topsInt8: 624,
    nvlinkDomainSize: 8,
    nvlinkBandwidthBytesPerSecond: 600e9,
    tdpWatts: 400,
    migProfiles: ['1g.5gb', '1g.10gb', '2g.10gb', '3g.20gb', '4g.20gb', '7g.40gb'],
    source: 'NVIDIA A100 Tensor Core GPU datasheet, A100 40GB SXM column (https://www.nvidia.com/en-us/data-center/a100/); dense figures',
  });

  /**
   * NVIDIA A100 SXM4 80GB. Source: NVIDIA A100 datasheet, A100 80GB SXM column: 80 GB HBM2e, 2,039 GB/s,
   * BF16 312 TFLOPS dense, INT8 624 TOPS dense, no FP8, NVLink 600 GB/s, 400 W; MIG up to 7 × 10 GB.
   */
  public static readonly A100_SXM_80GB = GpuType.register({
    id: 'a100-sxm-80gb',
    name: 'NVIDIA A100 SXM4 80GB',
    vendor: 'nvidia',
    memoryBytes: 81920 * 2 ** 20, // nvidia-smi memory.total 81920 MiB: the capacity the driver exposes (the marketing 'GB' is rounded)
    hbmBandwidthBytesPerSecond: 2.039e12,
    tflopsBf16: 312,
    tflopsFp8: 0,
    topsInt8: 624,
    nvlinkDomainSize: 8,
    nvlinkBandwidthBytesPerSecond: 600e9,
    tdpWatts: 400,
    migProfiles: ['1g.10gb', '1g.20gb', '2g.20gb', '3g.40gb', '4g.40gb', '7g.80gb'],
    source: 'NVIDIA A100 Tensor Core GPU datasheet, A100 80GB SXM column (https://www.nvidia.com/en-us/data-center/a100/); dense figures',
  });

  /**
   * NVIDIA L40S 48GB (PCIe). Source: NVIDIA L40S datasheet (nvidia.com/en-us/data-center/l40s): 48 GB GDDR6, 864 GB/s,
   * BF16 362.05 / 733 TFLOPS and FP8 733 / 1,466 TFLOPS (dense / with sparsity), 350 W; no NVLink, no MIG;
   * PCIe Gen4 x16 (64 GB/s bidirectional).
   */
  public static readonly L40S_48GB = GpuType.register({
    id: 'l40s-48gb',
    name: 'NVIDIA L40S 48GB',
    vendor: 'nvidia',
    memoryBytes: 48e9,
    hbmBandwidthBytesPerSecond: 864e9,
    tflopsBf16: 362.05,
    tflopsFp8: 733,
    topsInt8: 733,
    nvlinkDomainSize: 1,
    nvlinkBandwidthBytesPerSecond: 64e9,
    tdpWatts: 350,
    source: 'NVIDIA L40S GPU datasheet (https://www.nvidia.com/en-us/data-center/l40s/); dense = sparse/2; PCIe Gen4 x16 = 64 GB/s',
  });

  /**
   * NVIDIA L4 24GB (PCIe, low profile). Source: NVIDIA L4 datasheet (nvidia.com/en-us/data-center/l4): 24 GB GDDR6,
   * 300 GB/s, BF16 242 and FP8 485 TFLOPS with sparsity (dense 121 / 242.5), 72 W; no NVLink, no MIG; PCIe Gen4 x16.
   */
  public static readonly L4_24GB = GpuType.register({
    id: 'l4-24gb',
    name: 'NVIDIA L4 24GB',
    vendor: 'nvidia',
    memoryBytes: 24e9,
    hbmBandwidthBytesPerSecond: 300e9,
    tflopsBf16: 121,
    tflopsFp8: 242.5,
    topsInt8: 242.5,
    nvlinkDomainSize: 1,
    nvlinkBandwidthBytesPerSecond: 64e9,
    tdpWatts: 72,
    source: 'NVIDIA L4 Tensor Core GPU datasheet (https://www.nvidia.com/en-us/data-center/l4/); dense = sparse/2; PCIe Gen4 x16 = 64 GB/s',
  });

  /**
   * NVIDIA A10G 24GB, the AWS-only variant of the A10 used in EC2 G5. NVIDIA publishes no A10G datasheet:
   * memory (24 GB GDDR6, 600 GB/s) is the A10's (NVIDIA A10 datasheet); the dense BF16 tensor peak of 70 TFLOPS
   * (the A10 has 125) is the figure compared in Baseten, "NVIDIA A10 vs A10G for ML model inference"
   * (baseten.co/blog/nvidia-a10-vs-a10g-for-ml-model-inference); 300 W is the power limit nvidia-smi reports on g5
   * (AWS GPU table, gist.github.com/shashankprasanna/10ebe6dc1ba1d8d93db17da4e2cc890e). No FP8, no NVLink, no MIG.
   */
  public static readonly A10G_24GB = GpuType.register({
    id: 'a10g-24gb',
    name: 'NVIDIA A10G 24GB (AWS)',
    vendor: 'nvidia',
    memoryBytes: 24e9,
    hbmBandwidthBytesPerSecond: 600e9,
    tflopsBf16: 70,
    tflopsFp8: 0,
    topsInt8: 140,
    nvlinkDomainSize: 1,
    nvlinkBandwidthBytesPerSecond: 64e9,
    tdpWatts: 300,
    source: 'NVIDIA A10 datasheet for memory (https://www.nvidia.com/en-us/data-center/products/a10-gpu/); A10G tensor peak from https://www.baseten.co/blog/nvidia-a10-vs-a10g-for-ml-model-inference/; 300 W from nvidia-smi on EC2 g5',
  });

  /**
   * AMD Instinct MI300X 192GB (OAM). Source: AMD Instinct MI300X data sheet (amd.com/en/products/accelerators/instinct/mi300/mi300x.html):
   * 192 GB HBM3, 5.3 TB/s, BF16 1,307.4 / 2,614.9 TFLOPS and FP8 2,614.9 / 5,229.8 TFLOPS (dense / with sparsity),
   * INT8 2,614.9 TOPS dense, 750 W; 8 GPUs fully connected by 7 Infinity Fabric links of 128 GB/s = 896 GB/s per GPU.
   * AMD partitions (CPX/NPS) are not NVIDIA MIG profiles, so none are listed.
   */
  public static readonly MI300X_192GB = GpuType.register({
    id: 'mi300x-192gb',
    name: 'AMD Instinct MI300X 192GB',
    vendor: 'amd',
    memoryBytes: 192e9,
    hbmBandwidthBytesPerSecond: 5.3e12,
    tflopsBf16: 1307.4,
    tflopsFp8: 2614.9,
    topsInt8: 2614.9,
    nvlinkDomainSize: 8,
    nvlinkBandwidthBytesPerSecond: 896e9,
    tdpWatts: 750,
    source: 'AMD Instinct MI300X data sheet (https://www.amd.com/en/products/accelerators/instinct/mi300/mi300x.html); dense figures; Infinity Fabric 7 x 128 GB/s',
  });

  /** Looks a GPU up by catalog id; throws a PlanningError with the closest ids when unknown. */
  public static of(id: string): GpuType {
    const found = GpuType.registry.get(id);
    if (!found) {
      throw new PlanningError('gpu', id, `unknown GPU id; did you mean ${closestIds(id, [...GpuType.registry.keys()])}? (see \`aidc catalog gpus\`)`);
    }
    return found;
  }

  /** Every catalog GPU, sorted by id (numbers in ids compare numerically). */
  public static all(): GpuType[] {
    return [...GpuType.registry.values()].sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
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
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
        throw new PlanningError(`gpu.${field}`, String(v), 'must be a finite number greater than zero');
      }
    }
    if (!Number.isInteger(props.nvlinkDomainSize)) {
      throw new PlanningError('gpu.nvlinkDomainSize', String(props.nvlinkDomainSize), 'must be a whole number of GPUs');
    }
    if (props.tflopsFp8 !== undefined && (typeof props.tflopsFp8 !== 'number' || !Number.isFinite(props.tflopsFp8) || props.tflopsFp8 < 0)) {
      throw new PlanningError('gpu.tflopsFp8', String(props.tflopsFp8), 'must be a finite number >= 0 (0 = no FP8)');
    }
    if (props.topsInt8 !== undefined && (typeof props.topsInt8 !== 'number' || !Number.isFinite(props.topsInt8) || props.topsInt8 <= 0)) {
      throw new PlanningError('gpu.topsInt8', String(props.topsInt8), 'must be a finite number greater than zero, or omitted');
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
