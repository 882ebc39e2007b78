/**
 * `hog heap`: the V8 heap of a Node.js program, from snapshot files. summary (by constructor, type or
 * retainer, with retained sizes), diff of two snapshots (DevTools' Comparison) or three (memlab's
 * leak clusters).
 */
import { type Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import type { CliContext } from './context.js';
import { type DiffFlags, runDiff, runSummary, type SummaryFlags } from './heapAnalyse.js';
import { positiveInt } from './optionValues.js';

export function register(program: Command, context: CliContext): void {
  const heap = program
    .command('heap')
    .description('the V8 heap of a Node.js program: summary by constructor, diff of snapshots, leak clusters')
    .addHelpText(
      'after',
      `
Snapshot files are .heapsnapshot files as written by v8.writeHeapSnapshot(), node --heapsnapshot-signal,
or Chrome DevTools. They are read as a stream: a snapshot of several GiB works (DevTools stops at
about 512 MiB).

Examples:
  hog heap summary app.heapsnapshot              objects by constructor: count, shallow and retained size
  hog heap summary --by retainer app.heapsnapshot   grouped by what holds them (guppy's by-referrer)
  hog heap diff before.heapsnapshot after.heapsnapshot   new and deleted objects per constructor
  hog heap diff a.heapsnapshot b.heapsnapshot c.heapsnapshot   objects allocated between a and b still alive
                                                 in c, clustered by their retainer path (memlab's method)`,
    );

  heap
    .command('summary')
    .description('objects by constructor, like DevTools Summary: count, shallow and retained size')
    .argument('<file>', 'a .heapsnapshot file')
    .option('-n, --top <N>', 'show the N largest groups', positiveInt('--top'), 20)
    .addOption(
      new Option('--by <what>', 'group by constructor, node type, or retainer (guppy by-referrer)')
        .choices(['constructor', 'type', 'retainer'])
        .default('constructor'),
    )
    .addOption(
      new Option('--sort <size>', 'order of the rows')
        .choices(['retained', 'shallow', 'count'])
        .default('retained'),
    )
    .option('--json', 'print JSON (sizes in bytes)')
    .option('--no-progress', 'no progress line while reading')
    .addHelpText(
      'after',
      `
Shallow size is an object's own size; retained size is what the garbage collector would free with it
(the objects it dominates). A constructor's retained size counts the objects no other object of the
same constructor holds, as DevTools does, so nested objects are not counted twice. Weak references
do not retain. CUM % adds up the shallow % of the rows so far.`,
    )
    .action(async (file: string, opts: SummaryFlags) => {
      await runSummary(file, opts, context);
    });

  heap
    .command('diff')
    .description('compare snapshots: A B per constructor (new, deleted), or A B C leak clusters')
    .argument('<snapshots...>', 'two or three .heapsnapshot files of the same process, oldest first')
    .option('-n, --top <N>', 'show the N largest rows or clusters', positiveInt('--top'), 20)
    .option('--json', 'print JSON (sizes in bytes)')
    .option('--no-progress', 'no progress line while reading')
    .addHelpText(
      'after',
      `
Objects are matched across snapshots by V8's object id, so the snapshots must come from one process.
With three snapshots A B C: objects allocated between A and B that are still alive in C are leak
candidates. Strings, numbers, code, hidden and system objects and V8's internal arrays are left out
(they are held by the object that leaks); the rest are grouped by their shortest retainer path from
the GC roots, each with its count, retained size and that path (closures with their source location).
Take A after warm-up, B after the suspected leak happened, C after the same work once more.`,
    )
    .action(async (files: string[], opts: DiffFlags) => {
      if (files.length < 2 || files.length > 3) {
        throw new UsageError(`hog heap diff takes two or three snapshots, got ${files.length}`, {
          hint: 'hog heap diff A B (what changed) or hog heap diff A B C (what was allocated between A and B and is still alive in C)',
        });
      }
      await runDiff(files, opts, context);
    });
}
