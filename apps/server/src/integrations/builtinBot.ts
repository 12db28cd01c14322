import crypto from 'node:crypto';
import type { ConversationCore, Message } from '@switchboard/protocol';
import type { ActionContext } from '../actions/context.ts';
import { handOffConversation } from '../actions/bots.ts';
import { postAgentMessage } from '../actions/messages.ts';
import { loadViewer } from '../store/users.ts';
import type { Attempt } from './webhookHttp.ts';
import { signatureOf } from './webhookSigning.ts';

const GREETING = 'Hello! I am the Switchboard demo bot. Ask me anything — or write "agent" to talk to a person.';

/**
 * The demo data's bot (`builtin:greeter`), run in the server so `npm start` shows a bot without a
 * second process. It gets the same signed delivery any bot gets, from the same outbox worker, and
 * checks the signature as a receiver would; only the HTTP hop is left out. It answers through the
 * same actions the API calls with its token (`postAgentMessage` as the bot, `handOffConversation`):
 * greets a new conversation, hands over when the customer writes "agent" (or "human"), else says so.
 */
export async function greeterBot(ctx: ActionContext, botId: number, secret: string, headers: Record<string, string>, payload: string): Promise<Attempt> {
  const started = performance.now();
  const done = (error: string | null, status: number): Attempt => ({ ok: error === null, status, durationMs: Math.round(performance.now() - started), error });
  const expected = signatureOf(secret, headers['webhook-id']!, Number(headers['webhook-timestamp']), payload);
  const given = headers['webhook-signature'] ?? '';
  if (given.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(given), Buffer.from(expected))) return done('Answered 401 (signature)', 401);
  try {
    await react(ctx, botId, JSON.parse(payload) as Delivery);
    return done(null, 200);
  } catch (err) {
    // As a receiver's 500: the worker hands the conversation to humans.
    return done(`Answered 500 (${err instanceof Error ? err.message : String(err)})`, 500);
  }
}

type Delivery = { type: string; data: { conversation?: ConversationCore; message?: Message } };

async function react(ctx: ActionContext, botId: number, body: Delivery): Promise<void> {
  const user = await ctx.store.db.selectFrom('users').selectAll().where('id', '=', botId).executeTakeFirst();
  if (!user || user.disabled) throw new Error('the bot was removed');
  const me = { ...(await loadViewer(ctx.store.db, user)), name: user.name, bot: true };
  const say = (conversationId: number, text: string) => postAgentMessage(ctx, me, conversationId, { body: text, internal: false, attachments: [] });
  if (body.type === 'conversation_created' && body.data.conversation) {
    await say(body.data.conversation.id, GREETING);
  } else if (body.type === 'message_created' && body.data.message?.senderKind === 'customer') {
    const m = body.data.message;
    if (/\b(agent|human|person)\b/i.test(m.body)) {
      await say(m.conversationId, 'Of course — passing you to a colleague now.');
      await handOffConversation(ctx, me, m.conversationId, `The customer asked for a person: “${m.body.slice(0, 200)}”`);
    } else {
      await say(m.conversationId, 'Thanks! I am only a demo bot: write "agent" and a person takes over.');
    }
  }
}
