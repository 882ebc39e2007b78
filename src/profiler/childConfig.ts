/**
 * What `hog profile` tells the program it runs (through one environment variable), and the files the
 * program leaves behind for it in a private temporary directory:
 *
 *   declared.jsonl        one line per function instrumented when a module loaded (never-called ones too)
 *   errors.jsonl          a module hog could not compile (syntax error), with its position
 *   results-PID-TID.json  what each thread measured, written at exit
 *   loaded-esm.txt        the program's JavaScript ES modules, in load order (to place a syntax error)
 *   baseline-rss          the process's RSS when the program's first module loaded (--metric rss)
 *   compiles.jsonl        where each compiled module came from (cache or compiler), and whether
 *                         TypeScript's compiler was loaded (`hog profile --verbose` reports it)
 */
import { join } from 'node:path';
import type { Metric } from './probe.js';

export const CONFIG_ENV = 'HOG_PROFILE_CONFIG';

export interface SampleConfig {
  /** Average bytes between samples (V8's samplingInterval). */
  interval: number;
  /** Also keep samples of objects already collected (churn). */
  churn: boolean;
}

export interface ChildConfig {
  dir: string;
  mode: 'line' | 'sample';
  metric: Metric;
  functionNames: string[];
  breakAbove?: number;
  sample?: SampleConfig;
  /** hog profile's own PID: only its direct child (and that child's threads) is profiled. */
  hogPid?: number;
  /** The compile cache directory (checked by hog profile), or undefined to compile every module. */
  cacheDir?: string;
}

export interface CompileErrorInfo {
  file: string;
  line: number;
  column: number;
  message: string;
  /** hog's compile worker failed or stalled on the file: hog's failure, not the file's. */
  byHog?: boolean;
}

export const declaredFile = (dir: string): string => join(dir, 'declared.jsonl');
export const errorsFile = (dir: string): string => join(dir, 'errors.jsonl');
export const baselineFile = (dir: string): string => join(dir, 'baseline-rss');
export const loadedFile = (dir: string): string => join(dir, 'loaded-esm.txt');
export const compilesFile = (dir: string): string => join(dir, 'compiles.jsonl');
export const resultsFile = (dir: string, pid: number, thread: number): string =>
  join(dir, `results-${pid}-${thread}.json`);

export function readChildConfig(env: NodeJS.ProcessEnv = process.env): ChildConfig | undefined {
  const text = env[CONFIG_ENV];
  if (!text) return undefined;
  try {
    return JSON.parse(text) as ChildConfig;
  } catch {
    return undefined;
  }
}
