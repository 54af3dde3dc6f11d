export { InferencePrecision, KvCacheDtype } from './quantization';
export * from './inference-props';
export * from './inference-results';
export { InferencePlan } from './inference-plan';
export { InferencePlanner } from './inference-planner';
