import type { Generated } from 'kysely';
import type { ChannelMessagesTable, ChannelWebhooksTable, EmailMessagesTable, ImapStateTable, InboxLeasesTable, InboxesTable, WhatsappTemplatesTable } from './schema/channels.ts';
import type { AgentStatusIntervalsTable, ConversationFactsTable, ReportDaysTable, ReportDimDaysTable, ReportRollupStateTable } from './schema/reports.ts';

// The table shapes of one area each live in schema/; every importer keeps naming this file.
export type * from './schema/channels.ts';
export type * from './schema/reports.ts';

/**
 * Table shapes as Kysely sees them. Times are epoch milliseconds, booleans are 0/1 and JSON is text,
 * so SQLite and PostgreSQL store exactly the same values.
 */
export interface UsersTable {
  id: Generated<number>;
  email: string;
  name: string;
  role: 'admin' | 'supervisor' | 'agent';
  password_hash: string;
  status: string;
  capacity: number | null;
  disabled: number;
  created_at: number;
  /** Last offer or assignment by routing (round-robin order); 002_routing. */
  last_routed_at: number | null;
  /** An administrator reset the password: a new one must be chosen first; 012_security. */
  must_change_password: Generated<number>;
  /** Admin-granted right to browse every contact (not only those of visible conversations); 012. */
  browse_contacts: Generated<number>;
  /** 'bot' for an agent bot (022_bots): never a queue member, never offered anything, no password. */
  kind: Generated<'human' | 'bot'>;
  /** JSON of protocol `Preferences` (what alerts the user wants); 026_profiles. */
  preferences: Generated<string>;
  /** When the avatar was last set (its URL's version), null: none; 026_profiles. */
  avatar_at: number | null;
}

/** A user's avatar image, apart from `users` so user lists never load its bytes; 026_profiles. */
export interface UserAvatarsTable {
  user_id: number;
  content_type: string;
  /** base64: one text column reads the same on both engines. */
  data: string;
  updated_at: number;
}

export interface SessionsTable {
  id: string; // sha256 of the cookie value
  user_id: number;
  csrf_token: string;
  created_at: number;
  expires_at: number;
  /** Last request on this session, for the idle timeout; 012_security. */
  last_seen_at: number | null;
}

/** One-time tickets for a stream socket (012_security). */
export interface StreamTicketsTable {
  id: string; // sha256 of the ticket
  credential: string;
  expires_at: number;
}

export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string;
  created_at: number;
  last_used_at: number | null;
  /** `personal` (acts as its user, every scope), `integration` (021: scoped, made by an administrator) or `bot` (an agent bot's own, protocol BOT_SCOPES). */
  kind: Generated<string>;
  /** JSON array of protocol SCOPES; NULL for a personal token. */
  scopes: string | null;
  expires_at: number | null;
  rate_per_minute: number | null;
}

export interface UserGroupsTable {
  id: Generated<number>;
  name: string;
  /** JSON array of core GROUP_RIGHTS. */
  rights: string;
  created_at: number;
  updated_at: number;
}

export interface UserGroupMembersTable {
  group_id: number;
  user_id: number;
}

export interface QueuesTable {
  id: Generated<number>;
  name: string;
  routing_mode: string;
  settings: string; // JSON
  created_at: number;
  /** New conversations go to this bot first (022_bots). */
  bot_id: Generated<number | null>;
}

export interface QueueMembersTable {
  queue_id: number;
  user_id: number;
  /** 1 when the member serves the queue now (chosen at login, seed 001); 002_routing. */
  serving: Generated<number>;
}

export interface ContactsTable {
  id: Generated<number>;
  name: string;
  email: string | null;
  phone: string | null;
  attributes: string; // JSON object of string values
  source: string; // JSON: channel, pageUrl, utm
  blocked: number;
  created_at: number;
  updated_at: number;
}

export interface ContactIdentitiesTable {
  contact_id: number;
  channel: string;
  external_id: string;
}

