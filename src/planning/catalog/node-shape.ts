import { GpuType } from './gpu-type';
import { PlanningError } from '../../errors';
import { closestIds } from '../private/did-you-mean';

/** Properties of a node shape (a cloud instance type or an on-premises server). */
export interface NodeShapeProps {
  /** Instance type / machine type, e.g. `p5.48xlarge`. */
  readonly id: string;
  /** Cloud (`aws`, `gcp`, `azure`) or `on-prem`. */
  readonly provider: string;
  /** GPU model on the node. */
  readonly gpuType: GpuType;
  /** GPUs per node. */
  readonly gpuCount: number;
  /** vCPUs per node. */
  readonly vcpu: number;
  /** System memory in bytes. */
  readonly memoryBytes: number;
  /**
   * Local NVMe in bytes.
   * @default 0
   */
  readonly localNvmeBytes?: number;
  /** Network bandwidth between nodes in bits per second (sum over all NICs, e.g. 3200 Gbps EFA on p5). */
  readonly networkBandwidthBitsPerSecond: number;
  /**
   * On-demand price in USD per node-hour.
   * @default - unknown; cost is not reported
   */
  readonly onDemandUsdPerHour?: number;
  /**
   * Date (YYYY-MM-DD) and region the price was read.
   * @default - no price
   */
  readonly priceAsOf?: string;
  /** Where the figures come from. */
  readonly source: string;
}

/**
 * A node shape. Value class: `NodeShape.P5_48XLARGE`, `NodeShape.of('p5.48xlarge')`, `NodeShape.custom({...})`.
 */
export class NodeShape {
  // Must be initialised before the static catalog members below register themselves.
  private static readonly registry = new Map<string, NodeShape>();

  /** AWS p5.48xlarge: 8× H100 SXM 80GB, 192 vCPU, 2 TiB, 8×3.84 TB NVMe, 3200 Gbps EFA. Source: aws.amazon.com/ec2/instance-types/p5. */
  public static readonly P5_48XLARGE = NodeShape.register({
    id: 'p5.48xlarge', provider: 'aws', gpuType: GpuType.H100_SXM_80GB, gpuCount: 8, vcpu: 192,
    memoryBytes: 2048 * 2 ** 30, localNvmeBytes: 8 * 3.84e12, networkBandwidthBitsPerSecond: 3200e9,
    onDemandUsdPerHour: 55.04, priceAsOf: '2025-06-05 us-east-1',
    source: 'https://aws.amazon.com/ec2/instance-types/p5/ ; price after the June 2025 reduction (aws.amazon.com/blogs/aws/announcing-up-to-45-price-reduction-for-amazon-ec2-nvidia-gpu-accelerated-instances)',
  });

  /** AWS p5e.48xlarge: 8× H200 141GB, 192 vCPU, 2 TiB, 8×3.84 TB NVMe, 3200 Gbps EFAv3. No public on-demand price (sold through EC2 Capacity Blocks), so none is set. Source: aws.amazon.com/ec2/instance-types/p5. */
  public static readonly P5E_48XLARGE = NodeShape.register({
    id: 'p5e.48xlarge', provider: 'aws', gpuType: GpuType.H200_141GB, gpuCount: 8, vcpu: 192,
    memoryBytes: 2048 * 2 ** 30, localNvmeBytes: 8 * 3.84e12, networkBandwidthBitsPerSecond: 3200e9,
    source: 'https://aws.amazon.com/ec2/instance-types/p5/ (p5e.48xlarge row); no on-demand price published (Capacity Blocks only)',
  });

  /** AWS p4d.24xlarge: 8× A100 SXM 40GB, 96 vCPU, 1152 GiB, 8×1000 GB NVMe, 400 Gbps EFA, $32.7726/h list price before the June 2025 reduction. Source: aws.amazon.com/ec2/instance-types/p4. */
  public static readonly P4D_24XLARGE = NodeShape.register({
    id: 'p4d.24xlarge', provider: 'aws', gpuType: GpuType.A100_SXM_40GB, gpuCount: 8, vcpu: 96,
    memoryBytes: 1152 * 2 ** 30, localNvmeBytes: 8 * 1000e9, networkBandwidthBitsPerSecond: 400e9,
    onDemandUsdPerHour: 32.7726, priceAsOf: '2024-12-01 us-east-1 (before the 2025-06 P4d price cut)',
    source: 'https://aws.amazon.com/ec2/instance-types/p4/ ; price from the same page (us-east-1 on-demand, Linux)',
  });

