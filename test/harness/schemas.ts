/**
 * Strict JSON-schema validation of Kubernetes objects:
 * - core kinds against the Kubernetes 1.28 OpenAPI document (../shared/schemas/kubernetes/swagger-1.28.json),
 * - custom resources against their CRD's openAPIV3Schema (../shared/schemas/crds/**),
 * both with `additionalProperties: false` injected so unknown (misspelled) fields are rejected,
 * except under `x-kubernetes-preserve-unknown-fields` (../shared/VALIDATION.md).
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parseAllDocuments } from 'yaml';
import { sharedPath } from './shared';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { RE2 } = require('re2-wasm');

/** `RE2` as ajv's regExp engine: Kueue's patterns use the Go/RE2 inline flag `(?i)`. */
function re2Engine(pattern: string, flags: string): any {
  return new RE2(pattern, flags.includes('u') ? flags : flags + 'u');
}
re2Engine.code = 're2Engine';

const K8S_ID = 'k8s-1.28';
const OBJECT_META = `${K8S_ID}#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`;

/** Quantity as the apiserver accepts it (resource.ParseQuantity): a number or `<number><suffix>`. */
const QUANTITY = {
  anyOf: [
    { type: 'number' },
    { type: 'string', pattern: '^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?[0-9]+))?$' },
  ],
};
const INT_OR_STRING = { anyOf: [{ type: 'integer' }, { type: 'string' }] };

/** Adds `additionalProperties: false` to every object schema with declared properties, recursively. */
function strictify(schema: any): any {
  if (Array.isArray(schema)) return schema.map(strictify);
  if (!schema || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const [k, v] of Object.entries(schema)) {
    out[k] = k === 'properties' || k === 'definitions' || k === 'patternProperties'
      ? Object.fromEntries(Object.entries(v as any).map(([pk, pv]) => [pk, strictify(pv)]))
      : strictify(v);
  }
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

function swaggerSchema(): any {
  const doc = JSON.parse(fs.readFileSync(sharedPath('schemas', 'kubernetes', 'swagger-1.28.json'), 'utf8'));
  const defs = doc.definitions;
  defs['io.k8s.apimachinery.pkg.util.intstr.IntOrString'] = INT_OR_STRING;
  defs['io.k8s.apimachinery.pkg.api.resource.Quantity'] = QUANTITY;
  // RawExtension / JSON carry arbitrary content.
  defs['io.k8s.apimachinery.pkg.runtime.RawExtension'] = {};
  defs['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON'] = {};
  return { $id: K8S_ID, definitions: strictify(defs) };
}

/** Replaces the refs of swagger ("#/definitions/x") with absolute ones into the k8s schema id. */
function absolutiseRefs(schema: any): any {
  return JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\/definitions\//g, `"$ref":"${K8S_ID}#/definitions/`));
}

interface Registry {
  readonly ajv: Ajv;
  /** "apiVersion/kind" → schema ref for core kinds. */
  readonly core: Map<string, string>;
  /** "apiVersion/kind" → compiled CRD schema. */
  readonly crds: Map<string, any>;
  readonly compiled: Map<string, ValidateFunction>;
}

let registry: Registry | undefined;

function load(): Registry {
  if (registry) return registry;
  const ajv = new Ajv({ strict: false, allErrors: true, code: { regExp: re2Engine as any } });
  addFormats(ajv);
  for (const f of ['int32', 'int64', 'double', 'float', 'byte', 'int-or-string', 'quantity']) ajv.addFormat(f, true);
  const swagger = absolutiseRefs(swaggerSchema());
  ajv.addSchema(swagger);
  const core = new Map<string, string>();
  for (const [name, def] of Object.entries<any>(swagger.definitions)) {
    for (const gvk of def['x-kubernetes-group-version-kind'] ?? []) {
      const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
      core.set(`${apiVersion}/${gvk.kind}`, `${K8S_ID}#/definitions/${name}`);
    }
  }
  const crds = new Map<string, any>();
  const crdRoot = sharedPath('schemas', 'crds');
  for (const group of fs.readdirSync(crdRoot)) {
    for (const file of fs.readdirSync(path.join(crdRoot, group))) {
      for (const doc of parseAllDocuments(fs.readFileSync(path.join(crdRoot, group, file), 'utf8'))) {
        const crd = doc.toJS();
        if (!crd?.spec?.versions) continue;
        for (const v of crd.spec.versions) {
          const schema = strictify(v.schema.openAPIV3Schema);
          // CRD schemas leave metadata open; hold it to ObjectMeta like the apiserver does.
          schema.properties.metadata = { $ref: OBJECT_META };
          crds.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, schema);
        }
      }
    }
  }
  registry = { ajv, core, crds, compiled: new Map() };
  return registry;
}

/** Kinds this harness can validate strictly, as `apiVersion/kind`. */
export function knownKinds(): string[] {
  const r = load();
  return [...r.core.keys(), ...r.crds.keys()];
}

/** True when `apiVersion/kind` is a custom resource with a CRD schema. */
export function isCustomResource(apiVersion: string, kind: string): boolean {
  return load().crds.has(`${apiVersion}/${kind}`);
}

/** Validates one object strictly; returns messages (empty when valid). */
export function validateStrict(obj: any): string[] {
  const r = load();
  const key = `${obj?.apiVersion}/${obj?.kind}`;
  let validate = r.compiled.get(key);
  if (!validate) {
    const crd = r.crds.get(key);
    const ref = r.core.get(key);
    if (crd) validate = r.ajv.compile(crd);
    else if (ref) validate = r.ajv.getSchema(ref);
    if (!validate) return [`no schema for ${key} (not a Kubernetes 1.28 kind nor a known CRD version)`];
    r.compiled.set(key, validate);
  }
  if (validate(obj)) return [];
  return (validate.errors ?? []).map((e) => {
    const extra = e.keyword === 'additionalProperties' ? ` '${(e.params as any).additionalProperty}'` : '';
    return `${e.instancePath || '/'} ${e.message}${extra}`;
  });
}
