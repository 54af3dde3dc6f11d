import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { TfTaint } from './node-metadata';
import { bytesToGiQuantity, fail, GIB, requireInteger, requireName, requireOneOf, sortedMap } from './private/checks';
import { checkNodeLabels, checkTaints } from './private/node-checks';

/**
 * Karpenter capacity types (`karpenter.sh/capacity-type`). `reserved` selects EC2
 * On-Demand Capacity Reservations and Capacity Blocks (Karpenter >= 1.3, `ReservedCapacity`
 * feature gate; https://karpenter.sh/docs/tasks/odcrs/).
 */
const CAPACITY_TYPES = ['on-demand', 'spot', 'reserved'] as const;

/** NodePool `spec.disruption.consolidationPolicy` values (karpenter.sh/v1 CRD enum). */
const CONSOLIDATION_POLICIES = ['WhenEmpty', 'WhenEmptyOrUnderutilized'] as const;

/**
 * Label domains Karpenter refuses in `spec.template.metadata.labels` (CEL rules of the
 * karpenter.sh/v1 NodePool CRD, aws/karpenter-provider-aws pkg/apis/crds/karpenter.sh_nodepools.yaml).
 */
const RESTRICTED_LABEL_DOMAINS = ['kubernetes.io', 'k8s.io', 'karpenter.sh', 'karpenter.k8s.aws'];
const ALLOWED_RESTRICTED_SUFFIXES = ['node.kubernetes.io', 'node-restriction.kubernetes.io', 'kops.k8s.io'];

/** Default node lifetime: Karpenter's own default (720h), written out so reviewers see it. */
const DEFAULT_EXPIRE_AFTER_SECONDS = 720 * 3600;