  /** AWS g6e.xlarge: 1× NVIDIA L40S 48GB, 4 vCPU, 32 GiB, 250 GB NVMe, up to 20 Gbps (burst figure used), $1.861/h on demand. Source: https://aws.amazon.com/ec2/instance-types/g6e/. */
  public static readonly G6E_XLARGE = NodeShape.register({
    id: 'g6e.xlarge', provider: 'aws', gpuType: GpuType.L40S_48GB, gpuCount: 1, vcpu: 4,
    memoryBytes: 32 * 2 ** 30, localNvmeBytes: 250e9, networkBandwidthBitsPerSecond: 20e9,
    onDemandUsdPerHour: 1.861, priceAsOf: '2025-01-15 us-east-1',
    source: 'https://aws.amazon.com/ec2/instance-types/g6e/ ; price: https://aws.amazon.com/ec2/pricing/on-demand/ (us-east-1, Linux)',
  });
  /** AWS g6e.2xlarge: 1× NVIDIA L40S 48GB, 8 vCPU, 64 GiB, 450 GB NVMe, up to 20 Gbps (burst figure used), $2.24208/h on demand. Source: https://aws.amazon.com/ec2/instance-types/g6e/. */
  public static readonly G6E_2XLARGE = NodeShape.register({
    id: 'g6e.2xlarge', provider: 'aws', gpuType: GpuType.L40S_48GB, gpuCount: 1, vcpu: 8,
    memoryBytes: 64 * 2 ** 30, localNvmeBytes: 450e9, networkBandwidthBitsPerSecond: 20e9,
    onDemandUsdPerHour: 2.24208, priceAsOf: '2025-01-15 us-east-1',
    source: 'https://aws.amazon.com/ec2/instance-types/g6e/ ; price: https://aws.amazon.com/ec2/pricing/on-demand/ (us-east-1, Linux)',
  });
  /** AWS g6e.4xlarge: 1× NVIDIA L40S 48GB, 16 vCPU, 128 GiB, 600 GB NVMe, 20 Gbps, $3.00424/h on demand. Source: https://aws.amazon.com/ec2/instance-types/g6e/. */
  public static readonly G6E_4XLARGE = NodeShape.register({
    id: 'g6e.4xlarge', provider: 'aws', gpuType: GpuType.L40S_48GB, gpuCount: 1, vcpu: 16,
    memoryBytes: 128 * 2 ** 30, localNvmeBytes: 600e9, networkBandwidthBitsPerSecond: 20e9,
    onDemandUsdPerHour: 3.00424, priceAsOf: '2025-01-15 us-east-1',
    source: 'https://aws.amazon.com/ec2/instance-types/g6e/ ; price: https://aws.amazon.com/ec2/pricing/on-demand/ (us-east-1, Linux)',
  });
  /** AWS g6e.8xlarge: 1× NVIDIA L40S 48GB, 32 vCPU, 256 GiB, 900 GB NVMe, 25 Gbps, $4.52856/h on demand. Source: https://aws.amazon.com/ec2/instance-types/g6e/. */
  public static readonly G6E_8XLARGE = NodeShape.register({
    id: 'g6e.8xlarge', provider: 'aws', gpuType: GpuType.L40S_48GB, gpuCount: 1, vcpu: 32,
    memoryBytes: 256 * 2 ** 30, localNvmeBytes: 900e9, networkBandwidthBitsPerSecond: 25e9,
    onDemandUsdPerHour: 4.52856, priceAsOf: '2025-01-15 us-east-1',
    source: 'https://aws.amazon.com/ec2/instance-types/g6e/ ; price: https://aws.amazon.com/ec2/pricing/on-demand/ (us-east-1, Linux)',
  });
  /** AWS g6e.16xlarge: 1× NVIDIA L40S 48GB, 64 vCPU, 512 GiB, 1900 GB NVMe, 35 Gbps, $7.57719/h on demand. Source: https://aws.amazon.com/ec2/instance-types/g6e/. */
  public static readonly G6E_16XLARGE = NodeShape.register({
    id: 'g6e.16xlarge', provider: 'aws', gpuType: GpuType.L40S_48GB, gpuCount: 1, vcpu: 64,
    memoryBytes: 512 * 2 ** 30, localNvmeBytes: 1900e9, networkBandwidthBitsPerSecond: 35e9,
    onDemandUsdPerHour: 7.57719, priceAsOf: '2025-01-15 us-east-1',
    source: 'https://aws.amazon.com/ec2/instance-types/g6e/ ; price: https://aws.amazon.com/ec2/pricing/on-demand/ (us-east-1, Linux)',
  });
  /** AWS g6e.12xlarge: 4× NVIDIA L40S 48GB, 48 vCPU, 384 GiB, 3800 GB NVMe, 100 Gbps, $10.49264/h on demand. Source: https://aws.amazon.com/ec2/instance-types/g6e/. */
  public static readonly G6E_12XLARGE = NodeShape.register({
    id: 'g6e.12xlarge', provider: 'aws', gpuType: GpuType.L40S_48GB, gpuCount: 4, vcpu: 48,
    memoryBytes: 384 * 2 ** 30, localNvmeBytes: 3800e9, networkBandwidthBitsPerSecond: 100e9,
    onDemandUsdPerHour: 10.49264, priceAsOf: '2025-01-15 us-east-1',
    source: 'https://aws.amazon.com/ec2/instance-types/g6e/ ; price: https://aws.amazon.com/ec2/pricing/on-demand/ (us-east-1, Linux)',
  });
  /** AWS g6e.24xlarge: 4× NVIDIA L40S 48GB, 96 vCPU, 768 GiB, 3800 GB NVMe, 200 Gbps, $15.06559/h on demand. Source: https://aws.amazon.com/ec2/instance-types/g6e/. */
  public static readonly G6E_24XLARGE = NodeShape.register({
    id: 'g6e.24xlarge', provider: 'aws', gpuType: GpuType.L40S_48GB, gpuCount: 4, vcpu: 96,
    memoryBytes: 768 * 2 ** 30, localNvmeBytes: 3800e9, networkBandwidthBitsPerSecond: 200e9,
    onDemandUsdPerHour: 15.06559, priceAsOf: '2025-01-15 us-east-1',
    source: 'https://aws.amazon.com/ec2/instance-types/g6e/ ; price: https://aws.amazon.com/ec2/pricing/on-demand/ (us-east-1, Linux)',
  });
  /** AWS g6e.48xlarge: 8× NVIDIA L40S 48GB, 192 vCPU, 1536 GiB, 7600 GB NVMe, 400 Gbps, $30.13118/h on demand. Source: https://aws.amazon.com/ec2/instance-types/g6e/. */
  public static readonly G6E_48XLARGE = NodeShape.register({
    id: 'g6e.48xlarge', provider: 'aws', gpuType: GpuType.L40S_48GB, gpuCount: 8, vcpu: 192,
    memoryBytes: 1536 * 2 ** 30, localNvmeBytes: 7600e9, networkBandwidthBitsPerSecond: 400e9,
    onDemandUsdPerHour: 30.13118, priceAsOf: '2025-01-15 us-east-1',
    source: 'https://aws.amazon.com/ec2/instance-types/g6e/ ; price: https://aws.amazon.com/ec2/pricing/on-demand/ (us-east-1, Linux)',
  });

