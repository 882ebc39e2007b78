/**
 * `hog profile script.ts|js [args...]`: run a script with its profiled functions instrumented and print
 * memory_profiler's line-by-line tables; `--sample` for whole-program allocation sampling instead.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { HogError, NotFoundError, quote, UsageError } from '../errors.js';
import { rankSites, type SiteRanking } from '../profiler/allocationSites.js';
import { flameGraphHtml } from '../profiler/flameGraph.js';
import { buildLineReport, type LineProfileReport } from '../profiler/lineReport.js';
import { renderLineReport } from '../profiler/lineTable.js';
import { METRICS, type Metric } from '../profiler/probe.js';
import { type ProfileRun, runProfiled } from '../profiler/profileRun.js';
import { renderSites } from '../profiler/siteTable.js';
import { isTypeScript } from '../profiler/sourceKinds.js';
import type { CliContext } from './context.js';
import { shellExitStatus } from './exitStatus.js';
import { decimals, positiveInt, positiveSize } from './optionValues.js';
import type { Output } from './output.js';

interface ProfileOptions {
  function?: string[];
  metric: string;
  precision: number;
  breakAbove?: number;
  sample?: boolean;
  sampleInterval: number;
  churn?: boolean;
  top: number;
  output?: string;
  json?: boolean;
  verbose?: boolean;
}

function sourceLines(file: string): string[] | undefined {
  try {
    return readFileSync(file, 'utf8').split(/\r?\n/);
  } catch {
    return undefined;
  }
}

/** After the options in --help: how to mark what to profile, and examples. */
const PROFILE_HELP = `
Mark what to profile in the script, then run it with hog profile:
  import { profile } from 'hog'
  class Store { @profile load() { ... } }        a method (TC39 or legacy decorator)
  const build = profile((rows) => { ... })       a function or arrow
  // @profile                                    the comment above a function
  function parse(text) { ... }
or name it: hog profile --function parse app.ts

Examples:
  hog profile app.ts                             tables for the profiled functions
  hog profile --function parse dist/app.js       compiled code: lines of the .ts through its source map
  hog profile --break-above 1G server.ts         heap snapshot when a profiled function passes 1 GiB
  hog profile --sample -o flame.html app.ts      top allocation sites and a flame graph
  hog profile --sample --churn app.ts --port 0   churn too; arguments after the script are its own`;

export function register(program: Command, context: CliContext): void {
  // options after the script belong to the script (register runs only when `hog profile` was asked for)
  program.enablePositionalOptions();
  program
    .command('profile')
    .description(
      'line-by-line memory profile of a TypeScript/JavaScript script (memory_profiler for Node.js)',
    )
    .argument('<script>', 'the .ts or .js file to run (TypeScript runs directly)')
    .argument('[args...]', "the script's own arguments")
    .option(
      '-f, --function <name>',
      'profile functions and methods of this name (repeatable)',
      (v: string, all: string[] = []) => [...all, v],
    )
    .option('--metric <metric>', `what "Mem usage" measures: ${METRICS.join('|')}`, 'heap')
    .option('--precision <n>', 'decimals of memory figures', decimals('--precision'), 1)
    .option(
      '--break-above <size>',
      'write a heap snapshot when a profiled function goes above SIZE (e.g. 500M)',
      positiveSize('--break-above'),
    )
    .option('--sample', 'whole-program allocation sampling instead of line tables (low overhead)')
    .option(
      '--sample-interval <size>',
      'with --sample: average bytes between samples',
      positiveSize('--sample-interval'),
      32 * 1024,
    )
    .option('--churn', 'with --sample: also count objects already garbage-collected')
    .option('-n, --top <N>', 'with --sample: allocation sites to list', positiveInt('--top'), 15)
    .option('-o, --output <file.html>', 'with --sample: write an interactive flame graph (works offline)')
    .option('--json', "print JSON (sizes in bytes); the script's own output goes to stderr")
    .addOption(new Option('--verbose').hideHelp())
    .passThroughOptions()
    .addHelpText('after', PROFILE_HELP)
    .action((script: string, args: string[], options: ProfileOptions) =>
      profile(script, args, { ...options, function: options.function ?? [] }, context),
    );
}

