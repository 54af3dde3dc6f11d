import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdktf';
import { buildPlatform, EXAMPLE_NAME, synthesizeLlmPlatform } from '../../examples/llm-platform/platform';
import { PolicyChecks } from '../../src/policy';
import { sortKeysDeep } from '../../src/tf/private/checks';
import { unescapeTemplates } from '../../src/tf/private/objects';
import { runMonokle, formatMonokle } from '../harness/monokle';
import { findBadValues } from '../harness/properties';
import { describeWithShared } from '../harness/shared';
import { expectValidObjects } from '../harness/validate';

/** Every file under `dir`, relative path → bytes. */
function readTree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(path.relative(dir, full), fs.readFileSync(full));
    }
  };
  walk(dir);
  return files;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aidc-example-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe(`the flagship example (${EXAMPLE_NAME})`, () => {
  const first = path.join(tmp, 'first');
  const second = path.join(tmp, 'second');
  beforeAll(async () => {
    await synthesizeLlmPlatform(first);
    await synthesizeLlmPlatform(second);
  });

  test('writes k8s/*.yaml, tf/, plan.md and plan.json', () => {
    const files = [...readTree(first).keys()].sort();
    expect(files).toEqual(expect.arrayContaining(['k8s/platform.k8s.yaml', 'plan.json', 'plan.md', 'pool.svg', 'tf/manifest.json', 'tf/stacks/infra/cdk.tf.json', 'tf/stacks/workloads/cdk.tf.json']));
    const plan = JSON.parse(fs.readFileSync(path.join(first, 'plan.json'), 'utf8'));
    expect(Object.keys(plan)).toEqual(['example', 'pool', 'training', 'inference', 'prescale', 'capacityMix']);
    expect(plan.capacityMix.costUsd).toBeLessThanOrEqual(plan.capacityMix.onDemandOnlyCostUsd);
    expect(findBadValues(plan)).toEqual([]);
    expect(fs.readFileSync(path.join(first, 'plan.md'), 'utf8')).toMatch(/## Training: llama-8b-sft[\s\S]*## Capacity mix/);
  });

  test('synthesizes byte-identical output twice', () => {
    const a = readTree(first);
    const b = readTree(second);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [file, bytes] of a) expect({ file, same: bytes.equals(b.get(file)!) }).toEqual({ file, same: true });
  });

  test('Terraform JSON never contains NaN, Infinity or undefined', () => {
    for (const stack of ['infra', 'workloads']) {
      const text = fs.readFileSync(path.join(first, 'tf', 'stacks', stack, 'cdk.tf.json'), 'utf8');
      expect(text).not.toMatch(/\bNaN\b|\bInfinity\b|\bundefined\b/);
    }
  });

  test('the library rule pack reports no errors', () => {
    const platform = buildPlatform(path.join(tmp, 'policy'));
    const report = PolicyChecks.evaluateChart(platform.chart);
    expect(report.errors.map((f) => `${f.ruleId} ${f.objectRef}: ${f.message}`)).toEqual([]);
  });

  test('the Terraform bridge round-trips every object of the chart', () => {
    const platform = buildPlatform(path.join(tmp, 'bridge'));
    const expected = platform.chart.toJson();
    const json = JSON.parse(Testing.synth(platform.workloadsStack, true));
    const deployed = Object.values(json.resource.kubernetes_manifest).map((r: any) => unescapeTemplates(r.manifest));
    const normalise = (objects: any[]): string[] => objects.map((o) => JSON.stringify(sortKeysDeep(o))).sort();
    expect(deployed).toHaveLength(expected.length);
    expect(normalise(deployed)).toEqual(normalise(expected));
  });
});

describeWithShared(`the flagship example (${EXAMPLE_NAME}) against the real schemas`, () => {
  const platform = buildPlatform(path.join(tmp, 'schemas'));
  const objects = platform.chart.toJson();

  test('every Kubernetes object passes the strict validation harness', () => {
    expect(objects.length).toBeGreaterThan(40);
    expectValidObjects(objects);
  });

  test('the independent checker (monokle: pod security restricted + practices) reports no errors', async () => {
    const result = await runMonokle(objects);
    // It really ran: the restricted pod-security rules were on, over every workload (JobSet/LWS wrapped as Pods).
    expect(result.rulesRun).toEqual(expect.arrayContaining(['PSS201', 'PSS202', 'PSS203', 'PSS204', 'PSS205', 'PSS206']));
    expect(result.resources).toBeGreaterThanOrEqual(objects.length);
    expect(formatMonokle(result.errors)).toBe('');
  });
});
