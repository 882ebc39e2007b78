import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alternativeSpecifiers } from '../../src/profiler/esmHooks.js';
import { moduleFormat, usesModuleSyntax } from '../../src/profiler/moduleFormat.js';

const root = mkdtempSync(join(tmpdir(), `hog-test-issue4-${process.pid}-`));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('module format', () => {
  it('follows extensions, then the nearest package.json type, then .ts module syntax', () => {
    mkdirSync(join(root, 'esm', 'sub'), { recursive: true });
    mkdirSync(join(root, 'none'), { recursive: true });
    writeFileSync(join(root, 'esm', 'package.json'), '{"type":"module"}');
    writeFileSync(join(root, 'none', 'package.json'), '{"name":"x"}');
    expect(moduleFormat(join(root, 'esm', 'sub', 'a.ts'), () => '')).toBe('module');
    expect(moduleFormat(join(root, 'esm', 'a.cts'), () => '')).toBe('commonjs');
    expect(moduleFormat(join(root, 'none', 'a.mts'), () => '')).toBe('module');
    expect(moduleFormat(join(root, 'none', 'a.ts'), () => "import x from 'y';")).toBe('module');
    expect(moduleFormat(join(root, 'none', 'b.ts'), () => "const x = require('y');")).toBe('commonjs');
    expect(moduleFormat(join(root, 'none', 'a.js'), () => "import x from 'y';")).toBe('commonjs');
  });

  it('recognises module syntax, not the word import in a string or `export =`', () => {
    expect(usesModuleSyntax('export const a = 1;')).toBe(true);
    expect(usesModuleSyntax('console.log(import.meta.url);')).toBe(true);
    expect(usesModuleSyntax('const s = "import x from y";')).toBe(false);
    expect(usesModuleSyntax('export = 1;')).toBe(false);
  });

  it('TypeScript spellings of relative imports', () => {
    expect(alternativeSpecifiers('./a.js')).toEqual(['./a.ts', './a.tsx']);
    expect(alternativeSpecifiers('../b.mjs')).toEqual(['../b.mts']);
    expect(alternativeSpecifiers('./c')).toEqual(['./c.ts', './c.tsx', './c/index.ts', './c/index.tsx']);
    expect(alternativeSpecifiers('lodash')).toEqual([]);
    expect(alternativeSpecifiers('./d.ts')).toEqual([]);
  });
});
