/**
 * The public `profile`: `import { profile } from 'hog'`.
 *
 *   class Store { @profile load() { ... } }     a TC39 (TypeScript 5) decorator on a method
 *   class Store { @profile load() { ... } }     ... or a legacy one, with experimentalDecorators
 *   const build = profile((rows) => { ... })    a wrapper for plain and arrow functions
 *
 * Under `hog profile`, the marked functions were instrumented line by line when their module loaded;
 * then profile() hands them back unchanged. A function hog did not instrument (run with plain
 * `node`, or defined where hog could not see the mark) is measured whole: memory at entry and exit of
 * each call, and the `hog run` markers. Plain `node` runs print those figures to stderr at exit.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildLineReport } from './lineReport.js';
import { renderLineReport } from './lineTable.js';
import { markerWriterFromEnv } from './markers.js';
import { heapReader } from './probe.js';
import { activeRuntime, installRuntime, ProfilerRuntime } from './runtime.js';

// biome-ignore lint/suspicious/noExplicitAny: a wrapper keeps any function's own signature
type AnyFunction = (...args: any[]) => any;

/** Instrumented code names its frame __hogF (instrument.ts); its source text says it was instrumented. */
const instrumented = new WeakMap<AnyFunction, boolean>();
function isInstrumented(fn: AnyFunction): boolean {
  let known = instrumented.get(fn);
  if (known === undefined) {
    known = Function.prototype.toString.call(fn).includes('Symbol.for("hog.profiler")');
    instrumented.set(fn, known);
  }
  return known;
}

export function profile<T extends AnyFunction>(fn: T): T;
export function profile<This, Args extends unknown[], Return>(
  method: (this: This, ...args: Args) => Return,
  context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => Return>,
): (this: This, ...args: Args) => Return;
export function profile(
  target: object,
  key: string | symbol,
  descriptor: PropertyDescriptor,
): PropertyDescriptor;
export function profile(...args: unknown[]): unknown {
  const [first, second, third] = args;
  if (args.length === 1 && typeof first === 'function') return wrap(first as AnyFunction, undefined);
  if (args.length === 2 && typeof second === 'object' && second !== null && 'kind' in second) {
    const context = second as DecoratorContext;
    if (
      (context.kind === 'method' || context.kind === 'getter' || context.kind === 'setter') &&
      typeof first === 'function'
    ) {
      return wrap(first as AnyFunction, String(context.name));
    }
    throw new TypeError(
      `@profile decorates methods, not a ${context.kind}: for an arrow-function field write \`field = profile(() => ...)\``,
    );
  }
  if (args.length === 3 && typeof third === 'object' && third !== null) {
    const descriptor = third as PropertyDescriptor;
    const owner = (first as { constructor?: { name?: string } } | undefined)?.constructor?.name;
    const name = owner ? `${owner}.${String(second)}` : String(second);
    if (typeof descriptor.value === 'function') descriptor.value = wrap(descriptor.value, name);
    else
      throw new TypeError(
        '@profile decorates methods (legacy decorators: the descriptor has no function value)',
      );
    return descriptor;
  }
  throw new TypeError('profile(fn) takes one function, or is used as a @profile method decorator');
}

function wrap(fn: AnyFunction, name: string | undefined): AnyFunction {
  if (isInstrumented(fn)) return fn;
  const runtime = activeRuntime() ?? standaloneRuntime();
  const site = callSite();
  const record = runtime.record(
    site.file,
    site.line,
    site.line,
    site.line,
    name ?? (fn.name || '(anonymous)'),
    'function',
  );
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    const frame = runtime.begin(record, false);
    let result: unknown;
    try {
      result = new.target ? Reflect.construct(fn, args, new.target) : fn.apply(this, args);
    } catch (error) {
      frame.exit();
      throw error;
    }
    if (
      result !== null &&
      typeof result === 'object' &&
      typeof (result as PromiseLike<unknown>).then === 'function'
    ) {
      // an async function's call lasts until its promise settles
      return (result as PromiseLike<unknown>).then(
        (value) => {
          frame.exit();
          return value;
        },
        (error: unknown) => {
          frame.exit();
          throw error;
        },
      );
    }
    frame.exit();
    return result;
  };
  Object.defineProperty(wrapped, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(wrapped, 'length', { value: fn.length, configurable: true });
  return wrapped;
}

const HELPERS = /\b(__esDecorate|__decorate|__decorateClass|__runInitializers)\b/;

/**
 * Where profile() was called from: the stack below callSite, wrap and profile (this file is bundled
 * into dist/index.cjs too, so its own path is no guide), skipping TypeScript's decorator helpers.
 */
function callSite(): { file: string; line: number } {
  const stack = new Error().stack ?? '';
  for (const text of stack.split('\n').slice(4)) {
    if (HELPERS.test(text)) continue;
    const match = /\(?((?:file:\/\/)?\/[^():]*|\[eval\]):(\d+):\d+\)?\s*$/.exec(text);
    if (!match) continue; // Node.js's own frames (node:...) and native ones are not where profile() was written
    const location = match[1] as string;
    return {
      file: location.startsWith('file://') ? fileURLToPath(location) : location,
      line: Number(match[2]),
    };
  }
  return { file: '(unknown)', line: 1 };
}

/** Plain `node app.js` with profile(): measure whole calls and print them to stderr at exit. */
function standaloneRuntime(): ProfilerRuntime {
  const runtime = new ProfilerRuntime({ reader: heapReader(), markers: markerWriterFromEnv() });
  installRuntime(runtime);
  process.on('exit', () => {
    const report = buildLineReport([runtime.results()], [], (file) => {
      try {
        return readFileSync(file, 'utf8').split(/\r?\n/);
      } catch {
        return undefined;
      }
    });
    runtime.close();
    if (report.functions.length === 0) return;
    const lines = renderLineReport(report, { precision: 1 });
    lines.push('', 'hog: whole-call figures only; for line-by-line tables run the script with `hog profile`');
    process.stderr.write(`${lines.join('\n')}\n`);
  });
  return runtime;
}
