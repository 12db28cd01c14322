export * from './api.ts';
export * from './state.ts';
export * from './stream.ts';
export * from './templates.ts';
export * from './visitor.ts';
