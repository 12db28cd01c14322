import { z } from 'zod';
import { Id, Timestamp } from './common.ts';
import { Attachment, DeliveryStatus } from './messages.ts';
import { ConversationStatus } from './conversations.ts';

/**
 * The customer side (issue 3, seed 003): the widget, the client portal and tickets. Visitors call
 * /api/v1/widget/* with `X-Visitor-Token`; they only ever see their own conversations and tickets.
 */

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

const day = [{ open: '09:00', close: '17:00' }];
const NINE_TO_FIVE = { mon: day, tue: day, wed: day, thu: day, fri: day };

export const OfficeHours = z
  .object({
    timezone: z.string().min(1).max(64).default('UTC').describe('IANA time zone, e.g. Europe/Paris'),
    days: z
      .partialRecord(z.enum(WEEKDAYS), z.array(z.object({ open: hhmm, close: hhmm })).max(4))
      .default(() => ({ ...NINE_TO_FIVE }))
      .describe('Opening intervals per weekday; a day not listed is closed'),
  })
  .meta({ id: 'OfficeHours' });
export type OfficeHours = z.infer<typeof OfficeHours>;

/** A web origin as a browser sends it: http(s)://host[:port], nothing after it. */
const SiteOrigin = z
  .string()
  .trim()
  .max(200)
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === v && /^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/i.test(u.hostname);
    } catch {
      return false;
    }
  }, 'Not an origin: write scheme, host and port only, like https://shop.example.com');

