import { z } from 'zod';
import { Attachment } from './messages.ts';
import { Id, Timestamp } from './common.ts';

/** Seed 000: assign and discuss requests, their discussions and the Engagement Tracking Record. */
export const RequestType = z.enum(['assign', 'discuss']);
export type RequestType = z.infer<typeof RequestType>;
export const RequestStatus = z
  .enum(['pending', 'accepted', 'rejected', 'withdrawn', 'timed_out', 'cancelled', 'ended', 'left'])
  .describe('pending → accepted | rejected | withdrawn | timed_out | cancelled; a discussion (accepted discuss) → ended | left');
export type RequestStatus = z.infer<typeof RequestStatus>;
export const RecipientType = z.enum(['user', 'manager']).describe('User: an agent; Manager: a supervisor or an admin');
export type RecipientType = z.infer<typeof RecipientType>;
export const EndCause = z.enum(['ended_by_initiator', 'left_by_consultant', 'initiator_lost_conversation']);
export type EndCause = z.infer<typeof EndCause>;

export const RequestStepKind = z.enum(['requested', 'accepted', 'rejected', 'withdrawn', 'timed_out', 'cancelled', 'ended', 'left']);
export type RequestStepKind = z.infer<typeof RequestStepKind>;

/** One step of the record, as it happened; steps are only ever appended. */
export const EngagementStep = z
  .object({
    step: RequestStepKind,
    by: z.object({ id: Id, name: z.string() }).nullable().describe('null: the system (a timeout, a conversation that moved)'),
    reason: z.string().nullable(),
    resolved: z.boolean().nullable(),
    endCause: EndCause.nullable(),
    at: Timestamp,
  })
  .meta({ id: 'EngagementStep' });
export type EngagementStep = z.infer<typeof EngagementStep>;

const Person = z.object({ id: Id, name: z.string() });

/**
 * The Engagement Tracking Record (seed 000): created the moment a request is sent and extended at
 * each step. Nobody edits it; the waits and durations are derived from the step times.
 */
export const EngagementTrackingRecord = z
  .object({
    id: Id,
    type: RequestType,
    conversationId: Id,
    conversationSubject: z.string().describe('The customer’s name, or the subject, to say what it is about'),
    queueId: Id.nullable(),
    initiator: Person,
    recipient: Person,
    recipientType: RecipientType,
    status: RequestStatus,
    rejectReason: z.string().nullable(),
    withdrawReason: z.string().nullable(),
    resolved: z.boolean().nullable().describe('The initiator’s answer to "Was the issue resolved?"'),
    endCause: EndCause.nullable(),
    requestedAt: Timestamp,
    expiresAt: Timestamp.describe('When a pending request times out'),
    answeredAt: Timestamp.nullable().describe('Accepted, rejected, withdrawn, timed out or cancelled'),
    endedAt: Timestamp.nullable().describe('A discussion’s end'),
    waitMs: z.number().int().nullable().describe('requested → answered'),
    durationMs: z.number().int().nullable().describe('accepted → ended (discussions)'),
    steps: z.array(EngagementStep),
  })
  .meta({ id: 'EngagementTrackingRecord' });
export type EngagementTrackingRecord = z.infer<typeof EngagementTrackingRecord>;

export const NewRequestBody = z.object({ recipientId: Id, recipientType: RecipientType });
export const ReasonBody = z.object({ reason: z.string().max(500).describe('Required: refused with reason_required when blank') });
export const EndDiscussionBody = z.object({ resolved: z.boolean().describe('Was the issue resolved?') });

export const DiscussionMessage = z
  .object({
    id: Id,
    requestId: Id,
    conversationId: Id,
    sender: Person,
    body: z.string(),
    attachments: z.array(Attachment),
    clientId: z.string().nullable(),
    createdAt: Timestamp,
  })
  .meta({ id: 'DiscussionMessage' });
export type DiscussionMessage = z.infer<typeof DiscussionMessage>;

export const PostDiscussionMessageBody = z
  .object({
    body: z.string().max(2000).default(''),
    attachments: z.array(Attachment).max(10).default([]).describe('Files uploaded to the conversation, within the web chat limits'),
    clientId: z.string().min(1).max(100).optional().describe('Makes a retry idempotent'),
  })
  .refine((b) => b.body.trim().length > 0 || b.attachments.length > 0, { message: 'Write something or attach a file.' });

/** Seed 000's Assign/Discuss settings: how long a request waits before it times out. */
const timeout = (what: string) => z.number().int().min(10_000).max(24 * 3600_000).default(120_000).describe(`${what} (ms, 10 s to 24 h; default 2 minutes)`);
export const RequestSettings = z
  .object({ discussTimeoutMs: timeout('Discuss request timeout duration'), assignTimeoutMs: timeout('Assign request timeout duration') })
  .meta({ id: 'RequestSettings' });
export type RequestSettings = z.infer<typeof RequestSettings>;

export const RecordListQuery = z.object({
  type: RequestType.optional(),
  status: RequestStatus.optional(),
  userId: Id.optional().describe('Initiator or recipient'),
  queueId: Id.optional(),
  since: z.coerce.number().int().optional().describe('Requested at or after (epoch ms)'),
  until: z.coerce.number().int().optional().describe('Requested at or before (epoch ms)'),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type RecordListQuery = z.infer<typeof RecordListQuery>;
export const RecordList = z.object({ items: z.array(EngagementTrackingRecord), nextCursor: z.string().nullable() });

/** Frame data of `request.*` and `discussion.ended` events: the record as it is now. */
export const RequestFrame = z.object({ record: EngagementTrackingRecord });
/** Frame data of `discussion.message`. */
export const DiscussionMessageFrame = z.object({ message: DiscussionMessage });
