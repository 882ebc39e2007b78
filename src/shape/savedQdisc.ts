/**
 * A root qdisc of the user's that hog replaces only with --force: recorded with the tc line that puts
 * it back exactly (same kind, handle and parameters: `tc qdisc show` reads the same after clear).
 * Only kinds whose every parameter tc shows can be recreated; anything else is refused, never
 * replaced and lost.
 */
import { UnsupportedError } from '../errors.js';
import type { SavedQdisc } from './state.js';
import type { TcQdisc } from './tcParse.js';

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/**
 * The root is the kernel's own default (handle 0:), and so is every qdisc under it (a multiqueue
 * NIC's mq has one per queue): deleting hog's root brings all of it back by itself. A child the user
 * set (`tc qdisc replace dev eth0 parent :1 fq` gets a handle of its own) would not come back.
 */
export function isDefaultRoot(root: TcQdisc | undefined, qdiscs: readonly TcQdisc[] = []): boolean {
  if (root === undefined) return true;
  if (root.handle !== '0:') return false;
  return qdiscs.every(
    (q) => q === root || q.parent === 'ingress' || q.handle === 'ffff:' || q.handle === '0:',
  );
}

function tbfRestore(dev: string, q: TcQdisc): string | undefined {
  const o = q.options;
  const rate = num(o.rate);
  const lat = num(o.lat);
  // bytes (a number), or "1600b/1" (with the cell size) under tc -d
  const burst =
    typeof o.burst === 'string' ? o.burst : typeof o.burst === 'number' ? `${o.burst}b` : undefined;
  if (rate === undefined || lat === undefined || burst === undefined) return undefined;
  const burstBytes = Number(/^(\d+)b/.exec(burst)?.[1]);
  if (!Number.isFinite(burstBytes)) return undefined;
  // tbf shows latency, computed from its limit: limit = rate * latency + burst (sch_tbf, tc/q_tbf.c)
  const limit = Math.round((rate * lat) / 1e6) + burstBytes;
  const parts = [
    `qdisc add dev ${dev} root handle ${q.handle} tbf rate ${rate * 8}bit burst ${burst} limit ${limit}`,
  ];
  if (num(o.mpu)) parts.push(`mpu ${o.mpu}`);
  const peak = num(o.peakrate);
  if (peak !== undefined) {
    if (typeof o.mtu !== 'string' && typeof o.mtu !== 'number') return undefined;
    parts.push(`peakrate ${peak * 8}bit mtu ${o.mtu}`);
  }
  if (typeof o.linklayer === 'string' && o.linklayer !== 'ethernet') parts.push(`linklayer ${o.linklayer}`);
  return parts.join(' ');
}

/**
 * What to save of the device's root qdisc before hog replaces it; throws when it cannot be put back
 * exactly (a kind hog cannot recreate, or children and filters under it).
 */
export function saveRootQdisc(dev: string, qdiscs: readonly TcQdisc[], shown: string): SavedQdisc {
  const root = qdiscs.find((q) => q.parent === 'root');
  if (root === undefined) throw new UnsupportedError(`${dev} has no root qdisc to save`);
  const major = root.handle.split(':')[0];
  const children = qdiscs.filter((q) => q !== root && q.parent.split(':')[0] === major && q.handle !== '0:');
  let line: string | undefined;
  if (children.length > 0) line = undefined;
  else if (root.kind === 'tbf') line = tbfRestore(dev, root);
  else if ((root.kind === 'pfifo' || root.kind === 'bfifo') && num(root.options.limit) !== undefined) {
    line = `qdisc add dev ${dev} root handle ${root.handle} ${root.kind} limit ${root.options.limit}`;
  }
  if (line === undefined) {
    throw new UnsupportedError(
      `${dev} has a root qdisc of its own (${root.kind} ${root.handle}${children.length > 0 ? ' with qdiscs under it' : ''}) that hog could not put back exactly`,
      {
        hint: `hog saves and restores only a plain tbf, pfifo or bfifo; remove it yourself first if shaping should replace it (tc qdisc del dev ${dev} root)`,
      },
    );
  }
  return { kind: root.kind, handle: root.handle, shown: shown.trim(), restore: [line] };
}
