import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Inbox secrets (SMTP/IMAP passwords, provider tokens) are sealed with AES-256-GCM before they are
 * stored, so a copied database does not hand out mailbox passwords. The key comes from SECRETS_KEY
 * (32 bytes as 64 hex or 44 base64 characters; any other text is stretched with SHA-256). Without
 * it, a key is generated once under DATA_DIR/secrets.key (mode 0600): right for `npm start` on one
 * machine, not for a cluster (set SECRETS_KEY on every node).
 */
export interface SecretBox {
  seal(value: Record<string, string>): string;
  open(sealed: string | null): Record<string, string>;
  /** A keyed MAC (for signed reply tokens): a different key, derived from the same secret. */
  mac(purpose: string, data: string): Buffer;
}

const VERSION = 'v1';

export function keyFrom(text: string): Buffer {
  const t = text.trim();
  if (/^[0-9a-f]{64}$/i.test(t)) return Buffer.from(t, 'hex');
  const b = Buffer.from(t, 'base64');
  if (b.length === 32 && /^[A-Za-z0-9+/]{43}=?$/.test(t)) return b;
  return crypto.createHash('sha256').update(t).digest();
}

/** SECRETS_KEY, else DATA_DIR/secrets.key (created on first use). */
export function loadSecretsKey(secretsKey: string | undefined, dataDir: string): Buffer {
  if (secretsKey) return keyFrom(secretsKey);
  const file = path.resolve(dataDir, 'secrets.key');
  try {
    return keyFrom(fs.readFileSync(file, 'utf8'));
  } catch {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const fresh = crypto.randomBytes(32).toString('hex');
    try {
      fs.writeFileSync(file, fresh + '\n', { mode: 0o600, flag: 'wx' });
    } catch {
      // Another process wrote it first: use theirs.
    }
    return keyFrom(fs.readFileSync(file, 'utf8'));
  }
}

export function secretBox(key: Buffer): SecretBox {
  const encKey = crypto.createHmac('sha256', key).update('switchboard inbox secrets').digest();
  const macKey = crypto.createHmac('sha256', key).update('switchboard signatures').digest();
  return {
    seal(value) {
      const iv = crypto.randomBytes(12);
      const c = crypto.createCipheriv('aes-256-gcm', encKey, iv);
      const data = Buffer.concat([c.update(JSON.stringify(value), 'utf8'), c.final()]);
      return [VERSION, iv.toString('base64'), c.getAuthTag().toString('base64'), data.toString('base64')].join('.');
    },
    open(sealed) {
      if (!sealed) return {};
      const [v, iv, tag, data] = sealed.split('.');
      if (v !== VERSION || !iv || !tag || data === undefined) throw new Error('sealed secrets in an unknown format');
      const d = crypto.createDecipheriv('aes-256-gcm', encKey, Buffer.from(iv, 'base64'));
      d.setAuthTag(Buffer.from(tag, 'base64'));
      return JSON.parse(Buffer.concat([d.update(Buffer.from(data, 'base64')), d.final()]).toString('utf8'));
    },
    mac(purpose, data) {
      return crypto.createHmac('sha256', macKey).update(`${purpose}\n${data}`).digest();
    },
  };
}
