/**
 * The revert as a transient systemd timer (systemd-run --on-active): systemd runs it whatever
 * happened to hog or its terminal, and the journal keeps its output (journalctl -u UNIT).
 * AccuracySec=1s: the default (1 min) would let systemd coalesce the revert up to a minute late.
 * The unit name carries the rule's creation time, so a rule removed and added again never collides
 * with a leftover of its predecessor.
 */
import { UnsupportedError } from '../errors.js';
import { type RevertHandle, type RevertJob, runTool } from './revertJob.js';

export function systemdUnitName(job: Pick<RevertJob, 'key' | 'createdAt'>): string {
  return `hog-shape-revert-${job.key}-${job.createdAt}`;
}

export function scheduleWithSystemd(job: RevertJob): RevertHandle {
  const unit = systemdUnitName(job);
  const args = [
    `--unit=${unit}`,
    `--on-active=${Math.max(1, Math.round(job.delayMs))}ms`,
    '--timer-property=AccuracySec=1s',
    `--description=hog shape: revert ${job.key}`,
    '--collect',
    '--quiet',
    ...Object.entries(job.env).map(([name, value]) => `--setenv=${name}=${value}`),
    '--',
    ...job.command,
  ];
  const r = runTool('systemd-run', args);
  if (!r.ok) throw new UnsupportedError(`systemd-run failed: ${r.said}`);
  return { unit };
}

/** Stop the timer; the service it would start never runs. Says why when it could not. */
export function cancelSystemd(unit: string): string | undefined {
  const r = runTool('systemctl', ['stop', `${unit}.timer`]);
  return r.ok ? undefined : `systemctl stop ${unit}.timer: ${r.said}`;
}
