import dns from 'node:dns';
import net, { type LookupFunction } from 'node:net';

/**
 * The SSRF guard of outgoing webhooks: an administrator chooses the URL, so without it a webhook
 * could reach the server's own network (a metadata service at 169.254.169.254, a database on
 * 10.x, the server itself). Names are resolved here and the connection goes to the address that
 * was checked (`lookupFor`), so a name that resolves to a public address when checked and a
 * private one when connecting (DNS rebinding) gets nowhere.
 */
const refused = new net.BlockList();
for (const [net4, bits] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  refused.addSubnet(net4, bits, 'ipv4');
}
for (const [net6, bits] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique local (ULA)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
  ['2001:db8::', 32], // documentation
] as const) {
  refused.addSubnet(net6, bits, 'ipv6');
}

/** An IPv4 address inside IPv6 (::ffff:a.b.c.d, ::a.b.c.d, NAT64 64:ff9b::/96), else null. */
function embeddedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1]!;
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return null;
  const hi = parseInt(hex[1]!, 16);
  const lo = parseInt(hex[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Loopback, private, link-local, ULA and the like: never a webhook's target unless allowed. */
export function isPrivateAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return refused.check(address, 'ipv4');
  if (family !== 6) return true; // not an address at all: refuse
  const v4 = embeddedIpv4(address);
  if (v4) return refused.check(v4, 'ipv4');
  return refused.check(address, 'ipv6');
}

export class TargetRefused extends Error {}

export interface ResolvedTarget {
  address: string;
  family: 4 | 6;
}

export interface TargetPolicy {
  allowPrivate: boolean;
  lookup?: LookupFunction;
}

function lookupAll(lookup: LookupFunction, host: string): Promise<ResolvedTarget[]> {
  return new Promise((resolve, reject) => {
    lookup(host, { all: true }, (err, addresses) => {
      if (err) return reject(err);
      const list = Array.isArray(addresses) ? addresses : [{ address: addresses as unknown as string, family: 4 }];
      resolve(list.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 })));
    });
  });
}

/**
 * The address to connect to for `url`'s host: an IP literal as it is, a name resolved once. Refused
 * (TargetRefused) when it resolves to nothing, or when any address is private and the policy does
 * not allow it (a name with one public and one private address is refused: it could be either).
 */
export async function resolveTarget(url: URL, policy: TargetPolicy): Promise<ResolvedTarget> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: ResolvedTarget[];
  if (net.isIP(host)) addresses = [{ address: host, family: net.isIP(host) === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await lookupAll(policy.lookup ?? (dns.lookup as unknown as LookupFunction), host);
    } catch (err) {
      throw new TargetRefused(`${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  if (!addresses.length) throw new TargetRefused(`${host} does not resolve`);
  if (!policy.allowPrivate) {
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad) throw new TargetRefused(`${host} resolves to ${bad.address}, a loopback, private or link-local address`);
  }
  return addresses[0]!;
}

/** A `lookup` for http.request that answers only the address already checked. */
export function lookupFor(target: ResolvedTarget): LookupFunction {
  return (_host, options, cb) => {
    if (options.all) cb(null, [{ address: target.address, family: target.family }]);
    else cb(null, target.address, target.family);
  };
}
