/**
 * `hog shape add --pid` and `hog shape watch` with a real process in a network namespace: the rule
 * takes the process's ports at add time (and says they are a snapshot); watch adds the port the
 * process opens afterwards, and when the process exits, says so, removes its rule and ends. The
 * pure step (keep, ports, gone, PID reused) is checked on values.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShapeRule } from '../../src/shape/rules.js';
import { describeStep, planPidRule } from '../../src/shape/watchPlan.js';
import { canSwitchUser, skipWithout } from '../helpers/capabilities.js';
import { HOG_BIN, runHog } from '../helpers/hog.js';
import { type NetnsPair, netnsAvailable } from '../helpers/netns.js';
import { waitFor } from '../helpers/processes.js';
import { createShapedPair, type ShapedPair } from '../helpers/shapedPair.js';

const rule = (ports: number[], createdAt = 10_000): ShapeRule => ({
  id: 'pid-42',
  dev: 'veth0',
  direction: 'egress',
  match: { pid: 42, ports },
  prio: 'low',
  createdAt,
  classId: '686f:30',
  slot: 1,
});

describe('planPidRule', () => {
  it('keeps, updates, or removes', () => {
    const r = rule([80, 443]);
    expect(planPidRule(r, { comm: 'nginx', startedAtMs: 5_000, ports: [80, 443] }).kind).toBe('keep');
    const step = planPidRule(r, { comm: 'nginx', startedAtMs: 5_000, ports: [80, 8443] });
    expect(step).toEqual({ kind: 'ports', rule: r, comm: 'nginx', from: [80, 443], to: [80, 8443] });
    expect(describeStep(step)).toBe(
      'PID 42 (nginx) ports 80,443 -> 80,8443 (+8443 -443): updated rule pid-42 on veth0',
    );
    const gone = planPidRule(r, undefined);
    expect(describeStep(gone)).toBe('PID 42 has exited: removed rule pid-42 on veth0');
  });

  it('takes a PID now naming a process started after the rule for a gone one', () => {
    const reused = planPidRule(rule([80]), { comm: 'sleep', startedAtMs: 12_000, ports: [] });
    expect(reused).toMatchObject({ kind: 'gone' });
    expect(describeStep(reused)).toBe(
      'PID 42 is now another process (sleep, started after the rule was made): removed rule pid-42 on veth0',
    );
    // within the tolerance of the start time's clock ticks: the same process
    expect(planPidRule(rule([80]), { comm: 'x', startedAtMs: 10_500, ports: [80] }).kind).toBe('keep');
  });
});

const why = netnsAvailable() ? undefined : 'cannot make network namespaces here (needs root and ip netns)';
if (why) console.log(`skipping the hog shape watch tests: ${why}`);

/** A node process that listens on the ports it is told on stdin ("listen P"), and exits on "exit". */
const SERVER = `
  const net = require('node:net');
  require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
    const [verb, port] = line.split(' ');
    if (verb === 'exit') process.exit(0);
    net.createServer().listen(Number(port), () => console.log('listening ' + port));
  });
  setTimeout(() => process.exit(0), 60000);`;

