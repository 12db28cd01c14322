import crypto from 'node:crypto';

/**
 * WhatsApp Cloud API webhook bodies in the documented shapes
 * (developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples).
 */
export const PHONE_NUMBER_ID = '106540352242922';
export const WABA_ID = '102290129340398';
export const DISPLAY = '15550783881';

export function wamid(): string {
  return `wamid.${crypto.randomBytes(24).toString('base64')}`;
}

function envelope(value: Record<string, unknown>, phoneNumberId = PHONE_NUMBER_ID) {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: WABA_ID, changes: [{ value: { messaging_product: 'whatsapp', metadata: { display_phone_number: DISPLAY, phone_number_id: phoneNumberId }, ...value }, field: 'messages' }] }],
  };
}

export function messageWebhook(from: string, name: string, message: Record<string, unknown>, phoneNumberId?: string) {
  return envelope({ contacts: [{ profile: { name }, wa_id: from }], messages: [{ from, timestamp: '1749416383', ...message }] }, phoneNumberId);
}

export const text = (id: string, body: string, context?: string) => ({ id, type: 'text', text: { body }, ...(context ? { context: { from: DISPLAY, id: context } } : {}) });
export const image = (id: string, mediaId: string, caption?: string) => ({ id, type: 'image', image: { ...(caption ? { caption } : {}), mime_type: 'image/jpeg', sha256: 'abc', id: mediaId } });
export const voice = (id: string, mediaId: string) => ({ id, type: 'audio', audio: { mime_type: 'audio/ogg; codecs=opus', sha256: 'abc', id: mediaId, voice: true } });
export const document = (id: string, mediaId: string, filename: string) => ({ id, type: 'document', document: { caption: 'The invoice', filename, mime_type: 'application/pdf', sha256: 'abc', id: mediaId } });
export const location = (id: string) => ({ id, type: 'location', location: { address: '1 Hacker Way, Menlo Park, CA 94025', latitude: 37.483307, longitude: -122.148981, name: 'Main Office', url: 'https://www.meta.com' } });
export const contacts = (id: string) => ({
  id,
  type: 'contacts',
  contacts: [{ name: { first_name: 'Barbara', last_name: 'Johnson', formatted_name: 'Barbara J. Johnson' }, phones: [{ phone: '+16505559999', type: 'HOME', wa_id: '16505559999' }], emails: [{ email: 'bjohnson@example.com', type: 'HOME' }] }],
});
export const reaction = (id: string, to: string, emoji: string) => ({ id, type: 'reaction', reaction: { message_id: to, emoji } });
export const unsupported = (id: string) => ({ id, type: 'unsupported', errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', error_data: { details: 'Message type is currently not supported.' } }] });

export function statusWebhook(to: string, id: string, status: 'sent' | 'delivered' | 'read' | 'failed', extra: Record<string, unknown> = {}) {
  return envelope({
    statuses: [
      {
        id,
        status,
        timestamp: '1750263773',
        recipient_id: to,
        ...(status !== 'failed' && status !== 'read' ? { pricing: { billable: true, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' } } : {}),
        ...extra,
      },
    ],
  });
}

export const reEngagement = {
  errors: [{ code: 131047, title: 'Re-engagement message', message: 'Re-engagement message', error_data: { details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' }, href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/' }],
};

export function sign(secret: string, raw: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(raw).digest('hex')}`;
}
