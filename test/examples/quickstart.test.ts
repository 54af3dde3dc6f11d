import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { formatMonokle, runMonokle } from '../harness/monokle';
import { describeWithShared } from '../harness/shared';
import { expectValidObjects } from '../harness/validate';

const root = path.resolve(__dirname, '..', '..');
let run: { status: number | null; stderr: string; objects: any[] };

/** Runs the quickstart as a user would, writing its YAML to a temporary directory. */
beforeAll(() => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'aidc-quickstart-'));
  try {
    const r = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', 'examples/quickstart/main.ts'], {
      cwd: root, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: outdir },
    });
    const file = path.join(outdir, 'platform.k8s.yaml');
    const objects = fs.existsSync(file) ? parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS()).filter((o) => o) : [];
    run = { status: r.status, stderr: r.stderr, objects };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});

describe('the README quickstart (examples/quickstart/main.ts)', () => {
  test('synthesizes a chart (its constructs run the policy pack: any error would fail synthesis)', () => {
    expect(run.stderr.split('\n').filter((l) => /Error/.test(l))).toEqual([]);
    expect(run.status).toBe(0);
    expect(run.objects.map((o) => o.kind)).toEqual(expect.arrayContaining(['JobSet', 'Deployment', 'ScaledObject', 'ClusterQueue', 'PrometheusRule']));
  });
});

describeWithShared('the README quickstart against the real schemas and the independent checker', () => {
  test('every object passes the strict validation harness', () => {
    expect(run.objects.length).toBeGreaterThan(20);
    expectValidObjects(run.objects);
  });

  test('monokle (pod security restricted + practices) reports no errors', async () => {
    const result = await runMonokle(run.objects);
    expect(result.rulesRun).toEqual(expect.arrayContaining(['PSS201', 'PSS206']));
    expect(formatMonokle(result.errors)).toBe('');
  });
});
