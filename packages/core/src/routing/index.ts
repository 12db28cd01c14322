export * from './policy.ts';
export * from './agents.ts';
export * from './offers.ts';
export * from './timers.ts';
