/**
 * `hog shape add --for` where no revert can be scheduled: systemd is not PID 1, atd is not running,
 * and the detached reverter cannot start because /bin/sh cannot be executed (/dev/null bound over it
 * in a private mount namespace of the test's own). hog must say why, with what to do, exit 4, and
 * change nothing. Before, the failed spawn's 'error' event came after the answer and ended hog with
 * an uncaught exception (exit 1, a stack trace), and the reasons were shown only with --verbose.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseRevertMechanisms, readRevertFacts } from '../../src/shape/revertMechanism.js';
import { canMountInNamespace, skipWithout } from '../helpers/capabilities.js';
import { HOG_BIN } from '../helpers/hog.js';
import { type NetnsPair, netnsAvailable } from '../helpers/netns.js';
import { createShapedPair, type ShapedPair } from '../helpers/shapedPair.js';

/** systemd or atd would take the revert here, so the failure cannot be arranged by breaking sh. */
function revertWorksWithoutSh(): string | undefined {
  const usable = chooseRevertMechanisms(readRevertFacts()).find(
    (c) => c.mechanism !== 'detached' && c.unusable === undefined,
  );
  return usable && `${usable.mechanism} can schedule the revert on this machine`;
}

const skip =
  !netnsAvailable() ||
  skipWithout('hog shape --for without a way to revert', canMountInNamespace, revertWorksWithoutSh);

describe.skipIf(skip)('hog shape add --for with no way to schedule the revert', () => {
  let pair: NetnsPair;
  let stateDir: string;
  let shaped: ShapedPair;

  beforeAll(() => {
    shaped = createShapedPair('r');
    ({ pair, stateDir } = shaped);
  });
  afterAll(() => {
    shaped?.remove();
  });

  it('says why and what to do, exits 4, and adds no rule', () => {
    // bin/hog is itself a sh script: node runs it as the module it also is
    const r = spawnSync(
      'unshare',
      [
        '-m',
        '--propagation',
        'private',
        'sh',
        '-c',
        'mount --bind /dev/null /bin/sh && exec ip netns exec "$@"',
        'sh',
        pair.a,
        process.execPath,
        HOG_BIN,
        ...['shape', 'add', '--dev', pair.vethA, '--port', '5203', '--prio', 'low', '--for', '30s'],
      ],
      { encoding: 'utf8', timeout: 20_000 },
    );
    const facts = readRevertFacts();
    const [systemd, at] = chooseRevertMechanisms(facts);
    expect(r.stderr).toBe(
      [
        `hog: could not schedule the revert of port-5203, so nothing was changed: no way to schedule the revert here (systemd: ${systemd?.unusable}; at: ${at?.unusable}; detached: could not start /bin/sh for the detached reverter)`,
        'hint: start atd (or run hog where systemd is PID 1), and check that /bin/sh runs; without --for the rule stays until hog shape remove',
        '',
      ].join('\n'),
    );
    expect(r.status).toBe(4);
    const state = JSON.parse(readFileSync(`${stateDir}/${pair.vethA}.json`, 'utf8')) as {
      rules: { id: string }[];
    };
    expect(state.rules.map((rule) => rule.id)).toEqual([]);
    // the record written before each try is removed when the try fails
    expect(
      existsSync(`${stateDir}/reverts`)
        ? readdirSync(`${stateDir}/reverts`).filter((f) => f.endsWith('.json'))
        : [],
    ).toEqual([]);
  });
});