/** Props of {@link KarpenterGpuNodePool}. */
export interface KarpenterGpuNodePoolProps {
  /** Name of the NodePool (and of the EC2NodeClass it creates). */
  readonly name: string;
  /** EC2 instance types the pool may launch, e.g. `['p5.48xlarge']`. At least one. */
  readonly instanceTypes: string[];
  /**
   * Capacity types: `on-demand`, `spot`, `reserved`.
   * @default ['on-demand']
   */
  readonly capacityTypes?: string[];
  /**
   * Labels every node gets: the same labels the pool's Kueue ResourceFlavor selects (`nodeLabels`).
   * @default {}
   */
  readonly nodeLabels?: { [key: string]: string };
  /**
   * Taints every node gets: the same ones the ResourceFlavor lists (`nodeTaints`).
   * @default []
   */
  readonly taints?: TfTaint[];
  /** Largest node count of the pool (the pool plan's maximum). Whole number >= 1. */
  readonly maxNodes: number;
  /** GPUs per node of the node shape. Whole number >= 1. The GPU limit is maxNodes x gpusPerNode. */
  readonly gpusPerNode: number;
  /**
   * `WhenEmpty` (only empty nodes are removed: running gangs are never moved) or `WhenEmptyOrUnderutilized`.
   * @default 'WhenEmpty'
   */
  readonly consolidationPolicy?: string;
  /**
   * Seconds a node must be empty/underutilised before Karpenter consolidates it.
   * @default 600
   */
  readonly consolidateAfterSeconds?: number;
  /**
   * Node lifetime in seconds before Karpenter replaces it (picks up new AMIs).
   * @default 2592000 (720h, Karpenter's default)
   */
  readonly expireAfterSeconds?: number;
  /**
   * Never expire nodes (long training runs); overrides `expireAfterSeconds`.
   * @default false
   */
  readonly neverExpire?: boolean;
  /**
   * Most nodes Karpenter may disrupt at once (`spec.disruption.budgets[0].nodes`): a count or a percentage.
   * @default '1' (a disrupted node stops a whole gang; go one at a time)
   */
  readonly disruptionBudgetNodes?: string;
  /**
   * Availability zones (`topology.kubernetes.io/zone`); one zone keeps a training gang on one fabric.
   * @default - any zone of the selected subnets
   */
  readonly zones?: string[];
  /**
   * NodePool weight (1-100); higher pools are tried first.
   * @default - no weight
   */
  readonly weight?: number;
  /**
   * Use an existing EC2NodeClass instead of creating one.
   * @default - an EC2NodeClass named after the pool is created
   */
  readonly existingNodeClassName?: string;
  /**
   * IAM role name of the nodes. Required unless `existingNodeClassName` is set.
   * @default - none
   */
  readonly nodeRole?: string;
  /**
   * Cluster name used for the default subnet and security-group discovery tag `karpenter.sh/discovery`.
   * Required unless both selector tag maps are given or `existingNodeClassName` is set.
   * @default - none
   */
  readonly clusterName?: string;
  /**
   * Tags selecting the subnets.
   * @default { 'karpenter.sh/discovery': clusterName }
   */
  readonly subnetSelectorTags?: { [key: string]: string };
  /**
   * Tags selecting the security groups.
   * @default { 'karpenter.sh/discovery': clusterName }
   */
  readonly securityGroupSelectorTags?: { [key: string]: string };
  /**
   * AMI alias (`family@version`); the AL2023 alias resolves to the NVIDIA variant on GPU instances.
   * @default 'al2023@latest'
   */
  readonly amiAlias?: string;
  /**
   * Root (AL2023) or data (Bottlerocket) EBS volume size in bytes; container images of GPU engines are large.
   * @default 214748364800 (200 GiB)
   */
  readonly rootVolumeSizeBytes?: number;
  /**
   * EC2 capacity reservation ids (`cr-...`) for the `reserved` capacity type. Required when it is used.
   * @default []
   */
  readonly capacityReservationIds?: string[];
  /**
   * Stripe local NVMe instance store as RAID0 for ephemeral storage (model caches on p4d/p5).
   * @default false
   */
  readonly instanceStoreRaid0?: boolean;
  /**
   * Resources the manifests wait for (e.g. the Karpenter Helm release of a cloud package).
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
}

function seconds(n: number): string {
  return `${n}s`;
}

/**
 * A GPU node pool provisioned by Karpenter: a `karpenter.sh/v1` NodePool and a
 * `karpenter.k8s.aws/v1` EC2NodeClass as `kubernetes_manifest` resources, labelled and
 * tainted like the pool's Kueue ResourceFlavor, with a GPU limit of maxNodes x gpusPerNode.
 *
 * Karpenter itself (and its CRDs) must already be installed: `kubernetes_manifest`
 * reads the CRD schema while planning (hashicorp/terraform-provider-kubernetes#1367).
 */
export class KarpenterGpuNodePool extends Construct {
  /** The NodePool manifest resource. */
  public readonly nodePool: Manifest;
  /** The EC2NodeClass manifest resource, when one is created. */
  public readonly nodeClass?: Manifest;
  /** Name of the NodePool. */
  public readonly nodePoolName: string;
  /** Name of the EC2NodeClass the pool references. */
  public readonly nodeClassName: string;
  /** `spec.limits['nvidia.com/gpu']`: maxNodes x gpusPerNode. */
  public readonly gpuLimit: number;

