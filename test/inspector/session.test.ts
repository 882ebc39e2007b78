/**
 * The protocol session against peers that are not a polite inspector (a WebSocket server the test
 * runs on loopback): replies matched by id, events delivered, garbage ignored, an oversized message or
 * a silent peer ending the call with an error instead of memory growth or a hang.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { InspectorSession } from '../../src/inspector/session.js';

let server: WebSocketServer | undefined;
afterEach(() => {
  server?.close();
  for (const client of server?.clients ?? []) client.terminate();
  server = undefined;
});

/** A server on a free loopback port whose connections `behave` handles; its port. */
async function peer(
  behave: (send: (data: string | Buffer) => void, message: string) => void,
): Promise<number> {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (socket) =>
    socket.on('message', (data) => behave((d) => socket.send(d), String(data))),
  );
  await new Promise((r) => server?.once('listening', r));
  return (server.address() as AddressInfo).port;
}

describe('InspectorSession', () => {
  it('matches replies by id, delivers events, and ignores what is not JSON', async () => {
    const port = await peer((send, message) => {
      const { id, params } = JSON.parse(message) as { id: number; params: { x: number } };
      send('not json');
      send(JSON.stringify({ method: 'Test.event', params: { seen: id } }));
      send(JSON.stringify({ id: id + 1000, result: 'not yours' }));
      send(JSON.stringify({ id, result: { doubled: params.x * 2 } }));
    });
    const session = await InspectorSession.open('127.0.0.1', port, '/', 2000);
    const events: unknown[] = [];
    session.on('Test.event', (params) => events.push(params));
    expect(await session.call('Test.double', { x: 21 }, 2000)).toEqual({ doubled: 42 });
    expect(events).toEqual([{ seen: 1 }]);
    await session.close();
    expect(session.closed).toBe(true);
  });

  it("rejects with the peer's error message", async () => {
    const port = await peer((send, message) => {
      const { id } = JSON.parse(message) as { id: number };
      send(JSON.stringify({ id, error: { code: -32601, message: "'Nope.nope' wasn't found" } }));
    });
    const session = await InspectorSession.open('127.0.0.1', port, '/', 2000);
    await expect(session.call('Nope.nope', {}, 2000)).rejects.toThrow("'Nope.nope' wasn't found");
    await session.close();
  });

  it('drops a peer that sends a message over 16 MiB, failing the pending call', async () => {
    const port = await peer((send) => send(Buffer.alloc(17 * 1024 * 1024, 0x20).toString()));
    const session = await InspectorSession.open('127.0.0.1', port, '/', 2000);
    await expect(session.call('Big.one', {}, 5000)).rejects.toThrow(/Max payload size exceeded/);
    expect(session.closed).toBe(true);
  });

  it('gives up on a silent peer after the timeout', async () => {
    const port = await peer(() => undefined);
    const session = await InspectorSession.open('127.0.0.1', port, '/', 2000);
    await expect(session.call('Silent.call', {}, 200)).rejects.toThrow('Silent.call: no reply in 200 ms');
    await session.close();
  });

  it('says when nothing speaks WebSocket on the port', async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => server?.once('listening', r));
    const port = (server.address() as AddressInfo).port;
    server.close();
    await expect(InspectorSession.open('127.0.0.1', port, '/', 500)).rejects.toThrow(
      `no inspector WebSocket at 127.0.0.1:${port}`,
    );
  });
});
