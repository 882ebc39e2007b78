/**
 * hog's marks in the kernel: every qdisc and class hog creates has the major handle 686f: ("ho" in
 * ASCII), and every filter a preference in hog's range, so list and clear can tell hog's objects from
 * the user's without trusting the state file alone. tc writes handle minors in hex: 686f:10 is minor 16.
 */
import type { ShapePrio } from './rules.js';

export const HOG_MAJOR = '686f';
export const HOG_QDISC = `${HOG_MAJOR}:`;
export const ROOT_CLASS = `${HOG_MAJOR}:1`;
/** Where unclassified traffic goes: a real class, not HTB's `default 0` (which bypasses shaping). */
export const DEFAULT_CLASS = `${HOG_MAJOR}:2`;
export const DEFAULT_MINOR_HEX = '2';

export const PRIO_CLASS: Record<ShapePrio, string> = {
  high: `${HOG_MAJOR}:10`,
  normal: `${HOG_MAJOR}:20`,
  low: `${HOG_MAJOR}:30`,
};

/** A rate rule's own class: minor 0x100 + its slot. */
export function rateClassId(slot: number): string {
  return `${HOG_MAJOR}:${(0x100 + slot).toString(16)}`;
}

/** Filters: rule slot n has preference FILTER_PREF_BASE + 2n (IPv4) and +1 (IPv6); lower matches first. */
export const FILTER_PREF_BASE = 0x6800;
export const MAX_SLOTS = 1000;
export function filterPrefs(slot: number): { ip: number; ipv6: number } {
  const ip = FILTER_PREF_BASE + 2 * slot;
  return { ip, ipv6: ip + 1 };
}
export function isHogFilterPref(pref: number): boolean {
  return pref >= FILTER_PREF_BASE && pref < FILTER_PREF_BASE + 2 * (MAX_SLOTS + 1);
}

/** The ingress redirect to the ifb device, on the ingress qdisc (ffff:). */
export const INGRESS_QDISC = 'ffff:';
export const INGRESS_REDIRECT_PREF = 0x686f;

/** The ifb device for a device: by ifindex, as names can be 15 characters already. */
export function ifbName(ifindex: number): string {
  return `hogifb${ifindex}`;
}

export function isHogHandle(handle: string): boolean {
  return handle.toLowerCase().startsWith(`${HOG_MAJOR}:`);
}
