/**
 * A synchronous call into the compile worker: post the module, wait on a SharedArrayBuffer flag with
 * Atomics.wait, take the answer with receiveMessageOnPort. The worker starts on the first CommonJS
 * module that needs compiling, and never keeps the program alive.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { ChildConfig } from './childConfig.js';
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
    if (Atomics.wait(this.flag, 0, 0, WAIT_MS) === 'timed-out') {
      throw new Error(`hog: compiling ${file} took more than ${WAIT_MS / 1000} s`);
    }
    const answer = receiveMessageOnPort(port)?.message as
      | { result?: HostResult; failure?: string }
      | undefined;
    if (answer === undefined) throw new Error(`hog: no answer from the compile worker for ${file}`);
    if (answer.failure !== undefined)
      throw new Error(`hog: compile worker failed on ${file}: ${answer.failure}`);
    return answer.result;
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
