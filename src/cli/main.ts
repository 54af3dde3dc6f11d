import { PlanningError } from '../errors';
import { parseArgs } from './args';
import { CliCommand, CliResult, UsageError } from './cli-types';
import { COMMANDS } from './commands';

const HELP = (): string => [
  'aidc — plan GPU capacity for training and serving large models on Kubernetes',
  '',
  'Usage: aidc <command> [flags]   (aidc <command> --help for its flags)',
  '',
  'Commands:',
  ...COMMANDS.map((c) => `  ${c.path.join(' ').padEnd(22)} ${c.summary}`),
  '',
].join('\n');

/**
 * Runs the `aidc` command line in-process and returns what it would print.
 * Exit codes: 0 success, 1 infeasible or invalid input (PlanningError), 2 malformed command line.
 * Synchronous commands only; `runCliAsync` runs every command.
 */
export function runCli(argv: string[]): CliResult {
  const out = dispatch(argv);
  if (out instanceof Promise) throw new Error(`aidc ${argv.slice(0, 2).join(' ')} is asynchronous: use runCliAsync`);
  return out;
}

/** Runs any `aidc` command line in-process, awaiting commands that use an asynchronous solver. */
export async function runCliAsync(argv: string[]): Promise<CliResult> {
  return dispatch(argv);
}

function dispatch(argv: string[]): CliResult | Promise<CliResult> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    return { code: argv.length === 0 ? 2 : 0, stdout: argv.length === 0 ? '' : HELP(), stderr: argv.length === 0 ? HELP() : '' };
  }
  const command = findCommand(argv);
  if (!command) {
    const prefix = argv.filter((a) => !a.startsWith('-')).slice(0, 2).join(' ');
    return fail(2, `aidc: unknown command '${prefix}' (run 'aidc --help' for the list)`);
  }
  const rest = argv.slice(command.path.length);
  if (rest.includes('--help') || rest.includes('-h')) {
    return { code: 0, stdout: command.usage.endsWith('\n') ? command.usage : command.usage + '\n', stderr: '' };
  }
  try {
    const out = command.run(parseArgs(command, rest));
    return out instanceof Promise ? out.catch((e: unknown) => failure(command, e)) : out;
  } catch (e) {
    return failure(command, e);
  }
}

/** A PlanningError or UsageError as one line on stderr; anything else is a bug and propagates. */
function failure(command: CliCommand, e: unknown): CliResult {
  if (e instanceof UsageError) return fail(2, `aidc ${command.path.join(' ')}: ${e.message}`);
  if (e instanceof PlanningError) return fail(1, `aidc ${command.path.join(' ')}: ${e.message}`);
  throw e;
}

function findCommand(argv: string[]): CliCommand | undefined {
  return COMMANDS.filter((c) => c.path.every((w, i) => argv[i] === w)).sort((a, b) => b.path.length - a.path.length)[0];
}

function fail(code: number, line: string): CliResult {
  return { code, stdout: '', stderr: line.replace(/\n/g, ' ') + '\n' };
}

/** Entry point used by `bin/aidc`. */
export function main(argv: string[]): void {
  runCliAsync(argv).then((result) => {
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    process.exitCode = result.code;
  }, (e: unknown) => {
    process.stderr.write(`aidc: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exitCode = 70;
  });
}
