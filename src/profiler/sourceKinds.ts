/**
 * What can be decided about a module without TypeScript's compiler. The program's own thread imports
 * only this: the compiler (tens of MiB of heap) must stay out of the heap the profiler measures.
 */

export function isTypeScript(file: string): boolean {
  return /\.(?:[cm]?ts|tsx)$/.test(file) && !file.endsWith('.d.ts');
}

/** Cheap text test before parsing: can this file contain a profiled function? */
export function mightSelect(text: string, functionNames: readonly string[] = []): boolean {
  return (
    text.includes('profile') || functionNames.some((name) => text.includes(name.split('.').pop() ?? name))
  );
}

/**
 * What runs instead of a module hog could not compile: the program stops with exit code 2 and
 * `hog profile` prints the error with its file:line (Node.js's own stack trace would add nothing).
 */
export const STOP_SOURCE = 'process.exit(2);\n';
