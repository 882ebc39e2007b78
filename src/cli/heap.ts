/**
 * `hog heap`: the V8 heap of a Node.js process. This file only registers the `snapshot` subcommand
 * (src/cli/heapSnapshot.ts); summary, diff and leak come with the heap analysis (src/heap/).
 */
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { registerHeapSnapshot } from './heapSnapshot.js';

export function register(program: Command, context: CliContext): void {
  const heap = program.command('heap').description('the V8 heap of a Node.js process: snapshot');
  registerHeapSnapshot(heap, context);
}
