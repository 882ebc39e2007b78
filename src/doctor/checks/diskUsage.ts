/**
 * Filesystems running out of space. Use% is df's: used / (used + available), so reserved blocks count
 * as full for ordinary users, as they are. Critical at 95%, warning at 90%. When a history of used
 * space is recorded (hog serve), the fill rate gives an ETA: under 2 h critical, under 24 h warning.
 */
import { dfUsePercent } from '../../disk/dfReconcile.js';
import { type FillRate, fillRate } from '../../disk/fillRate.js';
import { formatDuration } from '../../render/units.js';
import type { Check } from '../check.js';
import { type FilesystemFacts, okFinding, writableFilesystems } from '../diskFacts.js';
import { evidence } from '../evidence.js';
import type { Evidence, Finding, Severity } from '../finding.js';

export const WARNING_PERCENT = 90;
export const CRITICAL_PERCENT = 95;
export const WARNING_ETA_SECONDS = 24 * 3600;
export const CRITICAL_ETA_SECONDS = 2 * 3600;

export const diskUsage: Check = {
  id: 'disk.usage',
  resource: 'disk',
  description: `filesystems over ${WARNING_PERCENT}% used (df's Use%), or filling up (ETA from recorded history)`,
  run(context) {
    const findings: Finding[] = [];
    const ok: string[] = [];
    let noHistory = '';
    for (const fs of writableFilesystems(context)) {
      const usage = usageOf(fs);
      const rate = fillRate(
        context.diskHistory?.(fs.mount.mountPoint) ?? [],
        usage.available,
        context.clock.now(),
      );
      const severity = usageSeverity(usage.percent, rate);
      if (rate.kind === 'unknown') noHistory = rate.reason;
      if (severity === 'ok') ok.push(`${fs.mount.mountPoint} ${usage.percent}%`);
      else findings.push(usageFinding(this.id, severity, fs, usage, rate));
    }
    if (findings.length === 0) {
      findings.push(
        okFinding(
          this.id,
          ok.length > 0
            ? `filesystems below ${WARNING_PERCENT}% used: ${ok.join(', ')}`
            : 'no writable filesystem to check',
          noHistory ? [evidence.text('fill rate', `unknown: ${noHistory}`)] : [],
        ),
      );
    }
    return findings;
  },
};

/** A filesystem's space as df counts it, in bytes. */
interface Usage {
  used: number;
  available: number;
  size: number;
  /** Reserved for root: free, but not available to ordinary users. */
  reserved: number;
  /** df's Use%. */
  percent: number;
}

function usageOf({ statfs }: FilesystemFacts): Usage {
  const used = (statfs.blocks - statfs.blocksFree) * statfs.blockSize;
  const available = statfs.blocksAvailable * statfs.blockSize;
  return {
    used,
    available,
    size: statfs.blocks * statfs.blockSize,
    reserved: (statfs.blocksFree - statfs.blocksAvailable) * statfs.blockSize,
    percent: dfUsePercent(used, available),
  };
}

/** By how full it is, raised by how soon it will be full. */
function usageSeverity(percent: number, rate: FillRate): Severity {
  let severity: Severity =
    percent >= CRITICAL_PERCENT ? 'critical' : percent >= WARNING_PERCENT ? 'warning' : 'ok';
  if (rate.kind === 'filling') {
    if (rate.etaSeconds < CRITICAL_ETA_SECONDS) severity = 'critical';
    else if (rate.etaSeconds < WARNING_ETA_SECONDS && severity === 'ok') severity = 'warning';
  }
  return severity;
}

function usageFinding(
  check: string,
  severity: Severity,
  { mount }: FilesystemFacts,
  usage: Usage,
  rate: FillRate,
): Finding {
  const { percent, available, size } = usage;
  const eta = rate.kind === 'filling' ? formatDuration(rate.etaSeconds) : undefined;
  return {
    check,
    resource: 'disk',
    severity,
    title:
      eta !== undefined && percent < WARNING_PERCENT
        ? `${mount.mountPoint} is filling: full in about ${eta} (${percent}% used)`
        : `${mount.mountPoint} is ${percent}% full: ${evidence.bytes('', available).text} left of ${evidence.bytes('', size).text}${eta !== undefined ? `, full in about ${eta}` : ''}`,
    evidence: [
      evidence.percent('used (df Use%)', percent),
      evidence.bytes('used', usage.used),
      evidence.bytes('available', available),
      evidence.bytes('reserved for root', usage.reserved),
      evidence.bytes('size', size),
      evidence.text('filesystem', `${mount.fsType} on ${mount.source}`),
      ...rateEvidence(rate),
    ],
    next: [
      `hog disk -x ${mount.mountPoint}`,
      `hog disk --by category -x ${mount.mountPoint}`,
      `hog disk df ${mount.mountPoint}`,
      'hog disk deleted',
      `hog disk clean`,
    ],
    detail:
      'Find what grew (largest entries and files), check for deleted files still held open, then clean what is safe to remove.',
    subjects: [{ path: mount.mountPoint }],
  };
}

function rateEvidence(rate: FillRate): Evidence[] {
  switch (rate.kind) {
    case 'filling':
      return [
        evidence.rate('filling at', rate.bytesPerSecond),
        evidence.seconds('full in', Math.round(rate.etaSeconds)),
      ];
    case 'steady':
      return [evidence.text('fill rate', 'not growing over the recorded window')];
    case 'unknown':
      return [evidence.text('fill rate', `unknown: ${rate.reason}`)];
  }
}
