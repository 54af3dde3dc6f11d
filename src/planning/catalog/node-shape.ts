import { PlanningError } from '../../errors';
import { closestIds } from '../private/did-you-mean';
import { GpuType } from './gpu-type';

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

  /** Looks a node shape up by id; throws a PlanningError with the closest ids when unknown. */
  public static of(id: string): NodeShape {
    const found = NodeShape.registry.get(id);
    if (!found) {
      throw new PlanningError('nodeShape', id, `unknown node shape; did you mean ${closestIds(id, [...NodeShape.registry.keys()])}? (see \`aidc catalog node-shapes\`, or NodeShape.custom())`);
    }
    return found;
  }

  /** Every catalog node shape, sorted by id. */
  public static all(): NodeShape[] {
    return [...NodeShape.registry.values()].sort((a, b) => a.id.localeCompare(b.id));
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
    for (const [field, v] of Object.entries({ gpuCount: p.gpuCount, vcpu: p.vcpu })) {
      if (!Number.isInteger(v) || v <= 0) {
        throw new PlanningError(`nodeShape.${field}`, String(v), 'must be a positive whole number');
      }
    }
    for (const [field, v] of Object.entries({ memoryBytes: p.memoryBytes, networkBandwidthBitsPerSecond: p.networkBandwidthBitsPerSecond })) {
      if (!Number.isFinite(v) || v <= 0) {
        throw new PlanningError(`nodeShape.${field}`, String(v), 'must be a finite number greater than zero');
      }
    }
    if (p.onDemandUsdPerHour !== undefined && (!Number.isFinite(p.onDemandUsdPerHour) || p.onDemandUsdPerHour <= 0)) {
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
}
