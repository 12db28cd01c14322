export * from './errors.ts';
export * from './conversation/status.ts';
export * from './conversation/lifecycle.ts';
export * from './messages/rules.ts';
export * from './access/permissions.ts';
export * from './access/audience.ts';
export * from './messages/delivery.ts';
export * from './routing/index.ts';
