/**
 * The record of a pending revert: which rule (device, id, creation time), when it is due, and the
 * handle that cancels it (a systemd unit, an at job number, or the detached reverter's PID and start
 * time). One small JSON file per rule under the shape state directory, named by the rule's device, id
 * and creation time, written whole (temp + rename) so a reader never sees half a record. Every revert
 * checks that its own record still exists before it acts: removing the record disarms it even if its
 * mechanism could not be cancelled, and a rule removed and added again (same id, another creation
 * time) has another record, so the old revert's check fails.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { RevertMechanism } from './revertMechanism.js';

/** What a revert needs to know of a rule: ShapeRule (rules.ts) has these fields. */
export interface RevertTarget {
  id: string;
  dev: string;
  /** ms since the epoch; a rule removed and added again has another, so an old revert leaves it alone. */
  createdAt: number;
}

export interface RevertRecord {
  mechanism: RevertMechanism;
  dev: string;
  ruleId: string;
  createdAt: number;
  /** ms since the epoch. */
  dueAt: number;
  unit?: string;
  atJob?: number;
  pid?: number;
  startTimeTicks?: number;
  /** The command the revert runs. */
  command: string[];
}

/**
 * Device names may hold most bytes but "/", rule ids hold dots and slashes: file and unit names get
 * letters and digits only (a dot would read as a unit type suffix to systemd).
 */
export function revertKey(target: Pick<RevertTarget, 'dev' | 'id'>): string {
  const plain = (text: string) =>
    text.replace(/[^A-Za-z0-9]/g, (c) => `_${c.codePointAt(0)?.toString(16).padStart(2, '0')}`);
  return `${plain(target.dev)}-${plain(target.id)}`;
}

export function revertDir(stateDir: string): string {
  return `${stateDir}/reverts`;
}

export function recordPath(stateDir: string, target: RevertTarget): string {
  return `${revertDir(stateDir)}/${revertKey(target)}@${target.createdAt}.json`;
}

export function writeRevertRecord(stateDir: string, record: RevertRecord): string {
  mkdirSync(revertDir(stateDir), { recursive: true, mode: 0o700 });
  const path = recordPath(stateDir, { dev: record.dev, id: record.ruleId, createdAt: record.createdAt });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(record)}\n`, { mode: 0o600, flag: 'w' });
  renameSync(temp, path);
  return path;
}

/** The record of this rule, or undefined when none is pending (or the file is not one of ours). */
export function readRevertRecord(stateDir: string, target: RevertTarget): RevertRecord | undefined {
  let text: string;
  try {
    text = readFileSync(recordPath(stateDir, target), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const r = JSON.parse(text) as RevertRecord;
    const known = r.mechanism === 'systemd' || r.mechanism === 'at' || r.mechanism === 'detached';
    if (!known || r.dev !== target.dev || r.ruleId !== target.id || r.createdAt !== target.createdAt)
      return undefined;
    return r;
  } catch {
    return undefined;
  }
}

export function removeRevertRecord(stateDir: string, target: RevertTarget): void {
  rmSync(recordPath(stateDir, target), { force: true });
}
