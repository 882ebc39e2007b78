import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readSnapshot } from '../../src/heap/readSnapshot.js';
import { SnapshotFormatError } from '../../src/heap/snapshotError.js';
import { ParseProblem, type RawSnapshot, SnapshotParser } from '../../src/heap/snapshotParser.js';
import { FIXTURES, runHog } from '../helpers/hog.js';

const TINY = `${FIXTURES}heap/tiny.heapsnapshot`;
const EXTRA = `${FIXTURES}heap/extra-field.heapsnapshot`;
const TRUNCATED = `${FIXTURES}heap/truncated.heapsnapshot`;

/** The fixture as JSON.parse reads it, column by column, as the parser should. */
function expected(file: string) {
  const json = JSON.parse(readFileSync(file, 'utf8'));
  const meta = json.snapshot.meta;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const column = (values: number[], fields: string[], width: number, name: string) =>
    values.filter((_, i) => i % width === fields.indexOf(name));
  return {
    nodeTypes: column(json.nodes, meta.node_fields, nf, 'type'),
    nodeNames: column(json.nodes, meta.node_fields, nf, 'name').map((s) => json.strings[s]),
    nodeIds: column(json.nodes, meta.node_fields, nf, 'id'),
    selfSizes: column(json.nodes, meta.node_fields, nf, 'self_size'),
    edgeTypes: column(json.edges, meta.edge_fields, ef, 'type'),
    edgeTargets: column(json.edges, meta.edge_fields, ef, 'to_node').map((t) => t / nf),
    locations: json.locations.filter((_: number, i: number) => i % 4 === 0).map((n: number) => n / nf),
    strings: json.strings as string[],
  };
}

function actual(raw: RawSnapshot) {
  return {
    nodeTypes: [...raw.nodeTypes],
    nodeNames: [...raw.nodeNames].map((s) => raw.strings[s]),
    nodeIds: [...raw.nodeIds],
    selfSizes: [...raw.selfSizes],
    edgeTypes: [...raw.edgeTypes],
    edgeTargets: [...raw.edgeTargets],
    locations: [...raw.locations.node],
    strings: raw.strings,
  };
}

function parseInChunks(text: Buffer, size: number): RawSnapshot {
  const parser = new SnapshotParser(text.length);
  for (let i = 0; i < text.length; i += size) parser.push(text.subarray(i, i + size));
  return parser.finish();
}

