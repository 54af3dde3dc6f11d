import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { Chart } from 'cdk8s';
import { Annotations, ITerraformDependable, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { ClusterAddons } from './cluster-addons';
import { fail, requireFiniteJson, requireLabelName } from './private/checks';
import { CLUSTER_SCOPED_KINDS, constructIdOf, describeIdentity, escapeTemplates, ObjectIdentity, splitApiVersion } from './private/objects';

/** Props of {@link ManifestBridge}. */
export interface ManifestBridgeProps {
  /**
   * A cdk8s chart whose objects become `kubernetes_manifest` resources.
   * @default - none
   */
  readonly chart?: Chart;
  /**
   * Plain Kubernetes objects (JSON) to add, e.g. the output of `tenantManifests()`.
   * @default []
   */
  readonly manifests?: any[];
  /**
   * The add-ons: objects of a CRD group wait for the release that installs it
   * (kueue.x-k8s.io → kueue, jobset.x-k8s.io → jobset, leaderworkerset.x-k8s.io → lws,
   * keda.sh → keda, monitoring.coreos.com → kube-prometheus-stack). In another stack, this
   * stack is made to depend on that one instead.
   * @default - no ordering after add-ons
   */
  readonly addons?: ClusterAddons;
  /**
   * Namespace given to namespaced objects that have none (Terraform requires one).
   * @default - such objects are rejected
   */
  readonly defaultNamespace?: string;
  /**
   * More cluster-scoped kinds as `group/Kind` (core group: `/Kind`), for CRDs the bridge does not know.
   * @default []
   */
  readonly clusterScopedKinds?: string[];
  /**
   * Resources every object waits for.
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * Server-side-apply field manager.
   * @default - the provider's ('Terraform')
   */
  readonly fieldManager?: string;
}

/**
 * Renders a cdk8s chart (and/or plain objects) into `kubernetes_manifest` resources so a
 * cdktf pipeline deploys the same objects `cdk8s synth` writes. Each resource's address is
 * derived from the object's apiVersion, kind, namespace and name, never from its position;
 * namespaced objects wait for their Namespace when it is in the same bridge, and custom
 * resources wait for the add-on release that installs their CRD.
 *
 * `kubernetes_manifest` needs the CRD of a custom resource while *planning*
 * (hashicorp/terraform-provider-kubernetes#1367, #2334), so on a fresh cluster put the
 * add-ons in their own stack: the bridge then makes its stack depend on that one, and
 * `cdktf deploy '*'` applies them in order.
 */
export class ManifestBridge extends Construct {
  private readonly resources = new Map<string, Manifest>();
  private readonly identities = new Map<string, ObjectIdentity>();

  constructor(scope: Construct, id: string, props: ManifestBridgeProps) {
    super(scope, id);
    if (props.chart === undefined && props.manifests === undefined) {
      fail(this, 'chart', 'and manifests are both missing; give a cdk8s chart or a list of objects');
    }
    if (props.defaultNamespace !== undefined) requireLabelName(this, 'defaultNamespace', props.defaultNamespace);
    const clusterScoped = new Set([...CLUSTER_SCOPED_KINDS, ...(props.clusterScopedKinds ?? [])]);
    const fromChart = props.chart ? props.chart.toJson() : [];
    const inputs: Array<{ prop: string; obj: any }> = [
      ...fromChart.map((obj: any, i: number) => ({ prop: `chart[${i}]`, obj })),
      ...(props.manifests ?? []).map((obj: any, i: number) => ({ prop: `manifests[${i}]`, obj })),
    ];

    // Validate and identify every object first, then create resources in identity order.
    const prepared: Array<{ key: string; identity: ObjectIdentity; obj: any }> = [];
    const seen = new Map<string, string>();
    for (const { prop, obj } of inputs) {
      const { identity, object } = this.prepare(prop, obj, clusterScoped, props.defaultNamespace);
      const key = constructIdOf(identity);
      if (seen.has(key)) fail(this, prop, `${describeIdentity(identity)} appears twice (also ${seen.get(key)}); every object must be unique`);
      seen.set(key, prop);
      prepared.push({ key, identity, obj: object });
    }
    prepared.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

    const namespaces = new Map<string, Manifest>();
    const crds = new Map<string, Manifest>();
    const create = (p: { key: string; identity: ObjectIdentity; obj: any }, extra: ITerraformDependable[]) => {
      const deps = [...(props.dependsOn ?? []), ...extra];
      const m = new Manifest(this, p.key, {
        manifest: escapeTemplates(p.obj),
        dependsOn: deps.length > 0 ? deps : undefined,
        fieldManager: props.fieldManager ? { name: props.fieldManager } : undefined,
      });
      this.resources.set(p.key, m);
      this.identities.set(p.key, p.identity);
      return m;
    };
    // Namespaces and CRDs first: other objects depend on them.
    for (const p of prepared) {
      if (p.identity.group === '' && p.identity.kind === 'Namespace') namespaces.set(p.identity.name, create(p, []));
      if (p.identity.group === 'apiextensions.k8s.io' && p.identity.kind === 'CustomResourceDefinition') {
        const spec = p.obj.spec ?? {};
        crds.set(`${spec.group}/${spec.names?.kind}`, create(p, []));
      }
    }
    const sameStackAddonGroups = new Set<string>();
    for (const p of prepared) {
      if (this.resources.has(p.key)) continue;
      const extra: ITerraformDependable[] = [];
      if (p.identity.namespace && namespaces.has(p.identity.namespace)) extra.push(namespaces.get(p.identity.namespace)!);
      const crd = crds.get(`${p.identity.group}/${p.identity.kind}`);
      if (crd) extra.push(crd);
      const release = p.identity.group && props.addons ? props.addons.releaseForApiGroup(p.identity.group) : undefined;
      if (release) {
        const here = TerraformStack.of(this);
        const there = TerraformStack.of(release);
        if (here === there) {
          extra.push(release);
          sameStackAddonGroups.add(p.identity.group);
        } else if (!here.dependencies.includes(there)) {
          here.addDependency(there);
        }
      }
      create(p, extra);
    }
    if (sameStackAddonGroups.size > 0) {
      Annotations.of(this).addWarning(
        `objects of ${[...sameStackAddonGroups].sort().join(', ')} are in the same stack as the add-ons that install their CRDs: ` +
        'kubernetes_manifest reads CRDs while planning, so the first deploy on a fresh cluster fails; put ClusterAddons in its own stack');
    }
  }

  /** Number of `kubernetes_manifest` resources. */
  public get size(): number {
    return this.resources.size;
  }

  /** The resource of one object, if the bridge holds it. */
  public manifestFor(apiVersion: string, kind: string, name: string, namespace?: string): Manifest | undefined {
    const { group, version } = splitApiVersion(apiVersion);
    return this.resources.get(constructIdOf({ group, version, kind, namespace, name }));
  }

  /** Every resource, in identity order. */
  public get manifests(): Manifest[] {
    return [...this.resources.values()];
  }

  private prepare(prop: string, obj: any, clusterScoped: Set<string>, defaultNamespace?: string): { identity: ObjectIdentity; object: any } {
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) fail(this, prop, 'is not a Kubernetes object');
    if (typeof obj.apiVersion !== 'string' || obj.apiVersion === '') fail(this, `${prop}.apiVersion`, 'is missing');
    if (typeof obj.kind !== 'string' || obj.kind === '') fail(this, `${prop}.kind`, 'is missing');
    const meta = obj.metadata ?? {};
    if (typeof meta.name !== 'string' || meta.name === '') {
      fail(this, `${prop}.metadata.name`, `is missing on ${obj.apiVersion} ${obj.kind}; Terraform addresses need fixed names (generateName is not supported)`);
    }
    requireFiniteJson(this, prop, obj);
    const { group, version } = splitApiVersion(obj.apiVersion);
    const isClusterScoped = clusterScoped.has(`${group}/${obj.kind}`);
    let namespace: string | undefined = meta.namespace;
    let object = obj;
    if (isClusterScoped) {
      if (namespace !== undefined) fail(this, `${prop}.metadata.namespace`, `is set on cluster-scoped ${obj.apiVersion} ${obj.kind} ${meta.name}; remove it`);
    } else if (namespace === undefined) {
      if (defaultNamespace === undefined) {
        fail(this, `${prop}.metadata.namespace`, `is missing on namespaced ${obj.apiVersion} ${obj.kind} ${meta.name}; set it in the chart, pass defaultNamespace, ` +
          `or list '${group}/${obj.kind}' in clusterScopedKinds if it is cluster-scoped`);
      }
      namespace = defaultNamespace;
      object = { ...obj, metadata: { ...meta, namespace } };
    } else {
      requireLabelName(this, `${prop}.metadata.namespace`, namespace);
    }
    if (meta.name.includes('/')) fail(this, `${prop}.metadata.name`, `'${meta.name}' contains '/'`);
    return { identity: { group, version, kind: obj.kind, namespace, name: meta.name }, object };
  }
}
