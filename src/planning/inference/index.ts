export * from './quantization';
export * from './inference-props';
export * from './request-mix';
export * from './request-log';
export * from './inference-results';
export * from './inference-plan';
export * from './inference-planner';
