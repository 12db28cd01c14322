import { z } from 'zod';
import { Id, Timestamp } from './common.ts';

/**
 * Inboxes (issue 12 / 13): a channel instance an administrator sets up — an email address, a
 * WhatsApp number, a Facebook page, a Telegram bot — with its display name (seed 002: "the name of
 * the channel, configured when setting up the integration"), the queue it feeds, its settings and
 * its secrets. Secrets are write-only: stored encrypted, never sent back; `secretsSet` names the
 * ones that hold a value.
 */
export const INBOX_CHANNELS = ['email', 'whatsapp', 'messenger', 'telegram'] as const;
export const InboxChannel = z.enum(INBOX_CHANNELS);
export type InboxChannel = z.infer<typeof InboxChannel>;

const Host = z.string().trim().min(1).max(253).regex(/^[A-Za-z0-9.-]+$|^\[[0-9a-fA-F:.]+\]$/, 'a host name or address');
const Port = z.number().int().min(1).max(65535);
const Login = z.string().trim().min(1).max(254);
const ApiBase = z.url({ protocol: /^https?$/ }).max(300).describe('Provider API base URL (default the real one; tests and staging point it at a fake)');

export const EmailInboxSettings = z
  .object({
    fromName: z.string().trim().max(100).optional().describe('Sender name on replies (default: the inbox name)'),
    smtpHost: Host.optional().describe('Outgoing mail server (relay); without it replies cannot be sent'),
    smtpPort: Port.default(587),
    smtpSecure: z.boolean().default(false).describe('TLS from the start (port 465); otherwise STARTTLS when offered'),
    smtpUser: Login.optional(),
    imapHost: Host.optional().describe('Poll this mailbox by IMAP (with IDLE); leave empty to receive by the built-in SMTP listener'),
    imapPort: Port.default(993),
    imapSecure: z.boolean().default(true),
    imapUser: Login.optional(),
    imapMailbox: z.string().trim().min(1).max(200).default('INBOX'),
  })
  .strict();
export const EmailInboxSecrets = z.object({ smtpPassword: z.string().max(500).nullable(), imapPassword: z.string().max(500).nullable() }).partial().strict();

export const WhatsappInboxSettings = z
  .object({ businessAccountId: z.string().trim().max(64).optional(), apiBaseUrl: ApiBase.optional() })
  .strict();
export const WhatsappInboxSecrets = z
  .object({ accessToken: z.string().max(1000).nullable(), appSecret: z.string().max(200).nullable(), verifyToken: z.string().max(200).nullable() })
  .partial()
  .strict();

export const MessengerInboxSettings = z
  .object({ apiBaseUrl: ApiBase.optional(), humanAgentTag: z.boolean().default(false).describe('Send agent replies with the HUMAN_AGENT tag up to 7 days after the customer wrote') })
  .strict();
export const MessengerInboxSecrets = z
  .object({ pageToken: z.string().max(1000).nullable(), appSecret: z.string().max(200).nullable(), verifyToken: z.string().max(200).nullable() })
  .partial()
  .strict();

export const TelegramInboxSettings = z.object({ apiBaseUrl: ApiBase.optional() }).strict();
export const TelegramInboxSecrets = z.object({ botToken: z.string().max(200).nullable(), webhookSecret: z.string().max(256).nullable() }).partial().strict();

/** What `address` means per channel: the address customers write to, or the provider's account id. */
export const INBOX_ADDRESS_MEANING: Record<InboxChannel, string> = {
  email: 'Email address customers write to',
  whatsapp: 'Phone number id',
  messenger: 'Page id',
  telegram: 'Bot id (the digits before the colon of the bot token)',
};

/**
 * Where a provider posts this inbox's webhooks (Admin → Inboxes shows it to paste at the provider):
 * WhatsApp and Messenger have one URL per app (the body names the number or page); a Telegram bot
 * is set up with its own URL. Null for email (mail arrives by SMTP or IMAP).
 */
export function webhookPathOf(channel: InboxChannel, address: string): string | null {
  if (channel === 'whatsapp') return '/api/v1/webhooks/whatsapp';
  if (channel === 'messenger') return '/api/v1/webhooks/messenger';
  if (channel === 'telegram') return `/api/v1/webhooks/telegram/${encodeURIComponent(address)}`;
  return null;
}

const Name = z.string().trim().min(1).max(80);
const common = { name: Name, queueId: Id.nullable().optional(), enabled: z.boolean().default(true) };
const EmailAddress = z.string().trim().toLowerCase().email().max(254);
const ProviderId = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, dot, dash or underscore');

export const CreateInboxRequest = z
  .discriminatedUnion('channel', [
    z.object({ channel: z.literal('email'), address: EmailAddress, settings: EmailInboxSettings.default({} as never), secrets: EmailInboxSecrets.default({}), ...common }),
    z.object({ channel: z.literal('whatsapp'), address: ProviderId, settings: WhatsappInboxSettings.default({}), secrets: WhatsappInboxSecrets.default({}), ...common }),
    z.object({ channel: z.literal('messenger'), address: ProviderId, settings: MessengerInboxSettings.default({} as never), secrets: MessengerInboxSecrets.default({}), ...common }),
    z.object({ channel: z.literal('telegram'), address: ProviderId, settings: TelegramInboxSettings.default({}), secrets: TelegramInboxSecrets.default({}), ...common }),
  ])
  .meta({ id: 'CreateInboxRequest' });
export type CreateInboxRequest = z.infer<typeof CreateInboxRequest>;

/**
 * A change: name, queue, enabled, address, settings (sent whole, checked against the channel's
 * schema) and secrets (only those named change; `null` removes one).
 */
export const UpdateInboxRequest = z
  .object({
    name: Name.optional(),
    queueId: Id.nullable().optional(),
    enabled: z.boolean().optional(),
    address: z.string().trim().min(1).max(254).optional(),
    settings: z.record(z.string(), z.unknown()).optional(),
    secrets: z.record(z.string(), z.string().max(1000).nullable()).optional(),
  })
  .strict()
  .meta({ id: 'UpdateInboxRequest' });
export type UpdateInboxRequest = z.infer<typeof UpdateInboxRequest>;

/** The settings and secrets schema of each channel, for checking a change against the inbox's channel. */
export const INBOX_SCHEMAS = {
  email: { settings: EmailInboxSettings, secrets: EmailInboxSecrets, address: EmailAddress },
  whatsapp: { settings: WhatsappInboxSettings, secrets: WhatsappInboxSecrets, address: ProviderId },
  messenger: { settings: MessengerInboxSettings, secrets: MessengerInboxSecrets, address: ProviderId },
  telegram: { settings: TelegramInboxSettings, secrets: TelegramInboxSecrets, address: ProviderId },
} as const;

export const Inbox = z
  .object({
    id: Id,
    channel: InboxChannel,
    name: z.string(),
    queueId: Id.nullable(),
    address: z.string(),
    settings: z.record(z.string(), z.unknown()),
    secretsSet: z.array(z.string()).describe('Names of the secrets that hold a value; the values are never returned'),
    enabled: z.boolean(),
    lastError: z.string().nullable().describe('The last problem receiving or sending (e.g. the relay refused the login)'),
    lastErrorAt: Timestamp.nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Inbox' });
export type Inbox = z.infer<typeof Inbox>;

/** How a conversation names the inbox it came in by (shown beside the channel icon). */
export const InboxRef = z.object({ id: Id, name: z.string() }).meta({ id: 'InboxRef' });
