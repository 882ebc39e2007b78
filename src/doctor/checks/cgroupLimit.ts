/**
 * Processes near their cgroup memory limit. When a cgroup's working set (usage minus inactive page
 * cache, which the kernel drops first) reaches its limit, the kernel OOM-kills inside that cgroup even
 * if the machine has free RAM — the usual way containers and systemd services die.
 *   critical: working set >= 95% of the limit;  warning: >= 85%
 */

import { memoryCgroup, readCgroup } from '../../proc/cgroup.js';
import { type CgroupMemory, readCgroupMemory } from '../../proc/cgroupMemory.js';
import { isDenied, isVanished } from '../../proc/procFile.js';
import type { Check } from '../check.js';
import type { DoctorContext } from '../context.js';
import { evidence } from '../evidence.js';
import type { Finding, Severity } from '../finding.js';

export const WARNING_RATIO = 0.85;
export const CRITICAL_RATIO = 0.95;

/** The processes of one memory cgroup, with their names and resident sizes. */
interface Members {
  pids: number[];
  names: string[];
  res: number[];
}

export const cgroupLimit: Check = {
  id: 'memory.cgroup-limit',
  resource: 'memory',
  description: 'processes whose cgroup working set is near its memory limit (cgroup v1 and v2)',
  run(context) {
    const mounts = context.mounts();
    const findings: Finding[] = [];
    let limited = 0;
    let highest: { ratio: number; memory: CgroupMemory } | undefined;
    for (const [key, members] of processesByCgroup(context)) {
      const separator = key.indexOf(':');
      const version = Number(key.slice(0, separator)) as 1 | 2;
      const path = key.slice(separator + 1);
      const entries = [
        { hierarchyId: version === 2 ? 0 : 1, controllers: version === 2 ? [] : ['memory'], path },
      ];
      const memory = readCgroupMemory(entries, {
        procRoot: context.procRoot,
        fsRoot: context.fsRoot,
        mounts,
      });
      if (!memory || memory.limitBytes === undefined) continue;
      limited++;
      const ratio = memory.workingSetBytes / memory.limitBytes;
      if (!highest || ratio > highest.ratio) highest = { ratio, memory };
      const severity: Severity =
        ratio >= CRITICAL_RATIO ? 'critical' : ratio >= WARNING_RATIO ? 'warning' : 'ok';
      if (severity !== 'ok')
        findings.push(nearLimit(this.id, severity, memory, memory.limitBytes, ratio, members));
    }
    if (findings.length === 0) findings.push(allBelow(this.id, limited, highest));
    return findings;
  },
};

/** Processes grouped by memory cgroup ("version:path"), so each cgroup's files are read once. */
function processesByCgroup(context: DoctorContext): Map<string, Members> {
  const groups = new Map<string, Members>();
  for (const p of context.processes().processes) {
    if (p.kernelThread) continue;
    try {
      const group = memoryCgroup(readCgroup(p.pid, context.procRoot));
      if (!group) continue;
      const key = `${group.version}:${group.path}`;
      const entry = groups.get(key) ?? { pids: [], names: [], res: [] };
      entry.pids.push(p.pid);
      entry.names.push(p.comm);
      entry.res.push(p.resBytes);
      groups.set(key, entry);
    } catch (error) {
      if (!isVanished(error) && !isDenied(error)) throw error;
    }
  }
  return groups;
}

/** The finding of a cgroup near its limit, naming its largest processes. */
function nearLimit(
  check: string,
  severity: Severity,
  memory: CgroupMemory,
  limitBytes: number,
  ratio: number,
  members: Members,
): Finding {
  const order = members.pids.map((pid, i) => ({
    pid,
    name: members.names[i] ?? '?',
    res: members.res[i] ?? 0,
  }));
  order.sort((a, b) => b.res - a.res);
  const shown = order.slice(0, 5);
  const unit = unitOf(memory.limitPath ?? memory.path);
  return {
    check,
    resource: 'memory',
    severity,
    title: `cgroup ${memory.path} at ${(ratio * 100).toFixed(1)}% of its memory limit (${evidence.bytes('', limitBytes).text}): ${describe(shown)}`,
    evidence: [
      evidence.bytes('working set', memory.workingSetBytes),
      evidence.bytes('usage (with page cache)', memory.usageBytes),
      evidence.bytes('limit', limitBytes),
      evidence.percent('working set / limit', ratio * 100),
      evidence.text('limit set on', memory.limitPath ?? memory.path),
      evidence.text('cgroup version', `v${memory.version}`),
      ...shown.map((p) => evidence.bytes(`PID ${p.pid} ${p.name} RES`, p.res)),
    ],
    next: [
      `hog ps --pid ${shown.map((p) => p.pid).join(',')} --pss --uss`,
      ...(unit ? [`systemctl set-property ${unit} MemoryMax=<more>`] : []),
    ],
    detail:
      'At the limit the kernel reclaims, then OOM-kills a process in this cgroup, whatever the free RAM of the machine.',
    subjects: shown.map((p) => ({ pid: p.pid, name: p.name, cgroup: memory.path })),
  };
}

/** The ok finding: how many cgroups have a limit, and the fullest. */
function allBelow(
  check: string,
  limited: number,
  highest: { ratio: number; memory: CgroupMemory } | undefined,
): Finding {
  return {
    check,
    resource: 'memory',
    severity: 'ok',
    title:
      limited === 0
        ? 'no process runs under a cgroup memory limit'
        : `${limited} cgroup${limited === 1 ? '' : 's'} with a memory limit, the fullest at ${((highest?.ratio ?? 0) * 100).toFixed(1)}%`,
    evidence: highest
      ? [
          evidence.text('fullest cgroup', highest.memory.path),
          evidence.percent('working set / limit', highest.ratio * 100),
        ]
      : [],
    next: [],
  };
}

function describe(processes: { pid: number; name: string }[]): string {
  return processes.map((p) => `PID ${p.pid} (${p.name})`).join(', ');
}

/** The systemd unit a cgroup path belongs to ("/system.slice/nginx.service" -> "nginx.service"). */
export function unitOf(path: string): string | undefined {
  const last = path.split('/').pop() ?? '';
  return /\.(service|scope|slice)$/.test(last) ? last : undefined;
}
