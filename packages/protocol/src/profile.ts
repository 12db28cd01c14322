import { z } from 'zod';
import { Id, Timestamp } from './common.ts';
import { Channel } from './contacts.ts';
import { ConversationStatus } from './conversations.ts';
import { TicketStatus } from './widget.ts';

/** What alerts an agent wants (stored on the server, so they follow the agent from browser to browser). */
export const Preferences = z
  .object({
    notifyOffers: z.boolean().default(true).describe('A browser notification for a new offer'),
    notifyMessages: z.boolean().default(true).describe('A browser notification for a customer message in your conversations'),
    sound: z.boolean().default(true).describe('A short chime with each of those alerts'),
  })
  .meta({ id: 'Preferences' });
export type Preferences = z.infer<typeof Preferences>;

/** The signed-in user's own page: name, avatar and alert preferences. */
export const Profile = z
  .object({
    id: Id,
    name: z.string(),
    email: z.string(),
    avatarUrl: z.string().nullable().describe('Null: the initials are shown'),
    preferences: Preferences,
  })
  .meta({ id: 'Profile' });
export type Profile = z.infer<typeof Profile>;

export const UpdateProfileRequest = z.object({
  name: z.string().trim().min(1).max(120).optional(),
  // Spelled out: a partial of `Preferences` would fill the defaults in and so reset what was not sent.
  preferences: z
    .object({ notifyOffers: z.boolean().optional(), notifyMessages: z.boolean().optional(), sound: z.boolean().optional() })
    .optional()
    .describe('Only the preferences sent change'),
});

/** One earlier or linked conversation of the customer, as the details panel lists it. */
export const HistoryConversation = z
  .object({
    id: Id,
    channel: Channel,
    subject: z.string().nullable(),
    status: ConversationStatus,
    previousConversationId: Id.nullable().describe('The conversation this one follows'),
    createdAt: Timestamp,
    lastActivityAt: Timestamp,
  })
  .meta({ id: 'HistoryConversation' });
export type HistoryConversation = z.infer<typeof HistoryConversation>;

export const HistoryTicket = z
  .object({ id: Id, subject: z.string(), status: TicketStatus, sourceConversationId: Id.nullable(), createdAt: Timestamp, updatedAt: Timestamp })
  .meta({ id: 'HistoryTicket' });
export type HistoryTicket = z.infer<typeof HistoryTicket>;

/** A customer's conversations and tickets the viewer may open, newest first (others are not counted: a count is a read too). */
export const CustomerHistory = z
  .object({
    conversations: z.array(HistoryConversation),
    tickets: z.array(HistoryTicket),
  })
  .meta({ id: 'CustomerHistory' });
export type CustomerHistory = z.infer<typeof CustomerHistory>;
