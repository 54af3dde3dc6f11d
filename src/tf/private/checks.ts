/**
 * Validation and rendering helpers shared by the cdktf constructs (not exported from the package).
 * Every failure is a ConstructValidationError naming the construct path and the prop.
 */
import { IConstruct } from 'constructs';
import { ConstructValidationError } from '../../errors';

/** Throws a ConstructValidationError for `prop` of `scope`. */
export function fail(scope: IConstruct, prop: string, message: string): never {
  throw new ConstructValidationError(scope.node.path, prop, message);
}

/** A whole number >= `min` (default 1). */
export function requireInteger(scope: IConstruct, prop: string, value: number, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    fail(scope, prop, `must be a whole number of at least ${min}; got ${String(value)}`);
  }
  return value;
}

/** A finite number > 0. */
export function requirePositive(scope: IConstruct, prop: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    fail(scope, prop, `must be a finite number greater than zero; got ${String(value)}`);
  }
  return value;
}

/** One of `allowed`. */
export function requireOneOf(scope: IConstruct, prop: string, value: string, allowed: readonly string[]): string {
  if (!allowed.includes(value)) {
    fail(scope, prop, `must be one of ${allowed.join(', ')}; got '${String(value)}'`);
  }
  return value;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A Kubernetes object name (DNS-1123 subdomain, at most 253 characters). */
export function requireName(scope: IConstruct, prop: string, value: string): string {
  if (typeof value !== 'string' || value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
    fail(scope, prop, `must be a DNS-1123 subdomain (lower-case letters, digits, '-' and '.'); got '${String(value)}'`);
  }
  return value;
}

/** A namespace name (DNS-1123 label, at most 63 characters). */
export function requireLabelName(scope: IConstruct, prop: string, value: string): string {
  if (typeof value !== 'string' || value.length > 63 || !DNS1123_LABEL.test(value)) {
    fail(scope, prop, `must be a DNS-1123 label (lower-case letters, digits and '-', at most 63); got '${String(value)}'`);
  }
  return value;
}

/** Label/taint key: optional DNS prefix + '/' + name of at most 63 characters. */
const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** A label or taint key such as `aidc.dev/pool`. */
export function requireQualifiedKey(scope: IConstruct, prop: string, key: string): string {
  const name = typeof key === 'string' ? key.split('/').pop() ?? '' : '';
  if (typeof key !== 'string' || !QUALIFIED_NAME.test(key) || name.length > 63) {
    fail(scope, prop, `must be a qualified name like 'example.com/name' (name part at most 63 characters); got '${String(key)}'`);
  }
  return key;
}

/** A label value (at most 63 characters, alphanumeric at both ends). */
export function requireLabelValue(scope: IConstruct, prop: string, value: string): string {
  if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
    fail(scope, prop, `must be a label value (at most 63 characters of letters, digits, '-', '_', '.'); got '${String(value)}'`);
  }
  return value;
}

/** Taint effects accepted by the Kubernetes API. */
export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;

/** Binary units: 1 GiB = 2^30 bytes. */
export const GIB = 2 ** 30;

/**
 * Renders a byte count as a Kubernetes quantity in whole GiB, rounding UP so the
 * volume is never smaller than asked for.
 */
export function bytesToGiQuantity(bytes: number): string {
  return `${Math.ceil(bytes / GIB)}Gi`;
}

/** Sorted copy of a string map (deterministic output). */
export function sortedMap(map: { [key: string]: string } | undefined): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const k of Object.keys(map ?? {}).sort()) out[k] = (map as any)[k];
  return out;
}

/** Deep copy of a JSON value with object keys sorted (arrays keep their order). */
export function sortKeysDeep(value: any): any {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value !== null && typeof value === 'object') {
    const out: any = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeysDeep(value[k]);
    return out;
  }
  return value;
}

/** Throws when a JSON value holds NaN, ±Infinity or undefined anywhere. */
export function requireFiniteJson(scope: IConstruct, prop: string, value: any, path = ''): void {
  if (value === undefined) fail(scope, `${prop}${path}`, 'is undefined; every value must be set');
  if (typeof value === 'number' && !Number.isFinite(value)) fail(scope, `${prop}${path}`, `is ${value}; numbers must be finite`);
  if (Array.isArray(value)) {
    value.forEach((v, i) => requireFiniteJson(scope, prop, v, `${path}[${i}]`));
  } else if (value !== null && typeof value === 'object') {
    for (const k of Object.keys(value)) requireFiniteJson(scope, prop, value[k], `${path}.${k}`);
  }
}
