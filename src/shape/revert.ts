/**
 * `hog shape add --for DURATION`: the rule removes itself after the duration, even when hog is killed
 * or its terminal closes. scheduleRevert tries the mechanisms best first (revertMechanism.ts) and
 * falls through to the next when one fails to schedule; the revert runs
 * `hog shape remove --dev IF ID --if-created-at MS`, which removes the rule only if it is still the
 * one this revert was made for (a rule removed and added again has another creation time).
 * cancelRevert is what `hog shape remove` and `clear` call, so no revert outlives its rule.
 */
import { realpathSync } from 'node:fs';
import { type Clock, realClock } from '../clock.js';
import { UnsupportedError } from '../errors.js';
import { cancelAt, scheduleWithAt } from './revertAt.js';
import { cancelDetached, scheduleDetached } from './revertDetached.js';
import { guardedCommand, type RevertHandle, type RevertJob } from './revertJob.js';
import {
  chooseRevertMechanisms,
  type RevertFacts,
  type RevertMechanism,
  readRevertFacts,
} from './revertMechanism.js';
import {
  type RevertRecord,
  type RevertTarget,
  readRevertRecord,
  recordPath,
  removeRevertRecord,
  revertDir,
  revertKey,
  writeRevertRecord,
} from './revertRecord.js';
import { cancelSystemd, scheduleWithSystemd } from './revertSystemd.js';
import { stateDir as shapeStateDir } from './state.js';

/** Below a second the revert could fire before hog has even written its record. */
export const MIN_REVERT_MS = 1000;

export interface RevertOptions {
  /** The per-namespace shape state directory (state.ts stateDir()). */
  stateDir: string;
  /** How to run hog: node and the hog script, by default this very hog. */
  hogCommand?: string[];
  /** The mechanism facts; read from the machine when not given. */
  facts?: RevertFacts;
  /** Use only this mechanism (tests, and a user who wants one). */
  only?: RevertMechanism;
  /** The CLI's clock (the real one when not given): the revert is due `forMs` from its now(). */
  clock?: Clock;
  procRoot?: string;
}

export interface ScheduledRevert {
  mechanism: RevertMechanism;
  dueAt: number;
  /** The better mechanisms that were not used, and why. */
  passedOver: { mechanism: RevertMechanism; why: string }[];
  record: RevertRecord;
}

/** node and the hog script running now, resolved, so the revert runs the same hog. */
export function thisHog(): string[] {
  const script = process.argv[1];
  // only a hog loaded without a script (node -e, a REPL) has none: the CLI always runs from one
  if (script === undefined)
    throw new Error('thisHog(): process.argv[1] is empty, so the revert cannot run this hog again');
  return [process.execPath, realpathSync(script)];
}

/** The command the revert runs (before the netns prefix and the record guard). */
export function revertCommand(hog: readonly string[], rule: RevertTarget): string[] {
  return [...hog, 'shape', 'remove', '--dev', rule.dev, rule.id, '--if-created-at', String(rule.createdAt)];
}

/** HOG_* settings reach the revert under systemd, which does not inherit hog's environment. */
function hogEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env))
    if (name.startsWith('HOG_') && value !== undefined) env[name] = value;
  return env;
}

function schedule(mechanism: RevertMechanism, job: RevertJob, procRoot: string): RevertHandle {
  if (mechanism === 'systemd') return scheduleWithSystemd(job);
  if (mechanism === 'at') return scheduleWithAt(job);
  return scheduleDetached(job, procRoot);
}

