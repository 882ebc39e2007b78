/** Finding the process of a socket from its inode, on this test's own real sockets. */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SocketOwners, socketInode } from '../../src/proc/socketOwners.js';

function ownSocketInodes(): number[] {
  return readdirSync('/proc/self/fd')
    .map((fd) => {
      try {
        return socketInode(readlinkSync(`/proc/self/fd/${fd}`));
      } catch {
        return undefined;
      }
    })
    .filter((i): i is number => i !== undefined);
}

describe('SocketOwners', () => {
  let server: Server;
  let client: Socket;
  beforeAll(async () => {
    server = createServer(() => {});
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    client = connect((server.address() as { port: number }).port, '127.0.0.1');
    await new Promise((r) => client.once('connect', r));
  });
  afterAll(() => {
    client.destroy();
    server.close();
  });

  it('reads socket:[inode] links', () => {
    expect(socketInode('socket:[12345]')).toBe(12345);
    expect(socketInode('pipe:[12345]')).toBeUndefined();
    expect(socketInode('/dev/null')).toBeUndefined();
  });

  it('finds this process behind its sockets, scans /proc once, and looks at known owners first', () => {
    const inodes = ownSocketInodes();
    expect(inodes.length).toBeGreaterThan(1);
    const owners = new SocketOwners('/proc', 3000);
    owners.resolve(inodes, 0);
    expect(owners.fullScans).toBe(1);
    const comm = readFileSync('/proc/self/comm', 'utf8').trim();
    for (const inode of inodes) {
      expect(owners.processesOf(inode)).toContainEqual(
        expect.objectContaining({ pid: process.pid, name: comm }),
      );
    }
    // nothing new: no scan at all
    owners.resolve(inodes, 100);
    expect(owners.fullScans).toBe(1);
    // a new socket of a process already known is found without a full scan, even right away
    const another = connect((server.address() as { port: number }).port, '127.0.0.1');
    return new Promise<void>((resolve) => {
      another.once('connect', () => {
        const now = ownSocketInodes();
        owners.resolve(now, 200);
        expect(owners.fullScans).toBe(1);
        for (const inode of now) expect(owners.processesOf(inode)[0]?.pid).toBe(process.pid);
        another.destroy();
        resolve();
      });
    });
  });
});
