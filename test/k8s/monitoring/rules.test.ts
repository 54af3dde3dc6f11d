import { fullConfiguration, prometheusRules } from './fixture';
import { Case, RULE_TESTS } from './rule-tests';
import { checkRules, HAS_PROMTOOL, testRules } from '../../harness/promtool';

const { stack, objects } = fullConfiguration();
const ruleObjects = prometheusRules(objects);
const allRules: any[] = ruleObjects.flatMap((o) => o.spec.groups.flatMap((g: any) => g.rules));
const alerts = allRules.filter((r) => r.alert);

/** The PrometheusRule spec (a rule file) that defines `alert`. */
function ruleFileOf(alert: string): any {
  const file = ruleObjects.find((o) => o.spec.groups.some((g: any) => g.rules.some((r: any) => r.alert === alert)));
  if (!file) throw new Error(`no PrometheusRule defines ${alert}`);
  return file.spec;
}

/** Renders an annotation the way Prometheus would for `labels` and `value` (only `$labels.x` and `$value` are used). */
function render(template: string, labels: { [key: string]: string }, value: string | undefined): string {
  return template.replace(/\{\{ \$labels\.([a-zA-Z_][a-zA-Z0-9_]*) \}\}/g, (_m, k) => labels[k] ?? '').replace(/\{\{ \$value \}\}/g, () => {
    if (value === undefined) throw new Error(`annotation '${template}' uses $value: give the case a value`);
    return value;
  });
}

function promtoolCase(alert: string, c: Case): any {
  const rule = alerts.find((r) => r.alert === alert);
  return {
    interval: c.interval ?? '1m',
    input_series: c.series,
    alert_rule_test: [{
      eval_time: c.evalTime,
      alertname: alert,
      exp_alerts: c.alerts.map((a) => ({
        exp_labels: a.labels,
        exp_annotations: Object.fromEntries(Object.entries<string>(rule.annotations).map(([k, v]) => [k, render(v, a.labels, a.value)])),
      })),
    }],
  };
}

describe('MonitoringStack rules', () => {
  test('every alert has a severity label and summary, description and runbook annotations', () => {
    for (const r of alerts) {
      expect([r.alert, ['critical', 'warning', 'info'].includes(r.labels?.severity)]).toEqual([r.alert, true]);
      expect(Object.keys(r.annotations).sort()).toEqual(['description', 'runbook_url', 'summary']);
      expect(r.annotations.runbook_url).toBe(`https://github.com/ai-datacenter-constructs/ai-datacenter-constructs/blob/main/docs/runbooks.md#${r.alert.toLowerCase()}`);
    }
  });

  test('annotations template only $labels and $value, so the unit tests can render them', () => {
    for (const r of alerts) {
      for (const text of Object.values<string>(r.annotations)) {
        expect(text.replace(/\{\{ \$labels\.[a-zA-Z_][a-zA-Z0-9_]* \}\}|\{\{ \$value \}\}/g, '')).not.toMatch(/\{\{|\}\}/);
      }
    }
  });

  test('recording rules follow the level:metric:operations naming convention', () => {
    const records = allRules.filter((r) => r.record).map((r) => r.record);
    expect(records.length).toBeGreaterThan(0);
    for (const name of records) expect(name).toMatch(/^[a-z_]+:[a-z0-9_]+:[a-z0-9_]+$/);
  });

  test('every alert has a promtool unit test and every unit test names an emitted alert', () => {
    const emitted = [...new Set(alerts.map((r) => r.alert))].sort();
    expect(emitted).toEqual(stack.alertNames);
    expect(Object.keys(RULE_TESTS).sort()).toEqual(emitted);
  });
});

(HAS_PROMTOOL ? describe : describe.skip)('MonitoringStack rules under promtool', () => {
  test.each(ruleObjects.map((o) => [o.metadata.name, o.spec]))('%s passes promtool check rules', (_name, spec) => {
    const result = checkRules(spec);
    expect(result.output).toMatch(/SUCCESS/);
    expect(result.ok).toBe(true);
  });

  test.each(Object.keys(RULE_TESTS))('%s fires on bad input and stays silent on healthy input', (alert) => {
    const t = RULE_TESTS[alert];
    const fires = testRules(ruleFileOf(alert), [promtoolCase(alert, t.fires)], t.fires.evaluationInterval);
    expect(fires.output).toMatch(/SUCCESS/);
    const silent = testRules(ruleFileOf(alert), [promtoolCase(alert, t.silent)], t.silent.evaluationInterval);
    expect(silent.output).toMatch(/SUCCESS/);
    expect(t.fires.alerts.length).toBeGreaterThan(0);
    expect(t.silent.alerts).toEqual([]);
  });

  test('a unit test fails when the alert would not fire (the cases are not vacuous)', () => {
    const t = RULE_TESTS.TrainingJobStalled;
    const swapped = promtoolCase('TrainingJobStalled', { ...t.silent, alerts: t.fires.alerts });
    expect(testRules(ruleFileOf('TrainingJobStalled'), [swapped]).ok).toBe(false);
    const wrongLabels = promtoolCase('KueueBacklogAtQuota', { ...RULE_TESTS.KueueBacklogAtQuota.fires, alerts: [{ labels: { cluster_queue: 'team-a', severity: 'warning' }, value: '3' }] });
    expect(testRules(ruleFileOf('KueueBacklogAtQuota'), [wrongLabels]).ok).toBe(false);
  });
});

if (!HAS_PROMTOOL) console.warn('\n!!! promtool not found: SKIPPING the MonitoringStack promtool tests (apt-get install -y --no-install-recommends prometheus)\n');
