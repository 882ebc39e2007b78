/**
 * TCP retransmissions over the doctor's 2 s window: RetransSegs / OutSegs from /proc/net/snmp (the
 * counters netstat -s prints), for the whole network namespace. Loss or a congested path shows here
 * first. Judged only when at least 200 segments went out.
 *   warning >= 2%     critical >= 10%
 */
import type { Check } from '../check.js';
import { evidence } from '../evidence.js';
import type { Severity } from '../finding.js';
import { NETWORK_WINDOW_SECONDS, networkWindow, startNetworkWindow } from '../networkWindow.js';

export const RETRANS_WARNING = 2;
export const RETRANS_CRITICAL = 10;
export const RETRANS_MIN_SEGMENTS = 200;

export const tcpRetransmits: Check = {
  id: 'network.tcp-retransmits',
  resource: 'network',
  description: `TCP segments retransmitted above ${RETRANS_WARNING}% over ${NETWORK_WINDOW_SECONDS} s (/proc/net/snmp)`,
  prepare: startNetworkWindow,
  async run(context) {
    const window = await networkWindow(context);
    const tcp = window.tcp;
    if (!tcp) {
      return [
        {
          check: this.id,
          resource: 'network',
          severity: 'unknown',
          title: 'no TCP counters: /proc/net/snmp could not be read',
          evidence: [],
          next: [],
        },
      ];
    }
    const percent = tcp.outSegs > 0 ? (tcp.retransSegs / tcp.outSegs) * 100 : 0;
    const facts = [
      evidence.percent(`retransmitted (${NETWORK_WINDOW_SECONDS} s)`, percent),
      evidence.count('segments sent', tcp.outSegs),
      evidence.count('segments retransmitted', tcp.retransSegs),
    ];
    let severity: Severity = 'ok';
    if (tcp.outSegs >= RETRANS_MIN_SEGMENTS && percent >= RETRANS_CRITICAL) severity = 'critical';
    else if (tcp.outSegs >= RETRANS_MIN_SEGMENTS && percent >= RETRANS_WARNING) severity = 'warning';
    const title =
      severity === 'ok'
        ? tcp.outSegs >= RETRANS_MIN_SEGMENTS
          ? `TCP retransmits ${percent.toFixed(2)}% of ${tcp.outSegs} segments`
          : `too little TCP traffic to judge retransmits (${tcp.outSegs} segments in ${NETWORK_WINDOW_SECONDS} s)`
        : `TCP retransmits ${percent.toFixed(1)}% of segments: packets are lost or the path is congested`;
    return [
      {
        check: this.id,
        resource: 'network',
        severity,
        title,
        evidence: facts,
        next:
          severity === 'ok'
            ? []
            : [
                'hog net --sort 2s   (RETR% and LIMIT per connection)',
                'ip -s link   (drops and errors per interface)',
              ],
      },
    ];
  },
};
