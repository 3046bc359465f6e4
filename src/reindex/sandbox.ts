/**
 * Reading files where a crash cannot take the server down. Parsing a hostile file (a zip bomb
 * that unpacks to 0.4 GiB, a giant table) could exhaust the V8 heap, and a heap exhaustion is
 * fatal to the whole process — the server included, since /reindex runs inside it. Each file is
 * read and extracted in a worker thread with its own heap limit (`resourceLimits`): when it
 * runs out, V8 ends that thread only, the file gets INGEST_RESOURCE_LIMIT, a fresh worker reads
 * the next file, and the reindex goes on. A file that takes longer than the per-file time bound
 * is stopped the same way (INGEST_TIMEOUT).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { IngestLimits } from '../ingest/limits.js';
import type { OcrOptions } from '../ingest/reader.js';
import type { FileInput, FileOutput } from './pipeline.js';

export interface SandboxOptions {
  logger: Logger;
  /** Heap of the reading thread, MiB. Default: 1024. */
  maxHeapMb?: number;
  /** Seconds one file may take (OCR included). Default: 1800. */
  fileTimeoutSec?: number;
}

export const SANDBOX_DEFAULTS = { maxHeapMb: 1024, fileTimeoutSec: 1800 } as const;

/** What the reading thread needs besides the file (plain data: it crosses threads). */
export interface SandboxTask {
  input: FileInput;
  hash: string;
  registryFile?: string;
  ocr?: OcrOptions;
  limits?: Partial<IngestLimits>;
}

export type ToSandbox = { type: 'read'; id: number; task: SandboxTask };
export type FromSandbox =
  | { type: 'ready' }
  | { type: 'log'; line: string }
  | { type: 'result'; id: number; output: FileOutput }
  | { type: 'failed'; id: number; message: string };

/**
 * Worker threads do not inherit tsx's loader: a tiny bootstrap registers it, then imports the
 * TypeScript entry (a built .js entry is imported directly).
 */
function bootstrap(entry: URL): string {
  if (!entry.pathname.endsWith('.ts')) return `import(${JSON.stringify(entry.href)});`;
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  return `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
}

const LEVELS: Record<number, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

export class ReadSandbox {
  private worker: Worker | undefined;
  private ready: Promise<boolean> | undefined;
  private nextId = 1;
  private readonly maxHeapMb: number;
  private readonly fileTimeoutSec: number;
  /** Files whose reading thread died (out of memory) or was stopped (time). */
  crashes = 0;

  constructor(private readonly options: SandboxOptions) {
    this.maxHeapMb = options.maxHeapMb ?? SANDBOX_DEFAULTS.maxHeapMb;
    this.fileTimeoutSec = options.fileTimeoutSec ?? SANDBOX_DEFAULTS.fileTimeoutSec;
  }

  /** Reads and extracts one file in the reading thread; a crash or timeout is this file's error. */
  async read(task: SandboxTask): Promise<FileOutput> {
    const worker = this.ensure();
    const id = this.nextId++;
    const entry = { path: task.input.display, hash: task.hash, docId: null, chunks: 0, tasks: 0, tables: 0, errors: [] as Array<{ code: string; detail: string }> };
    // The file's time starts once the thread has loaded (its start-up is not the file's cost).
    if (!(await this.ready)) {
      this.worker = undefined;
      void worker.terminate();
      entry.errors.push({ code: 'INGEST_UNREADABLE', detail: 'the reading thread did not start' });
      return { entry, tables: 0, reused: false };
    }
    return new Promise<FileOutput>((resolve) => {
      let settled = false;
      const finish = (out: FileOutput): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        worker.off('error', onError);
        resolve(out);
      };
      const failWith = (code: string, detail: string): void => {
        this.crashes++;
        this.options.logger.error({ file: task.input.display, code, detail }, 'reindex: reading this file was stopped; the rest of the run goes on');
        entry.errors.push({ code, detail });
        finish({ entry, tables: 0, reused: false });
      };
      let lastError: Error | undefined;
      const onError = (err: Error): void => {
        lastError = err;
      };
      const onExit = (): void => {
        this.worker = undefined;
        const oom = (lastError as NodeJS.ErrnoException | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
        failWith(
          'INGEST_RESOURCE_LIMIT',
          oom
            ? `đọc tệp cần hơn ${this.maxHeapMb} MB bộ nhớ (tệp quá lớn hoặc được tạo để phá)`
            : `luồng đọc tệp dừng bất thường${lastError ? `: ${lastError.message}` : ''}`,
        );
      };
      const onMessage = (message: FromSandbox): void => {
        if (message.type === 'log') return this.relayLog(message.line);
        if (message.type === 'result' && message.id === id) return finish(message.output);
        if (message.type === 'failed' && message.id === id) {
          entry.errors.push({ code: 'INGEST_UNREADABLE', detail: `extraction failed: ${message.message}` });
          return finish({ entry, tables: 0, reused: false });
        }
      };
      const timer = setTimeout(() => {
        worker.off('exit', onExit);
        this.worker = undefined;
        void worker.terminate();
        failWith('INGEST_TIMEOUT', `đọc tệp quá ${this.fileTimeoutSec} giây`);
      }, this.fileTimeoutSec * 1000);
      worker.on('message', onMessage);
      worker.on('exit', onExit);
      worker.on('error', onError);
      worker.postMessage({ type: 'read', id, task } satisfies ToSandbox);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(bootstrap(new URL('./sandbox-worker.ts', import.meta.url)), {
      eval: true,
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, this.maxHeapMb / 16)) },
      workerData: { level: this.options.logger.level },
    });
    // Between files nothing else listens: a stray error must not become an uncaught exception.
    worker.on('error', (err) => this.options.logger.debug({ err }, 'reading thread error'));
    this.ready = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 120_000);
      worker.on('message', (m: FromSandbox) => {
        if (m.type !== 'ready') return;
        clearTimeout(timer);
        resolve(true);
      });
      worker.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  /** The thread's pino lines, logged through this process's logger (its redaction applies). */
  private relayLog(line: string): void {
    try {
      const { level, msg, time: _t, pid: _p, hostname: _h, ...rest } = JSON.parse(line) as Record<string, unknown> & { level: number; msg?: string };
      const name = LEVELS[level] ?? 'info';
      this.options.logger[name](rest, msg ?? '');
    } catch {
      /* a torn line: drop it */
    }
  }
}
