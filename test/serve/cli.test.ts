/**
 * `hog serve` from the command line: the start line with the real port, a non-loopback bind without a
 * token (in a network namespace this test makes, so nothing listens on the machine's interfaces) that
 * generates and prints one and answers 401 without it, bad flags with exit 2 and a hint.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canUseNetns, skipWithout } from '../helpers/capabilities.js';

const dir = mkdtempSync(join(tmpdir(), `hog-serve-cli-${process.pid}-`));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const HOG = join(import.meta.dirname, '../../bin/hog');

describe('hog serve on the command line', () => {
  it('prints the start line with the port it got, and stops cleanly on SIGTERM', async () => {
    const child = spawn(HOG, ['serve', '--port', '0', '--db', join(dir, 'a.db'), '--interval', '1s'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = await new Promise<string>((resolve) => {
      let out = '';
      child.stdout?.on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve(out);
      });
    });
    expect(line).toMatch(
      new RegExp(
        `^hog serve: http://127\\.0\\.0\\.1:(\\d+)/ \\(recording every 1s into ${join(dir, 'a.db')}\\)\\n$`,
      ),
    );
    const port = Number(/:(\d+)\//.exec(line)?.[1]);
    expect(port).toBeGreaterThan(0);
    const answer = await fetch(`http://127.0.0.1:${port}/api/v1/host`);
    expect(answer.status).toBe(200);
    child.kill('SIGTERM');
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(0);
  });

  it('says what is wrong with a bad flag, exit 2', () => {
    for (const [args, message] of [
      [['--port', '70000'], /--port must be 0 to 65535, got "70000"/],
      [['--interval', 'soon'], /--interval: not a duration: "soon"/],
      [['--token', 'short'], /the token must be 16 to 512 printable ASCII characters/],
      [['--watch', 'abc'], /not a PID: "abc"/],
    ] as const) {
      const result = spawnSync(HOG, ['serve', '--db', join(dir, 'b.db'), ...args], { encoding: 'utf8' });
      expect(result.status, result.stderr).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('says a port in use is in use, exit 2, and leaves the run ended', async () => {
    const { createServer } = await import('node:net');
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      const db = join(dir, 'busy.db');
      const result = spawnSync(HOG, ['serve', '--port', String(port), '--db', db], { encoding: 'utf8' });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(`hog: 127.0.0.1:${port} is already in use`);
      expect(result.stderr).toContain('hint: choose another --port (0: any free one)');
      const { default: Database } = await import('better-sqlite3');
      const check = new Database(db, { readonly: true });
      const ended = check.prepare("SELECT ended_at IS NOT NULL FROM runs WHERE kind = 'serve'").pluck().all();
      check.close();
      expect(ended).toEqual([1]);
    } finally {
      holder.close();
    }
  });

  it.skipIf(skipWithout('a non-loopback bind', canUseNetns))(
    'binds beyond loopback only with a token: generated, printed, and required',
    () => {
      const db = join(dir, 'ns.db');
      // inside a new network namespace: 10.9.9.1 exists only there
      const script = `
        set -e
        ip link set lo up
        ip addr add 10.9.9.1/24 dev lo
        ${HOG} serve --host 10.9.9.1 --port 7071 --db ${db} --interval 1s > ${dir}/out 2>&1 &
        for i in $(seq 100); do grep -q '^token:' ${dir}/out && break; sleep 0.1; done
        T=$(sed -n 's/^token: //p' ${dir}/out)
        cat ${dir}/out
        echo "none $(curl -s -o /dev/null -w '%{http_code}' http://10.9.9.1:7071/api/v1/processes)"
        echo "right $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $T" http://10.9.9.1:7071/api/v1/processes)"
        kill %1
        wait
      `;
      const result = spawnSync('unshare', ['-n', 'bash', '-c', script], {
        encoding: 'utf8',
        timeout: 30_000,
      });
      const lines = result.stdout.split('\n');
      expect(lines[0]).toBe(`hog serve: http://10.9.9.1:7071/ (recording every 1s into ${db})`);
      expect(lines[1]).toMatch(/^token: [A-Za-z0-9_-]{43}$/);
      expect(lines).toContain('none 401');
      expect(lines).toContain('right 200');
    },
  );
});
