/** The state file: written whole (no temporary left), read back equal, a foreign file refused. */
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  readShapeState,
  removeShapeState,
  type ShapeState,
  stateDevices,
  writeShapeState,
} from '../../src/shape/state.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'hog-shape-state-'));
  dirs.push(d);
  return join(d, 'net-4026531840');
}

const state: ShapeState = {
  version: 1,
  dev: 'eth0',
  ifindex: 2,
  linkRateBitsPerSecond: 20e6,
  rules: [
    {
      id: 'port-22',
      dev: 'eth0',
      direction: 'egress',
      match: { port: 22 },
      prio: 'high',
      createdAt: 1,
      classId: '686f:10',
      slot: 1,
    },
  ],
};

describe('hog shape state', () => {
  it('writes atomically, readable by all, and reads back what it wrote', () => {
    const dir = scratch();
    expect(readShapeState('eth0', dir)).toBeUndefined();
    expect(stateDevices(dir)).toEqual([]);
    writeShapeState(state, dir);
    expect(readdirSync(dir)).toEqual(['eth0.json']);
    expect(statSync(join(dir, 'eth0.json')).mode & 0o777).toBe(0o644);
    expect(readShapeState('eth0', dir)).toEqual(state);
    expect(stateDevices(dir)).toEqual(['eth0']);
    removeShapeState('eth0', dir);
    expect(readShapeState('eth0', dir)).toBeUndefined();
  });

  it('refuses a file that is not its own, and a device name that is not one', () => {
    const dir = scratch();
    writeShapeState(state, dir);
    writeFileSync(join(dir, 'eth0.json'), '{"version": 1, "dev": "eth0", "rul');
    expect(() => readShapeState('eth0', dir)).toThrow(
      `${join(dir, 'eth0.json')} is not a hog shape state file of this version`,
    );
    writeFileSync(join(dir, 'eth0.json'), JSON.stringify({ ...state, dev: 'eth1' }));
    expect(() => readShapeState('eth0', dir)).toThrow('is not a hog shape state file');
    expect(() => readShapeState('../etc/passwd', dir)).toThrow('not a device name: "../etc/passwd"');
  });
});
