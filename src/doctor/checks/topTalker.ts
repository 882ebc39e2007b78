/**
 * One process taking most of the TCP traffic over the doctor's 2 s window (tcp_info byte counters per
 * socket, grouped by the process holding it). Named when it moves more than half of all traffic and
 * at least 1 Mb/s; a warning when a link is also full (../linkJudgement.ts: above 80% of a speed
 * that limits it, or dropping or queueing packets), otherwise information.
 */
import { formatRate } from '../../render/units.js';
import type { Check } from '../check.js';
import { evidence } from '../evidence.js';
import type { Severity } from '../finding.js';
import { fullLinks } from '../linkJudgement.js';
import { networkWindow, startNetworkWindow } from '../networkWindow.js';

/** Below this (bytes/s, = 1 Mb/s) traffic is too small to call anyone a hog. */
export const TALKER_MIN_RATE = 125_000;
export const TALKER_SHARE = 50;

export const topTalker: Check = {
  id: 'network.top-talker',
  resource: 'network',
  description: `a process moving more than ${TALKER_SHARE}% of the TCP traffic (ss tcp_info counters per socket)`,
  prepare: startNetworkWindow,
  async run(context) {
    const window = await networkWindow(context);
    const rate = (r: { rates: { 2: { in: number; out: number } } }) => r.rates[2].in + r.rates[2].out;
    const processes = window.processes.filter((p) => p.pid !== process.pid);
    const total = processes.reduce((sum, p) => sum + rate(p), 0);
    const leader = [...processes].sort((a, b) => rate(b) - rate(a))[0];
    const share = leader && total > 0 ? (rate(leader) / total) * 100 : 0;
    if (!leader || rate(leader) < TALKER_MIN_RATE || share <= TALKER_SHARE || leader.pid === undefined) {
      return [
        {
          check: this.id,
          resource: 'network',
          severity: 'ok',
          title: `no process dominates the traffic (TCP total ${formatRate(total)})`,
          evidence: [evidence.rate('TCP payload, all processes', total)],
          next: [],
        },
      ];
    }
    const saturated = fullLinks(window.links);
    const severity: Severity = saturated.length > 0 ? 'warning' : 'info';
    return [
      {
        check: this.id,
        resource: 'network',
        severity,
        title: `PID ${leader.pid} (${leader.command}) moves ${share.toFixed(0)}% of the TCP traffic: ${formatRate(rate(leader))}${saturated.length > 0 ? ` while ${saturated.map((i) => i.name).join(', ')} is saturated` : ''}`,
        evidence: [
          evidence.rate(`PID ${leader.pid} ${leader.command} in`, leader.rates[2].in),
          evidence.rate(`PID ${leader.pid} ${leader.command} out`, leader.rates[2].out),
          evidence.percent('share of TCP traffic', share),
          evidence.count(`PID ${leader.pid} connections`, leader.connections),
          ...processes
            .filter((p) => p !== leader)
            .sort((a, b) => rate(b) - rate(a))
            .slice(0, 3)
            .map((p) => evidence.rate(`PID ${p.pid ?? '-'} ${p.command ?? p.label}`, rate(p))),
        ],
        next: [`hog net --pid ${leader.pid}`, `hog net -t -s 10 --by remote --pid ${leader.pid}`],
        subjects: [{ pid: leader.pid, name: leader.command ?? leader.label }],
      },
    ];
  },
};
