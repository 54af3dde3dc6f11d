import { ConstructValidationError } from '../../errors';

/** Labels every object the library emits carries. */
export function commonLabels(component: string, instance: string): { [key: string]: string } {
  return {
    'app.kubernetes.io/part-of': 'ai-datacenter-constructs',
    'app.kubernetes.io/managed-by': 'cdk8s',
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/instance': instance,
  };
}

/** Throws unless `name` is a DNS-1123 label (lowercase alphanumerics and '-', at most `max` characters). */
export function requireDnsLabel(path: string, prop: string, name: string, max = 63): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > max || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
    throw new ConstructValidationError(path, prop, `'${name}' is not a valid name: use lowercase letters, digits and '-', start and end alphanumeric, at most ${max} characters`);
  }
  return name;
}

/** Largest counts the constructs accept: beyond them Kubernetes' int32 fields and quantities overflow. */
export const MAX_INT32 = 2 ** 31 - 1;

/** Throws unless `v` is a whole number in [min, max]; names the construct path and prop. */
export function requireWholeNumber(path: string, prop: string, v: number, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ConstructValidationError(path, prop, `${v} must be a whole number between ${min} and ${max}`);
  }
  return v;
}

/**
 * Throws unless `image` names a tag other than `latest`, or a digest: `repo:tag` or `repo@sha256:…`
 * (a registry port such as `host:5000/repo` is not a tag).
 */
export function requirePinnedImage(path: string, prop: string, image: string): string {
  if (!isPinnedImage(image)) {
    throw new ConstructValidationError(path, prop, `'${image}' must be pinned: a tag other than latest (repo:1.2.3) or a digest (repo@sha256:…)`);
  }
  return image;
}

/** Parses a `secret-name/key` reference; the Secret name must be a DNS-1123 subdomain and the key a valid data key. */
export function parseSecretRef(path: string, prop: string, ref: string): { secret: string; key: string } {
  const parts = String(ref).split('/');
  const [secret, key] = parts;
  if (parts.length !== 2 || !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(secret ?? '') || !/^[-._a-zA-Z0-9]{1,253}$/.test(key ?? '')) {
    throw new ConstructValidationError(path, prop, `'${ref}' must be 'secret-name/key' with a DNS-1123 Secret name (lowercase letters, digits, '-', '.') and a key of letters, digits, '-', '_', '.'`);
  }
  return { secret, key };
}

/** True for `repo:tag` (tag not `latest`) or `repo@sha256:<digest>`; a registry port is not a tag. */
export function isPinnedImage(image: string): boolean {
  const text = String(image);
  if (/@sha256:[0-9a-f]{64}$/.test(text)) return true;
  const tag = /^[^:@]+:([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$/.exec(text.split('/').pop() ?? '')?.[1];
  return tag !== undefined && tag !== 'latest';
}
