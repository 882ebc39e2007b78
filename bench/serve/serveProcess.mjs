// Shared by the serve benchmarks (bench/serve*.mjs): start `hog serve` on a free loopback port, GET a
// path, find a free port for a peer, and kill every process a benchmark started.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const HOG = fileURLToPath(new URL('../../bin/hog', import.meta.url));
const started = [];

/** Spawn a process the benchmark owns (killed by killStarted). */
export function own(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'], ...options });
  started.push(child);
  return child;
}

/** Kill every process started through own/startServe that still runs (SIGKILL; by its own id). */
export function killStarted() {
  for (const child of started.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** `hog serve --port 0 ...args`; resolves with the child and its URL once it printed its start line. */
export function startServe(args) {
  const child = own(HOG, ['serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hog serve did not start: ${out}`)), 60_000);
    const read = (d) => {
      out += d.toString();
      const url = /hog serve: (http:\/\/127\.0\.0\.1:\d+)\//.exec(out)?.[1];
      if (url) {
        clearTimeout(timer);
        // keep the end of what it says after the start (a crash's message), for the benchmark's report
        const serve = { child, url, log: () => out.slice(-2000) };
        child.stdout.off('data', read);
        child.stderr.off('data', read);
        const keep = (d) => {
          out = `${out}${d.toString()}`.slice(-4000);
        };
        child.stdout.on('data', keep);
        child.stderr.on('data', keep);
        resolve(serve);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => reject(new Error(`hog serve exited ${code}: ${out}`)));
  });
}

/** Wait for a child to end (after a kill). */
export const ended = (child) =>
  new Promise((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('close', resolve),
  );

/** GET a URL, read the whole body; the status (or the error's message). */
export async function get(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    return response.status;
  } catch (error) {
    return error.message;
  }
}

/** A loopback port free right now (the kernel's pick, released for the peer to bind). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
