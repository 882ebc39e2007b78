/**
 * Socket endpoints as ss and /proc/net print them, and back to text. IPv4-mapped IPv6 addresses
 * ("::ffff:127.0.0.1", what a dual-stack listener sees) are shown as the IPv4 address, since that is
 * the host the user knows; the family is kept so nothing is lost.
 */
export interface Endpoint {
  /** "127.0.0.1", "2001:db8::1", or "*" for a wildcard (a listener, an unconnected UDP socket). */
  address: string;
  /** 0 when ss prints "*" (no port yet). */
  port: number;
  /** Interface scope ("%lo", "%eth0" in ss), when the socket is bound to one. */
  scope?: string;
}

const MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** "::ffff:10.0.0.1" -> "10.0.0.1"; anything else unchanged. */
export function unmapAddress(address: string): string {
  return MAPPED.exec(address)?.[1] ?? address;
}

export function isIpv6(address: string): boolean {
  return address.includes(':');
}

/**
 * Parse an endpoint as ss prints it: "127.0.0.1:80", "[::1]:443", "[::ffff:127.0.0.1]:5201",
 * "*:22", "0.0.0.0:*", "127.0.0.53%lo:53", "[fe80::1]%eth0:546". Undefined when it is not one.
 */
export function parseSsEndpoint(text: string): Endpoint | undefined {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const portText = text.slice(colon + 1);
  const port = portText === '*' ? 0 : Number(portText);
  if (!/^(\d+|\*)$/.test(portText) || port > 65535) return undefined;
  let host = text.slice(0, colon);
  let scope: string | undefined;
  const percent = host.lastIndexOf('%');
  if (percent > 0 && percent > host.lastIndexOf(']')) {
    scope = host.slice(percent + 1);
    host = host.slice(0, percent);
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host === '' || (!host.includes(':') && !/^(\d+\.\d+\.\d+\.\d+|\*)$/.test(host))) return undefined;
  const address = host === '0.0.0.0' || host === '::' ? '*' : unmapAddress(host);
  return scope === undefined ? { address, port } : { address, port, scope };
}

/** "10.0.0.1:80", "[2001:db8::1]:443", "*:22"; port 0 prints as "*". */
export function formatEndpoint(endpoint: Endpoint): string {
  const host = isIpv6(endpoint.address) ? `[${endpoint.address}]` : endpoint.address;
  return `${host}:${endpoint.port === 0 ? '*' : endpoint.port}`;
}
