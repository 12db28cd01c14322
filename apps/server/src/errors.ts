import type { Refusal } from '@switchboard/core';
import { ERROR_CODES, type ErrorCode } from '@switchboard/protocol';

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

/** A domain refusal's HTTP status comes from the catalogue; a code not in it is a 409 (the state does not allow it). */
function statusOf(code: string): number {
  return Object.hasOwn(ERROR_CODES, code) ? ERROR_CODES[code as ErrorCode].status : 409;
}

export function fromRefusal(r: Refusal): AppError {
  return new AppError(r.code, r.message, statusOf(r.code));
}

export const notFound = (what = 'conversation') => new AppError('not_found', `No such ${what}.`, 404);
export const forbidden = (message = 'You are not allowed to do that.') => new AppError('forbidden', message, 403);
