/** Loopback traffic from a real process, for hog net to see. */
import { type ChildProcess, spawn } from 'node:child_process';

/**
 * A Node.js child that serves on an ephemeral port of 127.0.0.1 and connects to itself, sending
 * 64 KiB every 20 ms (about 26 Mb/s) until killed. Prints the port.
 */
export async function startTraffic(): Promise<{ child: ChildProcess; port: number }> {
  const code = `
    const net = require('net');
    const server = net.createServer((s) => s.on('data', () => {})).listen(0, '127.0.0.1', () => {
      const port = server.address().port;
      const c = net.connect(port, '127.0.0.1', () => {
        const chunk = Buffer.alloc(65536, 1);
        setInterval(() => c.write(chunk), 20);
        console.log(port);
      });
    });`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (c) => reject(new Error(`traffic generator exited with ${c}`)));
    child.stdout?.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
  });
  return { child, port };
}
