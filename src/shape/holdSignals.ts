/**
 * While hog changes a device, a Ctrl-C (or a SIGTERM, a dropped terminal's SIGHUP) must not leave it
 * half-changed: the signal is held until the batch, its rollback and the state file are done, and
 * handed back for the caller to act on. A terminal's Ctrl-C also reaches tc in the same process group;
 * a batch it cut short fails, and hog, still running, puts the device back.
 */
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface HeldSignals {
  /** Stop holding; the first signal that came meanwhile, if any. */
  release(): NodeJS.Signals | undefined;
}

export function holdSignals(): HeldSignals {
  let first: NodeJS.Signals | undefined;
  const hold = (signal: NodeJS.Signals) => {
    first ??= signal;
  };
  for (const s of SIGNALS) process.on(s, hold);
  return {
    release: () => {
      for (const s of SIGNALS) process.off(s, hold);
      return first;
    },
  };
}
