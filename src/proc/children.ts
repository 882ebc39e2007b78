/**
 * /proc/PID/task/TID/children — "812 813 ": the PIDs of the processes that thread forked and that are
 * still its children (CONFIG_PROC_CHILDREN; not every kernel has it). A process's children are the
 * union over its threads: a child belongs to the thread that forked it.
 */
import { excerpt, malformed } from './malformed.js';

/** The PIDs of a children file (empty when the thread has no children). */
export function parseChildren(text: string, file = '/proc/[pid]/task/[tid]/children'): number[] {
  const pids: number[] = [];
  for (const word of text.split(' ')) {
    const trimmed = word.trim();
    if (trimmed === '') continue;
    const pid = Number(trimmed);
    if (!Number.isInteger(pid) || pid <= 0)
      throw malformed(file, `malformed children list: ${excerpt(text)}`);
    pids.push(pid);
  }
  return pids;
}
