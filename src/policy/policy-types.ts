/**
 * The data types of the policy pack's public (jsii) surface: levels, findings, rule
 * descriptions, options and chart-level suppressions.
 */

/** How serious a finding is. */
export enum PolicyLevel {
  /** Fails `app.synth()` when checks run as a chart validation. */
  ERROR = 'error',
  /** Reported (printed to stderr by `PolicyChecks.of`) but never fails synthesis. */
  WARNING = 'warning',
}

/** One rule violation in one object. */
export interface PolicyFinding {
  /** Rule id, e.g. `AIDC-PSS-1`. */
  readonly ruleId: string;
  /** Level of the rule. */
  readonly level: PolicyLevel;
  /** The object at fault, `Kind namespace/name`, e.g. `Deployment team-a/llama-serve`. */
  readonly objectRef: string;
  /** Dotted path of the offending field inside the object ('' for the whole object). */
  readonly path: string;
  /** What is wrong. */
  readonly message: string;
  /** What to change to comply. */
  readonly fix: string;
  /**
   * The reason given when the finding is suppressed.
   * @default - not suppressed
   */
  readonly suppressionReason?: string;
}

/** A rule of the pack, as listed by `PolicyChecks.rules()`. */
export interface PolicyRuleInfo {
  /** Rule id, e.g. `AIDC-PSS-1`. */
  readonly id: string;
  /** Level of its findings. */
  readonly level: PolicyLevel;
  /** What must hold. */
  readonly description: string;
  /** Why it matters. */
  readonly explanation: string;
  /** What to change to comply. */
  readonly fix: string;
}

/** A suppression of one rule for a whole chart (per-object ones use an annotation). */
export interface PolicySuppression {
  /** Rule id to suppress, e.g. `AIDC-HA-2`. */
  readonly ruleId: string;
  /** Why the rule does not apply (required, not empty). */
  readonly reason: string;
}

/** Options of `PolicyChecks.of` and `PolicyChecks.evaluate`. */
export interface PolicyCheckOptions {
  /**
   * Taint key on GPU nodes: GPU pods must tolerate it and other pods must not.
   * @default 'nvidia.com/gpu'
   */
  readonly gpuTaintKey?: string;
  /**
   * Effect of the GPU taint; a toleration with another (non-empty) effect does not tolerate it.
   * @default 'NoSchedule'
   */
  readonly gpuTaintEffect?: string;
  /**
   * Let DaemonSets (node agents such as the DCGM exporter) tolerate the GPU taint without
   * requesting GPUs.
   * @default true
   */
  readonly allowDaemonSetsOnGpuNodes?: boolean;
  /**
   * Rules to skip for every object, each with a reason.
   * @default - none
   */
  readonly suppressions?: PolicySuppression[];
  /**
   * Treat warnings as errors (`PolicyChecks.of` then fails synthesis on warnings too).
   * @default false
   */
  readonly failOnWarnings?: boolean;
  /**
   * Print warnings to stderr when the chart is validated (`PolicyChecks.of` only).
   * @default true
   */
  readonly printWarnings?: boolean;
}
