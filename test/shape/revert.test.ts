/**
 * The timed revert of `hog shape add --for`, without tc: the revert command is a recorder script that
 * writes the arguments it was given, so what runs, when and whether it runs at all is checked for
 * real (a detached process that outlives a SIGKILLed scheduler, a cancel, a removed record). The
 * choice of mechanism is checked on facts; systemd and at run where this machine has them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { readStat } from '../../src/proc/stat.js';
import { cancelRevert, pendingRevert, scheduleRevert } from '../../src/shape/revert.js';
import { atScript, parseAtJob } from '../../src/shape/revertAt.js';
import { guardedCommand } from '../../src/shape/revertJob.js';
import {
  chooseRevertMechanisms,
  onPath,
  type RevertFacts,
  readRevertFacts,
} from '../../src/shape/revertMechanism.js';
import { recordPath, revertKey } from '../../src/shape/revertRecord.js';

const DIST_REVERT = fileURLToPath(new URL('../../dist/shape/revert.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hog-revert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in for hog: appends its arguments to `out`, one line per run. */
function recorder(name: string): { command: string[]; out: string } {
  const out = join(dir, `${name}.out`);
  const script = join(dir, `${name}.mjs`);
  writeFileSync(
    script,
    `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(out)}, process.argv.slice(2).join(' ') + '\\n');\n`,
  );
  return { command: [process.execPath, script], out };
}

