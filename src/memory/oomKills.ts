/**
 * OOM kills in the kernel log. The OOM killer writes (mm/oom_kill.c):
 *   oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/a,task_memcg=/a,task=python3,pid=2144,uid=0
 *   Memory cgroup out of memory: Killed process 2144 (python3) total-vm:118968kB, anon-rss:50784kB, file-rss:6592kB, shmem-rss:0kB, UID:0 pgtables:164kB oom_score_adj:0
 * ("Out of memory: Killed process ..." when the whole machine ran out). Pure: takes records, returns kills.
 */
import type { KmsgRecord } from '../proc/kmsg.js';

/**
 * hog's own test suite makes its memory cgroups with this name prefix (test/helpers/cgroup.ts) and
 * OOM-kills processes in them on purpose: such kills are labelled, not mistaken for an incident.
 */
export const TEST_CGROUP_PREFIX = 'hog-test-';

/** Whether a cgroup path (as the kernel's oom-kill line names it) is one of hog's test cgroups. */
export function isHogTestCgroup(memcg: string | undefined): boolean {
  return memcg?.split('/').some((part) => part.startsWith(TEST_CGROUP_PREFIX)) ?? false;
}

export interface OomKill {
  pid: number;
  name: string;
  /** Microseconds since boot. */
  timestampMicros: number;
  /** "machine" for a global OOM, "cgroup" for a memory cgroup limit. */
  scope: 'machine' | 'cgroup';
  totalVmBytes: number | undefined;
  anonRssBytes: number | undefined;
  fileRssBytes: number | undefined;
  shmemRssBytes: number | undefined;
  uid: number | undefined;
  /** The cgroup whose limit was hit (from the oom-kill: line), if logged. */
  memcg: string | undefined;
}

const KILLED =
  /^(Memory cgroup out of memory|Out of memory)(?: \(oom_kill_allocating_task\))?: Killed process (\d+) \((.*)\) (.*)$/;

function kb(details: string, key: string): number | undefined {
  const match = new RegExp(`${key}:(\\d+)kB`).exec(details);
  return match ? Number(match[1]) * 1024 : undefined;
}

export function findOomKills(records: readonly KmsgRecord[]): OomKill[] {
  const kills: OomKill[] = [];
  const memcgByPid = new Map<number, string>();
  for (const record of records) {
    if (record.message.startsWith('oom-kill:')) {
      const fields = new Map(
        record.message
          .slice('oom-kill:'.length)
          .split(',')
          .map((kv) => kv.split('=') as [string, string]),
      );
      const pid = Number(fields.get('pid'));
      const memcg = fields.get('oom_memcg');
      if (Number.isInteger(pid) && memcg) memcgByPid.set(pid, memcg);
      continue;
    }
    const match = KILLED.exec(record.message);
    if (!match) continue;
    const details = match[4] ?? '';
    const pid = Number(match[2]);
    const uid = /UID:(\d+)/.exec(details);
    kills.push({
      pid,
      name: match[3] ?? '?',
      timestampMicros: record.timestampMicros,
      scope: match[1] === 'Out of memory' ? 'machine' : 'cgroup',
      totalVmBytes: kb(details, 'total-vm'),
      anonRssBytes: kb(details, 'anon-rss'),
      fileRssBytes: kb(details, 'file-rss'),
      shmemRssBytes: kb(details, 'shmem-rss'),
      uid: uid ? Number(uid[1]) : undefined,
      memcg: memcgByPid.get(pid),
    });
  }
  return kills;
}
