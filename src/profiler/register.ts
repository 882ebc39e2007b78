/**
 * The first module of a program run by `hog profile` (node --import .../register.js script ...):
 * installs the profiler runtime, the module hooks (ESM and CommonJS) and, with --sample, the allocation
 * sampler; writes what was measured when the program ends — normally, through process.exit(), an
 * uncaught exception, or a signal that would have killed it.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { register } from 'node:module';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMainThread, threadId } from 'node:worker_threads';
import { type ChildConfig, errorsFile, loadedFile, readChildConfig, resultsFile } from './childConfig.js';
import type { HookData } from './esmHooks.js';
import { markerWriterFromEnv } from './markers.js';
import { memoryReader, youngGenerationReader } from './probe.js';
import { installRequireHooks } from './requireHooks.js';
import { installRuntime, ProfilerRuntime } from './runtime.js';
import { AllocationSampler, type SampleNode } from './sampling.js';
import { SyncCompiler } from './syncCompiler.js';
import { parseErrorOf } from './syntaxErrors.js';

const HOG_ENTRY = new URL('../index.js', import.meta.url);
const HOG_REQUIRE_ENTRY = new URL('../index.cjs', import.meta.url);

/** Young garbage above this is collected before an outermost profiled call. */
const YOUNG_GARBAGE_LIMIT = 64 * 1024;

/**
 * Before a profiled call starts (and when one resumes after an await), collect the young garbage other
 * code left (when there is more than 64 KiB of young objects): otherwise the first scavenge inside the
 * call frees it, and the line that happened to trigger it shows a decrease that is not its doing. A scavenge costs ~1 ms and only
 * copies live young objects. V8's gc() is taken without exposing it to the program: the flag is set
 * and gc comes from a fresh context (the program's global `gc` stays undefined).
 */
function youngCollector(): (() => void) | undefined {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as ((options?: { type: 'minor' | 'major' }) => void) | undefined;
    if (!gc) return undefined;
    const young = youngGenerationReader();
    return () => {
      if (young() >= YOUNG_GARBAGE_LIMIT) gc({ type: 'minor' });
    };
  } catch {
    return undefined;
  }
}

function start(config: ChildConfig): void {
  const runtime = new ProfilerRuntime({
    reader: memoryReader(config.metric),
    breakAbove: config.breakAbove,
    markers: markerWriterFromEnv(),
    betweenLines: config.mode === 'line' ? youngCollector() : undefined,
  });
  installRuntime(runtime);

  // the program's worker threads run this module too (they inherit --import); Node.js 20 gives each
  // thread its own module hooks, so each registers its own
  const hookData: HookData = { config, hogEntry: HOG_ENTRY.href };
  register('./esmHooks.js', { parentURL: import.meta.url, data: hookData });
  reportParseErrors(config);
  let sampler: AllocationSampler | undefined;
  if (config.mode === 'sample' && config.sample) {
    sampler = new AllocationSampler();
    sampler.start(config.sample);
  }
  installRequireHooks(new SyncCompiler(config), config, {
    instrument: config.mode === 'line',
    functionNames: config.functionNames,
    hogRequireEntry: HOG_REQUIRE_ENTRY.pathname,
    retainScripts: sampler !== undefined,
  });

  let sampled: SampleNode | undefined;
  const save = (): void => {
    sampled ??= sampler?.stop();
    const results = { ...runtime.results(), sampling: sampled ?? null };
    writeFileSync(resultsFile(config.dir, process.pid, threadId), JSON.stringify(results));
  };
  process.on('exit', () => {
    save();
    runtime.close();
  });
  if (!isMainThread) return; // signals are the main thread's
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      save();
      // only ours: do what the signal would have done without it
      if (process.listenerCount(signal) === 1) {
        runtime.close();
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}

/**
 * A module Node.js cannot parse (a .js/.mjs syntax error, a binary file): instead of Node.js's stack,
 * `hog profile` reports it with its file:line:column like a TypeScript one, and the program stops with
 * exit code 2. Only when nothing of the program's own handles uncaught exceptions.
 */
function reportParseErrors(config: ChildConfig): void {
  process.on('uncaughtExceptionMonitor', (error) => {
    if (process.listenerCount('uncaughtException') > 0) return;
    const info = parseErrorOf(error, loadedFile(config.dir));
    if (!info) return;
    appendFileSync(errorsFile(config.dir), `${JSON.stringify(info)}\n`);
    process.exit(2);
  });
}

/**
 * Profile this process only if `hog profile` started it (and its worker threads): a program's own
 * child_process.fork() inherits --import and the environment, but is not what the user asked about.
 */
const config = readChildConfig();
if (config && (!isMainThread || config.hogPid === undefined || process.ppid === config.hogPid)) start(config);