/** Stored as `widget_settings.settings`; every field has a default so `{}` is valid. */
export const WidgetSettings = z
  .object({
    title: z.string().trim().min(1).max(80).default('Chat with us'),
    greeting: z.string().trim().max(300).default('Hi! How can we help?'),
    color: z.string().regex(/^#[0-9a-fA-F]{6}$/).default('#2563eb'),
    queueId: Id.nullable().default(null).describe('Queue new chats wait in (null: the first queue)'),
    officeHours: OfficeHours.default(() => ({ timezone: 'UTC', days: { ...NINE_TO_FIVE } })).describe('Shown before a chat starts (seed 003)'),
    alwaysOpen: z.boolean().default(true).describe('Ignore office hours'),
    awayMessage: z.string().trim().max(300).default('').describe('Shown by the widget outside office hours (empty: the standard "We are closed now")'),
    preChatForm: z.enum(['off', 'optional', 'required']).default('optional').describe('Ask name and email before the chat'),
    identityVerification: z.boolean().default(false).describe('Require setUser ids to be signed with the identity secret (HMAC-SHA256, hex)'),
    identitySecret: z.string().min(16).max(200).nullable().default(null),
    siteOrigins: z
      .array(SiteOrigin)
      .max(50)
      .default([])
      .describe('Origins of the sites that may embed the widget (e.g. https://shop.example.com); Switchboard’s own origin always may'),
    maxAttachmentBytes: z.number().int().min(0).max(10 * 1024 * 1024).default(5 * 1024 * 1024),
    attachmentTypes: z.array(z.string().max(100)).max(50).default(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain']),
  })
  .meta({ id: 'WidgetSettings' });
export type WidgetSettings = z.infer<typeof WidgetSettings>;
/** Only the fields sent change (no defaults filled in). */
export const UpdateWidgetSettingsRequest = z.object(
  Object.fromEntries(Object.entries(WidgetSettings.shape).map(([k, v]) => [k, (v as z.ZodDefault<z.ZodTypeAny>).unwrap().optional()])),
) as unknown as z.ZodType<Partial<WidgetSettings>>;
/** What admins read back: the secret is never shown again, only whether one is set. */
export const WidgetSettingsView = WidgetSettings.omit({ identitySecret: true }).extend({ identitySecretSet: z.boolean() });

/** What the widget shows before a chat (seed 003): office hours and whether anyone is there. */
export const WidgetConfig = z
  .object({
    title: z.string(),
    greeting: z.string(),
    color: z.string(),
    officeHours: OfficeHours,
    alwaysOpen: z.boolean(),
    openNow: z.boolean(),
    awayMessage: z.string().describe('Shown outside office hours; empty for the standard words'),
    agentsAvailable: z.boolean().describe('Someone is available to answer now'),
    preChatForm: z.enum(['off', 'optional', 'required']),
    identityVerification: z.boolean(),
    maxAttachmentBytes: z.number().describe("The widget's cap, never above the largest file web chat allows"),
    attachmentTypes: z.array(z.string()),
  })
  .meta({ id: 'WidgetConfig' });
export type WidgetConfig = z.infer<typeof WidgetConfig>;

export const CreateVisitorSessionRequest = z.object({
  user: z
    .object({
      id: z.string().min(1).max(200),
      hash: z.string().max(200).optional().describe('hex HMAC-SHA256 of id with the identity secret'),
      name: z.string().trim().max(200).optional(),
      email: z.email().max(320).optional(),
    })
    .optional()
    .describe('The signed-in user of the site (setUser)'),
  name: z.string().trim().max(200).optional(),
  email: z.email().max(320).optional(),
  pageUrl: z.string().max(2000).optional(),
  locale: z.string().max(20).optional(),
  attributes: z.record(z.string().min(1).max(64), z.string().max(500)).optional(),
});

export const VisitorMessage = z
  .object({
    id: Id,
    conversationId: Id,
    from: z.enum(['customer', 'agent', 'system']),
    name: z.string().nullable().describe("Agent's first name; null for the customer and system lines"),
    body: z.string(),
    attachments: z.array(Attachment),
    status: DeliveryStatus,
    clientId: z.string().nullable(),
    quote: z
      .object({ id: Id, from: z.enum(['customer', 'agent']), body: z.string().describe('The start of the quoted text (200 characters at most)') })
      .nullable()
      .describe('The message this one replies to, when an agent or the customer quoted one'),
    createdAt: Timestamp,
  })
  .meta({ id: 'VisitorMessage' });
export type VisitorMessage = z.infer<typeof VisitorMessage>;

export const VisitorConversation = z
  .object({
    id: Id,
    status: ConversationStatus,
    waiting: z.boolean().describe('No agent has joined yet'),
    agentName: z.string().nullable(),
    subject: z.string().nullable(),
    ticketId: Id.nullable(),
    previousConversationId: Id.nullable().describe('The earlier chat this one follows (its messages stay readable)'),
    callback: z.object({ phone: z.string(), preferredTime: z.string() }).nullable(),
    createdAt: Timestamp,
    lastActivityAt: Timestamp,
  })
  .meta({ id: 'VisitorConversation' });
export type VisitorConversation = z.infer<typeof VisitorConversation>;

export const VisitorSession = z
  .object({
    token: z.string(),
    contact: z.object({ name: z.string(), email: z.string().nullable() }),
    verified: z.boolean(),
    conversation: VisitorConversation.nullable().describe('The latest chat, to restore after a reload'),
  })
  .meta({ id: 'VisitorSession' });

export const VisitorMe = VisitorSession.omit({ token: true });

export const StartChatRequest = z.object({
  message: z.string().max(20_000).optional(),
  subject: z.string().trim().max(300).optional(),
  ticketId: Id.optional().describe('Start the chat from one of your tickets: its agent is alerted first'),
  name: z.string().trim().min(1).max(200).optional(),
  email: z.email().max(320).optional(),
  origin: z.enum(['widget', 'portal']).default('widget'),
});

export const CallbackRequest = z.object({
  phone: z.string().trim().min(5).max(40).regex(/^[+0-9 ()./-]+$/, 'a phone number'),
  preferredTime: z.string().trim().min(1).max(200),
});

export const VisitorReadRequest = z.object({ upToMessageId: Id });
export const VisitorAttributesRequest = z.object({
  attributes: z.record(z.string().min(1).max(64), z.string().max(500)).refine((r) => Object.keys(r).length <= 50, 'at most 50 attributes'),
});

// The customer-side stream frames: visitorStream.ts.

// ---------------------------------------------------------------- tickets (seed 003 portal)

export const TicketStatus = z.enum(['open', 'pending', 'closed']);
export const TicketNote = z
  .object({
    id: Id,
    body: z.string(),
    internal: z.boolean(),
    author: z.object({ kind: z.enum(['agent', 'customer']), name: z.string() }).nullable(),
    createdAt: Timestamp,
  })
  .meta({ id: 'TicketNote' });
export const TicketFile = z
  .object({ id: Id, name: z.string(), contentType: z.string(), size: z.number(), url: z.string(), conversationId: Id.nullable(), createdAt: Timestamp })
  .meta({ id: 'TicketFile' });
export const Ticket = z
  .object({
    id: Id,
    subject: z.string(),
    status: TicketStatus,
    contact: z.object({ id: Id, name: z.string(), email: z.string().nullable() }).nullable(),
    assignee: z.object({ id: Id, name: z.string() }).nullable(),
    queueId: Id.nullable(),
    sourceConversationId: Id.nullable(),
    notes: z.array(TicketNote),
    attachments: z.array(TicketFile),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Ticket' });
export type Ticket = z.infer<typeof Ticket>;
export const CreateTicketRequest = z.object({
  subject: z.string().trim().min(1).max(300),
  contactId: Id,
  assigneeId: Id.nullable().optional(),
  queueId: Id.nullable().optional(),
  note: z.string().trim().max(5000).optional(),
});
export const UpdateTicketRequest = z.object({
  subject: z.string().trim().min(1).max(300).optional(),
  assigneeId: Id.nullable().optional(),
  status: TicketStatus.optional(),
});
export const AddNoteRequest = z.object({ body: z.string().trim().min(1).max(5000), internal: z.boolean().default(true) });
export const VisitorTicketRequest = z.object({ subject: z.string().trim().min(1).max(300), message: z.string().trim().max(5000).optional() });

// ---------------------------------------------------------------- chat requests and sessions (seed 003)

export const CompleteChatRequest = z.object({
  note: z.string().trim().max(2000).optional().describe('What you did for the customer; closing without one is allowed but not recommended'),
});
export const EndSessionRequest = z.object({
  outcome: z.enum(['ticket', 'plain']).describe('End with a new ticket created from the chat, or just end it'),
  subject: z.string().trim().min(1).max(300).optional(),
  note: z.string().trim().max(2000).optional(),
});
export const SessionNote = z
  .object({ id: Id, conversationId: Id, body: z.string(), author: z.object({ id: Id, name: z.string() }).nullable(), createdAt: Timestamp, updatedAt: Timestamp })
  .meta({ id: 'SessionNote' });
export const NoteBody = z.object({ body: z.string().trim().min(1).max(5000) });

export const ChatRequestInfo = z
  .object({
    conversationId: Id,
    origin: z.enum(['widget', 'portal', 'ticket']),
    ticketId: Id.nullable(),
    callback: z.object({ phone: z.string(), preferredTime: z.string(), requestedAt: Timestamp }).nullable(),
    completedBy: z.object({ id: Id, name: z.string() }).nullable(),
    completedAt: Timestamp.nullable(),
    endedWith: z.enum(['ticket', 'plain', 'completed']).nullable(),
    notes: z.array(SessionNote),
  })
  .meta({ id: 'ChatRequestInfo' });

export const ChatSession = z
  .object({
    conversationId: Id,
    status: ConversationStatus,
    channel: z.string(),
    customer: z.object({ id: Id, name: z.string(), email: z.string().nullable() }).nullable(),
    agent: z.object({ id: Id, name: z.string() }).nullable(),
    origin: z.enum(['widget', 'portal', 'ticket']).nullable(),
    ticketId: Id.nullable(),
    startedAt: Timestamp,
    endedAt: Timestamp.nullable(),
    notes: z.array(SessionNote),
  })
  .meta({ id: 'ChatSession' });
export const ChatSessionQuery = z.object({
  q: z.string().trim().min(1).max(200).optional().describe('Customer name or email, message content or notes'),
  customer: z.string().trim().min(1).max(200).optional(),
  agentId: Id.optional(),
  from: z.coerce.number().int().optional().describe('Ended at or after (epoch ms)'),
  to: z.coerce.number().int().optional(),
  status: z.enum(['completed', 'abandoned', 'callback', 'any']).default('completed'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type SessionNote = z.infer<typeof SessionNote>;
export type ChatSession = z.infer<typeof ChatSession>;
export type ChatRequestInfo = z.infer<typeof ChatRequestInfo>;
