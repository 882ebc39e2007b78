/** Read what a device has now from the kernel (tc), parsed into a TcSnapshot for the planner. */

import type { TcSnapshot } from './devicePlan.js';
import { hasHogRoot, ingressQdisc } from './devicePlan.js';
import { isHogHandle } from './handles.js';
import type { ShapeSystem } from './system.js';
import { tcFailure } from './tcErrors.js';
import { parseClasses, parseFilters, parseQdiscs } from './tcParse.js';

async function tc(system: ShapeSystem, args: string[]): Promise<string> {
  const r = await system.run('tc', args);
  if (r.code !== 0) throw tcFailure(`tc ${args.join(' ')}`, r.stderr);
  return r.stdout;
}

export async function readSnapshot(system: ShapeSystem, dev: string, withStats = false): Promise<TcSnapshot> {
  const exists = system.readNetSys(dev, 'ifindex') !== undefined;
  const empty: TcSnapshot = { dev, exists, qdiscs: [], classes: [], filters: [], ingressFilters: [] };
  if (!exists) return empty;
  const qdiscs = parseQdiscs(
    await tc(system, ['-j', ...(withStats ? ['-s'] : []), 'qdisc', 'show', 'dev', dev]),
  );
  const snapshot: TcSnapshot = { ...empty, qdiscs };
  if (hasHogRoot(snapshot)) {
    snapshot.classes = parseClasses(await tc(system, ['-s', '-d', 'class', 'show', 'dev', dev])).filter((c) =>
      isHogHandle(c.classId),
    );
    snapshot.filters = parseFilters(
      await tc(system, ['-j', 'filter', 'show', 'dev', dev, 'parent', '686f:']),
    );
  }
  if (ingressQdisc(snapshot) !== undefined) {
    snapshot.ingressFilters = parseFilters(
      await tc(system, ['-j', 'filter', 'show', 'dev', dev, 'parent', 'ffff:']),
    );
  }
  return snapshot;
}

/** `tc qdisc show dev X root` as tc prints it (what the user sees, kept with a saved qdisc). */
export async function shownRoot(system: ShapeSystem, dev: string): Promise<string> {
  return tc(system, ['qdisc', 'show', 'dev', dev, 'root']);
}