  /** AWS g5.xlarge: 1× NVIDIA A10G 24GB, 4 vCPU, 16 GiB, 250 GB NVMe, up to 10 Gbps (burst figure used), $1.006/h on demand. Source: https://aws.amazon.com/ec2/instance-types/g5/. */
  public static readonly G5_XLARGE = NodeShape.register({
    id: 'g5.xlarge', provider: 'aws', gpuType: GpuType.A10G_24GB, gpuCount: 1, vcpu: 4,
    memoryBytes: 16 * 2 ** 30, localNvmeBytes: 250e9, networkBandwidthBitsPerSecond: 10e9,
    onDemandUsdPerHour: 1.006, priceAsOf: '2025-01-15 us-east-1',
    source: 'https://aws.amazon.com/ec2/instance-types/g5/ ; price: https://aws.amazon.com/ec2/pricing/on-demand/ (us-east-1, Linux)',
  });
  /** AWS g5.2xlarge: 1× NVIDIA A10G 24GB, 8 vCPU, 32 GiB, 450 GB NVMe, up to 10 Gbps (burst figure used), $1.212/h on demand. Source: https://aws.amazon.com/ec2/instance-types/g5/. */
  public static readonly G5_2XLARGE = NodeShape.register({
    id: 'g5.2xlarge', provider: 'aws', gpuType: GpuType.A10G_24GB, gpuCount: 1, vcpu: 8,
    memoryBytes: 32 * 2 ** 30, localNvmeBytes: 450e9, networkBandwidthBitsPerSecond: 10e9,
    onDemandUsdPerHour: 1.212, priceAsOf: '2025-01-15 us-east-1',
    source: 'https://aws.amazon.com/ec2/instance-types/g5/ ; price: https://aws.amazon.com/ec2/pricing/on-demand/ (us-east-1, Linux)',
  });
  /** AWS g5.4xlarge: 1× NVIDIA A10G 24GB, 16 vCPU, 64 GiB, 600 GB NVMe, up to 25 Gbps (burst figure used), $1.624/h on demand. Source: https://aws.amazon.com/ec2/instance-types/g5/. */
  public static readonly G5_4XLARGE = NodeShape.register({
    id: 'g5.4xlarge', provider: 'aws', gpuType: GpuType.A10G_24GB, gpuCount: 1, vcpu: 16,
    memoryBytes: 64 * 2 ** 30, localNvmeBytes: 600e9, networkBandwidthBitsPerSecond: 25e9,
    onDemandUsdPerHour: 1.624, priceAsOf: '2025-01-15 us-east-1',
    source: 'https://aws.amazon.com/ec2/instance-types/g5/ ; price: https://aws.amazon.com/ec2/pricing/on-demand/ (us-east-1, Linux)',
  });
  /** AWS g5.8xlarge: 1× NVIDIA A10G 24GB, 32 vCPU, 128 GiB, 900 GB NVMe, 25 Gbps, $2.448/h on demand. Source: https://aws.amazon.com/ec2/instance-types/g5/. */
  public static readonly G5_8XLARGE = NodeShape.register({
    id: 'g5.8xlarge', provider: 'aws', gpuType: GpuType.A10G_24GB, gpuCount: 1, vcpu: 32,
    memoryBytes: 128 * 2 ** 30, localNvmeBytes: 900e9, networkBandwidthBitsPerSecond: 25e9,
    onDemandUsdPerHour: 2.448, priceAsOf: '2025-01-15 us-east-1',
    source: 'https://aws.amazon.com/ec2/instance-types/g5/ ; price: https://aws.amazon.com/ec2/pricing/on-demand/ (us-east-1, Linux)',
  });
  /** AWS g5.16xlarge: 1× NVIDIA A10G 24GB, 64 vCPU, 256 GiB, 1900 GB NVMe, 25 Gbps, $4.096/h on demand. Source: https://aws.amazon.com/ec2/instance-types/g5/. */
  public static readonly G5_16XLARGE = NodeShape.register({
    id: 'g5.16xlarge', provider: 'aws', gpuType: GpuType.A10G_24GB, gpuCount: 1, vcpu: 64,
    memoryBytes: 256 * 2 ** 30, localNvmeBytes: 1900e9, networkBandwidthBitsPerSecond: 25e9,
    onDemandUsdPerHour: 4.096, priceAsOf: '2025-01-15 us-east-1',
    source: 'https://aws.amazon.com/ec2/instance-types/g5/ ; price: https://aws.amazon.com/ec2/pricing/on-demand/ (us-east-1, Linux)',
  });
  /** AWS g5.12xlarge: 4× NVIDIA A10G 24GB, 48 vCPU, 192 GiB, 3800 GB NVMe, 40 Gbps, $5.672/h on demand. Source: https://aws.amazon.com/ec2/instance-types/g5/. */
  public static readonly G5_12XLARGE = NodeShape.register({
    id: 'g5.12xlarge', provider: 'aws', gpuType: GpuType.A10G_24GB, gpuCount: 4, vcpu: 48,
    memoryBytes: 192 * 2 ** 30, localNvmeBytes: 3800e9, networkBandwidthBitsPerSecond: 40e9,
    onDemandUsdPerHour: 5.672, priceAsOf: '2025-01-15 us-east-1',
    source: 'https://aws.amazon.com/ec2/instance-types/g5/ ; price: https://aws.amazon.com/ec2/pricing/on-demand/ (us-east-1, Linux)',
  });
  /** AWS g5.24xlarge: 4× NVIDIA A10G 24GB, 96 vCPU, 384 GiB, 3800 GB NVMe, 50 Gbps, $8.144/h on demand. Source: https://aws.amazon.com/ec2/instance-types/g5/. */
  public static readonly G5_24XLARGE = NodeShape.register({
    id: 'g5.24xlarge', provider: 'aws', gpuType: GpuType.A10G_24GB, gpuCount: 4, vcpu: 96,
    memoryBytes: 384 * 2 ** 30, localNvmeBytes: 3800e9, networkBandwidthBitsPerSecond: 50e9,
    onDemandUsdPerHour: 8.144, priceAsOf: '2025-01-15 us-east-1',
    source: 'https://aws.amazon.com/ec2/instance-types/g5/ ; price: https://aws.amazon.com/ec2/pricing/on-demand/ (us-east-1, Linux)',
  });
  /** AWS g5.48xlarge: 8× NVIDIA A10G 24GB, 192 vCPU, 768 GiB, 7600 GB NVMe, 100 Gbps, $16.288/h on demand. Source: https://aws.amazon.com/ec2/instance-types/g5/. */
  public static readonly G5_48XLARGE = NodeShape.register({
    id: 'g5.48xlarge', provider: 'aws', gpuType: GpuType.A10G_24GB, gpuCount: 8, vcpu: 192,
    memoryBytes: 768 * 2 ** 30, localNvmeBytes: 7600e9, networkBandwidthBitsPerSecond: 100e9,
    onDemandUsdPerHour: 16.288, priceAsOf: '2025-01-15 us-east-1',
    source: 'https://aws.amazon.com/ec2/instance-types/g5/ ; price: https://aws.amazon.com/ec2/pricing/on-demand/ (us-east-1, Linux)',
  });

