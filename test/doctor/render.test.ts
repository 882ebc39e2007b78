/** The doctor's report names other users' processes and paths: their control characters print escaped. */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/doctor/finding.js';
import { renderDoctor } from '../../src/doctor/render.js';

describe('renderDoctor', () => {
  it('escapes control characters in titles, evidence, details and next commands', () => {
    const finding: Finding = {
      check: 'memory.top-resident',
      resource: 'memory',
      severity: 'warning',
      title: 'largest process: PID 7 (\x1b[2Jevil) holds 1.0 GiB RES',
      evidence: [{ label: 'PID 7 (\x1b[2Jevil)', value: 1, unit: 'bytes', text: 'cgroup /a\nb' }],
      next: ['hog disk /tmp/evil\x1b[2J\nline'],
      detail: 'the process \x9b6n grew',
    };
    const lines = renderDoctor([finding], { width: 100, verbose: true, host: 'h', time: new Date(0) });
    expect(lines).toEqual([
      'hog doctor: WARNING (1 warning) on h at 1970-01-01T00:00:00.000Z',
      '',
      'WARNING  memory   largest process: PID 7 (\\x1b[2Jevil) holds 1.0 GiB RES',
      '                  PID 7 (\\x1b[2Jevil): cgroup /a\\nb',
      '                  the process \\u009b6n grew',
      '                  next: hog disk /tmp/evil\\x1b[2J\\nline',
    ]);
  });
});
