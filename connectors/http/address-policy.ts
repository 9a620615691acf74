/**
 * Which IP addresses a connector may connect to. The default, `publicAddressesOnly`, refuses every
 * address that reaches inside our own network or host (SSRF): loopback, private, link-local,
 * CGNAT, multicast, unspecified, reserved and documentation ranges, and IPv6 forms that embed
 * such an IPv4 address (IPv4-mapped, IPv4-translated, IPv4-compatible, NAT64 well-known and
 * local-use, 6to4) or tunnel to one (Teredo).
 */
import { isIP } from 'node:net';

/** Where a connection would go; `port` lets a policy admit one exact endpoint (a test server). */
export interface AddressTarget {
  hostname: string;
  port: number;
}

/** Returns true when connecting to `address` (a literal IPv4 or IPv6 address) is allowed. */
export type AddressPolicy = (address: string, target: AddressTarget) => boolean;

type Cidr4 = readonly [number, number];

const BLOCKED_V4: readonly Cidr4[] = [
  [ip4('0.0.0.0'), 8], // "this network", includes unspecified
  [ip4('10.0.0.0'), 8], // private
  [ip4('100.64.0.0'), 10], // CGNAT
  [ip4('127.0.0.0'), 8], // loopback
  [ip4('169.254.0.0'), 16], // link-local (cloud metadata lives here)
  [ip4('172.16.0.0'), 12], // private
  [ip4('192.0.0.0'), 24], // IETF protocol assignments
  [ip4('192.0.2.0'), 24], // documentation
  [ip4('192.88.99.0'), 24], // 6to4 relay anycast
  [ip4('192.168.0.0'), 16], // private
  [ip4('198.18.0.0'), 15], // benchmarking
  [ip4('198.51.100.0'), 24], // documentation
  [ip4('203.0.113.0'), 24], // documentation
  [ip4('224.0.0.0'), 4], // multicast
  [ip4('240.0.0.0'), 4], // reserved, includes broadcast
];

/** The default policy: public unicast addresses only. */
export const publicAddressesOnly: AddressPolicy = (address) => isPublicAddress(address);

/** True for a literal address that is public unicast; false for anything else, including garbage. */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return isPublicV4(ip4(bare));
  if (family === 6) return isPublicV6(bare);
  return false;
}

function isPublicV4(n: number): boolean {
  return !BLOCKED_V4.some(([base, bits]) => sameNetwork(n, base, bits));
}

function sameNetwork(a: number, b: number, bits: number): boolean {
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (a & mask) >>> 0 === (b & mask) >>> 0;
}

function isPublicV6(address: string): boolean {
  const h = ip6(address);
  if (h === null) return false;
  const [h0, h1, h2, h3, h4, h5, h6, h7] = h as [number, number, number, number, number, number, number, number];
  const embeddedV4 = ((h6 << 16) | h7) >>> 0;
  const upperZero = h0 === 0 && h1 === 0 && h2 === 0 && h3 === 0 && h4 === 0;
  if (upperZero && h5 === 0xffff) return isPublicV4(embeddedV4); // ::ffff:a.b.c.d (IPv4-mapped)
  if (h0 === 0 && h1 === 0 && h2 === 0 && h3 === 0 && h4 === 0xffff && h5 === 0) return isPublicV4(embeddedV4); // ::ffff:0:a.b.c.d (IPv4-translated, SIIT)
  if (upperZero && h5 === 0) return false; // ::, ::1 and deprecated IPv4-compatible ::a.b.c.d
  if (h0 === 0x64 && h1 === 0xff9b && h2 === 0 && h3 === 0 && h4 === 0 && h5 === 0) return isPublicV4(embeddedV4); // NAT64 64:ff9b::/96
  // Local-use NAT64 64:ff9b:1::/48 (RFC 8215): the /96 layout embeds the IPv4 address last; any
  // other layout puts it where we cannot vouch for it, so it is refused.
  if (h0 === 0x64 && h1 === 0xff9b && h2 === 1) return h3 === 0 && h4 === 0 && h5 === 0 && isPublicV4(embeddedV4);
  if (h0 === 0x2001 && h1 === 0) return false; // Teredo 2001::/32 tunnels to an IPv4 address of the sender's choosing
  if (h0 === 0x2002) return isPublicV4(((h1 << 16) | h2) >>> 0); // 6to4 embeds the IPv4 address
  if ((h0 & 0xfe00) === 0xfc00) return false; // fc00::/7 unique local (private)
  if ((h0 & 0xffc0) === 0xfe80) return false; // fe80::/10 link-local
  if ((h0 & 0xffc0) === 0xfec0) return false; // fec0::/10 old site-local
  if ((h0 & 0xff00) === 0xff00) return false; // ff00::/8 multicast
  if (h0 === 0x2001 && h1 === 0x0db8) return false; // documentation
  if (h0 === 0x0100 && h1 === 0 && h2 === 0 && h3 === 0) return false; // discard-only 100::/64
  return true;
}

function ip4(address: string): number {
  const parts = address.split('.').map(Number);
  return (((parts[0] ?? 0) << 24) | ((parts[1] ?? 0) << 16) | ((parts[2] ?? 0) << 8) | (parts[3] ?? 0)) >>> 0;
}

/** Eight 16-bit groups of a valid IPv6 literal (already checked by isIP), or null. */
function ip6(address: string): number[] | null {
  let text = address.toLowerCase();
  let tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = ip4(v4[1] as string);
    tail = [n >>> 16, n & 0xffff];
    text = text.slice(0, -(v4[1] as string).length);
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }
  const [head = '', rest] = text.split('::');
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const left = parse(head);
  const right = [...(rest === undefined ? [] : parse(rest)), ...tail];
  if (rest === undefined) {
    const all = [...left, ...right];
    return all.length === 8 ? all : null;
  }
  const fill = 8 - left.length - right.length;
  if (fill < 0) return null;
  return [...left, ...new Array<number>(fill).fill(0), ...right];
}
