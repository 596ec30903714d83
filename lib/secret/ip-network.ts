// CIDR allow-lists (`AcceptedIpNetwork`): parsing and matching for IPv4 and IPv6 through
// node:net's BlockList, so no address arithmetic is written by hand.
import { BlockList, isIP } from 'node:net';

export type CidrParseResult = { ok: true; cidrs: string[] } | { ok: false; error: string };

function parseOne(raw: string): { ok: true; address: string; prefix: number; family: 'ipv4' | 'ipv6' } | { ok: false; error: string } {
  const [address = '', prefixText, ...rest] = raw.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return { ok: false, error: `"${raw}" is not an IPv4 or IPv6 network in CIDR form (like 203.0.113.0/24)` };
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) {
    return { ok: false, error: `"${raw}" has a prefix length outside 0–${max}` };
  }
  return { ok: true, address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** Splits a comma-separated list (or takes an array) and validates every CIDR in it. */
export function parseCidrList(value: string | readonly string[]): CidrParseResult {
  const items = (typeof value === 'string' ? value.split(',') : value).map((item) => item.trim()).filter(Boolean);
  const cidrs: string[] = [];
  for (const item of items) {
    const parsed = parseOne(item);
    if (!parsed.ok) return parsed;
    cidrs.push(item);
  }
  return { ok: true, cidrs };
}

/** True when `ip` lies in any of the networks; an unparseable address or network never matches. */
export function ipInNetworks(ip: string, cidrs: readonly string[]): boolean {
  const version = isIP(ip);
  if (version === 0) return false;
  const list = new BlockList();
  for (const cidr of cidrs) {
    const parsed = parseOne(cidr);
    if (!parsed.ok) return false;
    list.addSubnet(parsed.address, parsed.prefix, parsed.family);
  }
  return list.check(ip, version === 4 ? 'ipv4' : 'ipv6');
}
