/**
 * hog shape against a real kernel, in two network namespaces joined by a veth pair (made here, always
 * removed): clear puts `tc qdisc show` and `tc class show` back byte for byte (a user's tbf included),
 * re-applying changes nothing, a batch failing half-way leaves the device as it was, a second hog
 * shape on the same device waits for the first (lock), a user's qdisc replaced between reading and
 * applying is not overwritten, and bad input is refused with the right message and exit code.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { realClock } from '../../src/clock.js';
import { isHogError } from '../../src/errors.js';
import { addChange } from '../../src/shape/changes.js';
import { readShapeState, STATE_ROOT, stateDir } from '../../src/shape/state.js';
import { runCommand, type ShapeSystem } from '../../src/shape/system.js';
import { transact } from '../../src/shape/transaction.js';
import { canSwitchUser, hasCommand, skipWithout } from '../helpers/capabilities.js';
import { HOG_BIN, type HogResult, hogBinForOtherUsers } from '../helpers/hog.js';
import { createNetnsPair, type NetnsPair, netnsAvailable } from '../helpers/netns.js';

let pair: NetnsPair;

/** hog, run inside namespace a (as a user would: ip netns exec NS hog ...). */
function hogIn(args: string[], prefix: string[] = []): Promise<HogResult> {
  return new Promise((resolve) => {
    const r = spawnSync('ip', ['netns', 'exec', pair.a, ...prefix, HOG_BIN, ...args], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    resolve({ code: r.status, stdout: r.stdout, stderr: r.stderr });
  });
}
const tcIn = (...args: string[]) =>
  execFileSync('ip', ['netns', 'exec', pair.a, 'tc', ...args], { encoding: 'utf8' });
/** What the user compares: every qdisc of the namespace, the device's classes and filters. */
const tcView = () => ({
  qdiscs: tcIn('qdisc', 'show'),
  classes: tcIn('class', 'show', 'dev', pair.vethA),
  filters: tcIn('filter', 'show', 'dev', pair.vethA),
  links: execFileSync('ip', ['-n', pair.a, '-o', 'link', 'show'], { encoding: 'utf8' }).replace(
    /\s+\\\s+link\/.*$/gm,
    '',
  ),
});

/** The same side effects as the CLI's, acting inside namespace a (STYLE.md #3). */
function systemIn(ns: string, wrapBatch?: (input: string) => string): ShapeSystem {
  const netns = /\[(\d+)\]/.exec(
    execFileSync('ip', ['netns', 'exec', ns, 'readlink', '/proc/self/ns/net'], { encoding: 'utf8' }),
  )?.[1] as string;
  return {
    run: (command, args, input) =>
      runCommand(
        'ip',
        ['netns', 'exec', ns, command, ...args],
        input !== undefined && wrapBatch ? wrapBatch(input) : input,
      ),
    readNetSys: (dev, file) => {
      const r = spawnSync('ip', ['netns', 'exec', ns, 'cat', `/sys/class/net/${dev}/${file}`], {
        encoding: 'utf8',
      });
      return r.status === 0 ? r.stdout.trim() : undefined;
    },
    netnsId: () => netns,
    stateDir: stateDir(STATE_ROOT, netns),
    now: () => Date.now(),
    clock: realClock,
  };
}

describe.skipIf(!netnsAvailable())('hog shape in a network namespace', () => {
  beforeAll(() => {
    pair = createNetnsPair('s');
  });
  afterAll(() => pair?.remove());
  afterEach(async () => {
    await hogIn(['shape', 'clear']);
    spawnSync('ip', ['netns', 'exec', pair.a, 'tc', 'qdisc', 'del', 'dev', pair.vethA, 'root']);
  });

  it("clear leaves tc qdisc/class/filter show byte for byte as before, a tbf of the user's included", async () => {
    const kernelLog = () =>
      spawnSync('dmesg', [], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter((l) => /htb|sch_/i.test(l));
    const logBefore = kernelLog();
    tcIn(
      'qdisc',
      'add',
      'dev',
      pair.vethA,
      'root',
      'tbf',
      'rate',
      '50mbit',
      'burst',
      '10kb',
      'latency',
      '70ms',
    );
    const before = tcView();
    const refused = await hogIn(['shape', 'add', '--dev', pair.vethA, '--port', '5201', '--rate', '10mbit']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`hog: ${pair.vethA} has a root qdisc hog did not install (tbf 8`);
    expect(refused.stderr).toContain('add --force');
    expect(tcView()).toEqual(before);

    const steps = [
      ['shape', 'link', '--dev', pair.vethA, '--rate', '20mbit', '--ingress-rate', '30mbit', '--force'],
      ['shape', 'add', '--dev', pair.vethA, '--port', '5201', '--prio', 'high'],
      [
        'shape',
        'add',
        '--dev',
        pair.vethA,
        '--host',
        `${pair.address6B}/128`,
        '--rate',
        '1mbit',
        '--ceil',
        '5mbit',
      ],
      ['shape', 'add', '--dev', pair.vethA, '--port', '873', '--rate', '2mbit', '--ingress'],
    ];
    for (const step of steps) {
      const r = await hogIn([...step, '--json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      // no warning from tc or the kernel (HTB's "quantum of class is big" comes back through tc)
      expect(JSON.parse(r.stdout).warnings).toEqual([]);
    }
    expect(tcIn('qdisc', 'show', 'dev', pair.vethA)).toMatch(/^qdisc htb 686f: root/);
    const cleared = await hogIn(['shape', 'clear', '--dev', pair.vethA]);
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toContain('+ restores the root qdisc: qdisc tbf 8');
    expect(tcView()).toEqual(before);
    expect(readShapeState(pair.vethA, systemIn(pair.a).stateDir)).toBeUndefined();
    // nor a warning in the kernel log (where readable: dmesg needs CAP_SYSLOG)
    expect(kernelLog()).toEqual(logBefore);
  });

  it('re-applying the same rule changes nothing, in the kernel or the state', async () => {
    const args = ['shape', 'add', '--dev', pair.vethA, '--port', '5201', '--rate', '10mbit'];
    expect((await hogIn(args)).code).toBe(0);
    const view = tcView();
    const state = readShapeState(pair.vethA, systemIn(pair.a).stateDir);
    const again = await hogIn(args);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`${pair.vethA}: nothing to change (the kernel already has this)\n`);
    expect(tcView()).toEqual(view);
    expect(readShapeState(pair.vethA, systemIn(pair.a).stateDir)).toEqual(state);
    const plan = await hogIn([
      'shape',
      'plan',
      'add',
      '--dev',
      pair.vethA,
      '--port',
      '5202',
      '--rate',
      '1mbit',
    ]);
    expect(plan.stdout).toContain('+ rule port-5202: port 5202, cap 1.0 Mb/s (class 686f:102)');
    expect(plan.stdout).toContain(`tc class add dev ${pair.vethA} parent 686f:1 classid 686f:102 `);
    const dry = await hogIn(['shape', 'clear', '--dev', pair.vethA, '--dry-run']);
    expect(dry.stdout).toBe(
      `${pair.vethA}: plan (nothing changed):\n  - rule port-5201: port 5201, cap 10.0 Mb/s (class 686f:101)\n  would run:\n    tc qdisc del dev ${pair.vethA} root handle 686f:\n`,
    );
    expect(tcView()).toEqual(view);
    // a late timed revert leaves a rule re-created since alone; the right time removes it
    const created = readShapeState(pair.vethA, systemIn(pair.a).stateDir)?.rules[0]?.createdAt as number;
    const late = await hogIn([
      'shape',
      'remove',
      '--dev',
      pair.vethA,
      'port-5201',
      '--if-created-at',
      String(created - 1),
    ]);
    expect(late.stdout).toBe(
      `${pair.vethA}: rule port-5201 was created at ${created}, not ${created - 1}: left in place\n`,
    );
    expect(tcView()).toEqual(view);
    const removed = await hogIn([
      'shape',
      'remove',
      '--dev',
      pair.vethA,
      'port-5201',
      '--if-created-at',
      String(created),
    ]);
    expect(removed.stdout).toContain('- rule port-5201');
    expect(tcIn('qdisc', 'show', 'dev', pair.vethA)).toMatch(/^qdisc noqueue 0: root/);
  });

  it('a step failing in the middle of the batch (a missing device) leaves the device as it was', async () => {
    expect(
      (await hogIn(['shape', 'add', '--dev', pair.vethA, '--port', '5201', '--rate', '10mbit'])).code,
    ).toBe(0);
    const before = tcView();
    const system = systemIn(pair.a);
    const recorded = readShapeState(pair.vethA, system.stateDir);
    // the real batch with a line for a device that does not exist in its middle
    const broken = systemIn(pair.a, (input) => {
      const lines = input.trimEnd().split('\n');
      const half = Math.floor(lines.length / 2);
      return `${[...lines.slice(0, half), 'class add dev hognosuchdev parent 686f:1 classid 686f:999 htb rate 1mbit', ...lines.slice(half)].join('\n')}\n`;
    });
    let failure: unknown;
    try {
      // an ingress rule too: the ifb device made for it must go again
      await transact(
        broken,
        pair.vethA,
        addChange({ direction: 'ingress', match: { port: 873 }, rateBitsPerSecond: 2e6 }),
      );
    } catch (error) {
      failure = error;
    }
    expect(isHogError(failure) && failure.message).toContain('Cannot find device "hognosuchdev"');
    expect(isHogError(failure) && failure.message).toContain(`${pair.vethA} is as it was before`);
    expect(tcView()).toEqual(before);
    expect(readShapeState(pair.vethA, system.stateDir)).toEqual(recorded);
  });

  it("a batch failing right after the user's root was taken out (--force) puts that root back", async () => {
    tcIn(
      'qdisc',
      'add',
      'dev',
      pair.vethA,
      'root',
      'tbf',
      'rate',
      '50mbit',
      'burst',
      '10kb',
      'latency',
      '70ms',
    );
    const before = tcView();
    let batches = 0;
    // the first batch (the apply) breaks; the second (the rollback) runs as planned
    const broken = systemIn(pair.a, (input) => {
      if (++batches > 1) return input;
      const [first, ...rest] = input.trimEnd().split('\n');
      expect(first).toMatch(/^qdisc del dev \S+ root handle 8[0-9a-f]+:$/);
      return `${[first, 'qdisc add dev hognosuchdev root handle 686f: htb', ...rest].join('\n')}\n`;
    });
    let failure: unknown;
    try {
      await transact(
        broken,
        pair.vethA,
        addChange({ direction: 'egress', match: { port: 5201 }, rateBitsPerSecond: 10e6 }),
        { force: true },
      );
    } catch (error) {
      failure = error;
    }
    expect(isHogError(failure) && failure.message).toContain('Cannot find device "hognosuchdev"');
    expect(tcView()).toEqual(before);
    expect(readShapeState(pair.vethA, systemIn(pair.a).stateDir)).toBeUndefined();
  });

  it('a SIGTERM or Ctrl-C during the change is held until the change, or its rollback, is whole', async () => {
    const before = tcView();
    // the signal arrives while tc runs the batch (the second one fails half-way, and is rolled back)
    const signalled = (breakIt: boolean) => {
      let batches = 0;
      return systemIn(pair.a, (input) => {
        // the rollback's batch runs as planned
        if (++batches > 1) return input;
        process.kill(process.pid, breakIt ? 'SIGINT' : 'SIGTERM');
        return breakIt
          ? `${input}class add dev hognosuchdev parent 686f:1 classid 686f:999 htb rate 1mbit\n`
          : input;
      });
    };
    const done = await transact(
      signalled(false),
      pair.vethA,
      addChange({ direction: 'egress', match: { port: 5201 }, rateBitsPerSecond: 10e6 }),
    );
    expect(done.interruptedBy).toBe('SIGTERM');
    expect(done.applied).toBe(true);
    expect(tcIn('class', 'show', 'dev', pair.vethA)).toContain('class htb 686f:101 parent 686f:1 ');
    expect(readShapeState(pair.vethA, systemIn(pair.a).stateDir)?.rules.map((r) => r.id)).toEqual([
      'port-5201',
    ]);
    const applied = tcView();
    await expect(
      transact(
        signalled(true),
        pair.vethA,
        addChange({ direction: 'egress', match: { port: 5202 }, rateBitsPerSecond: 1e6 }),
      ),
    ).rejects.toThrow(`${pair.vethA} is as it was before`);
    expect(tcView()).toEqual(applied);
    expect((await hogIn(['shape', 'clear'])).code).toBe(0);
    expect(tcView()).toEqual(before);
  });

  it("a user's root qdisc replaced between reading and applying is left alone", async () => {
    tcIn(
      'qdisc',
      'add',
      'dev',
      pair.vethA,
      'root',
      'handle',
      '8001:',
      'tbf',
      'rate',
      '50mbit',
      'burst',
      '10kb',
      'latency',
      '70ms',
    );
    const system = systemIn(pair.a);
    let failure: unknown;
    try {
      await transact(
        system,
        pair.vethA,
        addChange({ direction: 'egress', match: { port: 5201 }, rateBitsPerSecond: 10e6 }),
        {
          force: true,
          beforeApply: async () => {
            tcIn('qdisc', 'del', 'dev', pair.vethA, 'root');
            tcIn(
              'qdisc',
              'add',
              'dev',
              pair.vethA,
              'root',
              'handle',
              '8002:',
              'tbf',
              'rate',
              '1mbit',
              'burst',
              '1600',
              'latency',
              '50ms',
            );
          },
        },
      );
    } catch (error) {
      failure = error;
    }
    expect(isHogError(failure) && failure.message).toContain('Invalid handle');
    expect(tcIn('qdisc', 'show', 'dev', pair.vethA)).toMatch(
      /^qdisc tbf 8002: root refcnt \d+ rate 1Mbit burst 1600b lat 50ms/,
    );
    expect(tcIn('class', 'show', 'dev', pair.vethA)).toBe('class tbf 8002:1 parent 8002: \n');
    expect(readShapeState(pair.vethA, system.stateDir)).toBeUndefined();
  });

  it("a lost state file: list says so, clear still removes hog's tree and its ifb", async () => {
    const before = tcView();
    expect(
      (await hogIn(['shape', 'add', '--dev', pair.vethA, '--port', '5201', '--rate', '1mbit'])).code,
    ).toBe(0);
    expect(
      (await hogIn(['shape', 'add', '--dev', pair.vethA, '--port', '5202', '--rate', '1mbit', '--ingress']))
        .code,
    ).toBe(0);
    rmSync(join(systemIn(pair.a).stateDir, `${pair.vethA}.json`));
    const listed = await hogIn(['shape', 'list']);
    expect(listed.stdout).toContain(
      `! ${pair.vethA} has hog's root qdisc but no state file: hog shape clear --dev ${pair.vethA} removes it`,
    );
    const cleared = await hogIn(['shape', 'clear']);
    expect(cleared.code).toBe(0);
    expect(tcView()).toEqual(before);
  });

  it('two hog shape at once on one device: the second waits, neither rule is lost', async () => {
    const run = (port: string) =>
      new Promise<HogResult>((resolve) => {
        const child = spawn(
          'ip',
          [
            'netns',
            'exec',
            pair.a,
            HOG_BIN,
            'shape',
            'add',
            '--dev',
            pair.vethA,
            '--port',
            port,
            '--rate',
            '1mbit',
          ],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d));
        child.stderr.on('data', (d: Buffer) => (stderr += d));
        child.on('close', (code: number) => resolve({ code, stdout, stderr }));
      });
    const results = await Promise.all(['6001', '6002', '6003'].map(run));
    expect(results.map((r) => [r.code, r.stderr])).toEqual([
      [0, ''],
      [0, ''],
      [0, ''],
    ]);
    const state = readShapeState(pair.vethA, systemIn(pair.a).stateDir);
    expect(state?.rules.map((r) => r.id).sort()).toEqual(['port-6001', 'port-6002', 'port-6003']);
    const classes = tcIn('class', 'show', 'dev', pair.vethA);
    for (const r of state?.rules ?? []) expect(classes).toContain(`class htb ${r.classId} parent 686f:1 `);
  });

  it('refuses bad input with what was wrong and how to fix it', async () => {
    const cases: [string[], number, string][] = [
      [
        ['--dev', 'hognosuch0', '--port', '1', '--rate', '1mbit'],
        2,
        'hog: no network device "hognosuch0" here',
      ],
      [['--dev', pair.vethA, '--port', '1', '--rate', '10'], 2, 'hog: --rate: "10" has no unit'],
      [
        ['--dev', pair.vethA, '--port', '1', '--rate', '10 mbps'],
        2,
        'hint: in tc "mbps" means BYTES per second (10mbps = 80mbit); for 10 Mbit/s write 10mbit',
      ],
      [
        ['--dev', pair.vethA, '--port', '1', '--prio', 'high'],
        2,
        `hog: ${pair.vethA} reports no link speed, and priorities need the rate they share`,
      ],
      [['--dev', pair.vethA, '--port', '70000', '--rate', '1mbit'], 2, 'hog: not a port: "70000"'],
      [
        ['--dev', pair.vethA, '--host', 'nonsense', '--rate', '1mbit'],
        2,
        'hog: not an address or network: "nonsense"',
      ],
    ];
    for (const [args, code, said] of cases) {
      const r = await hogIn(['shape', 'add', ...args]);
      expect([r.code, r.stderr]).toEqual([code, expect.stringContaining(said)]);
    }
    expect(
      (await hogIn(['shape', 'add', '--dev', pair.vethA, '--port', '80,443', '--rate', '1mbit'])).code,
    ).toBe(0);
    const overlap = await hogIn(['shape', 'add', '--dev', pair.vethA, '--port', '443', '--prio', 'low']);
    expect([overlap.code, overlap.stderr]).toEqual([
      2,
      expect.stringContaining('hog: rule port-443 overlaps rule port-80+443'),
    ]);
  });

  it.skipIf(skipWithout('hog shape list as nobody', canSwitchUser, () => hasCommand('setpriv')))(
    'list works without root: the rules and their counters, read back from the kernel',
    async () => {
      expect(
        (await hogIn(['shape', 'add', '--dev', pair.vethA, '--port', '5201', '--rate', '10mbit'])).code,
      ).toBe(0);
      const asNobody = spawnSync(
        'ip',
        [
          'netns',
          'exec',
          pair.a,
          'setpriv',
          '--reuid=65534',
          '--regid=65534',
          '--clear-groups',
          hogBinForOtherUsers(),
          'shape',
          'list',
          '--dev',
          pair.vethA,
          '--json',
        ],
        { encoding: 'utf8', timeout: 30_000, cwd: '/' },
      );
      expect(asNobody.stderr).toBe('');
      const listing = JSON.parse(asNobody.stdout) as {
        rows: { label: string; classId: string; inKernel: boolean }[];
      }[];
      expect(listing[0]?.rows.map((r) => [r.label, r.classId, r.inKernel])).toEqual([
        ['port-5201', '686f:101', true],
        ['(unclassified)', '686f:2', true],
        ['(link)', '686f:1', true],
      ]);
    },
  );

  it.skipIf(skipWithout('dropping CAP_NET_ADMIN', canSwitchUser, () => hasCommand('setpriv')))(
    'without CAP_NET_ADMIN: exit 3 naming the capability, nothing changed',
    async () => {
      const before = tcView();
      const r = await hogIn(
        ['shape', 'add', '--dev', pair.vethA, '--port', '1', '--rate', '1mbit'],
        ['setpriv', '--inh-caps=-all', '--bounding-set=-net_admin'],
      );
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`hog: hog shape cannot change ${pair.vethA}: CAP_NET_ADMIN is missing`);
      expect(r.stderr).toContain('hint: changing traffic control needs CAP_NET_ADMIN');
      expect(tcView()).toEqual(before);
    },
  );
});
