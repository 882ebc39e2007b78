/**
 * A full link with nothing to keep one talker from starving the others: the link is judged full as
 * network.link-utilisation judges it (../linkJudgement.ts: a limiting speed at 80%, or drops, or a
 * standing queue), and nothing shapes it: hog shape installed no rules there, and its root qdisc is
 * not a classful shaper (htb, hfsc, cbq, drr, qfq, ets, prio) or cake. A plain FIFO, pfifo_fast, tbf
 * or mq root serves whoever fills the queue first. The finding names the process moving the most
 * over that link in its busiest direction (TCP payload per socket, the device by the socket's local
 * address) and the `hog shape` commands that put it below everyone else: a low priority keeps its
 * bandwidth while the link is idle and yields under contention (HTB borrowing). Where the kernel
 * knows no limiting speed (veth, a NIC behind a slower uplink), the link rate comes first: 95% of
 * what the link moved while full, so the queue forms in hog's classes instead of the bottleneck.
 */
import { networkInterfaces } from 'node:os';
import type { LinkWindow } from '../../net/linkWindow.js';
import type { ConnectionRow } from '../../net/monitor.js';
import { formatRate } from '../../render/units.js';
import { connectionDevice } from '../../shape/classify.js';
import { readShapeState } from '../../shape/state.js';
import type { Check } from '../check.js';
import { evidence } from '../evidence.js';
import type { Finding } from '../finding.js';
import { judgeLink, type LinkJudgement } from '../linkJudgement.js';
import { networkWindow, startNetworkWindow } from '../networkWindow.js';

/** Root qdiscs that classify traffic (tc-htb(8) and its kin): shaping is in place, if not hog's. */
export const SHAPING_QDISCS = ['htb', 'hfsc', 'cbq', 'drr', 'qfq', 'ets', 'prio', 'cake'];

/** The share of the full link's rate suggested as the link rate (wondershaper's advice: a little under). */
export const LINK_RATE_SHARE = 0.95;

export interface LinkTalker {
  pid: number;
  command: string;
  /** Bytes per second over the window in the link's busiest direction. */
  rate: number;
  /** Of the TCP payload seen on the link that way, percent. */
  share: number;
}

/** The process moving the most over `dev` in `direction` (2 s rates), from its connections there. */
export function topTalkerOn(
  connections: readonly Pick<ConnectionRow, 'local' | 'remote' | 'processes' | 'rates'>[],
  dev: string,
  direction: 'in' | 'out',
  addresses: ReadonlyMap<string, string>,
  exceptPid = process.pid,
): LinkTalker | undefined {
  const byPid = new Map<number, { command: string; rate: number }>();
  let total = 0;
  for (const c of connections) {
    if (connectionDevice(c.local.address, c.remote.address, addresses) !== dev) continue;
    const rate = c.rates[2][direction];
    total += rate;
    const owner = [...c.processes].sort((a, b) => a.pid - b.pid)[0];
    if (!owner || owner.pid === exceptPid) continue;
    const entry = byPid.get(owner.pid) ?? { command: owner.name, rate: 0 };
    entry.rate += rate;
    byPid.set(owner.pid, entry);
  }
  let top: LinkTalker | undefined;
  for (const [pid, { command, rate }] of byPid) {
    if (rate > 0 && (!top || rate > top.rate)) top = { pid, command, rate, share: 0 };
  }
  if (top) top.share = total > 0 ? (top.rate / total) * 100 : 0;
  return top;
}

/** A rate as hog shape reads it, in whole units of tc's decimal prefixes, rounded down. */
export function shapeRateText(bitsPerSecond: number): string {
  if (bitsPerSecond >= 10e9) return `${Math.floor(bitsPerSecond / 1e9)}gbit`;
  if (bitsPerSecond >= 10e6) return `${Math.floor(bitsPerSecond / 1e6)}mbit`;
  return `${Math.max(8, Math.floor(bitsPerSecond / 1e3))}kbit`;
}

/** The commands that give everyone else on the link priority over the talker. */
export function shapeCommands(load: LinkWindow, j: LinkJudgement, talker: LinkTalker | undefined): string[] {
  const commands: string[] = [];
  const ingress = j.direction === 'in';
  // a speed the judgement used is the kernel's, and hog shape takes it from sysfs; otherwise say it
  if (j.basis !== 'speed' || load.link.speedBitsPerSecond === undefined) {
    const rate = shapeRateText(j.rate * 8 * LINK_RATE_SHARE);
    commands.push(`hog shape link --dev ${load.name} ${ingress ? '--ingress-rate' : '--rate'} ${rate}`);
  }
  const who = talker ? `--pid ${talker.pid}` : '--port PORT';
  commands.push(`hog shape add --dev ${load.name} ${who} --prio low${ingress ? ' --ingress' : ''}`);
  return commands;
}

