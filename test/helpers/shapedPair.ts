/**
 * A network namespace pair (netns.ts) whose veth in namespace a is linked to hog shape at 20mbit, for
 * the tests of hog shape's rules: hog runs inside a, and its state directory for that namespace (named
 * by the namespace's inode) is known. remove() clears the shaping, the pair and that directory.
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { expect } from 'vitest';
import { HOG_BIN } from './hog.js';
import { createNetnsPair, type NetnsPair } from './netns.js';

/** hog's shape state directory for namespace a of the pair. */
export function shapeStateDir(pair: NetnsPair): string {
  const inode = pair.execIn(pair.a, 'readlink', ['/proc/self/ns/net']).replace(/\D/g, '');
  return `/run/hog/shape/net-${inode}`;
}

export interface ShapedPair {
  pair: NetnsPair;
  stateDir: string;
  /** hog with these arguments inside namespace a. */
  hog(...args: string[]): SpawnSyncReturns<string>;
  /** The rules hog keeps for vethA, as its state file has them. */
  rules<T>(): T[];
  remove(): void;
}

export function createShapedPair(tag: string): ShapedPair {
  const pair = createNetnsPair(tag);
  const stateDir = shapeStateDir(pair);
  const hog = (...args: string[]) =>
    spawnSync('ip', ['netns', 'exec', pair.a, HOG_BIN, ...args], { encoding: 'utf8', timeout: 20_000 });
  const link = hog('shape', 'link', '--dev', pair.vethA, '--rate', '20mbit');
  expect(link.status, link.stderr).toBe(0);
  return {
    pair,
    stateDir,
    hog,
    rules<T>(): T[] {
      const file = `${stateDir}/${pair.vethA}.json`;
      return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { rules: T[] }).rules : [];
    },
    remove() {
      hog('shape', 'clear', '--dev', pair.vethA);
      pair.remove();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
