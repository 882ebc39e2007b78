/**
 * Ending a command cleanly on SIGINT (Ctrl-C), SIGTERM and SIGHUP (a dropped SSH session) alike: the
 * signal aborts `signal` instead of killing hog, so the command closes what it opened in another
 * process (an inspector) before it exits, as strace -p detaches on each of them.
 */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** `stop(why)` aborts the same signal from inside (the command's own end); `dispose()` lets the signals go. */
export function stopOnSignals(): { signal: AbortSignal; stop(why: string): void; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (name: string) => controller.abort(new Error(`stopped by ${name}`));
  for (const name of SIGNALS) process.on(name, onSignal);
  return {
    signal: controller.signal,
    stop(why) {
      controller.abort(new Error(why));
    },
    dispose() {
      for (const name of SIGNALS) process.removeListener(name, onSignal);
    },
  };
}