  /**
   * GCP a3-highgpu-8g: 8× H100 SXM 80GB, 208 vCPU, 1,872 GB, 16×375 GiB local SSD, 1,000 Gbps (4× 200 Gbps GPUDirect-TCPX NICs + 200 Gbps host).
   * Source: cloud.google.com/compute/docs/gpus (A3 machine types table); Compute Engine GB = 2^30 bytes. Price not set (varies by region and commitment).
   */
  public static readonly A3_HIGHGPU_8G = NodeShape.register({
    id: 'a3-highgpu-8g', provider: 'gcp', gpuType: GpuType.H100_SXM_80GB, gpuCount: 8, vcpu: 208,
    memoryBytes: 1872 * 2 ** 30, localNvmeBytes: 6000 * 2 ** 30, networkBandwidthBitsPerSecond: 1000e9,
    source: 'https://cloud.google.com/compute/docs/accelerator-optimized-machines#a3-vms',
  });

  /**
   * GCP a3-megagpu-8g: 8× H100 SXM 80GB, 208 vCPU, 1,872 GB, 16×375 GiB local SSD, 1,800 Gbps (8× 200 Gbps GPUDirect-TCPXO NICs + 200 Gbps host).
   * Source: cloud.google.com/compute/docs/gpus (A3 Mega). Price not set.
   */
  public static readonly A3_MEGAGPU_8G = NodeShape.register({
    id: 'a3-megagpu-8g', provider: 'gcp', gpuType: GpuType.H100_SXM_80GB, gpuCount: 8, vcpu: 208,
    memoryBytes: 1872 * 2 ** 30, localNvmeBytes: 6000 * 2 ** 30, networkBandwidthBitsPerSecond: 1800e9,
    source: 'https://cloud.google.com/compute/docs/accelerator-optimized-machines#a3-vms',
  });

