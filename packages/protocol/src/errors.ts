import { z } from 'zod';

/**
 * The catalogue of stable error codes: every `{ error: { code, message } }` the API answers uses one
 * of these, with this HTTP status. The code is the contract (clients branch on it); the message is a
 * sentence for people and may change. Keep it alphabetical; add a code here before answering it.
 */
export const ERROR_CODES = {
  already_assigned: { status: 409, description: 'That agent is already in charge of the conversation' },
  already_closed: { status: 409, description: 'The conversation is already closed' },
  already_delivered: { status: 409, description: 'The message was already delivered' },
  already_in_queue: { status: 409, description: 'The conversation is already waiting in that queue' },
  already_resolved: { status: 409, description: 'The conversation is already resolved' },
  already_unpinned: { status: 409, description: 'The conversation has no customer pinned' },
  assign_request_pending: { status: 409, description: 'An assign request for the conversation already waits for an answer' },
  assignee_not_found: { status: 422, description: 'No such user to assign or transfer to' },
  at_capacity: { status: 409, description: 'You are at capacity: finish a conversation first' },
  attachment_not_in_conversation: { status: 422, description: 'An attachment must be uploaded to this conversation first' },
  attachment_not_stored: { status: 422, description: 'Attach files by uploading them first; links are not attachments' },
  attachment_too_large: { status: 422, description: 'A file is larger than the channel allows (413 when the upload itself is too large)' },
  attachment_type_not_allowed: { status: 422, description: 'That kind of file is not allowed on the channel' },
  avatar_not_image: { status: 422, description: 'An avatar must be a PNG, JPEG, GIF or WebP image' },
  avatar_too_large: { status: 413, description: 'An avatar is at most 512 KB' },
  bad_content_length: { status: 400, description: 'The Content-Length header does not match the body' },
  bad_frame: { status: 400, description: 'Streams only (an `error` frame): an unknown or malformed client frame' },
  bad_request: { status: 400, description: 'The request could not be read (e.g. malformed JSON)' },
  bad_url: { status: 400, description: 'The address has a bad percent-encoding' },
  body_too_large: { status: 413, description: 'The request body is larger than the server accepts' },
  callback_not_possible: { status: 409, description: 'A callback can only be requested while waiting for an agent' },
  cannot_request_yourself: { status: 422, description: 'A request must go to a colleague, not to yourself' },
  consultant_cannot_message_customer: { status: 403, description: 'A consultant cannot act towards the customer' },
  contact_not_found: { status: 422, description: 'No such contact' },
  conversation_in_wrap_up: { status: 409, description: 'The conversation is in wrap-up' },
  conversation_not_open: { status: 409, description: 'The conversation is not open' },
  conversation_not_waiting: { status: 409, description: 'Only a chat request still waiting can be left' },
  conversation_open: { status: 409, description: 'The conversation is not closed' },
  conversation_taken: { status: 409, description: 'Someone already took the conversation' },
  csrf_failed: { status: 403, description: 'Missing or wrong X-CSRF-Token header (cookie sessions, unsafe methods)' },
  customer_blocked: { status: 403, description: 'The customer is blocked: messages cannot be sent to them' },
  database_unavailable: { status: 503, description: 'The database does not answer right now; retry after Retry-After seconds' },
  database_unreachable: { status: 503, description: '/readyz: the database does not answer' },
  discussion_already_open: { status: 409, description: 'A discussion with that colleague about the conversation is already open or waiting' },
  discussion_not_active: { status: 409, description: 'The discussion is not accepted yet or has ended' },
  draining: { status: 503, description: '/readyz: this server is shutting down' },
  email_taken: { status: 409, description: 'A user with that email exists' },
  forbidden: { status: 403, description: 'You are not allowed to do that' },
  foreign_origin: { status: 403, description: 'Streams: a cookie-authenticated upgrade from another origin than the workspace\'s own' },
  group_name_taken: { status: 409, description: 'A user group with that name exists' },
  headers_too_large: { status: 431, description: 'The request headers are too large' },
  identity_invalid: { status: 401, description: 'The visitor identity is not signed by the site' },
  identity_secret_missing: { status: 422, description: 'Set an identity secret before turning identity verification on' },
  identity_taken: { status: 409, description: 'Another contact already has that channel identity' },
  inbox_address_taken: { status: 409, description: 'Another inbox of the channel already has that address' },
  inbox_not_found: { status: 404, description: 'Webhooks: the inbox of this webhook no longer exists' },
  insufficient_scope: { status: 403, description: 'The API token lacks the scope this route needs (see docs/tokens.md)' },
  internal_error: { status: 500, description: 'Something went wrong on our side; it has been logged' },
  invalid_credentials: { status: 401, description: 'Wrong email or password' },
  invalid_pattern: { status: 422, description: 'A sensitive-data pattern is not a valid regular expression' },
  invalid_signature: { status: 401, description: 'Webhooks: the request signature (e.g. X-Hub-Signature-256) is missing or wrong' },
  invalid_verify_token: { status: 403, description: 'Webhooks: the verify token matches no inbox of this channel' },
  label_builtin: { status: 409, description: 'Built-in labels can be renamed but not deleted' },
  label_name_taken: { status: 409, description: 'A label with that name exists' },
  label_not_found: { status: 422, description: 'One of the labels does not exist' },
  last_admin: { status: 409, description: 'The workspace needs at least one active administrator' },
  malformed_payload: { status: 400, description: 'Webhooks: the provider payload is not what the provider sends' },
  message_empty: { status: 422, description: 'A message needs text or an attachment' },
  message_failed: { status: 409, description: 'The message failed and cannot be changed' },
  message_too_long: { status: 422, description: 'The message is longer than the channel allows' },
  not_a_chat_request: { status: 409, description: 'Only abandoned and callback requests are completed' },
  not_a_discussion: { status: 409, description: 'Only a discussion can be ended' },
  not_held_by_bot: { status: 409, description: 'Hand-off: the conversation is not held by the bot calling' },
  not_assignee: { status: 403, description: 'The conversation is not assigned to you' },
  not_consultant: { status: 403, description: 'Only the consultant can do that' },
  not_found: { status: 404, description: 'No such resource, or you may not see it' },
  not_in_discussion: { status: 403, description: 'Only the two colleagues in the discussion write in it' },
  not_in_wrap_up: { status: 409, description: 'The conversation is not in wrap-up' },
  not_initiator: { status: 403, description: 'Only the colleague who sent the request can do that' },
  not_recipient: { status: 403, description: 'Only the colleague asked can answer the request' },
  not_whatsapp: { status: 422, description: 'Templates are sent in WhatsApp conversations only' },
  offer_already_accepted: { status: 409, description: 'You already accepted the conversation' },
  offer_declined: { status: 409, description: 'You declined the conversation' },
  offer_expired: { status: 409, description: 'The offer ran out' },
  offer_not_due: { status: 409, description: 'The offer has time left' },
  offer_not_found: { status: 404, description: 'No such offer' },
  offer_not_yours: { status: 409, description: 'The offer is for another agent' },
  offer_withdrawn: { status: 409, description: 'The conversation was taken elsewhere' },
  outside_messaging_window: { status: 422, description: 'The channel allows only a template outside its messaging window (WhatsApp: 24 hours)' },
  overloaded: { status: 503, description: 'The server is overloaded; retry after Retry-After seconds' },
  password_change_required: { status: 403, description: 'An administrator reset your password: choose a new one first (POST /api/v1/me/password)' },
  path_too_long: { status: 414, description: 'A part of the address is too long' },
  pattern_unsupported: { status: 422, description: 'A pattern needs backtracking (backreferences, lookaround), which the linear-time engine patterns run in does not do' },
  provider_error: { status: 502, description: 'The channel provider refused or did not answer' },
  queue_name_taken: { status: 409, description: 'A queue with that name exists' },
  queue_not_found: { status: 422, description: 'No such queue, or not one of yours' },
  rate_limited: { status: 429, description: 'Too many attempts; wait and try again' },
  reason_required: { status: 422, description: 'Give a reason' },
  reason_too_long: { status: 422, description: 'The reason is too long' },
  recipient_in_charge: { status: 409, description: 'That colleague is in charge of the conversation already' },
  recipient_not_found: { status: 422, description: 'No such colleague' },
  recipient_not_in_queue: { status: 422, description: 'That colleague does not work in the conversation’s queue' },
  recipient_type_mismatch: { status: 422, description: 'The colleague is not of the requested kind (user or manager)' },
  reference_not_found: { status: 422, description: 'Something the request refers to does not exist' },
  reply_to_not_found: { status: 422, description: 'The quoted message is not in this conversation' },
  request_not_open: { status: 409, description: 'The request is no longer open' },
  request_not_pending: { status: 409, description: 'The request was already answered' },
  request_timeout: { status: 408, description: 'The request took too long to arrive' },
  tag_name_taken: { status: 409, description: 'A tag with that name exists' },
  tag_not_found: { status: 422, description: 'One of the tags does not exist' },
  template_not_approved: { status: 422, description: 'The WhatsApp template is not approved' },
  template_not_found: { status: 422, description: 'No such reply template' },
  template_not_shared: { status: 422, description: 'Only shared canned messages can be reply templates' },
  template_parameters: { status: 422, description: 'The template parameters do not match the template' },
  template_with_attachments: { status: 422, description: 'A reply template is sent as it is, without attachments' },
  token_expired: { status: 401, description: 'The API token is past its expiry: create a new one' },
  too_many_attributes: { status: 422, description: 'Too many custom attributes' },
  too_many_parts: { status: 413, description: 'A multipart body has too many parts, files or fields' },
  unauthorized: { status: 401, description: 'Sign in first (no, expired or revoked session or token)' },
  unsupported_media_type: { status: 415, description: 'The request body has a content type this route does not read' },
  upload_incomplete: { status: 400, description: 'The upload ended before the file was complete, or was not well-formed multipart' },
  validation_failed: { status: 400, description: 'The request does not match the schema; `details` lists each problem' },
  weak_password: { status: 422, description: 'The password is too weak or unchanged' },
  webhook_target_refused: { status: 422, description: 'Webhooks: the URL resolves to a loopback, private or link-local address (allowed only with WEBHOOKS_ALLOW_PRIVATE=1), or does not resolve' },
  wrong_password: { status: 403, description: 'The current password is wrong' },
} as const satisfies Record<string, { status: number; description: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** What every route may answer whatever it does: bad input, and a database that does not answer. */
const ALWAYS: readonly ErrorCode[] = ['validation_failed', 'bad_request', 'internal_error', 'database_unavailable'];
/** What every signed-in route may answer besides. */
export const SIGNED_IN: readonly ErrorCode[] = ['unauthorized', 'token_expired', 'insufficient_scope', 'csrf_failed', 'password_change_required'];

/** One status's error response, for a code answered with another status than the catalogue's (e.g. 413). */
/**
 * Built once per status and set of codes: some 170 routes ask for about six each, and fresh zod
 * objects for every one held about 12 MB of the idle server's heap (issue 18).
 */
const responses = new Map<string, ReturnType<typeof buildErrorResponse>>();

export function errorResponse(status: number, codes: readonly ErrorCode[]) {
  const key = `${status} ${codes.join(',')}`;
  let r = responses.get(key);
  if (!r) responses.set(key, (r = buildErrorResponse(codes)));
  return r;
}

function buildErrorResponse(codes: readonly ErrorCode[]) {
  const list = codes.map((c) => `\`${c}\`: ${ERROR_CODES[c].description}`).join('; ');
  const first = codes[0]!;
  return z
    .object({
      error: z.object({
        code: z.enum(codes as [ErrorCode, ...ErrorCode[]]).describe('Stable machine-readable code'),
        message: z.string().describe('A sentence for people'),
        details: z.unknown().optional(),
      }),
    })
    .meta({ description: list, examples: [{ error: { code: first, message: ERROR_CODES[first].description } }] });
}

/**
 * A route's error responses for its OpenAPI schema: `response: { 200: X, ...errorResponses(SIGNED_IN, 'not_found') }`.
 * Groups the codes by status (the catalogue's) and adds the ones every route can answer. Each
 * status documents its codes as an enum, with an example. Error bodies are not checked against it
 * at run time (http/app.ts serializes them as they are): the catalogue is the contract.
 */
export function errorResponses(...codes: Array<ErrorCode | readonly ErrorCode[]>) {
  const all = [...new Set([...ALWAYS, ...codes.flat()])];
  const byStatus = new Map<number, ErrorCode[]>();
  for (const c of all) {
    const s = ERROR_CODES[c].status;
    byStatus.set(s, [...(byStatus.get(s) ?? []), c]);
  }
  return Object.fromEntries([...byStatus].map(([s, cs]) => [s, errorResponse(s, cs)])) as Record<number, ReturnType<typeof errorResponse>>;
}
