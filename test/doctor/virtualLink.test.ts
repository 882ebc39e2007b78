/**
 * Issue 14, from the situation it was found in: `hog doctor` during an unlimited iperf3 between two
 * network namespaces over veth said "CRITICAL ... is saturated: 208% of its 10.0 Gb/s link". veth
 * reports a nominal 10000 Mb/s; the doctor must not judge the link by it, and must say why.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOG_BIN } from '../helpers/hog.js';
import { createNetnsPair, type NetnsPair, netnsAvailable } from '../helpers/netns.js';
import { waitFor } from '../helpers/processes.js';

interface Report {
  findings: {
    check: string;
    severity: string;
    title: string;
    evidence: { label: string; value: number }[];
  }[];
}

const iperf3 = spawnSync('iperf3', ['--version']).status === 0;
const why = !netnsAvailable()
  ? 'cannot make network namespaces here (needs root and ip netns)'
  : !iperf3
    ? 'iperf3 is not installed (scripts/system-deps.mjs installs it)'
    : undefined;
if (why) console.log(`skipping the veth doctor test: ${why}`);

/** Bytes sent by the namespace's veth, from its /proc/net/dev. */
function txBytes(pair: NetnsPair): number {
  const line = pair
    .execIn(pair.a, 'cat', ['/proc/net/dev'])
    .split('\n')
    .find((l) => l.includes(`${pair.vethA}:`));
  return Number(line?.split(':')[1]?.trim().split(/\s+/)[8] ?? 0);
}

describe.skipIf(why !== undefined)('hog doctor during an unlimited iperf3 over veth', () => {
  let pair: NetnsPair;
  beforeAll(() => {
    pair = createNetnsPair('d');
  });
  afterAll(() => pair?.remove());

  it("reads a veth, a tap and a bridge from the namespace's sysfs as virtual, with their reported speed", () => {
    const ip = (...args: string[]) => execFileSync('ip', ['-n', pair.a, ...args], { stdio: 'ignore' });
    ip('tuntap', 'add', 'dev', 'hogtap0', 'mode', 'tap');
    ip('link', 'add', 'hogbr0', 'type', 'bridge');
    const link = fileURLToPath(new URL('../../dist/net/link.js', import.meta.url));
    const script = `import { readLinkInfo } from ${JSON.stringify(link)};
      for (const name of process.argv.slice(1)) console.log(JSON.stringify(readLinkInfo(name)));`;
    const out = pair.execIn(pair.a, process.execPath, [
      '--input-type=module',
      '-e',
      script,
      pair.vethA,
      'hogtap0',
      'hogbr0',
      'lo',
    ]);
    const infos = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(infos.map((i) => [i.kind, i.virtual, i.speedBitsPerSecond ?? null])).toEqual([
      ['virtual', true, null],
      ['tap', true, null],
      ['bridge', true, null],
      ['loopback', true, null],
    ]);
    // veth reports 10000 Mb/s whatever it carries; a bridge and lo report none
    expect(infos[0].reportedSpeedBitsPerSecond).toBe(10_000_000_000);
    expect(infos[2].reportedSpeedBitsPerSecond ?? null).toBe(null);
    expect(infos[3].reportedSpeedBitsPerSecond ?? null).toBe(null);
  });

  it('does not call the veth saturated by its nominal 10 Gb/s, and says the speed is no limit', async () => {
    const server = pair.spawnIn(pair.b, 'iperf3', ['-s', '-1', '-p', '5299'], { stdout: 'ignore' });
    await waitFor(
      () => pair.execIn(pair.b, 'ss', ['-tlnH', 'sport = :5299']).includes('5299'),
      'iperf3 -s to listen',
    );
    // unlimited (no -b), bounded in time: 12 s covers the start, the doctor's 2 s and a loaded machine
    const client = pair.spawnIn(pair.a, 'iperf3', ['-c', pair.addressB, '-p', '5299', '-t', '12'], {
      stdout: 'ignore',
    });
    try {
      const start = txBytes(pair);
      await waitFor(() => txBytes(pair) - start > 100 * 1024 * 1024, 'iperf3 to move 100 MiB');
      const run = spawnSync(
        'ip',
        ['netns', 'exec', pair.a, HOG_BIN, 'doctor', '--json', '--only', 'network'],
        {
          encoding: 'utf8',
          timeout: 20_000,
        },
      );
      const report = JSON.parse(run.stdout) as Report;
      const link = report.findings.filter((f) => f.check === 'network.link-utilisation');
      expect(link.map((f) => f.severity)).toEqual(['ok']);
      const finding = link[0] as Report['findings'][number];
      expect(finding.title).toMatch(/^no interface has a link speed that limits it; busiest: h6da\d+ /);
      expect(finding.title).not.toContain('saturated');
      const reported = finding.evidence.find((e) => e.label === `${pair.vethA} reported speed (not a limit)`);
      const rate = finding.evidence.find((e) => e.label === `${pair.vethA} busiest direction`);
      // veth's nominal speed, 10000 Mb/s, in bytes per second
      expect(reported?.value).toBe(1_250_000_000);
      // the transfer was under way during the doctor's window (iperf3 over veth moves Gb/s)
      expect(rate?.value).toBeGreaterThan(12_500_000);
      // above the nominal speed the doctor says the speed is no limit; below it says nothing about it
      if ((rate?.value ?? 0) > 1_250_000_000) {
        expect(finding.title).toContain(`${pair.vethA} moves `);
        expect(finding.title).toContain(
          'above its reported 10.0 Gb/s: that speed is nominal (virtual link), not a limit',
        );
      }
      expect(report.findings.find((f) => f.check === 'network.top-talker')?.severity).toBe('info');
      // the send queues of a bulk transfer may warn; nothing is critical
      expect(report.findings.filter((f) => f.severity === 'critical')).toEqual([]);
      expect(run.status).toBe(report.findings.some((f) => f.severity === 'warning') ? 1 : 0);
    } finally {
      client.kill('SIGKILL');
      server.kill('SIGKILL');
    }
  }, 40_000);
});
