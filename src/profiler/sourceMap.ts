/**
 * Source maps (format: https://tc39.es/ecma426/, "Source Map" revision 3): the `mappings` string is
 * one group per generated line separated by ";", segments separated by ",", each segment 1, 4 or 5
 * base64 VLQ numbers — generated column, source index, original line, original column, name index —
 * each relative to the previous segment (the column restarting at every line).
 *
 * hog needs three things: find the map a compiled .js file names in its sourceMappingURL comment,
 * look positions up in it, and compose the map of its own instrumented output (which maps to the
 * compiled .js) with the file's map (which maps to the .ts), so stack traces still point at the .ts.
 * Reading a map is @jridgewell/trace-mapping's (what Node.js's tooling, Babel and esbuild's users rely
 * on): it resolves the sources and flattens an index map (`sections`, as bundlers write) into one.
 * hog's instrumented output is encoded here (encodeMappings), and decodeMappings reads it back.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AnyMap,
  decodedMappings,
  type SectionedSourceMap,
  type SectionedSourceMapInput,
  type TraceMap,
} from '@jridgewell/trace-mapping';

export interface RawSourceMap {
  version: number;
  file?: string;
  sourceRoot?: string;
  sources: string[];
  sourcesContent?: (string | null)[];
  names?: string[];
  mappings: string;
}

/** A map as a file holds it: a plain map, or an index map of sections (each a map at an offset). */
export type SourceMapFile = RawSourceMap | SectionedSourceMap;

/** [generatedColumn] or [generatedColumn, sourceIndex, originalLine, originalColumn, nameIndex?], 0-based, absolute. */
export type Segment = number[];

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

export function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let source = 0;
  let originalLine = 0;
  let originalColumn = 0;
  let name = 0;
  for (const lineText of mappings.split(';')) {
    const segments: Segment[] = [];
    let column = 0;
    if (lineText !== '') {
      for (const segmentText of lineText.split(',')) {
        const values = decodeVlq(segmentText);
        column += values[0] ?? 0;
        if (values.length >= 4) {
          source += values[1] as number;
          originalLine += values[2] as number;
          originalColumn += values[3] as number;
          if (values.length >= 5) {
            name += values[4] as number;
            segments.push([column, source, originalLine, originalColumn, name]);
          } else segments.push([column, source, originalLine, originalColumn]);
        } else segments.push([column]);
      }
    }
    lines.push(segments);
  }
  return lines;
}

function decodeVlq(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = DIGIT.get(char);
    // decodeMappings reads only TypeScript's map of hog's own output (a user's map is trace-mapping's)
    if (digit === undefined)
      throw new Error(
        `decodeVlq: invalid base64 VLQ character ${JSON.stringify(char)} in hog's own mappings`,
      );
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) shift += 5;
    else {
      values.push(value & 1 ? -Math.floor(value / 2) : Math.floor(value / 2));
      value = 0;
      shift = 0;
    }
  }
  return values;
}

function encodeVlq(n: number): string {
  let value = n < 0 ? -n * 2 + 1 : n * 2;
  let out = '';
  do {
    let digit = value & 31;
    value = Math.floor(value / 32);
    if (value > 0) digit |= 32;
    out += BASE64[digit];
  } while (value > 0);
  return out;
}

export function encodeMappings(lines: readonly Segment[][]): string {
  let source = 0;
  let originalLine = 0;
  let originalColumn = 0;
  let name = 0;
  return lines
    .map((segments) => {
      let column = 0;
      return segments
        .map((s) => {
          const [c = 0, src = 0, line = 0, col = 0, nm = 0] = s;
          let text = encodeVlq(c - column);
          column = c;
          if (s.length >= 4) {
            text +=
              encodeVlq(src - source) + encodeVlq(line - originalLine) + encodeVlq(col - originalColumn);
            source = src;
            originalLine = line;
            originalColumn = col;
            if (s.length === 5) {
              text += encodeVlq(nm - name);
              name = nm;
            }
          }
          return text;
        })
        .join(',');
    })
    .join(';');
}

export interface OriginalPosition {
  /** Absolute path of the original source. */
  source: string;
  sourceIndex: number;
  /** 0-based. */
  line: number;
  column: number;
}

/** A decoded map with lookups: the segment at or before a generated position. */
export class SourceMapIndex {
  private readonly traced: TraceMap;
  /** Absolute paths of the sources. */
  readonly sources: string[];