async function until<T>(what: string, probe: () => T | undefined, deadlineMs = 15_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const gone = (pid: number) => {
  try {
    return readStat(pid).state === 'Z' ? true : undefined;
  } catch {
    return true;
  }
};

const base: RevertFacts = {
  pid1: 'systemd',
  systemdBooted: true,
  systemdRun: true,
  at: true,
  atdRunning: true,
  initialNetns: true,
  netnsName: undefined,
};

describe('choosing the mechanism', () => {
  const usable = (facts: RevertFacts) =>
    chooseRevertMechanisms(facts)
      .filter((c) => c.unusable === undefined)
      .map((c) => c.mechanism);

  it('prefers systemd, then at, and always has the detached reverter', () => {
    expect(usable(base)).toEqual(['systemd', 'at', 'detached']);
    expect(usable({ ...base, pid1: 'init', systemdBooted: false })).toEqual(['at', 'detached']);
    expect(usable({ ...base, pid1: 'init', atdRunning: false })).toEqual(['detached']);
  });

  it('says why each one is passed over', () => {
    const choices = chooseRevertMechanisms({ ...base, pid1: 'process_api', systemdBooted: false, at: false });
    expect(choices.map((c) => c.unusable)).toEqual([
      'PID 1 is "process_api", not systemd',
      'the at command is not installed',
      undefined,
    ]);
    expect(chooseRevertMechanisms({ ...base, atdRunning: false })[1]?.unusable).toBe('atd is not running');
  });

  it('reaches a named network namespace through ip netns exec, and refuses an unnamed one', () => {
    const named = chooseRevertMechanisms({ ...base, initialNetns: false, netnsName: 'blue' });
    expect(named[0]?.netnsPrefix).toEqual(['ip', 'netns', 'exec', 'blue']);
    expect(named[2]?.netnsPrefix).toEqual([]); // the detached reverter inherits hog's namespace
    expect(usable({ ...base, initialNetns: false, netnsName: undefined })).toEqual(['detached']);
  });

  it('reads this machine and prints what it found', () => {
    const facts = readRevertFacts();
    const usableHere = usable(facts);
    console.error(`revert mechanisms here: ${usableHere.join(', ')} (PID 1 is ${facts.pid1})`);
    expect(usableHere.at(-1)).toBe('detached');
  });
});

describe('at jobs and names', () => {
  it('queues for the minute before the deadline and sleeps the rest', () => {
    const text = atScript({
      key: 'veth0-port-5201',
      createdAt: 42,
      dueAt: 1_700_000_000_500,
      delayMs: 90_000,
      command: ['/bin/sh', '-c', "it's"],
      recordPath: '/r',
      logPath: '/l',
      env: {},
    });
    expect(text).toBe(
      [
        '# hog-shape-revert veth0-port-5201 42',
        'due=1700000001; now=$(date +%s); if [ "$due" -gt "$now" ]; then sleep $((due - now)); fi',
        `'/bin/sh' '-c' 'it'\\''s' >>'/l' 2>&1`,
        '',
      ].join('\n'),
    );
    expect(
      parseAtJob('warning: commands will be executed using /bin/sh\njob 17 at Sun Dec  6 05:12:00 2026'),
    ).toBe(17);
    expect(parseAtJob("Can't open /var/run/atd.pid to signal atd. No atd running?")).toBeUndefined();
  });

  it('keeps device and rule names plain in unit and file names', () => {
    expect(revertKey({ dev: 'eth0.100', id: 'in-host-10.1.2.0/24' })).toBe(
      'eth0_2e100-in_2dhost_2d10_2e1_2e2_2e0_2f24',
    );
    expect(revertKey({ dev: 'a-b', id: 'x' })).not.toBe(revertKey({ dev: 'a', id: 'b-x' }));
  });
});

describe('the detached reverter', () => {
  const rule = { id: 'port-5201', dev: 'veth0', createdAt: 1_700_000_000_123 };
  const expected = 'shape remove --dev veth0 port-5201 --if-created-at 1700000000123';

  it('runs the revert once, after the duration, in a session of its own', async () => {
    const stateDir = join(dir, 'once');
    const hog = recorder('once');
    const started = Date.now();
    const scheduled = scheduleRevert(rule, 1500, { stateDir, hogCommand: hog.command, only: 'detached' });
    expect(scheduled.mechanism).toBe('detached');
    const pid = scheduled.record.pid as number;
    // setsid: it leads its own session and group, so a hangup or kill of hog's group misses it
    expect(readStat(pid).session).toBe(pid);
    expect(readStat(pid).pgrp).toBe(pid);
    expect(pendingRevert(rule, stateDir)?.dueAt).toBe(scheduled.dueAt);
    expect(existsSync(hog.out)).toBe(false);
    const ran = await until('the revert', () =>
      existsSync(hog.out) ? readFileSync(hog.out, 'utf8') : undefined,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(ran).toBe(`${expected}\n`);
    await until('the reverter to end', () => gone(pid));
  });

  it('still runs after the process that scheduled it was killed with SIGKILL', async () => {
    const stateDir = join(dir, 'killed');
    const hog = recorder('killed');
    const scheduler = join(dir, 'scheduler.mjs');
    writeFileSync(
      scheduler,
      [
        `import { scheduleRevert } from ${JSON.stringify(DIST_REVERT)};`,
        `const s = scheduleRevert(${JSON.stringify(rule)}, 2000, { stateDir: ${JSON.stringify(stateDir)}, hogCommand: ${JSON.stringify(hog.command)}, only: 'detached' });`,
        `console.log(s.record.pid);`,
        'setInterval(() => {}, 1000);', // stays until killed, like a hog that hangs
      ].join('\n'),
    );
    // its own group, killed as a whole: what closing the terminal does to hog and its children
    const child = spawn(process.execPath, [scheduler], {
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let said = '';
    child.stdout.on('data', (d: Buffer) => {
      said += d.toString();
    });
    const reverter = await until('the schedule', () => (/^\d+\n/.test(said) ? Number(said) : undefined));
    process.kill(-(child.pid as number), 'SIGKILL');
    await until('the scheduler to die', () =>
      child.exitCode !== null || child.signalCode !== null ? true : undefined,
    );
    expect(child.signalCode).toBe('SIGKILL');
    expect(gone(reverter)).toBeUndefined(); // the reverter lives on
    const ran = await until('the revert', () =>
      existsSync(hog.out) ? readFileSync(hog.out, 'utf8') : undefined,
    );
    expect(ran).toBe(`${expected}\n`);
  });

  it('does nothing once cancelled, and leaves no process behind', async () => {
    const stateDir = join(dir, 'cancelled');
    const hog = recorder('cancelled');
    const scheduled = scheduleRevert(rule, 1500, { stateDir, hogCommand: hog.command, only: 'detached' });
    const pid = scheduled.record.pid as number;
    // a cancel for another rule of the same id (removed and re-added: another creation time) misses it
    expect(cancelRevert({ ...rule, createdAt: rule.createdAt + 1 }, { stateDir })).toBeUndefined();
    expect(cancelRevert(rule, { stateDir })).toEqual({ record: scheduled.record, problem: undefined });
    expect(pendingRevert(rule, stateDir)).toBeUndefined();
    await until('the reverter to end', () => gone(pid));
    // wait past the due time by a second revert of another rule that must run
    const other = scheduleRevert({ ...rule, id: 'port-80' }, 1600, {
      stateDir,
      hogCommand: hog.command,
      only: 'detached',
    });
    const ran = await until('the other revert', () =>
      existsSync(hog.out) ? readFileSync(hog.out, 'utf8') : undefined,
    );
    expect(ran).toBe('shape remove --dev veth0 port-80 --if-created-at 1700000000123\n');
    await until('its end', () => gone(other.record.pid as number));
  });

  it('takes its due time from the clock it is given, and leaves alone a revert due by that clock', async () => {
    const stateDir = join(dir, 'clock');
    const hog = recorder('clock');
    const clock = manualClock(1_800_000_000_000);
    const s = scheduleRevert(rule, 60_000, { stateDir, hogCommand: hog.command, only: 'detached', clock });
    expect(s.dueAt).toBe(1_800_000_060_000);
    expect(pendingRevert(rule, stateDir)?.dueAt).toBe(1_800_000_060_000);
    const pid = s.record.pid as number;
    // due by the clock: it is the revert itself asking (hog shape remove), so it is not killed
    clock.advance(60_000);
    expect(cancelRevert(rule, { stateDir, clock })?.problem).toBeUndefined();
    expect(pendingRevert(rule, stateDir)).toBeUndefined();
    expect(readStat(pid).startTimeTicks).toBe(s.record.startTimeTicks);
    process.kill(-pid, 'SIGTERM');
    await until('the reverter to end', () => gone(pid));
    expect(existsSync(hog.out)).toBe(false);
  });

  it('leaves the revert of an earlier rule with the same id until that rule is taken out', async () => {
    const stateDir = join(dir, 'replaced');
    const hog = recorder('replaced');
    const first = scheduleRevert(rule, 60_000, { stateDir, hogCommand: hog.command, only: 'detached' });
    const again = { ...rule, createdAt: rule.createdAt + 5000 };
    const second = scheduleRevert(again, 1200, { stateDir, hogCommand: hog.command, only: 'detached' });
    // the change replacing the first rule may still fail: its revert stays armed until cancelled
    expect(pendingRevert(rule, stateDir)?.pid).toBe(first.record.pid);
    expect(cancelRevert(rule, { stateDir })?.problem).toBeUndefined();
    await until('the first reverter to end', () => gone(first.record.pid as number));
    const ran = await until('the revert', () =>
      existsSync(hog.out) ? readFileSync(hog.out, 'utf8') : undefined,
    );
    expect(ran).toBe('shape remove --dev veth0 port-5201 --if-created-at 1700000005123\n');
    await until('its end', () => gone(second.record.pid as number));
  });
});

/** Why an at job cannot be tested here, or undefined: at and atd installed, and a mount namespace. */
function atMissing(): string | undefined {
  if (!onPath('at') || !existsSync('/usr/sbin/atd'))
    return 'the at package is not installed (apt-get install at)';
  const r = spawnSync(
    'unshare',
    ['-m', '--propagation', 'private', 'mount', '-t', 'tmpfs', 'probe', '/mnt'],
    {
      encoding: 'utf8',
    },
  );
  return r.status === 0 ? undefined : `cannot make a private mount namespace: ${r.stderr.trim()}`;
}
const noAt = atMissing();
if (noAt) console.log(`skipping the at job test: ${noAt}`);

describe.skipIf(noAt !== undefined)('an at job', () => {
  it('runs the revert after the duration, and atrm takes a cancelled one out of the queue', () => {
    // an atd of the test's own, in a private mount namespace with its own spool and /run (where at
    // finds atd's pid file): no other test or user sees it or its jobs
    const hog = recorder('at');
    const stateDir = join(dir, 'at-state');
    const scheduler = join(dir, 'at-scheduler.mjs');
    const rule = { id: 'port-5201', dev: 'veth0', createdAt: 7 };
    writeFileSync(
      scheduler,
      [
        `import { scheduleRevert, cancelRevert } from ${JSON.stringify(DIST_REVERT)};`,
        `import { execFileSync } from 'node:child_process';`,
        `const options = { stateDir: ${JSON.stringify(stateDir)}, hogCommand: ${JSON.stringify(hog.command)} };`,
        `const ran = scheduleRevert(${JSON.stringify(rule)}, 1500, options);`,
        `const other = { ...${JSON.stringify(rule)}, id: 'port-80' };`,
        `const cancelled = scheduleRevert(other, 120000, options);`,
        `const queued = execFileSync('atq', { encoding: 'utf8' });`,
        `const problem = cancelRevert(other, { stateDir: options.stateDir }).problem ?? null;`,
        `console.log(JSON.stringify({ ran: ran.mechanism, why: ran.passedOver, job: cancelled.record.atJob, queued, problem, left: execFileSync('atq', { encoding: 'utf8' }) }));`,
      ].join('\n'),
    );
    const script = [
      'set -e',
      'mount -t tmpfs hog-at /run',
      'for d in atjobs atspool; do mount -t tmpfs -o mode=1770,uid=$(id -u daemon),gid=$(id -g daemon) hog-at /var/spool/cron/$d; done',
      'printf 0 > /var/spool/cron/atjobs/.SEQ && chown daemon:daemon /var/spool/cron/atjobs/.SEQ',
      '/usr/sbin/atd -f & atd=$!',
      'for i in $(seq 100); do [ -s /run/atd.pid ] && break; sleep 0.05; done',
      `"$1" "$2"`,
      // the job runs inside this namespace: wait for it here (bounded), then end atd
      'for i in $(seq 300); do [ -s "$3" ] && break; sleep 0.05; done',
      'kill $atd',
    ].join('\n');
    const r = spawnSync(
      'unshare',
      ['-m', '--propagation', 'private', 'sh', '-c', script, 'sh', process.execPath, scheduler, hog.out],
      { encoding: 'utf8', timeout: 40_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    const said = JSON.parse(r.stdout) as {
      ran: string;
      job: number;
      queued: string;
      problem: null;
      left: string;
    };
    expect(said.ran, JSON.stringify(said)).toBe('at');
    expect(said.queued).toMatch(new RegExp(`^${said.job}\\t`, 'm'));
    expect(said.problem).toBeNull();
    expect(said.left).not.toMatch(new RegExp(`^${said.job}\\t`, 'm'));
    expect(readFileSync(hog.out, 'utf8')).toBe('shape remove --dev veth0 port-5201 --if-created-at 7\n');
  });
});

const systemd = chooseRevertMechanisms(readRevertFacts())[0]?.unusable;
if (systemd) console.log(`skipping the systemd timer test: ${systemd}`);

describe.skipIf(systemd !== undefined)('a transient systemd timer', () => {
  it('runs the revert after the duration, and a cancelled one never', async () => {
    const hog = recorder('systemd');
    const stateDir = join(dir, 'systemd-state');
    const rule = { id: 'port-5201', dev: 'veth0', createdAt: 8 };
    const s = scheduleRevert(rule, 1500, { stateDir, hogCommand: hog.command, only: 'systemd' });
    expect(s.record.unit).toBe('hog-shape-revert-veth0-port_2d5201-8');
    const other = scheduleRevert({ ...rule, id: 'port-80' }, 1600, {
      stateDir,
      hogCommand: hog.command,
      only: 'systemd',
    });
    expect(cancelRevert({ ...rule, id: 'port-80' }, { stateDir })?.problem).toBeUndefined();
    const active = spawnSync('systemctl', ['is-active', `${other.record.unit}.timer`], { encoding: 'utf8' });
    expect(active.stdout.trim()).not.toBe('active');
    const ran = await until('the revert', () =>
      existsSync(hog.out) ? readFileSync(hog.out, 'utf8') : undefined,
    );
    expect(ran).toBe('shape remove --dev veth0 port-5201 --if-created-at 8\n');
  });
});

describe('the record guard', () => {
  it('runs the command only while the record exists', async () => {
    const hog = recorder('guard');
    const record = join(dir, 'guard.json');
    const run = (args: string[]) =>
      new Promise<number | null>((resolve) => spawn(args[0] as string, args.slice(1)).on('close', resolve));
    expect(await run(guardedCommand(record, [...hog.command, 'first']))).toBe(0);
    writeFileSync(record, '{}');
    expect(await run(guardedCommand(record, [...hog.command, 'second']))).toBe(0);
    expect(readFileSync(hog.out, 'utf8')).toBe('second\n');
  });

  it('keeps a revert whose cancel could not reach it from touching the rule added again', async () => {
    const stateDir = join(dir, 'readded');
    const hog = recorder('readded');
    const rule = { id: 'port-5201', dev: 'veth0', createdAt: 1000 };
    const first = scheduleRevert(rule, 1200, { stateDir, hogCommand: hog.command, only: 'detached' });
    // the rule is removed but its reverter cannot be signalled (say, another PID namespace): only its
    // record goes; then the rule is added again with a revert of its own, due later
    rmSync(recordPath(stateDir, rule));
    const again = { ...rule, createdAt: 2000 };
    const second = scheduleRevert(again, 2500, { stateDir, hogCommand: hog.command, only: 'detached' });
    await until('the first reverter to end', () => gone(first.record.pid as number));
    expect(existsSync(hog.out)).toBe(false); // it found no record of its own: nothing ran
    expect(pendingRevert(again, stateDir)?.createdAt).toBe(2000);
    const ran = await until('the second revert', () =>
      existsSync(hog.out) ? readFileSync(hog.out, 'utf8') : undefined,
    );
    expect(ran).toBe('shape remove --dev veth0 port-5201 --if-created-at 2000\n');
    await until('its end', () => gone(second.record.pid as number));
  });
});
