import { z } from 'zod';
import { Id, Timestamp } from './common.ts';
import type { Scope } from './access.ts';

/**
 * Agent bots (issue 16 item 2): Admin → Bots. A bot is a user of kind `bot`; the queues it starts
 * give it their new conversations; it hears of them by signed webhook and answers through the API
 * with its own token, then hands over (`POST /conversations/{id}/handoff`). docs/bots.md.
 */
/**
 * What a bot's token may reach, and no more: it reads the conversations it holds (history, files)
 * and acts on them (replies, notes, hand-off). No `account`, contacts, reports or workspace reads.
 */
export const BOT_SCOPES: readonly Scope[] = ['conversations:read', 'conversations:write'];

const BotUrl = z
  .string()
  .max(2000)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'http or https only')
  .describe('Where the bot’s deliveries are POSTed (signed like webhooks). Private, loopback and link-local targets are refused unless WEBHOOKS_ALLOW_PRIVATE=1');

export const Bot = z
  .object({
    id: Id.describe('The bot’s user id (the assignee of the conversations it holds)'),
    name: z.string(),
    url: z.string().describe('Its outgoing URL; `builtin:greeter` for the demo data’s built-in bot'),
    queueIds: z.array(Id).describe('Queues whose new conversations go to this bot first'),
    active: z.boolean(),
    holding: z.number().int().describe('Conversations it holds now'),
    lastError: z.string().nullable().describe('The last failed delivery (each failure hands that conversation to humans at once)'),
    createdAt: Timestamp,
  })
  .meta({
    id: 'Bot',
    examples: [{ id: 12, name: 'Greeter', url: 'https://bots.example.com/switchboard', queueIds: [1], active: true, holding: 3, lastError: null, createdAt: 1764662400000 }],
  });
export type Bot = z.infer<typeof Bot>;

export const BotWithSecrets = Bot.extend({
  token: z.string().describe('The bot’s API token (Bearer), scoped to `conversations:read` and `conversations:write` on the conversations it holds: shown this once'),
  secret: z.string().describe('whsec_… signing secret of its deliveries (Standard Webhooks): shown this once'),
}).meta({
  id: 'BotWithSecrets',
  examples: [
    {
      id: 12,
      name: 'Greeter',
      url: 'https://bots.example.com/switchboard',
      queueIds: [1],
      active: true,
      holding: 0,
      lastError: null,
      createdAt: 1764662400000,
      token: 'sbb_3q2x…',
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    },
  ],
});
export type BotWithSecrets = z.infer<typeof BotWithSecrets>;

export const BotsResponse = z.object({ items: z.array(Bot) }).meta({ id: 'BotsResponse' });

export const CreateBotRequest = z
  .object({
    name: z.string().trim().min(1).max(80),
    url: BotUrl,
    queueIds: z.array(Id).max(100).default([]).describe('Queues that start with this bot (a queue starts with one bot at most: it moves to this one)'),
  })
  .meta({ examples: [{ name: 'Greeter', url: 'https://bots.example.com/switchboard', queueIds: [1] }] });

export const UpdateBotRequest = z
  .object({
    name: z.string().trim().min(1).max(80).optional(),
    url: BotUrl.optional(),
    queueIds: z.array(Id).max(100).optional(),
  })
  .meta({ examples: [{ queueIds: [1, 2] }] });

export const HandoffRequest = z
  .object({ note: z.string().trim().max(500).optional().describe('For the agent who takes over: shown in the history') })
  .meta({ examples: [{ note: 'Asks about an invoice from March' }] });

/** What a bot receives: the webhook events it is sent for the conversations it holds. */
export const BOT_EVENTS = ['conversation_created', 'message_created'] as const;
