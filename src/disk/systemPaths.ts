/**
 * The places of a Linux file system hierarchy (FHS) that hog's disk commands know by what they hold.
 * Each list is named by its meaning; categories.ts, cleanSafety.ts and `hog disk clean` build on them
 * instead of keeping their own copies.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the distribution's package manager installs software and the kernel: removing anything inside
 * breaks the system, and what is there is "binaries" by category.
 */
export const OS_SOFTWARE_TREES: readonly string[] = [
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/boot',
  '/snap',
];

/** Where logs, caches, temporary files and crash dumps collect: `hog disk clean`'s places by default. */
export function disposablePlaces(home = homedir()): string[] {
  return [
    '/var/log',
    '/var/cache',
    '/var/tmp',
    '/tmp',
    '/var/crash',
    '/var/lib/systemd/coredump',
    join(home, '.cache'),
  ];
}
