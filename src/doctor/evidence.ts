/** Building evidence values: the number for --json and its text for people, from the one units module. */
import { formatBytes, formatDuration, formatPercent, formatRate } from '../render/units.js';
import type { Evidence } from './finding.js';

export const evidence = {
  bytes: (label: string, value: number): Evidence => ({
    label,
    value,
    unit: 'bytes',
    text: formatBytes(value),
  }),
  percent: (label: string, value: number): Evidence => ({
    label,
    value: Number(value.toFixed(2)),
    unit: 'percent',
    text: formatPercent(value),
  }),
  seconds: (label: string, value: number): Evidence => ({
    label,
    value,
    unit: 'seconds',
    text: formatDuration(value),
  }),
  count: (label: string, value: number): Evidence => ({ label, value, unit: 'count', text: String(value) }),
  rate: (label: string, bytesPerSecond: number): Evidence => ({
    label,
    value: bytesPerSecond,
    unit: 'bytes_per_second',
    text: formatRate(bytesPerSecond),
  }),
  text: (label: string, value: string): Evidence => ({ label, value, unit: 'text', text: value }),
};
