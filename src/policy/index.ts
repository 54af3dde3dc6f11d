export * from './policy-types';
export * from './policy-report';
export * from './policy-checks';
