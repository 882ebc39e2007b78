/**
 * The doctor's network window overlaps the other checks (issue 16): runChecks starts every check's
 * wait (prepare) before running any check, then runs them in registry order as before. What it finds
 * must not change: the same checks on the same fixtures give the same findings, in the same order,
 * as a plain one-after-the-other run. And the window itself stays 2 s between its samples however
 * long the checks run in the middle.
 */
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import type { Check } from '../../src/doctor/check.js';
import { linkUtilisation } from '../../src/doctor/checks/linkUtilisation.js';
import { memoryAvailable } from '../../src/doctor/checks/memoryAvailable.js';
import { sendQueues } from '../../src/doctor/checks/sendQueues.js';
import { swapPressure } from '../../src/doctor/checks/swapPressure.js';
import { tcpRetransmits } from '../../src/doctor/checks/tcpRetransmits.js';
import { topResident } from '../../src/doctor/checks/topResident.js';
import { topTalker } from '../../src/doctor/checks/topTalker.js';
import { createDoctorContext, type DoctorContext } from '../../src/doctor/context.js';
import type { Finding } from '../../src/doctor/finding.js';
import { setNetworkWindow } from '../../src/doctor/networkWindow.js';
import { rankFindings, runChecks } from '../../src/doctor/run.js';
import { linkInfoOf } from '../../src/net/link.js';
import { beginNetWindow } from '../../src/net/netWindow.js';
import type { QdiscStats } from '../../src/net/qdiscStats.js';
import { parseMeminfo } from '../../src/proc/meminfo.js';
import { parsePressure } from '../../src/proc/pressure.js';
import { FIXTURES } from '../helpers/hog.js';

/** The captured machine with a tight memory, and a window where a veth moves 20.8 Gb/s. */
function fixtureContext(): DoctorContext {
  const base = createDoctorContext(
    { procRoot: `${FIXTURES}machine/proc`, sysRoot: '/sys', etcRoot: `${FIXTURES}machine/etc`, fsRoot: '' },
    manualClock(),
    true,
  );
  const context: DoctorContext = {
    ...base,
    meminfo: () =>
      parseMeminfo(
        'MemTotal: 1000000 kB\nMemFree: 80000 kB\nMemAvailable: 80000 kB\nSwapTotal: 100 kB\nSwapFree: 0 kB\n',
      ),
    pressure: () =>
      parsePressure('some avg10=9 avg60=9 avg300=0 total=1\nfull avg10=1 avg60=1 avg300=0 total=1\n'),
  };
  setNetworkWindow(context, {
    seconds: 2,
    snapshot: {
      time: 0,
      elapsedSeconds: 2,
      mode: 'sockets',
      interfaces: [],
      connections: [],
      retired: [],
      notes: [],
    },
    processes: [],
    tcp: { outSegs: 10_000, retransSegs: 300 },
    queues: [{ local: '10.0.0.1:1', remote: '10.0.0.2:2', firstSendQ: 2 << 20, lastSendQ: 3 << 20 }],
    links: [
      {
        name: 'veth0',
        link: linkInfoOf('veth0', {
          hasDevice: false,
          hasBridgeDir: false,
          hasBondingDir: false,
          tunFlags: undefined,
          uevent: undefined,
          type: '1',
          speed: '10000',
        }),
        seconds: 2,
        inRate: 0,
        outRate: 2.6e9,
        txPackets: 99_000,
        txDropped: 1_000,
      },
    ],
  });
  return context;
}

const failing: Check = {
  id: 'memory.failing',
  resource: 'memory',
  description: 'throws',
  run: () => {
    throw new Error('no such file');
  },
};

const CHECKS = [
  memoryAvailable,
  swapPressure,
  failing,
  topResident,
  linkUtilisation,
  topTalker,
  tcpRetransmits,
  sendQueues,
];

