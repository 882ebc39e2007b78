/**
 * The commands of a cleanup plan (apt-get clean): run one at a time, bounded in time, each logged
 * before and after in the same log as the file actions. A command that fails (apt holds its lock
 * because an upgrade runs) is reported and changes nothing else.
 */
import { spawnSync } from 'node:child_process';
import { openLog } from './cleanApply.js';
import type { CommandAction } from './cleanPlan.js';

export interface CommandResult {
  command: string;
  status: 'done' | 'failed';
  freedBytes: number;
  message?: string;
}

/** At most this long per command: apt-get clean takes seconds; a hung one must not hold hog. */
const TIMEOUT_MS = 5 * 60 * 1000;

export function runCommands(commands: readonly CommandAction[], logPath: string): CommandResult[] {
  if (commands.length === 0) return [];
  const log = openLog(logPath);
  const results: CommandResult[] = [];
  try {
    for (const c of commands) {
      const text = c.command.join(' ');
      log.write({ event: 'run', command: c.command, path: c.path, plannedFreeBytes: c.freesBytes });
      const r = spawnSync(c.command[0] as string, c.command.slice(1), {
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: TIMEOUT_MS,
        encoding: 'utf8',
      });
      const failed = r.error
        ? r.error.message
        : r.status !== 0
          ? `exit ${r.status ?? r.signal}: ${r.stderr.trim().slice(0, 500)}`
          : undefined;
      const result: CommandResult = failed
        ? { command: text, status: 'failed', freedBytes: 0, message: failed }
        : { command: text, status: 'done', freedBytes: c.freesBytes };
      log.write({ event: 'ran', command: c.command, status: result.status, message: result.message });
      results.push(result);
    }
  } finally {
    log.close();
  }
  return results;
}
