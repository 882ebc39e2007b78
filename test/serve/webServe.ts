/** A real `hog serve` for the dashboard's browser tests, and plain API reads to compare with. */
import { spawn } from 'node:child_process';
import { HOG_BIN } from '../helpers/hog.js';
import { waitFor } from '../helpers/processes.js';

/** A `hog serve` child and the address it printed. */
export interface Serve {
  url: string;
  token: string | null;
  stop(): Promise<void>;
}

/** Start hog serve (through `wrap`, e.g. `ip netns exec NS`) and wait for the lines it prints on start. */
export async function startServe(args: string[], wrap: string[] = []): Promise<Serve> {
  const [command, ...rest] = [...wrap, HOG_BIN, 'serve', '--port', '0', ...args];
  const child = spawn(command as string, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  try {
    const needsToken = args.includes('--host');
    const [url, token] = await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`hog serve exited ${child.exitCode}: ${err}`);
        const url = /hog serve: (http:\/\/\S+)/.exec(out)?.[1];
        const token = /^token: (\S+)$/m.exec(out)?.[1] ?? null;
        return url !== undefined && (!needsToken || token !== null) && ([url, token] as const);
      },
      'hog serve to print its address',
      20_000,
    );
    return { url, token, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export async function api<T>(base: string, path: string, token: string | null = null): Promise<T> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const response = await fetch(new URL(path, base), { headers });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
