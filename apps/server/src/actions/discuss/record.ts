import type { Selectable } from 'kysely';
import type { EndCause, RequestType } from '@switchboard/core';
import type { EngagementStep, EngagementTrackingRecord, RequestStatus } from '@switchboard/protocol';
import type { Db, Tx } from '../../store/db.ts';
import type { EngagementRequestsTable, EngagementStepsTable } from '../../store/schema.ts';

export type RequestRow = Selectable<EngagementRequestsTable>;
export type StepRow = Selectable<EngagementStepsTable>;

/**
 * Rows → Engagement Tracking Records in three statements whatever the page size: the steps of all
 * the requests, the names of everyone involved, the conversations' customers.
 */
export async function presentRecords(db: Db | Tx, rows: RequestRow[]): Promise<EngagementTrackingRecord[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const steps = await db.selectFrom('engagement_steps').selectAll().where('request_id', 'in', ids).orderBy('id').execute();
  const userIds = [...new Set([...rows.flatMap((r) => [r.initiator_id, r.recipient_id]), ...steps.flatMap((s) => (s.by_user_id == null ? [] : [s.by_user_id]))])];
  const convIds = [...new Set(rows.map((r) => r.conversation_id))];
  const [users, convs] = await Promise.all([
    db.selectFrom('users').select(['id', 'name']).where('id', 'in', userIds).execute(),
    db
      .selectFrom('conversations as c')
      .leftJoin('contacts as k', 'k.id', 'c.contact_id')
      .select(['c.id', 'c.subject', 'k.name as contact_name'])
      .where('c.id', 'in', convIds)
      .execute(),
  ]);
  const nameOf = new Map(users.map((u) => [u.id, u.name]));
  const person = (id: number) => ({ id, name: nameOf.get(id) ?? 'a former user' });
  const subjectOf = new Map(convs.map((c) => [c.id, c.contact_name ?? c.subject ?? `Conversation #${c.id}`]));
  const stepsOf = new Map<number, EngagementStep[]>();
  for (const s of steps) {
    const list = stepsOf.get(s.request_id) ?? [];
    list.push(presentStep(s, person));
    stepsOf.set(s.request_id, list);
  }
  return rows.map((r) => presentRecord(r, stepsOf.get(r.id) ?? [], person, subjectOf.get(r.conversation_id) ?? `Conversation #${r.conversation_id}`));
}

function presentStep(s: StepRow, person: (id: number) => { id: number; name: string }): EngagementStep {
  return {
    step: s.step as EngagementStep['step'],
    by: s.by_user_id == null ? null : person(s.by_user_id),
    reason: s.reason,
    resolved: s.resolved == null ? null : s.resolved === 1,
    endCause: (s.end_cause as EndCause | null) ?? null,
    at: s.at,
  };
}

function presentRecord(r: RequestRow, steps: EngagementStep[], person: (id: number) => { id: number; name: string }, subject: string): EngagementTrackingRecord {
  const accepted = steps.find((s) => s.step === 'accepted');
  return {
    id: r.id,
    type: r.type as RequestType,
    conversationId: r.conversation_id,
    conversationSubject: subject,
    queueId: r.queue_id,
    initiator: person(r.initiator_id),
    recipient: person(r.recipient_id),
    recipientType: r.recipient_type,
    status: r.status as RequestStatus,
    rejectReason: r.status === 'rejected' ? r.reason : null,
    withdrawReason: r.status === 'withdrawn' ? r.reason : null,
    resolved: r.resolved == null ? null : r.resolved === 1,
    endCause: (r.end_cause as EndCause | null) ?? null,
    requestedAt: r.requested_at,
    expiresAt: r.expires_at,
    answeredAt: r.answered_at,
    endedAt: r.ended_at,
    waitMs: r.answered_at == null ? null : r.answered_at - r.requested_at,
    durationMs: r.ended_at == null || !accepted ? null : r.ended_at - accepted.at,
    steps,
  };
}

const CSV_COLUMNS = [
  'id', 'type', 'conversation', 'customer', 'queue', 'initiator', 'recipient', 'recipient type', 'status',
  'reject reason', 'withdraw reason', 'resolved', 'end cause', 'requested at', 'answered at', 'ended at', 'wait (s)', 'duration (s)',
] as const;

/** A cell as RFC 4180 wants it; a leading =, +, - or @ is defused so a spreadsheet shows it as text. */
function cell(v: string | number | null): string {
  if (v == null) return '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const iso = (t: number | null) => (t == null ? null : new Date(t).toISOString());
const secs = (ms: number | null) => (ms == null ? null : Math.round(ms / 100) / 10);

export function recordsCsv(records: EngagementTrackingRecord[], queueNames: Map<number, string>): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of records) {
    lines.push(
      [
        r.id, r.type, r.conversationId, r.conversationSubject, r.queueId == null ? null : (queueNames.get(r.queueId) ?? r.queueId),
        r.initiator.name, r.recipient.name, r.recipientType, r.status, r.rejectReason, r.withdrawReason,
        r.resolved == null ? null : r.resolved ? 'yes' : 'no', r.endCause, iso(r.requestedAt), iso(r.answeredAt), iso(r.endedAt), secs(r.waitMs), secs(r.durationMs),
      ]
        .map(cell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
