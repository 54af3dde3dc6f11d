export * from './accuracy';
export * from './history';
export * from './forecaster';
export * from './schedule';