type Options = ProfileOptions & { function: string[] };

/** Run the script profiled, then report its tables (or allocation sites); hog's exit status is the script's. */
async function profile(script: string, args: string[], opts: Options, context: CliContext): Promise<void> {
  const output = checkOptions(script, opts);
  const sample = Boolean(opts.sample);
  const run = await runProfiled({
    script,
    args: args.length > 0 && args[0] === '--' ? args.slice(1) : args,
    mode: sample ? 'sample' : 'line',
    metric: opts.metric as Metric,
    functionNames: opts.function,
    breakAbove: opts.breakAbove,
    sample: sample ? { interval: opts.sampleInterval, churn: Boolean(opts.churn) } : undefined,
    scriptStdout: opts.json ? 'stderr' : 'inherit',
    warn: (message) => context.output.error(message),
  });
  if (opts.verbose) context.output.error(compileSummary(run));
  refuseParseErrors(run);
  context.exitCode = shellExitStatus(run.exitCode, run.signal);
  if (run.threads.length === 0) {
    reportNothingMeasured(run, script, context.output);
    return;
  }
  if (sample) reportSample(run, script, opts, output, context.output);
  else reportLines(run, script, opts, context.output);
}

/** A script Node.js could not parse: nothing of it ran, so there is nothing to report but where. */
function refuseParseErrors(run: ProfileRun): void {
  const first = run.errors[0];
  if (!first) return;
  if (first.byHog)
    throw new HogError(`${first.file}: ${first.message}`, {
      hint: 'hog failed here, not the file: the program stopped before it ran. Rerun; if it happens again, report it (with --verbose)',
    });
  throw new UsageError(`${first.file}:${first.line}:${first.column}: ${first.message}`, {
    hint: isTypeScript(first.file)
      ? 'fix the file; hog profile strips TypeScript types without type checking, so this is a syntax error'
      : 'fix the file: Node.js cannot parse it, so nothing of the program ran',
  });
}

/** Killed outright (SIGKILL: kill -9, the OOM killer): the exit status says so, nothing to show. */
function reportNothingMeasured(run: ProfileRun, script: string, out: Output): void {
  out.error(
    `hog: ${script} ended by ${run.signal ?? `exit code ${run.exitCode}`} before hog could read what it measured`,
  );
  out.error('hint: with a growing program, --break-above SIZE writes a heap snapshot before the end');
}

/** The flags that do not go together, and the flame graph's path (resolved; its directory exists). */
function checkOptions(script: string, opts: Options): string | undefined {
  if (!(METRICS as readonly string[]).includes(opts.metric)) {
    throw new UsageError(`unknown --metric ${quote(opts.metric)}`, {
      hint: `use one of ${METRICS.join(', ')}`,
    });
  }
  if (!opts.sample) {
    for (const [flag, set] of [
      ['-o/--output', opts.output !== undefined],
      ['--churn', opts.churn],
    ] as const) {
      if (set)
        throw new UsageError(`${flag} goes with --sample`, {
          hint: `hog profile --sample ${flag.split('/').pop()} ... ${script}`,
        });
    }
  } else if (opts.function.length > 0 || opts.breakAbove !== undefined || opts.metric !== 'heap') {
    throw new UsageError(
      '--sample profiles the whole program: --function, --break-above and --metric are for line tables',
      {
        hint: 'drop --sample for line-by-line tables, or drop the other options',
      },
    );
  }
  const output = opts.output === undefined ? undefined : resolve(opts.output);
  if (output !== undefined && !/\.html?$/.test(output)) {
    throw new UsageError(`-o writes an HTML flame graph: give a .html file, not ${quote(opts.output)}`);
  }
  if (output !== undefined && !existsSync(dirname(output))) {
    throw new NotFoundError(`no directory ${quote(dirname(output))} for the flame graph`, {
      hint: 'create it first, or give -o a path in an existing directory',
    });
  }
  return output;
}

