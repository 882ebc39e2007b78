/**
 * A process's ports for `hog shape add --pid`: read from a real process (listening TCP, bound UDP, an
 * outgoing connection on loopback), matched against the socket tables by inode, and from a fixture
 * table with sockets of other processes and TIME-WAIT orphans in it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { isHogError } from '../../src/errors.js';
import { parseProcNetSockets } from '../../src/proc/netSockets.js';
import { localPortsOf, readPidPorts, sameProcess } from '../../src/shape/pidPorts.js';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

/** A process with a TCP listener, a UDP socket and a connection to its own listener; prints its ports. */
function portHolder(): Promise<{ child: ChildProcess; tcp: number; udp: number; client: number }> {
  const code = `
    const net = require('node:net'), dgram = require('node:dgram');
    const server = net.createServer(() => {}).listen(0, '127.0.0.1', () => {
      const udp = dgram.createSocket('udp4').bind(0, '127.0.0.1', () => {
        const c = net.connect(server.address().port, '127.0.0.1', () => {
          console.log(JSON.stringify({ tcp: server.address().port, udp: udp.address().port, client: c.localPort }));
        });
      });
    });
    setTimeout(() => process.exit(0), 60000);`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', (d: Buffer) => resolve({ child, ...JSON.parse(d.toString()) }));
    child.once('exit', (code) => reject(new Error(`port holder exited with ${code}`)));
  });
}

describe('readPidPorts', () => {
  it('finds the listening, bound and connected local ports of a real process', async () => {
    const holder = await portHolder();
    const pid = holder.child.pid as number;
    const ports = readPidPorts(pid);
    // the accepted side of the connection is the listener's port again
    expect(ports.tcp).toEqual([holder.tcp, holder.client].sort((a, b) => a - b));
    expect(ports.udp).toEqual([holder.udp]);
    expect(ports.ports).toEqual([holder.tcp, holder.udp, holder.client].sort((a, b) => a - b));
    expect(ports.comm).toBe('node');
    expect(sameProcess(pid, ports.startTimeTicks)).toBe(true);
    expect(sameProcess(pid, ports.startTimeTicks + 1)).toBe(false);
    holder.child.kill('SIGKILL');
    await new Promise((r) => holder.child.once('close', r));
    expect(sameProcess(pid, ports.startTimeTicks)).toBe(false);
  });

  it('says plainly when there is no such process', () => {
    let error: unknown;
    try {
      readPidPorts(4194304);
    } catch (e) {
      error = e;
    }
    expect(isHogError(error) && error.exitCode).toBe(2);
    expect((error as Error).message).toBe('no process with PID "4194304"');
  });
});

describe('localPortsOf', () => {
  const tcp = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1001 1 0 100 0 0 10 0',
    '   1: 0100007F:9C40 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 1002 1 0 20 4 30 10 -1',
    '   2: 0100007F:1F90 0100007F:9C41 06 00000000:00000000 03:00001000 00000000     0        0 0 3 0',
    '   3: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2001 1 0 100 0 0 10 0',
    '   4: 00000000:0000 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1003 1 0 100 0 0 10 0',
  ].join('\n');
  const udp = [
    '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops',
    '  1: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1004 2 0 0',
  ].join('\n');
  const sockets = [...parseProcNetSockets(tcp, 'tcp'), ...parseProcNetSockets(udp, 'udp')];

  it('keeps only the sockets the process holds, bound to a port', () => {
    // 1001 listens on 8080, 1002 is its outgoing connection from 40000, 1003 is unbound, 1004 is UDP 53;
    // 2001 (sshd's 22) and the TIME-WAIT orphan (inode 0) are not the process's
    expect(localPortsOf(new Set([1001, 1002, 1003, 1004]), sockets)).toEqual({
      tcp: [8080, 40000],
      udp: [53],
    });
    expect(localPortsOf(new Set([0]), sockets)).toEqual({ tcp: [], udp: [] });
  });
});
