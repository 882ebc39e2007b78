/**
 * Links that are full over the doctor's 2 s window: by their speed where it is a limit, by drops and
 * queues everywhere (the judgement and its thresholds: ../linkJudgement.ts). A virtual link's speed
 * (veth, tun/tap: a nominal 10 Gb/s) and a speed the rate went past are said to be no limit, so an
 * unlimited transfer over veth is not "208% of its 10 Gb/s link".
 */
import type { LinkWindow } from '../../net/linkWindow.js';
import { formatRate } from '../../render/units.js';
import type { Check } from '../check.js';
import { evidence } from '../evidence.js';
import type { Evidence, Finding } from '../finding.js';
import {
  DROP_WARNING,
  judgeLink,
  type LinkJudgement,
  UTILISATION_CRITICAL,
  UTILISATION_WARNING,
} from '../linkJudgement.js';
import { NETWORK_WINDOW_SECONDS, networkWindow, startNetworkWindow } from '../networkWindow.js';

export { UTILISATION_CRITICAL, UTILISATION_WARNING };

const bits = (bitsPerSecond: number) => formatRate(bitsPerSecond / 8);

function facts(load: LinkWindow, j: LinkJudgement): Evidence[] {
  const list = [
    evidence.rate(`${load.name} in`, load.inRate),
    evidence.rate(`${load.name} out`, load.outRate),
  ];
  if (j.utilisationPercent !== undefined) {
    list.unshift(
      evidence.percent(
        `${load.name} utilisation (${j.direction}, ${NETWORK_WINDOW_SECONDS} s)`,
        j.utilisationPercent,
      ),
    );
  }
  const reported = load.link.reportedSpeedBitsPerSecond;
  if (reported !== undefined) {
    const label = j.speedIgnored
      ? `${load.name} reported speed (${j.speedIgnored === 'virtual' ? `nominal: ${load.link.kind} device` : 'exceeded: not a limit'})`
      : `${load.name} link speed`;
    list.push(evidence.rate(label, reported / 8));
  }
  list.push(evidence.count(`${load.name} packets dropped on send (${NETWORK_WINDOW_SECONDS} s)`, j.dropped));
  if (load.qdisc) {
    list.push(evidence.bytes(`${load.name} qdisc ${load.qdisc.kind} backlog`, load.qdisc.lastBacklogBytes));
  }
  return list;
}

/** Why a reported speed was set aside, in a few words, or '' when it was not. */
function speedNote(load: LinkWindow, j: LinkJudgement): string {
  const reported = load.link.reportedSpeedBitsPerSecond;
  if (reported === undefined || !j.speedIgnored || j.rate * 8 <= reported) return '';
  const why = j.speedIgnored === 'virtual' ? `nominal (${load.link.kind} link)` : 'not its real speed';
  return `${load.name} moves ${formatRate(j.rate)}, above its reported ${bits(reported)}: that speed is ${why}, not a limit`;
}

function fullFinding(id: string, load: LinkWindow, j: LinkJudgement): Finding {
  const rate = `${formatRate(j.rate)} ${j.direction}`;
  const note = speedNote(load, j);
  let title: string;
  if (j.basis === 'speed') {
    title = `${load.name} is saturated: ${(j.utilisationPercent ?? 0).toFixed(0)}% of its ${bits(load.link.speedBitsPerSecond as number)} link (${j.direction})`;
  } else if (j.basis === 'drops') {
    title = `${load.name} is full: it dropped ${j.dropPercent.toFixed(1)}% of the packets it was given to send (${j.dropped} in ${NETWORK_WINDOW_SECONDS} s) at ${rate}`;
  } else {
    const held = evidence.bytes('', load.qdisc?.lastBacklogBytes ?? 0).text;
    title = `${load.name} is full: packets wait in its ${load.qdisc?.kind} queue throughout ${NETWORK_WINDOW_SECONDS} s (${held}, ${(j.queueMs ?? 0).toFixed(0)} ms of sending at ${rate})`;
  }
  return {
    check: id,
    resource: 'network',
    severity: j.severity,
    title: note ? `${title}; ${note}` : title,
    evidence: facts(load, j),
    next: [`hog net --by process`, `hog net -t -s 10 --by remote`, `tc -s qdisc show dev ${load.name}`],
    detail:
      'A full link queues and drops packets: latency rises for every connection. Find the process or host taking it, then cap or prioritise it (traffic shaping).',
  };
}

function okFinding(id: string, loads: readonly LinkWindow[], judgements: readonly LinkJudgement[]): Finding {
  const bySpeed = judgements.filter((j) => j.utilisationPercent !== undefined);
  const busiest = [...judgements].sort((a, b) => b.rate - a.rate)[0];
  const head =
    bySpeed.length > 0
      ? `no interface above ${UTILISATION_WARNING}% of its link speed (busiest ${bySpeed
          .map((j) => `${j.name} ${(j.utilisationPercent ?? 0).toFixed(1)}%`)
          .join(', ')})`
      : `no interface has a link speed that limits it; busiest: ${busiest ? `${busiest.name} ${formatRate(busiest.rate)}` : 'none'}`;
  const notes = loads.map((load, i) => speedNote(load, judgements[i] as LinkJudgement)).filter(Boolean);
  const drops = `no link drops ${DROP_WARNING}% of its packets or holds a queue`;
  return {
    check: id,
    resource: 'network',
    severity: 'ok',
    title: [head, drops, ...notes].join('; '),
    evidence: loads.flatMap((load, i) => {
      const j = judgements[i] as LinkJudgement;
      const list = [evidence.rate(`${load.name} busiest direction`, j.rate)];
      const reported = load.link.reportedSpeedBitsPerSecond;
      if (j.speedIgnored && reported !== undefined) {
        list.push(evidence.rate(`${load.name} reported speed (not a limit)`, reported / 8));
      }
      return list;
    }),
    next: [],
  };
}

export const linkUtilisation: Check = {
  id: 'network.link-utilisation',
  resource: 'network',
  description: `links above ${UTILISATION_WARNING}%/${UTILISATION_CRITICAL}% of a speed that limits them, or dropping/queueing packets, over ${NETWORK_WINDOW_SECONDS} s (/proc/net/dev, /sys/class/net, tc)`,
  prepare: startNetworkWindow,
  async run(context) {
    const window = await networkWindow(context);
    const judgements = window.links.map(judgeLink);
    const full = window.links
      .map((load, i) => ({ load, j: judgements[i] as LinkJudgement }))
      .filter(({ j }) => j.severity !== 'ok');
    if (full.length > 0) return full.map(({ load, j }) => fullFinding(this.id, load, j));
    return [okFinding(this.id, window.links, judgements)];
  },
};
