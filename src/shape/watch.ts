/**
 * `hog shape watch`: keeps pid rules on their process's ports. Every interval it reads each pid
 * rule's process (its sockets' local ports) and asks hog shape to replace the rule's ports when they
 * changed, or to remove the rule when the process is gone. It ends when stopped (SIGINT, SIGTERM,
 * SIGHUP) or when no pid rule is left. Its cost per look is one read of each watched process's
 * descriptors and socket tables: bounded by the rules (1000 per device at most), not by the machine.
 * Every side effect goes through WatchIO, so the loop is the same in tests and in the CLI.
 */
import type { ShapeRule } from './rules.js';
import { describeStep, type PidReading, planPidRule, type WatchStep } from './watchPlan.js';

export interface WatchIO {
  /** The pid rules of the watched devices, as recorded now. */
  pidRules(): ShapeRule[];
  /** The process's ports now; undefined when it is gone. */
  read(pid: number): PidReading | undefined;
  /** Give the rule these ports (hog shape add with the same pid). */
  setPorts(rule: ShapeRule, ports: number[]): Promise<void>;
  /** Remove the rule (hog shape remove, only if it is still this very rule). */
  remove(rule: ShapeRule): Promise<void>;
  say(line: string): void;
  /** Resolves after ms, or at once when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export type WatchEnd = 'stopped' | 'no-pid-rules';

/** One look at every pid rule; what changed. A failure on one rule is said and the others go on. */
export async function watchOnce(io: WatchIO): Promise<WatchStep[]> {
  const steps: WatchStep[] = [];
  for (const rule of io.pidRules()) {
    try {
      const step = planPidRule(rule, io.read(rule.match.pid as number));
      if (step.kind === 'keep') continue;
      if (step.kind === 'ports') await io.setPorts(rule, step.to);
      else await io.remove(rule);
      io.say(describeStep(step) as string);
      steps.push(step);
    } catch (error) {
      io.say(`could not update rule ${rule.id} on ${rule.dev}: ${(error as Error).message}`);
    }
  }
  return steps;
}

export async function watchPidRules(io: WatchIO, intervalMs: number, signal: AbortSignal): Promise<WatchEnd> {
  while (!signal.aborted) {
    if (io.pidRules().length === 0) return 'no-pid-rules';
    await watchOnce(io);
    if (io.pidRules().length === 0) return 'no-pid-rules';
    await io.sleep(intervalMs, signal);
  }
  return 'stopped';
}