/** --verbose: where the modules came from (the compile cache, the compiler). */
function compileSummary(run: ProfileRun): string {
  const c = run.compiles;
  return `hog: compile cache ${c.cacheDir ?? 'not used'}: ${c.fromCache} module${c.fromCache === 1 ? '' : 's'} from the cache, ${c.compiled} compiled; TypeScript's compiler ${c.compilerLoaded ? `loaded${c.compilerCodeCache ? ' with its code cache' : ''}` : 'not loaded'}`;
}

/** --sample: the top allocation sites (table or JSON) and the flame graph. */
function reportSample(
  run: ProfileRun,
  script: string,
  opts: Options,
  output: string | undefined,
  out: Output,
): void {
  const tree = run.threads.find((t) => t.sampling)?.sampling ?? null;
  const ranking = rankSites(tree, { top: opts.top });
  if (output !== undefined && tree) {
    writeFileSync(
      output,
      flameGraphHtml(tree, { title: `hog profile --sample ${script}`, churn: Boolean(opts.churn) }),
    );
  }
  if (opts.json) {
    out.line(JSON.stringify(sampleJson(run, opts, ranking, output)));
    return;
  }
  out.lines(
    renderSites(ranking, {
      churn: Boolean(opts.churn),
      intervalBytes: opts.sampleInterval,
      width: out.columns,
    }),
  );
  if (output !== undefined) out.line(`\nflame graph: ${output}`);
}

/** Line mode: a table per profiled function (or JSON), with what --function did not find. */
function reportLines(run: ProfileRun, script: string, opts: Options, out: Output): void {
  const report = buildLineReport(run.threads, run.declared, sourceLines);
  if (report.metric === 'rss' && run.residentAtStart !== null) report.baseline = run.residentAtStart;
  if (report.functions.length === 0 && report.notCalled.length === 0) {
    const named =
      opts.function.length > 0
        ? `no function named ${opts.function.map((n) => quote(n)).join(', ')} in the modules ${script} loaded`
        : 'no function was profiled';
    throw new UsageError(named, {
      hint: "mark one with @profile, profile(fn) or a // @profile comment (import { profile } from 'hog'), name it with --function NAME, or use --sample for the whole program",
    });
  }
  // a --function name that matched nothing, while something else was profiled
  const names = [...report.functions.map((f) => f.name), ...report.notCalled.map((f) => f.name)];
  for (const wanted of opts.function) {
    if (!names.some((n) => n === wanted || n.endsWith(`.${wanted}`))) {
      out.error(`note: --function ${wanted}: no function of that name in the modules ${script} loaded`);
    }
  }
  if (opts.json) {
    out.line(JSON.stringify(lineJson(run, report)));
    return;
  }
  out.line('');
  out.lines(
    renderLineReport(report, {
      precision: opts.precision,
      width: out.columns,
      compiler: { modules: run.compiles.compiled, resident: run.compiles.compilerResident },
    }),
  );
  if (run.exitCode !== 0 && run.exitCode !== null) {
    out.error(`hog: ${script} exited with code ${run.exitCode}`);
  } else if (run.signal) {
    out.error(`hog: ${script} was ended by ${run.signal}`);
  }
}

/** --sample --json: the run, the sampling settings, the ranked sites and the flame graph's path. */
function sampleJson(
  run: ProfileRun,
  opts: Options,
  ranking: SiteRanking,
  flameGraph: string | undefined,
): object {
  return {
    script: run.script,
    mode: 'sample',
    exitCode: run.exitCode,
    signal: run.signal,
    intervalBytes: opts.sampleInterval,
    churn: Boolean(opts.churn),
    ...ranking,
    flameGraph: flameGraph ?? null,
  };
}

/** Line mode --json: the run, the line report, and how its modules were compiled. */
function lineJson(run: ProfileRun, report: LineProfileReport): object {
  return {
    script: run.script,
    mode: 'line',
    exitCode: run.exitCode,
    signal: run.signal,
    ...report,
    compileCache: run.compiles,
  };
}