export function scheduleRevert(rule: RevertTarget, forMs: number, options: RevertOptions): ScheduledRevert {
  if (!(forMs >= MIN_REVERT_MS)) throw new RangeError(`a revert needs at least ${MIN_REVERT_MS} ms`);
  const now = (options.clock ?? realClock).now();
  const procRoot = options.procRoot ?? '/proc';
  // a pending revert of this very rule goes first; one of an earlier rule with its id stays until
  // that rule is taken out (cancelRevert): the change that replaces it may still fail
  const same = readRevertRecord(options.stateDir, rule);
  if (same) cancelRecord(same, options.stateDir, now, procRoot);
  const hog = options.hogCommand ?? thisHog();
  const path = recordPath(options.stateDir, rule);
  const passedOver: ScheduledRevert['passedOver'] = [];
  for (const choice of chooseRevertMechanisms(options.facts ?? readRevertFacts(procRoot))) {
    if (options.only !== undefined && choice.mechanism !== options.only) continue;
    if (choice.unusable !== undefined) {
      passedOver.push({ mechanism: choice.mechanism, why: choice.unusable });
      continue;
    }
    const command = guardedCommand(path, [...choice.netnsPrefix, ...revertCommand(hog, rule)]);
    const job: RevertJob = {
      key: revertKey(rule),
      createdAt: rule.createdAt,
      dueAt: now + forMs,
      delayMs: forMs,
      command,
      recordPath: path,
      logPath: `${revertDir(options.stateDir)}/${revertKey(rule)}.log`,
      env: hogEnvironment(),
    };
    // the record exists before the revert can run: the guard looks for it
    const record: RevertRecord = {
      mechanism: choice.mechanism,
      dev: rule.dev,
      ruleId: rule.id,
      createdAt: rule.createdAt,
      dueAt: job.dueAt,
      command,
    };
    writeRevertRecord(options.stateDir, record);
    try {
      Object.assign(record, schedule(choice.mechanism, job, procRoot));
    } catch (error) {
      removeRevertRecord(options.stateDir, rule);
      passedOver.push({ mechanism: choice.mechanism, why: (error as Error).message });
      continue;
    }
    writeRevertRecord(options.stateDir, record);
    return { mechanism: choice.mechanism, dueAt: job.dueAt, passedOver, record };
  }
  const why = passedOver.map((p) => `${p.mechanism}: ${p.why}`).join('; ');
  throw new UnsupportedError(`no way to schedule the revert here (${why})`, {
    hint: 'start atd (or run hog where systemd is PID 1), and check that /bin/sh runs; without --for the rule stays until hog shape remove',
  });
}

/** Cancel through the mechanism; the record goes in any case (that alone disarms the guard). */
function cancelRecord(
  record: RevertRecord,
  stateDir: string,
  now: number,
  procRoot: string,
): string | undefined {
  removeRevertRecord(stateDir, { dev: record.dev, id: record.ruleId, createdAt: record.createdAt });
  // a revert that is due is running (it is what called us, through `hog shape remove`): leave it be
  if (now >= record.dueAt) return undefined;
  const key = { key: revertKey({ dev: record.dev, id: record.ruleId }), createdAt: record.createdAt };
  if (record.mechanism === 'systemd' && record.unit) return cancelSystemd(record.unit);
  if (record.mechanism === 'at' && record.atJob !== undefined) return cancelAt(record.atJob, key);
  if (record.mechanism === 'detached' && record.pid !== undefined && record.startTimeTicks !== undefined)
    return cancelDetached(record.pid, record.startTimeTicks, procRoot);
  return undefined;
}

export interface CancelledRevert {
  record: RevertRecord;
  /** Why the mechanism could not be cancelled (the removed record still disarms the revert). */
  problem: string | undefined;
}

/**
 * Cancel the pending revert of this very rule (same device, id and creation time), if any: what
 * `hog shape remove` and `clear` call for each rule they remove. A revert made for an earlier rule
 * of the same id is left alone: its own record is gone, so it does nothing when it fires.
 */
export function cancelRevert(
  rule: RevertTarget,
  options: { stateDir?: string; clock?: Clock; procRoot?: string } = {},
): CancelledRevert | undefined {
  const dir = options.stateDir ?? shapeStateDir();
  const record = readRevertRecord(dir, rule);
  if (!record) return undefined;
  const problem = cancelRecord(record, dir, (options.clock ?? realClock).now(), options.procRoot ?? '/proc');
  return { record, problem };
}

/** The pending revert of a rule, for `hog shape list` to show. */
export function pendingRevert(rule: RevertTarget, stateDir = shapeStateDir()): RevertRecord | undefined {
  return readRevertRecord(stateDir, rule);
}
