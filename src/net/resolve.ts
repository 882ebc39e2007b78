/**
 * Host names and ports the user typed. A host is resolved once, through the system resolver
 * (getaddrinfo: /etc/hosts, then DNS), and a name that does not resolve is the user's error.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { NotFoundError, quote, UsageError } from '../errors.js';
import { unmapAddress } from './address.js';

export function parsePort(text: string, what = 'port'): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw new UsageError(`${what} out of range: ${quote(text)}`, {
      hint: 'a port is a whole number from 1 to 65535',
    });
  }
  return n;
}

/** "80,443 8080" -> [80, 443, 8080] */
export function parsePortList(text: string): number[] {
  return text
    .split(/[\s,]+/)
    .filter((p) => p !== '')
    .map((p) => parsePort(p));
}

/** Every address of a host name (or the address itself). */
export async function resolveHost(host: string): Promise<string[]> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (isIP(bare)) return [unmapAddress(bare)];
  try {
    const found = await lookup(bare, { all: true });
    return [...new Set(found.map((a) => unmapAddress(a.address)))];
  } catch (error) {
    throw new NotFoundError(`cannot resolve host ${quote(host)}`, {
      hint: 'check the name (getent hosts NAME), or give an IP address',
      cause: error,
    });
  }
}

/**
 * "host:port", "[2001:db8::1]:443", "host" (with a default port). IPv6 addresses need brackets when a
 * port follows, as in URLs.
 */
export function parseHostPort(text: string, defaultPort?: number): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  let host: string;
  let portText: string | undefined;
  if (bracketed) {
    host = bracketed[1] as string;
    portText = bracketed[2];
  } else if ((text.match(/:/g) ?? []).length === 1) {
    [host, portText] = text.split(':') as [string, string];
  } else {
    host = text;
  }
  if (host === '')
    throw new UsageError(`no host in ${quote(text)}`, {
      hint: 'write HOST:PORT, e.g. example.com:443 or [::1]:22',
    });
  if (portText === undefined || portText === '') {
    if (defaultPort === undefined) {
      throw new UsageError(`no port in ${quote(text)}`, {
        hint: 'write HOST:PORT, e.g. example.com:443 or [::1]:22',
      });
    }
    return { host, port: defaultPort };
  }
  return { host, port: parsePort(portText) };
}
