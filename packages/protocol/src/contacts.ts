import { z } from 'zod';
import { Id, Timestamp } from './common.ts';

export const Channel = z.enum(['web', 'portal', 'email', 'whatsapp', 'messenger', 'telegram', 'api']);
export type Channel = z.infer<typeof Channel>;

export const CustomerTag = z
  .object({ id: Id, name: z.string(), color: z.string(), pinned: z.boolean() })
  .meta({ id: 'CustomerTag' });

export const ContactSource = z.object({
  channel: z.string().max(40).optional(),
  pageUrl: z.string().max(2000).optional(),
  utm: z.record(z.string().max(40), z.string().max(200)).optional(),
});

export const Attributes = z
  .record(z.string().min(1).max(64), z.string().max(500))
  .refine((r) => Object.keys(r).length <= 50, 'at most 50 custom attributes');

export const Contact = z
  .object({
    id: Id,
    name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    attributes: z.record(z.string(), z.string()),
    source: ContactSource,
    blocked: z.boolean(),
    tags: z.array(CustomerTag),
    identities: z.array(z.object({ channel: z.string(), externalId: z.string() })),
    createdAt: Timestamp,
  })
  .meta({ id: 'Contact' });
export type Contact = z.infer<typeof Contact>;

export const ContactSummary = Contact.pick({ id: true, name: true, email: true, phone: true, blocked: true }).extend({
  pinnedTags: z.array(CustomerTag),
});
export type ContactSummary = z.infer<typeof ContactSummary>;

export const CreateContactRequest = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.string().trim().toLowerCase().email().max(254).nullable().optional(),
  phone: z.string().trim().regex(/^\+?[0-9 ()-]{3,32}$/, 'a phone number').nullable().optional(),
  attributes: Attributes.optional(),
  source: ContactSource.optional(),
  identities: z.array(z.object({ channel: Channel, externalId: z.string().min(1).max(200) })).max(20).optional(),
});

export const UpdateContactRequest = CreateContactRequest.partial();

export const ContactSearchQuery = z.object({
  q: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

export const SetContactTagRequest = z.object({ tagId: Id, pinned: z.boolean().default(false) });
