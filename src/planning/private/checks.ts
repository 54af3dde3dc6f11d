import { PlanningError } from '../../errors';

/** Throws unless `value` is a finite number > 0. */
export function requirePositive(field: string, value: number, fix = 'must be a finite number greater than zero'): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new PlanningError(field, String(value), fix);
  }
  return value;
}

/** Throws unless `value` is a whole number >= 1. */
export function requirePositiveInteger(field: string, value: number, fix = 'must be a whole number of at least 1'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new PlanningError(field, String(value), fix);
  }
  return value;
}

/** Throws unless `value` is a whole number >= 0. */
export function requireNonNegativeInteger(field: string, value: number, fix = 'must be a whole number of at least 0'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new PlanningError(field, String(value), fix);
  }
  return value;
}

/** Throws unless `value` is a finite number in [min, max]. */
export function requireInRange(field: string, value: number, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new PlanningError(field, String(value), `must be between ${min} and ${max}`);
  }
  return value;
}

/** Throws unless `value` is one of `allowed`. */
export function requireOneOf<T extends string>(field: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new PlanningError(field, value, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** Throws unless `size` has whole-number prompt and output token counts of at least 1 (fields `<field>.promptTokens`, `<field>.outputTokens`). */
export function requireRequestSize(field: string, size: { readonly promptTokens: number; readonly outputTokens: number }): void {
  if (!size) throw new PlanningError(field, String(size), 'must give promptTokens and outputTokens');
  requirePositiveInteger(`${field}.promptTokens`, size.promptTokens);
  requirePositiveInteger(`${field}.outputTokens`, size.outputTokens, 'must be a whole number of at least 1 (count a request that generated nothing as 1)');
}