  constructor(raw: SourceMapFile, mapDir: string) {
    // trace-mapping resolves sources against the map's own URL: a file in mapDir
    this.traced = new AnyMap(raw as SectionedSourceMapInput, `${mapDir}/`);
    this.sources = this.traced.resolvedSources.map((s) =>
      s.startsWith('file://') ? fileURLToPath(s) : resolve(s),
    );
  }

  /** The original position of a 0-based generated line and column, or undefined where nothing maps. */
  originalFor(line: number, column: number): OriginalPosition | undefined {
    const segments = decodedMappings(this.traced)[line];
    if (!segments || segments.length === 0) return undefined;
    let found: readonly number[] | undefined;
    for (const s of segments) {
      if ((s[0] as number) > column) break;
      found = s;
    }
    found ??= segments[0];
    if (!found || found.length < 4) return undefined;
    const [, sourceIndex = 0, originalLine = 0, originalColumn = 0] = found;
    const source = this.sources[sourceIndex];
    if (source === undefined) return undefined;
    return { source, sourceIndex, line: originalLine, column: originalColumn };
  }

  /** The text of source `index`: embedded in the map, else read from disk. */
  sourceText(index: number): string | undefined {
    const embedded = this.traced.sourcesContent?.[index];
    if (typeof embedded === 'string') return embedded;
    const path = this.sources[index];
    if (path === undefined) return undefined;
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  }
}

const MAPPING_URL = /\/\/[#@]\s*sourceMappingURL=(\S+)\s*$/;

/** The map a compiled file names in its last sourceMappingURL comment (inline data: or a file), if readable. */
export function findSourceMap(file: string, code: string): SourceMapIndex | undefined {
  const trimmed = code.trimEnd();
  const last = trimmed.slice(trimmed.lastIndexOf('\n') + 1);
  const match = MAPPING_URL.exec(last.trim());
  if (!match) return undefined;
  const url = match[1] as string;
  try {
    let text: string;
    if (url.startsWith('data:')) {
      const comma = url.indexOf(',');
      const payload = url.slice(comma + 1);
      text = url.slice(0, comma).endsWith(';base64')
        ? Buffer.from(payload, 'base64').toString('utf8')
        : decodeURIComponent(payload);
    } else {
      text = readFileSync(resolve(dirname(file), decodeURIComponent(url)), 'utf8');
    }
    const raw = JSON.parse(text) as Partial<RawSourceMap & SectionedSourceMap>;
    const plain = typeof raw.mappings === 'string' && Array.isArray(raw.sources);
    if (raw.version !== 3 || !(plain || Array.isArray(raw.sections))) return undefined;
    const mapDir = url.startsWith('data:')
      ? dirname(file)
      : dirname(resolve(dirname(file), decodeURIComponent(url)));
    return new SourceMapIndex(raw as SourceMapFile, mapDir);
  } catch {
    return undefined;
  }
}

/** Remove a trailing sourceMappingURL comment. */
export function stripMappingUrl(code: string): string {
  return code.replace(/\n?\/\/[#@]\s*sourceMappingURL=\S+\s*$/, '');
}

/** `code` with `map` appended as an inline data: URL, which Node.js reads with --enable-source-maps. */
export function withInlineMap(code: string, map: RawSourceMap): string {
  const data = Buffer.from(JSON.stringify(map), 'utf8').toString('base64');
  return `${stripMappingUrl(code)}\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${data}\n`;
}

/**
 * Compose `outer` (instrumented output -> compiled input) with `inner` (compiled input -> original):
 * every segment of `outer` is looked up in `inner`, giving instrumented output -> original.
 */
export function composeMaps(outer: RawSourceMap, inner: SourceMapIndex): RawSourceMap {
  const lines = decodeMappings(outer.mappings).map((segments) =>
    segments.flatMap((s): Segment[] => {
      const [column = 0, , line = 0, originalColumn = 0] = s;
      if (s.length < 4) return [[column]];
      const original = inner.originalFor(line, originalColumn);
      return original ? [[column, original.sourceIndex, original.line, original.column]] : [];
    }),
  );
  return {
    version: 3,
    sources: inner.sources,
    sourcesContent: inner.sources.map((_, i) => inner.sourceText(i) ?? null),
    names: [],
    mappings: encodeMappings(lines),
  };
}
