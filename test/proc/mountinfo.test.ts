import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMountinfo, unescapeOctal } from '../../src/proc/mountinfo.js';
import { FIXTURES } from '../helpers/hog.js';

describe('mountinfo', () => {
  it('parses the captured mount table', () => {
    const { mounts, malformed } = parseMountinfo(
      readFileSync(`${FIXTURES}machine/proc/self/mountinfo`, 'utf8'),
    );
    expect(malformed).toBe(0);
    const memory = mounts.find((m) => m.mountPoint === '/sys/fs/cgroup/memory');
    expect(memory?.fsType).toBe('cgroup');
    expect(memory?.superOptions).toContain('memory');
  });

  it('unescapes every octal escape: space, tab, newline, backslash', () => {
    expect(unescapeOctal('a\\040b\\011c\\012d\\134e')).toBe('a b\tc\nd\\e');
    const { mounts } = parseMountinfo(
      '36 35 98:0 /my\\040dir /mnt/with\\040space\\134x rw,noatime master:1 - ext4 /dev/sda1 rw\n',
    );
    expect(mounts[0]?.root).toBe('/my dir');
    expect(mounts[0]?.mountPoint).toBe('/mnt/with space\\x');
  });

  it('handles optional fields and skips malformed lines, counting them', () => {
    const text = [
      '36 35 98:0 / /a rw shared:1 master:2 - ext4 /dev/a rw',
      'not a mount line',
      '37 35 x:y / /b rw - ext4 /dev/b rw',
      '38 35 98:1 / /c rw - tmpfs tmpfs rw,size=1k',
    ].join('\n');
    const { mounts, malformed } = parseMountinfo(text);
    expect(mounts.map((m) => m.mountPoint)).toEqual(['/a', '/c']);
    expect(malformed).toBe(2);
  });
});
