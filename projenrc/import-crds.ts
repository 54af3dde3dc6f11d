/**
 * Regenerates the typed CRD classes in src/k8s/imports from ../shared/schemas/crds
 * (`npx projen import-crds`). `cdk8s import` overwrites the output file of an API
 * group on every call, so the CRD files of one group are concatenated first
 * (../shared/VALIDATION.md).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const repoRoot = path.resolve(__dirname, '..');
const crdRoot = path.resolve(repoRoot, '..', 'shared', 'schemas', 'crds');
const outDir = path.join(repoRoot, 'src', 'k8s', 'imports');

/** The CRDs the library emits, by API group (import name → files under crds/). */
const GROUPS: Record<string, string[]> = {
  'kueue.x-k8s.io': [
    'kueue/kueue.x-k8s.io_clusterqueues.yaml',
    'kueue/kueue.x-k8s.io_cohorts.yaml',
    'kueue/kueue.x-k8s.io_localqueues.yaml',
    'kueue/kueue.x-k8s.io_resourceflavors.yaml',
    'kueue/kueue.x-k8s.io_topologies.yaml',
    'kueue/kueue.x-k8s.io_workloadpriorityclasses.yaml',
  ],
  'jobset.x-k8s.io': ['jobset/jobset.x-k8s.io_jobsets.yaml'],
  'leaderworkerset.x-k8s.io': ['lws/leaderworkerset.x-k8s.io_leaderworkersets.yaml'],
  'keda.sh': ['keda/keda.sh_scaledobjects.yaml', 'keda/keda.sh_triggerauthentications.yaml'],
  'monitoring.coreos.com': [
    'prometheus-operator/monitoring.coreos.com_podmonitors.yaml',
    'prometheus-operator/monitoring.coreos.com_prometheusrules.yaml',
    'prometheus-operator/monitoring.coreos.com_servicemonitors.yaml',
  ],
};

if (!fs.existsSync(crdRoot)) {
  console.error(`!!! ${crdRoot} is missing: cannot regenerate src/k8s/imports (the committed classes stay as they are)`);
  process.exit(1);
}
fs.mkdirSync(outDir, { recursive: true });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aidc-crds-'));
for (const [group, files] of Object.entries(GROUPS)) {
  const bundle = path.join(tmp, `${group}.yaml`);
  fs.writeFileSync(bundle, files.map((f) => fs.readFileSync(path.join(crdRoot, f), 'utf8').replace(/^---\n/, '')).join('\n---\n'));
  execFileSync('npx', ['cdk8s', 'import', `${group}:=${bundle}`, '--language', 'typescript', '--output', outDir], { stdio: 'inherit', cwd: repoRoot });
}
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`imported ${Object.keys(GROUPS).length} API groups into ${path.relative(repoRoot, outDir)}`);
