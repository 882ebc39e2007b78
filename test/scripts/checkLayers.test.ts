import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { checkLayers, importsOf } from '../../scripts/check-layers.mjs';

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

/** A tiny src/ tree: path under src -> source text. */
function tree(files: Record<string, string>): string {
  root = mkdtempSync(join(tmpdir(), 'hog-layers-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('check-layers', () => {
  it('passes a tree whose imports go down', () => {
    const src = tree({
      'cli/ps.ts': "import { table } from '../render/table.js';\nimport { read } from '../proc/stat.js';",
      'render/table.ts': "import type { Row } from '../memory/rows.js';",
      'memory/rows.ts': "import { HogError } from '../errors.js';",
      'proc/stat.ts': "import { HogError } from '../errors.js';",
      'errors.ts': 'export class HogError extends Error {}',
    });
    expect(checkLayers(src, [])).toEqual({ circles: [], upward: [], stale: [] });
  });

  it('finds a circle between two files of one module', () => {
    const src = tree({
      'cli/net.ts': "import { runLive } from './netRun.js';",
      'cli/netRun.ts': "import {\n  describeFilter,\n  type NetOptions,\n} from './net.js';",
    });
    expect(checkLayers(src, []).circles).toEqual(['cli/net.ts -> cli/netRun.ts -> cli/net.ts']);
  });

  it('finds an upward import, a peer import, and a dynamic one', () => {
    const src = tree({
      'memory/psColumns.ts': "import { formatBytes } from '../render/units.js';",
      'memory/heap.ts': "export const sockets = () => import('../net/sockets.js');",
      'net/sockets.ts': '',
      'render/units.ts': '',
    });
    expect(checkLayers(src, []).upward).toEqual([
      'memory/heap.ts -> net/sockets.ts',
      'memory/psColumns.ts -> render/units.ts',
    ]);
  });

  it('lets a known exception pass and reports one that no longer occurs', () => {
    const src = tree({
      'memory/psColumns.ts': "import { formatBytes } from '../render/units.js';",
      'render/units.ts': '',
    });
    const known = ['memory/psColumns.ts -> render/units.ts', 'net/netModel.ts -> memory/topModel.ts'];
    expect(checkLayers(src, known)).toEqual({
      circles: [],
      upward: [],
      stale: ['net/netModel.ts -> memory/topModel.ts'],
    });
  });

  it('reports a folder DESIGN.md gives no layer', () => {
    const src = tree({ 'utils/misc.ts': "import { x } from '../proc/stat.js';", 'proc/stat.ts': '' });
    expect(checkLayers(src, []).upward).toEqual([
      'utils/misc.ts -> proc/stat.ts (module utils has no layer in DESIGN.md)',
    ]);
  });

  it('does not read an import quoted in a comment', () => {
    expect(
      importsOf("/* import { a } from '../render/a.js'; */\n// from '../cli/b.js'\nimport '../c.js';"),
    ).toEqual(['../c.js']);
  });

  it('passes on hog itself', () => {
    const result = checkLayers(join(import.meta.dirname, '..', '..', 'src'));
    expect(result).toEqual({ circles: [], upward: [], stale: [] });
  });
});
