import { ApiClient, ApiError } from '@switchboard/client';

/** The one API client of the page (same origin, cookie session, CSRF header). */
export const api = new ApiClient();

/** A sentence for people from anything thrown. */
export function messageOf(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return 'Something went wrong. Please try again.';
}
