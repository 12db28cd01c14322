import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  Ok,
  OutboxConsumerParams,
  OutboxConsumersResponse,
  OutboxDeadLetterParams,
  OutboxDeadLettersQuery,
  OutboxDeadLettersResponse,
  errorResponses,
  SIGNED_IN,
  type ErrorCode,
} from '@switchboard/protocol';
import { requireAdmin, requireAuth } from '../auth.ts';
import type { Services } from '../services.ts';
import { consumerExists, consumerStatuses, deadLetters } from '../../store/outbox.ts';
import { latestSeq } from '../../store/events.ts';
import { retryDeadLetter } from '../../actions/outbox.ts';
import { AppError } from '../../errors.ts';

const common: readonly ErrorCode[] = [...SIGNED_IN, 'forbidden', 'not_found'];
const tags = ['outbox'];

/** Administrators watch the outbox consumers and retry their dead letters. */
export function outboxRoutes(s: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', requireAuth);
    const db = s.store.db;

    app.get(
      '/admin/outbox',
      { schema: { tags, operationId: 'listOutboxConsumers', summary: 'Outbox consumers: progress, lease holder and parked items (admin)', response: { 200: OutboxConsumersResponse, ...errorResponses(common) } } },
      async (req) => {
        requireAdmin(req);
        const [statuses, h] = await Promise.all([consumerStatuses(db), latestSeq(db)]);
        return {
          items: statuses.map((st) => ({
            name: st.cursor.consumer,
            lastSeq: st.cursor.last_seq,
            lag: Math.max(0, h - st.cursor.last_seq),
            leaseOwner: st.cursor.lease_until > s.clock.now() ? st.cursor.lease_owner : null,
            leaseUntil: st.cursor.lease_owner ? st.cursor.lease_until : null,
            retrying: st.retrying,
            waiting: st.waiting,
            dead: st.dead,
          })),
        };
      },
    );

    app.get(
      '/admin/outbox/:consumer/dead-letters',
      {
        schema: {
          tags,
          operationId: 'listDeadLetters',
          summary: 'A consumer’s dead letters, newest first, with their last error (admin)',
          params: OutboxConsumerParams,
          querystring: OutboxDeadLettersQuery,
          response: { 200: OutboxDeadLettersResponse, ...errorResponses(common) },
        },
      },
      async (req) => {
        requireAdmin(req);
        if (!(await consumerExists(db, req.params.consumer))) throw new AppError('not_found', 'No such outbox consumer.', 404);
        const rows = await deadLetters(db, req.params.consumer, req.query.limit, req.query.before);
        return {
          items: rows.map((d) => ({
            id: d.id,
            consumer: d.consumer,
            seq: Number(d.seq),
            type: d.type,
            key: d.key,
            attempts: d.attempts,
            lastError: d.last_error,
            firstFailedAt: d.first_failed_at == null ? null : Number(d.first_failed_at),
            updatedAt: Number(d.updated_at),
          })),
        };
      },
    );

    app.post(
      '/admin/outbox/:consumer/dead-letters/:id/retry',
      {
        schema: {
          tags,
          operationId: 'retryDeadLetter',
          summary: 'Put a dead letter back in line: due now, or behind its key’s pending items (admin)',
          params: OutboxDeadLetterParams,
          response: { 200: Ok, ...errorResponses(common) },
        },
      },
      async (req) => {
        const viewer = requireAdmin(req);
        await retryDeadLetter(s.actions, viewer, req.params.consumer, req.params.id);
        s.outbox.wake(req.params.consumer);
        return { ok: true as const };
      },
    );
  };
}
