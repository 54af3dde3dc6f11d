/**
 * Helpers of the cdktf tests: stacks with both providers declared, synthesis with
 * validations on, the bad-value scan, and the Helm values key-path walker.
 */
import * as fs from 'fs';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { App, Testing, TerraformStack } from 'cdktf';
import { parse } from 'yaml';
import { ConstructValidationError } from '../../src/errors';
import { sharedPath } from '../harness/shared';

/** A stack with the kubernetes and helm providers declared (cdktf validates provider presence). */
export function newStack(app: App = Testing.app(), id = 'platform'): TerraformStack {
  const stack = new TerraformStack(app, id);
  new KubernetesProvider(stack, 'kubernetes', { configPath: '~/.kube/config' });
  new HelmProvider(stack, 'helm', { kubernetes: { configPath: '~/.kube/config' } });
  return stack;
}

/** `Testing.synth` with validations on: the raw JSON text and its parse. */
export function synth(stack: TerraformStack): { text: string; json: any } {
  const text = Testing.synth(stack, true);
  return { text, json: JSON.parse(text) };
}

/** Every resource of `type` in a synthesized stack, keyed by logical id. */
export function resourcesOf(json: any, type: string): { [id: string]: any } {
  return json.resource?.[type] ?? {};
}

/** Tokens that must never reach Terraform JSON (a JS bug rendered as text). */
export function badValues(text: string): string[] {
  const found: string[] = [];
  for (const bad of ['NaN', 'Infinity', 'undefined']) {
    if (new RegExp(`(:|\\[|,)\\s*-?${bad}\\b|"${bad}"|\\b${bad}\\b`).test(text)) found.push(bad);
  }
  return found;
}

/** Runs `fn`, expecting a ConstructValidationError naming `path` and `prop` (prefix match). */
export function expectValidationError(fn: () => unknown, path: string, prop: string, message?: RegExp): ConstructValidationError {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConstructValidationError);
  const e = error as ConstructValidationError;
  expect(e.constructPath).toBe(path);
  expect(e.prop.startsWith(prop)).toBe(true);
  expect(e.message).toContain(path);
  if (message) expect(e.message).toMatch(message);
  return e;
}

/**
 * Key paths of `values` that do not exist in the chart's `defaults`. Walks only what the
 * library sets; stops where the default is a free-form map (`{}`), a list or a scalar, because
 * charts accept arbitrary content there (e.g. `devicePlugin.config.data`, `daemonsets.tolerations`).
 */
export function missingKeyPaths(values: any, defaults: any, prefix = ''): string[] {
  const missing: string[] = [];
  for (const [key, value] of Object.entries(values ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (defaults === null || typeof defaults !== 'object' || !(key in defaults)) {
      missing.push(path);
      continue;
    }
    const d = defaults[key];
    const freeForm = d === null || typeof d !== 'object' || Array.isArray(d) || Object.keys(d).length === 0;
    if (!freeForm && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      missing.push(...missingKeyPaths(value, d, path));
    }
  }
  return missing;
}

/** Default values of a chart from ../shared/schemas/helm-values/<file>. */
export function chartDefaults(file: string): any {
  return parse(fs.readFileSync(sharedPath('schemas', 'helm-values', file), 'utf8'));
}

/**
 * Expected properties for `toHaveResourceWithProperties` that match nested objects partially
 * (the jest adapter wraps only the top level in `objectContaining`). Arrays match exactly in length.
 */
export function partial(value: any): any {
  if (Array.isArray(value)) return value.map(partial);
  if (value !== null && typeof value === 'object') {
    const out: any = {};
    for (const [k, v] of Object.entries(value)) out[k] = partial(v);
    return expect.objectContaining(out);
  }
  return value;
}

/** Top-level properties (plain object) whose nested objects match partially. */
export function props(value: { [key: string]: any }): { [key: string]: any } {
  const out: { [key: string]: any } = {};
  for (const [k, v] of Object.entries(value)) out[k] = partial(v);
  return out;
}
