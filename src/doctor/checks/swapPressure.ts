/**
 * Swap in use, judged by memory pressure (PSI). Swap that holds cold pages while nothing stalls is
 * harmless; swap with tasks stalling on memory is thrashing. PSI's "some" is the share of time at
 * least one task waited for memory, "full" the share of time all runnable tasks did
 * (Documentation/accounting/psi.rst). Thresholds over the 60 s average:
 *   critical: full >= 5%  or some >= 20%
 *   warning:  some >= 5%
 * Without PSI, swap used above half of swap total is a warning.
 */
import type { Check } from '../check.js';
import { evidence } from '../evidence.js';
import type { Evidence, Finding, Severity } from '../finding.js';

export const swapPressure: Check = {
  id: 'memory.swap-pressure',
  resource: 'memory',
  description: 'swap in use together with memory pressure (/proc/meminfo, /proc/pressure/memory)',
  run(context) {
    const m = context.meminfo();
    const psi = context.pressure('memory');
    const swapUsed = m.swapTotalBytes - m.swapFreeBytes;
    const facts: Evidence[] = [];
    if (m.swapTotalBytes > 0) {
      facts.push(evidence.bytes('swap used', swapUsed), evidence.bytes('swap total', m.swapTotalBytes));
    }
    if (psi) {
      facts.push(
        evidence.percent('PSI memory some avg60', psi.some.avg60),
        evidence.percent('PSI memory some avg10', psi.some.avg10),
      );
      if (psi.full) facts.push(evidence.percent('PSI memory full avg60', psi.full.avg60));
    }

    let severity: Severity = 'ok';
    let title: string;
    const stalled = psi ? `tasks stalled on memory ${psi.some.avg60.toFixed(1)}% of the last minute` : '';
    if (psi && ((psi.full?.avg60 ?? 0) >= 5 || psi.some.avg60 >= 20)) {
      severity = 'critical';
      title = swapUsed > 0 ? `thrashing: swap in use and ${stalled}` : `severe memory pressure: ${stalled}`;
    } else if (psi && psi.some.avg60 >= 5) {
      severity = 'warning';
      title = swapUsed > 0 ? `swapping under memory pressure: ${stalled}` : `memory pressure: ${stalled}`;
    } else if (!psi && m.swapTotalBytes > 0 && swapUsed > m.swapTotalBytes / 2) {
      severity = 'warning';
      title = `more than half of swap in use (${evidence.bytes('', swapUsed).text}); no PSI to tell whether it hurts`;
    } else if (swapUsed > 0) {
      severity = 'info';
      title = `${evidence.bytes('', swapUsed).text} in swap${psi ? ' without memory pressure (cold pages, harmless)' : ''}`;
    } else {
      title = m.swapTotalBytes > 0 ? 'swap unused' : 'no swap configured';
      if (psi) title += `; memory pressure ${psi.some.avg60.toFixed(1)}% (60 s)`;
    }
    const finding: Finding = {
      check: this.id,
      resource: 'memory',
      severity,
      title,
      evidence: facts,
      next: severity === 'ok' || severity === 'info' ? [] : ['hog ps --sort swap --top 10', 'hog top'],
    };
    if (!psi)
      finding.detail =
        'No /proc/pressure/memory (kernel without PSI, or booted with psi=0): pressure is not measured.';
    return [finding];
  },
};
