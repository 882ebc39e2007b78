/**
 * Drive a program in a real pseudo-terminal through tmux: start it at a size, send keys, read the screen.
 * Each session runs on a tmux server of its own, on a socket in the temp directory that kill() removes:
 * on the shared default server, a test that ends the last session makes the server exit while another
 * test (or another checkout's suite) is starting one on it ("server exited unexpectedly").
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './processes.js';

const socketOf = (name: string) => join(tmpdir(), `${name}.tmux`);

export class TmuxSession {
  private constructor(readonly name: string) {}

  static start(command: string, width: number, height: number): TmuxSession {
    const name = `hog-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    // remain-on-exit keeps the pane after the program ends, so a test can see that it exited
    execFileSync('tmux', [
      '-S',
      socketOf(name),
      'new-session',
      '-d',
      '-s',
      name,
      '-x',
      String(width),
      '-y',
      String(height),
      command,
    ]);
    execFileSync('tmux', ['-S', socketOf(name), 'set-option', '-t', name, 'remain-on-exit', 'on']);
    return new TmuxSession(name);
  }

  screen(): string[] {
    return execFileSync('tmux', ['-S', socketOf(this.name), 'capture-pane', '-p', '-t', this.name], {
      encoding: 'utf8',
    })
      .replace(/\n$/, '')
      .split('\n');
  }

  keys(...keys: string[]): void {
    execFileSync('tmux', ['-S', socketOf(this.name), 'send-keys', '-t', this.name, ...keys]);
  }

  resize(width: number, height: number): void {
    execFileSync('tmux', [
      '-S',
      socketOf(this.name),
      'resize-window',
      '-t',
      this.name,
      '-x',
      String(width),
      '-y',
      String(height),
    ]);
  }

  /** The PID of the program the pane started. */
  panePid(): number {
    return Number(
      execFileSync(
        'tmux',
        ['-S', socketOf(this.name), 'display-message', '-p', '-t', this.name, '#{pane_pid}'],
        {
          encoding: 'utf8',
        },
      ),
    );
  }

  /** True once the program in the pane has exited. */
  exited(): boolean {
    const r = spawnSync(
      'tmux',
      ['-S', socketOf(this.name), 'display-message', '-p', '-t', this.name, '#{pane_dead}'],
      {
        encoding: 'utf8',
      },
    );
    return r.stdout.trim() === '1';
  }

  waitForScreen(
    predicate: (lines: string[]) => boolean,
    what: string,
    timeoutMs = 10_000,
  ): Promise<string[]> {
    return waitFor(
      () => {
        const lines = this.screen();
        return predicate(lines) ? lines : undefined;
      },
      `${what}; screen was:\n${this.screen().join('\n')}`,
      timeoutMs,
    );
  }

  kill(): void {
    spawnSync('tmux', ['-S', socketOf(this.name), 'kill-server']);
    rmSync(socketOf(this.name), { force: true });
  }
}
