export * from './common.ts';
export * from './users.ts';
export * from './contacts.ts';
export * from './messages.ts';
export * from './conversations.ts';
export * from './stream.ts';
export * from './routing.ts';
export * from './widget.ts';
