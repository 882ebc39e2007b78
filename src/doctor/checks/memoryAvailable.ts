/**
 * Low available memory. MemAvailable is the kernel's estimate of how much memory new work can get
 * without swapping (page cache and reclaimable slab included), added in Linux 3.14 for exactly this
 * question. Below 10% of RAM the machine is short; below 5% the OOM killer is near.
 */
import type { Check } from '../check.js';
import { evidence } from '../evidence.js';
import type { Finding, Severity } from '../finding.js';

export const WARNING_PERCENT = 10;
export const CRITICAL_PERCENT = 5;

export const memoryAvailable: Check = {
  id: 'memory.available',
  resource: 'memory',
  description: 'MemAvailable against MemTotal (/proc/meminfo)',
  run(context) {
    const m = context.meminfo();
    // Kernels before 3.14 have no MemAvailable: estimate it as free + buffers + page cache, as free(1) did.
    const estimated = m.memAvailableBytes === undefined;
    const available = m.memAvailableBytes ?? m.memFreeBytes + m.buffersBytes + m.cachedBytes;
    const percent = (available / m.memTotalBytes) * 100;
    const severity: Severity =
      percent < CRITICAL_PERCENT ? 'critical' : percent < WARNING_PERCENT ? 'warning' : 'ok';
    const finding: Finding = {
      check: this.id,
      resource: 'memory',
      severity,
      title:
        severity === 'ok'
          ? `memory available: ${evidence.percent('', percent).text} of RAM`
          : `low available memory: ${evidence.percent('', percent).text} of RAM (${evidence.bytes('', available).text} of ${evidence.bytes('', m.memTotalBytes).text})`,
      evidence: [
        evidence.bytes(estimated ? 'MemAvailable (estimated)' : 'MemAvailable', available),
        evidence.bytes('MemTotal', m.memTotalBytes),
        evidence.percent('available', percent),
        evidence.bytes('MemFree', m.memFreeBytes),
        evidence.bytes('Buffers + Cached', m.buffersBytes + m.cachedBytes),
      ],
      next: severity === 'ok' ? [] : ['hog ps --sort mem --top 10', 'hog top'],
    };
    if (severity !== 'ok') {
      finding.detail =
        'New allocations will come from reclaiming page cache, then swap, then the OOM killer. Find the processes holding RES and whether they grow.';
    }
    return [finding];
  },
};
