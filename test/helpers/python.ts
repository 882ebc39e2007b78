/** python3 processes for tests of how process names show: the interpreter at its full path, one script each. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Child, spawnCommand, waitFor } from './processes.js';

export interface PythonWorkers {
  dir: string;
  /** The interpreter's full path (sys.executable), as /proc/PID/cmdline shows it. */
  python: string;
  workers: Child[];
  stop(): Promise<void>;
}

/** Three python3 processes at the interpreter's full path, each running its own script from one directory. */
export async function spawnPythonWorkers(): Promise<PythonWorkers> {
  const python = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], {
    encoding: 'utf8',
  }).stdout.trim();
  const dir = mkdtempSync(join(tmpdir(), 'hog-issue14-python-'));
  const workers: Child[] = [];
  for (const name of ['ingest_worker', 'report_builder', 'cache_warmer']) {
    const script = join(dir, `${name}.py`);
    writeFileSync(script, 'import time\nwhile True:\n    time.sleep(60)\n');
    const worker = spawnCommand(python, [script]);
    workers.push(worker);
    await waitFor(
      () => readFileSync(`/proc/${worker.pid}/cmdline`, 'utf8').includes(script),
      `python3 ${name}.py to start`,
    );
  }
  const stop = async () => {
    for (const w of workers) await w.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return { dir, python, workers, stop };
}
