import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../../src/cli/main';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aidc-forecast-'));
const file = path.join(dir, 'history.csv');
const lines = ['series,timestamp,value'];
for (const id of ['chat', 'code']) {
  for (let h = 0; h < 14 * 24; h++) {
    lines.push(`${id},${new Date(Date.UTC(2024, 0, 1) + h * 3_600_000).toISOString()},${(100 + 40 * Math.sin((2 * Math.PI * h) / 24)).toFixed(2)}`);
  }
}
fs.writeFileSync(file, lines.join('\n'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('aidc forecast', () => {
  test('--json prints one forecast per series with ISO timestamps and upper ≥ values', () => {
    const r = runCli(['forecast', '--history', file, '--horizon-hours', '24', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.forecasts.map((f: any) => f.series)).toEqual(['chat', 'code']);
    const f = out.forecasts[0];
    expect(f.timestamps).toHaveLength(24);
    expect(f.timestamps[0]).toBe('2024-01-15T00:00:00.000Z');
    expect(f.values.every((v: number, i: number) => Number.isFinite(v) && f.upper[i] >= v)).toBe(true);
    expect(f.values[6]).toBeCloseTo(140, 0);
  });

  test('without --json it prints a table and the explanation', () => {
    const r = runCli(['forecast', '--history', file, '--horizon-hours', '3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Series chat/);
    expect(r.stdout).toMatch(/backtest origins = 3/);
  });

  test.each([
    ['a missing file', ['--history', path.join(dir, 'nope.csv'), '--horizon-hours', '3'], 1, /--history/],
    ['a missing horizon', ['--history', file], 2, /--horizon-hours is required/],
    ['a fractional horizon', ['--history', file, '--horizon-hours', '2.5'], 1, /whole number/],
  ])('%s exits non-zero with one stderr line', (_name, flags, code, message) => {
    const r = runCli(['forecast', ...(flags as string[])]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
