import { spawnSync } from 'child_process';
import * as path from 'path';
import { runCli } from '../../src/cli/main';

describe('aidc', () => {
  test('--help lists every command and exits 0', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: aidc <command>/);
    for (const c of ['catalog gpus', 'catalog models', 'catalog node-shapes']) expect(r.stdout).toContain(c);
  });

  test('no arguments prints the help on stderr and exits 2', () => {
    const r = runCli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Usage/);
  });

  test.each([
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['catalog', 'cpus'], /unknown command 'catalog cpus'/],
    [['catalog', 'gpus', '--colour'], /unknown flag --colour/],
  ])('%j fails with one clear line on stderr', (argv, message) => {
    const r = runCli(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  test('a command --help prints its usage', () => {
    const r = runCli(['catalog', 'gpus', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/aidc catalog gpus/);
  });
});

describe('bin/aidc', () => {
  test('runs from the repo root and exits non-zero on an unknown command', () => {
    const root = path.resolve(__dirname, '..', '..');
    const ok = spawnSync(process.execPath, ['bin/aidc', '--help'], { cwd: root, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/Usage: aidc/);
    const bad = spawnSync(process.execPath, ['bin/aidc', 'nope'], { cwd: root, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown command 'nope'/);
  });
});
