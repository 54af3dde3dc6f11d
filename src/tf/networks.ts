import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { ClusterAddons } from './cluster-addons';
import { ManifestBridge } from './manifest-bridge';
import { fail, requireInteger, requireLabelName, requireName, requireOneOf } from './private/checks';

/**
 * CNI plugins a fabric attachment can use (Multus NetworkAttachmentDefinition `spec.config.type`):
 * `sriov` / `ib-sriov` pass a VF of a RoCE / InfiniBand NIC (k8snetworkplumbingwg/sriov-cni, ib-sriov-cni),
 * `host-device` moves a device into the pod, `macvlan` and `ipoib` share a host interface
 * (containernetworking/plugins, Mellanox/ipoib-cni). AWS EFA needs no attachment: the EFA device
 * plugin exposes `vpc.amazonaws.com/efa` directly.
 */
const CNI_TYPES = ['sriov', 'ib-sriov', 'host-device', 'macvlan', 'ipoib'] as const;
const NEEDS_RESOURCE = ['sriov', 'ib-sriov'];
const NEEDS_MASTER = ['macvlan', 'ipoib'];
const CIDR = /^(((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)\/(3[0-2]|[12]?\d)|[0-9a-fA-F:]+:[0-9a-fA-F:]*\/(12[0-8]|1[01]\d|[1-9]?\d))$/;

/** A high-speed fabric attachment (RDMA/RoCE/InfiniBand) for the pods of some tenants. */
export interface FabricAttachmentOptions {
  /** NetworkAttachmentDefinition name; pods ask for it with `k8s.v1.cni.cncf.io/networks: <name>`. */
  readonly name: string;
  /** Tenant namespaces that get the attachment. At least one. */
  readonly namespaces: string[];
  /** CNI plugin: `sriov`, `ib-sriov`, `host-device`, `macvlan` or `ipoib`. */
  readonly cniType: string;
  /**
   * Device-plugin resource backing the attachment (annotation `k8s.v1.cni.cncf.io/resourceName`),
   * e.g. `nvidia.com/rdma_vf`. Required for `sriov` and `ib-sriov`.
   * @default - none
   */
  readonly resourceName?: string;
  /**
   * Host interface (`master` for macvlan/ipoib, `device` for host-device). Required for macvlan and ipoib.
   * @default - none
   */
  readonly master?: string;
  /** Address range for the whereabouts IPAM, e.g. `10.200.0.0/16`. */
  readonly ipamRange: string;
  /**
   * Interface MTU (RoCE fabrics commonly run 4200 or 9000).
   * @default - the plugin's default
   */
  readonly mtu?: number;
}

/** Props of {@link TenantNetworks}. */
export interface TenantNetworksProps {
  /**
   * The tenancy objects (Namespace, ResourceQuota, LimitRange, NetworkPolicies, RBAC) from the same
   * function the cdk8s side renders (`tenantManifests(spec)` of the k8s layer), so both renderings agree.
   */
  readonly manifests: any[];
  /**
   * Fabric attachments of the pools that declare a high-speed fabric (needs Multus and whereabouts on the cluster).
   * @default []
   */
  readonly fabrics?: FabricAttachmentOptions[];
  /**
   * Add-ons, for ordering objects after the charts that install their CRDs.
   * @default - none
   */
  readonly addons?: ClusterAddons;
  /**
   * Resources every object waits for.
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Tenant namespaces, quotas, network policies and RBAC rendered to Terraform from the same
 * definition the cdk8s side uses, plus Multus NetworkAttachmentDefinitions
 * (`k8s.cni.cncf.io/v1`) for pools with an RDMA fabric, all through the {@link ManifestBridge}.
 */
export class TenantNetworks extends Construct {
  /** The bridge holding every object. */
  public readonly bridge: ManifestBridge;
  /** The NetworkAttachmentDefinitions rendered for the fabrics (plain objects). */
  public readonly fabricAttachments: any[];

  constructor(scope: Construct, id: string, props: TenantNetworksProps) {
    super(scope, id);
    if (!Array.isArray(props.manifests) || props.manifests.length === 0) {
      fail(this, 'manifests', 'is empty; pass the tenancy objects (tenantManifests(spec)) of at least one tenant');
    }
    const tenantNamespaces = props.manifests
      .filter((o) => o?.apiVersion === 'v1' && o?.kind === 'Namespace')
      .map((o) => o.metadata?.name as string)
      .sort();
    this.fabricAttachments = (props.fabrics ?? []).flatMap((f, i) => this.renderFabric(`fabrics[${i}]`, f, tenantNamespaces));
    this.bridge = new ManifestBridge(this, 'objects', {
      manifests: [...props.manifests, ...this.fabricAttachments],
      addons: props.addons,
      dependsOn: props.dependsOn,
    });
  }

  private renderFabric(prop: string, f: FabricAttachmentOptions, tenantNamespaces: string[]): any[] {
    const name = requireName(this, `${prop}.name`, f.name);
    const type = requireOneOf(this, `${prop}.cniType`, f.cniType, CNI_TYPES);
    if (NEEDS_RESOURCE.includes(type) && !f.resourceName) fail(this, `${prop}.resourceName`, `is required for cniType '${type}'; name the device-plugin resource of the VFs, e.g. 'nvidia.com/rdma_vf'`);
    if (NEEDS_MASTER.includes(type) && !f.master) fail(this, `${prop}.master`, `is required for cniType '${type}'; name the host interface, e.g. 'ib0'`);
    if (typeof f.ipamRange !== 'string' || !CIDR.test(f.ipamRange)) fail(this, `${prop}.ipamRange`, `'${String(f.ipamRange)}' is not a CIDR like '10.200.0.0/16'`);
    if (f.mtu !== undefined) requireInteger(this, `${prop}.mtu`, f.mtu, 576);
    if (!Array.isArray(f.namespaces) || f.namespaces.length === 0) fail(this, `${prop}.namespaces`, 'is empty; list the tenant namespaces that use the fabric');
    const config: any = { cniVersion: '0.3.1', name, type };
    if (f.master) config[type === 'host-device' ? 'device' : 'master'] = f.master;
    if (type === 'macvlan') config.mode = 'bridge';
    if (f.mtu !== undefined) config.mtu = f.mtu;
    config.ipam = { type: 'whereabouts', range: f.ipamRange };
    return [...f.namespaces].sort().map((ns, j) => {
      requireLabelName(this, `${prop}.namespaces[${j}]`, ns);
      if (tenantNamespaces.length > 0 && !tenantNamespaces.includes(ns)) {
        fail(this, `${prop}.namespaces[${j}]`, `'${ns}' is not a tenant namespace of manifests (${tenantNamespaces.join(', ')})`);
      }
      const metadata: any = { name, namespace: ns, labels: { 'aidc.dev/fabric': name } };
      if (f.resourceName) metadata.annotations = { 'k8s.v1.cni.cncf.io/resourceName': f.resourceName };
      return { apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata, spec: { config: JSON.stringify(config) } };
    });
  }
}
