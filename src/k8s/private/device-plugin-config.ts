import { ApiObject, Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { commonLabels } from './names';
import { ConstructValidationError } from '../../errors';

/** Name of the device-plugin ConfigMap every pool writes into (ClusterAddons' default `devicePluginConfigMapName`). */
export const DEVICE_PLUGIN_CONFIG_MAP_NAME = 'aidc-device-plugin-config';

/**
 * The NVIDIA device-plugin ConfigMap of a chart, one per GPU-operator namespace. The GPU operator reads
 * a single ConfigMap (ClusterPolicy `devicePlugin.config.name`; NVIDIA gpu-operator docs, "Time-Slicing
 * GPUs in Kubernetes") and each node picks its key by the label `nvidia.com/device-plugin.config`, so
 * every pool of the chart adds its sharing configuration here as one key instead of writing its own
 * ConfigMap. Keys are emitted sorted (deterministic output).
 */
export class DevicePluginConfigMap extends Construct {
  /** The chart's ConfigMap for `namespace`, created on first use. */
  public static of(scope: Construct, namespace: string): DevicePluginConfigMap {
    const chart = Chart.of(scope);
    const id = `device-plugin-config-${namespace}`;
    return (chart.node.tryFindChild(id) as DevicePluginConfigMap | undefined) ?? new DevicePluginConfigMap(chart, id, namespace);
  }

  private readonly configs = new Map<string, string>();

  private constructor(scope: Construct, id: string, namespace: string) {
    super(scope, id);
    new ApiObject(this, 'resource', {
      apiVersion: 'v1', kind: 'ConfigMap',
      metadata: { name: DEVICE_PLUGIN_CONFIG_MAP_NAME, namespace, labels: commonLabels('device-plugin-config', namespace) },
      data: Lazy.any({ produce: () => Object.fromEntries([...this.configs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) }),
    } as any);
  }

  /** Adds configuration `name` (a YAML document); pools with the same sharing add the same text once. */
  public add(name: string, yaml: string, addedBy: string): void {
    const existing = this.configs.get(name);
    if (existing !== undefined && existing !== yaml) {
      throw new ConstructValidationError(addedBy, 'sharing', `device-plugin configuration '${name}' is already defined differently by another pool`);
    }
    this.configs.set(name, yaml);
  }
}