  /**
   * GCP a4x-highgpu-4g: 4× GB200 (one compute tray of a GB200 NVL72 rack; 18 VMs form one 72-GPU NVLink domain), 140 vCPU
   * (Arm, Grace), 884 GB, 12,000 GiB Titanium SSD, 2,000 Gbps (4× 400 Gbps ConnectX-7 for GPU traffic + 2× 200 Gbps Titanium).
   * Source: cloud.google.com/compute/docs/accelerator-optimized-machines (A4X) and docs/gpus/gpu-network-bandwidth. Price not set.
   */
  public static readonly A4X_HIGHGPU_4G = NodeShape.register({
    id: 'a4x-highgpu-4g', provider: 'gcp', gpuType: GpuType.GB200_186GB, gpuCount: 4, vcpu: 140,
    memoryBytes: 884 * 2 ** 30, localNvmeBytes: 12000 * 2 ** 30, networkBandwidthBitsPerSecond: 2000e9,
    source: 'https://cloud.google.com/compute/docs/accelerator-optimized-machines#a4x-vms',
  });

  /**
   * GCP a2-ultragpu-8g: 8× A100 SXM 80GB, 96 vCPU, 1,360 GB, 8×375 GiB local SSD, 100 Gbps.
   * Source: cloud.google.com/compute/docs/accelerator-optimized-machines (A2 Ultra). Price not set.
   */
  public static readonly A2_ULTRAGPU_8G = NodeShape.register({
    id: 'a2-ultragpu-8g', provider: 'gcp', gpuType: GpuType.A100_SXM_80GB, gpuCount: 8, vcpu: 96,
    memoryBytes: 1360 * 2 ** 30, localNvmeBytes: 3000 * 2 ** 30, networkBandwidthBitsPerSecond: 100e9,
    source: 'https://cloud.google.com/compute/docs/accelerator-optimized-machines#a2-vms',
  });

