// Checking and normalising the networks of `AcceptedIpNetwork` for storage: a bare address becomes
// /32 or /128, IPv6 is written in its RFC 5952 form, and a network with host bits set is refused
// with the network meant. Address arithmetic comes from ipaddr.js. Browser-safe: no node: imports.
import ipaddr from 'ipaddr.js';

export type CidrProblem = 'not-a-network' | 'prefix-length' | 'host-bits';

export type CidrCheck =
  { ok: true; cidr: string; family: 'ipv4' | 'ipv6' } | { ok: false; problem: CidrProblem; message: string; suggestion?: string };

export type CidrListIssue = { index: number; value: string; problem: CidrProblem | 'duplicate'; message: string; suggestion?: string };

export type CidrListResult = { ok: true; cidrs: string[] } | { ok: false; issues: CidrListIssue[] };

function shown(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}…` : value;
}

/** One network, normalised (`203.0.113.7` → `203.0.113.7/32`), or why it is refused. */
export function checkCidr(raw: string): CidrCheck {
  const value = raw.trim();
  const [address = '', prefixText, ...rest] = value.split('/');
  const family = ipaddr.IPv4.isValidFourPartDecimal(address) ? 'ipv4' : !address.includes('%') && ipaddr.IPv6.isValid(address) ? 'ipv6' : null;
  if (family === null || rest.length > 0) {
    return { ok: false, problem: 'not-a-network', message: `${JSON.stringify(shown(value))} is not an IP address or a network like 203.0.113.0/24.` };
  }
  const max = family === 'ipv4' ? 32 : 128;
  if (prefixText === '')
    return {
      ok: false,
      problem: 'prefix-length',
      message: `${shown(value)} has nothing after the /; give a prefix length 0–${max}, or leave out the /.`,
    };
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) {
    return { ok: false, problem: 'prefix-length', message: `${shown(value)} has a prefix length outside 0–${max}.` };
  }
  const parsed = ipaddr.parse(address);
  // RFC 5952: IPv6 in lower case with the longest run of zeros as ::, an IPv4-mapped tail dotted.
  const text = (ip: ipaddr.IPv4 | ipaddr.IPv6): string => {
    if (ip.kind() === 'ipv4') return ip.toString();
    const v6 = ip as ipaddr.IPv6;
    return v6.isIPv4MappedAddress() ? `::ffff:${v6.toIPv4Address().toString()}` : v6.toRFC5952String();
  };
  const network =
    family === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(`${address}/${prefix}`) : ipaddr.IPv6.networkAddressFromCIDR(`${address}/${prefix}`);
  if (network.toNormalizedString() !== parsed.toNormalizedString()) {
    const suggestion = `${text(network)}/${prefix}`;
    return { ok: false, problem: 'host-bits', message: `${shown(value)} has host bits set; did you mean ${suggestion}?`, suggestion };
  }
  return { ok: true, cidr: `${text(parsed)}/${prefix}`, family };
}

/**
 * Checks a list (comma- or line-separated text, or an array) and returns it normalised for storage,
 * or every bad entry with its position: refused networks and networks already in the list.
 */
export function normalizeCidrList(value: string | readonly string[]): CidrListResult {
  // An array keeps its indices (they are zod issue paths); blank entries are skipped, not counted.
  const raw = typeof value === 'string' ? value.split(/[\n,]/).filter((item) => item.trim() !== '') : value;
  const issues: CidrListIssue[] = [];
  const cidrs: string[] = [];
  const seen = new Map<string, number>();
  raw.forEach((untrimmed, index) => {
    const item = untrimmed.trim();
    if (item === '') return;
    const checked = checkCidr(item);
    if (!checked.ok) {
      issues.push({
        index,
        value: item,
        problem: checked.problem,
        message: `Network ${index + 1}: ${checked.message}`,
        ...(checked.suggestion ? { suggestion: checked.suggestion } : {}),
      });
      return;
    }
    const first = seen.get(checked.cidr);
    if (first !== undefined) {
      issues.push({
        index,
        value: item,
        problem: 'duplicate',
        message: `Network ${index + 1}: ${shown(item)} is already in the list as network ${first + 1}.`,
      });
      return;
    }
    seen.set(checked.cidr, index);
    cidrs.push(checked.cidr);
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, cidrs };
}
