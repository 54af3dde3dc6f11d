import { ConstructValidationError, PlanningError } from './errors';

/**
 * Type guards for the library's errors (the error classes themselves live in
 * `ai-datacenter-constructs/lib/errors`, because jsii cannot export subclasses of `Error`).
 */
export class Errors {
  /** True when `x` is a {@link PlanningError} thrown by the planning core. */
  public static isPlanningError(x: any): boolean {
    return x instanceof PlanningError;
  }

  /** True when `x` is a construct validation error naming a construct path and prop. */
  public static isConstructValidationError(x: any): boolean {
    return x instanceof ConstructValidationError;
  }

  private constructor() {}
}