  constructor(scope: Construct, id: string, props: KarpenterGpuNodePoolProps) {
    super(scope, id);
    this.nodePoolName = requireName(this, 'name', props.name);
    if (!Array.isArray(props.instanceTypes) || props.instanceTypes.length === 0) {
      fail(this, 'instanceTypes', 'is empty; list at least one EC2 instance type of the pool\'s node shape, e.g. [\'p5.48xlarge\']');
    }
    props.instanceTypes.forEach((t, i) => {
      if (typeof t !== 'string' || !/^[a-z0-9-]+\.[a-z0-9-]+$/.test(t)) fail(this, `instanceTypes[${i}]`, `'${String(t)}' is not an EC2 instance type like 'p5.48xlarge'`);
    });
    const capacityTypes = props.capacityTypes ?? ['on-demand'];
    if (capacityTypes.length === 0) fail(this, 'capacityTypes', 'is empty; use on-demand, spot or reserved');
    capacityTypes.forEach((c, i) => requireOneOf(this, `capacityTypes[${i}]`, c, CAPACITY_TYPES));
    const maxNodes = requireInteger(this, 'maxNodes', props.maxNodes);
    const gpusPerNode = requireInteger(this, 'gpusPerNode', props.gpusPerNode);
    this.gpuLimit = maxNodes * gpusPerNode;
    const labels = checkNodeLabels(this, 'nodeLabels', props.nodeLabels);
    this.checkKarpenterLabelDomains(labels);
    const taints = checkTaints(this, 'taints', props.taints);
    const policy = requireOneOf(this, 'consolidationPolicy', props.consolidationPolicy ?? 'WhenEmpty', CONSOLIDATION_POLICIES);
    const consolidateAfter = requireInteger(this, 'consolidateAfterSeconds', props.consolidateAfterSeconds ?? 600, 0);
    const expireAfter = props.neverExpire
      ? 'Never'
      : seconds(requireInteger(this, 'expireAfterSeconds', props.expireAfterSeconds ?? DEFAULT_EXPIRE_AFTER_SECONDS));
    const budgetNodes = props.disruptionBudgetNodes ?? '1';
    if (!/^((100|[0-9]{1,2})%|[0-9]+)$/.test(budgetNodes)) fail(this, 'disruptionBudgetNodes', `'${budgetNodes}' must be a count like '1' or a percentage like '10%'`);
    if (props.weight !== undefined) requireInteger(this, 'weight', props.weight);
    if (props.weight !== undefined && props.weight > 100) fail(this, 'weight', `must be at most 100; got ${props.weight}`);
    const reservations = props.capacityReservationIds ?? [];
    if (capacityTypes.includes('reserved') && reservations.length === 0 && props.existingNodeClassName === undefined) {
      fail(this, 'capacityReservationIds', 'is empty but capacityTypes includes \'reserved\'; list the EC2 capacity reservation ids (cr-...) the pool may use');
    }

    if (props.existingNodeClassName !== undefined) {
      this.nodeClassName = requireName(this, 'existingNodeClassName', props.existingNodeClassName);
    } else {
      this.nodeClassName = this.nodePoolName;
      this.nodeClass = new Manifest(this, 'nodeclass', {
        manifest: this.renderNodeClass(props, reservations),
        dependsOn: props.dependsOn,
      });
    }

    const requirements: any[] = [
      { key: 'node.kubernetes.io/instance-type', operator: 'In', values: [...props.instanceTypes] },
      { key: 'karpenter.sh/capacity-type', operator: 'In', values: [...capacityTypes] },
    ];
    if (props.zones !== undefined) {
      if (props.zones.length === 0) fail(this, 'zones', 'is empty; omit it to allow every zone');
      requirements.push({ key: 'topology.kubernetes.io/zone', operator: 'In', values: [...props.zones] });
    }
    const templateSpec: any = {
      nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: this.nodeClassName },
      requirements,
      expireAfter,
    };
    if (taints.length > 0) templateSpec.taints = taints.map((t) => (t.value === '' ? { key: t.key, effect: t.effect } : t));
    const template: any = { spec: templateSpec };
    if (Object.keys(labels).length > 0) template.metadata = { labels };
    const spec: any = {
      template,
      disruption: { consolidationPolicy: policy, consolidateAfter: seconds(consolidateAfter), budgets: [{ nodes: budgetNodes }] },
      limits: { 'nvidia.com/gpu': this.gpuLimit },
    };
    if (props.weight !== undefined) spec.weight = props.weight;
    this.nodePool = new Manifest(this, 'nodepool', {
      manifest: { apiVersion: 'karpenter.sh/v1', kind: 'NodePool', metadata: { name: this.nodePoolName }, spec },
      dependsOn: [...(props.dependsOn ?? []), ...(this.nodeClass ? [this.nodeClass] : [])],
    });
  }

