import { refuse, type Refusal } from '../errors.ts';

/**
 * Seed 004's channel rules: "WhatsApp 24-Hour Window: after a customer message, the business has 24
 * hours to respond freely; Template Messages: outside the 24-hour window, must use pre-approved
 * templates." Other channels have no such window.
 */
export const MESSAGING_WINDOW_MS = 24 * 60 * 60 * 1000;
export const WINDOWED_CHANNELS: ReadonlySet<string> = new Set(['whatsapp']);

/**
 * May an agent write freely (not a template) to this conversation now? True on channels without a
 * window; on WhatsApp only within 24 hours of the customer's last message (never if they have not
 * written). Internal notes never reach the customer and are not asked about.
 */
export function canSendFreeForm(channel: string, lastCustomerMessageAt: number | null, now: number): boolean {
  if (!WINDOWED_CHANNELS.has(channel)) return true;
  if (lastCustomerMessageAt == null) return false;
  return now - lastCustomerMessageAt < MESSAGING_WINDOW_MS;
}

/**
 * When free-form replies stop being allowed: null on a channel without a window, 0 when the customer
 * has never written (closed from the start), else 24 hours after their last message.
 */
export function messagingWindowClosesAt(channel: string, lastCustomerMessageAt: number | null): number | null {
  if (!WINDOWED_CHANNELS.has(channel)) return null;
  return lastCustomerMessageAt == null ? 0 : lastCustomerMessageAt + MESSAGING_WINDOW_MS;
}

/** The refusal for a free-form reply outside the window, or null when it may be sent. */
export function checkMessagingWindow(channel: string, lastCustomerMessageAt: number | null, now: number): Refusal | null {
  if (canSendFreeForm(channel, lastCustomerMessageAt, now)) return null;
  return refuse(
    'outside_messaging_window',
    lastCustomerMessageAt == null
      ? 'The customer has not written on WhatsApp yet, so only an approved reply template can be sent.'
      : 'The customer last wrote more than 24 hours ago: WhatsApp only allows an approved reply template until they write again.',
  );
}
