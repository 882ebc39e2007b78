/** The sock_diag addon on this test's own connection: a dump and an exact lookup agree with the socket. */
import { connect, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CONNECTED_TCP_STATES, dumpSockets, loadSockDiag, lookupTcpSocket } from '../../src/net/sockDiag.js';

const addon = loadSockDiag();

describe.skipIf(addon === undefined)('sock_diag addon', () => {
  it('dumps and looks up a live TCP connection with its counters', async () => {
    const diag = addon as NonNullable<typeof addon>;
    const server = createServer((s) => s.on('data', () => {}));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const client = connect(port, '127.0.0.1');
    await new Promise((r) => client.once('connect', r));
    await new Promise<void>((r) => client.write(Buffer.alloc(100_000, 1), () => r()));
    try {
      const mine = (s: { local: { port: number }; remote: { port: number } }) =>
        s.local.port === client.localPort && s.remote.port === port;
      const dumped = dumpSockets(diag, 'tcp', CONNECTED_TCP_STATES).find(mine);
      expect(dumped).toMatchObject({
        proto: 'tcp',
        state: 'ESTAB',
        local: { address: '127.0.0.1', port: client.localPort },
        remote: { address: '127.0.0.1', port },
      });
      expect(dumped?.inode).toBeGreaterThan(0);
      expect(dumped?.tcp?.bytesSent).toBeGreaterThanOrEqual(100_000);
      expect(dumped?.tcp?.rttMs).toBeGreaterThan(0);
      const looked = lookupTcpSocket(diag, dumped?.local as never, dumped?.remote as never);
      expect(looked?.inode).toBe(dumped?.inode);
      expect(
        lookupTcpSocket(diag, { address: '127.0.0.1', port: 1 }, { address: '127.0.0.1', port: 2 }),
      ).toBeUndefined();
      // listeners are left out of the connected states
      expect(
        dumpSockets(diag, 'tcp', CONNECTED_TCP_STATES).some(
          (s) => s.local.port === port && s.state === 'LISTEN',
        ),
      ).toBe(false);
    } finally {
      client.destroy();
      server.close();
    }
  });
});
