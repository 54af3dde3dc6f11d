/**
 * Thrown by the planning core when an input is invalid or no plan is feasible.
 *
 * Carries the offending field path, the value that was given and what would
 * make the request feasible, so the message can be acted on without reading code.
 *
 * @example
 * new PlanningError('gpus', '8', 'llama-3.1-405b needs at least 16 H100 80GB for weights alone; use --gpus 16 or more');
 */
export class PlanningError extends Error {
  /** Dotted path of the input field that caused the error, e.g. `parallelism.tp`. */
  public readonly field: string;
  /** The offending value, rendered as text. */
  public readonly value: string;
  /** What would make the input valid or the plan feasible. */
  public readonly fix: string;

  constructor(field: string, value: string, fix: string) {
    super(`${field}=${value}: ${fix}`);
    Object.setPrototypeOf(this, PlanningError.prototype);
    this.name = 'PlanningError';
    this.field = field;
    this.value = value;
    this.fix = fix;
  }
}

/**
 * Thrown by a construct when its props are invalid; the message names the
 * construct path and the prop.
 */
export class ConstructValidationError extends Error {
  /** Path of the construct in the tree, e.g. `platform/pool`. */
  public readonly constructPath: string;
  /** The prop at fault, e.g. `tenants[1].share`. */
  public readonly prop: string;

  constructor(constructPath: string, prop: string, message: string) {
    super(`${constructPath}: ${prop}: ${message}`);
    Object.setPrototypeOf(this, ConstructValidationError.prototype);
    this.name = 'ConstructValidationError';
    this.constructPath = constructPath;
    this.prop = prop;
  }
}
