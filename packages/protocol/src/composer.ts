import { z } from 'zod';
import { Id, Timestamp } from './common.ts';

/**
 * A canned message (seed 004; "reply templates" in seed 001; "quick replies" in seed 002) with
 * {{first_name}}, {{email}}, {{agent_name}}, {{attr.key}}. Shared ones (`ownerId` null) are written by
 * administrators; a personal one is seen and changed by its owner alone.
 */
export const CannedMessage = z
  .object({
    id: Id,
    title: z.string(),
    body: z.string(),
    ownerId: Id.nullable().describe('The user whose personal quick reply this is; null when shared with everyone'),
    template: z.boolean().describe('A reply template (seed 001): approved by an administrator, the only kind WhatsApp accepts outside the 24-hour window'),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'CannedMessage' });
export type CannedMessage = z.infer<typeof CannedMessage>;
export const CannedMessageInput = z.object({
  title: z.string().trim().min(1).max(120),
  body: z.string().trim().min(1).max(2000),
  template: z.boolean().optional().describe('Mark a shared canned message as a reply template (those who manage shared canned messages; unchanged when left out)'),
});
/** Creating one: `personal` makes it the caller's own (anyone may); shared ones need the canned-messages right. */
export const CannedMessageCreate = CannedMessageInput.extend({
  personal: z.boolean().default(false).describe('Only the caller sees it; any agent may add personal quick replies'),
});

/** What administrators ask agents to avoid, and what "Clean up input" removes (seed 001). */
export const ComposerRules = z
  .object({
    sensitiveWords: z.array(z.string().trim().min(1).max(80)).max(200).default([]),
    sensitivePatterns: z.array(z.string().min(1).max(500)).max(50).default([]).describe('Regular expressions, case-insensitive'),
    cleanupPatterns: z.array(z.string().min(1).max(500)).max(50).default([]).describe('Regular expressions whose matches Clean up input removes'),
  })
  .meta({ id: 'ComposerRules' });
export type ComposerRules = z.infer<typeof ComposerRules>;

/** A stored pattern the server will not run (saved before patterns ran in RE2, or by hand). */
export const RefusedPattern = z.object({
  pattern: z.string(),
  code: z.enum(['invalid_pattern', 'pattern_unsupported']),
  reason: z.string(),
});
/** The rules as read: what is stored, and which stored patterns are skipped and why. */
export const ComposerRulesView = ComposerRules.extend({
  refusedPatterns: z.array(RefusedPattern).describe('Stored patterns that are not run: fix or remove them'),
}).meta({ id: 'ComposerRulesView' });
export type ComposerRulesView = z.infer<typeof ComposerRulesView>;

export const SensitiveFinding = z.object({
  kind: z.enum(['card_number', 'ssn', 'pattern', 'word']),
  start: z.number().int(),
  end: z.number().int(),
  text: z.string(),
  reason: z.string(),
});
export type SensitiveFinding = z.infer<typeof SensitiveFinding>;
export const ComposerTextRequest = z.object({ text: z.string().max(20_000) });
export const SensitiveCheck = z.object({ findings: z.array(SensitiveFinding) }).meta({ id: 'SensitiveCheck' });
export const CleanedText = z.object({ text: z.string() });

/**
 * Seed 004's WhatsApp 24-hour window for one conversation, by the server's clock: `closesAt` null
 * means the channel has none; at or after it only a reply template may be sent to the customer.
 */
export const MessagingWindow = z
  .object({
    freeForm: z.boolean().describe('A free-form reply may be sent now'),
    closesAt: Timestamp.nullable().describe('When free-form replies stop (0: the customer has never written); null without a window'),
    now: Timestamp.describe('The server’s clock, so the app can tell when the window closes whatever its own clock says'),
  })
  .meta({ id: 'MessagingWindow' });
export type MessagingWindow = z.infer<typeof MessagingWindow>;
