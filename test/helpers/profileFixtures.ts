/**
 * The scripts `hog profile` is tested on (test/fixtures/profile/*.txt, stored with a .txt suffix so
 * that the project's own type check and linter leave them alone — one of them is a syntax error on
 * purpose), copied into a temporary directory outside the project, as a user's scripts would be.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, runHog } from './hog.js';

export interface ScriptDir {
  dir: string;
  path(name: string): string;
  remove(): void;
}

export function profileScripts(): ScriptDir {
  const dir = mkdtempSync(join(tmpdir(), `hog-test-issue4-${process.pid}-`));
  const source = join(FIXTURES, 'profile');
  for (const name of readdirSync(source)) {
    if (name.endsWith('.txt')) copyFileSync(join(source, name), join(dir, name.slice(0, -'.txt'.length)));
  }
  return {
    dir,
    path: (name) => join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A line of a function in `hog profile --json` output. */
export interface JsonRow {
  line: number;
  memUsage: number | null;
  increment: number | null;
  occurrences: number | null;
  content: string;
}

export interface JsonFunction {
  name: string;
  file: string;
  startLine: number;
  headerLine: number;
  endLine: number;
  mode: 'line' | 'function';
  calls: number;
  netIncrement: number;
  peak: number | null;
  rows: JsonRow[];
}

export interface JsonLineReport {
  script: string;
  mode: 'line';
  exitCode: number | null;
  metric: string;
  measures: string;
  functions: JsonFunction[];
  notCalled: { name: string; path: string; headerLine: number }[];
  snapshots: { path: string; function: string; line: number; bytes: number; threshold: number }[];
}

export function fn(report: JsonLineReport, name: string): JsonFunction {
  const found = report.functions.find((f) => f.name === name);
  if (!found) throw new Error(`no function ${name} in ${report.functions.map((f) => f.name).join(', ')}`);
  return found;
}

export function row(f: JsonFunction, line: number): JsonRow {
  const found = f.rows.find((r) => r.line === line);
  if (!found) throw new Error(`no line ${line} in ${f.name}`);
  return found;
}

/** `hog profile ARGS`: a profiled run starts Node.js twice and loads TypeScript; allow for a busy machine. */
export function runProfile(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): ReturnType<typeof runHog> {
  // the tests' compile cache, not the user's (~/.cache/hog)
  const env = { XDG_CACHE_HOME: join(tmpdir(), `hog-test-cache-${process.getuid?.() ?? 0}`), ...options.env };
  return runHog(['profile', ...args], { timeoutMs: 50_000, ...options, env });
}
