import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { selectProfiled } from '../../src/profiler/select.js';

function select(source: string, functionNames: string[] = [], file = 'x.ts') {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ESNext, true);
  return selectProfiled(sf, { functionNames }).map((s) => ({
    name: s.name,
    reason: s.reason,
    lines: [s.startLine, s.headerLine, s.endLine],
  }));
}

describe('selectProfiled', () => {
  it('finds @profile methods, under an alias and through a namespace', () => {
    const source = [
      "import { profile as p } from 'hog';", // 1
      "import * as hog from 'hog';", // 2
      'class Store {', // 3
      '  @p', // 4
      '  load() { return 1; }', // 5
      '  @hog.profile', // 6
      '  save() {', // 7
      '  }', // 8
      '  @other', // 9
      '  skip() {}', // 10
      '}', // 11
    ].join('\n');
    expect(select(source)).toEqual([
      { name: 'Store.load', reason: 'decorator', lines: [4, 5, 5] },
      { name: 'Store.save', reason: 'decorator', lines: [6, 7, 8] },
    ]);
  });

  it('finds // @profile comments above functions, arrows in variables, methods and exports', () => {
    const source = [
      '// @profile', // 1
      'export async function a() {}', // 2
      '/** Builds.', // 3
      ' * @profile', // 4
      ' */', // 5
      'const b = (x: number) => x * 2;', // 6
      'const o = {', // 7
      '  // @profile', // 8
      '  c() {},', // 9
      '};', // 10
      '// a comment that mentions @profile in passing', // 11
      'function d() {}', // 12
      '/* @profile */ exports.e = function () {};', // 13
    ].join('\n');
    expect(select(source, [], 'x.js')).toEqual([
      { name: 'a', reason: 'comment', lines: [1, 2, 2] },
      { name: 'b', reason: 'comment', lines: [3, 6, 6] },
      { name: 'c', reason: 'comment', lines: [8, 9, 9] },
      { name: 'e', reason: 'comment', lines: [13, 13, 13] },
    ]);
  });

  it('finds profile(fn) wrappers, by literal and by the name of a function in the file', () => {
    const source = [
      "const { profile } = require('hog');", // 1
      'const build = profile((rows) => {', // 2
      '  return rows;', // 3
      '});', // 4
      'function parse(t) {', // 5
      '  return t;', // 6
      '}', // 7
      'module.exports = profile(parse);', // 8
      'const x = (0, hog_1.profile)(function named() {});', // 9: compiled CommonJS, hog_1 is not hog's
    ].join('\n');
    expect(select(source, [], 'x.js')).toEqual([
      { name: 'build', reason: 'wrapper', lines: [2, 2, 4] },
      { name: 'parse', reason: 'wrapper', lines: [5, 5, 7] },
    ]);
    const compiled = 'const hog_1 = require("hog");\nconst f = (0, hog_1.profile)(() => 1);\n';
    expect(select(compiled, [], 'x.js')).toEqual([{ name: 'f', reason: 'wrapper', lines: [2, 2, 2] }]);
  });

  it('--function names: bare names match methods too, Class.method only that one', () => {
    const source = [
      'class A { work() {} }', // 1
      'class B { work() {} }', // 2
      'function work() {}', // 3
      'const helper = function () {};', // 4
    ].join('\n');
    expect(select(source, ['work']).map((s) => s.name)).toEqual(['A.work', 'B.work', 'work']);
    expect(select(source, ['B.work']).map((s) => s.name)).toEqual(['B.work']);
    expect(select(source, ['helper']).map((s) => s.name)).toEqual(['helper']);
    expect(select(source, ['nothing'])).toEqual([]);
  });
});
