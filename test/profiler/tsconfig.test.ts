/** tsconfig.json read without TypeScript: comments, `extends` chains (files and packages), `paths`. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  pathCandidates,
  projectConfig,
  resolveAlias,
  stripJsonComments,
} from '../../src/profiler/tsconfig.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'hog-test-tsconfig-'));
  const files: Record<string, string> = {
    'node_modules/@acme/tsconfig/package.json': '{ "name": "@acme/tsconfig" }',
    'node_modules/@acme/tsconfig/tsconfig.json':
      '{ "compilerOptions": { "useDefineForClassFields": false, "experimentalDecorators": false } }',
    'config/base.json': `{
  "$schema": "https://json.schemastore.org/tsconfig", // a URL is not a comment
  "extends": "@acme/tsconfig",
  /* block
     comment */
  "compilerOptions": {
    "experimentalDecorators": true,
    "baseUrl": "../src",
    "paths": { "@lib/*": ["lib/*", "fallback/*"], "@lib/special": ["special/index.ts"], },
  },
}`,
    'tsconfig.json': '{ "extends": "./config/base", "compilerOptions": { "jsx": "react", "strict": true } }',
    'src/lib/util.ts': 'export const u = 1;\n',
    'src/fallback/only.ts': 'export const f = 1;\n',
    'src/special/index.ts': 'export const s = 1;\n',
    'src/app/deep/file.ts': '',
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('tsconfig without the compiler', () => {
  it('strips comments and trailing commas, not // inside strings', () => {
    expect(JSON.parse(stripJsonComments('{ "a": "http://x", // c\n "b": [1, 2,], /* d */ }'))).toEqual({
      a: 'http://x',
      b: [1, 2],
    });
  });

  it('merges an extends chain base first: relative file without .json, then a package', () => {
    const project = projectConfig(join(root, 'src', 'app', 'deep'));
    expect(project?.files).toEqual([
      join(root, 'tsconfig.json'),
      join(root, 'config', 'base.json'),
      join(root, 'node_modules', '@acme', 'tsconfig', 'tsconfig.json'),
    ]);
    expect(project?.options).toEqual({
      useDefineForClassFields: false,
      experimentalDecorators: true,
      jsx: 'react',
    });
  });

  it('maps paths relative to baseUrl of the file that declares them, the longest prefix first', () => {
    const project = projectConfig(root);
    expect(pathCandidates('@lib/util', project)).toEqual([
      join(root, 'src', 'lib', 'util'),
      join(root, 'src', 'fallback', 'util'),
    ]);
    expect(pathCandidates('@lib/special', project)[0]).toBe(join(root, 'src', 'special', 'index.ts'));
    expect(pathCandidates('lodash', project)).toEqual([]);
  });

  it('resolves an alias to a file, trying extensions and the next target', () => {
    const from = join(root, 'src', 'app');
    expect(resolveAlias('@lib/util', from)).toBe(join(root, 'src', 'lib', 'util.ts'));
    expect(resolveAlias('@lib/util.js', from)).toBe(join(root, 'src', 'lib', 'util.ts'));
    expect(resolveAlias('@lib/only', from)).toBe(join(root, 'src', 'fallback', 'only.ts'));
    expect(resolveAlias('@lib/none', from)).toBeUndefined();
    expect(resolveAlias('./util', from)).toBeUndefined();
  });
});
