import http from 'node:http';
import type { Socket } from 'node:net';

/**
 * Fastify's and its plugins' own refusals, in our `{ error: { code, message } }` shape with a stable
 * code each (issue 9 item 8: they came out as `{ statusCode, code: 'FST_…', error, message }`).
 */
const CODES: Record<string, string> = {
  FST_ERR_BAD_URL: 'bad_url',
  FST_ERR_MAX_PARAM_LENGTH: 'path_too_long',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  // Malformed JSON kept the code it always had.
  FST_ERR_CTP_EMPTY_JSON_BODY: 'bad_request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'bad_request',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_content_length',
  FST_ERR_CTP_EMPTY_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
  FST_REQ_FILE_TOO_LARGE: 'attachment_too_large',
  FST_PARTS_LIMIT: 'too_many_parts',
  FST_FILES_LIMIT: 'too_many_parts',
  FST_FIELDS_LIMIT: 'too_many_parts',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'unsupported_media_type',
  FST_ERR_VALIDATION: 'validation_failed',
};

const MESSAGES: Record<string, string> = {
  bad_url: 'The address has a bad percent-encoding.',
  path_too_long: 'A part of the address is too long.',
};

export function frameworkErrorBody(e: { code?: string; message: string }): { error: { code: string; message: string } } {
  const code = (e.code && CODES[e.code]) || 'bad_request';
  const message = MESSAGES[code] ?? e.message.replace(/^FST_\w+:\s*/, '');
  return { error: { code, message } };
}

/**
 * A request Node's parser refused before Fastify saw it (a malformed request line, headers too
 * large, a timeout): answered in our shape and the socket closed, like Node's own handler does.
 */
export function rawClientError(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'request_timeout', 'The request took too long to arrive.']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'headers_too_large', 'The request headers are too large.']
        : [400, 'bad_request', 'The request could not be read.'];
  const body = JSON.stringify({ error: { code, message } });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(err);
}
