/** An address or network for a host rule: parsed, host bits cleared, and compared for overlap. */
import { isIPv4, isIPv6 } from 'node:net';
import { quote, UsageError } from '../errors.js';

export interface Network {
  family: 4 | 6;
  /** The address as bytes, host bits cleared. */
  bytes: number[];
  prefix: number;
  /** Canonical text: "10.1.2.0/24", "fd00:1::/64", "10.1.2.3/32". */
  text: string;
}

function v6Bytes(address: string): number[] {
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const groups = (s: string | undefined) => (s === undefined || s === '' ? [] : s.split(':'));
  let left = groups(head);
  let right = groups(tail);
  const last = (right.length > 0 ? right : left).at(-1);
  // an embedded IPv4 (::ffff:10.0.0.1) counts as two groups
  if (last?.includes('.')) {
    const b = last.split('.').map(Number);
    const pair = [((b[0] as number) << 8) | (b[1] as number), ((b[2] as number) << 8) | (b[3] as number)];
    const hex = pair.map((g) => g.toString(16));
    if (right.length > 0) right = [...right.slice(0, -1), ...hex];
    else left = [...left.slice(0, -1), ...hex];
  }
  const fill = tail === undefined ? [] : new Array(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].flatMap((g) => {
    const n = Number.parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

function v6Text(bytes: number[]): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2)
    groups.push((((bytes[i] as number) << 8) | (bytes[i + 1] as number)).toString(16));
  // the longest run of zero groups becomes "::"
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

export function parseNetwork(text: string): Network {
  const [address = '', prefixText, extra] = text.trim().split('/');
  const family = isIPv4(address) ? 4 : isIPv6(address) ? 6 : undefined;
  const bad = () =>
    new UsageError(`not an address or network: ${quote(text)}`, {
      hint: 'give an IPv4 or IPv6 address, optionally with a prefix length: 10.0.0.5, 10.0.0.0/24, fd00::/64',
    });
  if (family === undefined || extra !== undefined) throw bad();
  const bits = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefixText !== undefined && (!/^\d+$/.test(prefixText) || prefix > bits)) throw bad();
  const bytes = family === 4 ? address.split('.').map(Number) : v6Bytes(address);
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    bytes[i] = (bytes[i] as number) & ((0xff << (8 - keep)) & 0xff);
  }
  const addressText = family === 4 ? bytes.join('.') : v6Text(bytes);
  return { family, bytes, prefix, text: `${addressText}/${prefix}` };
}

/** Two networks share an address: same family and one contains the other. */
export function networksOverlap(a: Network, b: Network): boolean {
  if (a.family !== b.family) return false;
  const prefix = Math.min(a.prefix, b.prefix);
  for (let i = 0; i * 8 < prefix; i++) {
    const keep = Math.min(8, prefix - i * 8);
    const mask = (0xff << (8 - keep)) & 0xff;
    if (((a.bytes[i] as number) & mask) !== ((b.bytes[i] as number) & mask)) return false;
  }
  return true;
}
