import type { Contact, ContactSummary } from './contacts.ts';

export interface TemplateContext {
  contact: Pick<Contact, 'name' | 'email' | 'phone'> & { attributes?: Record<string, string> } | Pick<ContactSummary, 'name' | 'email' | 'phone'> | null | undefined;
  agentName: string;
}

/**
 * Fills a canned message (seed 004): {{first_name}}, {{last_name}}, {{name}}, {{email}}, {{phone}},
 * {{agent_name}} and custom attributes {{attr.key}}. A variable with no value becomes empty, so no
 * braces ever reach the customer; spaces inside the braces are allowed. It lives in the protocol
 * because both sides use it: the agent app when a canned message goes into the reply, and the server
 * when it sends a reply template itself (so what is sent is exactly the approved text).
 */
export function fillTemplate(body: string, ctx: TemplateContext): string {
  const c = ctx.contact;
  const parts = (c?.name ?? '').trim().split(/\s+/).filter(Boolean);
  const attrs = (c && 'attributes' in c && c.attributes) || {};
  const values: Record<string, string> = {
    first_name: parts[0] ?? '',
    last_name: parts.length > 1 ? parts[parts.length - 1]! : '',
    name: c?.name ?? '',
    email: c?.email ?? '',
    phone: c?.phone ?? '',
    agent_name: ctx.agentName,
  };
  // Own properties only: `{{constructor}}` or `{{attr.__proto__}}` must never read the prototype.
  const own = (o: Record<string, unknown>, k: string) => (Object.hasOwn(o, k) && typeof o[k] === 'string' ? (o[k] as string) : '');
  return body.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_all, key: string) => (key.startsWith('attr.') ? own(attrs, key.slice(5)) : own(values, key)));
}
