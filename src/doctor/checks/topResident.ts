/**
 * Who holds the memory: the processes with the largest RES (VmRSS), with their share of RAM.
 * One process above half of RAM is named as a warning when memory is also short.
 */

import { commandOf } from '../../memory/processView.js';
import type { Check } from '../check.js';
import { evidence } from '../evidence.js';
import type { Finding, Severity } from '../finding.js';

export const TOP_COUNT = 5;

export const topResident: Check = {
  id: 'memory.top-resident',
  resource: 'memory',
  description: `the ${TOP_COUNT} processes with the largest resident memory (/proc/[pid]/status VmRSS)`,
  run(context) {
    const m = context.meminfo();
    const top = [...context.processes().processes]
      .filter((p) => p.pid !== process.pid) // hog itself is not the hog
      .sort((a, b) => b.resBytes - a.resBytes)
      .slice(0, TOP_COUNT);
    if (top.length === 0) return [];
    const leader = top[0] as (typeof top)[number];
    const share = (leader.resBytes / m.memTotalBytes) * 100;
    const availablePercent = ((m.memAvailableBytes ?? m.memFreeBytes) / m.memTotalBytes) * 100;
    const severity: Severity = share >= 50 && availablePercent < 20 ? 'warning' : 'info';
    const finding: Finding = {
      check: this.id,
      resource: 'memory',
      severity,
      title: `largest process: PID ${leader.pid} (${leader.comm}) holds ${evidence.bytes('', leader.resBytes).text} RES, ${share.toFixed(1)}% of RAM`,
      evidence: top.map((p) =>
        evidence.bytes(
          `PID ${p.pid} ${truncateCommand(commandOf(p))} RES (${((p.resBytes / m.memTotalBytes) * 100).toFixed(1)}%)`,
          p.resBytes,
        ),
      ),
      next: [`hog ps --pid ${top.map((p) => p.pid).join(',')} --pss --uss`, 'hog top'],
      subjects: top.map((p) => ({ pid: p.pid, name: p.comm })),
    };
    return [finding];
  },
};

function truncateCommand(command: string): string {
  return command.length > 40 ? `${command.slice(0, 39)}…` : command;
}
