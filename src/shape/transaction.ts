import { readFileSync } from 'node:fs';
/**
 * One change to a device's shaping, all or nothing: lock the device, read the state and the kernel,
 * compute the new state and the tc batch that gets there, run it (`tc -batch`, which stops at the
 * first failing line), and on any failure run the plan back to what was there before. The state file
 * is written only after the kernel took the change. With dryRun, only the plan comes back.
 */
import { HogError, PermissionError, UsageError } from '../errors.js';
import { type DeviceFacts, readDevice } from './device.js';
import {
  type DevicePlan,
  hasHogRoot,
  hogRedirect,
  ingressQdisc,
  planDevice,
  rootOf,
  type TcSnapshot,
} from './devicePlan.js';
import { ifbName } from './handles.js';
import { holdSignals } from './holdSignals.js';
import { lockDevice } from './lock.js';
import { isDefaultRoot, saveRootQdisc } from './savedQdisc.js';
import { readSnapshot, shownRoot } from './snapshot.js';
import { readShapeState, removeShapeState, type ShapeState, writeShapeState } from './state.js';
import type { ShapeSystem } from './system.js';
import { NET_ADMIN_HINT, tcFailure } from './tcErrors.js';
import { wantedFrom } from './wanted.js';

export interface ChangeContext {
  facts: DeviceFacts;
  /** What hog had recorded and the kernel confirms (undefined: nothing of hog's there). */
  state: ShapeState | undefined;
  now: number;
}

/** The new state (undefined: hog leaves the device as it found it). */
export type Change = (context: ChangeContext) => ShapeState | undefined;

export interface TransactionResult {
  before: ShapeState | undefined;
  after: ShapeState | undefined;
  plan: DevicePlan;
  applied: boolean;
  /** What tc printed on stderr while succeeding (warnings): hog shows it. */
  warnings: string[];
  /** A state file that no longer matched the kernel and was set aside. */
  staleState: boolean;
  /** A signal that came while the device was being changed: held until done (holdSignals.ts). */
  interruptedBy?: NodeJS.Signals;
}

export interface TransactionOptions {
  dryRun?: boolean;
  /** Replace a root qdisc of the user's (saved, for clear to restore). */
  force?: boolean;
  /** Between reading and applying (tests: what a concurrent change would do at that moment). */
  beforeApply?: () => Promise<void>;
}

/** The state is hog's and the kernel agrees: same device (ifindex), hog's tree where it says. */
function confirmedState(
  state: ShapeState | undefined,
  facts: DeviceFacts,
  dev: TcSnapshot,
): ShapeState | undefined {
  if (state === undefined || state.ifindex !== facts.ifindex) return undefined;
  const wantsEgress =
    state.linkRateBitsPerSecond !== undefined || state.rules.some((r) => r.direction === 'egress');
  if (wantsEgress && !hasHogRoot(dev)) return undefined;
  return state;
}

async function runIp(system: ShapeSystem, args: string[]): Promise<void> {
  const r = await system.run('ip', args);
  if (r.code !== 0) throw tcFailure(`ip ${args.join(' ')}`, r.stderr);
}

async function runBatch(system: ShapeSystem, lines: string[]): Promise<string> {
  if (lines.length === 0) return '';
  const r = await system.run('tc', ['-batch', '-'], `${lines.join('\n')}\n`);
  if (r.code !== 0) throw tcFailure('tc -batch', r.stderr);
  return r.stderr.trim();
}

async function runPlan(system: ShapeSystem, plan: DevicePlan): Promise<string> {
  for (const args of plan.before) await runIp(system, args);
  const said = await runBatch(system, plan.batch);
  for (const args of plan.after) await runIp(system, args);
  return said;
}

export function hasNetAdmin(): boolean {
  // CapEff bit 12 (include/uapi/linux/capability.h): reading needs nothing, changing needs this
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const hex = /^CapEff:\s*([0-9a-f]+)/m.exec(status)?.[1];
    return hex === undefined || (BigInt(`0x${hex}`) & (1n << 12n)) !== 0n;
  } catch {
    return true;
  }
}

/** Put the device back the way `before` had it, from whatever a failed apply left. */
async function rollBack(
  system: ShapeSystem,
  facts: DeviceFacts,
  before: ShapeState | undefined,
  attempted: ShapeState | undefined,
): Promise<void> {
  const dev = await readSnapshot(system, facts.dev);
  const ifbDev = attempted?.ifb ?? before?.ifb;
  const ifb = ifbDev === undefined ? undefined : await readSnapshot(system, ifbDev);
  const back = planDevice(dev, ifb, wantedFrom(before, facts), wantedFrom(attempted, facts));
  // an ifb hog made for the attempt goes too (planDevice deletes it only where no ingress is wanted)
  await runPlan(system, back);
}

