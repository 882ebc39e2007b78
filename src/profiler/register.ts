/**
 * The first module of a program run by `hog profile` (node --import .../register.js script ...):
 * installs the profiler runtime, the module hooks (ESM and CommonJS) and, with --sample, the allocation
 * sampler; writes what was measured when the program ends — normally, through process.exit(), an
 * uncaught exception, or a signal that would have killed it.
 */
import { writeFileSync } from 'node:fs';
import { register } from 'node:module';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMainThread } from 'node:worker_threads';
import { type ChildConfig, CONFIG_ENV, readChildConfig, resultsFile } from './childConfig.js';
import type { HookData } from './esmHooks.js';
import { markerWriterFromEnv } from './markers.js';
import { memoryReader, youngGenerationReader } from './probe.js';
import { installRequireHooks } from './requireHooks.js';
import { installRuntime, ProfilerRuntime } from './runtime.js';
import { AllocationSampler, type SampleNode } from './sampling.js';
import { SyncCompiler } from './syncCompiler.js';

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
  // programs this one starts are not profiled
  delete process.env[CONFIG_ENV];

  const runtime = new ProfilerRuntime({
    reader: memoryReader(config.metric),
    breakAbove: config.breakAbove,
    markers: markerWriterFromEnv(),
    betweenLines: config.mode === 'line' ? youngCollector() : undefined,
  });
  installRuntime(runtime);

  const hookData: HookData = { config, hogEntry: HOG_ENTRY.href };
  register('./esmHooks.js', { parentURL: import.meta.url, data: hookData });
  let sampler: AllocationSampler | undefined;
  if (config.mode === 'sample' && config.sample) {
    sampler = new AllocationSampler();
    sampler.start(config.sample);
  }
  installRequireHooks(new SyncCompiler(config), {
    instrument: config.mode === 'line',
    functionNames: config.functionNames,
    hogRequireEntry: HOG_REQUIRE_ENTRY.pathname,
    retainScripts: sampler !== undefined,
  });

  let sampled: SampleNode | undefined;
  const save = (): void => {
    sampled ??= sampler?.stop();
    const results = { ...runtime.results(), sampling: sampled ?? null };
    writeFileSync(resultsFile(config.dir, process.pid, 0), JSON.stringify(results));
  };
  process.on('exit', () => {
    save();
    runtime.close();
  });
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

const config = readChildConfig();
if (config && isMainThread) start(config);
