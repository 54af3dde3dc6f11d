import 'cdktf/lib/testing/adapters/jest';
import * as fs from 'fs';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { Release } from '@cdktf/provider-helm/lib/release';
import { Testing } from 'cdktf';
import { parse } from 'yaml';
import { badValues, chartDefaults, expectValidationError, missingKeyPaths, newStack, resourcesOf, synth } from './helpers';
import { Addon, ClusterAddons, ClusterAddonsProps } from '../../src/tf';
import { describeWithShared, sharedPath } from '../harness/shared';

Testing.setupJest();

const ALL_ADDONS = Object.values(Addon);
const POOL_TAINTS = [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }, { key: 'aidc.dev/pool', value: 'h100', effect: 'NoSchedule' }];

/** Every option that makes the library set a values key, so the key check covers them all. */
const FULL: ClusterAddonsProps = {
  gpuOperator: {
    migStrategy: 'mixed',
    devicePluginConfigMapName: 'aidc-device-plugin-config',
    devicePluginConfigs: { 'h100-ts': 'version: v1\nsharing:\n  timeSlicing:\n    resources:\n    - name: nvidia.com/gpu\n      replicas: 4\n' },
    devicePluginDefaultConfig: 'h100-ts',
    poolTaints: POOL_TAINTS,
    driverEnabled: false,
  },
};

function build(p: ClusterAddonsProps = FULL) {
  const stack = newStack();
  const addons = new ClusterAddons(stack, 'addons', p);
  return { addons, ...synth(stack) };
}

function releases(json: any): any[] {
  return Object.values(resourcesOf(json, 'helm_release'));
}

function releaseOf(json: any, chart: string): any {
  return releases(json).find((r) => r.chart === chart);
}

