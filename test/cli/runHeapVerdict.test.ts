/**
 * The heap-aware verdict end to end: a Node.js command that reserves its RSS up front (a 400 MiB
 * Buffer, touched) and then keeps small objects in an array. RSS hardly moves (a few MiB on 400: under
 * the 1% relevance threshold); the V8 heap's post-GC floor rises steadily. `hog run` (its preload
 * records the heap) says it leaks, and that the heap decided.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { json, runHog } from '../helpers/hog.js';
import { tempDir } from '../helpers/store.js';

const tmp = tempDir('run-heap-verdict');
const db = join(tmp.dir, 'hog.db');
afterAll(() => tmp.remove());

const LEAK = `
  const big = Buffer.alloc(400 * 1024 * 1024, 1);
  const kept = [];
  let n = 0;
  const timer = setInterval(() => {
    for (let i = 0; i < 150; i++) kept.push({ n: n++, tag: 'item ' + n });
  }, 100);
  setTimeout(() => { clearInterval(timer); if (big.length + kept.length < 0) console.log('never'); }, 26000);
`;

interface RunJson {
  run: number;
  series: {
    verdict: {
      class: string;
      series: string;
      rss?: { class: string };
      fit?: { slopeBytesPerMinute: number };
    };
  }[];
}

describe('hog run of a Node.js command whose heap leaks under a flat RSS', () => {
  it('says leaking, decided by the V8 heap after GC, while RSS is flat', async () => {
    const result = await runHog(['run', '-i', '0.25', '--json', '--', process.execPath, '-e', LEAK], {
      env: { HOG_DB: db },
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(0);
    const out = json<RunJson>(result);
    const verdict = out.series[0]?.verdict;
    expect(verdict?.class).toBe('leaking');
    expect(verdict?.series).toBe('heap_used');
    expect(['stable', 'growing-then-stable']).toContain(verdict?.rss?.class);
    // 1500 objects a second of ~100 bytes each: several MiB a minute
    expect((verdict?.fit?.slopeBytesPerMinute ?? 0) / 1024 / 1024).toBeGreaterThan(2);

    const plot = await runHog(['plot', String(out.run), '--db', db]);
    expect(plot.stdout).toMatch(
      /^verdict: leaking \(V8 heap after GC\): \+\d+\.\d MiB\/min \(95% CI .*\) over the last \d+s while RSS (is flat|levelled off); limit in/m,
    );
  }, 70_000);
});
