import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../../src/cli/main';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aidc-place-'));
const file = (name: string, body: unknown): string => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, typeof body === 'string' ? body : JSON.stringify(body));
  return f;
};
const workloads = file('w.json', {
  workloads: [
    { name: 'train', podCount: 2, gpusPerPod: 8, cpuMilliPerPod: 64000, memoryBytesPerPod: 512 * 2 ** 30, gang: true, topology: 'RACK' },
    { name: 'serve', podCount: 1, gpusPerPod: 2, cpuMilliPerPod: 16000, memoryBytesPerPod: 64 * 2 ** 30, minReplicas: 1, maxReplicas: 4 },
  ],
  headroomFraction: 0,
});

describe('aidc place', () => {
  test('prints the pool size at min and max and the per-node table', () => {
    const r = runCli(['place', '--workloads', workloads, '--node-shape', 'p5.48xlarge']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/nodes packed\s+3\s+3/);
    expect(r.stdout).toContain('train/0/0');
  });

  test('--json prints one object with min/max nodes and the nodes', () => {
    const r = runCli(['place', '--workloads', workloads, '--node-shape', 'p5.48xlarge', '--json']);
    const j = JSON.parse(r.stdout);
    expect(j.minNodes).toBe(3);
    expect(j.maxNodes).toBe(3);
    expect(j.gpusRequestedAtMax).toBe(24);
    expect(j.nodes).toHaveLength(3);
  });

  test('--svg writes the picture', () => {
    const svg = path.join(dir, 'pool.svg');
    expect(runCli(['place', '--workloads', workloads, '--node-shape', 'p5.48xlarge', '--svg', svg]).code).toBe(0);
    expect(fs.readFileSync(svg, 'utf8')).toMatch(/^<svg /);
  });

  test.each([
    ['an unknown node shape', ['--node-shape', 'p5.48xlarg'], /did you mean/],
    ['too few nodes', ['--node-shape', 'p5.48xlarge', '--max-nodes', '2'], /short by 1 nodes/],
    ['a bad topology', ['--node-shape', 'p5.48xlarge', '--workloads', file('t.json', [{ name: 'x', podCount: 1, gpusPerPod: 1, cpuMilliPerPod: 1, memoryBytesPerPod: 1, topology: 'ZONE' }])], /topology/],
    ['invalid JSON', ['--node-shape', 'p5.48xlarge', '--workloads', file('bad.json', '{')], /not valid JSON/],
  ])('%s exits 1 with one line on stderr', (_, extra, message) => {
    const args = ['place', ...(extra.includes('--workloads') ? [] : ['--workloads', workloads]), ...extra];
    const r = runCli(args);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  test('a missing --workloads is a usage error', () => {
    expect(runCli(['place', '--node-shape', 'p5.48xlarge']).code).toBe(2);
  });
});
