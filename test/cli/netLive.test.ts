/**
 * The live hog net in-process, on a fake terminal and a manual clock, over real loopback traffic from
 * a child: the first frame, a grouping key, a tick on the clock's interval, a resize, q restoring the
 * terminal, and keys after q doing nothing. The ticks read real sockets, so a frame after a tick is
 * polled for (bounded); the clock alone decides when a tick happens.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectScreenRestored, expectSilentAfterExit, startLiveHog } from '../helpers/liveHog.js';
import { waitFor } from '../helpers/processes.js';
import { startTraffic } from '../helpers/traffic.js';

let traffic: { child: ChildProcess; port: number };
let hog: ReturnType<typeof startLiveHog> | undefined;
beforeAll(async () => {
  traffic = await startTraffic();
});
afterAll(() => traffic.child.kill());
afterEach(async () => {
  hog?.terminal.type('q');
  await hog?.exit;
  hog = undefined;
});

const timeOf = (ms: number) => new Date(ms).toTimeString().slice(0, 8);

describe('hog net live on a fake terminal', () => {
  it('draws, groups by process on p, ticks on the interval, and q restores the terminal', async () => {
    // -a: the generator's row is there even should it send nothing between the two samples
    hog = startLiveHog(['net', '-i', '2', '-a', '--port', String(traffic.port)]);
    const first = await hog.screenWhen((l) => l[0]?.startsWith('hog net - ') === true, 'the first frame');
    const started = hog.clock.now();
    expect(first[0]).toBe(
      `hog net - ${timeOf(started)} every 2s, by connection, sort 2s, TCP payload, port ${traffic.port}`,
    );
    // one sample, no rate yet
    expect(first[1]).toBe('no traffic on any interface yet (10s)');

    hog.terminal.type('p');
    expect(hog.terminal.screen()[0]).toMatch(/, by process, /);
    const byProcess = hog.terminal.screen();
    expect(byProcess[4]).toMatch(/^\s*PID PROCESS\s+CONNS/);
    expect(byProcess.some((l) => new RegExp(`^\\s*${traffic.child.pid} node\\b`).test(l))).toBe(true);

    // the tick comes at the interval; lo has carried traffic since the first sample, so it has a rate
    const loBytes = () => Number(readFileSync('/sys/class/net/lo/statistics/tx_bytes', 'utf8'));
    const before = loBytes();
    await waitFor(() => loBytes() > before, 'traffic on lo');
    hog.clock.advance(2000);
    const ticked = await hog.screenWhen(
      (l) => l[0]?.startsWith(`hog net - ${timeOf(started + 2000)} `) === true,
      'the frame of the tick',
    );
    expect(ticked[1]).toMatch(/^lo in [\d.]+ [KMG]?b\/s out [\d.]+ [KMG]?b\/s/);
    expect(ticked[4]).toMatch(/^\s*PID PROCESS\s+CONNS/);

    hog.terminal.type('q');
    await expect(hog.exit).resolves.toBe(0);
    expectScreenRestored(hog);
    expect(hog.output.err).toBe('');
  });

  it('a resize redraws at the new size; keys, ticks and resizes after q do nothing', async () => {
    hog = startLiveHog(['net', '-i', '2', '--port', String(traffic.port)]);
    await hog.screenWhen((l) => l[0]?.startsWith('hog net - ') === true, 'the first frame');
    hog.terminal.type('i');
    expect(hog.terminal.screen().find((l) => l.startsWith('IFACE'))).not.toMatch(/OUT 40s/);
    hog.terminal.resize(132, 30);
    const wide = hog.terminal.screen();
    expect(wide).toHaveLength(30);
    expect(wide.find((l) => l.startsWith('IFACE'))).toMatch(/OUT 40s/);

    hog.terminal.type('qc');
    await expect(hog.exit).resolves.toBe(0);
    expectSilentAfterExit(hog, 'p');
  });

  it('without a terminal it points to -t and --json (exit 2)', async () => {
    hog = startLiveHog(['net'], { inputIsTTY: false });
    await expect(hog.exit).resolves.toBe(2);
    expect(hog.output.err).toBe(
      'hog: the live hog net view needs a terminal\nhint: use hog net -t for a text report, or hog net --json for a stream\n',
    );
    hog = undefined;
  });
});
