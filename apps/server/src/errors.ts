import type { Refusal } from '@switchboard/core';

/** An error that reaches the client as `{ error: { code, message } }` with this HTTP status. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** HTTP status for each domain refusal code; anything unlisted is a 409 (the state does not allow it). */
const STATUS_BY_CODE: Record<string, number> = {
  message_too_long: 422,
  message_empty: 422,
  outside_messaging_window: 422,
  not_found: 404,
  forbidden: 403,
  not_assignee: 403,
  unauthorized: 401,
  customer_blocked: 403,
  validation_failed: 400,
  // Seed 000 requests.
  consultant_cannot_message_customer: 403,
  not_recipient: 403,
  not_initiator: 403,
  not_consultant: 403,
  reason_required: 422,
  reason_too_long: 422,
  recipient_not_found: 422,
  recipient_type_mismatch: 422,
  recipient_not_in_queue: 422,
  cannot_request_yourself: 422,
};

export function fromRefusal(r: Refusal): AppError {
  return new AppError(r.code, r.message, STATUS_BY_CODE[r.code] ?? 409);
}

export const notFound = (what = 'conversation') => new AppError('not_found', `No such ${what}.`, 404);
export const forbidden = (message = 'You are not allowed to do that.') => new AppError('forbidden', message, 403);
