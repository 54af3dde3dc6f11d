/**
 * The shape of a rule: data plus one pure function, in the manner of cdk-nag's rules.
 * Kept out of the jsii surface because `check` is a function.
 */
import { PolicyLevel } from '../policy-types';

/** Settings a rule may read. */
export interface RuleContext {
  /** Taint key on GPU nodes. */
  readonly gpuTaintKey: string;
  /** Effect of the GPU taint. */
  readonly gpuTaintEffect: string;
  /** Whether DaemonSets (node agents) may tolerate the GPU taint without requesting GPUs. */
  readonly allowDaemonSetsOnGpuNodes: boolean;
}

/** One violation found by a rule, before suppressions are applied. */
export interface RawFinding {
  /** The top-level object at fault (its annotations carry suppressions). */
  readonly object: any;
  /** Dotted path of the offending field inside the object ('' for the whole object). */
  readonly path: string;
  readonly message: string;
}

/** A rule: id, level, the text shown to users, and a pure check. */
export interface PolicyRule {
  /** `AIDC-<AREA>-<n>`, stable forever once published. */
  readonly id: string;
  readonly level: PolicyLevel;
  /** One line: what must hold. */
  readonly description: string;
  /** Why it matters (shown in reports and `PolicyChecks.rules()`). */
  readonly explanation: string;
  /** What to change to comply. */
  readonly fix: string;
  check(objects: any[], ctx: RuleContext): RawFinding[];
}

/** Shorthand for a finding. */
export function finding(object: any, path: string, message: string): RawFinding {
  return { object, path, message };
}
