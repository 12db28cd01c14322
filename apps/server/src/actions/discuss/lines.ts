import type { RequestStep } from '@switchboard/core';
import type { RequestStepKind } from '@switchboard/protocol';
import type { Tx } from '../../store/db.ts';
import type { RequestRow } from './record.ts';

/** The thread's system line for each step of a request (one per step, for the agents only). */
export async function lineFor(tx: Tx, r: RequestRow, step: RequestStepKind, s?: Pick<RequestStep, 'reason' | 'resolved' | 'endCause'>): Promise<string> {
  const users = await tx.selectFrom('users').select(['id', 'name']).where('id', 'in', [r.initiator_id, r.recipient_id]).execute();
  const name = (id: number) => users.find((u) => u.id === id)?.name ?? 'a former user';
  const from = name(r.initiator_id);
  const to = name(r.recipient_id);
  const what = r.type === 'assign' ? 'assign request' : 'discuss request';
  const lost = `${from} no longer has the conversation`;
  switch (step) {
    case 'requested':
      return r.type === 'assign' ? `${from} requested to assign the conversation to ${to}` : `${from} requested to discuss with ${to}`;
    case 'accepted':
      return `${to} accepted the ${what}`;
    case 'rejected':
      return `${to} rejected the ${what}: ${s?.reason ?? ''}`;
    case 'withdrawn':
      return `${from} withdrew the ${what} to ${to}: ${s?.reason ?? ''}`;
    case 'timed_out':
      return `The ${what} to ${to} timed out`;
    case 'cancelled':
      return `The ${what} to ${to} was cancelled: ${lost}`;
    case 'ended':
      if (s?.endCause === 'initiator_lost_conversation') return `The discussion with ${to} ended: ${lost}`;
      return `${from} ended the discussion with ${to} (issue resolved: ${s?.resolved ? 'yes' : 'no'})`;
    case 'left':
      return `${to} left the discussion`;
  }
}
