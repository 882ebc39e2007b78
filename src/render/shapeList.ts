/** `hog shape list` as a table: one line per rule with its class's live counters. */
import type { DeviceListing, ListedClass } from '../shape/listing.js';
import type { ShapeRule } from '../shape/rules.js';
import { rulePorts } from '../shape/rules.js';
import { renderTable, type TableColumn } from './table.js';
import { formatBytes, formatCount, formatRate } from './units.js';

const bits = (b: number | undefined) => (b === undefined ? '-' : formatRate(b / 8));

export function describeMatch(rule: ShapeRule): string {
  const m = rule.match;
  const ports = rulePorts(m);
  const parts: string[] = [];
  if (m.pid !== undefined) parts.push(`pid ${m.pid}`);
  if (ports.length > 0) parts.push(`port ${ports.join(',')}`);
  if (m.host !== undefined) parts.push(`host ${m.host}`);
  return parts.join(' ');
}

export function describeTreatment(rule: ShapeRule): string {
  if (rule.prio !== undefined) return `prio ${rule.prio}`;
  const rate = bits(rule.rateBitsPerSecond);
  return rule.ceilBitsPerSecond === undefined || rule.ceilBitsPerSecond === rule.rateBitsPerSecond
    ? `cap ${rate}`
    : `rate ${rate} ceil ${bits(rule.ceilBitsPerSecond)}`;
}

const COLUMNS: TableColumn<ListedClass>[] = [
  { header: 'RULE', align: 'left', text: (r) => r.label },
  { header: 'DIR', align: 'left', text: (r) => (r.direction === 'egress' ? 'out' : 'in') },
  { header: 'MATCH', align: 'left', text: (r) => (r.rule ? describeMatch(r.rule) : '') },
  {
    header: 'GETS',
    align: 'left',
    text: (r) =>
      r.rule
        ? `${describeTreatment(r.rule)}${r.rule.expiresAt === undefined ? '' : `, until ${new Date(r.rule.expiresAt).toISOString().slice(11, 19)} UTC`}`
        : `rate ${bits(r.rateBitsPerSecond)} ceil ${bits(r.ceilBitsPerSecond)}`,
  },
  { header: 'CLASS', align: 'left', text: (r) => r.classId },
  { header: 'BYTES', align: 'right', text: (r) => (r.stats ? formatBytes(r.stats.bytes) : '-') },
  { header: 'PKTS', align: 'right', text: (r) => (r.stats ? formatCount(r.stats.packets) : '-') },
  { header: 'DROPS', align: 'right', text: (r) => (r.stats ? formatCount(r.stats.drops) : '-') },
  { header: 'OVERLIM', align: 'right', text: (r) => (r.stats ? formatCount(r.stats.overlimits) : '-') },
  { header: 'RATE', align: 'right', text: (r) => bits(r.stats?.rateBitsPerSecond) },
];

export function shapeListLines(listing: DeviceListing, width?: number): string[] {
  const head = [
    `${listing.dev}: link ${listing.linkRateBitsPerSecond === undefined ? 'rate not set (caps only, or the link speed)' : bits(listing.linkRateBitsPerSecond)}`,
  ];
  if (listing.ifb !== undefined)
    head.push(
      `ingress through ${listing.ifb} ${listing.ingressRateBitsPerSecond === undefined ? '(rate not set)' : bits(listing.ingressRateBitsPerSecond)}`,
    );
  if (listing.savedRootQdisc !== undefined) head.push(`replaced (clear restores): ${listing.savedRootQdisc}`);
  const lines = [head.join(', ')];
  for (const line of renderTable(COLUMNS, listing.rows, { width })) lines.push(`  ${line}`);
  for (const p of listing.problems) lines.push(`  ! ${p}`);
  return lines;
}
