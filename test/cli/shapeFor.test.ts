/**
 * `hog shape add --for`: the rule goes by itself after the duration, through the mechanism this
 * machine has (printed), also when hog and its process group are killed with SIGKILL right after
 * scheduling, and a rule removed and added again meanwhile is left alone. Real tc rules on a veth in
 * a network namespace the test makes and removes (with hog's state directory of that namespace).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseRevertMechanisms, readRevertFacts } from '../../src/shape/revertMechanism.js';
import { HOG_BIN } from '../helpers/hog.js';
import { type NetnsPair, netnsAvailable } from '../helpers/netns.js';
import { waitFor } from '../helpers/processes.js';
import { createShapedPair, type ShapedPair } from '../helpers/shapedPair.js';

const why = netnsAvailable() ? undefined : 'cannot make network namespaces here (needs root and ip netns)';
if (why) console.log(`skipping the hog shape --for tests: ${why}`);

interface Rule {
  id: string;
  createdAt: number;
  expiresAt?: number;
}

describe.skipIf(why !== undefined)('hog shape add --for', () => {
  let pair: NetnsPair;
  let stateDir: string;
  let shaped: ShapedPair;
  const hog = (...args: string[]) => shaped.hog(...args);
  const rules = (): Rule[] => shaped.rules<Rule>();
  const ids = () => rules().map((r) => r.id);
  const reverters = () => (existsSync(`${stateDir}/reverts`) ? readdirSync(`${stateDir}/reverts`) : []);

  beforeAll(() => {
    shaped = createShapedPair('f');
    ({ pair, stateDir } = shaped);
  });
  afterAll(() => {
    shaped?.remove();
  });

  it('says which mechanism it used, and the rule is gone soon after the duration', async () => {
    const facts = readRevertFacts();
    const expected = chooseRevertMechanisms(facts).find((c) => c.unusable === undefined)?.mechanism;
    const r = hog(
      'shape',
      'add',
      '--dev',
      pair.vethA,
      '--port',
      '5201',
      '--prio',
      'low',
      '--for',
      '2s',
      '--json',
    );
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      revert: { mechanism: string; dueAt: string; passedOver: unknown[] };
    };
    // hog runs inside a named namespace here: systemd and at reach it through ip netns exec
    expect(out.revert.mechanism).toBe(expected);
    console.error(
      `hog shape --for used ${out.revert.mechanism} here (passed over: ${JSON.stringify(out.revert.passedOver)})`,
    );
    expect(ids()).toContain('port-5201');
    const due = Date.parse(out.revert.dueAt);
    // hog shape list says until when the rule stays
    const until = new Date(rules().find((r) => r.id === 'port-5201')?.expiresAt ?? 0)
      .toISOString()
      .slice(11, 19);
    expect(hog('shape', 'list', '--dev', pair.vethA).stdout).toContain(`prio low, until ${until} UTC`);
    await waitFor(() => !ids().includes('port-5201'), 'the rule to revert', 15_000, 100);
    expect(Date.now()).toBeGreaterThanOrEqual(due);
    // the revert went through hog shape remove: its record is gone with the rule
    await waitFor(() => reverters().every((f) => !f.endsWith('.json')), 'the revert record to go');
  });

  it('reverts after hog and its process group were killed with SIGKILL', async () => {
    // hog in a group of its own, as a shell runs it: killing the group is what a closed terminal does
    const child: ChildProcess = spawn(
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
        '5202',
        '--prio',
        'low',
        '--for',
        '2s',
      ],
      { detached: true, stdio: 'ignore' },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // the revert is scheduled before the rule goes in: once the rule is there, so is its reverter
    await waitFor(() => ids().includes('port-5202'), 'the rule to go in', 15_000, 5);
    const createdAt = rules().find((r) => r.id === 'port-5202')?.createdAt;
    expect(reverters()).toContain(`${pair.vethA}-port_2d5202@${createdAt}.json`);
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // hog was done already: the group is gone, the reverter was never in it
    }
    await exited;
    expect(ids()).toContain('port-5202');
    await waitFor(() => !ids().includes('port-5202'), 'the rule to revert after SIGKILL', 15_000, 100);
  });

  it('leaves a rule removed and added again meanwhile alone', async () => {
    const first = hog(
      'shape',
      'add',
      '--dev',
      pair.vethA,
      '--port',
      '5203',
      '--prio',
      'low',
      '--for',
      '2s',
      '--json',
    );
    expect(first.status, first.stderr).toBe(0);
    const reverter = (JSON.parse(first.stdout) as { revert: { pid?: number } }).revert.pid;
    expect(hog('shape', 'remove', '--dev', pair.vethA, 'port-5203').status).toBe(0);
    const again = hog('shape', 'add', '--dev', pair.vethA, '--port', '5203', '--prio', 'high');
    expect(again.status, again.stderr).toBe(0);
    const readded = rules().find((r) => r.id === 'port-5203');
    expect(readded?.expiresAt).toBeUndefined();
    // remove cancelled the pending revert: a detached reverter is gone at once
    if (reverter !== undefined)
      await waitFor(() => !existsSync(`/proc/${reverter}`) || undefined, 'the cancelled reverter to end');
    // a later revert of another rule proves the first one's time has passed
    const marker = hog('shape', 'add', '--dev', pair.vethA, '--port', '5204', '--prio', 'low', '--for', '3s');
    expect(marker.status, marker.stderr).toBe(0);
    await waitFor(() => !ids().includes('port-5204'), 'the later revert', 15_000, 100);
    expect(rules().find((r) => r.id === 'port-5203')).toEqual(readded);
    // and the old revert's command itself, run late, changes nothing: the creation time differs
    const late = hog('shape', 'remove', '--dev', pair.vethA, 'port-5203', '--if-created-at', '1');
    expect(late.status, late.stderr).toBe(0);
    expect(rules().find((r) => r.id === 'port-5203')).toEqual(readded);
  });

  it('clear cancels the pending revert with the rules', async () => {
    const add = hog(
      'shape',
      'add',
      '--dev',
      pair.vethA,
      '--port',
      '5206',
      '--prio',
      'low',
      '--for',
      '60s',
      '--json',
    );
    expect(add.status, add.stderr).toBe(0);
    const reverter = (JSON.parse(add.stdout) as { revert: { pid?: number } }).revert.pid;
    expect(reverters()).toContainEqual(expect.stringMatching(/-port_2d5206@\d+\.json$/));
    const clear = hog('shape', 'clear', '--dev', pair.vethA);
    expect(clear.status, clear.stderr).toBe(0);
    expect(reverters().filter((f) => f.endsWith('.json'))).toEqual([]);
    if (reverter !== undefined)
      await waitFor(() => !existsSync(`/proc/${reverter}`) || undefined, 'the cancelled reverter to end');
    // the link rate went with clear: put it back for the next test
    expect(hog('shape', 'link', '--dev', pair.vethA, '--rate', '20mbit').status).toBe(0);
  });

  it('refuses a duration below a second, and reverts nothing in a dry run', () => {
    const short = hog(
      'shape',
      'add',
      '--dev',
      pair.vethA,
      '--port',
      '5205',
      '--prio',
      'low',
      '--for',
      '500ms',
    );
    expect(short.status).toBe(2);
    expect(short.stderr).toContain('hog: --for "500ms" is too short');
    const dry = hog(
      'shape',
      'plan',
      'add',
      '--dev',
      pair.vethA,
      '--port',
      '5205',
      '--prio',
      'low',
      '--for',
      '10m',
    );
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/would revert by itself after 10m \(through (systemd|at|detached)\)/);
    expect(ids()).not.toContain('port-5205');
  });
});
