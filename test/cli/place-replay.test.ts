import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { runCli } from '../../src/cli/main';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aidc-replay-'));
const file = (name: string, body: string): string => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, body);
  return f;
};
const nodes = file('nodes.csv', [
  'sn,cpu_milli,memory_mib,gpu,model',
  ...Array.from({ length: 6 }, (_, i) => `n${i},64000,262144,8,${i < 4 ? 'A100' : 'T4'}`),
  'cpu0,32000,65536,0,',
].join('\n'));
const podRows = [
  'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec',
  ...Array.from({ length: 30 }, (_, i) => `p${i},${4000 + (i % 5) * 2000},16384,1,${[1000, 500, 250, 810, 1000][i % 5]},`),
  ...Array.from({ length: 4 }, (_, i) => `big${i},32000,131072,4,1000,A100`),
  ...Array.from({ length: 6 }, (_, i) => `t4-${i},8000,16384,1,1000,T4`),
  'cpuonly,16000,32768,0,0,',
];
const pods = file('pods.csv', podRows.join('\n'));
const run = (...extra: string[]) => runCli(['place', 'replay', '--nodes', nodes, '--pods', pods, ...extra]);

describe('aidc place replay', () => {
  test('compares the four policies at 100% and 130% arrival', () => {
    const r = run();
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('7 nodes, 48 GPUs; 41 pods listed');
    for (const p of ['aidc', 'fgd', 'bestfit', 'packing']) expect(r.stdout).toMatch(new RegExp(`^${p}\\s+\\d+\\.\\d\\d\\s+\\d+\\.\\d\\d\\s+\\d+/\\d+`, 'm'));
  });

  test('--json gives finite percentages between 0 and 100, and the same seed gives the same result', () => {
    const a = JSON.parse(run('--json', '--seed', '7').stdout);
    const b = JSON.parse(run('--json', '--seed', '7').stdout);
    expect(a.arrivedPct[0]).toBe(100);
    expect(a.arrivedPct[1]).toBeGreaterThan(120);
    expect(a.arrivedPct[1]).toBeLessThanOrEqual(140); // the artifact's inflation checks a clone's per-GPU milli only
    for (const r of a.results) {
      for (const v of Object.values(r.unallocatedGpuPct) as number[]) { expect(Number.isFinite(v)).toBe(true); expect(v).toBeGreaterThanOrEqual(0); expect(v).toBeLessThanOrEqual(100); }
      expect(r.placed).toBeLessThanOrEqual(r.pods);
    }
    const strip = (x: any) => x.results.map((r: any) => ({ ...r, seconds: 0 }));
    expect(strip(a)).toEqual(strip(b));
  });

  test('one policy, custom inflation and arrival levels', () => {
    const j = JSON.parse(run('--policy', 'bestfit', '--inflate', '2', '--arrived', '50,100,180', '--json').stdout);
    expect(j.results.map((r: any) => r.policy)).toEqual(['bestfit']);
    expect(Object.keys(j.results[0].unallocatedGpuPct)).toEqual(['50', '100', '180']);
  });

  test.each([
    [['--policy', 'kube'], /--policy=kube: must be one of aidc, fgd, bestfit, packing, all/],
    [['--arrived', '140'], /--arrived=140: each value must be a whole percentage from 1 to 1[23][0-9] \(the GPU requests of this replay reach/],
    [['--inflate', '0'], /--inflate/],
    [['--seed', '1.5'], /--seed/],
  ])('bad flags %j fail with one line naming the flag', (extra, message) => {
    const r = run(...(extra as string[]));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test.each([
    ['nodes', 'host,cpu,mem,gpu,model\nn0,1,1,1,A100', /--nodes header=host,cpu,mem,gpu,model: expected the columns sn,cpu_milli,memory_mib,gpu,model/],
    ['nodes', 'sn,cpu_milli,memory_mib,gpu,model\nn0,lots,1024,8,A100', /--nodes line 2 cpu_milli=lots: must be a whole number ≥ 0/],
    ['nodes', 'sn,cpu_milli,memory_mib,gpu,model\nn0,1000,1024,8,', /--nodes line 2 model=\(empty\): a node with GPUs needs its GPU model/],
    ['nodes', 'sn,cpu_milli,memory_mib,gpu,model\nn0,1000,1024,0,', /the cluster has no GPUs/],
    ['pods', 'name,cpu_milli,memory_mib,num_gpu,gpu_milli\np0,1000,1024,1,1500', /--pods line 2 gpu_milli=1500: a GPU pod needs 1–1000 milli-GPU/],
    ['pods', 'name,cpu_milli,memory_mib,num_gpu,gpu_milli\np0,1000,1024,2,500', /--pods line 2 gpu_milli=500: a pod with 2 GPUs takes them whole/],
    ['pods', 'name,cpu_milli,memory_mib,num_gpu,gpu_milli\np0,-5,1024,1,1000', /--pods line 2 cpu_milli=-5/],
    ['pods', 'name,cpu_milli,memory_mib,num_gpu,gpu_milli\np0,1000,1024,0,0', /no pod requests a GPU/],
  ])('a bad %s file fails with the line and column at fault', (which, body, message) => {
    const bad = file(`bad-${which}.csv`, body);
    const r = runCli(['place', 'replay', '--nodes', which === 'nodes' ? bad : nodes, '--pods', which === 'pods' ? bad : pods]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
  });

  test('a missing file or flag fails cleanly', () => {
    expect(runCli(['place', 'replay', '--nodes', path.join(dir, 'nope.csv'), '--pods', pods]).stderr).toMatch(/--nodes=.*nope.csv: cannot read the file/);
    expect(runCli(['place', 'replay', '--nodes', nodes]).code).toBe(2);
  });

  test('random clusters and pod lists give finite numbers in range or one clear error line (property)', () => {
    const node = fc.record({ cpu: fc.integer({ min: 0, max: 128 }), mem: fc.integer({ min: 0, max: 1024 }), gpu: fc.integer({ min: 0, max: 8 }), model: fc.constantFrom('A', 'B', '') });
    const pod = fc.record({ cpu: fc.integer({ min: 0, max: 64 }), mem: fc.integer({ min: 0, max: 512 }), gpus: fc.integer({ min: 0, max: 8 }), milli: fc.integer({ min: 0, max: 1200 }), spec: fc.constantFrom('', 'A', 'B', 'A|B') });
    fc.assert(fc.property(fc.array(node, { minLength: 1, maxLength: 6 }), fc.array(pod, { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 99 }), (ns, ps, seed) => {
      const nf = file('prop-nodes.csv', ['sn,cpu_milli,memory_mib,gpu,model', ...ns.map((n, i) => `n${i},${n.cpu * 1000},${n.mem * 1024},${n.gpu},${n.model}`)].join('\n'));
      const pf = file('prop-pods.csv', ['name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec', ...ps.map((p, i) => `p${i},${p.cpu * 1000},${p.mem * 1024},${p.gpus},${p.milli},${p.spec}`)].join('\n'));
      const r = runCli(['place', 'replay', '--nodes', nf, '--pods', pf, '--seed', String(seed), '--json']);
      if (r.code === 0) {
        const j = JSON.parse(r.stdout);
        for (const x of j.results) {
          for (const v of Object.values(x.unallocatedGpuPct) as number[]) {
            expect(Number.isFinite(v)).toBe(true);
            expect(v).toBeGreaterThanOrEqual(-1e-9);
            expect(v).toBeLessThanOrEqual(100 + 1e-9);
          }
        }
        expect(r.stdout).not.toMatch(/NaN|Infinity|undefined/);
      } else {
        expect(r.code).toBe(1);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).toMatch(/^aidc place replay: --(nodes|pods|arrived)/);
      }
    }), { numRuns: 150, seed: 21 });
  });
});