  /** GCP g2-standard-4: 1× L4 24GB, 4 vCPU, 16 GB, 375 GiB local SSD, 10 Gbps. Source: cloud.google.com/compute/docs/accelerator-optimized-machines (G2 table). Price not set. */
  public static readonly G2_STANDARD_4 = NodeShape.register({
    id: 'g2-standard-4', provider: 'gcp', gpuType: GpuType.L4_24GB, gpuCount: 1, vcpu: 4,
    memoryBytes: 16 * 2 ** 30, localNvmeBytes: 375 * 2 ** 30, networkBandwidthBitsPerSecond: 10e9,
    source: 'https://cloud.google.com/compute/docs/accelerator-optimized-machines#g2-vms',
  });

  /** GCP g2-standard-8: 1× L4 24GB, 8 vCPU, 32 GB, 375 GiB local SSD, 16 Gbps. Source: cloud.google.com/compute/docs/accelerator-optimized-machines (G2 table). Price not set. */
  public static readonly G2_STANDARD_8 = NodeShape.register({
    id: 'g2-standard-8', provider: 'gcp', gpuType: GpuType.L4_24GB, gpuCount: 1, vcpu: 8,
    memoryBytes: 32 * 2 ** 30, localNvmeBytes: 375 * 2 ** 30, networkBandwidthBitsPerSecond: 16e9,
    source: 'https://cloud.google.com/compute/docs/accelerator-optimized-machines#g2-vms',
  });

  /** GCP g2-standard-12: 1× L4 24GB, 12 vCPU, 48 GB, 375 GiB local SSD, 16 Gbps. Source: cloud.google.com/compute/docs/accelerator-optimized-machines (G2 table). Price not set. */
  public static readonly G2_STANDARD_12 = NodeShape.register({
    id: 'g2-standard-12', provider: 'gcp', gpuType: GpuType.L4_24GB, gpuCount: 1, vcpu: 12,
    memoryBytes: 48 * 2 ** 30, localNvmeBytes: 375 * 2 ** 30, networkBandwidthBitsPerSecond: 16e9,
    source: 'https://cloud.google.com/compute/docs/accelerator-optimized-machines#g2-vms',
  });

  /** GCP g2-standard-16: 1× L4 24GB, 16 vCPU, 64 GB, 375 GiB local SSD, 32 Gbps. Source: cloud.google.com/compute/docs/accelerator-optimized-machines (G2 table). Price not set. */
  public static readonly G2_STANDARD_16 = NodeShape.register({
    id: 'g2-standard-16', provider: 'gcp', gpuType: GpuType.L4_24GB, gpuCount: 1, vcpu: 16,
    memoryBytes: 64 * 2 ** 30, localNvmeBytes: 375 * 2 ** 30, networkBandwidthBitsPerSecond: 32e9,
    source: 'https://cloud.google.com/compute/docs/accelerator-optimized-machines#g2-vms',
  });