export interface TagsTable {
  id: Generated<number>;
  /** 'customer' tags belong to contacts (colour, pinnable); 'conversation' tags to conversations. */
  kind: 'customer' | 'conversation';
  name: string;
  color: string;
}

export interface ContactTagsTable {
  contact_id: number;
  tag_id: number;
  pinned: number;
}

export interface ConversationTagsTable {
  conversation_id: number;
  tag_id: number;
}

export interface LabelsTable {
  id: Generated<number>;
  name: string;
  color: string;
  builtin: number;
}

export interface ConversationLabelsTable {
  conversation_id: number;
  label_id: number;
}

export interface ConversationsTable {
  id: Generated<number>;
  contact_id: number | null;
  channel: string;
  subject: string | null;
  queue_id: number | null;
  assignee_id: number | null;
  status: string;
  priority: string;
  previous_conversation_id: number | null;
  created_at: number;
  updated_at: number;
  first_response_at: number | null;
  last_customer_message_at: number | null;
  last_agent_message_at: number | null;
  resolved_at: number | null;
  resolution_note: string | null;
  last_message_id: number | null;
  last_activity_at: number;
  /** Seed 002 reply time limit: when the awaited reply is due (null: none); 002_routing. */
  reply_due_at: number | null;
  /** When it last started waiting in its queue; 002_routing. */
  queued_at: number | null;
  /** Offered first to this agent (a chat raised from a ticket: the ticket's agent, seed 003). */
  preferred_agent_id: number | null;
  /** The inbox (channel instance) it came in by; 011_inboxes. */
  inbox_id?: number | null;
  /** 1 while an offer of it is open: kept by triggers on offers (028), so the waiting line's index skips offered ones. */
  on_offer: Generated<number>;
}

export interface ConversationParticipantsTable {
  conversation_id: number;
  user_id: number;
  role: string;
}

export interface MessagesTable {
  id: Generated<number>;
  conversation_id: number;
  sender_kind: 'customer' | 'agent' | 'bot' | 'system';
  sender_user_id: number | null;
  sender_contact_id: number | null;
  body: string;
  internal: number;
  reply_to_id: number | null;
  attachments: string; // JSON array
  status: string;
  failure_reason: string | null;
  system_event: string | null; // JSON: { kind, ... } for system messages
  client_id: string | null;
  created_at: number;
}

export interface ConversationReadsTable {
  user_id: number;
  conversation_id: number;
  last_read_message_id: number;
  marked_unread: number;
}

export interface DraftsTable {
  user_id: number;
  conversation_id: number;
  body: string;
  updated_at: number;
}

export interface EventsTable {
  id: Generated<number>;
  /** Delivery order: null until the sequencer numbers the committed row (SQLite numbers it at once). */
  seq: number | null;
  type: string;
  conversation_id: number | null;
  /** Audience columns (see core `EventScope`), copied at write time so replay decides as live did. */
  queue_id: number | null;
  assignee_id: number | null;
  participant_ids: string | null; // JSON array
  user_id: number | null;
  contact_id: number | null;
  internal: number;
  /** 1 when the event is workspace-wide (presence, settings): every agent may see it. */
  broadcast: number;
  /** A loss of sight's scope before the change (core `EventScope.revokedFrom`), JSON; 029. */
  revoked_from: string | null;
  data: string; // JSON
  actor_id: number | null;
  at: number;
}

/** Routing offers (002_routing): one open offer per conversation at most. */
export interface OffersTable {
  id: Generated<number>;
  conversation_id: number;
  user_id: number;
  status: 'offered' | 'accepted' | 'declined' | 'expired' | 'withdrawn';
  created_at: number;
  expires_at: number;
  answered_at: number | null;
}

/** Durable timers (002_routing): written with the state they guard, claimed by one worker. */
export interface TimersTable {
  id: Generated<number>;
  key: string;
  kind: string;
  conversation_id: number | null;
  user_id: number | null;
  data: string | null;
  due_at: number;
  claimed_by: string | null;
  claimed_until: Generated<number>;
}

