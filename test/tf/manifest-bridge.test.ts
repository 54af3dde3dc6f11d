import 'cdktf/lib/testing/adapters/jest';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { ApiObject, Chart, Size, Testing as Cdk8sTesting } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Testing } from 'cdktf';
import * as fc from 'fast-check';
import { badValues, expectValidationError, newStack, partial, resourcesOf, synth } from './helpers';
import { JobSet } from '../../src/k8s/imports/jobset.x-k8s.io-jobset.x-k8s.io';
import { LocalQueueV1Beta2, ResourceFlavorV1Beta2 } from '../../src/k8s/imports/kueue.x-k8s.io-kueue.x-k8s.io';
import { ServiceMonitor } from '../../src/k8s/imports/monitoring.coreos.com-monitoring.coreos.com';
import { ClusterAddons, ManifestBridge, ManifestBridgeProps } from '../../src/tf';
import { sortKeysDeep } from '../../src/tf/private/checks';
import { escapeTemplates, unescapeTemplates } from '../../src/tf/private/objects';
import { describeWithShared } from '../harness/shared';
import { validateObjects } from '../harness/validate';

Testing.setupJest();

/** torchrun rendezvous as a shell line: `${...}` must reach the pod unchanged, not be read by Terraform. */
const LAUNCH = 'torchrun --nnodes=${NNODES} --node_rank=${JOB_COMPLETION_INDEX} --rdzv_endpoint=${MASTER_ADDR}:29500 train.py';

/** A chart with representative objects: core kinds, a cdk8s-plus Deployment and CRD objects of three add-ons. */
function representativeChart(): Chart {
  const chart = new Chart(Cdk8sTesting.app(), 'workloads');
  new kplus.Namespace(chart, 'ns', { metadata: { name: 'team-a' } });
  new kplus.Deployment(chart, 'server', {
    metadata: { name: 'llama-70b', namespace: 'team-a' },
    replicas: 2,
    containers: [{
      image: 'vllm/vllm-openai:v0.11.0', portNumber: 8000,
      resources: { cpu: { request: kplus.Cpu.units(8) }, memory: { request: Size.gibibytes(64), limit: Size.gibibytes(64) } },
    }],
  });
  new ResourceFlavorV1Beta2(chart, 'flavor', { metadata: { name: 'h100' }, spec: { nodeLabels: { 'aidc.dev/pool': 'h100' } } });
  new LocalQueueV1Beta2(chart, 'lq', { metadata: { name: 'training', namespace: 'team-a' }, spec: { clusterQueue: 'team-a' } });
  new JobSet(chart, 'train', {
    metadata: { name: 'pretrain', namespace: 'team-a', labels: { 'kueue.x-k8s.io/queue-name': 'training' } },
    spec: {
      replicatedJobs: [{
        name: 'workers',
        replicas: 1,
        template: { spec: { parallelism: 2, completions: 2, completionMode: 'Indexed', template: { spec: { restartPolicy: 'Never', containers: [{ name: 'trainer', image: 'nvcr.io/nvidia/pytorch:25.01-py3', command: ['bash', '-c', LAUNCH] }] } } } },
      }],
    },
  });
  new ServiceMonitor(chart, 'sm', { metadata: { name: 'vllm', namespace: 'team-a' }, spec: { selector: { matchLabels: { app: 'vllm' } }, endpoints: [{ port: 'metrics' }] } });
  new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dashboards', namespace: 'team-a', labels: { grafana_dashboard: '1' } }, data: { 'd.json': '{"title":"GPU %{util}"}' } });
  return chart;
}

function bridge(p: Partial<ManifestBridgeProps>, withAddons = false) {
  const stack = newStack();
  const addons = withAddons ? new ClusterAddons(stack, 'addons') : undefined;
  const b = new ManifestBridge(stack, 'bridge', { addons, ...p });
  return { stack, bridge: b, addons, ...synth(stack) };
}

/** The objects Terraform hands the provider: each manifest with its template escapes undone. */
function deployedObjects(json: any): any[] {
  return Object.values(resourcesOf(json, 'kubernetes_manifest')).map((r: any) => unescapeTemplates(r.manifest));
}

const normalise = (objects: any[]): string[] => objects.map((o) => JSON.stringify(sortKeysDeep(o))).sort();

