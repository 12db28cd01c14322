import type { Contact, ContactSummary } from '@switchboard/protocol';
import type { Selectable } from 'kysely';
import type { Db, Tx } from '../store/db.ts';
import type { ContactsTable } from '../store/schema.ts';

export type ContactRow = Selectable<ContactsTable>;
type TagOut = Contact['tags'][number];

export async function contactTagsFor(db: Db | Tx, contactIds: number[], pinnedOnly = false): Promise<Map<number, TagOut[]>> {
  const out = new Map<number, TagOut[]>();
  if (contactIds.length === 0) return out;
  let q = db
    .selectFrom('contact_tags as ct')
    .innerJoin('tags as t', 't.id', 'ct.tag_id')
    .select(['ct.contact_id', 't.id', 't.name', 't.color', 'ct.pinned'])
    .where('ct.contact_id', 'in', contactIds);
  if (pinnedOnly) q = q.where('ct.pinned', '=', 1);
  for (const r of await q.orderBy('t.name').execute()) {
    const list = out.get(r.contact_id) ?? [];
    list.push({ id: r.id, name: r.name, color: r.color, pinned: r.pinned === 1 });
    out.set(r.contact_id, list);
  }
  return out;
}

export function presentContactSummary(row: ContactRow, pinnedTags: TagOut[]): ContactSummary {
  return { id: row.id, name: row.name, email: row.email, phone: row.phone, blocked: row.blocked === 1, pinnedTags };
}

export async function presentContacts(db: Db | Tx, rows: ContactRow[]): Promise<Contact[]> {
  const ids = rows.map((r) => r.id);
  const [tags, identities] = await Promise.all([
    contactTagsFor(db, ids),
    ids.length ? db.selectFrom('contact_identities').selectAll().where('contact_id', 'in', ids).execute() : [],
  ]);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    email: r.email,
    phone: r.phone,
    attributes: JSON.parse(r.attributes),
    source: JSON.parse(r.source),
    blocked: r.blocked === 1,
    tags: tags.get(r.id) ?? [],
    identities: identities.filter((i) => i.contact_id === r.id).map((i) => ({ channel: i.channel, externalId: i.external_id })),
    createdAt: r.created_at,
  }));
}
