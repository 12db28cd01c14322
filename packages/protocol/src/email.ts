import { z } from 'zod';
import { Id } from './common.ts';

/**
 * What the thread shows of an email beyond its message (issue 12 items 3 and 5): who it was
 * copied to (shown, never written to: Switchboard replies to the customer alone), and whether the
 * original — the whole text with quoted history and signature, and the sanitized HTML — can be
 * opened from the message, which itself carries only the new text.
 */
export const EmailDetails = z
  .object({
    messageId: Id.describe('The conversation message this email is'),
    direction: z.enum(['in', 'out']),
    subject: z.string().nullable(),
    from: z.string().nullable().describe('The sender address'),
    cc: z.array(z.string()).describe('Addresses the customer copied; shown to the agent, never written to'),
    hasHtml: z.boolean(),
    /** The message shows less than the email said (history or signature folded away, or HTML). */
    hasOriginal: z.boolean(),
    remoteImages: z.boolean().describe('The HTML loads images from other servers (blocked until the agent allows them)'),
  })
  .meta({ id: 'EmailDetails' });
export type EmailDetails = z.infer<typeof EmailDetails>;

export const EmailDetailsList = z.object({ items: z.array(EmailDetails) }).meta({ id: 'EmailDetailsList' });

export const EmailOriginal = z
  .object({
    text: z.string().describe('The whole plain text, quoted history and signature included'),
    html: z.string().nullable().describe('Sanitized on ingest; show it in a sandboxed frame with remote images blocked'),
  })
  .meta({ id: 'EmailOriginal' });
export type EmailOriginal = z.infer<typeof EmailOriginal>;

/** `messageId` is read after the conversation is checked: a stranger learns nothing from its form (404 either way). */
export const EmailMessageParams = z.object({ id: Id, messageId: z.string().max(20).describe('The conversation message id') });