describe('ManifestBridge', () => {
  test('round-trips every object of a cdk8s chart byte for byte after key sorting', () => {
    const chart = representativeChart();
    const expected = chart.toJson();
    const { json } = bridge({ chart });
    expect(expected.length).toBe(7);
    expect(normalise(deployedObjects(json))).toEqual(normalise(expected));
  });

  test('escapes Terraform template sequences so shell variables reach the pod unchanged', () => {
    const { json } = bridge({ chart: representativeChart() });
    const jobset: any = Object.values(resourcesOf(json, 'kubernetes_manifest')).find((r: any) => r.manifest.kind === 'JobSet');
    const command = jobset.manifest.spec.replicatedJobs[0].template.spec.template.spec.containers[0].command[2];
    expect(command).toBe('torchrun --nnodes=$${NNODES} --node_rank=$${JOB_COMPLETION_INDEX} --rdzv_endpoint=$${MASTER_ADDR}:29500 train.py');
    expect(command).not.toMatch(/(^|[^$])\$\{/);
    const cm: any = Object.values(resourcesOf(json, 'kubernetes_manifest')).find((r: any) => r.manifest.kind === 'ConfigMap');
    expect(cm.manifest.data['d.json']).toBe('{"title":"GPU %%{util}"}');
  });

  test('derives each address from apiVersion, kind, namespace and name, not from order', () => {
    const objects = representativeChart().toJson();
    const addresses = (list: any[]) => {
      const r = resourcesOf(bridge({ manifests: list }).json, 'kubernetes_manifest');
      return Object.fromEntries(Object.entries(r).map(([id, m]: any) => [`${m.manifest.kind}/${m.manifest.metadata.name}`, id]));
    };
    const forward = addresses(objects);
    expect(addresses([...objects].reverse())).toEqual(forward);
    expect(forward['Deployment/llama-70b']).toMatch(/^bridge_apps_v1_Deployment_team-a_llama-70b_[0-9A-F]{8}$/);
    expect(forward['ResourceFlavor/h100']).toMatch(/^bridge_kueuex-k8sio_v1beta2_ResourceFlavor_cluster_h100_[0-9A-F]{8}$/);
  });

  test('orders namespaced objects after their Namespace and custom resources after the add-on that installs the CRD', () => {
    const { json, bridge: b } = bridge({ chart: representativeChart() }, true);
    const manifests = resourcesOf(json, 'kubernetes_manifest');
    const releaseId = (chart: string) => `helm_release.${Object.entries(resourcesOf(json, 'helm_release')).find(([, r]: any) => r.chart === chart)![0]}`;
    const nsId = `kubernetes_manifest.${Object.entries(manifests).find(([, r]: any) => r.manifest.kind === 'Namespace')![0]}`;
    const depsOf = (kind: string) => (Object.values(manifests).find((r: any) => r.manifest.kind === kind) as any).depends_on ?? [];
    expect(depsOf('Namespace')).toEqual([]);
    expect(depsOf('Deployment')).toEqual([nsId]);
    expect(depsOf('ResourceFlavor')).toEqual([releaseId('kueue')]);
    expect(depsOf('LocalQueue')).toEqual([nsId, releaseId('kueue')]);
    expect(depsOf('JobSet')).toEqual([nsId, releaseId('jobset')]);
    expect(depsOf('ServiceMonitor')).toEqual([nsId, releaseId('kube-prometheus-stack')]);
    expect(b.manifestFor('jobset.x-k8s.io/v1alpha2', 'JobSet', 'pretrain', 'team-a')).toBeDefined();
  });

  test('makes its stack depend on the add-ons stack instead when the add-ons live in another stack', () => {
    const app = Testing.app();
    const infra = newStack(app, 'infra');
    const addons = new ClusterAddons(infra, 'addons');
    const workloads = newStack(app, 'workloads');
    new ManifestBridge(workloads, 'bridge', { chart: representativeChart(), addons });
    expect(workloads.dependencies).toEqual([infra]);
    const json = JSON.parse(Testing.synth(workloads, true));
    expect(Object.values(resourcesOf(json, 'kubernetes_manifest')).every((r: any) => !(r.depends_on ?? []).some((d: string) => d.startsWith('helm_release')))).toBe(true);
  });

  test('fills in a default namespace for namespaced objects that have none', () => {
    const { text } = bridge({ manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } }], defaultNamespace: 'team-b' });
    expect(text).toHaveResourceWithProperties(Manifest, { manifest: partial({ kind: 'ConfigMap', metadata: { name: 'x', namespace: 'team-b' } }) });
  });

  test('synthesizes the same JSON twice and never writes NaN, Infinity or undefined', () => {
    const a = bridge({ chart: representativeChart() }, true).text;
    expect(bridge({ chart: representativeChart() }, true).text).toBe(a);
    expect(badValues(a)).toEqual([]);
  });

  test.each<[string, any[], string, RegExp]>([
    ['a duplicate object', [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } }], 'manifests[1]', /appears twice/],
    ['a namespaced object without namespace', [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }], 'manifests[0].metadata.namespace', /defaultNamespace/],
    ['a namespace on a cluster-scoped object', [{ apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'ClusterQueue', metadata: { name: 'a', namespace: 'x' } }], 'manifests[0].metadata.namespace', /cluster-scoped/],
    ['an object without name', [{ apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'p-', namespace: 'a' } }], 'manifests[0].metadata.name', /generateName/],
    ['an object without kind', [{ apiVersion: 'v1', metadata: { name: 'a' } }], 'manifests[0].kind', /missing/],
    ['NaN in an object', [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' }, spec: { n: NaN } }], 'manifests[0].spec.n', /finite/],
  ])('rejects %s', (_name, manifests, prop, message) => {
    expectValidationError(() => bridge({ manifests }), 'platform/bridge', prop, message);
  });
});

/**
 * How Terraform reads a string literal of JSON configuration: `$${` and `%%{` are escapes for a
 * literal `${` / `%{`; an unescaped `${` or `%{` starts an interpolation or directive.
 * (developer.hashicorp.com/terraform/language/expressions/strings#escape-sequences)
 */
function terraformLiteral(text: string): string | undefined {
  let out = '';
  for (let i = 0; i < text.length;) {
    const rest = text.slice(i);
    if (rest.startsWith('$${') || rest.startsWith('%%{')) {
      out += rest[0] + '{';
      i += 3;
    } else if (rest.startsWith('${') || rest.startsWith('%{')) {
      return undefined;
    } else {
      out += text[i++];
    }
  }
  return out;
}

describe('Terraform template escaping', () => {
  test('Terraform reads back every string exactly, whatever $, %, { it holds', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('$', '%', '{', '}', 'a', ' ') }), (s) => {
      expect(terraformLiteral(escapeTemplates(s))).toBe(s);
      expect(unescapeTemplates(escapeTemplates(s))).toBe(s);
    }), { numRuns: 2000 });
  });
});

describeWithShared('ManifestBridge round-trip objects', () => {
  test('are valid Kubernetes and CRD objects (strict schemas)', () => {
    expect(validateObjects(deployedObjects(bridge({ chart: representativeChart() }).json))).toEqual([]);
  });
});
