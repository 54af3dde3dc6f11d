/**
 * Rules as plain data in the Prometheus rule-file format (what `promtool` reads and what a
 * PrometheusRule's `spec.groups` renders to), plus small helpers shared by the rule files.
 */
import { PrometheusRuleSpecGroups, PrometheusRuleSpecGroupsRulesExpr } from '../imports/monitoring.coreos.com-monitoring.coreos.com';

/** Severity scheme of kube-prometheus-stack's Alertmanager routes: critical pages, warning tickets. */
export type Severity = 'critical' | 'warning' | 'info';

/** One alerting rule. Annotation templates may use only `{{ $labels.<name> }}` (tests expand them). */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: { readonly severity: Severity; readonly [key: string]: string };
  readonly annotations: { readonly summary: string; readonly description: string; readonly runbook_url: string };
}

/** One recording rule. */
export interface RecordRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: { readonly [key: string]: string };
}

/** A rule group in rule-file format. */
export interface RuleGroup {
  readonly name: string;
  readonly interval?: string;
  readonly rules: ReadonlyArray<AlertRule | RecordRule>;
}

/** Where alert annotations point for runbooks. */
export interface RunbookConfig {
  /** Base URL; the alert name (lower case) is appended as a fragment. */
  readonly runbookBaseUrl: string;
}

/** Runbook URL of one alert. */
export function runbookUrl(cfg: RunbookConfig, alert: string): string {
  return `${cfg.runbookBaseUrl}#${alert.toLowerCase()}`;
}

/** Prometheus duration text for whole seconds (`90` → `90s`, `3600` → `1h`, `259200` → `3d`). */
export function promDuration(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds <= 0) throw new Error(`promDuration: ${seconds} is not a positive whole number of seconds`);
  if (seconds % 86400 === 0) return `${seconds / 86400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** PromQL label matchers `{a="x",b=~"y"}` from `[name, op, value]` triples (values are escaped). */
export function matchers(...m: Array<[string, '=' | '!=' | '=~' | '!~', string]>): string {
  return `{${m.map(([k, op, v]) => `${k}${op}${JSON.stringify(v)}`).join(',')}}`;
}

/** A number as PromQL text without float noise (`0.0144000001` → `0.0144`). */
export function num(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`num: ${x} is not finite`);
  return String(Number(x.toPrecision(12)));
}

/** True for an alerting rule. */
export function isAlert(rule: AlertRule | RecordRule): rule is AlertRule {
  return (rule as AlertRule).alert !== undefined;
}

/** Converts rule-file groups to the typed PrometheusRule spec groups of the generated CRD classes. */
export function toCrdGroups(groups: ReadonlyArray<RuleGroup>): PrometheusRuleSpecGroups[] {
  return groups.map((g) => ({
    name: g.name,
    interval: g.interval,
    rules: g.rules.map((r) => isAlert(r)
      ? { alert: r.alert, expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr), for: r.for, labels: { ...r.labels }, annotations: { ...r.annotations } }
      : { record: r.record, expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr), labels: r.labels ? { ...r.labels } : undefined }),
  }));
}
