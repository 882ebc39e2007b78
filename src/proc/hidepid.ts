/**
 * procfs mounted with hidepid=1/2 (or "invisible"/"noaccess") hides other users' processes from
 * non-root users: hog then sees only a part of the machine and must say so.
 */
import { readMountinfo } from './mountinfo.js';

export function hidepidOption(mountOptions: readonly string[]): string | undefined {
  const option = mountOptions.find((o) => o.startsWith('hidepid='));
  const value = option?.slice('hidepid='.length);
  return value === undefined || value === '0' || value === 'off' ? undefined : value;
}

export function hiddenProcessesNote(procRoot = '/proc', uid = process.getuid?.() ?? 0): string | undefined {
  if (uid === 0) return undefined;
  try {
    const proc = readMountinfo('self', procRoot).find((m) => m.fsType === 'proc' && m.mountPoint === '/proc');
    const hidepid = proc ? hidepidOption([...proc.superOptions, ...proc.mountOptions]) : undefined;
    return hidepid
      ? `/proc is mounted with hidepid=${hidepid}: other users' processes are hidden; run hog as root to see them`
      : undefined;
  } catch {
    return undefined;
  }
}
