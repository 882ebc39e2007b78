/**
 * /etc/passwd — user names for the USER column ("name:x:uid:gid:gecos:home:shell"). Users that only
 * exist in LDAP/NSS are not listed here; hog then prints the numeric uid, as ps does for unknown ids.
 */
import { readFileSync } from 'node:fs';

export function parsePasswd(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [name, , uid] = line.split(':');
    const id = Number(uid);
    if (name && uid !== undefined && uid !== '' && Number.isInteger(id) && !names.has(id))
      names.set(id, name);
  }
  return names;
}

export function readUserNames(etcRoot = '/etc'): Map<number, string> {
  try {
    return parsePasswd(readFileSync(`${etcRoot}/passwd`, 'utf8'));
  } catch {
    return new Map();
  }
}
