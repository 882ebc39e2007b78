/**
 * The instrumentation keeps what code means: each snippet runs plain and instrumented (in this
 * process, with a real profiler runtime) and must give the same result, while the probes count.
 */
import { runInThisContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { heapReader } from '../../src/profiler/probe.js';
import { installRuntime, ProfilerRuntime } from '../../src/profiler/runtime.js';
import { transformModule } from '../../src/profiler/transform.js';

let runtime: ProfilerRuntime;
beforeAll(() => {
  runtime = new ProfilerRuntime({ reader: heapReader() });
  installRuntime(runtime);
});

/** Evaluate a CommonJS-style snippet whose last expression statement is `result = ...`. */
function evaluate(code: string): Promise<unknown> | unknown {
  return runInThisContext(`(function () { let result; ${code}\n; return result; })`)();
}

function instrumented(source: string, file = '/virtual/snippet.js'): string {
  const output = transformModule(file, source, 'commonjs', { mode: 'line', functionNames: [] });
  if (!output) throw new Error('nothing was instrumented');
  return output.code;
}

async function same(source: string, file?: string): Promise<unknown> {
  const plain = await evaluate(source);
  const profiled = await evaluate(instrumented(source, file));
  expect(profiled).toEqual(plain);
  return profiled;
}

const lines = (name: string) =>
  runtime
    .results()
    .functions.find((f) => f.name === name)
    ?.lines.map((l) => [l.line, l.occurrences]) ?? [];

describe('instrumentation', () => {
  it('keeps directives first, and strict mode strict', async () => {
    const result = await same(
      `
// @profile
function strict() {
  'use strict';
  return this === undefined;
}
result = strict();`,
      '/virtual/strict.js',
    );
    expect(result).toBe(true);
  });

  it('labelled continue and break, switch fall-through, single-statement bodies', async () => {
    await same(
      `
// @profile
function walk() {
  const out = [];
  outer: for (let i = 0; i < 4; i++)
    for (let j = 0; j < 4; j++) {
      if (j === 2) continue outer;
      if (i === 3) break outer;
      out.push(i * 10 + j);
    }
  switch (out.length) {
    case 6:
      out.push('six');
    case 7:
      out.push('fell');
      break;
    default:
      out.push('other');
  }
  return out;
}
result = walk();`,
      '/virtual/walk.js',
    );
  });

  it('expression-bodied and async arrows, getters, constructors with super', async () => {
    await same(
      `
class Base { constructor(n) { this.n = n; } }
class Derived extends Base {
  // @profile
  constructor(n) {
    const doubled = n * 2;
    super(doubled);
    this.extra = [doubled];
  }
  // @profile
  get total() {
    return this.n + this.extra.length;
  }
}
// @profile
const square = (x) => ({ x, y: x * x });
// @profile
const later = async (x) => (await Promise.resolve(x)) + 1;
result = later(new Derived(3).total).then((v) => [v, square(4)]);`,
      '/virtual/classes.js',
    );
  });

  it('generators, for...of over a generator, for await, try/finally with return', async () => {
    const result = await same(
      `
// @profile
function* gen(n) {
  try {
    for (let i = 0; i < n; i++) yield i;
  } finally {
    gen.closed = true;
  }
}
// @profile
async function consume() {
  const seen = [];
  for (const v of gen(5)) {
    if (v === 3) break;
    seen.push(v);
  }
  for await (const v of [Promise.resolve('a'), 'b']) seen.push(v);
  try {
    return seen;
  } finally {
    seen.push('finally');
  }
}
result = consume().then((seen) => [seen, gen.closed]);`,
      '/virtual/generators.js',
    );
    expect(result).toEqual([[0, 1, 2, 'a', 'b', 'finally'], true]);
    // consume(): the for...of header ran 4 times before the break (3 values and the break's own step)
    expect(lines('consume')).toContainEqual([13, 4]);
  });

  it('TypeScript: enums, parameter properties and decorators are compiled, types removed', async () => {
    const source = `
enum Kind { A = 1, B = 2 }
class Box {
  constructor(private readonly size: number) {}
  // @profile
  area(kind: Kind): number {
    return this.size * this.size * kind;
  }
}
module.exports = new Box(3).area(Kind.B);`;
    const code = instrumented(source, '/virtual/box.ts');
    const module = { exports: undefined as unknown };
    runInThisContext(`(function (module, exports) { ${code}\n})`)(module, {});
    expect(module.exports).toBe(18);
    expect(lines('Box.area')).toContainEqual([7, 1]);
  });

  it('leaves a JavaScript file that profiles nothing untouched', () => {
    expect(
      transformModule('/virtual/x.js', 'const profiled = 1;', 'commonjs', {
        mode: 'line',
        functionNames: [],
      }),
    ).toBeUndefined();
  });
});
