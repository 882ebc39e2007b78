/**
 * Where modules are compiled: in Node.js's module-hooks thread (ES modules) or in hog's compile worker
 * (CommonJS), never in the program's own thread, so that TypeScript's compiler (tens of MiB of heap)
 * does not sit in the heap the profiler measures. Records what it instrumented and what failed.
 */
import { appendFileSync } from 'node:fs';
import { sep } from 'node:path';
import { type ChildConfig, type CompileErrorInfo, declaredFile, errorsFile } from './childConfig.js';
import type { ModuleFormat } from './moduleFormat.js';
import { TransformError, transformModule } from './transform.js';

/** hog's own compiled files (this directory's parent, dist/): never instrumented. */
const HOG_DIST = new URL('..', import.meta.url).pathname;

export type HostResult = { code: string } | { error: CompileErrorInfo } | undefined;

export function hostTransform(
  config: ChildConfig,
  file: string,
  source: string,
  format: ModuleFormat,
): HostResult {
  if (file.startsWith(HOG_DIST)) return undefined;
  // dependencies: types are stripped if needed, but nothing is instrumented there
  const dependency = file.includes(`${sep}node_modules${sep}`);
  try {
    const output = transformModule(file, source, format, {
      mode: dependency ? 'sample' : config.mode,
      functionNames: config.functionNames,
    });
    if (output === undefined) return undefined;
    if (output.functions.length > 0) {
      appendFileSync(
        declaredFile(config.dir),
        output.functions.map((f) => `${JSON.stringify(f)}\n`).join(''),
      );
    }
    return { code: output.code };
  } catch (error) {
    const info: CompileErrorInfo =
      error instanceof TransformError
        ? { file: error.file, line: error.line, column: error.column, message: error.detail }
        : {
            file,
            line: 1,
            column: 1,
            message: `hog could not compile this file: ${(error as Error).message}`,
          };
    appendFileSync(errorsFile(config.dir), `${JSON.stringify(info)}\n`);
    return { error: info };
  }
}
