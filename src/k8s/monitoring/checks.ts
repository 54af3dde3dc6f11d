/** Prop checks of MonitoringStack; each throws ConstructValidationError naming the construct path and prop. */
import { ConstructValidationError } from '../../errors';

/** Throws unless `value` is a finite number with `min < value < max` (open interval). */
export function requireOpenFraction(path: string, prop: string, value: number, min = 0, max = 1): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= min || value >= max) {
    throw new ConstructValidationError(path, prop, `${value} must be a number strictly between ${min} and ${max}`);
  }
  return value;
}

/** Throws unless `value` is a finite number above zero. */
export function requirePositiveNumber(path: string, prop: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConstructValidationError(path, prop, `${value} must be a finite number greater than 0`);
  }
  return value;
}

/** Throws unless `value` is a whole number of seconds of at least `min`. */
/** Longest duration accepted (one year): longer `for`/`interval` values are mistakes, and render in exponent form. */
const MAX_DURATION_SECONDS = 365 * 24 * 3600;

export function requireSeconds(path: string, prop: string, value: number, min = 60, max = MAX_DURATION_SECONDS): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConstructValidationError(path, prop, `${value} must be a whole number of seconds between ${min} and ${max}`);
  }
  return value;
}

/** Throws unless `value` is a non-negative whole number. */
export function requireCount(path: string, prop: string, value: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ConstructValidationError(path, prop, `${value} must be a whole number ≥ 0`);
  }
  return value;
}

/** Throws unless `value` is a Prometheus metric name. */
export function requireMetricName(path: string, prop: string, value: string): string {
  if (typeof value !== 'string' || !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(value)) {
    throw new ConstructValidationError(path, prop, `'${value}' is not a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)`);
  }
  return value;
}

/** Throws unless `labels` is a non-empty map of Kubernetes label keys to values. */
export function requireLabels(path: string, prop: string, labels: { [key: string]: string } | undefined, allowEmpty = false): { [key: string]: string } {
  const entries = Object.entries(labels ?? {});
  if (!allowEmpty && entries.length === 0) {
    throw new ConstructValidationError(path, prop, 'must select pods with at least one label');
  }
  for (const [k, v] of entries) {
    const name = k.includes('/') ? k.slice(k.lastIndexOf('/') + 1) : k;
    if (!/^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/.test(name) || name.length > 63 || typeof v !== 'string' || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v) || v.length > 63) {
      throw new ConstructValidationError(path, `${prop}.${k}`, `'${k}: ${v}' is not a valid Kubernetes label`);
    }
  }
  return { ...labels };
}
