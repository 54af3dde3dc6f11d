// Runs @monokle/validation (ESM) offline on the objects in a YAML/JSON file and prints JSON results.
// Usage: node test/policy/monokle-runner.mjs <objects.yaml>
// Only the `pod-security-standards` (restricted rules PSS201-206 turned on) and `practices`
// plugins are loaded: the OPA and kubernetes-schema plugins need the network (VALIDATION.md).
import { readFileSync } from 'node:fs';
import { MonokleValidator, ResourceParser, SchemaLoader, DisabledFixer, AnnotationSuppressor } from '@monokle/validation';
import { RemotePluginLoader } from '@monokle/validation';
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
  suppressors: [new AnnotationSuppressor()],
  fixer: new DisabledFixer(),
});
const config = {
  plugins: { 'pod-security-standards': true, practices: true },
  rules: {
    'pod-security-standards/volume-types': 'err',
    'pod-security-standards/privilege-escalation': 'err',
    'pod-security-standards/running-as-non-root': 'err',
    'pod-security-standards/running-as-non-root-user': 'err',
    'pod-security-standards/seccomp-strict': 'err',
    'pod-security-standards/capabilities-strict': 'err',
    'practices/cpu-request': 'err',
    'practices/memory-request': 'err',
    'practices/memory-limit': 'err',
    'practices/image-tagged': 'err',
  },
};
await validator.preload(config);
const response = await validator.validate({ resources });
const out = { errors: [], warnings: [] };
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
