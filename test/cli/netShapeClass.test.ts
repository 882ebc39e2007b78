/**
 * `hog net` shows the hog shape class of each connection: real connections in a network namespace
 * with a rule installed by `hog shape add`, read back in the JSON and in the text report's CLASS
 * column; without hog shaping the column is not there at all.
 */
import { type ChildProcess, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shapingLabel } from '../../src/render/netColumns.js';
import { HOG_BIN } from '../helpers/hog.js';
import { createNetnsPair, type NetnsPair, netnsAvailable } from '../helpers/netns.js';
import { waitFor } from '../helpers/processes.js';
import { shapeStateDir } from '../helpers/shapedPair.js';

describe('shapingLabel', () => {
  const c = { dev: 'eth0', direction: 'egress' as const, classId: '686f:30' };
  it('reads as the priority, the cap, or default', () => {
    expect(shapingLabel(undefined)).toBe('-');
    expect(shapingLabel([{ ...c, ruleId: 'port-22', prio: 'low' }])).toBe('low');
    expect(shapingLabel([{ ...c, ruleId: 'port-80', rateBitsPerSecond: 10e6 }])).toBe('cap 10.0 Mb/s');
    expect(
      shapingLabel([{ ...c, ruleId: 'port-80', rateBitsPerSecond: 10e6, ceilBitsPerSecond: 50e6 }]),
    ).toBe('10.0 Mb/s ceil 50.0 Mb/s');
    expect(
      shapingLabel([
        { ...c, ruleId: undefined, classId: '686f:2' },
        { ...c, direction: 'ingress', ruleId: 'in-port-22', prio: 'high' },
      ]),
    ).toBe('out default, in high');
  });
});

const iperf3 = spawnSync('iperf3', ['--version']).status === 0;
const why = !netnsAvailable()
  ? 'cannot make network namespaces here (needs root and ip netns)'
  : !iperf3
    ? 'iperf3 is not installed (scripts/system-deps.mjs installs it)'
    : undefined;
if (why) console.log(`skipping the hog net class column test: ${why}`);

interface Row {
  local: string;
  remote: string;
  shaping: { dev: string; direction: string; ruleId?: string; classId: string; prio?: string }[] | null;
}

describe.skipIf(why !== undefined)('hog net with hog shape rules installed', () => {
  let pair: NetnsPair;
  let stateDir: string;
  const children: ChildProcess[] = [];
  const inA = (...args: string[]) =>
    spawnSync('ip', ['netns', 'exec', pair.a, ...args], { encoding: 'utf8', timeout: 30_000 });

  beforeAll(async () => {
    pair = createNetnsPair('c');
    stateDir = shapeStateDir(pair);
    for (const port of ['5297', '5296']) {
      children.push(pair.spawnIn(pair.b, 'iperf3', ['-s', '-p', port], { stdout: 'ignore' }));
      await waitFor(
        () => pair.execIn(pair.b, 'ss', ['-tlnH', `sport = :${port}`]).includes(port),
        `iperf3 -s :${port}`,
      );
    }
  });
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    if (pair) {
      inA(HOG_BIN, 'shape', 'clear', '--dev', pair.vethA);
      pair.remove();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it("shows no CLASS column while hog shapes nothing, then each connection's class", async () => {
    // two bounded transfers at 1 Mbit/s: one on the port the rule will take, one on another
    for (const port of ['5297', '5296'])
      children.push(
        pair.spawnIn(pair.a, 'iperf3', ['-c', pair.addressB, '-p', port, '-t', '20', '-b', '1M'], {
          stdout: 'ignore',
        }),
      );
    const report = () => inA(HOG_BIN, 'net', '-t', '-s', '1', '-a', '--port', '5297,5296');
    await waitFor(() => report().stdout.includes(':5296'), 'both transfers in hog net');
    const before = report();
    expect(before.stdout).not.toContain('CLASS');

    expect(inA(HOG_BIN, 'shape', 'link', '--dev', pair.vethA, '--rate', '20mbit').status).toBe(0);
    const add = inA(HOG_BIN, 'shape', 'add', '--dev', pair.vethA, '--port', '5297', '--prio', 'low');
    expect(add.status, add.stderr).toBe(0);

    const json = inA(HOG_BIN, 'net', '-t', '-s', '1', '-a', '--json', '--port', '5297,5296');
    expect(json.status, json.stderr).toBe(0);
    const rows = (JSON.parse(json.stdout) as { rows: Row[] }).rows;
    const ruled = rows.filter((r) => r.remote === `${pair.addressB}:5297`);
    const other = rows.filter((r) => r.remote === `${pair.addressB}:5296`);
    // iperf3's control connection and its data connection
    expect(ruled.length).toBeGreaterThanOrEqual(2);
    expect(other.length).toBeGreaterThanOrEqual(2);
    for (const r of ruled)
      expect(r.shaping).toEqual([
        { dev: pair.vethA, direction: 'egress', ruleId: 'port-5297', classId: '686f:30', prio: 'low' },
      ]);
    for (const r of other)
      expect(r.shaping).toEqual([{ dev: pair.vethA, direction: 'egress', classId: '686f:2' }]);

    const text = report();
    const lines = text.stdout.split('\n');
    const header = lines.find((l) => l.includes('CLASS')) as string;
    expect(header).toBeDefined();
    const at = header.indexOf('CLASS');
    const classOf = (port: string) =>
      lines.filter((l) => l.includes(`${pair.addressB}:${port}`)).map((l) => l.slice(at).split(/\s+/)[0]);
    expect(new Set(classOf('5297'))).toEqual(new Set(['low']));
    expect(new Set(classOf('5296'))).toEqual(new Set(['default']));
  }, 60_000);
});