describe('runChecks with the network window started first', () => {
  it('finds what a plain sequential run finds, in the same order', async () => {
    const overlapped = await runChecks(CHECKS, fixtureContext());
    const sequential: Finding[] = [];
    const context = fixtureContext();
    for (const check of CHECKS) {
      try {
        sequential.push(...(await check.run(context)));
      } catch {
        sequential.push({
          check: check.id,
          resource: check.resource,
          severity: 'unknown',
          title: `check ${check.id} failed: no such file`,
          evidence: [],
          next: [`hog doctor --only ${check.id} --verbose`],
        });
      }
    }
    expect(overlapped.findings).toEqual(rankFindings(sequential));
    expect(overlapped.checks.map((c) => [c.id, c.status])).toEqual(
      CHECKS.map((c) => [c.id, c.id === 'memory.failing' ? 'failed' : 'ran']),
    );
    // the fixtures decide: warnings for memory, a critical veth by its drops, retransmits and queues
    expect(overlapped.findings.map((f) => [f.check, f.severity])).toEqual([
      ['network.link-utilisation', 'critical'],
      ['memory.available', 'warning'],
      ['memory.swap-pressure', 'warning'],
      ['network.tcp-retransmits', 'warning'],
      ['network.send-queues', 'warning'],
      ['memory.failing', 'unknown'],
      ['memory.top-resident', 'info'],
      ['network.top-talker', 'ok'],
    ]);
  });

  it('reports a window that cannot be taken on each network check, and the other checks still run', async () => {
    // the captured machine has no net/dev: the window fails while the memory check runs; the failure
    // reaches the network checks (no unhandled rejection, which would end the process)
    const context = createDoctorContext(
      { procRoot: `${FIXTURES}machine/proc`, sysRoot: '/sys', etcRoot: `${FIXTURES}machine/etc`, fsRoot: '' },
      manualClock(),
      true,
    );
    const report = await runChecks([memoryAvailable, linkUtilisation, topTalker], context);
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['memory.available', 'ran'],
      ['network.link-utilisation', 'failed'],
      ['network.top-talker', 'failed'],
    ]);
    const failed = report.findings.filter((f) => f.severity === 'unknown').map((f) => f.check);
    expect(failed).toEqual(['network.link-utilisation', 'network.top-talker']);
    expect(report.checks[1]?.error).toBe(report.checks[2]?.error);
    expect(report.checks[1]?.error).toContain('net/dev');
  });

  it('calls every prepare() before the first run(), then runs in registry order', async () => {
    const events: string[] = [];
    const make = (id: string, waits: boolean): Check => ({
      id,
      resource: waits ? 'network' : 'memory',
      description: id,
      ...(waits ? { prepare: async () => void events.push(`prepare ${id}`) } : {}),
      run: () => {
        events.push(`run ${id}`);
        return [];
      },
    });
    await runChecks([make('a', false), make('b', true), make('c', false), make('d', true)], fixtureContext());
    expect(events).toEqual(['prepare b', 'prepare d', 'run a', 'run b', 'run c', 'run d']);
  });
});

describe('beginNetWindow then finish', () => {
  /** A manual clock that records each sleep; the work between begin and finish is clock.advance(). */
  function recordingClock() {
    const clock = manualClock();
    const sleeps: number[] = [];
    return {
      clock: {
        ...clock,
        sleep: (ms: number) => {
          sleeps.push(ms);
          return clock.sleep(ms);
        },
      },
      advance: clock.advance,
      sleeps,
    };
  }
  const noQdiscs = async () => new Map<string, QdiscStats>();

  it('sleeps only what is left of the 2 s after the work done meanwhile', async () => {
    const { clock, advance, sleeps } = recordingClock();
    const open = await beginNetWindow({
      procRoot: '/proc',
      sysRoot: '/sys',
      clock,
      seconds: 2,
      qdiscs: noQdiscs,
    });
    advance(500); // the memory and disk checks
    const window = await open.finish();
    expect(sleeps).toEqual([1450, 50]);
    expect(window.links.find((l) => l.name === 'lo')?.seconds).toBe(2);
  });

  it('does not sleep when the work outlasted the window, and rates cover the real span', async () => {
    const { clock, advance, sleeps } = recordingClock();
    const open = await beginNetWindow({
      procRoot: '/proc',
      sysRoot: '/sys',
      clock,
      seconds: 2,
      qdiscs: noQdiscs,
    });
    advance(2500);
    const window = await open.finish();
    expect(sleeps).toEqual([]);
    expect(window.links.find((l) => l.name === 'lo')?.seconds).toBe(2.5);
  });
});
