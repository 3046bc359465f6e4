/**
 * PostgreSQL stores behind the same synchronous interfaces as the SQLite ones, so every caller
 * (webhook intake, reply queue, reminders, chat handlers) works unchanged when DATABASE_URL is set.
 *
 * `pg` is asynchronous; the stores run in a thread of their own (src/storage/postgres-worker.ts)
 * and each call here waits for its answer (Atomics.wait on a shared flag, then
 * receiveMessageOnPort). Blocking is what the SQLite stores do too (better-sqlite3 is synchronous),
 * so the callers' ordering guarantees hold; a call costs one loopback round trip (~0.2 ms) plus the
 * query. Written here rather than with a sync-RPC library because the thread must start through the
 * same tsx bootstrap as the answering workers (src/server/worker-pool.ts).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { Logger } from 'pino';
import { openSqliteStores } from './sqlite.js';
import type { Stores } from './stores.js';
import type { BoardStore } from './board.js';

export interface StoreCall {
  id: number;
  target: string;
  method: string;
  args: unknown[];
}

export type StoreReply = ({ id: number; ok: true; value: unknown } | { id: number; ok: false; message: string; code?: string }) & {
  warnings?: string[];
};

export class PostgresStoreError extends Error {
  constructor(message: string, readonly code?: string) {
    super(message);
    this.name = 'PostgresStoreError';
  }
}

export interface PostgresStoresOptions {
  /** postgres://user:pass@host:port/db */
  url: string;
  logger?: Logger;
  /** Connections of this process. Default: 4 */
  poolSize?: number;
  /** A call not answered by then throws (the database is unreachable or the thread died). Default: 30 s */
  callTimeoutMs?: number;
}

