/**
 * The trees a state asks for on a device (pure): an egress tree when a link rate is set or an egress
 * rule exists, an ingress tree on the ifb device likewise. The rate the priorities share is the one
 * `hog shape link` set, else the link speed where the kernel reports a real one. Caps alone need no
 * link rate: the root is then set so high it limits nothing (UNLIMITED).
 */
import { UsageError } from '../errors.js';
import type { DeviceFacts } from './device.js';
import type { Wanted } from './devicePlan.js';
import type { ShapeDirection, ShapeRule } from './rules.js';
import type { ShapeState } from './state.js';
import { htbTree } from './tree.js';

export const UNLIMITED_BITS = 100e9;

export function shareRate(
  state: ShapeState,
  facts: DeviceFacts,
  direction: ShapeDirection,
): number | undefined {
  const set = direction === 'egress' ? state.linkRateBitsPerSecond : state.ingressRateBitsPerSecond;
  return set ?? facts.speedBitsPerSecond;
}

/** Priorities share a rate: refuse them where none is known (a virtual device, an unknown speed). */
export function checkPrioritiesHaveRate(state: ShapeState, facts: DeviceFacts, rule: ShapeRule): void {
  if (rule.prio === undefined || shareRate(state, facts, rule.direction) !== undefined) return;
  const flag = rule.direction === 'egress' ? '--rate' : '--ingress-rate';
  throw new UsageError(`${facts.dev} reports no link speed, and priorities need the rate they share`, {
    hint: `say what the link (or the upstream bottleneck) carries first: hog shape link --dev ${facts.dev} ${flag} 100mbit`,
  });
}

export function wantedFrom(state: ShapeState | undefined, facts: DeviceFacts): Wanted {
  if (state === undefined) return {};
  const wanted: Wanted = {};
  if (state.savedRootQdisc !== undefined) wanted.savedRoot = state.savedRootQdisc;
  const egressRules = state.rules.filter((r) => r.direction === 'egress');
  const ingressRules = state.rules.filter((r) => r.direction === 'ingress');
  if (state.linkRateBitsPerSecond !== undefined || egressRules.length > 0) {
    const rate = shareRate(state, facts, 'egress') ?? UNLIMITED_BITS;
    wanted.egress = htbTree(facts.dev, rate, facts.mtu, egressRules, 'egress');
  }
  if ((state.ingressRateBitsPerSecond !== undefined || ingressRules.length > 0) && state.ifb !== undefined) {
    const rate = shareRate(state, facts, 'ingress') ?? UNLIMITED_BITS;
    wanted.ingress = { ifb: state.ifb, tree: htbTree(state.ifb, rate, facts.mtu, ingressRules, 'ingress') };
  }
  return wanted;
}
