/**
 * Entry points of the policy pack: check any cdk8s chart at synthesis (`PolicyChecks.of`)
 * or any list of synthesized objects (`PolicyChecks.evaluate`), cdk-nag style.
 */
import { ApiObject, Chart } from 'cdk8s';
import { PolicyReport } from './policy-report';
import { PolicyCheckOptions, PolicyRuleInfo } from './policy-types';
import { resolveOptions, rulesWithMeta, runRules, SUPPRESS_ANNOTATION } from './private/engine';

/** Charts already checked → their current options (so `of` twice adds one validation). */
const REGISTERED = new WeakMap<Chart, PolicyCheckOptions>();

/**
 * The AIDC policy pack: Pod Security Standards (restricted), resource requests/limits, GPU
 * taints, pinned images, secrets by reference, probes, PodDisruptionBudgets, retained
 * checkpoints and tenant isolation, over plain Kubernetes objects.
 *
 * Suppress a rule on one object with the annotation
 * `aidc.io/policy-suppress: "AIDC-HA-2: single replica by design"` (a reason is required),
 * or for a whole chart with `PolicyCheckOptions.suppressions`.
 *
 * @example
 * const chart = new Chart(app, 'serving');
 * // ... constructs ...
 * PolicyChecks.of(chart); // app.synth() now throws on any policy error
 */
export class PolicyChecks {
  /** Annotation that suppresses rules on one object: `"RULE-ID: reason"`, several separated by `;` or newlines. */
  public static readonly SUPPRESS_ANNOTATION = SUPPRESS_ANNOTATION;

  /**
   * Adds the pack to `chart` as a cdk8s validation: errors fail `app.synth()` (and `chart.toJson()`)
   * with one line per finding; warnings are printed to stderr once and never fail synthesis
   * unless `failOnWarnings`. Calling it again on the same chart adds no second validation:
   * with options it replaces the options, without options it keeps them (so constructs can call
   * `PolicyChecks.of(Chart.of(this))` without undoing a user's settings).
   * @param options the checks' settings @default - the chart's current options, or the defaults
   */
  public static of(chart: Chart, options?: PolicyCheckOptions): void {
    resolveOptions(options); // fail now, at the call site, on bad options
    const first = !REGISTERED.has(chart);
    if (options !== undefined || first) REGISTERED.set(chart, options ?? {});
    if (!first) return;
    let printed = '';
    chart.node.addValidation({
      validate: () => {
        const opts = REGISTERED.get(chart) ?? {};
        const report = PolicyChecks.evaluateChart(chart, opts);
        const failing = opts.failOnWarnings ? report.findings : report.errors;
        const warnings = opts.failOnWarnings ? [] : report.warnings;
        const warningText = warnings.map((f) => PolicyReport.formatFinding(f)).join('\n');
        if ((opts.printWarnings ?? true) && warningText !== '' && warningText !== printed) {
          process.stderr.write(`[${chart.node.path}] policy warnings:\n${warningText}\n`);
          printed = warningText;
        }
        return failing.map((f) => PolicyReport.formatFinding(f));
      },
    });
  }

  /** Runs the pack over synthesized objects (plain JSON, e.g. `chart.toJson()` or parsed YAML). */
  public static evaluate(objects: any[], options: PolicyCheckOptions = {}): PolicyReport {
    const { findings, suppressed } = runRules(objects, options);
    return new PolicyReport(findings, suppressed);
  }

  /**
   * Runs the pack over the API objects under `chart` without running the chart's validations
   * (so it is safe to call from a validation).
   */
  public static evaluateChart(chart: Chart, options: PolicyCheckOptions = {}): PolicyReport {
    const objects = chart.node.findAll().filter((c) => ApiObject.isApiObject(c)).map((o) => (o as ApiObject).toJson());
    return PolicyChecks.evaluate(objects, options);
  }

  /** Every rule of the pack with its level, description, explanation and fix. */
  public static rules(): PolicyRuleInfo[] {
    return rulesWithMeta().map((r) => ({ id: r.id, level: r.level, description: r.description, explanation: r.explanation, fix: r.fix }));
  }

  private constructor() {}
}

