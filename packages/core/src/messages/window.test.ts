import { describe, expect, it } from 'vitest';
import { MESSAGING_WINDOW_MS, canSendFreeForm, checkMessagingWindow, messagingWindowClosesAt } from './window.ts';

const NOW = 1_800_000_000_000;
const H = 60 * 60 * 1000;

describe('canSendFreeForm (seed 004: the WhatsApp 24-hour window)', () => {
  it.each([
    ['WhatsApp, customer wrote a minute ago', 'whatsapp', NOW - 60_000, true],
    ['WhatsApp, customer wrote 23 h 59 min ago', 'whatsapp', NOW - 24 * H + 60_000, true],
    ['WhatsApp, exactly 24 h ago: the window has closed', 'whatsapp', NOW - MESSAGING_WINDOW_MS, false],
    ['WhatsApp, customer wrote 3 days ago', 'whatsapp', NOW - 72 * H, false],
    ['WhatsApp, customer never wrote', 'whatsapp', null, false],
    ['web chat has no window', 'web', NOW - 72 * H, true],
    ['web chat, customer never wrote', 'web', null, true],
    ['email has no window', 'email', NOW - 30 * 24 * H, true],
    ['Telegram has no window', 'telegram', null, true],
    ['Messenger is not held to it here', 'messenger', NOW - 72 * H, true],
  ] as const)('%s', (_name, channel, last, expected) => {
    expect(canSendFreeForm(channel, last, NOW)).toBe(expected);
    const refusal = checkMessagingWindow(channel, last, NOW);
    expect(refusal === null).toBe(expected);
    // The closing time the agent app is told agrees with the rule.
    const closesAt = messagingWindowClosesAt(channel, last);
    expect(closesAt === null || NOW < closesAt).toBe(expected);
    if (refusal) expect(refusal.code).toBe('outside_messaging_window');
  });

  it('explains which case applies', () => {
    expect(checkMessagingWindow('whatsapp', null, NOW)?.message).toMatch(/has not written/);
    expect(checkMessagingWindow('whatsapp', NOW - 25 * H, NOW)?.message).toMatch(/more than 24 hours ago/);
  });
});

describe('the WhatsApp window of a customer who never wrote', () => {
  it('is closed from the start (closes at 0), so the composer offers templates only', () => {
    expect(messagingWindowClosesAt('whatsapp', null)).toBe(0);
    expect(canSendFreeForm('whatsapp', null, 1000)).toBe(false);
  });
});
