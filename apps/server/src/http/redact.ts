import type { FastifyRequest } from 'fastify';

/**
 * Query parameters that look like secrets (tickets, tokens, keys, passwords, signatures). Nothing of
 * ours takes a lasting secret in a URL any more, but a client or a proxy may still send one, and
 * access logs keep URLs for months.
 */
const SECRET_PARAM = /(^|[_-])(ticket|token|access[_-]?token|auth|key|api[_-]?key|secret|password|passwd|pwd|signature|sig|session|code)([_-]|$)/i;

/** The URL with the value of every secret-looking query parameter replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const parts = url.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    if (eq < 0) return pair;
    let name = pair.slice(0, eq);
    try {
      name = decodeURIComponent(name);
    } catch {
      // keep it raw
    }
    return SECRET_PARAM.test(name) ? `${pair.slice(0, eq)}=[redacted]` : pair;
  });
  return `${url.slice(0, q)}?${parts.join('&')}`;
}

/** What a request log line says about the request: Fastify's default fields, URL redacted. */
export function requestLogFields(req: FastifyRequest['raw'] & { ip?: string; socket?: { remoteAddress?: string; remotePort?: number } }) {
  return {
    method: req.method,
    url: redactUrl(req.url ?? ''),
    host: req.headers?.host,
    remoteAddress: req.socket?.remoteAddress,
    remotePort: req.socket?.remotePort,
  };
}