describe.skipIf(why !== undefined)('hog shape watch with a real process', () => {
  let pair: NetnsPair;
  let server: ChildProcess;
  const servers: ChildProcess[] = [];
  let shaped: ShapedPair;
  const hog = (...args: string[]) => shaped.hog(...args);
  const rulesNow = (): ShapeRule[] => shaped.rules<ShapeRule>();
  let said = '';
  const tell = async (line: string, answer: string) => {
    server.stdin?.write(`${line}\n`);
    await waitFor(() => said.includes(answer), answer);
  };
  /** A fresh port holder; its stdin takes the commands (pair.spawnIn gives none), same PID as node. */
  const startServer = () => {
    said = '';
    server = spawn('ip', ['netns', 'exec', pair.a, process.execPath, '-e', SERVER], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    servers.push(server);
    server.stdout?.on('data', (d: Buffer) => {
      said += d.toString();
    });
  };

  beforeAll(() => {
    shaped = createShapedPair('w');
    ({ pair } = shaped);
  });
  afterAll(() => {
    for (const c of servers) c.kill('SIGKILL');
    shaped?.remove();
  });

  it('follows a port opened after the rule, then removes the rule when the process exits', async () => {
    startServer();
    await tell('listen 7301', 'listening 7301');
    const pid = server.pid as number;
    const add = hog('shape', 'add', '--dev', pair.vethA, '--pid', String(pid), '--prio', 'low');
    expect(add.status, add.stderr).toBe(0);
    expect(add.stdout).toContain(
      `PID ${pid} (node) holds ports 7301 now; this is a snapshot: ports it opens later are shaped only while hog shape watch runs`,
    );
    expect(rulesNow().map((r) => [r.id, r.match])).toEqual([[`pid-${pid}`, { port: 7301, pid }]]);

    const watch = spawn(
      'ip',
      ['netns', 'exec', pair.a, HOG_BIN, 'shape', 'watch', '--dev', pair.vethA, '--interval', '0.2s'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    watch.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    watch.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const ended = new Promise<number | null>((resolve) => watch.on('close', resolve));
    try {
      await waitFor(() => out.includes('are not shaped)'), 'watch to start');
      expect(out).toContain(`pid-${pid} on ${pair.vethA}: PID ${pid}, ports 7301`);
      expect(out).toContain("outside hog shape watch a pid rule's ports are a snapshot");
      await tell('listen 7302', 'listening 7302');
      await waitFor(() => out.includes('(+7302)'), 'watch to add the new port', 15_000);
      expect(out).toMatch(
        new RegExp(
          `\\d\\d:\\d\\d:\\d\\d PID ${pid} \\(node\\) ports 7301 -> 7301,7302 \\(\\+7302\\): updated rule pid-${pid} on ${pair.vethA}`,
        ),
      );
      expect(rulesNow().map((r) => r.match)).toEqual([{ ports: [7301, 7302], pid }]);
      // the kernel has the new port's filter (u32 on dport 7302 = 0x1c86)
      const filters = pair.execIn(pair.a, 'tc', ['filter', 'show', 'dev', pair.vethA]);
      expect(filters).toContain('00001c86/0000ffff');

      server.stdin?.write('exit\n');
      expect(await ended).toBe(0);
      expect(out).toContain(`PID ${pid} has exited: removed rule pid-${pid} on ${pair.vethA}`);
      expect(out).toContain('hog shape watch: no pid rule left; done');
      expect(rulesNow()).toEqual([]);
    } finally {
      watch.kill('SIGKILL');
    }
  });

  it('moves a pending --for revert to the updated rule, which then goes on time', async () => {
    startServer();
    await tell('listen 7311', 'listening 7311');
    const pid = server.pid as number;
    const add = hog(
      'shape',
      'add',
      '--dev',
      pair.vethA,
      '--pid',
      String(pid),
      '--prio',
      'low',
      '--for',
      '3s',
    );
    expect(add.status, add.stderr).toBe(0);
    const watch = spawn(
      'ip',
      ['netns', 'exec', pair.a, HOG_BIN, 'shape', 'watch', '--dev', pair.vethA, '--interval', '0.2s'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    watch.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const ended = new Promise<number | null>((resolve) => watch.on('close', resolve));
    try {
      await waitFor(() => out.includes('are not shaped)'), 'watch to start');
      await tell('listen 7312', 'listening 7312');
      await waitFor(() => out.includes('(+7312)'), 'watch to add the new port');
      const updated = rulesNow()[0] as ShapeRule;
      expect(updated.match).toEqual({ ports: [7311, 7312], pid });
      // the revert now names the updated rule (its new creation time), due when it was
      await waitFor(
        () => rulesNow().length === 0 || undefined,
        'the revert of the updated rule',
        15_000,
        100,
      );
      expect(await ended).toBe(0);
      expect(out).toContain('hog shape watch: no pid rule left; done');
    } finally {
      watch.kill('SIGKILL');
    }
  });

  it('ends on SIGTERM and leaves the rules as they are; refuses to start with nothing to watch', async () => {
    const none = hog('shape', 'watch', '--dev', pair.vethA);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain(`hog: no pid rule to watch on ${pair.vethA}`);

    const sleeper = pair.spawnIn(pair.a, 'sleep', ['30']);
    try {
      expect(
        hog('shape', 'add', '--dev', pair.vethA, '--pid', String(sleeper.pid), '--prio', 'low').status,
      ).toBe(0);
      const inside = spawn('ip', ['netns', 'exec', pair.a, HOG_BIN, 'shape', 'watch', '--dev', pair.vethA], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      inside.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      const ended = new Promise<number | null>((resolve) => inside.on('close', resolve));
      await waitFor(() => out.includes('are not shaped)'), 'watch to start');
      inside.kill('SIGTERM'); // ip netns exec execs hog: the signal reaches hog itself
      expect(await ended).toBe(0);
      expect(out).toContain('hog shape watch: stopped by SIGTERM; the rules stay as they are');
      expect(rulesNow().map((r) => r.id)).toEqual([`pid-${sleeper.pid}`]);
    } finally {
      sleeper.kill('SIGKILL');
      hog('shape', 'remove', '--dev', pair.vethA, `pid-${sleeper.pid}`);
    }
  });
});

const noUser = skipWithout('hog shape watch as nobody', canSwitchUser);

describe.skipIf(noUser)('hog shape watch without CAP_NET_ADMIN', () => {
  it('refuses at once and names the capability', async () => {
    const result = await runHog(['shape', 'watch'], { uid: 65534 });
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      'hog: hog shape watch changes traffic control rules\nhint: changing traffic control needs CAP_NET_ADMIN: run hog as root (sudo hog shape ...) or give it the capability\n',
    );
  });
});
