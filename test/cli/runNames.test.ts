/**
 * Names that change while recorded: a process that exec's another program (`bash` -> `exec python3`)
 * keeps its PID and start time. `hog run` shows its latest name in the summary, the store (so `hog
 * plot` and its legend do) and --json, with the history of its names in --json and a note.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { json, runHog, startHog, stopStartedHogs } from '../helpers/hog.js';
import { waitFor } from '../helpers/processes.js';
import { tempDir } from '../helpers/store.js';

const tmp = tempDir('run-names');
const db = join(tmp.dir, 'hog.db');
afterAll(() => {
  stopStartedHogs();
  tmp.remove();
});

interface Summary {
  label: string;
  pid: number;
  role: string;
  names?: { t: number; name: string; command: string }[];
}

/** The stored series of child processes: pid and name, as another process reads the file. */
function storedChildren(): { pid: number; name: string }[] {
  try {
    const raw = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return raw.prepare("SELECT pid, name FROM series WHERE role = 'child'").all() as never;
    } finally {
      raw.close();
    }
  } catch {
    return []; // not created yet
  }
}

describe("hog run: a process that exec's another program", () => {
  it('-M: the child that was bash is labelled python3, in --json (with its names), the store and hog plot', async () => {
    const go = join(tmp.dir, 'exec-now');
    const stop = join(tmp.dir, 'stop');
    const script = join(tmp.dir, 'wait.py');
    writeFileSync(
      script,
      `import os, time\nwhile not os.path.exists(${JSON.stringify(stop)}): time.sleep(0.05)\n`,
    );
    // the inner bash waits (a loop: bash does not exec its last command then) until told to exec
    const inner = join(tmp.dir, 'inner.sh');
    writeFileSync(inner, `while [ ! -e ${go} ]; do sleep 0.05; done\nexec /usr/bin/python3 ${script}\n`);
    const hog = startHog(['run', '-M', '-i', '0.1', '--json', '--', 'bash', '-c', `bash ${inner}; true`], {
      HOG_DB: db,
    });
    const bash = await waitFor(() => storedChildren().find((c) => c.name === 'bash'), 'the child as bash');
    writeFileSync(go, '');
    // the store takes the new name while the recording goes on
    await waitFor(
      () => storedChildren().find((c) => c.pid === bash.pid && c.name === 'python3'),
      'the child renamed python3 in the store',
    );
    writeFileSync(stop, '');
    expect(await hog.done).toBe(0);
    const out = JSON.parse(hog.stdout().trim().split('\n').pop() as string) as {
      run: number;
      series: Summary[];
      notes: { kind: string; text: string }[];
    };
    const child = out.series.find((s) => s.pid === bash.pid);
    expect(child?.label).toBe(`PID ${bash.pid} (python3)`);
    expect(child?.names?.map((n) => n.name)).toEqual(['bash', 'python3']);
    expect(child?.names?.map((n) => n.command)).toEqual([`bash ${inner}`, `/usr/bin/python3 ${script}`]);
    expect(out.notes.map((n) => n.text)).toContain(
      `PID ${bash.pid} is now python3 (was bash): it exec'd another program`,
    );
    // only processes that exec'd have a history
    expect(out.series.filter((s) => s.names !== undefined)).toHaveLength(1);

    const plot = await runHog(['plot', String(out.run), '--db', db, '--json']);
    const labels = json<{ series: { label: string }[] }>(plot).series.map((s) => s.label);
    expect(labels).toContain(`PID ${bash.pid} (python3)`);
    expect(labels).not.toContain(`PID ${bash.pid} (bash)`);
    const text = await runHog(['plot', String(out.run), '--db', db]);
    expect(text.stdout).toMatch(new RegExp(`^  PID ${bash.pid} \\(python3\\) RSS `, 'm'));
  });

  it('the command itself: `hog run -- bash -c "exec python3 ..."` is summed up as python3', async () => {
    const result = await runHog(
      ['run', '-i', '0.05', '--', 'bash', '-c', 'exec /usr/bin/python3 -c "import time; time.sleep(0.6)"'],
      { env: { HOG_DB: db } },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^ {2}PID \d+ \(python3\): RSS /m);
    expect(result.stderr).toMatch(
      /^ {2}note: PID \d+ is now python3 \(was bash\): it exec'd another program$/m,
    );
  });
});