  private checkKarpenterLabelDomains(labels: { [key: string]: string }): void {
    for (const key of Object.keys(labels)) {
      if (!key.includes('/')) continue;
      const domain = key.split('/')[0];
      const restricted = RESTRICTED_LABEL_DOMAINS.some((d) => domain === d || domain.endsWith(`.${d}`));
      const allowed = ALLOWED_RESTRICTED_SUFFIXES.some((d) => domain === d || domain.endsWith(`.${d}`));
      if (restricted && !allowed) {
        fail(this, `nodeLabels['${key}']`, `label domain '${domain}' is reserved and Karpenter rejects it; use your own domain, e.g. 'aidc.dev/${key.split('/')[1]}'`);
      }
    }
  }

  private renderNodeClass(props: KarpenterGpuNodePoolProps, reservations: string[]): any {
    if (props.nodeRole === undefined || props.nodeRole === '') {
      fail(this, 'nodeRole', 'is required to create an EC2NodeClass; give the IAM role name of the nodes or set existingNodeClassName');
    }
    const discovery = (prop: string, tags: { [key: string]: string } | undefined): { [key: string]: string } => {
      if (tags !== undefined) {
        if (Object.keys(tags).length === 0) fail(this, prop, 'is empty; it would select nothing');
        return sortedMap(tags);
      }
      if (!props.clusterName) fail(this, 'clusterName', `is required for the default ${prop} ({'karpenter.sh/discovery': clusterName}); set clusterName or ${prop}`);
      return { 'karpenter.sh/discovery': props.clusterName };
    };
    const alias = props.amiAlias ?? 'al2023@latest';
    if (!/^[a-z0-9]+@[A-Za-z0-9.\-_]+$/.test(alias)) fail(this, 'amiAlias', `'${alias}' must look like 'al2023@latest'`);
    const rootBytes = props.rootVolumeSizeBytes ?? 200 * GIB;
    if (typeof rootBytes !== 'number' || !Number.isFinite(rootBytes) || rootBytes < 20 * GIB) {
      fail(this, 'rootVolumeSizeBytes', `must be at least 20 GiB (${20 * GIB} bytes); got ${String(rootBytes)}`);
    }
    reservations.forEach((r, i) => {
      if (!/^cr-[0-9a-f]+$/.test(r)) fail(this, `capacityReservationIds[${i}]`, `'${r}' is not a capacity reservation id like 'cr-0123456789abcdef0'`);
    });
    const spec: any = {
      role: props.nodeRole,
      amiSelectorTerms: [{ alias }],
      subnetSelectorTerms: [{ tags: discovery('subnetSelectorTags', props.subnetSelectorTags) }],
      securityGroupSelectorTerms: [{ tags: discovery('securityGroupSelectorTags', props.securityGroupSelectorTags) }],
      blockDeviceMappings: [{
        // Bottlerocket keeps images on its second (data) volume; AL2/AL2023 on the root volume.
        deviceName: alias.startsWith('bottlerocket@') ? '/dev/xvdb' : '/dev/xvda',
        ebs: { volumeSize: bytesToGiQuantity(rootBytes), volumeType: 'gp3', encrypted: true, deleteOnTermination: true },
      }],
      tags: { 'aidc.dev/node-pool': this.nodePoolName },
    };
    if (reservations.length > 0) spec.capacityReservationSelectorTerms = reservations.map((id) => ({ id }));
    if (props.instanceStoreRaid0) spec.instanceStorePolicy = 'RAID0';
    return { apiVersion: 'karpenter.k8s.aws/v1', kind: 'EC2NodeClass', metadata: { name: this.nodeClassName }, spec };
  }
}
