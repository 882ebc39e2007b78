import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  composeMaps,
  decodeMappings,
  encodeMappings,
  findSourceMap,
  type RawSourceMap,
  SourceMapIndex,
  withInlineMap,
} from '../../src/profiler/sourceMap.js';

const SOURCE =
  'interface A { x: number }\nenum E { One }\nexport function f(a: A): number {\n  return a.x + E.One;\n}\n';

function compiled(): { code: string; map: RawSourceMap } {
  const out = ts.transpileModule(SOURCE, {
    fileName: '/src/f.ts',
    compilerOptions: { sourceMap: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  });
  return { code: out.outputText, map: JSON.parse(out.sourceMapText as string) as RawSourceMap };
}

describe('source maps', () => {
  it('decodes and re-encodes VLQ mappings unchanged', () => {
    const { map } = compiled();
    expect(encodeMappings(decodeMappings(map.mappings))).toBe(map.mappings);
    expect(decodeMappings('AAAA,SAAS;;AACA')).toEqual([
      [
        [0, 0, 0, 0],
        [9, 0, 0, 9],
      ],
      [],
      [[0, 0, 1, 9]],
    ]);
    expect(() => decodeMappings('A!')).toThrow(/invalid base64 VLQ/);
  });

  it('looks up original positions: the return statement is on line 4 of the .ts', () => {
    const { code, map } = compiled();
    const index = new SourceMapIndex(map, '/dist');
    const lines = code.split('\n');
    const generated = lines.findIndex((l) => l.includes('return a.x'));
    const original = index.originalFor(generated, lines[generated]?.indexOf('return') ?? 0);
    expect(original).toMatchObject({ source: '/dist/f.ts', line: 3, column: 2 });
    expect(index.originalFor(999, 0)).toBeUndefined();
  });

  it('finds inline and file maps from the sourceMappingURL comment, and ignores broken ones', () => {
    const { code, map } = compiled();
    const inline = withInlineMap(code, { ...map, sources: ['f.ts'] });
    expect(inline).toMatch(/\/\/# sourceMappingURL=data:application\/json;charset=utf-8;base64,/);
    expect(findSourceMap('/src/f.js', inline)?.sources).toEqual(['/src/f.ts']);
    expect(
      findSourceMap('/src/f.js', 'x;\n//# sourceMappingURL=data:application/json;base64,e30='),
    ).toBeUndefined();
    expect(findSourceMap('/nowhere/f.js', 'x;\n//# sourceMappingURL=f.js.map')).toBeUndefined();
    expect(findSourceMap('/src/f.js', 'no comment')).toBeUndefined();
  });

  it('composes two maps: outer -> middle -> original', () => {
    const { map } = compiled();
    const inner = new SourceMapIndex({ ...map, sources: ['f.ts'], sourcesContent: [SOURCE] }, '/src');
    // an identity map over the compiled code, shifted down one line
    const identity: RawSourceMap = {
      version: 3,
      sources: ['f.js'],
      mappings: encodeMappings([
        [],
        ...decodeMappings(map.mappings).map((line) =>
          line.map((s) => [s[0] as number, 0, decodeMappings(map.mappings).indexOf(line), s[0] as number]),
        ),
      ]),
    };
    const composed = composeMaps(identity, inner);
    expect(composed.sources).toEqual(['/src/f.ts']);
    expect(composed.sourcesContent).toEqual([SOURCE]);
    const lines = decodeMappings(composed.mappings);
    expect(lines[0]).toEqual([]);
    expect(lines.flat().every((s) => s.length === 1 || (s[2] as number) <= 4)).toBe(true);
  });

  it('maps through an index map (sections, as bundlers write one): each section at its offset', () => {
    const { code, map } = compiled();
    const offset = 10;
    const indexMap = {
      version: 3,
      sections: [
        { offset: { line: 0, column: 0 }, map: { ...map, sources: ['a.ts'], sourcesContent: ['// a'] } },
        { offset: { line: offset, column: 0 }, map: { ...map, sources: ['b.ts'], sourcesContent: ['// b'] } },
      ],
    };
    const data = Buffer.from(JSON.stringify(indexMap)).toString('base64');
    const found = findSourceMap(
      '/src/bundle.js',
      `${code}\n//# sourceMappingURL=data:application/json;base64,${data}\n`,
    );
    expect(found?.sources).toEqual(['/src/a.ts', '/src/b.ts']);
    const lines = code.split('\n');
    const generated = lines.findIndex((l) => l.includes('return a.x'));
    const column = lines[generated]?.indexOf('return') ?? 0;
    expect(found?.originalFor(generated, column)).toEqual({
      source: '/src/a.ts',
      sourceIndex: 0,
      line: 3,
      column: 2,
    });
    expect(found?.originalFor(offset + generated, column)).toEqual({
      source: '/src/b.ts',
      sourceIndex: 1,
      line: 3,
      column: 2,
    });
    expect(found?.sourceText(1)).toBe('// b');
  });
});
