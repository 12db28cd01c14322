export * from './stats.ts';
export * from './measures.ts';
export * from './requests.ts';
export * from './agents.ts';
export * from './periods.ts';
export * from './projection.ts';
export * from './histogram.ts';
export * from './rollups.ts';
