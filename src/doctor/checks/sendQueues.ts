/**
 * Sockets whose send queue (ss Send-Q: bytes written but not yet acknowledged) stayed at or above
 * 1 MiB in both samples of the doctor's window: the peer or the path does not keep up with what the
 * application writes (slow reader, full link, loss).
 */
import type { Check } from '../check.js';
import { evidence } from '../evidence.js';
import { networkWindow, startNetworkWindow } from '../networkWindow.js';

export const SEND_QUEUE_WARNING = 1024 * 1024;

export const sendQueues: Check = {
  id: 'network.send-queues',
  resource: 'network',
  description:
    'TCP sockets with 1 MiB or more unacknowledged in their send queue (ss Send-Q), twice in a row',
  prepare: startNetworkWindow,
  async run(context) {
    const window = await networkWindow(context);
    const stuck = window.queues
      .filter((q) => q.firstSendQ >= SEND_QUEUE_WARNING && q.lastSendQ >= SEND_QUEUE_WARNING)
      .sort((a, b) => b.lastSendQ - a.lastSendQ);
    if (stuck.length === 0) {
      const largest = window.queues.reduce((m, q) => Math.max(m, q.lastSendQ), 0);
      return [
        {
          check: this.id,
          resource: 'network',
          severity: 'ok',
          title: `no send queue stays above 1 MiB (largest ${evidence.bytes('', largest).text})`,
          evidence: [evidence.bytes('largest send queue', largest)],
          next: [],
        },
      ];
    }
    const top = stuck.slice(0, 5);
    const who = (q: (typeof top)[number]) =>
      q.pid !== undefined ? `PID ${q.pid} (${q.command})` : 'unknown process';
    return [
      {
        check: this.id,
        resource: 'network',
        severity: 'warning',
        title: `${stuck.length} socket${stuck.length > 1 ? 's' : ''} with a large send queue: ${who(top[0] as (typeof top)[number])} has ${evidence.bytes('', (top[0] as (typeof top)[number]).lastSendQ).text} waiting for ${(top[0] as (typeof top)[number]).remote}`,
        evidence: top.map((q) => evidence.bytes(`${who(q)} ${q.local} -> ${q.remote}`, q.lastSendQ)),
        next: [
          `hog net --by connection --sort total`,
          `ss -tinp dst ${(top[0] as (typeof top)[number]).remote}`,
        ],
        detail:
          'Data piles up unacknowledged: the receiver reads slowly (see LIMIT rwnd in hog net) or the path is full or lossy.',
        subjects: top
          .filter((q) => q.pid !== undefined)
          .map((q) => ({ pid: q.pid as number, name: q.command ?? '' })),
      },
    ];
  },
};
