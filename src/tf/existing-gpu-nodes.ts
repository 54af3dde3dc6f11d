import { Labels } from '@cdktf/provider-kubernetes/lib/labels';
import { NodeTaint } from '@cdktf/provider-kubernetes/lib/node-taint';
import { Construct } from 'constructs';
import { TfTaint } from './node-metadata';
import { fail, requireName } from './private/checks';
import { checkNodeLabels, checkTaints } from './private/node-checks';

/** Props of {@link ExistingGpuNodes}. */
export interface ExistingGpuNodesProps {
  /** Names of the existing Node objects that form the pool. At least one, no duplicates. */
  readonly nodeNames: string[];
  /**
   * Labels to put on every node: the pool's Kueue ResourceFlavor `nodeLabels`.
   * @default {}
   */
  readonly nodeLabels?: { [key: string]: string };
  /**
   * Taints to put on every node: the ResourceFlavor's `nodeTaints`.
   * @default []
   */
  readonly taints?: TfTaint[];
  /**
   * Server-side-apply field manager that owns the labels and taints.
   * @default 'aidc'
   */
  readonly fieldManager?: string;
  /**
   * Take over labels/taints another field manager owns.
   * @default false
   */
  readonly force?: boolean;
}

/**
 * A GPU pool made of nodes that already exist (on-premises or a fixed node group):
 * one `kubernetes_labels` and one `kubernetes_node_taint` resource per named node, with
 * the labels and taints the pool's Kueue ResourceFlavor uses.
 */
export class ExistingGpuNodes extends Construct {
  /** Label resources, one per node, in the order of `nodeNames`. */
  public readonly labelResources: Labels[] = [];
  /** Taint resources, one per node, in the order of `nodeNames`. */
  public readonly taintResources: NodeTaint[] = [];

  constructor(scope: Construct, id: string, props: ExistingGpuNodesProps) {
    super(scope, id);
    if (!Array.isArray(props.nodeNames) || props.nodeNames.length === 0) {
      fail(this, 'nodeNames', 'is empty; name at least one existing node');
    }
    const seen = new Set<string>();
    props.nodeNames.forEach((n, i) => {
      requireName(this, `nodeNames[${i}]`, n);
      if (seen.has(n)) fail(this, `nodeNames[${i}]`, `node '${n}' is listed twice`);
      seen.add(n);
    });
    const labels = checkNodeLabels(this, 'nodeLabels', props.nodeLabels);
    const taints = checkTaints(this, 'taints', props.taints);
    if (Object.keys(labels).length === 0 && taints.length === 0) {
      fail(this, 'nodeLabels', 'and taints are both empty; give the labels and/or taints of the pool\'s ResourceFlavor');
    }
    const fieldManager = props.fieldManager ?? 'aidc';
    for (const node of props.nodeNames) {
      if (Object.keys(labels).length > 0) {
        this.labelResources.push(new Labels(this, `labels-${node}`, {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: { name: node },
          labels,
          fieldManager,
          force: props.force ?? false,
        }));
      }
      if (taints.length > 0) {
        this.taintResources.push(new NodeTaint(this, `taint-${node}`, {
          metadata: { name: node },
          taint: taints,
          fieldManager,
          force: props.force ?? false,
        }));
      }
    }
  }
}