/** Seed 000 requests (010_engagement): the current state of each; its history is in engagement_steps. */
export interface EngagementRequestsTable {
  id: Generated<number>;
  type: 'assign' | 'discuss';
  conversation_id: number;
  queue_id: number | null;
  initiator_id: number;
  recipient_id: number;
  recipient_type: 'user' | 'manager';
  status: string;
  /** The reject or withdraw reason. */
  reason: string | null;
  resolved: number | null;
  end_cause: string | null;
  requested_at: number;
  expires_at: number;
  answered_at: number | null;
  ended_at: number | null;
}

/** Append-only steps of a request: the Engagement Tracking Record's history. */
export interface EngagementStepsTable {
  id: Generated<number>;
  request_id: number;
  step: string;
  by_user_id: number | null;
  reason: string | null;
  resolved: number | null;
  end_cause: string | null;
  at: number;
}

/** The private thread of a discussion between initiator and consultant. */
export interface DiscussionMessagesTable {
  id: Generated<number>;
  request_id: number;
  conversation_id: number;
  sender_user_id: number;
  body: string;
  attachments: string; // JSON array
  client_id: string | null;
  created_at: number;
}

/** One row per outbox consumer (014_outbox): how far it got, and which node holds it. */
export interface OutboxCursorsTable {
  consumer: string;
  last_seq: number;
  lease_owner: string | null;
  lease_until: Generated<number>;
  updated_at: number;
}

/** An outbox item not handled on its first try (014_outbox); see events/outbox/. */
export interface OutboxDeliveriesTable {
  id: Generated<number>;
  consumer: string;
  seq: number;
  key: string;
  state: 'retry' | 'waiting' | 'dead';
  attempts: Generated<number>;
  next_attempt_at: Generated<number>;
  first_failed_at: number | null;
  last_error: string | null;
  updated_at: number;
}

// ---------------------------------------------------------------- 003_customer

export interface WidgetSettingsTable {
  id: number;
  settings: string; // JSON, see protocol WidgetSettings
  updated_at: number;
}

