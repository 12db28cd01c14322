import type { InboxChannel } from '@switchboard/protocol';
import type { ChannelDeps } from './deps.ts';
import { clearInboxError, recordInboxError, type InboxRow } from './inboxes.ts';
import { ProviderError } from './provider.ts';
import { accountOf, describeNumber } from './whatsapp/api.ts';

type Tester = (deps: ChannelDeps, inbox: InboxRow, secrets: Record<string, string>) => Promise<string>;
const testers: Partial<Record<InboxChannel, Tester>> = {
  whatsapp: (deps, inbox, secrets) => describeNumber(accountOf(inbox, secrets, deps.stopping)),
};

export function registerConnectionTest(channel: InboxChannel, t: Tester): void {
  testers[channel] = t;
}

/** Admin → Inboxes → Test connection: one authenticated call to the provider; the answer, or what went wrong. */
export async function testConnection(deps: ChannelDeps, inbox: InboxRow): Promise<{ ok: boolean; detail: string }> {
  const t = testers[inbox.channel as InboxChannel];
  if (!t) return { ok: false, detail: `There is no connection test for ${inbox.channel} inboxes.` };
  let secrets: Record<string, string> = {};
  try {
    secrets = deps.secrets.open(inbox.secrets);
  } catch {
    return { ok: false, detail: 'The stored secrets cannot be read (the secrets key changed); enter them again.' };
  }
  const now = deps.actions.clock.now();
  try {
    const detail = await t(deps, inbox, secrets);
    await clearInboxError(deps.actions.store.db, inbox.id);
    return { ok: true, detail: `Connected: ${detail}` };
  } catch (err) {
    const detail = err instanceof ProviderError ? `The provider answered: ${err.message}` : `The test failed: ${(err as Error).message}`;
    await recordInboxError(deps.actions.store.db, inbox.id, detail, now);
    return { ok: false, detail };
  }
}
