/**
 * A child's exit status as a shell reports it (bash's `$?`): its exit code, or 128 + the number of the
 * signal that killed it. hog run and hog profile pass it through as their own; hog shape exits with a
 * signal's status when one came while it changed a device (it finishes that change, then stops).
 */
import { constants as osConstants } from 'node:os';

export function shellExitStatus(code: number | null, signal: string | null): number {
  if (code !== null) return code;
  return 128 + (signal ? (osConstants.signals[signal as NodeJS.Signals] ?? 0) : 0);
}