function checkTakeOver(next: ShapeState, dev: TcSnapshot, force: boolean): void {
  if (next.linkRateBitsPerSecond === undefined && !next.rules.some((r) => r.direction === 'egress')) return;
  const root = rootOf(dev);
  if (hasHogRoot(dev) || isDefaultRoot(root, dev.qdiscs) || next.savedRootQdisc !== undefined) return;
  if (!force) {
    throw new UsageError(`${dev.dev} has a root qdisc hog did not install (${root?.kind} ${root?.handle})`, {
      hint: `hog shape would replace it: add --force to do so (hog saves it and \`hog shape clear --dev ${dev.dev}\` puts it back), or remove it yourself (tc qdisc del dev ${dev.dev} root)`,
    });
  }
}

function checkIngress(next: ShapeState, dev: TcSnapshot): void {
  const wantsIngress =
    next.ingressRateBitsPerSecond !== undefined || next.rules.some((r) => r.direction === 'ingress');
  if (!wantsIngress || hogRedirect(dev) !== undefined) return;
  const q = ingressQdisc(dev);
  if (q !== undefined) {
    throw new UsageError(`${dev.dev} has an ingress qdisc hog did not install (${q.kind} ${q.handle})`, {
      hint: 'ingress shaping redirects all incoming traffic to an ifb device; it would bypass or break the filters already there. Remove them first, or shape egress only',
    });
  }
}

export async function transact(
  system: ShapeSystem,
  devName: string,
  change: Change,
  options: TransactionOptions = {},
): Promise<TransactionResult> {
  const facts = readDevice(system, devName);
  if (!options.dryRun && !hasNetAdmin()) {
    throw new PermissionError(`hog shape cannot change ${devName}: CAP_NET_ADMIN is missing`, {
      hint: NET_ADMIN_HINT,
    });
  }
  const netns = system.netnsId();
  const lock = options.dryRun ? undefined : await lockDevice(netns, devName);
  try {
    const dev = await readSnapshot(system, devName);
    const recorded = readShapeState(devName, system.stateDir);
    const before = confirmedState(recorded, facts, dev);
    let next = change({ facts, state: before, now: system.now() });
    if (next !== undefined) {
      if (next.rules.some((r) => r.direction === 'ingress') || next.ingressRateBitsPerSecond !== undefined)
        next = { ...next, ifb: next.ifb ?? ifbName(facts.ifindex) };
      checkTakeOver(next, dev, options.force === true);
      checkIngress(next, dev);
      const root = rootOf(dev);
      const wantsEgress =
        next.linkRateBitsPerSecond !== undefined || next.rules.some((r) => r.direction === 'egress');
      if (
        wantsEgress &&
        !hasHogRoot(dev) &&
        !isDefaultRoot(root, dev.qdiscs) &&
        next.savedRootQdisc === undefined
      ) {
        next = {
          ...next,
          savedRootQdisc: saveRootQdisc(devName, dev.qdiscs, await shownRoot(system, devName)),
        };
      }
    }
    // without a state file, hog's redirect still names its ifb device, which then goes too
    const redirectedTo = hogRedirect(dev)?.entries[0]?.redirectTo;
    const ifbDev =
      next?.ifb ?? before?.ifb ?? (redirectedTo?.startsWith('hogifb') ? redirectedTo : undefined);
    const ifb = ifbDev === undefined ? undefined : await readSnapshot(system, ifbDev);
    // a hog tree without a state (the file was lost) is hog's all the same: planning from an empty
    // "before" removes it
    const plan = planDevice(dev, ifb, wantedFrom(next, facts), wantedFrom(before ?? recorded, facts));
    const result: TransactionResult = {
      before,
      after: next,
      plan,
      applied: false,
      warnings: [],
      staleState: recorded !== undefined && before === undefined,
    };
    if (options.dryRun) return result;
    await options.beforeApply?.();
    const held = holdSignals();
    try {
      await applyOrRollBack(system, facts, devName, plan, before, next, result);
    } finally {
      const signal = held.release();
      if (signal !== undefined) result.interruptedBy = signal;
    }
    result.applied = true;
    return result;
  } finally {
    await lock?.release();
  }
}

/** Run the plan; on failure run the plan back; record the state once the kernel took it. */
async function applyOrRollBack(
  system: ShapeSystem,
  facts: DeviceFacts,
  devName: string,
  plan: DevicePlan,
  before: ShapeState | undefined,
  next: ShapeState | undefined,
  result: TransactionResult,
): Promise<void> {
  try {
    const said = await runPlan(system, plan);
    if (said !== '') result.warnings.push(said);
  } catch (error) {
    try {
      await rollBack(system, facts, before, next);
    } catch (rollbackError) {
      throw new HogError(
        `${(error as Error).message}; and putting ${devName} back failed too: ${(rollbackError as Error).message}`,
        {
          hint: `see \`tc qdisc show dev ${devName}\`; \`hog shape clear --dev ${devName}\` removes what hog installed`,
          cause: error,
        },
      );
    }
    if (error instanceof HogError && error.hint === undefined) {
      throw new HogError(`${error.message}; ${devName} is as it was before`, { cause: error });
    }
    throw error;
  }
  if (next === undefined) removeShapeState(devName, system.stateDir);
  else writeShapeState(next, system.stateDir);
}
