import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { runCli, runCliAsync } from '../../src/cli/main';
import { NodeShape } from '../../src/planning/catalog';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aidc-offline-'));
const file = (name: string, body: string): string => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, body);
  return f;
};
const HEADER = 'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec';
// six single-GPU pods that exactly fill a g5.xlarge each (4 vCPU, 16 GiB, one A10G)
const six = file('six.csv', [HEADER, ...Array.from({ length: 6 }, (_, i) => `p${i},4000,16384,1,1000,`)].join('\n'));
const offline = (...args: string[]) => runCliAsync(['place', 'offline', ...args]);

describe('aidc place offline', () => {
  test('minimising nodes puts six GPU pods on one 8-GPU g5.48xlarge, and the bound proves it optimal', async () => {
    const r = await offline('--pods', six, '--node-shape', 'g5.xlarge,g5.48xlarge', '--budget-seconds', '2', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.shapes).toEqual([{ shape: 'g5.48xlarge', nodes: 1, gpus: 8 }]);
    expect(j.lowerBound).toBe(1);
    expect(j.gapPct).toBe(0);
  });

  test('minimising cost at the catalog prices picks six g5.xlarge (about $1.01/h each) over one g5.48xlarge ($16.29/h)', async () => {
    const r = await offline('--pods', six, '--node-shape', 'g5.xlarge,g5.48xlarge', '--minimise', 'cost', '--budget-seconds', '2', '--json');
    const j = JSON.parse(r.stdout);
    expect(j.shapes.map((s: any) => [s.shape, s.nodes])).toEqual([['g5.xlarge', 6]]);
    expect(j.usdPerHour).toBeCloseTo(6 * NodeShape.of('g5.xlarge').onDemandUsdPerHour!, 9);
    expect(j.lowerBound).toBeLessThanOrEqual(j.usdPerHour + 1e-9);
    expect(r.stdout).not.toMatch(/NaN|Infinity|null/);
  });

  test('GPU-model constraints use catalog GPU ids, and the readable output names the bound and the gap', async () => {
    const pods = file('mixed.csv', [HEADER, 'a,8000,32768,4,1000,a10g-24gb', 'b,2000,8192,1,500,l40s-48gb', 'c,2000,8192,1,500,l40s-48gb', 'd,2000,4096,0,0,'].join('\n'));
    const r = await offline('--pods', pods, '--node-shape', 'g5.12xlarge,g6e.xlarge', '--budget-seconds', '2');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^g5\.12xlarge\s+1\s+4/m);
    expect(r.stdout).toMatch(/^g6e\.xlarge\s+1\s+1/m);
    expect(r.stdout).toMatch(/lower bound\s+2 nodes/);
    expect(r.stdout).toMatch(/gap\s+0\.00% \(optimal\)/);
  });

  test.each([
    [['--node-shape', 'g5.xlarge'], 'big.csv', /--pods line 2 \(huge\)=.*no node shape can host it \(the largest, g5\.xlarge, has 1 GPUs/],
    [['--node-shape', 'p5e.48xlarge', '--minimise', 'cost'], 'six.csv', /--node-shape=p5e\.48xlarge: has no published on-demand price/],
    [['--node-shape', 'g5.xlarge', '--nodes', 'x.csv'], 'six.csv', /--node-shape\/--nodes=g5\.xlarge: give exactly one/],
    [['--node-shape', 'g5.xlarge', '--minimise', 'money'], 'six.csv', /--minimise=money: must be nodes or cost/],
    [['--node-shape', 'g5.xlargee'], 'six.csv', /nodeShape=g5\.xlargee: unknown node shape; did you mean 'g5\.xlarge'/],
  ])('bad input %j fails with one line naming the field', async (extra, podsName, message) => {
    file('big.csv', [HEADER, 'huge,1000,1024,2,1000,'].join('\n'));
    const r = await offline('--pods', path.join(dir, podsName as string), ...(extra as string[]));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('the synchronous runCli refuses it with a pointer to runCliAsync', () => {
    expect(() => runCli(['place', 'offline', '--pods', six, '--node-shape', 'g5.xlarge'])).toThrow(/runCliAsync/);
  });

  test('random pod lists give a packing with a bound no larger than it and finite numbers, or one clear error line (property)', async () => {
    const pod = fc.record({ cpu: fc.integer({ min: 0, max: 64 }), mem: fc.integer({ min: 0, max: 256 }), gpus: fc.integer({ min: 0, max: 4 }), milli: fc.integer({ min: 1, max: 1000 }), spec: fc.constantFrom('', 'a10g-24gb', 'l40s-48gb') });
    let packed = 0;
    await fc.assert(fc.asyncProperty(fc.array(pod, { minLength: 1, maxLength: 10 }), fc.constantFrom('nodes', 'cost'), async (ps, minimise) => {
      const body = [HEADER, ...ps.map((p, i) => `p${i},${p.cpu * 1000},${p.mem * 1024},${p.gpus},${p.gpus > 1 ? 1000 : p.milli},${p.spec}`)].join('\n');
      const r = await offline('--pods', file('prop.csv', body), '--node-shape', 'g5.12xlarge,g6e.48xlarge', '--minimise', minimise, '--budget-seconds', '0.5', '--json');
      if (r.code === 0) {
        expect(r.stdout).not.toMatch(/NaN|Infinity|null/);
        const j = JSON.parse(r.stdout);
        const total = minimise === 'cost' ? j.usdPerHour : j.nodes;
        expect(j.lowerBound).toBeLessThanOrEqual(total + 1e-9);
        expect(j.gapPct).toBeGreaterThanOrEqual(-1e-9);
        packed++;
      } else {
        expect(r.code).toBe(1);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).toMatch(/^aidc place offline: --pods/);
      }
    }), { numRuns: 25, seed: 17 });
    expect(packed).toBeGreaterThanOrEqual(15); // most random lists are placeable: the property is not vacuous
  }, 120000);
});
