export * from './error-guards';
export * as planning from './planning';
export * from './k8s';
export * as tf from './tf';
export * as policy from './policy';
