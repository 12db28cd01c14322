import type { Generated } from 'kysely';

/** Tables of 003_customer, merged into the store's `Database` type. */
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

declare module './schema.ts' {
  interface Database {
    widget_settings: WidgetSettingsTable;
    visitor_sessions: VisitorSessionsTable;
    tickets: TicketsTable;
    ticket_notes: TicketNotesTable;
    files: FilesTable;
    chat_requests: ChatRequestsTable;
    session_notes: SessionNotesTable;
  }
}
