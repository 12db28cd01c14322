/**
 * Waiting for a process we started to listen on a fixed loopback port, without connecting to it.
 *
 * Our fixed test ports (415xx, 417xx) lie inside Linux's ephemeral range (32768-60999). Polling such a
 * port with connect() before anything listens can hand the client that very port as its source port,
 * and TCP's simultaneous open then connects the socket to itself: the poll "succeeds" and the socket
 * holds the port, so the server we wait for fails to bind (EADDRINUSE) and never serves. That is how
 * CI's `npm start` fault test waited its full 200 s at the end of stop 23. Reading the kernel's socket
 * table opens nothing, so it cannot take the port.
 */
import fs from 'node:fs';

const TABLES = ['/proc/net/tcp', '/proc/net/tcp6'];
const LISTEN = '0A';

/** Whether some socket on this machine listens on TCP `port` (any local address). */
export function isListening(port: number): boolean {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of TABLES) {
    let text: string;
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue; // no IPv6, or not Linux
    }
    for (const line of text.split('\n').slice(1)) {
      // "  sl  local_address rem_address   st ..." with local_address "0100007F:A23A"
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === LISTEN && local?.endsWith(`:${hex}`)) return true;
    }
  }
  return false;
}

/**
 * Resolves once something listens on `port`; throws after `ms`, or at once when `gone()` says the
 * process that should listen has ended.
 */
export async function untilListening(port: number, ms = 15_000, gone: () => boolean = () => false): Promise<void> {
  const started = Date.now();
  while (!isListening(port)) {
    if (gone()) throw new Error(`the process that should listen on ${port} has ended`);
    if (Date.now() - started > ms) throw new Error(`nothing listens on ${port} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
