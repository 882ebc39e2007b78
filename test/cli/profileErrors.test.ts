/** `hog profile` on bad input: a clear error with file:line or a hint, the right exit code. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { profileScripts, runProfile, type ScriptDir } from '../helpers/profileFixtures.js';

let scripts: ScriptDir;
beforeAll(() => {
  scripts = profileScripts();
});
afterAll(() => scripts.remove());

describe('hog profile: bad input', () => {
  it('script not found', async () => {
    const result = await runProfile([join(scripts.dir, 'missing.ts')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('hog: script not found:');
    expect(result.stderr).toContain('hint:');
  });

  it('a syntax error: file:line:column and the message, nothing run', async () => {
    const result = await runProfile([scripts.path('syntax-error.ts')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `hog: ${scripts.path('syntax-error.ts')}:3:21: Expression expected. (TS1109)`,
    );
    expect(result.stdout).toBe('');
  });

  it('a syntax error in an imported module names that module', async () => {
    const main = join(scripts.dir, 'imports-bad.ts');
    writeFileSync(main, "import './syntax-error.js';\nconsole.log('not reached');\n");
    const result = await runProfile([main]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${scripts.path('syntax-error.ts')}:3:21`);
    expect(result.stdout).not.toContain('not reached');
  });

  it('no profiled function: says how to mark one', async () => {
    const script = join(scripts.dir, 'plain.js');
    writeFileSync(script, 'const a = [1, 2, 3];\nconsole.log(a.length);\n');
    const result = await runProfile([script]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('hog: no function was profiled');
    expect(result.stderr).toContain('// @profile');
  });

  it('--function with a name nothing has', async () => {
    const result = await runProfile(['--function', 'nowhere', scripts.path('hot.js')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('hog: no function named "nowhere"');
  });

  it('rejects options that do not fit together, before running anything', async () => {
    const cases: [string[], string][] = [
      [['--precision', '9'], '--precision must be a whole number of decimals from 0 to 6'],
      [['--metric', 'pss'], 'unknown --metric "pss"'],
      [['--break-above', 'lots'], 'not a size: "lots"'],
      [['-o', 'flame.html'], '-o/--output goes with --sample'],
      [['--sample', '--function', 'x'], '--sample profiles the whole program'],
      [['--sample', '-o', 'flame.svg'], '-o writes an HTML flame graph'],
      [['--sample', '-o', join(scripts.dir, 'no', 'flame.html')], 'no directory'],
    ];
    for (const [options, message] of cases) {
      const result = await runProfile([...options, scripts.path('hot.js')]);
      expect(result.code, options.join(' ')).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stdout).not.toContain('kept');
    }
  });

  it('a script killed outright: its exit status, and why there is nothing to show', async () => {
    const script = join(scripts.dir, 'killed.js');
    writeFileSync(
      script,
      "// @profile\nfunction die() {\n  process.kill(process.pid, 'SIGKILL');\n}\ndie();\n",
    );
    const result = await runProfile([script]);
    expect(result.code).toBe(128 + 9);
    expect(result.stderr).toContain('ended by SIGKILL before hog could read what it measured');
  });
});
