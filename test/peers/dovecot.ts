import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { untilListening } from '../listening.ts';

/**
 * A real IMAP server for tests: Debian's dovecot-imapd, started as our own instance from a config
 * in a temp dir (passwd-file users, maildir under the temp dir, loopback only, a port of the email
 * range), never the system service. `.ci/run` installs the package when it is missing.
 */
export const DOVECOT = ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'].find((p) => fs.existsSync(p)) ?? null;

export interface Dovecot {
  port: number;
  user: string;
  password: string;
  dir: string;
  stop(): Promise<void>;
}

async function freePortIn(from: number, to: number): Promise<number> {
  for (let p = from; p <= to; p++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.createServer().once('error', () => resolve(false)).listen(p, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (ok) return p;
  }
  throw new Error(`no free port in ${from}-${to}`);
}

function ownerOf(name: string): { uid: number; gid: number } {
  const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`no ${name} user (is dovecot-core installed?)`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export async function startDovecot(opts: { user?: string; password?: string } = {}): Promise<Dovecot> {
  if (!DOVECOT) throw new Error('dovecot is not installed: apt-get install dovecot-imapd (see .ci/run)');
  const user = opts.user ?? 'support@acme.test';
  const password = opts.password ?? 'imap-secret';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-dovecot-'));
  fs.chmodSync(dir, 0o755);
  // Within the email helper's range 41700-41799, away from other test files' listeners.
  const port = await freePortIn(41720 + (process.pid % 40), 41799);
  const me = os.userInfo();
  // Dovecot never delivers mail as root: as root, the mail belongs to the package's dovecot user.
  const owner = me.uid === 0 ? ownerOf('dovecot') : { uid: me.uid, gid: me.gid };
  fs.mkdirSync(path.join(dir, 'mail'));
  fs.mkdirSync(path.join(dir, 'home'));
  for (const d of ['mail', 'home']) fs.chownSync(path.join(dir, d), owner.uid, owner.gid);
  fs.writeFileSync(path.join(dir, 'passwd'), `${user}:{PLAIN}${password}:${owner.uid}:${owner.gid}::${dir}/home/${user}::\n`);
  const conf = `
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
info_log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:${dir}/mail/%u
default_internal_user = ${me.username === 'root' ? 'dovecot' : me.username}
default_login_user = ${me.username === 'root' ? 'dovenull' : me.username}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u ${dir}/passwd
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
`;
  fs.writeFileSync(path.join(dir, 'dovecot.conf'), conf);
  const child: ChildProcess = spawn(DOVECOT, ['-F', '-c', path.join(dir, 'dovecot.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  try {
    await untilListening(port, 10_000, () => child.exitCode !== null);
  } catch (err) {
    child.kill();
    const log = fs.existsSync(path.join(dir, 'dovecot.log')) ? fs.readFileSync(path.join(dir, 'dovecot.log'), 'utf8') : '';
    throw new Error(`dovecot did not start (${(err as Error).message}): ${output}\n${log}`, { cause: err });
  }
  return {
    port,
    user,
    password,
    dir,
    async stop() {
      if (child.exitCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** For a quick look from the shell: `npx tsx test/peers/dovecot.ts` starts one and prints its port. */
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const d = await startDovecot();
  process.stdout.write(`dovecot on 127.0.0.1:${d.port} user ${d.user} password ${d.password} (dir ${d.dir}); Ctrl+C stops it\n`);
  process.on('SIGINT', () => void d.stop().then(() => process.exit(0)));
  void spawnSync;
}
