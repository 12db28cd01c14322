import { z } from 'zod';
import { Id, Timestamp } from './common.ts';

/**
 * Outgoing webhooks (issue 16 item 1): Admin → Integrations → Webhooks. Event names follow
 * Chatwoot's where it has one; deliveries are signed per the Standard Webhooks spec (docs/webhooks.md).
 */
export const WEBHOOK_EVENTS = [
  'conversation_created',
  'conversation_status_changed',
  'conversation_updated',
  'assignee_changed',
  'message_created',
  'message_updated',
  'contact_created',
  'contact_updated',
  'assign_request_created',
  'assign_request_updated',
  'discuss_request_created',
  'discuss_request_updated',
  'discussion_message_created',
] as const;
export const WebhookEvent = z.enum(WEBHOOK_EVENTS);
export type WebhookEvent = z.infer<typeof WebhookEvent>;

const WebhookUrl = z
  .string()
  .max(2000)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'http or https only')
  .describe('Where deliveries are POSTed. Private, loopback and link-local targets are refused unless WEBHOOKS_ALLOW_PRIVATE=1');

export const Webhook = z
  .object({
    id: Id,
    url: z.string(),
    description: z.string(),
    events: z.array(WebhookEvent),
    includeInternal: z.boolean().describe('Internal notes and discuss messages are sent only when this is on'),
    enabled: z.boolean(),
    disabledReason: z.string().nullable().describe('Why Switchboard turned it off (e.g. failing for a day); null when enabled or turned off by hand'),
    failingSince: Timestamp.nullable().describe('First failure of the current run of failures; null when the last delivery succeeded'),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Webhook' });
export type Webhook = z.infer<typeof Webhook>;

export const WebhookWithSecret = Webhook.extend({
  secret: z.string().describe('whsec_… (Standard Webhooks): shown this once; keep it to verify signatures'),
}).meta({ id: 'WebhookWithSecret' });
export type WebhookWithSecret = z.infer<typeof WebhookWithSecret>;

export const CreateWebhookRequest = z.object({
  url: WebhookUrl,
  description: z.string().max(200).default(''),
  events: z.array(WebhookEvent).min(1).max(WEBHOOK_EVENTS.length),
  includeInternal: z.boolean().default(false),
});
export const UpdateWebhookRequest = z.object({
  url: WebhookUrl.optional(),
  description: z.string().max(200).optional(),
  events: z.array(WebhookEvent).min(1).max(WEBHOOK_EVENTS.length).optional(),
  includeInternal: z.boolean().optional(),
  enabled: z.boolean().optional().describe('Turning it on again clears the failure run and the reason'),
});
export const WebhooksResponse = z.object({ items: z.array(Webhook) });

export const WebhookDeliveryStatus = z.enum(['pending', 'succeeded', 'failed']);
export const WebhookDelivery = z
  .object({
    id: Id,
    messageId: z.string().describe('The webhook-id header: the same on every attempt and redelivery'),
    event: WebhookEvent,
    status: WebhookDeliveryStatus.describe('pending: being retried or redelivered; failed: the last attempt failed'),
    attempts: z.number().int(),
    responseCode: z.number().int().nullable().describe('The receiver’s HTTP status; null when none came (refused, timed out)'),
    durationMs: z.number().int().nullable(),
    error: z.string().nullable(),
    createdAt: Timestamp,
    lastAttemptAt: Timestamp.nullable(),
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;
export const WebhookDeliveriesResponse = z.object({ items: z.array(WebhookDelivery).describe('The last 100, newest first') });
export const WebhookDeliveryParams = z.object({ id: Id, deliveryId: Id });

/** Private to each administrator: a webhook failed for a day and was turned off. */
export const WebhookDisabledFrame = z.object({ webhookId: Id, url: z.string(), reason: z.string() });
