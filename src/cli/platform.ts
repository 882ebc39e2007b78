import { UnsupportedError } from '../errors.js';

/** hog reads Linux's /proc and /sys; elsewhere it says so instead of failing on a missing file. */
export function assertLinux(platform: NodeJS.Platform = process.platform): void {
  if (platform !== 'linux') {
    throw new UnsupportedError(`hog works on Linux only; this is ${platform}`, {
      hint: 'run hog on the Linux machine itself (over ssh), or inside a Linux container or VM',
    });
  }
}
