import { storeWhatsappTemplates } from '../../actions/whatsappTemplates.ts';
import type { ChannelDeps } from '../deps.ts';
import type { InboxRow } from '../inboxes.ts';
import { accountOf, listTemplates } from './api.ts';

/** Templates from the business account (name, language, status, body with its {{n}} parameters) into the inbox. */
export async function syncWhatsappTemplates(deps: ChannelDeps, inbox: InboxRow): Promise<number> {
  const list = await listTemplates(accountOf(inbox, deps.secrets.open(inbox.secrets), deps.stopping));
  return storeWhatsappTemplates(
    deps.actions,
    inbox.id,
    list
      .filter((t) => t && typeof t.name === 'string' && typeof t.language === 'string')
      .map((t) => ({ name: t.name, language: t.language, status: String(t.status ?? 'UNKNOWN').toUpperCase(), category: t.category ?? null, body: t.components?.find((c) => c.type?.toUpperCase() === 'BODY')?.text ?? '' })),
  );
}
