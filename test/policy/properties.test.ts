/**
 * The property-test helpers (test/harness/properties.ts), and the pack itself under random input:
 * `PolicyChecks.evaluate` never throws on arbitrary JSON, returns findings without bad values,
 * and is deterministic and independent of object order.
 */
import * as fc from 'fast-check';
import { compliantPlatform, mutatePods, WORKLOADS } from './fixtures';
import { PolicyChecks } from '../../src/policy';
import { assertNoBadValues, findBadValues, runProperty } from '../harness/properties';

describe('findBadValues', () => {
  test.each([
    ['NaN', { a: { b: [1, NaN] } }, 'a.b[1]: NaN'],
    ['Infinity', { spec: { replicas: Infinity } }, 'spec.replicas: Infinity'],
    ['-Infinity', [{ x: -Infinity }], '[0].x: -Infinity'],
    ['undefined', { metadata: { name: undefined } }, 'metadata.name: undefined'],
    ['null', { spec: null }, 'spec: null'],
    ['a quantity built from NaN', { resources: { requests: { memory: 'NaNGi' } } }, 'resources.requests.memory: string "NaNGi"'],
    ['millicores built from Infinity', { cpu: 'Infinitym' }, 'cpu: string "Infinitym"'],
    ['a name built from undefined', { metadata: { name: 'llama-undefined' } }, 'metadata.name: string "llama-undefined"'],
    ['a stringified object', { args: ['--x=[object Object]'] }, 'args[0]: string "--x=[object Object]"'],
    ['a function', { f: () => 1 }, 'f: function'],
    ['a class instance', { d: new Date(0) }, 'd: instance of Date (not plain JSON)'],
    // eslint-disable-next-line no-sparse-arrays
    ['an array hole', { a: [1, , 3] }, 'a[1]: hole'],
  ])('reports %s with its path', (_what, value, expected) => {
    expect(findBadValues(value)).toEqual([expected]);
    expect(() => assertNoBadValues(value)).toThrow(expected);
  });

  test('accepts clean output, and null where allowed', () => {
    expect(findBadValues(compliantPlatform())).toEqual([]);
    expect(findBadValues({ metadata: { creationTimestamp: null } }, { allowNullAt: [/creationTimestamp$/] })).toEqual([]);
    expect(findBadValues({ description: 'NaNny undefinedness', n: 'Nancy' })).toEqual([]); // whole words only
  });
});

describe('runProperty', () => {
  test('logs how many cases ran and returns the count', () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => {});
    try {
      expect(runProperty('integers are finite', fc.integer(), (n) => Number.isFinite(n), 250)).toBe(250);
      expect(log).toHaveBeenCalledWith('property integers are finite: 250 cases');
    } finally {
      log.mockRestore();
    }
  });

  test('throws fast-check\'s report with a counterexample when the predicate fails', () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => {});
    try {
      expect(() => runProperty('small', fc.integer({ min: 0, max: 1000 }), (n) => n < 500, 1000, 42)).toThrow(/property small failed[\s\S]*Counterexample: \[500\]/);
    } finally {
      log.mockRestore();
    }
  });
});

/** Random JSON-ish objects shaped loosely like workloads, to shake the rules. */
const arbitraryObject = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.record({
    apiVersion: fc.constantFrom('v1', 'apps/v1', 'batch/v1', 'jobset.x-k8s.io/v1alpha2', 'leaderworkerset.x-k8s.io/v1', 'policy/v1', 'keda.sh/v1alpha1'),
    kind: fc.constantFrom('Pod', 'Deployment', 'StatefulSet', 'Job', 'CronJob', 'JobSet', 'LeaderWorkerSet', 'PodDisruptionBudget', 'ScaledObject', 'Namespace', 'ResourceQuota'),
    metadata: fc.record({ name: fc.string(), namespace: fc.option(fc.string(), { nil: undefined }), annotations: fc.dictionary(fc.constantFrom('aidc.io/policy-suppress', 'aidc.io/retain', 'x'), fc.string()) }, { requiredKeys: [] }),
    spec: fc.anything({ maxDepth: 3 }),
  }, { requiredKeys: ['kind', 'apiVersion'] }),
  fc.constantFrom(...Object.keys(WORKLOADS)).map((k) => mutatePods(k, () => {})),
);

describe('the pack under random input', () => {
  test('never throws, and its findings carry no bad values', () => {
    runProperty('policy evaluate on arbitrary objects', fc.array(arbitraryObject, { maxLength: 6 }), (objects) => {
      const report = PolicyChecks.evaluate(objects);
      assertNoBadValues(report.toJson(), { checkStrings: false });
      for (const f of report.findings) expect(f.ruleId).toMatch(/^AIDC-[A-Z]+-\d$/);
    }, 1000);
  });

  test('is deterministic and independent of object order', () => {
    const pool = compliantPlatform().concat(Object.keys(WORKLOADS).map((k) => mutatePods(k, (p) => { p.hostNetwork = true; p.containers[0].image = 'x'; })));
    runProperty('policy evaluate is order-independent', fc.shuffledSubarray(pool), (objects) => {
      const a = PolicyChecks.evaluate(objects).format();
      expect(PolicyChecks.evaluate([...objects].reverse()).format()).toBe(a);
    }, 200);
  });
});
