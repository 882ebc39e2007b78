import { describe, expect, it } from 'vitest';
import { parseCgroupLimit, readCgroupMemory } from '../../src/proc/cgroupMemory.js';
import { FIXTURES } from '../helpers/hog.js';

describe('cgroup memory limits', () => {
  it('reads v1 "unlimited" and v2 "max" as no limit', () => {
    expect(parseCgroupLimit('9223372036854771712\n')).toBeUndefined();
    expect(parseCgroupLimit('max\n')).toBeUndefined();
    expect(parseCgroupLimit('536870912\n')).toBe(536870912);
    expect(() => parseCgroupLimit('lots')).toThrow(/malformed/);
  });

  it('reads a v2 service: usage, working set without inactive file cache, the limit from its own level', () => {
    const root = `${FIXTURES}cgroup-v2`;
    const m = readCgroupMemory(700, { procRoot: `${root}/proc`, fsRoot: root });
    expect(m).toEqual({
      version: 2,
      path: '/system.slice/app.service',
      usageBytes: 520093696,
      workingSetBytes: 520093696 - 10093696,
      limitBytes: 536870912,
      limitPath: '/system.slice/app.service',
    });
  });

  it('is undefined when the process has no memory cgroup', () => {
    expect(
      readCgroupMemory([], { procRoot: `${FIXTURES}cgroup-v2/proc`, fsRoot: `${FIXTURES}cgroup-v2` }),
    ).toBeUndefined();
  });
});
