import { ApiObject, Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { ConstructValidationError, PlanningError } from '../errors';
import { PolicyChecks } from '../policy';
import { GpuSharing, GpuSharingMode } from './gpu-sharing';
import {
  ClusterQueueV1Beta2,
  ClusterQueueV1Beta2Spec,
  ClusterQueueV1Beta2SpecPreemptionBorrowWithinCohortPolicy,
  ClusterQueueV1Beta2SpecPreemptionReclaimWithinCohort,
  ClusterQueueV1Beta2SpecPreemptionWithinClusterQueue,
  ClusterQueueV1Beta2SpecQueueingStrategy,
  ClusterQueueV1Beta2SpecResourceGroupsFlavorsResourcesBorrowingLimit as BorrowingLimit,
  ClusterQueueV1Beta2SpecResourceGroupsFlavorsResourcesLendingLimit as LendingLimit,
  ClusterQueueV1Beta2SpecResourceGroupsFlavorsResourcesNominalQuota as NominalQuota,
  LocalQueueV1Beta2,
  ResourceFlavorV1Beta2,
  TopologyV1Beta2,
  toJson_ClusterQueueV1Beta2Spec,
} from './imports/kueue.x-k8s.io-kueue.x-k8s.io';
import { MonitoringStack } from './monitoring-stack';
import { DEVICE_PLUGIN_CONFIG_MAP_NAME, DevicePluginConfigMap } from './private/device-plugin-config';
import { commonLabels, requireDnsLabel, requireWholeNumber } from './private/names';
import { PoolWorkloadOptions } from './private/pool-sizing';
import { quantityOfBytes } from './private/quantities';
import { tenantManifests } from './tenancy';
import { NodeShape } from '../planning/catalog/node-shape';
import { PoolPlan, PoolPlanner } from '../planning/placement/pool-planner';

/** A tenant of a pool: a namespace with a share of the pool's GPUs. */
export interface PoolTenantOptions {
  /** Namespace of the tenant (DNS-1123 label). */
  readonly name: string;
  /** Fraction of the pool's GPUs guaranteed to the tenant (Kueue nominal quota), in (0, 1]. Shares of all tenants sum to at most 1. */
  readonly share: number;
  /**
   * Fraction of the pool the tenant may borrow beyond its share when others are idle.
   * @default - everything the others do not guarantee (1 - share)
   */
  readonly borrowingFraction?: number;
  /**
   * Fraction of its own nominal quota the tenant lends to the cohort while idle.
   * @default 1 (lends all idle capacity; reclaimed by preemption)
   */
  readonly lendingFraction?: number;
  /** Groups bound to the `edit` ClusterRole. @default - none */
  readonly editorGroups?: string[];
  /** Groups bound to the `view` ClusterRole. @default - none */
  readonly viewerGroups?: string[];
  /** CIDRs the tenant's pods may reach outside the cluster (model registries). @default - none */
  readonly egressCidrs?: string[];
}

/** Props of a {@link GpuResourcePool}. */
export interface GpuResourcePoolProps {
  /** Node shape of every node in the pool (`NodeShape.P5_48XLARGE`, `NodeShape.of('a3-highgpu-8g')` or a custom one). */
  readonly nodeShape: NodeShape;
  /** Most nodes the pool may grow to; the pool's capacity for quotas. */
  readonly maxNodes: number;
  /**
   * Fewest nodes to keep.
   * @default - the nodes the registered workloads need at their minimum replicas
   */
  readonly minNodes?: number;
  /**
   * GPU sharing.
   * @default GpuSharing.exclusive()
   */
  readonly sharing?: GpuSharing;
  /**
   * Tenants; more with `addTenant()`.
   * @default - none
   */
  readonly tenants?: PoolTenantOptions[];
  /**
   * Spare capacity kept on top of the workloads' needs when sizing, as a fraction.
   * @default 0.1
   */
  readonly headroomFraction?: number;
  /**
   * Monitoring to register with (queue backlog alerts over the pool's ClusterQueues); its namespace
   * is the one allowed to scrape tenants.
   * @default - not monitored
   */
  readonly monitoring?: MonitoringStack;
  /**
   * Namespace of Prometheus (allowed to scrape tenants).
   * @default - the monitoring stack's namespace, else 'monitoring'
   */
  readonly monitoringNamespace?: string;
  /**
   * Namespace of the NVIDIA GPU operator (receives the device-plugin config).
   * @default 'gpu-operator'
   */
  readonly gpuOperatorNamespace?: string;
}

/** Priority classes every pool defines, from most to least important. */
export enum WorkloadPriority {
  /** Online inference: never preempted by training. */
  SERVING = 'serving',
  /** Production training. */
  TRAINING = 'training',
  /** Experiments and batch work; first to be preempted. */
  BATCH = 'batch',
}

const PRIORITY_VALUES: Record<WorkloadPriority, number> = {
  [WorkloadPriority.SERVING]: 100000,
  [WorkloadPriority.TRAINING]: 10000,
  [WorkloadPriority.BATCH]: 1000,
};

/**
 * Fraction of a node's CPU and memory left to pods after kubelet/system reservations and
 * the GPU node DaemonSets (device plugin, DCGM exporter, CNI): 0.9, in line with EKS's
 * kube-reserved for large instances (amazon-eks-ami `kubelet` reserved-resources formula).
 */
const ALLOCATABLE_FRACTION = 0.9;

/** Most nodes a pool may declare. */
const MAX_POOL_NODES = 100_000;

/** Node label of the multi-node NVLink clique (NVIDIA GPU Feature Discovery: `<cluster UUID>.<clique id>` on MNNVL systems). */
const GPU_CLIQUE_LABEL = 'nvidia.com/gpu.clique';

/** Node taint that keeps non-GPU pods off GPU nodes. */
export const GPU_NODE_TAINT = { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' };

/**
 * A set of identical GPU nodes shared by tenants: namespaces with quotas and isolation,
 * Kueue flavor/queues/cohort, priority classes and GPU sharing config. Its node counts come
 * from placing every workload registered with `addWorkload()` on the node shape.
 */
export class GpuResourcePool extends Construct {
  /** Pool name (the construct id). */
  public readonly poolName: string;
  /** Node shape. */
  public readonly nodeShape: NodeShape;
  /** GPU sharing. */
  public readonly sharing: GpuSharing;
  /**
   * The device-plugin ConfigMap the pool writes its sharing configuration into (key `sharing.configName`),
   * shared by every pool of the chart in the same GPU-operator namespace; give it to ClusterAddons as
   * `gpuOperator.devicePluginConfigMapName`.
   */
  public readonly devicePluginConfigMapName: string = DEVICE_PLUGIN_CONFIG_MAP_NAME;
  /** Capacity for quotas, nodes. */
  public readonly maxNodes: number;
  /** Kueue cohort of the pool's ClusterQueues. */
  public readonly cohortName: string;
  /** Name of the Kueue ResourceFlavor. */
  public readonly flavorName: string;

  private readonly props: GpuResourcePoolProps;
  private readonly tenants: PoolTenantOptions[] = [];
  private readonly workloads: PoolWorkloadOptions[] = [];
  private sizingCache: PoolPlan | undefined;
  /** Set once the constructor has run (tenants added after it register their queues one by one). */
  private constructed = false;
  /** Whether the pool is registered with the monitoring stack. */
  private watched = false;

  constructor(scope: Construct, id: string, props: GpuResourcePoolProps) {
    super(scope, id);
    this.props = props;
    this.poolName = requireDnsLabel(this.node.path, 'id', id, 40);
    this.nodeShape = props.nodeShape;
    this.sharing = props.sharing ?? GpuSharing.exclusive();
    // 100,000 nodes: an order of magnitude above the largest published GPU clusters; keeps every quota finite and exact.
    this.maxNodes = requireWholeNumber(this.node.path, 'maxNodes', props.maxNodes, 1, MAX_POOL_NODES);
    if (props.minNodes !== undefined) {
      requireWholeNumber(this.node.path, 'minNodes', props.minNodes, 0, MAX_POOL_NODES);
      if (props.minNodes > props.maxNodes) {
        throw new ConstructValidationError(this.node.path, 'minNodes', `${props.minNodes} is more than maxNodes ${props.maxNodes}`);
      }
    }
    const headroom = props.headroomFraction ?? 0.1;
    if (!Number.isFinite(headroom) || headroom < 0 || headroom > 1) {
      throw new ConstructValidationError(this.node.path, 'headroomFraction', `${headroom} must be between 0 and 1`);
    }
    if (this.sharing.mode === GpuSharingMode.MIG && !this.nodeShape.gpuType.migProfiles.includes(this.sharing.migProfile)) {
      const supported = this.nodeShape.gpuType.migProfiles;
      throw new ConstructValidationError(this.node.path, 'sharing', `MIG profile ${this.sharing.migProfile} does not exist on ${this.nodeShape.gpuType.id}; `
        + (supported.length ? `use one of ${supported.join(', ')}` : 'this GPU has no MIG; use time-slicing or exclusive'));
    }
    this.cohortName = this.poolName;
    this.flavorName = this.poolName;
    for (const t of props.tenants ?? []) this.addTenant(t);
    this.node.addValidation({ validate: () => this.validatePool() });
    // The library's rule pack runs over the whole chart at synthesis (errors fail `synth`).
    PolicyChecks.of(Chart.of(this));
    this.constructed = true;
    // Backlog alerts cover every tenant's ClusterQueue, including tenants added later (addTenant).
    if (this.tenants.length > 0) this.watchQueues(this.tenants.map((t) => t.name));
    this.emitPoolObjects();
  }

  /** Adds a tenant namespace with its share of the pool. */
  public addTenant(options: PoolTenantOptions): void {
    requireDnsLabel(this.node.path, `tenants[${this.tenants.length}].name`, options.name);
    const reserved = ['default', 'kube-system', 'kube-public', 'kube-node-lease', this.props.gpuOperatorNamespace ?? 'gpu-operator',
      this.props.monitoringNamespace ?? this.props.monitoring?.namespace ?? 'monitoring'];
    if (reserved.includes(options.name)) {
      throw new ConstructValidationError(this.node.path, `tenants[${options.name}].name`, `'${options.name}' is a system or platform namespace; tenants get restricted pod security and default-deny networking, so pick a namespace of their own`);
    }
    for (const cidr of options.egressCidrs ?? []) {
      if (!isCidr(cidr)) throw new ConstructValidationError(this.node.path, `tenants[${options.name}].egressCidrs`, `'${cidr}' is not an IPv4 or IPv6 CIDR such as 10.20.0.0/16`);
    }
    if (this.tenants.some((t) => t.name === options.name)) {
      throw new ConstructValidationError(this.node.path, 'tenants', `tenant '${options.name}' is defined twice`);
    }
    for (const [prop, v] of [['share', options.share], ['borrowingFraction', options.borrowingFraction], ['lendingFraction', options.lendingFraction]] as const) {
      if (v === undefined && prop !== 'share') continue;
      const min = prop === 'share' ? Number.MIN_VALUE : 0;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > 1) {
        throw new ConstructValidationError(this.node.path, `tenants[${options.name}].${prop}`, `${v} must be a fraction in ${prop === 'share' ? '(0, 1]' : '[0, 1]'}`);
      }
    }
    const total = this.tenants.reduce((s, t) => s + t.share, options.share);
    if (total > 1 + 1e-9) {
      throw new ConstructValidationError(this.node.path, `tenants[${options.name}].share`,
        `tenant shares add up to ${(total * 100).toFixed(1)}% of the pool; they must not exceed 100% (lower some shares)`);
    }
    this.tenants.push(options);
    this.sizingCache = undefined;
    this.emitTenantObjects(options);
    if (this.constructed) this.watchQueues([options.name]);
  }

  /** Registers tenants' ClusterQueues with the monitoring stack's backlog alerts (the pool on first use). */
  private watchQueues(tenants: string[]): void {
    const monitoring = this.props.monitoring;
    if (!monitoring) return;
    const queues = tenants.map((t) => `${this.poolName}-${t}`);
    if (this.watched) {
      monitoring.addGpuPoolClusterQueues(this.poolName, queues);
    } else {
      monitoring.addGpuPool({ name: this.poolName, clusterQueueNames: queues, gpuResourceName: this.sharing.resourceName });
      this.watched = true;
    }
  }

  /** Registers a workload that runs on the pool; used for node counts and quota checks. */
  public addWorkload(workload: PoolWorkloadOptions): void {
    if (!this.tenants.some((t) => t.name === workload.tenant)) {
      throw new ConstructValidationError(this.node.path, 'tenant', `workload '${workload.name}' names tenant '${workload.tenant}', which is not a tenant of pool '${this.poolName}' (tenants: ${this.tenants.map((t) => t.name).join(', ') || 'none'})`);
    }
    const prop = `workloads[${workload.name}]`;
    const path = this.node.path;
    const unitsLimit = MAX_POOL_NODES * this.gpusPerNode;
    requireWholeNumber(path, `${prop}.podCount`, workload.podCount, 1, unitsLimit);
    requireWholeNumber(path, `${prop}.minReplicas`, workload.minReplicas, 0, unitsLimit);
    requireWholeNumber(path, `${prop}.maxReplicas`, workload.maxReplicas, Math.max(workload.minReplicas, 0), unitsLimit);
    for (const [field, v] of [['gpusPerPod', workload.gpusPerPod], ['cpuCoresPerPod', workload.cpuCoresPerPod], ['memoryBytesPerPod', workload.memoryBytesPerPod], ['storageBytes', workload.storageBytes ?? 0]] as const) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ConstructValidationError(path, `${prop}.${field}`, `${v} must be a finite number >= 0`);
    }
    this.workloads.push(workload);
    this.sizingCache = undefined;
  }

  /** Node selector that lands pods on this pool. */
  public get nodeSelector(): { [key: string]: string } {
    return { 'aidc.io/pool': this.poolName, 'node.kubernetes.io/instance-type': this.nodeShape.id };
  }

  /** Labels pool nodes carry (the ResourceFlavor's and the node provisioner's). */
  public get nodeLabels(): { [key: string]: string } {
    return { ...this.nodeSelector, ...this.sharing.nodeLabels() };
  }

  /** The taint on pool nodes; GPU pods tolerate it and nothing else lands there. */
  public get nodeTaint(): { [key: string]: string } {
    return { ...GPU_NODE_TAINT };
  }

  /**
   * Node labels of the network hierarchy, farthest first, ending at the host (Kueue Topology levels):
   * EKS `topology.k8s.aws/network-node-layer-1..3` (EC2 instance topology), GKE
   * `cloud.google.com/gce-topology-block/subblock/host`, else the host only, below the NVLink clique
   * (`nvidia.com/gpu.clique`, which NVIDIA GPU Feature Discovery sets on multi-node NVLink systems) where the GPU's
   * NVLink domain spans nodes.
   */
  public get topologyLevels(): string[] {
    switch (this.nodeShape.provider) {
      case 'aws': return ['topology.k8s.aws/network-node-layer-1', 'topology.k8s.aws/network-node-layer-2', 'topology.k8s.aws/network-node-layer-3', 'kubernetes.io/hostname'];
      case 'gcp': return ['cloud.google.com/gce-topology-block', 'cloud.google.com/gce-topology-subblock', 'cloud.google.com/gce-topology-host', 'kubernetes.io/hostname'];
      default: return this.nodesPerNvlinkDomain > 1 ? [GPU_CLIQUE_LABEL, 'kubernetes.io/hostname'] : ['kubernetes.io/hostname'];
    }
  }

  /** The level a gang prefers to share: the closest network block above the host. */
  public get gangTopologyLevel(): string {
    const levels = this.topologyLevels;
    return levels[Math.max(0, levels.length - 2)];
  }

  /** Pool nodes that share one NVLink domain: 1 where the domain is the node (HGX), 18 for GB200 NVL72 trays of 4. */
  public get nodesPerNvlinkDomain(): number {
    return Math.max(1, Math.floor(this.nodeShape.gpuType.nvlinkDomainSize / this.nodeShape.gpuCount));
  }

  /**
   * The topology level whose domains are NVLink domains spanning several nodes: GKE's sub-block ("An NVLink domain, also
   * known as a subblock, is the core unit of capacity for A4X Max and A4X machines ... 18 A4X Max or A4X instances (72
   * GPUs)", Google Cloud AI Hypercomputer terminology); elsewhere the NVLink clique GPU Feature Discovery labels, except on
   * AWS, whose network levels are not known to nest the clique. Undefined when the NVLink domain is one node.
   */
  public get nvlinkDomainTopologyLevel(): string | undefined {
    if (this.nodesPerNvlinkDomain <= 1) return undefined;
    switch (this.nodeShape.provider) {
      case 'gcp': return 'cloud.google.com/gce-topology-subblock';
      case 'aws': return undefined;
      default: return GPU_CLIQUE_LABEL;
    }
  }

  /** Name of the LocalQueue of `tenant` (in the tenant's namespace). */
  public localQueueName(tenant: string): string {
    if (!this.tenants.some((t) => t.name === tenant)) {
      throw new ConstructValidationError(this.node.path, 'tenant', `'${tenant}' is not a tenant of pool '${this.poolName}'`);
    }
    return this.poolName;
  }

  /** Name of the PriorityClass for `priority`. */
  public priorityClassName(priority: WorkloadPriority): string {
    return `${this.poolName}-${priority}`;
  }

  /** GPUs (schedulable units) per node. */
  public get gpusPerNode(): number {
    return this.nodeShape.gpuCount * this.sharing.unitsPerGpu;
  }

  /** CPU cores a pod using `gpus` GPUs gets: its GPU share of the node's allocatable CPU. */
  public cpuCoresForGpus(gpus: number): number {
    return Math.max(1, Math.floor((this.nodeShape.vcpu * ALLOCATABLE_FRACTION * gpus) / this.gpusPerNode));
  }

  /** Memory a pod using `gpus` GPUs gets: its GPU share of the node's allocatable memory, bytes (whole GiB). */
  public memoryBytesForGpus(gpus: number): number {
    return Math.max(1, Math.floor((this.nodeShape.memoryBytes * ALLOCATABLE_FRACTION * gpus) / this.gpusPerNode / 2 ** 30)) * 2 ** 30;
  }

  /**
   * Node counts from packing every registered workload onto the node shape (PoolPlanner),
   * at the workloads' minimum and maximum replicas; computed once, after the last `addWorkload`.
   */
  public get sizing(): PoolPlan | undefined {
    if (this.workloads.length === 0) return undefined;
    if (!this.sizingCache) {
      const units = this.sharing.unitsPerGpu;
      try {
        this.sizingCache = PoolPlanner.plan({
          nodeShape: this.nodeShape,
          maxNodes: this.maxNodes,
          minNodes: this.props.minNodes,
          headroomFraction: this.props.headroomFraction ?? 0.1,
          gpuSharing: this.sharing.mode !== GpuSharingMode.EXCLUSIVE,
          workloads: this.workloads.map((w) => ({
            name: w.name,
            podCount: w.podCount,
            // Sharing pools schedule slices; the planner packs physical GPUs.
            gpusPerPod: w.gpusPerPod / units,
            cpuMilliPerPod: Math.ceil(w.cpuCoresPerPod * 1000),
            memoryBytesPerPod: w.memoryBytesPerPod,
            gang: w.gang,
            topology: w.topology,
            minReplicas: w.minReplicas,
            maxReplicas: w.maxReplicas,
            spreadAcrossZones: w.spreadAcrossZones,
          })),
        });
      } catch (e) {
        if (e instanceof PlanningError) throw new ConstructValidationError(this.node.path, `workloads (${e.field})`, e.message);
        throw e;
      }
    }
    return this.sizingCache;
  }

  private sizingOrUndefined(): PoolPlan | undefined {
    try {
      return this.sizing;
    } catch {
      return undefined;
    }
  }

  /** Fewest nodes: from placement at minimum replicas (or `minNodes`), 0 without workloads. */
  public get minNodeCount(): number {
    return this.sizing?.minNodes ?? this.props.minNodes ?? 0;
  }

  /** Most nodes: from placement at maximum replicas plus headroom, `maxNodes` without workloads. */
  public get maxNodeCount(): number {
    return this.sizing?.maxNodes ?? this.maxNodes;
  }

  /** Nominal GPU quota of each tenant: floor of its share, remainders by largest fraction so they sum exactly. */
  public nominalGpus(tenant: string): number {
    return this.quotaTable().get(tenant)?.nominal ?? 0;
  }

  private quotaTable(): Map<string, { nominal: number; borrowing: number; lending: number }> {
    const capacity = this.maxNodes * this.gpusPerNode;
    const exact = this.tenants.map((t) => ({ t, v: t.share * capacity }));
    const floors = exact.map((e) => Math.floor(e.v + 1e-9));
    const shareSum = this.tenants.reduce((s, t) => s + t.share, 0);
    let left = Math.round(Math.min(shareSum, 1) * capacity) - floors.reduce((a, b) => a + b, 0);
    const order = exact.map((e, i) => ({ i, frac: e.v - floors[i], name: e.t.name })).sort((a, b) => b.frac - a.frac || a.name.localeCompare(b.name));
    for (const o of order) {
      if (left <= 0) break;
      floors[o.i]++;
      left--;
    }
    const table = new Map<string, { nominal: number; borrowing: number; lending: number }>();
    this.tenants.forEach((t, i) => {
      const nominal = floors[i];
      const borrowing = Math.floor((t.borrowingFraction ?? Math.max(0, 1 - t.share)) * capacity);
      const lending = Math.floor((t.lendingFraction ?? 1) * nominal);
      table.set(t.name, { nominal, borrowing, lending });
    });
    return table;
  }

  /** The tenant's ClusterQueue: cpu, memory and GPUs of the pool's flavor, with cohort borrowing/lending and preemption. */
  private clusterQueueSpec(tenant: string): ClusterQueueV1Beta2Spec {
    const q = this.quotaTable().get(tenant)!;
    const node = this.nodeShape;
    const perGpu = (x: number): number => (x * ALLOCATABLE_FRACTION * q.nominal) / this.gpusPerNode;
    const gpu = this.sharing.resourceName;
    return {
      cohortName: this.cohortName,
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': tenant } },
      queueingStrategy: ClusterQueueV1Beta2SpecQueueingStrategy.BEST_EFFORT_FIFO,
      resourceGroups: [{
        coveredResources: ['cpu', 'memory', gpu],
        flavors: [{
          name: this.flavorName,
          resources: [
            { name: 'cpu', nominalQuota: NominalQuota.fromNumber(Math.floor(perGpu(node.vcpu))) },
            { name: 'memory', nominalQuota: NominalQuota.fromString(quantityOfBytes(perGpu(node.memoryBytes))) },
            {
              name: gpu,
              nominalQuota: NominalQuota.fromNumber(q.nominal),
              borrowingLimit: BorrowingLimit.fromNumber(q.borrowing),
              lendingLimit: LendingLimit.fromNumber(q.lending),
            },
          ],
        }],
      }],
      preemption: {
        reclaimWithinCohort: ClusterQueueV1Beta2SpecPreemptionReclaimWithinCohort.ANY,
        borrowWithinCohort: {
          policy: ClusterQueueV1Beta2SpecPreemptionBorrowWithinCohortPolicy.LOWER_PRIORITY,
          maxPriorityThreshold: PRIORITY_VALUES[WorkloadPriority.TRAINING],
        },
        withinClusterQueue: ClusterQueueV1Beta2SpecPreemptionWithinClusterQueue.LOWER_PRIORITY,
      },
    };
  }

  /**
   * Storage quota of a tenant: twice what its workloads claim (room to write a new checkpoint set or model
   * revision before the old one is deleted), at least 100 GiB for ad-hoc claims.
   */
  private storageQuotaBytes(tenant: string): number {
    const claimed = this.workloads.filter((w) => w.tenant === tenant).reduce((sum, w) => sum + (w.storageBytes ?? 0), 0);
    return Math.max(100 * 2 ** 30, 2 * claimed);
  }

  private validatePool(): string[] {
    const errors: string[] = [];
    if (this.tenants.length === 0) errors.push(`${this.node.path}: tenants: a pool needs at least one tenant (addTenant)`);
    const quotas = this.quotaTable();
    for (const w of this.workloads) {
      const q = quotas.get(w.tenant)!;
      const gang = w.gang ? w.podCount * w.gpusPerPod : w.gpusPerPod;
      if (gang > q.nominal + q.borrowing) {
        errors.push(`${this.node.path}: tenants[${w.tenant}].share: quota of ${q.nominal} GPUs (+${q.borrowing} borrowable) is below one gang of '${w.name}' (${gang} GPUs); raise the share or borrowingFraction`);
      }
    }
    // Sizing throws with the shortfall when the workloads do not fit within maxNodes.
    if (errors.length === 0) void this.sizing;
    return errors;
  }

  private emitPoolObjects(): void {
    const labels = commonLabels('gpu-pool', this.poolName);
    new ResourceFlavorV1Beta2(this, 'flavor', {
      metadata: {
        name: this.flavorName,
        labels,
        annotations: {
          // Rendered even when sizing fails, so the pool's validation (not serialization) reports why.
          'aidc.io/min-nodes': Lazy.any({ produce: () => String(this.sizingOrUndefined()?.minNodes ?? this.props.minNodes ?? 0) }),
          'aidc.io/max-nodes': Lazy.any({ produce: () => String(this.sizingOrUndefined()?.maxNodes ?? this.maxNodes) }),
        } as any,
      },
      spec: {
        nodeLabels: this.nodeLabels,
        nodeTaints: [{ ...GPU_NODE_TAINT } as any],
        topologyName: this.poolName,
      },
    });
    new TopologyV1Beta2(this, 'topology', {
      metadata: { name: this.poolName, labels },
      spec: { levels: this.topologyLevels.map((nodeLabel) => ({ nodeLabel })) },
    });
    for (const p of Object.values(WorkloadPriority)) {
      new ApiObject(this, `priority-${p}`, {
        apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass',
        metadata: { name: this.priorityClassName(p), labels },
        value: PRIORITY_VALUES[p],
        globalDefault: false,
        preemptionPolicy: p === WorkloadPriority.BATCH ? 'Never' : 'PreemptLowerPriority',
        description: `ai-datacenter-constructs pool ${this.poolName}: ${p} workloads`,
      } as any);
    }
    DevicePluginConfigMap.of(this, this.props.gpuOperatorNamespace ?? 'gpu-operator')
      .add(this.sharing.configName, yamlOf(this.sharing.devicePluginConfig()), this.node.path);
  }

  private emitTenantObjects(t: PoolTenantOptions): void {
    const scope = new Construct(this, `tenant-${t.name}`);
    const labels = { ...commonLabels('tenant', t.name), 'aidc.io/pool': this.poolName };
    const node = this.nodeShape;
    const share = (x: number): number => x * ALLOCATABLE_FRACTION * this.maxNodes * t.share;
    const manifests = tenantManifests({
      namespace: t.name,
      gpuQuota: 0, // replaced lazily below: quota = nominal + borrowing
      cpuQuota: Math.max(1, Math.floor(share(node.vcpu))),
      memoryQuotaBytes: Math.max(2 ** 30, share(node.memoryBytes)),
      storageQuotaBytes: 0, // replaced lazily below: from the workloads' claims
      monitoringNamespace: this.props.monitoringNamespace ?? this.props.monitoring?.namespace ?? 'monitoring',
      editorGroups: t.editorGroups ?? [],
      viewerGroups: t.viewerGroups ?? [],
      egressCidrs: t.egressCidrs ?? [],
      labels,
    });
    for (const m of manifests) {
      if (m.kind === 'ResourceQuota') {
        // GPU and storage quotas depend on every tenant and workload registered, so they resolve at synthesis.
        const gpuKey = `requests.${this.sharing.resourceName}`;
        const { ['requests.nvidia.com/gpu']: _gpu, ['requests.storage']: _storage, ...hard } = m.spec.hard;
        m.spec.hard = {
          ...hard,
          [gpuKey]: Lazy.any({ produce: () => { const q = this.quotaTable().get(t.name)!; return String(q.nominal + q.borrowing); } }),
          'requests.storage': Lazy.any({ produce: () => quantityOfBytes(this.storageQuotaBytes(t.name)) }),
        };
      }
      new ApiObject(scope, `${m.kind}-${m.metadata.name}`.toLowerCase(), m);
    }
    new ApiObject(scope, 'cluster-queue', {
      ...ClusterQueueV1Beta2.GVK,
      metadata: { name: `${this.poolName}-${t.name}`, labels },
      spec: Lazy.any({ produce: () => toJson_ClusterQueueV1Beta2Spec(this.clusterQueueSpec(t.name)) }),
    });
    new LocalQueueV1Beta2(scope, 'local-queue', {
      metadata: { name: this.poolName, namespace: t.name, labels },
      spec: { clusterQueue: `${this.poolName}-${t.name}` },
    });
  }
}

/** True for an IPv4 (a.b.c.d/n, n ≤ 32) or IPv6 (hex groups with '::', /n ≤ 128) CIDR. */
function isCidr(text: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (v4) return v4.slice(1, 5).every((o) => Number(o) <= 255) && Number(v4[5]) <= 32;
  const v6 = /^([0-9a-fA-F:]+)\/(\d{1,3})$/.exec(text);
  return !!v6 && v6[1].includes(':') && Number(v6[2]) <= 128 && (v6[1].match(/::/g) ?? []).length <= 1;
}

function yamlOf(doc: any): string {
  return stringify(doc, { sortMapEntries: true });
}
