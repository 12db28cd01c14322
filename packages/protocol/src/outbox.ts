import { z } from 'zod';
import { Id, Timestamp } from './common.ts';

/** Administration of the outbox consumers (outbound email, channels, webhooks): their progress and dead letters. */
export const OutboxConsumerName = z.string().min(1).max(100).regex(/^[a-z0-9._:-]+$/i, 'letters, digits and . _ : -');

export const OutboxConsumerParams = z.object({ consumer: OutboxConsumerName });
export const OutboxDeadLetterParams = z.object({ consumer: OutboxConsumerName, id: Id });

export const OutboxConsumerStatus = z.object({
  name: OutboxConsumerName,
  lastSeq: z.number().int().describe('Every event up to this seq has been handled or parked'),
  lag: z.number().int().describe('Events committed after lastSeq'),
  leaseOwner: z.string().nullable().describe('The node working on it; null when none holds it'),
  leaseUntil: Timestamp.nullable(),
  retrying: z.number().int().describe('Items waiting for their next attempt'),
  waiting: z.number().int().describe('Items held behind an earlier failing item of the same key'),
  dead: z.number().int().describe('Items given up on: retry them once the cause is fixed'),
});
export type OutboxConsumerStatus = z.infer<typeof OutboxConsumerStatus>;
export const OutboxConsumersResponse = z.object({ items: z.array(OutboxConsumerStatus) });

export const OutboxDeadLetter = z.object({
  id: Id,
  consumer: OutboxConsumerName,
  seq: z.number().int().describe('The event it was about'),
  type: z.string().nullable().describe('The event type; null when the event is no longer retained'),
  key: z.string().describe('Its ordering key, e.g. conversation:12'),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  firstFailedAt: Timestamp.nullable(),
  updatedAt: Timestamp,
});
export type OutboxDeadLetter = z.infer<typeof OutboxDeadLetter>;

export const OutboxDeadLettersQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: Id.optional().describe('Older than this dead letter id (the last id of the previous page)'),
});
export const OutboxDeadLettersResponse = z.object({ items: z.array(OutboxDeadLetter) });
