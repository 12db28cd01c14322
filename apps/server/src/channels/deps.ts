import type { Logger } from 'pino';
import type { ActionContext } from '../actions/context.ts';
import type { SecretBox } from './secrets.ts';

/** What a messaging channel adapter needs from the server. */
export interface ChannelDeps {
  actions: ActionContext;
  secrets: SecretBox;
  dataDir: string;
  log: Logger;
  /** Aborted when the server stops: provider calls in flight end at once. */
  stopping: AbortSignal;
}
