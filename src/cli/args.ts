import { PlanningError } from '../errors';
import { CliCommand, ParsedArgs, UsageError } from './cli-types';

/** Parses `argv` (after the command words) against the flags a command declares. */
export function parseArgs(command: CliCommand, argv: string[]): ParsedArgs {
  const flags = new Map<string, string>();
  const switches = new Set<string>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (!word.startsWith('--')) {
      positionals.push(word);
      continue;
    }
    const eq = word.indexOf('=');
    const name = (eq >= 0 ? word.slice(2, eq) : word.slice(2));
    if (command.switchFlags.includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      switches.add(name);
    } else if (command.valueFlags.includes(name)) {
      const value = eq >= 0 ? word.slice(eq + 1) : argv[++i];
      if (value === undefined || (eq < 0 && value.startsWith('--'))) {
        throw new UsageError(`--${name} needs a value (aidc ${command.path.join(' ')} --help)`);
      }
      if (flags.has(name)) throw new UsageError(`--${name} given twice`);
      flags.set(name, value);
    } else {
      throw new UsageError(`unknown flag --${name} for 'aidc ${command.path.join(' ')}' (known: ${[...command.valueFlags, ...command.switchFlags].map((f) => '--' + f).join(' ')})`);
    }
  }
  return { positionals, flags, switches };
}

/** A required string flag. */
export function requireFlag(args: ParsedArgs, name: string): string {
  const v = args.flags.get(name);
  if (v === undefined) throw new UsageError(`--${name} is required`);
  return v;
}

/** An optional number flag, checked to be finite (and an integer when `integer` is set); PlanningError names the flag. */
export function numberFlag(args: ParsedArgs, name: string, opts: { integer?: boolean; positive?: boolean } = {}): number | undefined {
  const raw = args.flags.get(name);
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) {
    throw new PlanningError(`--${name}`, raw, 'must be a number');
  }
  if (opts.integer && !Number.isInteger(v)) {
    throw new PlanningError(`--${name}`, raw, 'must be a whole number');
  }
  if ((opts.positive ?? true) && v <= 0) {
    throw new PlanningError(`--${name}`, raw, 'must be greater than zero');
  }
  return v;
}
