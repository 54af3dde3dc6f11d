export * from './pool-mix';
