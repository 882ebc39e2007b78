/**
 * Reading a procfs file whole. A seq_file of many records (/proc/PID/maps, /proc/net/tcp, smaps,
 * mountinfo with many mounts) hands over about one page of records per read() whatever the request,
 * so a reader that takes a short read for the end keeps only the first ~4 KiB: hog did, for
 * /proc/net/tcp (a process's sockets past the 27th were not found) and would have for the mount table
 * of a machine with many mounts. Checked against fs.readFileSync, which reads until read() returns 0.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { KeptFiles } from '../../src/proc/keptFiles.js';
import { readProcBytes, readProcText } from '../../src/proc/procFile.js';

const servers: Server[] = [];
beforeAll(async () => {
  // 64 listening sockets: /proc/self/net/tcp grows past one page (150 bytes a line)
  for (let i = 0; i < 64; i++) {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
  }
});
afterAll(() => {
  for (const server of servers) server.close();
});

/** The ports of our 64 listeners that the text of /proc/self/net/tcp shows listening. */
function ourListeners(text: string): number {
  const ours = new Set(servers.map((s) => (s.address() as { port: number }).port));
  let found = 0;
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    const port = Number.parseInt((f[1] ?? '').split(':')[1] ?? '', 16);
    if (f[3] === '0A' && ours.has(port)) found++;
  }
  return found;
}

describe('reading a seq_file of many records', () => {
  it('readProcText and readProcBytes of /proc/self/net/tcp see all 64 listeners', () => {
    expect(readFileSync('/proc/self/net/tcp', 'utf8').length).toBeGreaterThan(8192); // > 2 pages
    expect(ourListeners(readProcText('/proc/self/net/tcp'))).toBe(64);
    expect(ourListeners(readProcBytes('/proc/self/net/tcp').toString('utf8'))).toBe(64);
  });

  it('readProcText of /proc/self/maps reaches its last mapping', () => {
    const whole = readFileSync('/proc/self/maps', 'utf8');
    expect(whole.length).toBeGreaterThan(4096);
    const last = (text: string) => text.trimEnd().split('\n').at(-1)?.split(/\s+/).slice(5).join(' ');
    // the last mapping ([vsyscall] on x86-64, [vdso]/[stack] elsewhere) is the same in both reads
    expect(last(readProcText('/proc/self/maps'))).toBe(last(whole));
  });

  it('KeptFiles re-reads the whole file from the same descriptor', () => {
    const kept = new KeptFiles();
    try {
      expect(ourListeners(kept.read('/proc/self/net/tcp'))).toBe(64);
      expect(ourListeners(kept.read('/proc/self/net/tcp'))).toBe(64);
    } finally {
      kept.drop('/proc/self/net/tcp');
    }
  });

  it('KeptFiles.readView gives the bytes in its kept buffer, grown for a bigger file', () => {
    const kept = new KeptFiles();
    const dir = mkdtempSync(join(tmpdir(), 'hog-keptfiles-'));
    try {
      expect(ourListeners(kept.readView('/proc/self/net/tcp').toString())).toBe(64);
      const small = join(dir, 'small');
      const big = join(dir, 'big');
      writeFileSync(small, '1206 514 380 5 0 134 0\n');
      // 200 KiB: past the 16 KiB the kept buffer starts with
      writeFileSync(big, Array.from({ length: 20_000 }, (_, i) => `line ${i}\n`.padStart(10, ' ')).join(''));
      expect(kept.readView(small).toString()).toBe('1206 514 380 5 0 134 0\n');
      expect(kept.readView(big)).toEqual(readFileSync(big));
      expect(kept.readView(small).toString()).toBe('1206 514 380 5 0 134 0\n');
      expect(kept.read(big)).toBe(readFileSync(big, 'utf8'));
    } finally {
      kept.closeAll();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the shared buffer', () => {
  it('is allocated at the first read and grows for a bigger file: the bytes and view are of the new buffer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hog-procfile-'));
    try {
      const small = join(dir, 'small');
      const big = join(dir, 'big');
      writeFileSync(small, 'first read\n');
      // 200 KiB of distinct lines: past the 64 KiB the buffer starts with
      writeFileSync(big, Array.from({ length: 20_000 }, (_, i) => `line ${i}\n`.padStart(10, ' ')).join(''));
      // a fresh module: its buffer not yet allocated, as in a program that just imported it
      vi.resetModules();
      const fresh = await import('../../src/proc/procFile.js');
      expect(fresh.readProcBytes(small).toString()).toBe('first read\n');
      expect(fresh.readProcView(big)).toEqual(readFileSync(big));
      vi.resetModules();
      const another = await import('../../src/proc/procFile.js');
      expect(another.readProcView(small).toString()).toBe('first read\n');
      expect(another.readProcBytes(big)).toEqual(readFileSync(big));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
