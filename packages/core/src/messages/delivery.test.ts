import { describe, expect, it } from 'vitest';
import { DELIVERY_STATUSES, nextDeliveryStatus, type DeliveryStatus } from './delivery.ts';

/**
 * Seed 002: the ticks under a sent message only move forward, whatever order the provider reports
 * them in, and a message the customer received never turns into a red cross.
 */
const FAILED_LATE = { ok: false, code: 'already_delivered', message: 'The message was already delivered; it cannot fail now.' };
const RESEND = { ok: false, code: 'message_failed', message: 'The message failed; send it again instead.' };

// current → what each reported status does (null: ignored, the ticks stay as they are)
const table: Record<DeliveryStatus, Record<DeliveryStatus, unknown>> = {
  queued: { queued: null, sent: 'sent', delivered: 'delivered', read: 'read', failed: 'failed' },
  sent: { queued: null, sent: null, delivered: 'delivered', read: 'read', failed: 'failed' },
  delivered: { queued: null, sent: null, delivered: null, read: 'read', failed: FAILED_LATE },
  read: { queued: null, sent: null, delivered: null, read: null, failed: FAILED_LATE },
  failed: { queued: RESEND, sent: RESEND, delivered: RESEND, read: RESEND, failed: null },
};

describe('delivery status reported by a provider', () => {
  const rows = DELIVERY_STATUSES.flatMap((current) => DELIVERY_STATUSES.map((reported) => [current, reported, table[current][reported]] as const));
  it.each(rows)('%s, then %s reported → %j', (current, reported, expected) => {
    expect(nextDeliveryStatus(current, reported)).toEqual(expected);
  });
});
