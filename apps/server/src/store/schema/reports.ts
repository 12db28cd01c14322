import type { Generated } from 'kysely';

// Report tables (facts, rollups, agent status): part of store/schema.ts's Database.

/** Reports (017_reports): one fact row per conversation, kept in step by every conversation change. */
export interface ConversationFactsTable {
  conversation_id: number;
  created_at: number;
  queue_id: number | null;
  agent_id: number | null;
  channel: string;
  inbox_id: number | null;
  contact_id: number | null;
  linked: number;
  resolved: number;
  abandoned: number;
  callback: number;
  reopened: number;
  offers_declined: number;
  offers_timed_out: number;
  replies_due: number;
  replies_breached: number;
  first_response_ms: number | null;
  resolution_ms: number | null;
  handle_ms: number | null;
  wrap_up_ms: number | null;
  wait_ms: number | null;
  handling_since: number | null;
  wrap_up_since: number | null;
  /** 019_report_rollups: the local day it arrived on, in the rollups' time zone (days since 1970-01-01). */
  day: Generated<number>;
}

/** Reports (019_report_rollups): daily (and, in report_months, monthly) rollups of the facts; 0 = none in the key columns. */
export interface ReportDaysTable {
  day: number;
  queue_id: number;
  agent_id: number;
  channel: string;
  inbox_id: number;
  /** 027_rollup_shards: a cell is the sum of its shards (concurrent transactions write different ones). */
  shard: Generated<number>;
  created: number;
  resolved: number;
  abandoned: number;
  callback: number;
  reopened: number;
  linked: number;
  offers_declined: number;
  offers_timed_out: number;
  replies_due: number;
  replies_breached: number;
  first_response_n: number;
  first_response_sum: number;
  first_response_hist: string;
  resolution_n: number;
  resolution_sum: number;
  resolution_hist: string;
  handle_n: number;
  handle_sum: number;
  handle_hist: string;
  wrap_up_n: number;
  wrap_up_sum: number;
  wrap_up_hist: string;
  wait_n: number;
  wait_sum: number;
  wait_hist: string;
}

/** Reports (025_report_dimensions): per day (month) × queue, the figures of one tag, label or customer tag ('all', 0: every conversation). */
export interface ReportDimDaysTable extends Omit<ReportDaysTable, 'agent_id' | 'channel' | 'inbox_id'> {
  dim: string;
  dim_id: number;
}

/** Reports (019_report_rollups): the time zone the rollups' days are local to (one row, id 1). */
export interface ReportRollupStateTable {
  id: number;
  time_zone: string;
}

/** Reports (017_reports): each stretch of time an agent spent in one status; ended_at null while it lasts. */
export interface AgentStatusIntervalsTable {
  id: Generated<number>;
  user_id: number;
  status: string;
  started_at: number;
  ended_at: number | null;
}
