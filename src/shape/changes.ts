/**
 * The changes hog shape makes, as pure functions from the state before to the state after (run by
 * transaction.ts): set the link rate, add a rule, remove one, clear all. Bad requests are refused
 * here, before anything touches the kernel.
 */
import { NotFoundError, UsageError } from '../errors.js';
import type { DeviceFacts } from './device.js';
import { MAX_SLOTS, PRIO_CLASS, rateClassId } from './handles.js';
import { networksOverlap, parseNetwork } from './host.js';
import {
  normalMatch,
  ruleId,
  rulePorts,
  type ShapeDirection,
  type ShapeMatch,
  type ShapePrio,
  type ShapeRule,
  sameTreatment,
} from './rules.js';
import type { ShapeState } from './state.js';
import type { Change, ChangeContext } from './transaction.js';
import { checkPrioritiesHaveRate } from './wanted.js';

function emptyState(facts: DeviceFacts): ShapeState {
  return { version: 1, dev: facts.dev, ifindex: facts.ifindex, rules: [] };
}

/** Nothing left that needs a tree: hog leaves the device as it found it. */
function orNothing(state: ShapeState): ShapeState | undefined {
  const empty =
    state.rules.length === 0 &&
    state.linkRateBitsPerSecond === undefined &&
    state.ingressRateBitsPerSecond === undefined;
  return empty ? undefined : state;
}

export interface LinkRequest {
  rateBitsPerSecond?: number;
  ingressRateBitsPerSecond?: number;
}

export function linkChange(request: LinkRequest): Change {
  return ({ facts, state }) => {
    const base = state ?? emptyState(facts);
    const rate = request.rateBitsPerSecond ?? base.linkRateBitsPerSecond ?? facts.speedBitsPerSecond;
    if (rate === undefined && request.ingressRateBitsPerSecond === undefined) {
      throw new UsageError(`${facts.dev} reports no link speed: say what it carries`, {
        hint: `hog shape link --dev ${facts.dev} --rate 100mbit (the real bottleneck: an uplink slower than the NIC is the usual case)`,
      });
    }
    const next: ShapeState = { ...base };
    if (rate !== undefined) next.linkRateBitsPerSecond = rate;
    if (request.ingressRateBitsPerSecond !== undefined)
      next.ingressRateBitsPerSecond = request.ingressRateBitsPerSecond;
    return next;
  };
}

export interface AddRequest {
  direction: ShapeDirection;
  match: ShapeMatch;
  prio?: ShapePrio;
  rateBitsPerSecond?: number;
  ceilBitsPerSecond?: number;
  expiresAt?: number;
}

export function checkAddRequest(request: AddRequest): void {
  const m = request.match;
  const kinds = [
    rulePorts(m).length > 0 && m.pid === undefined,
    m.host !== undefined,
    m.pid !== undefined,
  ].filter(Boolean).length;
  if (kinds !== 1)
    throw new UsageError('a rule matches one thing: give exactly one of --port, --host or --pid');
  if ((request.prio === undefined) === (request.rateBitsPerSecond === undefined)) {
    throw new UsageError('a rule gets either a priority or a rate: give exactly one of --prio or --rate');
  }
  if (request.ceilBitsPerSecond !== undefined) {
    if (request.rateBitsPerSecond === undefined)
      throw new UsageError('--ceil goes with --rate (a priority class borrows up to the link rate)');
    if (request.ceilBitsPerSecond < request.rateBitsPerSecond) {
      throw new UsageError('--ceil is below --rate', {
        hint: 'the ceiling is what the rule may borrow up to: at least its rate',
      });
    }
  }
}

/** Why two rules of one direction would claim the same packets, or undefined. */
function overlap(a: ShapeMatch, b: ShapeMatch): string | undefined {
  const shared = rulePorts(a).filter((p) => rulePorts(b).includes(p));
  if (shared.length > 0) return `both match port ${shared.join(',')}`;
  if (
    a.host !== undefined &&
    b.host !== undefined &&
    networksOverlap(parseNetwork(a.host), parseNetwork(b.host))
  ) {
    return `${a.host} and ${b.host} share addresses`;
  }
  return undefined;
}

