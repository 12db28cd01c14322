import { refuse, type Refusal } from '../errors.ts';

/** Seed 002 message statuses: clock (queued) → one tick (sent/delivered) → two ticks (read), or a red cross. */
export const DELIVERY_STATUSES = ['queued', 'sent', 'delivered', 'read', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

const RANK: Record<DeliveryStatus, number> = { queued: 0, sent: 1, delivered: 2, read: 3, failed: -1 };

/**
 * Providers report statuses late and out of order; a status only ever moves forward, and a message
 * the customer has received cannot fail afterwards. Returns the status to store, or null to ignore.
 */
export function nextDeliveryStatus(current: DeliveryStatus, reported: DeliveryStatus): DeliveryStatus | null | Refusal {
  if (current === reported) return null;
  if (reported === 'failed') {
    return current === 'queued' || current === 'sent' ? 'failed' : refuse('already_delivered', 'The message was already delivered; it cannot fail now.');
  }
  if (current === 'failed') return refuse('message_failed', 'The message failed; send it again instead.');
  return RANK[reported] > RANK[current] ? reported : null;
}
