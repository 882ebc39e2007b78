/**
 * `hog shape watch [--dev IF] [--interval 2s]`: keeps pid rules on their processes' current ports
 * (shape/watch.ts) until stopped (SIGINT, SIGTERM, SIGHUP: cli/stopSignals.ts) or until no pid rule
 * is left. Changes go through hog shape's own transactions, so each is all or nothing and recorded.
 * A rule's timed revert (--for) follows it: an update renews the rule's creation time, so the revert
 * is moved to the new rule, due at the same moment.
 */
import { isHogError, NotFoundError, PermissionError } from '../errors.js';
import { addChange, removeChange } from '../shape/changes.js';
import { readPidPorts } from '../shape/pidPorts.js';
import { cancelRevert, MIN_REVERT_MS, pendingRevert, scheduleRevert } from '../shape/revert.js';
import type { ShapeRule } from '../shape/rules.js';
import { readShapeState, stateDevices } from '../shape/state.js';
import { realSystem, type ShapeSystem } from '../shape/system.js';
import { NET_ADMIN_HINT } from '../shape/tcErrors.js';
import { type Change, hasNetAdmin, transact } from '../shape/transaction.js';
import { type WatchIO, watchPidRules } from '../shape/watch.js';
import { portList } from '../shape/watchPlan.js';
import type { CliContext } from './context.js';
import { stopOnSignals } from './stopSignals.js';

export interface ShapeWatchFlags {
  dev?: string;
  /** Seconds. */
  interval: number;
}

export const SNAPSHOT_NOTE =
  "outside hog shape watch a pid rule's ports are a snapshot taken when it was added: sockets the process opens later are not shaped";

function pidRulesOf(system: ShapeSystem, devs: () => string[]): ShapeRule[] {
  return devs().flatMap(
    (dev) => readShapeState(dev, system.stateDir)?.rules.filter((r) => r.match.pid !== undefined) ?? [],
  );
}

/**
 * Replace a rule's ports with its pending revert moved to the replacement, due when it was. The
 * replacement's creation time is fixed first and its revert scheduled before the change, the old
 * revert cancelled after it: killed at any moment, watch leaves a revert that matches the rule there.
 */
async function replaceKeepingRevert(system: ShapeSystem, rule: ShapeRule, change: Change): Promise<void> {
  const { stateDir, clock } = system;
  const createdAt = system.now();
  const next = { ...rule, createdAt };
  const pending = pendingRevert(rule, stateDir);
  if (pending)
    scheduleRevert(next, Math.max(MIN_REVERT_MS, pending.dueAt - clock.now()), { stateDir, clock });
  let result: Awaited<ReturnType<typeof transact>>;
  try {
    result = await transact({ ...system, now: () => createdAt }, rule.dev, change, {});
  } catch (error) {
    if (pending) cancelRevert(next, { stateDir, clock });
    throw error;
  }
  if (!pending) return;
  const now = result.after?.rules.find((r) => r.id === rule.id);
  cancelRevert(now?.createdAt === createdAt ? rule : next, { stateDir, clock });
}

function watchIO(system: ShapeSystem, devs: () => string[], procRoot: string, context: CliContext): WatchIO {
  return {
    pidRules: () => pidRulesOf(system, devs),
    read: (pid) => {
      try {
        const p = readPidPorts(pid, procRoot, system.clock);
        return { comm: p.comm, startedAtMs: p.startedAtMs, ports: p.ports };
      } catch (error) {
        if (error instanceof NotFoundError || (isHogError(error) && error.exitCode === 2)) return undefined;
        throw error;
      }
    },
    async setPorts(rule, ports) {
      const change = addChange({
        direction: rule.direction,
        match: { pid: rule.match.pid as number, ports },
        ...(rule.prio !== undefined ? { prio: rule.prio } : {}),
        ...(rule.rateBitsPerSecond !== undefined ? { rateBitsPerSecond: rule.rateBitsPerSecond } : {}),
        ...(rule.ceilBitsPerSecond !== undefined ? { ceilBitsPerSecond: rule.ceilBitsPerSecond } : {}),
        ...(rule.expiresAt !== undefined ? { expiresAt: rule.expiresAt } : {}),
      });
      await replaceKeepingRevert(system, rule, change);
    },
    async remove(rule) {
      await transact(system, rule.dev, removeChange({ id: rule.id, ifCreatedAt: rule.createdAt }), {});
      cancelRevert(rule, { stateDir: system.stateDir, clock: system.clock });
    },
    say: (line) =>
      context.output.line(`${new Date(context.clock.now()).toISOString().slice(11, 19)} ${line}`),
    sleep: (ms, signal) => context.clock.sleep(ms, signal),
  };
}

export async function runShapeWatch(
  flags: ShapeWatchFlags,
  context: CliContext,
  procRoot = '/proc',
): Promise<void> {
  // every update changes tc: say so now, not at the first port the process opens
  if (!hasNetAdmin())
    throw new PermissionError('hog shape watch changes traffic control rules', { hint: NET_ADMIN_HINT });
  const system = realSystem(context.clock, '/sys', procRoot);
  const devs = () => (flags.dev !== undefined ? [flags.dev] : stateDevices(system.stateDir));
  const rules = pidRulesOf(system, devs);
  if (rules.length === 0) {
    throw new NotFoundError(`no pid rule to watch${flags.dev !== undefined ? ` on ${flags.dev}` : ''}`, {
      hint: 'add one first: hog shape add --dev IF --pid PID --prio low',
    });
  }
  const out = context.output;
  out.line(
    `hog shape watch: keeping ${rules.length} pid rule${rules.length === 1 ? '' : 's'} on their processes' ports, every ${flags.interval} s; Ctrl-C ends`,
  );
  for (const r of rules)
    out.line(
      `  ${r.id} on ${r.dev}: PID ${r.match.pid}, ports ${portList(r.match.ports ?? (r.match.port === undefined ? [] : [r.match.port]))}`,
    );
  out.line(`  (${SNAPSHOT_NOTE})`);
  const stop = stopOnSignals();
  try {
    const end = await watchPidRules(
      watchIO(system, devs, procRoot, context),
      flags.interval * 1000,
      stop.signal,
    );
    out.line(
      end === 'no-pid-rules'
        ? 'hog shape watch: no pid rule left; done'
        : `hog shape watch: ${(stop.signal.reason as Error).message}; the rules stay as they are`,
    );
  } finally {
    stop.dispose();
  }
}
