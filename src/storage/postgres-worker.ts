/**
 * The store thread: owns the `pg` pool and the asynchronous PostgreSQL stores, answers one call at
 * a time from src/storage/postgres.ts (whose thread waits on `flag` until the answer is posted).
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import pg from 'pg';
import {
  PgConversations,
  PgDedupe,
  PgFeedback,
  PgOutbox,
  PgProfiles,
  PgQuestions,
  PgRateLimits,
  PgReminders,
  migratePostgres,
} from './postgres-stores.js';
import type { StoreCall, StoreReply } from './postgres.js';
import { PgBoard } from './postgres-board.js';

const { url, flag, port, poolSize, statementTimeoutMs } = workerData as {
  url: string;
  flag: SharedArrayBuffer;
  port: MessagePort;
  poolSize: number;
  statementTimeoutMs: number;
};
const signal = new Int32Array(flag);

const pool = new pg.Pool({ connectionString: url, max: poolSize, statement_timeout: statementTimeoutMs, application_name: 'tro-ly-ao' });
// An idle connection dropped by the server must not end the thread; the next query reconnects.
pool.on('error', () => undefined);

let warnings: string[] = [];
const warn = (msg: string, err: unknown) => warnings.push(`${msg}: ${err instanceof Error ? err.message : String(err)}`);

const targets: Record<string, object> = {
  profiles: new PgProfiles(pool),
  conversations: new PgConversations(pool, warn),
  questions: new PgQuestions(pool),
  feedback: new PgFeedback(pool),
  reminders: new PgReminders(pool),
  dedupe: new PgDedupe(pool),
  outbox: new PgOutbox(pool),
  rateLimits: new PgRateLimits(pool),
  board: new PgBoard(pool),
};

async function run(call: StoreCall): Promise<unknown> {
  if (call.target === '_') {
    if (call.method === 'init') return migratePostgres(pool);
    if (call.method === 'close') return pool.end();
    throw new Error(`unknown call ${call.method}`);
  }
  const target = targets[call.target] as Record<string, (...args: unknown[]) => Promise<unknown>> | undefined;
  const fn = target?.[call.method];
  if (!target || typeof fn !== 'function') throw new Error(`unknown store method ${call.target}.${call.method}`);
  return fn.apply(target, call.args);
}

port.on('message', (call: StoreCall) => {
  void run(call).then(
    (value): StoreReply => ({ id: call.id, ok: true, value }),
    (err: unknown): StoreReply => ({
      id: call.id,
      ok: false,
      message: err instanceof Error ? err.message : String(err),
      ...(typeof (err as { code?: unknown }).code === 'string' ? { code: (err as { code: string }).code } : {}),
    }),
  ).then((reply) => {
    if (warnings.length > 0) {
      reply.warnings = warnings;
      warnings = [];
    }
    // Post first, then wake the caller: when it wakes the reply is already in its port.
    port.postMessage(reply);
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
  });
});
