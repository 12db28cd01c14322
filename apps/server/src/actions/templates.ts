import { fillTemplate } from '@switchboard/protocol';
import { AppError } from '../errors.ts';
import type { Tx } from '../store/db.ts';
import type { ConversationWithAccess } from '../store/conversations.ts';

/**
 * The text a reply template sends in this conversation: the administrator's approved body with the
 * customer's and the agent's variables filled by the same `fillTemplate` the agent app uses, so what
 * reaches the customer is exactly the template (seed 004: outside WhatsApp's 24-hour window only
 * pre-approved templates may be sent).
 */
export async function renderReplyTemplate(tx: Tx, c: ConversationWithAccess, agentName: string, templateId: number): Promise<string> {
  const t = await tx
    .selectFrom('canned_messages')
    .select('body')
    .where('id', '=', templateId)
    .where('template', '=', 1)
    .where('owner_id', 'is', null)
    .executeTakeFirst();
  if (!t) throw new AppError('template_not_found', 'No such reply template.', 422);
  const contact = c.contact_id == null ? null : await tx.selectFrom('contacts').select(['name', 'email', 'phone', 'attributes']).where('id', '=', c.contact_id).executeTakeFirst();
  let attributes: Record<string, string> = {};
  try {
    attributes = contact ? (JSON.parse(contact.attributes) as Record<string, string>) : {};
  } catch {
    attributes = {};
  }
  return fillTemplate(t.body, { contact: contact ? { name: contact.name, email: contact.email, phone: contact.phone, attributes } : null, agentName });
}
