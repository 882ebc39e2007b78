/**
 * IP addresses as bytes and text: the kernel's hex words in /proc/net/tcp{,6}, and the 4 or 16
 * network-order bytes that sock_diag and pcap hand over. Pure conversions, shared by the procfs socket
 * readers here and by net/ (sockDiag, capture).
 */
/**
 * The 32-bit hex words of /proc/net/tcp ("0100007F" is 127.0.0.1): each word is in the kernel's
 * byte order, which is little-endian on every machine hog runs on (x86, arm64).
 */
export function parseProcHexAddress(hex: string): string | undefined {
  if (!/^[0-9A-Fa-f]+$/.test(hex) || (hex.length !== 8 && hex.length !== 32)) return undefined;
  const bytes: number[] = [];
  for (let word = 0; word < hex.length; word += 8) {
    for (let i = 6; i >= 0; i -= 2) bytes.push(Number.parseInt(hex.slice(word + i, word + i + 2), 16));
  }
  return addressFromBytes(bytes);
}

/** 4 or 16 address bytes in network order -> text; an IPv4-mapped IPv6 address as its IPv4 address. */
export function addressFromBytes(bytes: ArrayLike<number>): string {
  const b = (i: number) => bytes[i] ?? 0;
  if (bytes.length === 4) return `${b(0)}.${b(1)}.${b(2)}.${b(3)}`;
  let mapped = b(10) === 0xff && b(11) === 0xff;
  for (let i = 0; i < 10 && mapped; i++) if (b(i) !== 0) mapped = false;
  if (mapped) return `${b(12)}.${b(13)}.${b(14)}.${b(15)}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b(i) << 8) | b(i + 1)).toString(16));
  return compressIpv6(groups);
}

/** Eight hex groups -> the shortest form (RFC 5952): the longest run of zero groups becomes "::". */
export function compressIpv6(groups: readonly string[]): string {
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > bestLength && j - i >= 2) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return groups.join(':');
  const head = groups.slice(0, bestStart).join(':');
  const tail = groups.slice(bestStart + bestLength).join(':');
  const text = `${head}::${tail}`;
  return text === '::' ? '::' : text;
}

/** Text -> 4 or 16 bytes in network order ("10.0.0.1", "fd66::1", "::ffff:10.0.0.1"); undefined if not an address. */
export function addressToBytes(text: string): Buffer | undefined {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(text)) {
    const parts = text.split('.').map(Number);
    return parts.every((n) => n >= 0 && n <= 255) ? Buffer.from(parts) : undefined;
  }
  if (!text.includes(':')) return undefined;
  let tail: number[] = [];
  let body = text;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const bytes = addressToBytes(v4[1] as string);
    if (!bytes) return undefined;
    tail = [
      (bytes[0] as number) * 256 + (bytes[1] as number),
      (bytes[2] as number) * 256 + (bytes[3] as number),
    ];
    body = text.slice(0, -(v4[1] as string).length).replace(/:$/, '');
    if (body.endsWith(':')) body += ':';
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const [head, rest] = halves as [string, string | undefined];
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => Number.parseInt(g, 16)));
  const left = parse(head);
  const right = [...(rest === undefined ? [] : parse(rest)), ...tail];
  const fill = 8 - left.length - right.length;
  if (fill < 0 || (rest === undefined && fill !== 0)) return undefined;
  const groups = [...left, ...new Array(fill).fill(0), ...right];
  if (groups.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff)) return undefined;
  const out = Buffer.alloc(16);
  for (const [i, g] of groups.entries()) out.writeUInt16BE(g, i * 2);
  return out;
}
