export * from './precision';
export * from './training-types';
export * from './training-plan';
export * from './planner';
