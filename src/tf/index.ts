export * from './node-metadata';
export * from './gpu-node-pool';
export * from './existing-gpu-nodes';
export * from './storage';
export * from './cluster-addons';
export * from './manifest-bridge';
export * from './networks';
