import crypto from 'node:crypto';

/** X-Hub-Signature-256 = "sha256=" + HMAC-SHA256(app secret, raw body), compared in constant time. */
export function validHubSignature(appSecret: string | undefined, raw: Buffer, header: string | undefined): boolean {
  if (!appSecret || !header || !header.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice(7).trim(), 'hex');
  const expected = crypto.createHmac('sha256', appSecret).update(raw).digest();
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

/** A shared secret (Telegram's secret token, a verify token) compared in constant time. */
export function sameSecret(expected: string | undefined, given: string | undefined): boolean {
  if (!expected || given === undefined) return false;
  const a = crypto.createHash('sha256').update(expected).digest();
  const b = crypto.createHash('sha256').update(given).digest();
  return crypto.timingSafeEqual(a, b);
}
