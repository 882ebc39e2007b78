/**
 * A synchronous call into the compile worker: post the module, wait on a SharedArrayBuffer flag with
 * Atomics.wait, take the answer with receiveMessageOnPort. The worker starts on the first CommonJS
 * module that needs compiling, and never keeps the program alive.
 */

import { appendFileSync } from 'node:fs';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { type ChildConfig, type CompileErrorInfo, errorsFile } from './childConfig.js';
import type { CompileRequest } from './compileWorker.js';
import type { ModuleFormat } from './moduleFormat.js';
import type { HostResult } from './transformHost.js';

const WORKER = new URL('./compileWorker.js', import.meta.url);
const WAIT_MS = 120_000;

export class SyncCompiler {
  private worker: Worker | undefined;
  private port: MessagePort | undefined;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));

  constructor(private readonly config: ChildConfig) {}

  compile(file: string, source: string, format: ModuleFormat): HostResult {
    const port = this.start();
    Atomics.store(this.flag, 0, 0);
    const request: CompileRequest = { file, source, format };
    port.postMessage(request);
    if (Atomics.wait(this.flag, 0, 0, WAIT_MS) === 'timed-out')
      return this.failed(file, `hog's compile worker took more than ${WAIT_MS / 1000} s over it`);
    const answer = receiveMessageOnPort(port)?.message as
      | { result?: HostResult; failure?: string }
      | undefined;
    if (answer === undefined) return this.failed(file, "hog's compile worker gave no answer");
    if (answer.failure !== undefined)
      return this.failed(file, `hog's compile worker failed: ${answer.failure.split('\n')[0]}`);
    return answer.result;
  }

  /**
   * hog's own failure, from inside the program's require(): thrown there it would reach the program
   * (or end it with a stack trace of hog's). Recorded like a compile error instead, marked as hog's,
   * so the program stops before it runs half-compiled and hog profile says what happened (exit 4).
   */
  private failed(file: string, message: string): HostResult {
    const info: CompileErrorInfo = { file, line: 1, column: 1, message, byHog: true };
    appendFileSync(errorsFile(this.config.dir), `${JSON.stringify(info)}\n`);
    return { error: info };
  }

  private start(): MessagePort {
    if (this.port) return this.port;
    const { port1, port2 } = new MessageChannel();
    this.worker = new Worker(WORKER, {
      workerData: { port: port2, flag: this.flag, config: this.config },
      transferList: [port2],
      // not the program's --import: this thread must not profile itself
      execArgv: [],
      env: {},
    });
    this.worker.unref();
    port1.unref();
    this.port = port1;
    return port1;
  }
}
