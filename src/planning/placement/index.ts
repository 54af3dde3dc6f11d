export * from './types';
export * from './pool-planner';
export * from './svg';
