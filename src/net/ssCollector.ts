/**
 * The kernel's socket statistics through iproute2's ss (sock_diag netlink underneath): one run per
 * tick for the socket table with tcp_info and processes, and one long-lived `ss -E` that reports each
 * TCP socket as it is destroyed, with its final counters — so bytes moved by a connection that closed
 * between two ticks are still counted. Node.js has no netlink sockets; ss is the dependency-free way.
 *
 * Without root, ss sees every socket and its counters but the processes of the user's own sockets only.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { errnoCode, UnsupportedError } from '../errors.js';
import { parseSs, parseSsLine, type SocketRecord } from './ssParse.js';

const SS_HINT = 'install iproute2 (apt-get install iproute2), which provides ss';

/** Run ss with these arguments and return its output. */
export function runSs(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ss', args, { maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) {
        if (errnoCode(error) === 'ENOENT') {
          reject(new UnsupportedError('ss is not installed', { hint: SS_HINT, cause: error }));
        } else {
          reject(
            new UnsupportedError(`ss ${args.join(' ')} failed: ${stderr.trim() || error.message}`, {
              cause: error,
            }),
          );
        }
        return;
      }
      resolve(stdout);
    });
  });
}

/** TCP sockets with tcp_info and processes (ss -tinpOH); listeners too with `all`. */
export async function collectTcpSockets(options: { all?: boolean } = {}): Promise<SocketRecord[]> {
  return parseSs(await runSs([options.all ? '-tainpOH' : '-tinpOH']), 'tcp');
}

/** UDP sockets, connected and not, with processes (ss -uapnOH). */
export async function collectUdpSockets(): Promise<SocketRecord[]> {
  return parseSs(await runSs(['-uapnOH']), 'udp');
}

/**
 * Collects the final state of TCP sockets as the kernel destroys them (SKNLGRP_INET_TCP_DESTROY,
 * `ss -E`). stdbuf makes ss write each event as it comes instead of when its stdio buffer fills.
 */
export class DestroyWatcher {
  private child: ChildProcess | undefined;
  private pending: SocketRecord[] = [];
  private partial = '';
  /** Set when ss -E could not run: the reason, shown as a note. */
  failure: string | undefined;

  start(): void {
    const child = spawn('stdbuf', ['-oL', 'ss', '-EtinOH'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      const lines = (this.partial + chunk).split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) {
        const record = parseSsLine(line, 'tcp');
        // the listener's own destruction and sockets that never connected carry no traffic
        if (record?.tcp && record.remote.port !== 0) this.pending.push(record);
      }
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', (error) => {
      this.failure = `closed connections between ticks are not counted: ${error.message}`;
    });
    child.on('exit', (code, signal) => {
      if (this.child === child && signal === null) {
        this.failure = `closed connections between ticks are not counted: ss -E exited (${code}) ${stderr.trim()}`;
      }
    });
    child.unref();
    (child.stdout as unknown as { unref?: () => void })?.unref?.();
    (child.stderr as unknown as { unref?: () => void })?.unref?.();
    // ss would only notice hog is gone at its next event: end it with hog
    process.once('exit', this.onExit);
  }

  private readonly onExit = () => this.child?.kill();

  /** Sockets destroyed since the last call. */
  take(): SocketRecord[] {
    const taken = this.pending;
    this.pending = [];
    return taken;
  }

  stop(): void {
    const child = this.child;
    this.child = undefined;
    child?.kill();
    process.removeListener('exit', this.onExit);
  }
}
