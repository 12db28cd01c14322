import { fillTemplate } from '@switchboard/protocol';
import type { Viewer } from '@switchboard/core';
import { AppError } from '../errors.ts';
import type { Db } from '../store/db.ts';
import { visibleConversation, type ActionContext } from './context.ts';
import { postAgentMessage, type PostedMessage } from './messages.ts';

/** A template as the Graph API lists it, reduced to what we store. */
export interface SyncedTemplate {
  name: string;
  language: string;
  status: string;
  category: string | null;
  body: string;
}

/** {{1}}, {{2}}…: how many parameters a template body takes. */
export function parameterCount(body: string): number {
  let n = 0;
  for (const m of body.matchAll(/\{\{\s*(\d+)\s*\}\}/g)) n = Math.max(n, Number(m[1]));
  return n;
}

/** Seed 004's pre-approved templates, as synced from the business account: the inbox's list replaced whole. */
export async function storeWhatsappTemplates(ctx: ActionContext, inboxId: number, templates: SyncedTemplate[]): Promise<number> {
  const now = ctx.clock.now();
  await ctx.store.transaction(async (tx) => {
    await tx.deleteFrom('whatsapp_templates').where('inbox_id', '=', inboxId).execute();
    const seen = new Set<string>();
    for (const t of templates) {
      const key = `${t.name}\n${t.language}`;
      if (seen.has(key)) continue;
      seen.add(key);
      await tx
        .insertInto('whatsapp_templates')
        .values({ inbox_id: inboxId, name: t.name.slice(0, 512), language: t.language.slice(0, 20), status: t.status.slice(0, 40), category: t.category, body: t.body.slice(0, 2000), parameters: parameterCount(t.body), synced_at: now })
        .execute();
    }
  });
  return templates.length;
}

export function listWhatsappTemplates(db: Db, inboxId: number) {
  return db.selectFrom('whatsapp_templates').selectAll().where('inbox_id', '=', inboxId).orderBy('name').orderBy('language').execute();
}

/**
 * An agent sends an approved template (the only message WhatsApp takes once the 24-hour window has
 * closed), its parameters filled from the customer ({{first_name}} in a parameter becomes their
 * name). The conversation shows the text as the customer will read it; the outbox sends the
 * template by name, language and parameters.
 */
export async function sendWhatsappTemplate(ctx: ActionContext, viewer: Viewer & { name: string }, conversationId: number, input: { templateId: number; parameters: string[]; clientId?: string }): Promise<PostedMessage> {
  const c = await visibleConversation(ctx, viewer, conversationId);
  if (c.channel !== 'whatsapp' || c.inbox_id == null) throw new AppError('not_whatsapp', 'Templates are sent in WhatsApp conversations only.', 422);
  const t = await ctx.store.db.selectFrom('whatsapp_templates').selectAll().where('id', '=', input.templateId).where('inbox_id', '=', c.inbox_id).executeTakeFirst();
  if (!t) throw new AppError('template_not_found', 'No such template for this WhatsApp number; sync the templates under Admin → Inboxes.', 422);
  if (t.status !== 'APPROVED') throw new AppError('template_not_approved', `The template ${t.name} is ${t.status.toLowerCase()} at WhatsApp, not approved.`, 422);
  if (input.parameters.length !== t.parameters) throw new AppError('template_parameters', `The template ${t.name} takes ${t.parameters} parameter${t.parameters === 1 ? '' : 's'}.`, 422);
  const contact = c.contact_id == null ? null : await ctx.store.db.selectFrom('contacts').select(['name', 'email', 'phone', 'attributes']).where('id', '=', c.contact_id).executeTakeFirst();
  let attributes: Record<string, string> = {};
  try {
    attributes = contact ? JSON.parse(contact.attributes) : {};
  } catch {
    attributes = {};
  }
  const filled = input.parameters.map((p) => fillTemplate(p, { contact: contact ? { ...contact, attributes } : null, agentName: viewer.name }).trim());
  if (filled.some((p) => !p)) throw new AppError('template_parameters', 'Every template parameter needs a value (one is empty once filled).', 422);
  const body = t.body.replace(/\{\{\s*(\d+)\s*\}\}/g, (_m, n: string) => filled[Number(n) - 1] ?? '');
  return postAgentMessage(ctx, viewer, conversationId, { body, attachments: [], internal: false, clientId: input.clientId }, {
    body,
    inboxId: c.inbox_id,
    payload: { name: t.name, language: t.language, parameters: filled },
  });
}