describe('snapshot parser', () => {
  it('reads every column of a real Node.js snapshot as JSON.parse does', async () => {
    const raw = await readSnapshot(TINY);
    expect(actual(raw)).toEqual(expected(TINY));
    expect(raw.nodeIds.length).toBe(39);
    expect(raw.edgeTargets.length).toBe(68);
    expect(raw.strings).toContain('FixtureThing');
    const objectType = raw.layout.nodeTypes.indexOf('object');
    const things = [...raw.nodeNames].filter(
      (s, n) => raw.strings[s] === 'FixtureThing' && raw.nodeTypes[n] === objectType,
    );
    expect(things).toHaveLength(3);
  });

  it('gives the same result whatever the chunk boundaries (1, 7 and 64 bytes)', async () => {
    const whole = await readSnapshot(TINY);
    const text = readFileSync(TINY);
    for (const size of [1, 7, 64]) expect(actual(parseInChunks(text, size))).toEqual(actual(whole));
  });

  it('reads the layout from snapshot.meta: an extra node field and another field order', async () => {
    const tiny = await readSnapshot(TINY);
    const extra = await readSnapshot(EXTRA);
    expect(extra.layout.nodeFieldCount).toBe(tiny.layout.nodeFieldCount + 1);
    expect(actual(extra)).toEqual(actual(tiny));
    expect(actual(extra)).toEqual(expected(EXTRA));
  });

  it('decodes escaped and non-ASCII strings across chunk boundaries', () => {
    const strings = ['', 'plain', 'quote " and \\ backslash', 'line\nbreak', 'é ü 漢字 🐷', '\u0001'];
    const text = Buffer.from(
      `{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count"],"node_types":[["hidden","object"]],` +
        `"edge_fields":["type","name_or_index","to_node"],"edge_types":[["element","property"]]},"node_count":1,"edge_count":0},` +
        `"nodes":[1,4,1,16,0],"edges":[],"strings":${JSON.stringify(strings)}}`,
    );
    for (const size of [1, 2, 3, 5, 1000]) expect(parseInChunks(text, size).strings).toEqual(strings);
  });

  it('says where a truncated file ends, in which section', async () => {
    const error = await readSnapshot(TRUNCATED).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapshotFormatError);
    expect((error as SnapshotFormatError).offset).toBe(readFileSync(TRUNCATED).length);
    expect((error as Error).message).toBe(
      `${TRUNCATED}, byte 1987: truncated heap snapshot: the file ends inside the "edges" array (row 34 of 68)`,
    );
    expect((error as SnapshotFormatError).exitCode).toBe(2);
  });

  it('points at the byte of a corrupt value', () => {
    const text = readFileSync(TINY, 'utf8');
    const at = text.indexOf('"nodes":[') + '"nodes":[9,1,1'.length;
    const corrupt = Buffer.from(`${text.slice(0, at)}x${text.slice(at + 1)}`);
    const error = (() => {
      try {
        parseInChunks(corrupt, 100);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ParseProblem);
    expect((error as ParseProblem).offset).toBe(at);
    expect((error as Error).message).toBe(`unexpected 'x' in the "nodes" array`);
  });

  it('refuses counts that disagree with the head, and references past the last node', () => {
    const text = readFileSync(TINY, 'utf8');
    const fewer = text.replace('"node_count":39', '"node_count":38');
    expect(() => parseInChunks(Buffer.from(fewer), 4096)).toThrow(
      /more values in the "nodes" array than the head's count \(38\)/,
    );
    const head = `{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count"],"node_types":[["hidden"]],"edge_fields":["type","name_or_index","to_node"],"edge_types":[["element"]]},"node_count":1,"edge_count":1},`;
    const past = Buffer.from(`${head}"nodes":[0,0,1,0,1],"edges":[0,0,5],"strings":["a"]}`);
    expect(() => parseInChunks(past, 4096)).toThrow('reference 5 is not the start of one of the 1 nodes');
    const huge = Buffer.from(head.replace('"node_count":1', '"node_count":100000000'));
    expect(() => parseInChunks(huge, 4096)).toThrow(/more than the file can hold/);
  });
});

describe('hog heap summary on bad input', () => {
  it('exits 2 with the byte offset for a truncated snapshot', async () => {
    const r = await runHog(['heap', 'summary', TRUNCATED]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      `hog: ${TRUNCATED}, byte 1987: truncated heap snapshot: the file ends inside the "edges" array`,
    );
    expect(r.stderr).toContain('hint: the file is not a complete V8 heap snapshot');
  });

  it('says a file is not a snapshot (JSON of another kind, plain text)', async () => {
    const json = await runHog(['heap', 'summary', `${FIXTURES}heap/../../../package.json`]);
    expect(json.code).toBe(2);
    expect(json.stderr).toContain('byte 5: not a V8 heap snapshot: its first key is "name", not "snapshot"');
    expect(json.stderr).toContain('hint: give a .heapsnapshot file');
    const text = await runHog(['heap', 'summary', `${FIXTURES}heap/make-fixtures.mjs`]);
    expect(text.code).toBe(2);
    expect(text.stderr).toContain("byte 0: not a V8 heap snapshot: it starts with '#', not a JSON object");
    const missing = await runHog(['heap', 'summary', '/nonexistent/a.heapsnapshot']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('hog: no such snapshot file: "/nonexistent/a.heapsnapshot"');
  });
});
