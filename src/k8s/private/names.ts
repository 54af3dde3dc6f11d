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
