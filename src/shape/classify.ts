/**
 * Which shaping class a connection's packets fall in, from its endpoints and the rules hog installed:
 * what `hog net` shows per connection. Pure; it mirrors the filters hog shape installs:
 *   - a port rule matches either end's port (tc u32 on the source or the destination port);
 *   - a host rule matches the remote address (the destination going out, the source coming in);
 *   - rules are tried in the order of the state file, the first that matches wins, as tc tries
 *     filters in order; a packet no rule takes goes to the device's default class.
 * A connection whose device has no hog shaping falls in no class. An IPv4 connection on a dual-stack
 * socket ("::ffff:10.0.0.1") travels as IPv4, so it is matched as IPv4.
 */
import { addressToBytes } from '../proc/ipAddress.js';
import { DEFAULT_CLASS } from './handles.js';
import type { ShapeState } from './state.js';

export type ShapeDirection = 'egress' | 'ingress';

/** The part of a rule (rules.ts ShapeRule) the matcher reads. */
export interface ClassifiableRule {
  id: string;
  direction: ShapeDirection;
  match: { port?: number; ports?: number[]; host?: string; pid?: number };
  prio?: string;
  rateBitsPerSecond?: number;
  ceilBitsPerSecond?: number;
  classId: string;
}

/** One device's shaping as hog recorded it (state.ts ShapeState, the fields read here). */
export interface ShapedDevice {
  dev: string;
  rules: readonly ClassifiableRule[];
  /** Whether the tree exists in that direction (a link rate set, or a rule in it). */
  egress: boolean;
  ingress: boolean;
  /** The default classes' ids, when known. */
  egressDefault?: string;
  ingressDefault?: string;
}

export interface ConnectionEnds {
  local: { address: string; port: number };
  remote: { address: string; port: number };
  /** The device the connection uses; undefined when not known (then it falls in no class). */
  dev: string | undefined;
}

export interface ClassMatch {
  dev: string;
  direction: ShapeDirection;
  /** The rule that took it; undefined: the default class. */
  ruleId: string | undefined;
  classId: string | undefined;
  prio?: string;
  rateBitsPerSecond?: number;
  ceilBitsPerSecond?: number;
}

const MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** Whether `address` lies in `network` ("10.1.2.0/24", "fd66::/64", or one address). */
export function inNetwork(address: string, network: string): boolean {
  const [base, prefixText] = network.split('/');
  const a = addressToBytes(MAPPED.exec(address)?.[1] ?? address);
  const b = addressToBytes(MAPPED.exec(base ?? '')?.[1] ?? base ?? '');
  if (!a || !b || a.length !== b.length) return false;
  const prefix = prefixText === undefined ? a.length * 8 : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > a.length * 8) return false;
  for (let bit = 0; bit < prefix; bit += 8) {
    const bits = Math.min(8, prefix - bit);
    const mask = (0xff << (8 - bits)) & 0xff;
    if (((a[bit / 8] as number) & mask) !== ((b[bit / 8] as number) & mask)) return false;
  }
  return true;
}

export function ruleMatches(rule: ClassifiableRule, ends: ConnectionEnds): boolean {
  const ports = rule.match.ports ?? (rule.match.port === undefined ? [] : [rule.match.port]);
  if (ports.length > 0 && !ports.some((p) => p === ends.local.port || p === ends.remote.port)) return false;
  if (rule.match.host !== undefined && !inNetwork(ends.remote.address, rule.match.host)) return false;
  // a pid rule with no ports left matches nothing (its filters are gone)
  return ports.length > 0 || rule.match.host !== undefined;
}

function classIn(device: ShapedDevice, direction: ShapeDirection, ends: ConnectionEnds): ClassMatch {
  const rule = device.rules.find((r) => r.direction === direction && ruleMatches(r, ends));
  if (!rule) {
    const classId = direction === 'egress' ? device.egressDefault : device.ingressDefault;
    return { dev: device.dev, direction, ruleId: undefined, classId };
  }
  const match: ClassMatch = { dev: device.dev, direction, ruleId: rule.id, classId: rule.classId };
  if (rule.prio !== undefined) match.prio = rule.prio;
  if (rule.rateBitsPerSecond !== undefined) match.rateBitsPerSecond = rule.rateBitsPerSecond;
  if (rule.ceilBitsPerSecond !== undefined) match.ceilBitsPerSecond = rule.ceilBitsPerSecond;
  return match;
}

/** The classes the connection's packets go to: out (egress) first, then in; empty when unshaped. */
export function classifyConnection(ends: ConnectionEnds, devices: readonly ShapedDevice[]): ClassMatch[] {
  const device = ends.dev === undefined ? undefined : devices.find((d) => d.dev === ends.dev);
  if (!device) return [];
  const classes: ClassMatch[] = [];
  if (device.egress) classes.push(classIn(device, 'egress', ends));
  if (device.ingress) classes.push(classIn(device, 'ingress', ends));
  return classes;
}

/**
 * The device a connection uses, by its local address: the device that holds that address (the kernel
 * picks the source address of the outgoing device). A connection between two of the machine's own
 * addresses goes over loopback whatever device holds them. A wildcard or unknown address: undefined.
 * `addresses`: address -> device, of hog's network namespace.
 */
export function connectionDevice(
  local: string,
  remote: string,
  addresses: ReadonlyMap<string, string>,
): string | undefined {
  const plain = (a: string) => MAPPED.exec(a)?.[1] ?? a;
  const dev = addresses.get(plain(local));
  if (dev === undefined) return undefined;
  return addresses.has(plain(remote)) ? (addresses.get('127.0.0.1') ?? 'lo') : dev;
}

/**
 * A device's recorded state as the matcher reads it: trees where wanted.ts builds them (a link rate
 * or a rule in that direction; ingress only with its ifb), rules in filter order (their slot sets
 * their filter preference, lower first: handles.ts).
 */
export function shapedDevice(state: ShapeState): ShapedDevice {
  const has = (direction: ShapeDirection) => state.rules.some((r) => r.direction === direction);
  return {
    dev: state.dev,
    rules: [...state.rules].sort((a, b) => a.slot - b.slot),
    egress: state.linkRateBitsPerSecond !== undefined || has('egress'),
    ingress: state.ifb !== undefined && (state.ingressRateBitsPerSecond !== undefined || has('ingress')),
    egressDefault: DEFAULT_CLASS,
    ingressDefault: DEFAULT_CLASS,
  };
}
