// Runs @monokle/validation (ESM) offline on the objects in a YAML/JSON file and prints JSON results.
// Usage: node test/harness/monokle-runner.mjs <objects.yaml>
// Only the `pod-security-standards` (restricted rules PSS201-206 turned on) and `practices`
// plugins are loaded: the OPA and kubernetes-schema plugins need the network (VALIDATION.md).
import { readFileSync } from 'node:fs';
import { DisabledFixer, MonokleValidator, RemotePluginLoader, ResourceParser, SchemaLoader } from '@monokle/validation';
import { parseAllDocuments, stringify } from 'yaml';

const file = process.argv[2];
const docs = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS()).flat().filter(Boolean);
const resources = docs.map((content, i) => ({
  id: `r${i}`,
  fileId: `f${i}`,
  filePath: `objects/${i}.yaml`,
  fileOffset: 0,
  name: content?.metadata?.name ?? `object-${i}`,
  apiVersion: content.apiVersion,
  kind: content.kind,
  namespace: content?.metadata?.namespace,
  content,
  text: stringify(content),
}));

const validator = new MonokleValidator({
  loader: new RemotePluginLoader(),
  parser: new ResourceParser(),
  schemaLoader: new SchemaLoader(),
  // No suppressors: an independent check must not honour monokle suppression annotations.
  suppressors: [],
  fixer: new DisabledFixer(),
});
// Every Pod Security Standards rule is an error (baseline PSS1xx and restricted PSS201-206,
// which are off by default); the resource practices the policy pack also enforces are errors;
// the remaining practices (read-only root fs, uid > 10000, ...) stay warnings.
const PSS = ['host-process', 'host-namespaces', 'privileged-containers', 'capabilities', 'host-path-volumes', 'host-ports',
  'app-armor', 'selinux', 'proc-mount', 'seccomp', 'sysctls', 'volume-types', 'privilege-escalation', 'running-as-non-root',
  'running-as-non-root-user', 'seccomp-strict', 'capabilities-strict'];
const PRACTICE_ERRORS = ['no-latest-image', 'cpu-request', 'memory-request', 'memory-limit', 'no-sys-admin',
  'no-mounted-docker-sock', 'drop-capabilities', 'image-tagged'];
const config = {
  plugins: { 'pod-security-standards': true, practices: true },
  rules: Object.fromEntries([
    ...PSS.map((r) => [`pod-security-standards/${r}`, 'err']),
    ...PRACTICE_ERRORS.map((r) => [`practices/${r}`, 'err']),
  ]),
};
await validator.preload(config);
const response = await validator.validate({ resources });
// Rules that actually ran, from the validator's own metadata (proves PSS201-206 are on).
const enabled = Object.values(validator.rules ?? {}).flat()
  .filter((r) => r?.configuration?.enabled).map((r) => r.id);
const out = { errors: [], warnings: [], rulesRun: [...new Set(enabled)].sort(), resources: resources.length };
for (const run of response.runs) {
  for (const r of run.results) {
    const logical = r.locations?.[1]?.logicalLocations ?? [];
    const resource = resources.find((x) => x.id === r.locations?.[1]?.physicalLocation?.artifactLocation?.uri);
    const item = {
      ruleId: r.ruleId,
      object: resource ? `${resource.kind} ${resource.namespace ? resource.namespace + '/' : ''}${resource.name}` : logical[0]?.fullyQualifiedName,
      path: logical[1]?.fullyQualifiedName ?? '',
      message: r.message?.text ?? '',
    };
    (r.level === 'error' ? out.errors : out.warnings).push(item);
  }
}
process.stdout.write(JSON.stringify(out, null, 1));
