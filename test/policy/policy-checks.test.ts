/**
 * Suppressions (per object by annotation, per chart by option) and `PolicyChecks.of(chart)`
 * as a cdk8s validation that fails `app.synth()` on errors.
 */
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { checkpointClaim, compliantPlatform, firstContainer, mutatePods } from './fixtures';
import { PlanningError } from '../../src/errors';
import { PolicyChecks } from '../../src/policy';

const latest = (annotations?: any): any => {
  const o = mutatePods('Deployment', firstContainer((c) => { c.image = 'vllm/vllm-openai:latest'; }));
  if (annotations) o.metadata.annotations = annotations;
  return o;
};
const ids = (objects: any[]): string[] => PolicyChecks.evaluate(objects).findings.map((f) => f.ruleId);

describe('suppressions', () => {
  test.each([
    ['one rule with a reason', 'AIDC-IMG-1: nightly canary tracks latest on purpose'],
    ['a lower-case id with a reason', 'aidc-img-1: canary'],
    ['several entries separated by ;', 'AIDC-HA-2: batch only; AIDC-IMG-1: canary'],
    ['several entries on separate lines', 'AIDC-HA-2: batch only\nAIDC-IMG-1: canary\n'],
  ])('an annotation with %s suppresses the finding and keeps it for audit', (_what, value) => {
    const report = PolicyChecks.evaluate([latest({ [PolicyChecks.SUPPRESS_ANNOTATION]: value })]);
    expect(report.findings).toEqual([]);
    expect(report.suppressed.map((f) => f.ruleId)).toEqual(['AIDC-IMG-1']);
    expect(report.suppressed[0].suppressionReason).toMatch(/canary/);
    expect(report.format()).toMatch(/\[suppressed: .*canary/);
  });

  test.each([
    ['no reason', 'AIDC-IMG-1', /suppression of AIDC-IMG-1 gives no reason/],
    ['an empty reason', 'AIDC-IMG-1:   ', /gives no reason/],
    ['an unknown rule id', 'AIDC-IMG-9: typo', /names no known rule; did you mean 'AIDC-IMG-1'/],
    ['the meta rule itself', 'AIDC-META-1: please', /cannot be suppressed/],
  ])('an annotation with %s suppresses nothing and is itself an error', (_what, value, message) => {
    const report = PolicyChecks.evaluate([latest({ [PolicyChecks.SUPPRESS_ANNOTATION]: value })]);
    const meta = report.findings.filter((f) => f.ruleId === 'AIDC-META-1');
    expect(meta).toHaveLength(1);
    expect(meta[0].message).toMatch(message);
    expect(meta[0].level).toBe('error');
    if (!/AIDC-IMG-1:\s*\w/.test(value)) expect(report.findings.map((f) => f.ruleId)).toContain('AIDC-IMG-1');
  });

  test('a suppression applies only to the annotated object', () => {
    const other = latest();
    other.metadata.name = 'other';
    expect(ids([latest({ [PolicyChecks.SUPPRESS_ANNOTATION]: 'AIDC-IMG-1: canary' }), other])).toEqual(['AIDC-IMG-1']);
  });

  test('chart-level suppressions need a known rule and a reason', () => {
    expect(PolicyChecks.evaluate([latest()], { suppressions: [{ ruleId: 'AIDC-IMG-1', reason: 'dev cluster' }] }).findings).toEqual([]);
    expect(() => PolicyChecks.evaluate([], { suppressions: [{ ruleId: 'AIDC-IMG-1', reason: ' ' }] })).toThrow(PlanningError);
    expect(() => PolicyChecks.evaluate([], { suppressions: [{ ruleId: 'AIDC-PS-1', reason: 'x' }] })).toThrow(/did you mean 'AIDC-PSS-1'/);
  });
});

describe('PolicyChecks.of', () => {
  function chartWith(objects: any[]): { app: App; chart: Chart } {
    const app = Testing.app();
    const chart = new Chart(app, 'platform');
    objects.forEach((o, i) => new ApiObject(chart, `o${i}`, o));
    return { app, chart };
  }

  test('makes app.synth() throw with one line per error finding', () => {
    const { app, chart } = chartWith([latest()]);
    PolicyChecks.of(chart);
    expect(() => app.synth()).toThrow(/Validation failed[\s\S]*\[platform\] error AIDC-IMG-1 Deployment team-a\/deploy spec\.template\.spec\.containers\[0\]\.image: .*uses :latest\. Fix: /);
    expect(() => Testing.synth(chart)).toThrow(/AIDC-IMG-1/);
  });

  test('a compliant chart synthesizes', () => {
    const { app, chart } = chartWith(compliantPlatform());
    PolicyChecks.of(chart);
    expect(() => app.synth()).not.toThrow();
    expect(Testing.synth(chart)).toHaveLength(compliantPlatform().length);
  });

  test('warnings are printed to stderr once and do not fail synthesis, unless failOnWarnings', () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const { app, chart } = chartWith([checkpointClaim('unknown-class')]);
      PolicyChecks.of(chart);
      expect(() => app.synth()).not.toThrow();
      expect(() => app.synth()).not.toThrow();
      const printed = write.mock.calls.map((c) => String(c[0])).filter((s) => s.includes('AIDC-STO-2'));
      expect(printed).toHaveLength(1);
      expect(printed[0]).toMatch(/^\[platform\] policy warnings:\nwarning AIDC-STO-2 PersistentVolumeClaim team-a\/train-checkpoints/);

      PolicyChecks.of(chart, { failOnWarnings: true }); // replaces the options, no second validation
      expect(() => app.synth()).toThrow(/AIDC-STO-2/);
      expect(chart.node.validate()).toHaveLength(1);
    } finally {
      write.mockRestore();
    }
  });

  test('a later call without options (as a construct makes) keeps the user\'s options', () => {
    const { app, chart } = chartWith([latest()]);
    PolicyChecks.of(chart, { suppressions: [{ ruleId: 'AIDC-IMG-1', reason: 'canary cluster' }] });
    PolicyChecks.of(chart);
    expect(() => app.synth()).not.toThrow();
    expect(chart.node.validate()).toEqual([]);
  });

  test('printWarnings: false keeps stderr quiet', () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const { app, chart } = chartWith([checkpointClaim('unknown-class')]);
      PolicyChecks.of(chart, { printWarnings: false });
      app.synth();
      expect(write.mock.calls.filter((c) => String(c[0]).includes('AIDC'))).toEqual([]);
    } finally {
      write.mockRestore();
    }
  });

  test('suppressions on annotations work through the chart', () => {
    const { app, chart } = chartWith([latest({ [PolicyChecks.SUPPRESS_ANNOTATION]: 'AIDC-IMG-1: canary' })]);
    PolicyChecks.of(chart);
    expect(() => app.synth()).not.toThrow();
    expect(PolicyChecks.evaluateChart(chart).suppressed.map((f) => f.ruleId)).toEqual(['AIDC-IMG-1']);
  });

  test('bad options fail at the call site', () => {
    const { chart } = chartWith([]);
    expect(() => PolicyChecks.of(chart, { suppressions: [{ ruleId: 'AIDC-IMG-1', reason: '' }] })).toThrow(PlanningError);
    expect(() => PolicyChecks.of(chart, { gpuTaintKey: ' ' })).toThrow(/gpuTaintKey/);
  });

  test('the report serialises to JSON with counts', () => {
    const json = PolicyChecks.evaluate([latest(), checkpointClaim('x')]).toJson();
    expect(json).toMatchObject({ errors: 1, warnings: 1, suppressed: 0 });
    expect(json.findings.map((f: any) => f.ruleId)).toEqual(['AIDC-IMG-1', 'AIDC-STO-2']);
  });
});
