export * from './catalog';
export * from './training';
export * from './inference';
export * from './forecast';
export * from './cost';
export * from './placement';
