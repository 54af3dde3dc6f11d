/**
 * The result of running the policy pack over a set of objects.
 */
import { PolicyFinding, PolicyLevel } from './policy-types';

/** Findings of one run of the pack: the active ones and the suppressed ones (kept for audit). */
export class PolicyReport {
  /** One line per finding: `error AIDC-PSS-1 Deployment ns/x spec.template...: message. Fix: ...`. */
  public static formatFinding(f: PolicyFinding): string {
    const where = f.path ? ` ${f.path}` : '';
    const suppressed = f.suppressionReason !== undefined ? ` [suppressed: ${f.suppressionReason}]` : '';
    return `${f.level} ${f.ruleId} ${f.objectRef}${where}: ${f.message}. Fix: ${f.fix}${suppressed}`;
  }

  /** Findings not suppressed, errors first, in a stable order. */
  public readonly findings: PolicyFinding[];
  /** Findings silenced by a suppression, each with its reason. */
  public readonly suppressed: PolicyFinding[];

  constructor(findings: PolicyFinding[], suppressed: PolicyFinding[]) {
    this.findings = [...findings];
    this.suppressed = [...suppressed];
  }

  /** Unsuppressed findings of level ERROR. */
  public get errors(): PolicyFinding[] {
    return this.findings.filter((f) => f.level === PolicyLevel.ERROR);
  }

  /** Unsuppressed findings of level WARNING. */
  public get warnings(): PolicyFinding[] {
    return this.findings.filter((f) => f.level === PolicyLevel.WARNING);
  }

  /** True when at least one unsuppressed error was found. */
  public get hasErrors(): boolean {
    return this.errors.length > 0;
  }

  /** Human-readable report: one line per finding, suppressed ones last; `no findings` when clean. */
  public format(): string {
    const lines = [...this.findings, ...this.suppressed].map((f) => PolicyReport.formatFinding(f));
    return lines.length === 0 ? 'no findings' : lines.join('\n');
  }

  /** The report as plain JSON (`{ errors, warnings, suppressed }` counts and the findings). */
  public toJson(): any {
    return {
      errors: this.errors.length,
      warnings: this.warnings.length,
      suppressed: this.suppressed.length,
      findings: this.findings.map((f) => ({ ...f })),
      suppressedFindings: this.suppressed.map((f) => ({ ...f })),
    };
  }
}
