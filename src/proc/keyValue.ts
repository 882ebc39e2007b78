/**
 * The "Key:   value [kB]" format shared by /proc/[pid]/status, /proc/meminfo, /proc/[pid]/smaps_rollup
 * and (with "key: value") /proc/[pid]/io. Sizes given in kB are converted to bytes (the kernel's kB is
 * 1024 bytes).
 */
export function parseKeyValueLines(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return fields;
}

/** "1764 kB" -> 1806336; "42" -> 42; absent or malformed -> undefined. */
export function kbToBytes(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)(?:\s*kB)?$/.exec(value);
  if (!match) return undefined;
  const n = Number(match[1]);
  return value.endsWith('kB') ? n * 1024 : n;
}
