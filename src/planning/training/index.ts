export { OptimizerKind, RecomputeMode, TrainingFramework, TrainingPrecision } from './precision';
export { TrainingPlan, TrainingPlanner } from './training-plan';
export type { TrainingMemory, TrainingParallelism, TrainingPlanProps, TrainingThroughput } from './training-plan';