/** Worker threads do not inherit tsx's loader from --import: a tiny bootstrap registers it first. */
function workerBootstrap(entry: URL): string {
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  return `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
}

/** A synchronous channel to the store thread. */
export class StoreThread {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal: Int32Array;
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: PostgresStoresOptions) {
    const flag = new SharedArrayBuffer(4);
    this.signal = new Int32Array(flag);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(workerBootstrap(new URL('./postgres-worker.ts', import.meta.url)), {
      eval: true,
      execArgv: [],
      workerData: {
        url: options.url,
        flag,
        port: port2,
        poolSize: options.poolSize ?? 4,
        statementTimeoutMs: options.callTimeoutMs ?? 30_000,
      },
      transferList: [port2],
    });
    // The thread must not keep a finished script alive.
    this.worker.unref();
    this.port.unref();
  }

  call<T>(target: string, method: string, args: unknown[], timeoutMs = this.options.callTimeoutMs ?? 30_000): T {
    if (this.closed) throw new PostgresStoreError('PostgreSQL stores are closed');
    const id = this.nextId++;
    Atomics.store(this.signal, 0, 0);
    this.port.postMessage({ id, target, method, args } satisfies StoreCall);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = receiveMessageOnPort(this.port);
      if (got) {
        const reply = got.message as StoreReply;
        // A reply to a call that timed out earlier is dropped.
        if (reply.id !== id) continue;
        for (const w of reply.warnings ?? []) this.options.logger?.warn(w);
        if (reply.ok) return reply.value as T;
        throw new PostgresStoreError(reply.message, reply.code);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new PostgresStoreError(`PostgreSQL store call ${target}.${method} got no answer in ${timeoutMs} ms`, 'STORE_TIMEOUT');
      Atomics.wait(this.signal, 0, 0, left);
      Atomics.store(this.signal, 0, 0);
    }
  }

  close(): void {
    if (this.closed) return;
    try {
      this.call('_', 'close', [], 10_000);
    } finally {
      this.closed = true;
      void this.worker.terminate();
      this.port.close();
    }
  }
}

/** A synchronous store whose every method is a call into the store thread. */
function remote<T extends object>(thread: StoreThread, target: string): T {
  return new Proxy({} as T, {
    get: (_, method) => (typeof method === 'string' && method !== 'then' ? (...args: unknown[]) => thread.call(target, method, args) : undefined),
  });
}

/** The board over the stores' thread; its close() is the stores' (one thread, one pool). */
function boardOf(thread: StoreThread): BoardStore {
  const calls = remote<BoardStore>(thread, 'board');
  return new Proxy(calls, { get: (target, method) => (method === 'close' ? () => undefined : Reflect.get(target, method)) });
}

/** Rate limits shared by replicas: the same answers as the in-memory SlidingWindowLimiter. */
export interface SharedRateLimiter {
  hit(key: string, now: number): 'ok' | 'limited' | 'silent';
}

/** PostgreSQL stores, plus what only a shared database can offer. */
export interface PostgresStores extends Stores {
  /**
   * A per-key limit of `perMinute` hits in a sliding one-minute window, held in PostgreSQL.
   * `scope` keeps limiters apart (per chat, per web client address) in the one table.
   */
  rateLimiter(perMinute: number, scope?: string): SharedRateLimiter;
  /** The task board's tables in the same database (one board for every replica). Closed with the stores. */
  board: BoardStore;
}

/** True for stores that live in PostgreSQL (shared by replicas). */
export function isPostgresStores(stores: Stores): stores is PostgresStores {
  return typeof (stores as Partial<PostgresStores>).rateLimiter === 'function';
}

/** Connects, applies pending migrations (one replica at a time) and returns the stores. */
export function openPostgresStores(options: PostgresStoresOptions): PostgresStores {
  const thread = new StoreThread(options);
  let applied: number[];
  try {
    // The first call also waits for the thread to start (tsx, pg) and for other replicas' migrations.
    applied = thread.call<number[]>('_', 'init', [], Math.max(60_000, options.callTimeoutMs ?? 0));
  } catch (err) {
    try {
      thread.close();
    } catch {
      // Closing a thread that never answered: nothing more to do.
    }
    throw err;
  }
  for (const version of applied) options.logger?.info({ version }, 'PostgreSQL migration applied');
  return {
    profiles: remote(thread, 'profiles'),
    conversations: remote(thread, 'conversations'),
    questions: remote(thread, 'questions'),
    feedback: remote(thread, 'feedback'),
    reminders: remote(thread, 'reminders'),
    dedupe: remote(thread, 'dedupe'),
    outbox: remote(thread, 'outbox'),
    board: boardOf(thread),
    rateLimiter: (perMinute, scope = 'chat') => ({
      hit: (key, now) => thread.call<'ok' | 'limited' | 'silent'>('rateLimits', 'hit', [`${scope}|${key}`, now, perMinute, 60_000]),
    }),
    close: () => thread.close(),
  };
}

export interface StoreSelection {
  /** DATABASE_URL: PostgreSQL when set. */
  databaseUrl?: string;
  /** DATA_DIR: the SQLite file (DATA_DIR/app.db) otherwise. */
  dataDir: string;
  logger?: Logger;
  /** SQLite only (see SqliteStoresOptions). */
  walAutoCheckpoint?: number;
  /** PostgreSQL only: connections of this process. */
  poolSize?: number;
}

/** The stores the configuration names: PostgreSQL with DATABASE_URL, else the embedded SQLite file. */
export function openStores(options: StoreSelection): Stores {
  if (options.databaseUrl) {
    return openPostgresStores({
      url: options.databaseUrl,
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.poolSize !== undefined ? { poolSize: options.poolSize } : {}),
    });
  }
  return openSqliteStores({
    file: path.join(options.dataDir, 'app.db'),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.walAutoCheckpoint !== undefined ? { walAutoCheckpoint: options.walAutoCheckpoint } : {}),
  });
}

/** The password of a database URL, for the logger's secret scrubbing. */
export function databasePassword(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password || undefined;
  } catch {
    return undefined;
  }
}
