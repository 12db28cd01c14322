import { z } from 'zod';
import { Id } from './common.ts';

export const Role = z.enum(['admin', 'supervisor', 'agent']);
/** Mirrors the core's ABILITIES (the protocol depends on nothing); GET /me's response schema refuses any other. */
export const Ability = z.enum(['administer', 'deleteConversations', 'browseContacts', 'viewReports', 'exportReports', 'manageCannedMessages', 'seeAllQueues', 'reassignOthers']);
export type Ability = z.infer<typeof Ability>;
export const AgentStatus = z.enum(['available', 'busy', 'do_not_respond', 'away', 'offline']);

export const User = z
  .object({
    id: Id,
    email: z.string(),
    name: z.string(),
    role: Role,
    status: AgentStatus,
    capacity: z.number().int().nullable(),
    queueIds: z.array(Id),
    active: z.boolean().describe('False once an administrator deactivated the user: they cannot sign in'),
    browseContacts: z.boolean().describe('May read and search every contact, not only those of the conversations they see (granted by an administrator)'),
    avatarUrl: z.string().nullable().describe('The picture the user chose on their profile (null: initials)'),
    kind: z.enum(['human', 'bot']).describe('`bot`: an agent bot (Admin → Bots); the conversations it holds show a Bot badge'),
  })
  .meta({ id: 'User' });
export type User = z.infer<typeof User>;

export const LoginRequest = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(1).max(200),
});

export const Me = z
  .object({
    user: User,
    csrfToken: z.string().nullable(),
    mustChangePassword: z.boolean().optional().describe('An administrator reset the password: only POST /me/password, GET /me and sign-out work until a new one is chosen'),
    abilities: z.array(Ability).describe('What you may do outside any one conversation (administer, delete conversations, browse contacts, view or export reports, manage canned messages, see all queues, reassign others’ conversations: the role’s defaults plus your groups’ rights): the app shows only these; the server checks every request anyway'),
  })
  .meta({ id: 'Me' });
export type Me = z.infer<typeof Me>;

/** Whether this browser is signed in, answered 200 either way, so a signed-out page load logs no 401. */
export const SessionState = z
  .object({ signedIn: z.boolean(), me: Me.nullable() })
  .meta({ id: 'SessionState' });
export type SessionState = z.infer<typeof SessionState>;

export const CreateUserRequest = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  name: z.string().trim().min(1).max(120),
  role: Role,
  password: z.string().min(8).max(200),
  capacity: z.number().int().min(1).max(100).nullable().optional(),
  queueIds: z.array(Id).max(100).optional(),
});

/** An administrator changes a user; every field is optional, at least one is given. */
export const UpdateUserRequest = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    role: Role.optional(),
    capacity: z.number().int().min(1).max(100).nullable().optional(),
    queueIds: z.array(Id).max(100).optional().describe('The queues the user is a member of (replaces the list)'),
    active: z.boolean().optional().describe('false deactivates: sign-in refused, sessions ended, tokens refused'),
    browseContacts: z.boolean().optional().describe('Grant or withdraw the right to read and search every contact'),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'Nothing to change.' });
export type UpdateUserRequest = z.infer<typeof UpdateUserRequest>;


export const Queue = z
  .object({ id: Id, name: z.string(), routingMode: z.string(), memberIds: z.array(Id) })
  .meta({ id: 'Queue' });
export type Queue = z.infer<typeof Queue>;

export const CreateQueueRequest = z.object({
  name: z.string().trim().min(1).max(80),
  routingMode: z.enum(['auto_assign', 'auto_answer', 'pick_list']).default('auto_assign'),
  memberIds: z.array(Id).max(1000).default([]),
});
