/**
 * The compile worker for CommonJS modules: require() is synchronous, so the program's thread posts a
 * module here and blocks on a shared flag until the answer is back (see syncCompiler.ts). Keeping the
 * compiler in its own thread keeps it out of the heap the profiler measures.
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import type { ChildConfig } from './childConfig.js';
import type { ModuleFormat } from './moduleFormat.js';
import { hostTransform } from './transformHost.js';

export interface CompileRequest {
  file: string;
  source: string;
  format: ModuleFormat;
}

interface WorkerData {
  port: MessagePort;
  flag: Int32Array;
  config: ChildConfig;
}

const { port, flag, config } = workerData as WorkerData;

port.on('message', async (request: CompileRequest) => {
  let answer: unknown;
  try {
    answer = { result: (await hostTransform(config, request.file, request.source, request.format)).result };
  } catch (error) {
    answer = { failure: String((error as Error).stack ?? error) };
  }
  port.postMessage(answer);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
