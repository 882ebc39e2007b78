/** devicesToSkip on this machine's real mount table: the pseudo filesystems below the roots, never a root's own. */
import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { devicesToSkip } from '../../src/disk/roots.js';

describe('devicesToSkip', () => {
  const procDev = statSync('/proc').dev;
  const sysDev = statSync('/sys').dev;

  it('skips /proc and /sys below /', () => {
    const skipped = devicesToSkip(['/'], '/proc');
    expect(skipped).toContain(procDev);
    expect(skipped).toContain(sysDev);
    expect(skipped).not.toContain(statSync('/').dev);
  });

  it('enters a pseudo filesystem given as a root, and still skips the others', () => {
    const skipped = devicesToSkip(['/proc'], '/proc');
    expect(skipped).not.toContain(procDev);
    expect(skipped).toContain(sysDev);
  });

  it('skips nothing without a mount table (a chroot without /proc)', () => {
    expect(devicesToSkip(['/'], '/nonexistent-proc-root')).toEqual([]);
  });
});