/** What shapes the device already, in words, or undefined when nothing does. */
export function shapingInPlace(
  load: LinkWindow,
  direction: 'in' | 'out',
  hogRules: number | undefined,
  hogIngress: boolean,
): string | undefined {
  if (direction === 'in') return hogIngress ? `hog shapes ${load.name}'s ingress` : undefined;
  if (hogRules !== undefined)
    return `hog shape has ${hogRules} rule${hogRules === 1 ? '' : 's'} on ${load.name}`;
  const kind = load.qdisc?.kind;
  return kind !== undefined && SHAPING_QDISCS.includes(kind) ? `its root qdisc is ${kind}` : undefined;
}

/** Address -> device of hog's own network namespace. */
function localAddresses(): Map<string, string> {
  const map = new Map<string, string>();
  for (const [dev, list] of Object.entries(networkInterfaces()))
    for (const a of list ?? []) map.set(a.address, dev);
  return map;
}

function hogShaping(dev: string, live: boolean): { rules: number | undefined; ingress: boolean } {
  if (!live) return { rules: undefined, ingress: false };
  try {
    const state = readShapeState(dev);
    if (!state) return { rules: undefined, ingress: false };
    const egress = state.rules.filter((r) => r.direction === 'egress').length;
    const ingress = state.ifb !== undefined || state.rules.some((r) => r.direction === 'ingress');
    return { rules: egress > 0 || state.linkRateBitsPerSecond !== undefined ? egress : undefined, ingress };
  } catch {
    return { rules: undefined, ingress: false }; // no readable state: judged by the qdisc alone
  }
}

function advice(id: string, load: LinkWindow, j: LinkJudgement, talker: LinkTalker | undefined): Finding {
  const way = j.direction === 'in' ? 'receives' : 'sends';
  const who = talker
    ? `PID ${talker.pid} (${talker.command}) moves ${talker.share.toFixed(0)}% of the TCP it ${way}`
    : 'no process could be named (UDP, or another user without root)';
  const list = [evidence.rate(`${load.name} ${j.direction}`, j.rate)];
  if (load.qdisc) list.push(evidence.text(`${load.name} root qdisc`, load.qdisc.kind));
  if (talker) {
    list.push(
      evidence.rate(`PID ${talker.pid} ${talker.command} ${j.direction} on ${load.name}`, talker.rate),
    );
    list.push(evidence.percent(`its share of ${load.name}'s TCP ${j.direction}`, talker.share));
  }
  return {
    check: id,
    resource: 'network',
    severity: 'warning',
    title: `${load.name} is full and nothing shapes it: ${who}; hog shape can give the rest priority`,
    evidence: list,
    next: [...shapeCommands(load, j, talker), `hog shape list --dev ${load.name}`],
    detail: `At a low priority the talker keeps the idle bandwidth but yields when others need the link. ${
      j.basis === 'speed'
        ? ''
        : `The link rate suggested is ${LINK_RATE_SHARE * 100}% of the ${formatRate(j.rate)} ${load.name} moved while full, so packets queue where hog can order them. `
    }hog shape plan shows the tc commands first; --for 10m makes it undo itself.`,
    ...(talker ? { subjects: [{ pid: talker.pid, name: talker.command }] } : {}),
  };
}

export const unshapedLink: Check = {
  id: 'network.unshaped-link',
  resource: 'network',
  description: 'a full link without traffic shaping, and the hog shape command that protects the others',
  prepare: startNetworkWindow,
  async run(context) {
    const window = await networkWindow(context);
    const live = context.procRoot === '/proc';
    const addresses = live ? localAddresses() : new Map<string, string>();
    const findings: Finding[] = [];
    const shaped: string[] = [];
    for (const load of window.links) {
      const j = judgeLink(load);
      if (j.severity === 'ok') continue;
      const hog = hogShaping(load.name, live);
      const inPlace = shapingInPlace(load, j.direction, hog.rules, hog.ingress);
      if (inPlace) {
        shaped.push(`${load.name} is full, but ${inPlace}`);
        continue;
      }
      const talker = topTalkerOn(window.snapshot.connections, load.name, j.direction, addresses);
      findings.push(advice(this.id, load, j, talker));
    }
    if (findings.length > 0) return findings;
    return [
      {
        check: this.id,
        resource: 'network',
        severity: 'ok',
        title: shaped.length > 0 ? shaped.join('; ') : 'no full link lacks traffic shaping',
        evidence: [],
        next: [],
      },
    ];
  },
};
