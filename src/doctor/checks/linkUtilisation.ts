/**
 * Interfaces near their link speed: the busiest direction's rate over the doctor's 2 s window against
 * /sys/class/net/IF/speed (each direction of a full-duplex link carries the full speed).
 *   warning  >= 80%     critical >= 95%
 * Interfaces without a known speed (veth, bridges, many VM NICs) are listed with their rate only.
 */
import { formatRate } from '../../render/units.js';
import type { Check } from '../check.js';
import { evidence } from '../evidence.js';
import type { Finding, Severity } from '../finding.js';
import { NETWORK_WINDOW_SECONDS, networkWindow } from '../networkWindow.js';

export const UTILISATION_WARNING = 80;
export const UTILISATION_CRITICAL = 95;

export const linkUtilisation: Check = {
  id: 'network.link-utilisation',
  resource: 'network',
  description: `interfaces above ${UTILISATION_WARNING}% of their link speed over ${NETWORK_WINDOW_SECONDS} s (/proc/net/dev, /sys/class/net/IF/speed)`,
  async run(context) {
    const window = await networkWindow(context);
    const interfaces = window.snapshot.interfaces;
    const known = interfaces.filter((i) => i.speedBitsPerSecond !== undefined);
    const findings: Finding[] = [];
    for (const i of known) {
      const u = i.utilisationPercent ?? 0;
      if (u < UTILISATION_WARNING) continue;
      const rates = i.rates[10];
      const direction = rates.out >= rates.in ? 'out' : 'in';
      const severity: Severity = u >= UTILISATION_CRITICAL ? 'critical' : 'warning';
      findings.push({
        check: this.id,
        resource: 'network',
        severity,
        title: `${i.name} is saturated: ${u.toFixed(0)}% of its ${formatRate((i.speedBitsPerSecond as number) / 8)} link (${direction})`,
        evidence: [
          evidence.percent(`${i.name} utilisation (${direction}, ${NETWORK_WINDOW_SECONDS} s)`, u),
          evidence.rate(`${i.name} in`, rates.in),
          evidence.rate(`${i.name} out`, rates.out),
          evidence.rate(`${i.name} link speed`, (i.speedBitsPerSecond as number) / 8),
        ],
        next: [`hog net --by process`, `hog net -t -s 10 --by remote`],
        detail:
          'A link this full queues packets: latency rises for every connection. Find the process or host taking it, then cap or prioritise it (traffic shaping).',
      });
    }
    if (findings.length > 0) return findings;
    const busiest = [...interfaces].sort(
      (a, b) => Math.max(b.rates[10].in, b.rates[10].out) - Math.max(a.rates[10].in, a.rates[10].out),
    )[0];
    const title =
      known.length > 0
        ? `no interface above ${UTILISATION_WARNING}% of its link speed (busiest ${known
            .map((i) => `${i.name} ${(i.utilisationPercent ?? 0).toFixed(1)}%`)
            .join(', ')})`
        : `no interface reports a link speed; busiest: ${busiest ? `${busiest.name} ${formatRate(Math.max(busiest.rates[10].in, busiest.rates[10].out))}` : 'none'}`;
    return [
      {
        check: this.id,
        resource: 'network',
        severity: 'ok',
        title,
        evidence: interfaces.map((i) =>
          evidence.rate(`${i.name} busiest direction`, Math.max(i.rates[10].in, i.rates[10].out)),
        ),
        next: [],
      },
    ];
  },
};