  /** GCP g2-standard-24: 2× L4 24GB, 24 vCPU, 96 GB, 750 GiB local SSD, 32 Gbps. Source: cloud.google.com/compute/docs/accelerator-optimized-machines (G2 table). Price not set. */
  public static readonly G2_STANDARD_24 = NodeShape.register({
    id: 'g2-standard-24', provider: 'gcp', gpuType: GpuType.L4_24GB, gpuCount: 2, vcpu: 24,
    memoryBytes: 96 * 2 ** 30, localNvmeBytes: 750 * 2 ** 30, networkBandwidthBitsPerSecond: 32e9,
    source: 'https://cloud.google.com/compute/docs/accelerator-optimized-machines#g2-vms',
  });

  /** GCP g2-standard-32: 1× L4 24GB, 32 vCPU, 128 GB, 375 GiB local SSD, 32 Gbps. Source: cloud.google.com/compute/docs/accelerator-optimized-machines (G2 table). Price not set. */
  public static readonly G2_STANDARD_32 = NodeShape.register({
    id: 'g2-standard-32', provider: 'gcp', gpuType: GpuType.L4_24GB, gpuCount: 1, vcpu: 32,
    memoryBytes: 128 * 2 ** 30, localNvmeBytes: 375 * 2 ** 30, networkBandwidthBitsPerSecond: 32e9,
    source: 'https://cloud.google.com/compute/docs/accelerator-optimized-machines#g2-vms',
  });

  /** GCP g2-standard-48: 4× L4 24GB, 48 vCPU, 192 GB, 1500 GiB local SSD, 50 Gbps. Source: cloud.google.com/compute/docs/accelerator-optimized-machines (G2 table). Price not set. */
  public static readonly G2_STANDARD_48 = NodeShape.register({
    id: 'g2-standard-48', provider: 'gcp', gpuType: GpuType.L4_24GB, gpuCount: 4, vcpu: 48,
    memoryBytes: 192 * 2 ** 30, localNvmeBytes: 1500 * 2 ** 30, networkBandwidthBitsPerSecond: 50e9,
    source: 'https://cloud.google.com/compute/docs/accelerator-optimized-machines#g2-vms',
  });

  /** GCP g2-standard-96: 8× L4 24GB, 96 vCPU, 384 GB, 3000 GiB local SSD, 100 Gbps. Source: cloud.google.com/compute/docs/accelerator-optimized-machines (G2 table). Price not set. */
  public static readonly G2_STANDARD_96 = NodeShape.register({
    id: 'g2-standard-96', provider: 'gcp', gpuType: GpuType.L4_24GB, gpuCount: 8, vcpu: 96,
    memoryBytes: 384 * 2 ** 30, localNvmeBytes: 3000 * 2 ** 30, networkBandwidthBitsPerSecond: 100e9,
    source: 'https://cloud.google.com/compute/docs/accelerator-optimized-machines#g2-vms',
  });

  /**
   * Azure Standard_ND96isr_H100_v5: 8× H100 SXM 80GB, 96 vCPU, 1,900 GiB, 28,000 GiB local NVMe temp disk,
   * 8× 400 Gb/s NDR InfiniBand = 3,200 Gbps. Source: learn.microsoft.com/azure/virtual-machines/nd-h100-v5-series. Price not set.
   */
  public static readonly STANDARD_ND96ISR_H100_V5 = NodeShape.register({
    id: 'Standard_ND96isr_H100_v5', provider: 'azure', gpuType: GpuType.H100_SXM_80GB, gpuCount: 8, vcpu: 96,
    memoryBytes: 1900 * 2 ** 30, localNvmeBytes: 28000 * 2 ** 30, networkBandwidthBitsPerSecond: 3200e9,
    source: 'https://learn.microsoft.com/en-us/azure/virtual-machines/sizes/gpu-accelerated/ndh100v5-series (spec table: 96 vCPU, 1900 GiB, local storage 28000 GiB; github.com/MicrosoftDocs/azure-docs includes/ndh100v5-series-specs.md)',
  });

  /** Looks a node shape up by id; throws a PlanningError with the closest ids when unknown. */
  public static of(id: string): NodeShape {
    const found = NodeShape.registry.get(id);
    if (!found) {
      throw new PlanningError('nodeShape', id, `unknown node shape; did you mean ${closestIds(id, [...NodeShape.registry.keys()])}? (see \`aidc catalog node-shapes\`, or NodeShape.custom())`);
    }
    return found;
  }

