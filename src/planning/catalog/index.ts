export * from './gpu-type';
export * from './model-spec';
export * from './node-shape';
