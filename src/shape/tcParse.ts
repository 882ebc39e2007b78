/**
 * Parsers of what tc prints, pure functions of text (tested on captured output in test/shape/fixtures):
 * - `tc -j qdisc show dev X`: JSON (iproute2 4.13+).
 * - `tc -s -d class show dev X`: TEXT. iproute2 6.1 prints classes as text even with -j, later
 *   releases as JSON with other field names; the text has been the same for decades, so hog asks
 *   for text and reads that.
 * - `tc -j filter show dev X parent P`: JSON; a u32 filter shows its hash table header and then one
 *   entry per key node (fh "800::800"), which carries the flowid and the actions.
 */
import { HogError } from '../errors.js';

export interface TcQdisc {
  kind: string;
  handle: string;
  /** "root", "ingress" (the ingress/clsact hook), or the parent class ("8001:1"). */
  parent: string;
  options: Record<string, unknown>;
  bytes?: number;
  packets?: number;
  drops?: number;
  overlimits?: number;
}

export interface TcClassStats {
  bytes: number;
  packets: number;
  drops: number;
  overlimits: number;
  /** From the rate estimator hog attaches to its classes; undefined without one. */
  rateBitsPerSecond?: number;
}

export interface TcClass {
  kind: string;
  classId: string;
  /** "root" or the parent class. */
  parent: string;
  prio?: number;
  quantum?: number;
  rateBitsPerSecond?: number;
  ceilBitsPerSecond?: number;
  stats?: TcClassStats;
}

export interface TcFilter {
  protocol: string;
  pref: number;
  kind: string;
  /** Key nodes of a u32 filter (one per `tc filter add`), with where they send packets. */
  entries: { flowid?: string; redirectTo?: string }[];
}

function parseJsonList(text: string, what: string): Record<string, unknown>[] {
  let list: unknown;
  try {
    list = JSON.parse(text.trim() === '' ? '[]' : text);
  } catch (error) {
    throw new HogError(`tc printed ${what} that is not JSON`, { cause: error });
  }
  if (!Array.isArray(list)) throw new HogError(`tc printed ${what} that is not a JSON list`);
  return list.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null);
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

export function parseQdiscs(text: string): TcQdisc[] {
  return parseJsonList(text, 'qdiscs').map((q) => {
    const handle = String(q.handle ?? '');
    const parent = q.root === true ? 'root' : handle === 'ffff:' ? 'ingress' : String(q.parent ?? '');
    return {
      kind: String(q.kind ?? '?'),
      handle,
      parent,
      options: (typeof q.options === 'object' && q.options !== null ? q.options : {}) as Record<
        string,
        unknown
      >,
      bytes: num(q.bytes),
      packets: num(q.packets),
      drops: num(q.drops),
      overlimits: num(q.overlimits),
    };
  });
}

export function parseFilters(text: string): TcFilter[] {
  const byKey = new Map<string, TcFilter>();
  for (const f of parseJsonList(text, 'filters')) {
    const protocol = String(f.protocol ?? '?');
    const pref = num(f.pref) ?? -1;
    const key = `${protocol}/${pref}`;
    let filter = byKey.get(key);
    if (filter === undefined) {
      filter = { protocol, pref, kind: String(f.kind ?? '?'), entries: [] };
      byKey.set(key, filter);
    }
    const options = f.options as Record<string, unknown> | undefined;
    // the entry itself: a handle with a node part (800::800); "800:" is the hash table
    if (options === undefined || !/::/.test(String(options.fh ?? ''))) continue;
    const actions = Array.isArray(options.actions) ? (options.actions as Record<string, unknown>[]) : [];
    const redirect = actions.find((a) => a.kind === 'mirred');
    filter.entries.push({
      flowid: typeof options.flowid === 'string' ? options.flowid : undefined,
      redirectTo: typeof redirect?.to_dev === 'string' ? redirect.to_dev : undefined,
    });
  }
  return [...byKey.values()];
}

const UNITS: Record<string, number> = { '': 1, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** tc's printed rate ("10Mbit", "1500Kbit", "0bit", "8bit") -> bits/s. */
export function parseTcRate(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)bit$/.exec(text);
  return m === null ? undefined : Math.round(Number(m[1]) * (UNITS[m[2] as string] as number));
}

/** `tc -s -d class show dev X` text -> classes, counters included when -s was given. */
export function parseClasses(text: string): TcClass[] {
  const classes: TcClass[] = [];
  let current: TcClass | undefined;
  for (const line of text.split('\n')) {
    const head = /^class (\S+) (\S+) (root|parent (\S+))(.*)$/.exec(line);
    if (head !== null) {
      const rest = (head[5] as string).trim().split(/\s+/);
      const after = (word: string) => {
        const i = rest.indexOf(word);
        return i >= 0 ? rest[i + 1] : undefined;
      };
      const prio = after('prio');
      const quantum = after('quantum');
      const rate = after('rate');
      const ceil = after('ceil');
      current = {
        kind: head[1] as string,
        classId: head[2] as string,
        parent: head[4] ?? 'root',
        prio: prio === undefined ? undefined : Number(prio),
        quantum: quantum === undefined ? undefined : Number(quantum),
        rateBitsPerSecond: rate === undefined ? undefined : parseTcRate(rate),
        ceilBitsPerSecond: ceil === undefined ? undefined : parseTcRate(ceil),
      };
      classes.push(current);
      continue;
    }
    if (current === undefined) continue;
    const sent = /^\s*Sent (\d+) bytes (\d+) pkts? \(dropped (\d+), overlimits (\d+)/.exec(line);
    if (sent !== null) {
      current.stats = {
        bytes: Number(sent[1]),
        packets: Number(sent[2]),
        drops: Number(sent[3]),
        overlimits: Number(sent[4]),
      };
      continue;
    }
    const rate = /^\s*rate (\S+) \d+pps/.exec(line);
    if (rate !== null && current.stats !== undefined)
      current.stats.rateBitsPerSecond = parseTcRate(rate[1] as string);
  }
  return classes;
}
