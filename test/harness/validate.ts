/**
 * The validation harness every test uses on synthesized output:
 * (a) kubernetes-models for core kinds (types, enums, required fields, quantities) and
 * (b) strict ajv validation against the Kubernetes 1.28 OpenAPI and the CRD schemas
 *     (unknown fields rejected). See ../shared/VALIDATION.md.
 */
import { isCustomResource, validateStrict } from './schemas';

/** One problem found in one object. */
export interface ValidationIssue {
  readonly object: string;
  readonly validator: 'kubernetes-models' | 'strict-schema';
  readonly message: string;
}

const MODEL_PACKAGES: Record<string, string> = {
  'v1': 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'batch/v1': 'kubernetes-models/batch/v1',
  'policy/v1': 'kubernetes-models/policy/v1',
  'networking.k8s.io/v1': 'kubernetes-models/networking.k8s.io/v1',
  'rbac.authorization.k8s.io/v1': 'kubernetes-models/rbac.authorization.k8s.io/v1',
  'scheduling.k8s.io/v1': 'kubernetes-models/scheduling.k8s.io/v1',
  'storage.k8s.io/v1': 'kubernetes-models/storage.k8s.io/v1',
  'autoscaling/v2': 'kubernetes-models/autoscaling/v2',
};

function describeObject(obj: any): string {
  const ns = obj?.metadata?.namespace ? `${obj.metadata.namespace}/` : '';
  return `${obj?.apiVersion}/${obj?.kind} ${ns}${obj?.metadata?.name}`;
}

function validateWithModels(obj: any): string[] {
  const pkg = MODEL_PACKAGES[obj.apiVersion];
  if (!pkg) return [`kubernetes-models has no package for apiVersion ${obj.apiVersion}`];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Model = require(pkg)[obj.kind];
  if (!Model) return [`kubernetes-models has no ${obj.kind} in ${obj.apiVersion}`];
  try {
    new Model(obj).validate();
    return [];
  } catch (e) {
    return [(e as Error).message];
  }
}

/** Finds every problem in `objects` (synthesized manifests as plain JSON). */
export function validateObjects(objects: any[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const obj of objects) {
    const name = describeObject(obj);
    if (!isCustomResource(obj.apiVersion, obj.kind)) {
      for (const message of validateWithModels(obj)) issues.push({ object: name, validator: 'kubernetes-models', message });
    }
    for (const message of validateStrict(obj)) issues.push({ object: name, validator: 'strict-schema', message });
    const text = JSON.stringify(obj);
    for (const bad of ['NaN', 'Infinity', 'undefined']) {
      if (new RegExp(`(:|\\[|,)${bad}\\b|"${bad}"`).test(text)) {
        issues.push({ object: name, validator: 'strict-schema', message: `contains ${bad}` });
      }
    }
  }
  return issues;
}

/** Jest helper: fails with a readable list when any object is invalid. */
export function expectValidObjects(objects: any[]): void {
  const issues = validateObjects(objects);
  const text = issues.map((i) => `  ${i.object} [${i.validator}] ${i.message}`).join('\n');
  expect(text).toBe('');
}
