export * from './gpu-sharing';
export * from './gpu-resource-pool';
export * from './ai-training-cluster';
export * from './inference-engine';
export * from './elastic-inference-service';
export * from './monitoring-stack';
export * from './private/pool-sizing';
