/**
 * The guard's expressions evaluated inside a Node.js program of their own (with the inspector opened
 * in-process): closed 50 ms after CLOSE, never by throwing; and, when the loader finds no module (no
 * `require` in scope, Node.js < 20.16 without process.getBuiltinModule), by its last resorts.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ARM_EXPRESSION,
  CLOSE_EXPRESSION,
  GUARD_PRESENT_EXPRESSION,
} from '../../src/inspector/closeGuard.js';
import { tempDir } from '../helpers/store.js';

const tmp = tempDir('close-guard');
afterAll(() => tmp.remove());

/** Run `arm` then CLOSE in an ES module that opened its own inspector; what it saw, as JSON. */
function runGuard(arm: string): {
  armed: unknown;
  openBefore: boolean;
  openAfter: boolean;
  guardLeft: boolean;
} {
  const file = join(tmp.dir, `guard-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(
    file,
    `import inspector from 'node:inspector';
inspector.open(0, '127.0.0.1');
const armed = (0, eval)(${JSON.stringify(arm)});
const openBefore = inspector.url() !== undefined;
(0, eval)(${JSON.stringify(CLOSE_EXPRESSION)});
setTimeout(() => process.stdout.write(JSON.stringify({ armed, openBefore,
  openAfter: inspector.url() !== undefined, guardLeft: (0, eval)(${JSON.stringify(GUARD_PRESENT_EXPRESSION)}) })), 300);
`,
  );
  return JSON.parse(
    execFileSync(process.execPath, [file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
  );
}

describe('the close guard', () => {
  it('in an ES module with getBuiltinModule: armed, then closed 50 ms after CLOSE, leaving nothing behind', () => {
    expect(runGuard(ARM_EXPRESSION)).toEqual({
      armed: 'armed',
      openBefore: true,
      openAfter: false,
      guardLeft: false,
    });
  });

  it('when the loader finds no module, falls back to process._debugEnd and the global timers', () => {
    const nothing = ARM_EXPRESSION.replace(
      /\}\)\(function \(name\) \{[\s\S]*?\n\}, (\d+)\)$/,
      '})(function () { return undefined; }, $1)',
    );
    expect(nothing).not.toBe(ARM_EXPRESSION);
    expect(runGuard(nothing)).toEqual({
      armed: 'armed',
      openBefore: true,
      openAfter: false,
      guardLeft: false,
    });
  });
});
