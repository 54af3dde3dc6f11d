export * from './error-guards';
export * as planning from './planning';
