/**
 * Wrapper around `promtool` (Debian's `prometheus` package; .ci/run installs it):
 * `check rules` for rule files and `test rules` for unit tests of alerts.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';

/** Result of one promtool run. */
export interface PromtoolResult {
  readonly ok: boolean;
  readonly output: string;
}

/** True when promtool is on PATH. */
export const HAS_PROMTOOL = spawnSync('promtool', ['--version']).status === 0;

function run(args: string[], cwd: string): PromtoolResult {
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** `promtool check rules` over `{groups: [...]}` (a PrometheusRule's spec). */
export function checkRules(ruleFile: any): PromtoolResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promtool-'));
  fs.writeFileSync(path.join(dir, 'rules.yaml'), stringify(ruleFile));
  try {
    return run(['check', 'rules', 'rules.yaml'], dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `promtool test rules` with `tests` (promtool's test-file `tests:` list) against `ruleFile`. */
export function testRules(ruleFile: any, tests: any[], evaluationInterval = '1m'): PromtoolResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promtool-'));
  fs.writeFileSync(path.join(dir, 'rules.yaml'), stringify(ruleFile));
  fs.writeFileSync(path.join(dir, 'tests.yaml'), stringify({ rule_files: ['rules.yaml'], evaluation_interval: evaluationInterval, tests }));
  try {
    return run(['test', 'rules', 'tests.yaml'], dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
