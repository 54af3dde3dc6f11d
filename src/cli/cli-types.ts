/** What a command writes; the CLI entry point turns it into process output and an exit code. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Parsed command-line flags: `--name value` pairs, bare `--flag` switches, and positional words. */
export interface ParsedArgs {
  readonly positionals: string[];
  readonly flags: Map<string, string>;
  readonly switches: Set<string>;
}

/** A leaf command such as `aidc plan training`. */
export interface CliCommand {
  /** Words that select it, e.g. `['plan', 'training']`. */
  readonly path: string[];
  /** One-line summary for `aidc --help`. */
  readonly summary: string;
  /** Usage text shown by `aidc <path> --help`. */
  readonly usage: string;
  /** Flags that take a value. */
  readonly valueFlags: string[];
  /** Flags that take no value. */
  readonly switchFlags: string[];
  /**
   * Runs the command; throw (or reject with) a PlanningError or UsageError for bad input. Commands that
   * need an asynchronous solver (HiGHS) return a promise; `runCliAsync` awaits it.
   */
  run(args: ParsedArgs): CliResult | Promise<CliResult>;
}

/** Thrown for malformed command lines; printed as one line on stderr with exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    Object.setPrototypeOf(this, UsageError.prototype);
    this.name = 'UsageError';
  }
}
