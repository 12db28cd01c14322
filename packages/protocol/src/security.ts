import { z } from 'zod';

/** A one-time ticket for opening a stream socket (`?ticket=`), good for 30 seconds. */
export const StreamTicket = z
  .object({ ticket: z.string(), expiresAt: z.number().int().describe('Epoch ms after which the ticket no longer opens a socket') })
  .meta({ id: 'StreamTicket' });
export type StreamTicket = z.infer<typeof StreamTicket>;

/** Changing one's own password: the current one is required. */
export const ChangePasswordRequest = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: z.string().min(1).max(200),
});
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;

/** An administrator's reset: a temporary password the user must replace at their next sign-in. */
export const ResetPasswordRequest = z.object({ temporaryPassword: z.string().min(1).max(200) });
export type ResetPasswordRequest = z.infer<typeof ResetPasswordRequest>;
