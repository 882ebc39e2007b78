/**
 * Ending a command cleanly on SIGINT (Ctrl-C), SIGTERM and SIGHUP (a dropped SSH session) alike: the
 * signal aborts `signal` instead of killing hog, so the command closes what it opened in another
 * process (an inspector) before it exits, as strace -p detaches on each of them.
 */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export function stopOnSignals(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const stop = (name: string) => controller.abort(new Error(`stopped by ${name}`));
  for (const name of SIGNALS) process.on(name, stop);
  return {
    signal: controller.signal,
    dispose() {
      for (const name of SIGNALS) process.removeListener(name, stop);
    },
  };
}
