/**
 * Recent OOM kills, from the kernel log. A kill in the last hour is critical (it is happening now),
 * in the last 24 hours a warning; older ones since boot are reported as info.
 */

import { errnoCode } from '../../errors.js';
import { findOomKills, isHogTestCgroup } from '../../memory/oomKills.js';
import { readKmsg } from '../../proc/kmsg.js';
import { isDenied } from '../../proc/procFile.js';
import { formatDuration } from '../../render/units.js';
import type { Check } from '../check.js';
import { evidence } from '../evidence.js';
import type { Evidence, Finding, Severity } from '../finding.js';

export const CRITICAL_WITHIN_SECONDS = 3600;
export const WARNING_WITHIN_SECONDS = 86400;

export const oomKills: Check = {
  id: 'memory.oom-kills',
  resource: 'memory',
  description: 'processes killed by the OOM killer since boot (kernel log, /dev/kmsg)',
  run(context) {
    let records: ReturnType<typeof readKmsg>;
    try {
      records = readKmsg(`${context.fsRoot}/dev/kmsg`);
    } catch (error) {
      if (isDenied(error) || errnoCode(error) === 'ENOENT') return [kmsgUnreadable(this.id, error)];
      throw error;
    }
    const uptime = context.uptimeSeconds();
    const kills = findOomKills(records);
    if (kills.length === 0) {
      return [
        {
          check: this.id,
          resource: 'memory',
          severity: 'ok',
          title: `no OOM kills since boot (${formatDuration(uptime)} ago)`,
          evidence: [evidence.seconds('uptime', uptime)],
          next: [],
        },
      ];
    }
    return [killsFinding(this.id, kills, uptime)];
  },
};

type OomKill = ReturnType<typeof findOomKills>[number];

/** Without the kernel log (no permission, or none in a container): say so and why, as info. */
function kmsgUnreadable(check: string, error: unknown): Finding {
  return {
    check,
    resource: 'memory',
    severity: 'info',
    title: 'kernel log not readable: recent OOM kills not checked',
    evidence: [evidence.text('error', errnoCode(error) ?? 'error')],
    next: [],
    detail: isDenied(error)
      ? 'Reading /dev/kmsg needs root (or CAP_SYSLOG) while kernel.dmesg_restrict=1: run hog doctor as root, or sysctl kernel.dmesg_restrict=0.'
      : 'There is no /dev/kmsg in this environment (a container without the kernel log).',
  };
}

/** One finding about the newest kill, as severe as it is recent, with the five newest as evidence. */
function killsFinding(check: string, kills: readonly OomKill[], uptime: number): Finding {
  const latest = [...kills].sort((a, b) => b.timestampMicros - a.timestampMicros);
  const newest = latest[0] as OomKill;
  const age = Math.max(0, uptime - newest.timestampMicros / 1e6);
  const severity: Severity =
    age <= CRITICAL_WITHIN_SECONDS ? 'critical' : age <= WARNING_WITHIN_SECONDS ? 'warning' : 'info';
  const where =
    newest.scope === 'cgroup'
      ? `cgroup ${newest.memcg ?? '?'} hit its memory limit${isHogTestCgroup(newest.memcg) ? " (hog's test suite)" : ''}`
      : 'the machine ran out of memory';
  return {
    check,
    resource: 'memory',
    severity,
    title: `OOM killer killed PID ${newest.pid} (${newest.name}) ${formatDuration(age)} ago: ${where}${kills.length > 1 ? `; ${kills.length} kills since boot` : ''}`,
    evidence: latest.slice(0, 5).flatMap((k) => killEvidence(k, uptime)),
    next: ['dmesg -T | grep -i -A20 "invoked oom-killer"', 'hog ps --sort mem --top 10'],
    detail:
      newest.scope === 'cgroup'
        ? 'A cgroup limit (container or systemd MemoryMax) was reached; raise it or find why the process grew.'
        : 'The whole machine ran out of memory; the killer picked the process with the highest oom_score.',
    subjects: latest
      .slice(0, 5)
      .map((k) => ({ pid: k.pid, name: k.name, ...(k.memcg ? { cgroup: k.memcg } : {}) })),
  };
}

/** When a kill happened and where (cgroup or machine), and its anonymous RSS when the log has it. */
function killEvidence(k: OomKill, uptime: number): Evidence[] {
  const where =
    k.scope === 'cgroup'
      ? `cgroup ${k.memcg ?? '?'}${isHogTestCgroup(k.memcg) ? ", hog's test suite" : ''}`
      : 'machine';
  return [
    evidence.text(
      `PID ${k.pid} (${k.name})`,
      `killed ${formatDuration(Math.max(0, uptime - k.timestampMicros / 1e6))} ago (${where})`,
    ),
    ...(k.anonRssBytes !== undefined
      ? [evidence.bytes(`PID ${k.pid} anon-rss at kill`, k.anonRssBytes)]
      : []),
  ];
}
