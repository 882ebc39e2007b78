/**
 * The attacker of the deletion tests: a tiny C program, compiled here with cc, that swaps two names
 * (a directory and a symlink pointing out of the tree) with renameat2(RENAME_EXCHANGE) in a tight loop
 * until it is told to stop, then puts them back as they were and prints how many swaps it made.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE = `
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif
static volatile sig_atomic_t stop;
static void on_signal(int s) { (void)s; stop = 1; }
static int swap(const char* a, const char* b) {
  return (int)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
}
int main(int argc, char** argv) {
  if (argc != 4) return 2;
  signal(SIGTERM, on_signal);
  time_t end = time(NULL) + atoi(argv[3]); /* bounded even if nobody stops it */
  unsigned long swaps = 0;
  if (swap(argv[1], argv[2]) != 0) { perror("renameat2"); return 3; }
  swaps++;
  printf("ready\\n");
  fflush(stdout);
  while (!stop) {
    if (swap(argv[1], argv[2]) == 0) swaps++;
    if ((swaps & 0xfff) == 0 && time(NULL) > end) break;
  }
  while (swaps % 2 != 0) if (swap(argv[1], argv[2]) == 0) swaps++;
  printf("%lu\\n", swaps);
  return 0;
}
`;

/** Compile the swapper into `dir` (the test's temporary directory), or say why it cannot be had. */
export function swapperBinary(dir: string): { path: string } | { skip: string } {
  writeFileSync(join(dir, 'swap.c'), SOURCE);
  const cc = spawnSync('cc', ['-O2', '-o', join(dir, 'swap'), join(dir, 'swap.c')], { encoding: 'utf8' });
  return cc.error || cc.status !== 0
    ? { skip: `no C compiler to build the swapper: ${cc.error?.message ?? cc.stderr}` }
    : { path: join(dir, 'swap') };
}

export interface Swapper {
  /** Stop, wait until both names are back as they were, and return the number of swaps made. */
  stop(): Promise<number>;
}

/** Start swapping `a` and `b`; resolves once the first swap succeeded. */
export function startSwapper(binary: string, a: string, b: string, maxSeconds = 30): Promise<Swapper> {
  const child: ChildProcess = spawn(binary, [a, b, String(maxSeconds)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exited = new Promise<number>((resolve) => {
    child.on('exit', () => resolve(Number(out.trim().split('\n').pop())));
  });
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.startsWith('ready\n'))
        resolve({
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
    });
    child.on('exit', (code) => {
      if (!out.startsWith('ready\n')) reject(new Error(`the swapper failed (${code}): ${err}`));
    });
  });
}
