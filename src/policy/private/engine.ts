/**
 * Runs the rule pack over plain objects and applies suppressions. Pure: no cdk8s, no I/O.
 */
import { PlanningError } from '../../errors';
import { closestIds } from '../../planning/private/did-you-mean';
import { PolicyCheckOptions, PolicyFinding, PolicyLevel } from '../policy-types';
import { ALL_RULES } from '../rules';
import { annotationsOf, objectRef } from './objects';
import { finding, PolicyRule, RawFinding, RuleContext } from './rule';

/** Annotation that suppresses rules on one object: `"RULE-ID: reason"`, several separated by newlines or `;`. */
export const SUPPRESS_ANNOTATION = 'aidc.io/policy-suppress';

/** Id of the rule that reports malformed suppressions (it cannot itself be suppressed). */
export const META_RULE_ID = 'AIDC-META-1';

/** The rule that checks suppression annotations themselves. */
export const META_RULE: PolicyRule = {
  id: META_RULE_ID,
  level: PolicyLevel.ERROR,
  description: `Every ${SUPPRESS_ANNOTATION} entry names a known rule and gives a reason.`,
  explanation: 'A suppression without a reason cannot be reviewed; one naming an unknown rule silently suppresses nothing.',
  fix: `Write the annotation as "${SUPPRESS_ANNOTATION}: AIDC-HA-2: single replica by design, traffic is batch" (entries separated by ';' or newlines).`,
  check: (objects) => objects.flatMap((o) => parseSuppressions(o).errors.map((e) => finding(o, `metadata.annotations.${SUPPRESS_ANNOTATION}`, e))),
};

/** Every rule, the meta rule last. */
export function rulesWithMeta(): PolicyRule[] {
  return [...ALL_RULES, META_RULE];
}

/** Suppressions on one object and the problems with its annotation. */
export function parseSuppressions(obj: any): { reasons: Map<string, string>; errors: string[] } {
  const reasons = new Map<string, string>();
  const errors: string[] = [];
  const raw = annotationsOf(obj)[SUPPRESS_ANNOTATION];
  if (raw === undefined) return { reasons, errors };
  const known = rulesWithMeta().map((r) => r.id);
  for (const entry of String(raw).split(/[\n;]/).map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^([A-Za-z0-9-]+)\s*(?::\s*(.*))?$/.exec(entry);
    const id = m ? m[1].toUpperCase() : entry;
    const reason = (m?.[2] ?? '').trim();
    if (!m || !known.includes(id)) {
      errors.push(`suppression '${entry}' names no known rule; did you mean ${closestIds(id, known)}?`);
    } else if (id === META_RULE_ID) {
      errors.push(`${META_RULE_ID} cannot be suppressed`);
    } else if (reason === '') {
      errors.push(`suppression of ${id} gives no reason; write '${id}: <why the rule does not apply>'`);
    } else {
      reasons.set(id, reason);
    }
  }
  return { reasons, errors };
}

/** Options with defaults applied, validated. */
export function resolveOptions(options: PolicyCheckOptions = {}): { ctx: RuleContext; chartSuppressions: Map<string, string> } {
  const known = ALL_RULES.map((r) => r.id);
  const chartSuppressions = new Map<string, string>();
  (options.suppressions ?? []).forEach((s, i) => {
    if (!known.includes(s.ruleId)) {
      throw new PlanningError(`suppressions[${i}].ruleId`, s.ruleId, `unknown rule; did you mean ${closestIds(s.ruleId, known)}?`);
    }
    if (typeof s.reason !== 'string' || s.reason.trim() === '') {
      throw new PlanningError(`suppressions[${i}].reason`, JSON.stringify(s.reason), `give the reason ${s.ruleId} does not apply`);
    }
    chartSuppressions.set(s.ruleId, s.reason.trim());
  });
  const gpuTaintKey = options.gpuTaintKey ?? 'nvidia.com/gpu';
  if (gpuTaintKey.trim() === '') throw new PlanningError('gpuTaintKey', '""', "name the GPU node taint key, e.g. 'nvidia.com/gpu'");
  return {
    ctx: {
      gpuTaintKey,
      gpuTaintEffect: options.gpuTaintEffect ?? 'NoSchedule',
      allowDaemonSetsOnGpuNodes: options.allowDaemonSetsOnGpuNodes ?? true,
    },
    chartSuppressions,
  };
}

const LEVEL_ORDER: Record<string, number> = { [PolicyLevel.ERROR]: 0, [PolicyLevel.WARNING]: 1 };

/** Runs every rule; returns unsuppressed and suppressed findings in a stable order. */
export function runRules(objects: any[], options?: PolicyCheckOptions): { findings: PolicyFinding[]; suppressed: PolicyFinding[] } {
  const { ctx, chartSuppressions } = resolveOptions(options);
  const objs = (Array.isArray(objects) ? objects : []).filter((o) => o !== null && typeof o === 'object' && !Array.isArray(o));
  const objectReasons = new Map<any, Map<string, string>>(objs.map((o) => [o, parseSuppressions(o).reasons]));
  const findings: PolicyFinding[] = [];
  const suppressed: PolicyFinding[] = [];
  const rules = rulesWithMeta();
  rules.forEach((rule) => {
    for (const raw of rule.check(objs, ctx) as RawFinding[]) {
      const base: PolicyFinding = { ruleId: rule.id, level: rule.level, objectRef: objectRef(raw.object), path: raw.path, message: raw.message, fix: rule.fix };
      const reason = rule.id === META_RULE_ID ? undefined : (objectReasons.get(raw.object)?.get(rule.id) ?? chartSuppressions.get(rule.id));
      if (reason === undefined) findings.push(base);
      else suppressed.push({ ...base, suppressionReason: reason });
    }
  });
  const order = (a: PolicyFinding, b: PolicyFinding): number =>
    LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level]
    || rules.findIndex((r) => r.id === a.ruleId) - rules.findIndex((r) => r.id === b.ruleId)
    || a.objectRef.localeCompare(b.objectRef) || a.path.localeCompare(b.path) || a.message.localeCompare(b.message);
  return { findings: findings.sort(order), suppressed: suppressed.sort(order) };
}