  /** Every catalog node shape, sorted by id (numbers in ids compare numerically). */
  public static all(): NodeShape[] {
    return [...NodeShape.registry.values()].sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
  }

  /** A node shape that is not in the catalog; validated, not registered. */
  public static custom(props: NodeShapeProps): NodeShape {
    return new NodeShape(props);
  }

  private static register(props: NodeShapeProps): NodeShape {
    const s = new NodeShape(props);
    NodeShape.registry.set(s.id, s);
    return s;
  }

  /** Instance type id. */
  public readonly id: string;
  /** Provider. */
  public readonly provider: string;
  /** GPU model. */
  public readonly gpuType: GpuType;
  /** GPUs per node. */
  public readonly gpuCount: number;
  /** vCPUs. */
  public readonly vcpu: number;
  /** Memory, bytes. */
  public readonly memoryBytes: number;
  /** Local NVMe, bytes. */
  public readonly localNvmeBytes: number;
  /** Inter-node network bandwidth, bits per second. */
  public readonly networkBandwidthBitsPerSecond: number;
  /** On-demand USD per node-hour, if published. */
  public readonly onDemandUsdPerHour?: number;
  /** When and where the price was read. */
  public readonly priceAsOf?: string;
  /** Source. */
  public readonly source: string;

  private constructor(p: NodeShapeProps) {
    if (!p.id || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(p.id)) {
      throw new PlanningError('nodeShape.id', JSON.stringify(p.id), 'must be letters, digits, dots, dashes and underscores, e.g. my-gpu-node');
    }
    if (!(p.gpuType instanceof GpuType)) {
      throw new PlanningError('nodeShape.gpuType', String(p.gpuType), 'must be a GpuType (GpuType.of(id) or GpuType.custom())');
    }
    for (const [field, v] of Object.entries({ gpuCount: p.gpuCount, vcpu: p.vcpu })) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
        throw new PlanningError(`nodeShape.${field}`, String(v), 'must be a positive whole number');
      }
    }
    for (const [field, v] of Object.entries({ memoryBytes: p.memoryBytes, networkBandwidthBitsPerSecond: p.networkBandwidthBitsPerSecond })) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
        throw new PlanningError(`nodeShape.${field}`, String(v), 'must be a finite number greater than zero');
      }
    }
    if (p.localNvmeBytes !== undefined && (typeof p.localNvmeBytes !== 'number' || !Number.isFinite(p.localNvmeBytes) || p.localNvmeBytes < 0)) {
      throw new PlanningError('nodeShape.localNvmeBytes', String(p.localNvmeBytes), 'must be a finite number of bytes >= 0, or omitted');
    }
    if (p.onDemandUsdPerHour !== undefined && (typeof p.onDemandUsdPerHour !== 'number' || !Number.isFinite(p.onDemandUsdPerHour) || p.onDemandUsdPerHour <= 0)) {
      throw new PlanningError('nodeShape.onDemandUsdPerHour', String(p.onDemandUsdPerHour), 'must be a positive price in USD per hour, or omitted');
    }
    this.id = p.id;
    this.provider = p.provider;
    this.gpuType = p.gpuType;
    this.gpuCount = p.gpuCount;
    this.vcpu = p.vcpu;
    this.memoryBytes = p.memoryBytes;
    this.localNvmeBytes = p.localNvmeBytes ?? 0;
    this.networkBandwidthBitsPerSecond = p.networkBandwidthBitsPerSecond;
    this.onDemandUsdPerHour = p.onDemandUsdPerHour;
    this.priceAsOf = p.priceAsOf;
    this.source = p.source;
  }

  /** GPU memory of the whole node in bytes (`gpuCount × gpuType.memoryBytes`). */
  public get totalGpuMemoryBytes(): number {
    return this.gpuCount * this.gpuType.memoryBytes;
  }

  /** On-demand USD per GPU-hour (`onDemandUsdPerHour / gpuCount`), when a price is known. */
  public get onDemandUsdPerGpuHour(): number | undefined {
    return this.onDemandUsdPerHour === undefined ? undefined : this.onDemandUsdPerHour / this.gpuCount;
  }
}
