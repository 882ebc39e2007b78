/** The actions of `hog shape`: flags -> a change (shape/changes.ts) in a transaction -> what it did. */
import { describeMatch, describeTreatment, shapeListLines } from '../render/shapeList.js';
import { formatRate } from '../render/units.js';
import { addChange, clearChange, linkChange, removeChange } from '../shape/changes.js';
import { readDevice } from '../shape/device.js';
import { hasHogRoot } from '../shape/devicePlan.js';
import { deviceListing } from '../shape/listing.js';
import { rulePorts, type ShapePrio, type ShapeRule } from '../shape/rules.js';
import { readSnapshot } from '../shape/snapshot.js';
import { readShapeState, stateDevices } from '../shape/state.js';
import { realSystem, type ShapeSystem } from '../shape/system.js';
import { type Change, type TransactionResult, transact } from '../shape/transaction.js';
import type { CliContext } from './context.js';
import { shellExitStatus } from './exitStatus.js';
import { cancelRemovedReverts, pidPortsNow, transactTimed } from './shapeTimed.js';

/** The flags of hog shape's subcommands (parsed by shape.ts). */
export interface ShapeFlags {
  dev?: string;
  rate?: number;
  ingressRate?: number;
  ceil?: number;
  port?: number[];
  host?: string;
  prio?: ShapePrio;
  ingress?: boolean;
  ifCreatedAt?: number;
  /** --pid, and its ports read when the command ran (shapeTimed.ts). */
  pid?: number;
  pidPorts?: number[];
  /** --for, seconds. */
  for?: number;
  dryRun?: boolean;
  force?: boolean;
  json?: boolean;
}

function changeFor(
  verb: 'link' | 'add' | 'remove' | 'clear',
  opts: ShapeFlags,
  id: string | undefined,
  now: number,
): Change {
  if (verb === 'link') {
    return linkChange({
      ...(opts.rate !== undefined ? { rateBitsPerSecond: opts.rate } : {}),
      ...(opts.ingressRate !== undefined ? { ingressRateBitsPerSecond: opts.ingressRate } : {}),
    });
  }
  if (verb === 'add') {
    const match =
      opts.port !== undefined ? (opts.port.length === 1 ? { port: opts.port[0] } : { ports: opts.port }) : {};
    return addChange({
      direction: opts.ingress ? 'ingress' : 'egress',
      match: {
        ...match,
        ...(opts.host !== undefined ? { host: opts.host } : {}),
        ...(opts.pid !== undefined ? { pid: opts.pid, ports: opts.pidPorts ?? [] } : {}),
      },
      ...(opts.for !== undefined ? { expiresAt: now + opts.for * 1000 } : {}),
      ...(opts.prio !== undefined ? { prio: opts.prio } : {}),
      ...(opts.rate !== undefined ? { rateBitsPerSecond: opts.rate } : {}),
      ...(opts.ceil !== undefined ? { ceilBitsPerSecond: opts.ceil } : {}),
    });
  }
  if (verb === 'remove')
    return removeChange({
      id: id as string,
      ...(opts.ifCreatedAt !== undefined ? { ifCreatedAt: opts.ifCreatedAt } : {}),
    });
  return clearChange;
}

const bits = (b: number | undefined) => (b === undefined ? 'the link speed' : formatRate(b / 8));

/** The difference a change makes, in the user's terms (rules and rates), before the tc lines. */
export function differenceLines(result: TransactionResult): string[] {
  const { before, after } = result;
  const lines: string[] = [];
  const rulesBefore = new Map((before?.rules ?? []).map((r) => [r.id, r]));
  const rulesAfter = new Map((after?.rules ?? []).map((r) => [r.id, r]));
  const show = (r: ShapeRule) =>
    `${r.id}: ${r.direction === 'ingress' ? 'in ' : ''}${describeMatch(r)}, ${describeTreatment(r)} (class ${r.classId})`;
  for (const [id, r] of rulesAfter) {
    const old = rulesBefore.get(id);
    if (old === undefined) lines.push(`+ rule ${show(r)}`);
    else if (JSON.stringify({ ...old, createdAt: 0 }) !== JSON.stringify({ ...r, createdAt: 0 }))
      lines.push(
        `~ rule ${show(old)} -> ${describeTreatment(r)}${rulePorts(r.match).length ? ` ports ${rulePorts(r.match).join(',')}` : ''}`,
      );
  }
  for (const [id, r] of rulesBefore) if (!rulesAfter.has(id)) lines.push(`- rule ${show(r)}`);
  if (before?.linkRateBitsPerSecond !== after?.linkRateBitsPerSecond)
    lines.push(`~ link rate ${bits(before?.linkRateBitsPerSecond)} -> ${bits(after?.linkRateBitsPerSecond)}`);
  if (before?.ingressRateBitsPerSecond !== after?.ingressRateBitsPerSecond)
    lines.push(
      `~ ingress rate ${bits(before?.ingressRateBitsPerSecond)} -> ${bits(after?.ingressRateBitsPerSecond)}`,
    );
  if (after?.savedRootQdisc !== undefined && before?.savedRootQdisc === undefined)
    lines.push(`! replaces the root qdisc (saved; clear restores it): ${after.savedRootQdisc.shown}`);
  if (after === undefined && before?.savedRootQdisc !== undefined)
    lines.push(`+ restores the root qdisc: ${before.savedRootQdisc.shown}`);
  return lines;
}

function commandLines(result: TransactionResult): string[] {
  return [
    ...result.plan.before.map((a) => `ip ${a.join(' ')}`),
    ...result.plan.batch.map((l) => `tc ${l}`),
    ...result.plan.after.map((a) => `ip ${a.join(' ')}`),
  ];
}

