/**
 * What `hog shape add --pid` and `--for` add to hog shape's changes: a process's ports as the rule's
 * match (a snapshot, said so), a timed revert scheduled once the rule is in the kernel, and the
 * reverts of the rules a change removed cancelled (remove, clear).
 */
import { readlinkSync } from 'node:fs';
import type { Clock } from '../clock.js';
import { HogError, isHogError } from '../errors.js';
import { formatDuration } from '../render/units.js';
import { readPidPorts } from '../shape/pidPorts.js';
import { cancelRevert, type ScheduledRevert, scheduleRevert } from '../shape/revert.js';
import { chooseRevertMechanisms, readRevertFacts } from '../shape/revertMechanism.js';
import type { ShapeRule } from '../shape/rules.js';
import type { ShapeSystem } from '../shape/system.js';
import { type Change, type TransactionResult, transact } from '../shape/transaction.js';
import { portList } from '../shape/watchPlan.js';

/** Whether PID lives in hog's network namespace (unknown counts as yes: nothing to warn about). */
function sameNetns(pid: number, procRoot: string): boolean {
  try {
    return readlinkSync(`${procRoot}/${pid}/ns/net`) === readlinkSync(`${procRoot}/self/ns/net`);
  } catch {
    return true;
  }
}

/** The ports of PID now, and the line that says they are a snapshot. */
export function pidPortsNow(pid: number, procRoot: string, clock: Clock): { ports: number[]; note: string } {
  const p = readPidPorts(pid, procRoot, clock);
  const elsewhere = sameNetns(pid, procRoot)
    ? ''
    : " (its ports are those of its own network namespace, not hog's: they match only what crosses this device with them)";
  return {
    ports: p.ports,
    note: `PID ${pid} (${p.comm}) holds ports ${portList(p.ports)} now${elsewhere}; this is a snapshot: ports it opens later are shaped only while hog shape watch runs`,
  };
}

/** The rule a change put in (new, or replaced with a new creation time); undefined if none. */
export function addedRule(result: TransactionResult): ShapeRule | undefined {
  const before = result.before?.rules ?? [];
  return result.after?.rules.find((r) => !before.some((b) => b.id === r.id && b.createdAt === r.createdAt));
}

/** Cancel the pending reverts of every rule the change took out (or replaced). */
export function cancelRemovedReverts(
  result: TransactionResult,
  system: Pick<ShapeSystem, 'stateDir' | 'clock'>,
): void {
  if (!result.applied) return;
  const after = result.after?.rules ?? [];
  for (const rule of result.before?.rules ?? []) {
    if (!after.some((r) => r.id === rule.id && r.createdAt === rule.createdAt))
      cancelRevert(rule, { stateDir: system.stateDir, clock: system.clock });
  }
}

function mechanismWords(s: Pick<ScheduledRevert, 'mechanism' | 'record'>): string {
  if (s.mechanism === 'systemd') return `a transient systemd timer (${s.record.unit}.timer)`;
  if (s.mechanism === 'at') return `an at job (number ${s.record.atJob})`;
  return `a detached reverter process (PID ${s.record.pid}; it does not survive a reboot, nor do the rules)`;
}

/**
 * `hog shape add --for`: the revert is scheduled before the rule goes into the kernel, so no moment
 * exists where hog could be killed with the rule in place and no revert pending. The rule's creation
 * time is fixed first (the transaction's clock), a dry run names the rule, its revert is scheduled,
 * then the change is applied; if that fails the revert is cancelled. A revert that fires for a rule
 * that never went in finds nothing to remove.
 */
export async function transactTimed(
  system: ShapeSystem,
  dev: string,
  change: Change,
  options: { forSeconds: number; dryRun: boolean; force: boolean },
): Promise<{ result: TransactionResult; extra: { lines: string[]; json: Record<string, unknown> } }> {
  const createdAt = system.now();
  const fixed: ShapeSystem = { ...system, now: () => createdAt };
  const plan = await transact(fixed, dev, change, { dryRun: true, force: options.force });
  if (options.dryRun) return { result: plan, extra: scheduleFor(plan, options.forSeconds, system, true) };
  const planned = addedRule(plan);
  let extra: { lines: string[]; json: Record<string, unknown> } = { lines: [], json: {} };
  try {
    if (planned) extra = scheduleFor(plan, options.forSeconds, system, false);
  } catch (error) {
    // the reason is the user's to fix (start atd...): said here, not only under --verbose
    throw new HogError(
      `could not schedule the revert of ${planned?.id}, so nothing was changed: ${(error as Error).message}`,
      {
        hint:
          isHogError(error) && error.hint !== undefined
            ? error.hint
            : 'without --for the rule stays until hog shape remove',
        cause: error,
      },
    );
  }
  let result: TransactionResult;
  try {
    result = await transact(fixed, dev, change, { force: options.force });
  } catch (error) {
    if (planned) cancelRevert(planned, { stateDir: system.stateDir, clock: system.clock });
    throw error;
  }
  const added = addedRule(result);
  // another hog shape changed the device between the two looks: the revert follows what went in
  if (planned && (added?.id !== planned.id || added.createdAt !== planned.createdAt)) {
    cancelRevert(planned, { stateDir: system.stateDir, clock: system.clock });
    return {
      result,
      extra: added ? scheduleFor(result, options.forSeconds, system, false) : { lines: [], json: {} },
    };
  }
  return { result, extra };
}

/** Schedule the revert of the rule just added; lines for people and a JSON field. */
export function scheduleFor(
  result: TransactionResult,
  forSeconds: number,
  system: Pick<ShapeSystem, 'stateDir' | 'clock'>,
  dryRun: boolean,
): { lines: string[]; json: Record<string, unknown> } {
  if (dryRun) {
    const choice = chooseRevertMechanisms(readRevertFacts()).find((c) => c.unusable === undefined);
    return {
      lines: [`would revert by itself after ${formatDuration(forSeconds)} (through ${choice?.mechanism})`],
      json: { revert: { mechanism: choice?.mechanism, inSeconds: forSeconds, scheduled: false } },
    };
  }
  const rule = addedRule(result);
  if (rule === undefined || rule.expiresAt === undefined) return { lines: [], json: {} };
  const s = scheduleRevert(rule, rule.expiresAt - system.clock.now(), {
    stateDir: system.stateDir,
    clock: system.clock,
  });
  const lines = [
    `reverts by itself at ${new Date(s.dueAt).toISOString()} (in ${formatDuration(forSeconds)}) through ${mechanismWords(s)}`,
    ...s.passedOver.map((p) => `  not through ${p.mechanism}: ${p.why}`),
  ];
  return {
    lines,
    json: {
      revert: {
        mechanism: s.mechanism,
        dueAt: new Date(s.dueAt).toISOString(),
        scheduled: true,
        passedOver: s.passedOver,
        ...(s.record.unit !== undefined ? { unit: s.record.unit } : {}),
        ...(s.record.atJob !== undefined ? { atJob: s.record.atJob } : {}),
        ...(s.record.pid !== undefined ? { pid: s.record.pid } : {}),
      },
    },
  };
}