function describeTreatment(r: Pick<ShapeRule, 'prio' | 'rateBitsPerSecond' | 'ceilBitsPerSecond'>): string {
  if (r.prio !== undefined) return `prio ${r.prio}`;
  return `rate ${r.rateBitsPerSecond} bit/s${r.ceilBitsPerSecond !== undefined ? ` ceil ${r.ceilBitsPerSecond} bit/s` : ''}`;
}

function freeSlot(rules: readonly ShapeRule[]): number {
  const used = new Set(rules.map((r) => r.slot));
  for (let slot = 1; slot <= MAX_SLOTS; slot++) if (!used.has(slot)) return slot;
  throw new UsageError(`a device holds at most ${MAX_SLOTS} hog shape rules`);
}

export function addChange(request: AddRequest): Change {
  checkAddRequest(request);
  return ({ facts, state, now }: ChangeContext) => {
    const base = state ?? emptyState(facts);
    const match = normalMatch(request.match);
    if (match.host !== undefined) match.host = parseNetwork(match.host).text;
    const id = ruleId(request.direction, match);
    const existing = base.rules.find((r) => r.id === id);
    const slot = existing?.slot ?? freeSlot(base.rules);
    const rule: ShapeRule = {
      id,
      dev: facts.dev,
      direction: request.direction,
      match,
      ...(request.prio !== undefined ? { prio: request.prio } : {}),
      ...(request.rateBitsPerSecond !== undefined ? { rateBitsPerSecond: request.rateBitsPerSecond } : {}),
      ...(request.ceilBitsPerSecond !== undefined ? { ceilBitsPerSecond: request.ceilBitsPerSecond } : {}),
      createdAt: now,
      ...(request.expiresAt !== undefined ? { expiresAt: request.expiresAt } : {}),
      classId: request.prio !== undefined ? PRIO_CLASS[request.prio] : rateClassId(slot),
      slot,
    };
    // the same rule again changes nothing (its creation time included)
    if (existing !== undefined && sameTreatment(existing, rule) && existing.expiresAt === rule.expiresAt)
      return base;
    // a process's rule follows its ports: the same pid with other ports replaces it in place
    if (existing !== undefined && existing.match.pid === undefined) {
      throw new UsageError(`rule ${id} exists already on ${facts.dev} (${describeTreatment(existing)})`, {
        hint: `remove it first: hog shape remove --dev ${facts.dev} ${id}`,
      });
    }
    for (const other of base.rules) {
      if (other.id === id || other.direction !== rule.direction) continue;
      const why = overlap(other.match, rule.match);
      if (why !== undefined) {
        throw new UsageError(`rule ${id} overlaps rule ${other.id} on ${facts.dev}: ${why}`, {
          hint: `a packet can go to one class only; remove the other first (hog shape remove --dev ${facts.dev} ${other.id}) or match something else`,
        });
      }
    }
    checkPrioritiesHaveRate(base, facts, rule);
    const rules =
      existing === undefined ? [...base.rules, rule] : base.rules.map((r) => (r.id === id ? rule : r));
    return { ...base, rules };
  };
}

export interface RemoveRequest {
  id: string;
  /** Remove only the rule created at this time (ms): a stale timer leaves a newer rule alone. */
  ifCreatedAt?: number;
}

export function removeChange(request: RemoveRequest): Change {
  return ({ facts, state }) => {
    const rule = state?.rules.find((r) => r.id === request.id);
    if (state === undefined || rule === undefined) {
      throw new NotFoundError(`no hog shape rule ${request.id} on ${facts.dev}`, {
        hint: `hog shape list --dev ${facts.dev} shows the rules`,
      });
    }
    if (request.ifCreatedAt !== undefined && rule.createdAt !== request.ifCreatedAt) return state;
    return orNothing({ ...state, rules: state.rules.filter((r) => r !== rule) });
  };
}

export const clearChange: Change = () => undefined;
