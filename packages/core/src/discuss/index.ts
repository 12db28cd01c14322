export * from './requests.ts';
export * from './targets.ts';
export * from './consultant.ts';
