import { readFileSync } from 'node:fs';
/**
 * One change to a device's shaping, all or nothing: lock the device, read the state and the kernel,
 * compute the new state and the tc batch that gets there, run it (`tc -batch`, which stops at the
 * first failing line), and on any failure run the plan back to what was there before. The state file
 * is written only after the kernel took the change. With dryRun, only the plan comes back.
 */
import { HogError, PermissionError, UsageError } from '../errors.js';
import { parseStatusMask } from '../proc/status.js';
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
  if (wantsEgress(state) && !hasHogRoot(dev)) return undefined;
  return state;
}

/** The state shapes outgoing traffic: a link rate or an egress rule (hog's root qdisc). */
function wantsEgress(state: ShapeState): boolean {
  return state.linkRateBitsPerSecond !== undefined || state.rules.some((r) => r.direction === 'egress');
}

/** The state shapes incoming traffic: an ingress rate or an ingress rule (hog's redirect to an ifb). */
function wantsIngress(state: ShapeState): boolean {
  return state.ingressRateBitsPerSecond !== undefined || state.rules.some((r) => r.direction === 'ingress');
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
    const capabilities = parseStatusMask(readFileSync('/proc/self/status', 'utf8'), 'CapEff');
    return capabilities === undefined || (capabilities & (1n << 12n)) !== 0n;
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
  if (!wantsEgress(next)) return;
  const root = rootOf(dev);
  if (hasHogRoot(dev) || isDefaultRoot(root, dev.qdiscs) || next.savedRootQdisc !== undefined) return;
  if (!force) {
    throw new UsageError(`${dev.dev} has a root qdisc hog did not install (${root?.kind} ${root?.handle})`, {
      hint: `hog shape would replace it: add --force to do so (hog saves it and \`hog shape clear --dev ${dev.dev}\` puts it back), or remove it yourself (tc qdisc del dev ${dev.dev} root)`,
    });
  }
}

function checkIngress(next: ShapeState, dev: TcSnapshot): void {
  if (!wantsIngress(next) || hogRedirect(dev) !== undefined) return;
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
  const lock = options.dryRun ? undefined : await lockDevice(netns, devName, system.clock);
  try {
    const dev = await readSnapshot(system, devName);
    const recorded = readShapeState(devName, system.stateDir);
    const before = confirmedState(recorded, facts, dev);
    const changed = change({ facts, state: before, now: system.now() });
    const next =
      changed === undefined
        ? undefined
        : await completedState(system, changed, facts, dev, options.force === true);
    const ifb = await ifbSnapshot(system, dev, next?.ifb ?? before?.ifb);
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
    await applyHoldingSignals(system, facts, devName, plan, before, next, result);
    return result;
  } finally {
    await lock?.release();
  }
}

/**
 * The new state as it will be recorded, once hog may take the device: the ifb device that ingress
 * shaping redirects to, and the user's root qdisc saved (with --force) for clear to put back.
 */
async function completedState(
  system: ShapeSystem,
  changed: ShapeState,
  facts: DeviceFacts,
  dev: TcSnapshot,
  force: boolean,
): Promise<ShapeState> {
  let next = changed;
  if (wantsIngress(next)) next = { ...next, ifb: next.ifb ?? ifbName(facts.ifindex) };
  checkTakeOver(next, dev, force);
  checkIngress(next, dev);
  const root = rootOf(dev);
  if (
    wantsEgress(next) &&
    !hasHogRoot(dev) &&
    !isDefaultRoot(root, dev.qdiscs) &&
    next.savedRootQdisc === undefined
  ) {
    next = {
      ...next,
      savedRootQdisc: saveRootQdisc(dev.dev, dev.qdiscs, await shownRoot(system, dev.dev)),
    };
  }
  return next;
}

/** The ifb device of the change, or of hog's redirect when there is no state file: it goes too. */
async function ifbSnapshot(
  system: ShapeSystem,
  dev: TcSnapshot,
  stateIfb: string | undefined,
): Promise<TcSnapshot | undefined> {
  const redirectedTo = hogRedirect(dev)?.entries[0]?.redirectTo;
  const ifbDev = stateIfb ?? (redirectedTo?.startsWith('hogifb') ? redirectedTo : undefined);
  return ifbDev === undefined ? undefined : await readSnapshot(system, ifbDev);
}

/**
 * Apply with SIGINT, SIGTERM and SIGHUP held (holdSignals.ts): a signal that comes while tc runs waits
 * until the batch, or its rollback, is whole, and is then reported in the result.
 */
async function applyHoldingSignals(
  system: ShapeSystem,
  facts: DeviceFacts,
  devName: string,
  plan: DevicePlan,
  before: ShapeState | undefined,
  next: ShapeState | undefined,
  result: TransactionResult,
): Promise<void> {
  const held = holdSignals();
  try {
    await applyOrRollBack(system, facts, devName, plan, before, next, result);
  } finally {
    const signal = held.release();
    if (signal !== undefined) result.interruptedBy = signal;
  }
  result.applied = true;
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