function report(
  dev: string,
  result: TransactionResult,
  opts: ShapeFlags,
  context: CliContext,
  extra: { lines: string[]; json: Record<string, unknown> } = { lines: [], json: {} },
): void {
  const out = context.output;
  const commands = commandLines(result);
  if (opts.json) {
    out.line(
      JSON.stringify({
        ...extra.json,
        dev,
        applied: result.applied,
        dryRun: opts.dryRun === true,
        difference: differenceLines(result),
        commands,
        before: result.before ?? null,
        after: result.after ?? null,
        warnings: result.warnings,
      }),
    );
    return;
  }
  if (result.staleState)
    out.error(`hog: the recorded state of ${dev} no longer matched the kernel; it was set aside`);
  for (const w of result.warnings) out.error(`tc said: ${w}`);
  if (commands.length === 0) {
    out.line(`${dev}: nothing to change (the kernel already has this)`);
  } else {
    out.line(opts.dryRun ? `${dev}: plan (nothing changed):` : `${dev}: done:`);
    for (const l of differenceLines(result)) out.line(`  ${l}`);
    out.line(opts.dryRun ? '  would run:' : '  ran:');
    for (const c of commands) out.line(`    ${c}`);
  }
  for (const l of extra.lines) out.line(`  ${l}`);
}

/** Devices hog has something on: a state file, or hog's root qdisc (a state file lost). */
async function hogDevices(system: ShapeSystem): Promise<string[]> {
  const devs = new Set(stateDevices(system.stateDir));
  const r = await system.run('tc', ['-j', 'qdisc', 'show']);
  if (r.code === 0) {
    for (const q of JSON.parse(r.stdout || '[]') as {
      dev?: string;
      handle?: string;
      root?: boolean;
      kind?: string;
    }[]) {
      if (
        q.root &&
        q.kind === 'htb' &&
        q.handle === '686f:' &&
        q.dev !== undefined &&
        !q.dev.startsWith('hogifb')
      )
        devs.add(q.dev);
    }
  }
  return [...devs].sort();
}

export async function runChange(
  verb: 'link' | 'add' | 'remove' | 'clear',
  opts: ShapeFlags,
  id: string | undefined,
  context: CliContext,
): Promise<void> {
  const system = realSystem(context.clock);
  let pidNote: string | undefined;
  if (verb === 'add' && opts.pid !== undefined) {
    const now = pidPortsNow(opts.pid, '/proc', context.clock);
    opts.pidPorts = now.ports;
    pidNote = now.note;
  }
  const change = changeFor(verb, opts, id, context.clock.now());
  const devs = opts.dev !== undefined ? [opts.dev] : await hogDevices(system);
  if (devs.length === 0 && verb === 'clear') {
    context.output.line(opts.json ? '[]' : 'nothing to clear: hog has no shaping installed here');
    return;
  }
  for (const dev of devs) {
    const timed =
      verb === 'add' && opts.for !== undefined
        ? await transactTimed(system, dev, change, {
            forSeconds: opts.for,
            dryRun: opts.dryRun === true,
            force: opts.force === true,
          })
        : undefined;
    const result =
      timed?.result ??
      (await transact(system, dev, change, {
        dryRun: opts.dryRun === true,
        force: opts.force === true,
      }));
    const kept = result.after?.rules.find((r) => r.id === id);
    if (verb === 'remove' && kept !== undefined && !opts.json) {
      // a timed revert that came late: the rule was added again since, and that one stays
      context.output.line(
        `${dev}: rule ${id} was created at ${kept.createdAt}, not ${opts.ifCreatedAt}: left in place`,
      );
      continue;
    }
    if (!opts.dryRun) cancelRemovedReverts(result, system);
    const extra = timed?.extra ?? { lines: [], json: {} };
    if (pidNote !== undefined) extra.lines.unshift(pidNote);
    report(dev, result, opts, context, extra);
    if (result.interruptedBy !== undefined) {
      // held while the device changed (shape/holdSignals.ts): the change is whole; the rest is not done
      context.output.error(
        `hog: ${result.interruptedBy} came while ${dev} changed: finished that, stopped there`,
      );
      context.exitCode = shellExitStatus(null, result.interruptedBy);
      return;
    }
  }
}

export async function runList(opts: ShapeFlags, context: CliContext): Promise<void> {
  const system = realSystem(context.clock);
  const devs = opts.dev !== undefined ? [opts.dev] : await hogDevices(system);
  if (opts.dev !== undefined) readDevice(system, opts.dev);
  const listings = [];
  for (const dev of devs) {
    const state = readShapeState(dev, system.stateDir);
    const snapshot = await readSnapshot(system, dev, true);
    if (state === undefined) {
      if (hasHogRoot(snapshot))
        listings.push({
          dev,
          rows: [],
          problems: [
            `${dev} has hog's root qdisc but no state file: hog shape clear --dev ${dev} removes it`,
          ],
        });
      continue;
    }
    const ifb = state.ifb === undefined ? undefined : await readSnapshot(system, state.ifb, true);
    listings.push(deviceListing(state, snapshot, ifb));
  }
  if (opts.json) {
    context.output.line(JSON.stringify(listings, null, 2));
    return;
  }
  if (listings.length === 0) {
    context.output.line(opts.dev ? `${opts.dev}: no shaping of hog's` : "no shaping of hog's here");
    return;
  }
  for (const l of listings) context.output.lines(shapeListLines({ ...l }, context.output.columns));
}
