/**
 * What the process page offers for a Node.js process: the `hog heap` command to run on the machine
 * (src/cli/heap.ts). The dashboard has no action endpoint, so it never takes the snapshot itself; it
 * says what the command does to the process before the user runs it.
 */

export interface HeapHint {
  command: string;
  note: string;
}

/** The hint for a process, or null when it is not a Node.js process. */
export function heapHint(pid: number, isNode: boolean): HeapHint | null {
  if (!isNode) return null;
  return {
    command: `hog heap summary ${pid} --sigusr1`,
    note:
      'Run it as root or as the process’s user. It takes a V8 heap snapshot and prints what fills the ' +
      'heap by constructor, with retained sizes. --sigusr1 opens the inspector with SIGUSR1: leave it out ' +
      'if the process was started with --inspect or handles SIGUSR1 itself. The process pauses while V8 ' +
      'writes the snapshot, which needs about the heap’s size in free RAM and disk.',
  };
}
