import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '@switchboard/protocol';
import type { Services } from '../services.ts';
import { AppError } from '../../errors.ts';
import { recordInboxError, type InboxRow } from '../../channels/inboxes.ts';
import { sameSecret, validHubSignature } from '../../channels/signatures.ts';
import { phoneNumberIdsOf } from '../../channels/whatsapp/inbound.ts';
import { pageIdsOf } from '../../channels/messenger/inbound.ts';

const tags = ['channels'];
const Handshake = z.object({ 'hub.mode': z.string().optional(), 'hub.verify_token': z.string().optional(), 'hub.challenge': z.string().optional() });
const Received = z.object({ ok: z.literal(true) });
const MAX_BODY = 4 * 1024 * 1024;

function unauthorized(message = 'The webhook signature does not match the app secret of any inbox.') {
  return new AppError('invalid_signature', message, 401);
}

/**
 * Provider webhooks (issue 13 item 2). No session: each request is authenticated by what the
 * provider signs — X-Hub-Signature-256 over the raw body (WhatsApp, Messenger), the secret token
 * header (Telegram). A bad signature is 401 and stores nothing; a good one is stored raw, answered
 * 200 at once, and processed from the stored copy (channels/webhooks.ts).
 */
export function webhookRoutes(s: Services): FastifyPluginAsyncZod {
  return async (app) => {
    // The signature is over the bytes as sent: keep them, parse later.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BODY }, (_req, body, done) => done(null, body));

    const secretsOf = (inbox: InboxRow): Record<string, string> => {
      try {
        return s.secrets.open(inbox.secrets);
      } catch {
        return {};
      }
    };
    const inboxesOf = (channel: string) => s.store.db.selectFrom('inboxes').selectAll().where('channel', '=', channel).where('enabled', '=', 1).execute();

    /** GET handshake: answer the challenge when the verify token is one of an inbox of the channel. */
    const handshake = (channel: 'whatsapp' | 'messenger') => async (req: { query: z.infer<typeof Handshake> }, reply: { type(t: string): unknown; send(b: string): unknown }) => {
      const q = req.query;
      if (q['hub.mode'] !== 'subscribe' || !q['hub.challenge']) throw new AppError('bad_request', 'Expected hub.mode=subscribe with a hub.challenge.', 400);
      const ok = (await inboxesOf(channel)).some((i) => sameSecret(secretsOf(i).verifyToken, q['hub.verify_token']));
      if (!ok) throw new AppError('invalid_verify_token', 'The verify token matches no inbox of this channel.', 403);
      reply.type('text/plain');
      return reply.send(q['hub.challenge']);
    };

    for (const channel of ['whatsapp', 'messenger'] as const) {
      app.get(
        `/webhooks/${channel}`,
        {
          schema: {
            tags,
            operationId: `${channel}WebhookHandshake`,
            summary: `${channel === 'whatsapp' ? 'WhatsApp' : 'Messenger/Instagram'} webhook subscription handshake (answers hub.challenge)`,
            // Public: the provider proves itself with the verify token (handshake) or the signature.
            security: [],
            querystring: Handshake,
            response: { 200: z.string(), ...errorResponses('invalid_verify_token') },
          },
        },
        handshake(channel) as never,
      );
    }

    /**
     * WhatsApp and Messenger/Instagram POSTs: signed with the app secret of some inbox of the channel,
     * routed by the account id in the body (phone number id, page id) to the inbox with that address.
     */
    const hubPost = (channel: 'whatsapp' | 'messenger', idsOf: (p: unknown) => string[], what: string) => async (req: { body: unknown; headers: Record<string, unknown>; log: { warn(o: object, m: string): void } }) => {
      const raw = req.body as Buffer;
      const sig = req.headers['x-hub-signature-256'] as string | undefined;
      const inboxes = await inboxesOf(channel);
      const signedBy = inboxes.filter((i) => validHubSignature(secretsOf(i).appSecret, raw, sig));
      if (!signedBy.length) throw unauthorized();
      let payload: unknown;
      try {
        payload = JSON.parse(raw.toString('utf8'));
      } catch {
        payload = undefined;
      }
      const ids = payload === undefined ? [] : idsOf(payload);
      // Account-level notices (template reviews, quality ratings) name no number or page: nothing for a conversation.
      if (payload !== undefined && !ids.length) return { ok: true as const };
      const targets = signedBy.filter((i) => ids.includes(i.address));
      if (!targets.length) {
        // Signed by our app, but for no inbox we have (or unreadable): kept, and shown on the inbox of that app secret.
        const label = channel === 'whatsapp' ? 'WhatsApp' : 'Messenger';
        const why = payload === undefined ? `A ${label} webhook body was not JSON; it was kept but not processed.` : `A ${label} webhook came for ${what} ${ids.join(', ')}, which no inbox has.`;
        await s.messaging.webhooks.accept(channel, signedBy[0]!.id, raw.toString('utf8'), null, 'failed', why);
        await recordInboxError(s.store.db, signedBy[0]!.id, why, s.clock.now());
        req.log.warn({ ids }, why);
        return { ok: true as const };
      }
      for (const inbox of targets) await s.messaging.webhooks.accept(channel, inbox.id, raw.toString('utf8'), null);
      return { ok: true as const };
    };

    app.post(
      '/webhooks/whatsapp',
      {
        schema: {
          tags,
          operationId: 'whatsappWebhook',
          summary: 'WhatsApp Cloud API webhook (messages and statuses), signed with X-Hub-Signature-256',
          security: [],
          description: 'Routed by metadata.phone_number_id to the inbox with that address. Stored before the 200; processed idempotently by wamid.',
          response: { 200: Received, ...errorResponses('invalid_signature', 'malformed_payload', 'inbox_not_found') },
        },
      },
      hubPost('whatsapp', phoneNumberIdsOf, 'phone number id') as never,
    );

    app.post(
      '/webhooks/messenger',
      {
        schema: {
          tags,
          operationId: 'messengerWebhook',
          summary: 'Messenger / Instagram webhook (messages, deliveries, reads), signed with X-Hub-Signature-256',
          security: [],
          description: 'Routed by entry[].id (the page or Instagram account id) to the inbox with that address. Stored before the 200; processed idempotently by mid.',
          response: { 200: Received, ...errorResponses('invalid_signature', 'malformed_payload', 'inbox_not_found') },
        },
      },
      hubPost('messenger', pageIdsOf, 'page id') as never,
    );

    app.post(
      '/webhooks/telegram/:botId',
      {
        schema: {
          tags,
          operationId: 'telegramWebhook',
          summary: 'Telegram Bot API webhook (one Update), authenticated by X-Telegram-Bot-Api-Secret-Token',
          description: 'The URL names the bot (the inbox address, the digits before the colon of its token). Stored before the 200; a redelivered update_id is recognised.',
          security: [],
          params: z.object({ botId: z.string().regex(/^\d{1,20}$/, 'the bot id (digits)') }),
          response: { 200: Received, ...errorResponses('invalid_signature', 'malformed_payload', 'inbox_not_found') },
        },
      },
      async (req) => {
        const inbox = await s.store.db.selectFrom('inboxes').selectAll().where('channel', '=', 'telegram').where('address', '=', req.params.botId).where('enabled', '=', 1).executeTakeFirst();
        const given = req.headers['x-telegram-bot-api-secret-token'] as string | undefined;
        if (!inbox || !sameSecret(secretsOf(inbox).webhookSecret, given)) throw unauthorized('The secret token does not match the webhook secret of this bot’s inbox.');
        const raw = (req.body as Buffer).toString('utf8');
        let update: { update_id?: unknown } | undefined;
        try {
          update = JSON.parse(raw);
        } catch {
          update = undefined;
        }
        if (typeof update?.update_id !== 'number') {
          const why = 'A Telegram webhook body was not an Update (no update_id); it was kept but not processed.';
          await s.messaging.webhooks.accept('telegram', inbox.id, raw, null, 'failed', why);
          await recordInboxError(s.store.db, inbox.id, why, s.clock.now());
          req.log.warn({ inboxId: inbox.id }, why);
          return { ok: true as const };
        }
        await s.messaging.webhooks.accept('telegram', inbox.id, raw, String(update.update_id));
        return { ok: true as const };
      },
    );
  };
}