export interface VisitorSessionsTable {
  token_hash: string; // sha256 of the visitor token
  contact_id: number;
  /** 1 when the site vouched for the user with an HMAC of their id. */
  verified: number;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

export interface TicketsTable {
  id: Generated<number>;
  contact_id: number | null;
  subject: string;
  assignee_id: number | null;
  queue_id: number | null;
  status: 'open' | 'pending' | 'closed';
  source_conversation_id: number | null;
  created_at: number;
  updated_at: number;
}

export interface TicketNotesTable {
  id: Generated<number>;
  ticket_id: number;
  author_user_id: number | null;
  author_contact_id: number | null;
  body: string;
  internal: number;
  created_at: number;
}

export interface FilesTable {
  id: Generated<number>;
  key: string;
  name: string;
  content_type: string;
  size: number;
  data: Buffer;
  contact_id: number | null;
  ticket_id: number | null;
  conversation_id: number | null;
  created_at: number;
}

export interface ChatRequestsTable {
  conversation_id: number;
  origin: 'widget' | 'portal' | 'ticket';
  ticket_id: number | null;
  callback_phone: string | null;
  callback_time: string | null;
  callback_requested_at: number | null;
  completed_by: number | null;
  completed_at: number | null;
  ended_with: 'ticket' | 'plain' | 'completed' | null;
  created_at: number;
}

export interface SessionNotesTable {
  id: Generated<number>;
  conversation_id: number;
  author_id: number | null;
  body: string;
  created_at: number;
  updated_at: number;
}

// ---------------------------------------------------------------- 004_composer, 007, 008

/** Canned messages (seed 004); `owner_id` (007) makes one a personal quick reply, `template` (008) a reply template. */
export interface CannedMessagesTable {
  id: Generated<number>;
  title: string;
  body: string;
  created_by: number | null;
  /** Null: shared, administered by admins; a user id: that user's personal quick reply (007). */
  owner_id: number | null;
  /** 1 when administrators approved it as a reply template (008). */
  template: Generated<number>;
  created_at: number;
  updated_at: number;
}

/** Key/value settings: `composer` (the composer's rules), `channels` (attachment limits per channel). */
export interface ComposerSettingsTable {
  key: string;
  value: string; // JSON
  updated_at: number;
}

// ---------------------------------------------------------------- 020_webhooks

/** Outgoing webhooks (020_webhooks); each one's worker is the outbox consumer `webhook:<id>`. */
export interface WebhooksTable {
  id: Generated<number>;
  url: string;
  description: Generated<string>;
  events: string; // JSON array of webhook event names
  include_internal: Generated<number>;
  /** Sealed with the secret box: the whsec_ signing key. */
  secret: string;
  enabled: Generated<number>;
  disabled_reason: string | null;
  failing_since: number | null;
  created_by: number | null;
  created_at: number;
  updated_at: number;
  /** Set when this is an agent bot's outgoing URL (022_bots): not listed under Admin → Webhooks. */
  bot_id: Generated<number | null>;
}

/** A webhook's delivery log: one row per delivery (its id is stable across attempts), the last 100 kept. */
export interface WebhookDeliveriesTable {
  id: Generated<number>;
  webhook_id: number;
  message_id: string;
  event_seq: number;
  event: string;
  conversation_id: number | null;
  payload: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: Generated<number>;
  response_code: number | null;
  duration_ms: number | null;
  error: string | null;
  created_at: number;
  last_attempt_at: number | null;
}

/** What a webhook last heard of a conversation, to tell status and assignee changes apart. */
export interface WebhookConversationsTable {
  webhook_id: number;
  conversation_id: number;
  status: string;
  assignee_id: number | null;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  user_avatars: UserAvatarsTable;
  api_tokens: ApiTokensTable;
  user_groups: UserGroupsTable;
  user_group_members: UserGroupMembersTable;
  queues: QueuesTable;
  queue_members: QueueMembersTable;
  contacts: ContactsTable;
  contact_identities: ContactIdentitiesTable;
  tags: TagsTable;
  contact_tags: ContactTagsTable;
  conversation_tags: ConversationTagsTable;
  labels: LabelsTable;
  conversation_labels: ConversationLabelsTable;
  conversations: ConversationsTable;
  conversation_participants: ConversationParticipantsTable;
  stream_tickets: StreamTicketsTable;
  messages: MessagesTable;
  conversation_reads: ConversationReadsTable;
  drafts: DraftsTable;
  events: EventsTable;
  offers: OffersTable;
  timers: TimersTable;
  inboxes: InboxesTable;
  email_messages: EmailMessagesTable;
  inbox_leases: InboxLeasesTable;
  imap_state: ImapStateTable;
  channel_webhooks: ChannelWebhooksTable;
  channel_messages: ChannelMessagesTable;
  whatsapp_templates: WhatsappTemplatesTable;
  engagement_requests: EngagementRequestsTable;
  engagement_steps: EngagementStepsTable;
  discussion_messages: DiscussionMessagesTable;
  outbox_cursors: OutboxCursorsTable;
  outbox_deliveries: OutboxDeliveriesTable;
  conversation_facts: ConversationFactsTable;
  report_days: ReportDaysTable;
  report_months: ReportDaysTable;
  report_rollup_state: ReportRollupStateTable;
  report_dim_days: ReportDimDaysTable;
  report_dim_months: ReportDimDaysTable;
  agent_status_intervals: AgentStatusIntervalsTable;
  widget_settings: WidgetSettingsTable;
  visitor_sessions: VisitorSessionsTable;
  tickets: TicketsTable;
  ticket_notes: TicketNotesTable;
  files: FilesTable;
  chat_requests: ChatRequestsTable;
  session_notes: SessionNotesTable;
  canned_messages: CannedMessagesTable;
  composer_settings: ComposerSettingsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_conversations: WebhookConversationsTable;
}
