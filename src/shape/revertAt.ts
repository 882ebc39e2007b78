/**
 * The revert as an at job. at counts in whole minutes (atd wakes at the minute), so the job is queued
 * for the last minute that starts before the deadline and sleeps the remaining seconds itself: the
 * revert is on time to the second, not up to a minute late. -M: no mail (the output goes to the log).
 * The job carries a marker line, checked before atrm so a reused job number is never cancelled.
 */
import { UnsupportedError } from '../errors.js';
import { type RevertHandle, type RevertJob, runTool, shellQuote } from './revertJob.js';

export function atMarker(job: Pick<RevertJob, 'key' | 'createdAt'>): string {
  return `# hog-shape-revert ${job.key} ${job.createdAt}`;
}

/** The shell text of the job. */
export function atScript(job: RevertJob): string {
  const due = Math.ceil(job.dueAt / 1000);
  return [
    atMarker(job),
    `due=${due}; now=$(date +%s); if [ "$due" -gt "$now" ]; then sleep $((due - now)); fi`,
    `${job.command.map(shellQuote).join(' ')} >>${shellQuote(job.logPath)} 2>&1`,
    '',
  ].join('\n');
}

/** "job 12 at Sun Dec  6 05:12:00 2026" (at writes it to stderr). */
export function parseAtJob(text: string): number | undefined {
  const match = /^job (\d+) at /m.exec(text);
  return match ? Number(match[1]) : undefined;
}

export function scheduleWithAt(job: RevertJob): RevertHandle {
  const minutes = Math.floor(job.delayMs / 60_000);
  const r = runTool('at', ['-M', minutes === 0 ? 'now' : `now + ${minutes} minutes`], atScript(job));
  const atJob = parseAtJob(r.said);
  if (!r.ok || atJob === undefined) throw new UnsupportedError(`at failed: ${r.said}`);
  return { atJob };
}

/** Remove the job if it is still ours. Says why when it could not. */
export function cancelAt(atJob: number, job: Pick<RevertJob, 'key' | 'createdAt'>): string | undefined {
  const shown = runTool('at', ['-c', String(atJob)]);
  if (!shown.ok) return undefined; // already ran or removed
  if (!shown.stdout.includes(atMarker(job))) return undefined; // the number now belongs to another job
  const r = runTool('atrm', [String(atJob)]);
  return r.ok ? undefined : `atrm ${atJob}: ${r.said}`;
}
