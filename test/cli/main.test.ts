/**
 * The CLI's error handling, in-process: messages and hints, exit codes, and no stack trace unless
 * --verbose. Includes a non-Linux platform, which only an in-process test can pretend to be.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { assertLinux } from '../../src/cli/platform.js';
import { textOutput } from '../helpers/textOutput.js';

const realPlatform = process.platform;
afterEach(() => {
  Object.defineProperty(process, 'platform', { value: realPlatform });
});

describe('hog main', () => {
  it('on another OS says hog needs Linux (exit 4; doctor: UNKNOWN 3)', async () => {
    expect(() => assertLinux('darwin')).toThrow(/hog works on Linux only; this is darwin/);
    Object.defineProperty(process, 'platform', { value: 'darwin' });
    const o = textOutput();
    expect(await main(['ps'], o)).toBe(4);
    expect(o.err).toBe(
      'hog: hog works on Linux only; this is darwin\nhint: run hog on the Linux machine itself (over ssh), or inside a Linux container or VM\n',
    );
    expect(await main(['doctor'], textOutput())).toBe(3);
  });

  it('prints no stack trace without --verbose, and one with it', async () => {
    const quiet = textOutput();
    expect(await main(['--proc-root', '/nonexistent', 'ps', '-i', '0'], quiet)).toBe(4);
    expect(quiet.err).toMatch(
      /^hog: internal error: ENOENT: no such file or directory, open '\/nonexistent\/uptime'\nhint: rerun with --verbose/,
    );
    expect(quiet.err).not.toMatch(/\n\s+at /);
    const verbose = textOutput();
    await main(['--verbose', '--proc-root', '/nonexistent', 'ps', '-i', '0'], verbose);
    expect(verbose.err).toMatch(/\n\s+at /);
  });

  it('lists the commands in --help and exits 0; an unknown command is exit 2', async () => {
    const help = textOutput();
    expect(await main(['--help'], help)).toBe(0);
    expect(help.out).toMatch(/doctor\s+check memory, disk and network/);
    expect(help.out).toMatch(/ps\s+process table sorted by memory/);
    const unknown = textOutput();
    expect(await main(['frobnicate'], unknown)).toBe(2);
    expect(unknown.err).toBe(
      "hog: unknown command 'frobnicate'\nhint: run `hog --help` for the list of commands\n",
    );
  });

  it("says what commander found wrong the hog way: hog: + hint, exit 2; doctor's UNKNOWN 3", async () => {
    const cases: [string[], number, string][] = [
      [
        ['ps', '--bogus'],
        2,
        "hog: unknown option '--bogus'\nhint: run `hog ps --help` for its options and arguments\n",
      ],
      [['--bogus'], 2, "hog: unknown option '--bogus'\nhint: run `hog --help` for the list of commands\n"],
      [
        ['ps', '--sortt', 'rss'],
        2,
        "hog: unknown option '--sortt'\nhint: Did you mean --sort? (run `hog ps --help` for its options and arguments)\n",
      ],
      [
        ['disk', 'clean', '--bogus'],
        2,
        "hog: unknown option '--bogus'\nhint: run `hog disk clean --help` for its options and arguments\n",
      ],
      [
        ['plot'],
        2,
        "hog: missing required argument 'run-or-file'\nhint: run `hog plot --help` for its options and arguments\n",
      ],
      [
        ['doctor', '--bogus'],
        3,
        "hog: unknown option '--bogus'\nhint: run `hog doctor --help` for its options and arguments\n",
      ],
    ];
    for (const [args, code, err] of cases) {
      const o = textOutput();
      expect(await main(args, o), args.join(' ')).toBe(code);
      expect(o.err, args.join(' ')).toBe(err);
      expect(o.out, args.join(' ')).toBe('');
    }
    const only = textOutput();
    expect(await main(['doctor', '--only', 'bogus'], only)).toBe(3);
    expect(only.err).toMatch(/^hog: no check or resource named "bogus"\nhint: valid: memory, disk, network/);
  });

  it('puts NODE_EXTRA_CA_CERTS back for the commands hog starts', async () => {
    process.env.HOG_SAVED_NODE_EXTRA_CA_CERTS = '/some/certs.pem';
    delete process.env.NODE_EXTRA_CA_CERTS;
    await main(['--version'], textOutput());
    expect(process.env.NODE_EXTRA_CA_CERTS).toBe('/some/certs.pem');
    expect(process.env.HOG_SAVED_NODE_EXTRA_CA_CERTS).toBeUndefined();
  });
});
