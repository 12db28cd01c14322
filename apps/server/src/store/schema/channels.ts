import type { Generated } from 'kysely';

// Channel tables (inboxes, email, WhatsApp/Telegram/Messenger): part of store/schema.ts's Database.

/** A channel instance set up by an administrator (011_inboxes). */
export interface InboxesTable {
  id: Generated<number>;
  channel: string;
  name: string;
  queue_id: number | null;
  address: string;
  settings: string; // JSON, per channel (channels/*/settings)
  secrets: string | null; // AES-256-GCM sealed JSON (channels/secrets.ts)
  enabled: number;
  last_error: string | null;
  last_error_at: number | null;
  created_at: number;
  updated_at: number;
}

/** An email received or sent by an inbox, by its RFC 5322 Message-ID (011_inboxes). */
export interface EmailMessagesTable {
  id: Generated<number>;
  inbox_id: number;
  direction: 'in' | 'out';
  rfc_message_id: string;
  conversation_id: number | null;
  message_id: number | null;
  state: 'received' | 'stored' | 'failed' | 'sent';
  raw_path: string | null;
  subject: string | null;
  from_address: string | null;
  cc: string | null;
  html: string | null;
  /** The whole plain text, quoted history included (018_email). */
  text: string | null;
  error: string | null;
  created_at: number;
}

/** Which node polls an inbox's mailbox (IMAP), until when (018_email). */
export interface InboxLeasesTable {
  inbox_id: number;
  owner: string;
  lease_until: number;
}

/** A provider's webhook body, stored raw before it is acknowledged, then processed (016_channels). */
export interface ChannelWebhooksTable {
  id: Generated<number>;
  channel: string;
  inbox_id: number | null;
  event_key: string | null;
  raw: string;
  state: 'received' | 'processed' | 'failed';
  attempts: number;
  next_attempt_at: number;
  claimed_until: number | null;
  error: string | null;
  received_at: number;
  processed_at: number | null;
}

/** Our message ↔ the provider's message id, and the state of sending an outgoing one (016_channels). */
export interface ChannelMessagesTable {
  id: Generated<number>;
  inbox_id: number;
  direction: 'in' | 'out';
  provider_message_id: string | null;
  message_id: number | null;
  conversation_id: number | null;
  state: 'received' | 'read' | 'pending' | 'sending' | 'retry' | 'sent' | 'failed';
  payload: string | null;
  parts_sent: Generated<number>;
  error: string | null;
  created_at: number;
  updated_at: number;
}

/** An approved WhatsApp message template, synced from the business account (016_channels). */
export interface WhatsappTemplatesTable {
  id: Generated<number>;
  inbox_id: number;
  name: string;
  language: string;
  status: string;
  category: string | null;
  body: string;
  parameters: number;
  synced_at: number;
}

/** Where IMAP polling of an inbox stands (011_inboxes). */
export interface ImapStateTable {
  inbox_id: number;
  uid_validity: string;
  last_uid: number;
  updated_at: number;
}