describe('ClusterAddons', () => {
  test('installs all six add-ons as helm releases from their pinned chart repositories', () => {
    const { text, json, addons } = build();
    expect(text).toHaveProvider(HelmProvider);
    for (const addon of ALL_ADDONS) {
      const chart = ClusterAddons.chartFor(addon);
      expect(text).toHaveResourceWithProperties(Release, { chart: chart.chart, repository: chart.repository, version: chart.version, namespace: chart.namespace, create_namespace: true });
    }
    expect(releases(json)).toHaveLength(6);
    expect(addons.installed.sort()).toEqual([...ALL_ADDONS].sort());
  });

  test.each(ALL_ADDONS)('pins %s to an exact, non-empty chart version (no ranges)', (addon) => {
    const release = releaseOf(build().json, ClusterAddons.chartFor(addon).chart);
    expect(release.version).toMatch(/^v?\d+\.\d+\.\d+$/);
  });

  test.each<[string, string, string]>([
    ['kube-prometheus-stack', 'https://prometheus-community.github.io/helm-charts', '88.5.3'],
    ['gpu-operator', 'https://helm.ngc.nvidia.com/nvidia', 'v26.7.0'],
    ['kueue', 'oci://registry.k8s.io/kueue/charts', '0.19.2'],
    ['jobset', 'oci://registry.k8s.io/jobset/charts', '0.12.0'],
    ['lws', 'oci://registry.k8s.io/lws/charts', '0.10.0'],
    ['keda', 'https://kedacore.github.io/charts', '2.20.2'],
  ])('pins %s to %s at the version in ../shared/schemas/SOURCES.md', (addon, repository, version) => {
    expect(ClusterAddons.chartFor(addon as Addon)).toMatchObject({ repository, version });
  });

  test('opens the Prometheus selectors and turns on the Grafana dashboard sidecar', () => {
    const values = parse(releaseOf(build().json, 'kube-prometheus-stack').values[0]);
    expect(values.prometheus.prometheusSpec).toEqual({
      serviceMonitorSelectorNilUsesHelmValues: false,
      podMonitorSelectorNilUsesHelmValues: false,
      ruleSelectorNilUsesHelmValues: false,
      probeSelectorNilUsesHelmValues: false,
    });
    expect(values.grafana.sidecar.dashboards).toEqual({ enabled: true, label: 'grafana_dashboard', labelValue: '1', searchNamespace: 'ALL' });
  });

  test('configures the GPU operator device plugin, MIG strategy, DCGM ServiceMonitor and pool tolerations', () => {
    const values = parse(releaseOf(build().json, 'gpu-operator').values[0]);
    expect(values.mig.strategy).toBe('mixed');
    expect(values.devicePlugin.config).toEqual({ name: 'aidc-device-plugin-config', create: true, default: 'h100-ts', data: FULL.gpuOperator!.devicePluginConfigs });
    expect(values.dcgmExporter.serviceMonitor.enabled).toBe(true);
    expect(values.daemonsets.tolerations).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'aidc.dev/pool', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    expect(values['node-feature-discovery'].worker.tolerations).toContainEqual({ key: 'aidc.dev/pool', operator: 'Exists', effect: 'NoSchedule' });
    expect(values.driver.enabled).toBe(false);
  });

  test('points the device plugin at an existing ConfigMap without creating it', () => {
    const { json } = build({ gpuOperator: { devicePluginConfigMapName: 'pool-h100-device-plugin' } });
    expect(parse(releaseOf(json, 'gpu-operator').values[0]).devicePlugin.config).toEqual({ name: 'pool-h100-device-plugin', create: false });
  });

  test('orders releases that create ServiceMonitors after kube-prometheus-stack and Kueue after JobSet and LWS', () => {
    const { json } = build();
    const ids = Object.fromEntries(Object.entries(resourcesOf(json, 'helm_release')).map(([id, r]: any) => [r.chart, `helm_release.${id}`]));
    const deps = (chart: string) => releaseOf(json, chart).depends_on ?? [];
    expect(deps('gpu-operator')).toEqual([ids['kube-prometheus-stack']]);
    expect(deps('keda')).toEqual([ids['kube-prometheus-stack']]);
    expect(deps('kueue')).toEqual([ids.jobset, ids.lws, ids['kube-prometheus-stack']]);
    expect(deps('kube-prometheus-stack')).toEqual([]);
  });

  test('without kube-prometheus-stack creates no ServiceMonitors anywhere', () => {
    const { json } = build({ kubePrometheusStack: { enabled: false } });
    expect(releaseOf(json, 'kube-prometheus-stack')).toBeUndefined();
    expect(parse(releaseOf(json, 'gpu-operator').values[0]).dcgmExporter.serviceMonitor.enabled).toBe(false);
    expect(parse(releaseOf(json, 'kueue').values[0]).enablePrometheus).toBe(false);
    expect(releaseOf(json, 'keda').values).toBeUndefined();
  });

  test('configures Kueue to export ClusterQueue quota metrics and to admit gangs only when all pods are ready', () => {
    const { json } = build();
    const config = parse(parse(releaseOf(json, 'kueue').values[0]).managerConfig.controllerManagerConfigYaml);
    expect(config.metrics.enableClusterQueueResources).toBe(true);
    expect(config.waitForPodsReady).toMatchObject({ blockAdmission: true });
    expect(config.integrations.frameworks).toEqual(expect.arrayContaining(['jobset.x-k8s.io/jobset', 'leaderworkerset.x-k8s.io/leaderworkerset']));
  });

  test('deep-merges user values over the derived ones', () => {
    const { json } = build({ kueue: { values: { controllerManager: { replicas: 2 }, enablePrometheus: false } } });
    expect(parse(releaseOf(json, 'kueue').values[0])).toMatchObject({ controllerManager: { replicas: 2 }, enablePrometheus: false });
  });

  test('maps each CRD API group to the release that installs it', () => {
    const { addons } = build();
    expect.assertions(6);
    for (const [group, addon] of [
      ['kueue.x-k8s.io', Addon.KUEUE], ['jobset.x-k8s.io', Addon.JOBSET], ['leaderworkerset.x-k8s.io', Addon.LWS],
      ['keda.sh', Addon.KEDA], ['monitoring.coreos.com', Addon.KUBE_PROMETHEUS_STACK], ['nvidia.com', Addon.GPU_OPERATOR],
    ] as const) {
      expect(addons.releaseForApiGroup(group)).toBe(addons.release(addon));
    }
  });

  test('synthesizes the same JSON twice and never writes NaN, Infinity or undefined', () => {
    const a = build().text;
    expect(build().text).toBe(a);
    expect(badValues(a)).toEqual([]);
  });

  test.each<[string, ClusterAddonsProps, string]>([
    ['a version range', { kueue: { version: '^0.19.0' } }, 'kueue.version'],
    ['an empty version', { keda: { version: '' } }, 'keda.version'],
    ['an unknown MIG strategy', { gpuOperator: { migStrategy: 'all' } }, 'gpuOperator.migStrategy'],
    ['a default config that is not among the configs', { gpuOperator: { devicePluginConfigs: { a: 'version: v1' }, devicePluginDefaultConfig: 'b' } }, 'gpuOperator.devicePluginDefaultConfig'],
    ['a DCGM ServiceMonitor without Prometheus Operator', { kubePrometheusStack: { enabled: false }, gpuOperator: { dcgmServiceMonitor: true } }, 'gpuOperator.dcgmServiceMonitor'],
    ['NaN in user values', { lws: { values: { replicaCount: NaN } } }, 'lws.values.replicaCount'],
    ['a bad namespace', { jobset: { namespace: 'Jobs' } }, 'jobset.namespace'],
  ])('rejects %s', (_name, p, prop) => {
    expectValidationError(() => build(p), 'platform/addons', prop);
  });
});

describeWithShared('ClusterAddons values against the charts\' default values', () => {
  test.each(ALL_ADDONS)('every key path the library sets for %s exists in the chart defaults', (addon) => {
    const chart = ClusterAddons.chartFor(addon);
    const file = `${chart.chart}-${chart.version}.values.yaml`;
    expect(fs.existsSync(sharedPath('schemas', 'helm-values', file))).toBe(true);
    const defaults = chartDefaults(file);
    // Both the derived object and what reaches Terraform (the YAML string) are checked.
    const { addons, json } = build();
    expect(missingKeyPaths(addons.derivedValues(addon), defaults)).toEqual([]);
    const release = releaseOf(json, chart.chart);
    const sent = release.values ? parse(release.values[0]) : {};
    expect(missingKeyPaths(sent, defaults)).toEqual([]);
  });

  test('the key-path walker reports a misspelled key', () => {
    const defaults = chartDefaults('kube-prometheus-stack-88.5.3.values.yaml');
    expect(missingKeyPaths({ prometheus: { prometheusSpec: { serviceMonitorSelectorNilUsesHelmValue: false } } }, defaults))
      .toEqual(['prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValue']);
  });
});
