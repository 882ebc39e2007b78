/**
 * /proc/[pid]/cgroup — one line per hierarchy: "hierarchy-ID:controller-list:cgroup-path"
 * (cgroups(7)). cgroup v2 has the single line "0::/path"; v1 lists each controller ("4:memory:/a/b").
 */
import { readProcText } from './procFile.js';

export interface CgroupEntry {
  hierarchyId: number;
  controllers: string[];
  path: string;
}

export function parseCgroup(text: string): CgroupEntry[] {
  const entries: CgroupEntry[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    const list = line.slice(first + 1, second);
    entries.push({
      hierarchyId: Number(line.slice(0, first)),
      controllers: list === '' ? [] : list.split(','),
      path: line.slice(second + 1),
    });
  }
  return entries;
}

/**
 * The cgroup that holds a process's memory accounting: the v1 "memory" hierarchy if there is one
 * (a hybrid system has both, and then v1 owns the memory controller), else the v2 unified path.
 */
export function memoryCgroup(entries: CgroupEntry[]): { version: 1 | 2; path: string } | undefined {
  const v1 = entries.find((e) => e.controllers.includes('memory'));
  if (v1) return { version: 1, path: v1.path };
  const v2 = entries.find((e) => e.hierarchyId === 0 && e.controllers.length === 0);
  return v2 ? { version: 2, path: v2.path } : undefined;
}

export function readCgroup(pid: number, procRoot = '/proc'): CgroupEntry[] {
  return parseCgroup(readProcText(`${procRoot}/${pid}/cgroup`));
}
