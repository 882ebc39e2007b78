/**
 * Filesystems running out of space. Use% is df's: used / (used + available), so reserved blocks count
 * as full for ordinary users, as they are. Critical at 95%, warning at 90%. When a history of used
 * space is recorded (hog serve), the fill rate gives an ETA: under 2 h critical, under 24 h warning.
 */
import { dfUsePercent } from '../../disk/dfReconcile.js';
import { fillRate } from '../../disk/fillRate.js';
import { formatDuration } from '../../render/units.js';
import type { Check } from '../check.js';
import { okFinding, writableFilesystems } from '../diskFacts.js';
import { evidence } from '../evidence.js';
import type { Finding, Severity } from '../finding.js';

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
    for (const { mount, statfs } of writableFilesystems(context)) {
      const used = (statfs.blocks - statfs.blocksFree) * statfs.blockSize;
      const available = statfs.blocksAvailable * statfs.blockSize;
      const size = statfs.blocks * statfs.blockSize;
      const percent = dfUsePercent(used, available);
      const rate = fillRate(context.diskHistory?.(mount.mountPoint) ?? [], available, context.clock.now());
      let severity: Severity =
        percent >= CRITICAL_PERCENT ? 'critical' : percent >= WARNING_PERCENT ? 'warning' : 'ok';
      if (rate.kind === 'filling') {
        if (rate.etaSeconds < CRITICAL_ETA_SECONDS) severity = 'critical';
        else if (rate.etaSeconds < WARNING_ETA_SECONDS && severity === 'ok') severity = 'warning';
      }
      if (rate.kind === 'unknown') noHistory = rate.reason;
      if (severity === 'ok') {
        ok.push(`${mount.mountPoint} ${percent}%`);
        continue;
      }
      const rateEvidence =
        rate.kind === 'filling'
          ? [
              evidence.rate('filling at', rate.bytesPerSecond),
              evidence.seconds('full in', Math.round(rate.etaSeconds)),
            ]
          : rate.kind === 'steady'
            ? [evidence.text('fill rate', 'not growing over the recorded window')]
            : [evidence.text('fill rate', `unknown: ${rate.reason}`)];
      findings.push({
        check: this.id,
        resource: 'disk',
        severity,
        title:
          rate.kind === 'filling' && percent < WARNING_PERCENT
            ? `${mount.mountPoint} is filling: full in about ${formatDuration(rate.etaSeconds)} (${percent}% used)`
            : `${mount.mountPoint} is ${percent}% full: ${evidence.bytes('', available).text} left of ${evidence.bytes('', size).text}${rate.kind === 'filling' ? `, full in about ${formatDuration(rate.etaSeconds)}` : ''}`,
        evidence: [
          evidence.percent('used (df Use%)', percent),
          evidence.bytes('used', used),
          evidence.bytes('available', available),
          evidence.bytes(
            'reserved for root',
            (statfs.blocksFree - statfs.blocksAvailable) * statfs.blockSize,
          ),
          evidence.bytes('size', size),
          evidence.text('filesystem', `${mount.fsType} on ${mount.source}`),
          ...rateEvidence,
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
      });
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
