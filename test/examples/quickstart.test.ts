import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');

test('the README quickstart (examples/quickstart/main.ts) synthesizes a chart', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'aidc-quickstart-'));
  try {
    const r = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', 'examples/quickstart/main.ts'], {
      cwd: root, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: outdir },
    });
    expect(r.stderr.split('\n').filter((l) => /Error/.test(l))).toEqual([]);
    expect(r.status).toBe(0);
    const yaml = fs.readFileSync(path.join(outdir, 'platform.k8s.yaml'), 'utf8');
    expect(yaml).toMatch(/kind: JobSet/);
    expect(yaml).toMatch(/kind: ScaledObject/);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});
