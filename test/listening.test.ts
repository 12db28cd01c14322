import { describe, expect, it } from 'vitest';
import net from 'node:net';
import { isListening, untilListening } from './listening.ts';

/** A server counting who connects, on `port` or one the kernel picks (ephemeral, like our fixed test ports). */
async function countingServer(host: string, port = 0): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const server = net.createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(port, host, r));
  return { port: (server.address() as net.AddressInfo).port, connections: () => connections, close: () => new Promise((r) => server.close(() => r())) };
}

describe('waiting for a fixed port to listen', () => {
  it('sees a listener on IPv4 and on IPv6 loopback, and none once it closes', async () => {
    for (const host of ['127.0.0.1', '::1']) {
      const server = await countingServer(host);
      expect(isListening(server.port)).toBe(true);
      await server.close();
      expect(isListening(server.port)).toBe(false);
    }
  });

  it('waits for a server that starts later without ever connecting to its port', async () => {
    // Connecting while nothing listens is what can connect a socket to itself and take the port.
    const probe = await countingServer('127.0.0.1');
    const port = probe.port;
    await probe.close();
    const waiting = untilListening(port, 5000);
    await new Promise((r) => setTimeout(r, 200));
    const late = await countingServer('127.0.0.1', port);
    await waiting;
    await new Promise((r) => setTimeout(r, 100));
    expect(late.connections()).toBe(0);
    await late.close();
  });

  it('gives up with the port named, at the deadline or when the process that should listen ends', async () => {
    const probe = await countingServer('127.0.0.1');
    await probe.close();
    await expect(untilListening(probe.port, 200)).rejects.toThrow(`nothing listens on ${probe.port} after 200 ms`);
    await expect(untilListening(probe.port, 5000, () => true)).rejects.toThrow(`should listen on ${probe.port} has ended`);
  });
});
