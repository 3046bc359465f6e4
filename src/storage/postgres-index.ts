/**
 * Index versions through PostgreSQL, for replicas that share no filesystem (each has its own
 * DATA_DIR). A reindex with DATABASE_URL set runs under an advisory lock (one at a time across
 * replicas), publishes its local version as usual, then uploads the version's files into
 * PostgreSQL (8 MiB parts, bounded memory) and makes it the live one in the same transaction.
 * Every replica follows: it polls the live name (and listens for a NOTIFY), downloads a version it
 * does not have into a temp folder beside its versions, renames it into place and swaps its
 * CURRENT pointer (the same atomic swap a local reindex does), then reloads its assistant.
 *
 * PostgreSQL alone carries the files (no object store): one province's index is tens of MB; the
 * 100× corpus a few hundred MB, still well within bytea parts. Two versions are kept.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import { AppError } from '../errors.js';
import { currentVersion, indexRoot, INDEX_FILES, publishVersion } from '../index/store.js';
import { migratePostgres } from './postgres-stores.js';

const PART_BYTES = 8 * 1024 * 1024;
/** Advisory lock of reindex runs (any constant, distinct from the migrations' one). */
const REINDEX_LOCK = 7_473_621_002;
const CHANNEL = 'tla_index';
const KEEP_VERSIONS = 2;

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'tro-ly-ao index' });
  await client.connect();
  return client;
}

let migrated = new Set<string>();
async function ensureSchema(url: string): Promise<void> {
  if (migrated.has(url)) return;
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await migratePostgres(pool);
  } finally {
    await pool.end();
  }
  migrated = new Set([...migrated, url]);
}

/**
 * Runs `fn` while holding the cluster-wide reindex lock (a session advisory lock: a killed
 * reindex's connection closes and the lock goes with it). Another replica reindexing: REINDEX_LOCKED.
 */
export async function withReindexLock<T>(url: string, fn: () => Promise<T>): Promise<T> {
  await ensureSchema(url);
  const client = await connect(url);
  try {
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [REINDEX_LOCK]);
    if (!rows[0]?.ok) throw new AppError('REINDEX_LOCKED', 'another replica is reindexing (PostgreSQL advisory lock held)');
    try {
      return await fn();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [REINDEX_LOCK]).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Files of a version folder, relative, subfolders included; the manifest last (it marks a complete version). */
function versionFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...versionFiles(dir, rel));
    else if (entry.isFile()) out.push(rel);
  }
  return out.sort((a, b) => Number(a === INDEX_FILES.manifest) - Number(b === INDEX_FILES.manifest) || a.localeCompare(b));
}

/** Uploads DATA_DIR/index/<name> and makes it the live version; older ones beyond two are dropped. */
export async function publishIndexVersion(url: string, dataDir: string, name: string, logger?: Logger): Promise<void> {
  await ensureSchema(url);
  const dir = path.join(indexRoot(dataDir), name);
  const files = versionFiles(dir);
  if (!files.includes(INDEX_FILES.manifest)) throw new Error(`index version ${name} has no manifest; not published`);
  const client = await connect(url);
  const buf = Buffer.alloc(PART_BYTES);
  let bytes = 0;
  try {
    await client.query('BEGIN');
    await client.query('INSERT INTO index_versions (name, published_at, bytes, files) VALUES ($1, now(), 0, $2) ON CONFLICT (name) DO NOTHING', [name, files.length]);
    await client.query('DELETE FROM index_files WHERE version = $1', [name]);
    for (const rel of files) {
      const fd = openSync(path.join(dir, rel), 'r');
      try {
        for (let part = 0; ; part++) {
          const n = readSync(fd, buf, 0, PART_BYTES, null);
          // An empty file still gets its one (empty) part, so it is recreated on the other side.
          if (n === 0 && part > 0) break;
          await client.query('INSERT INTO index_files (version, path, part, data) VALUES ($1, $2, $3, $4)', [name, rel, part, buf.subarray(0, n)]);
          bytes += n;
          if (n < PART_BYTES) break;
        }
      } finally {
        closeSync(fd);
      }
    }
    await client.query('UPDATE index_versions SET bytes = $2 WHERE name = $1', [name, bytes]);
    await client.query(
      `INSERT INTO index_live (id, name, published_at) VALUES (TRUE, $1, now())
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, published_at = excluded.published_at`,
      [name],
    );
    await client.query(
      `DELETE FROM index_versions WHERE name NOT IN (SELECT name FROM index_versions ORDER BY published_at DESC, name DESC LIMIT $1)
         AND name <> $2`,
      [KEEP_VERSIONS, name],
    );
    await client.query(`SELECT pg_notify('${CHANNEL}', $1)`, [name]);
    await client.query('COMMIT');
    logger?.info({ version: name, files: files.length, bytes }, 'index version published to PostgreSQL');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Name of the live version in PostgreSQL, or undefined when none was published. */
export async function liveIndexVersion(url: string): Promise<string | undefined> {
  await ensureSchema(url);
  const client = await connect(url);
  try {
    const { rows } = await client.query<{ name: string }>('SELECT name FROM index_live WHERE id');
    return rows[0]?.name;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function writeAll(file: string, data: Buffer, append: boolean): void {
  const fd = openSync(file, append ? 'a' : 'w');
  try {
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Downloads version `name` into DATA_DIR/index and makes it this replica's live version. Part by
 * part (bounded memory); into a temp folder that a reindex's clean-up does not take for a version,
 * renamed into place only when complete.
 */
export async function fetchIndexVersion(url: string, dataDir: string, name: string, logger?: Logger): Promise<void> {
  if (!/^v[\w.-]+$/.test(name)) throw new Error(`unexpected index version name ${JSON.stringify(name)}`);
  const root = indexRoot(dataDir);
  mkdirSync(root, { recursive: true });
  const tmp = path.join(root, `.fetch-${name}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  const client = await connect(url);
  try {
    const { rows: parts } = await client.query<{ path: string; part: number }>(
      'SELECT path, part FROM index_files WHERE version = $1 ORDER BY path, part',
      [name],
    );
    if (!parts.some((p) => p.path === INDEX_FILES.manifest)) throw new Error(`index version ${name} is not (or no longer) in PostgreSQL`);
    const ordered = [...parts.filter((p) => p.path !== INDEX_FILES.manifest), ...parts.filter((p) => p.path === INDEX_FILES.manifest)];
    let bytes = 0;
    for (const p of ordered) {
      const rel = path.normalize(p.path);
      if (rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`index file path ${JSON.stringify(p.path)} leaves the version folder`);
      const { rows } = await client.query<{ data: Buffer }>('SELECT data FROM index_files WHERE version = $1 AND path = $2 AND part = $3', [name, p.path, p.part]);
      if (!rows[0]) throw new Error(`index version ${name} changed while downloading`);
      const file = path.join(tmp, rel);
      mkdirSync(path.dirname(file), { recursive: true });
      writeAll(file, rows[0].data, p.part > 0);
      bytes += rows[0].data.length;
    }
    const dest = path.join(root, name);
    if (existsSync(dest)) rmSync(dest, { recursive: true, force: true });
    renameSync(tmp, dest);
    publishVersion(dataDir, name);
    logger?.info({ version: name, bytes }, 'index version fetched from PostgreSQL');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    await client.end().catch(() => undefined);
  }
}

/**
 * At start-up: fetch the live version when this replica lacks it; publish this replica's own when
 * PostgreSQL has none yet (the first replica seeds it). Returns what happened.
 */
export async function syncIndexAtStart(url: string, dataDir: string, logger?: Logger): Promise<'fetched' | 'published' | 'same' | 'none'> {
  const live = await liveIndexVersion(url);
  const local = currentVersion(dataDir);
  if (live && live === local) return 'same';
  if (live) {
    await fetchIndexVersion(url, dataDir, live, logger);
    return 'fetched';
  }
  if (local && existsSync(path.join(indexRoot(dataDir), local, INDEX_FILES.manifest))) {
    await withReindexLock(url, async () => {
      if (!(await liveIndexVersion(url))) await publishIndexVersion(url, dataDir, local, logger);
    });
    return 'published';
  }
  return 'none';
}

export interface IndexFollowerOptions {
  url: string;
  dataDir: string;
  logger: Logger;
  /** The new version is this replica's live one: reload what answers from it. */
  onVersion: (name: string) => Promise<void>;
  /** Default: 5 s (a replica serves a new version well within 30 s). */
  pollMs?: number;
}

/** Keeps this replica on the live version published by any replica. */
export class IndexVersionFollower {
  private timer: NodeJS.Timeout | undefined;
  private listener: pg.Client | undefined;
  private busy = false;
  private again = false;
  private stopped = false;

  constructor(private readonly options: IndexFollowerOptions) {}

  async start(): Promise<void> {
    this.timer = setInterval(() => void this.check(), this.options.pollMs ?? 5_000);
    this.timer.unref();
    await this.listen().catch((err: unknown) => this.options.logger.warn({ err }, 'index follower: no LISTEN; polling only'));
    await this.check();
  }

  private async listen(): Promise<void> {
    const client = await connect(this.options.url);
    client.on('notification', () => void this.check());
    client.on('error', () => {
      this.listener = undefined;
    });
    await client.query(`LISTEN ${CHANNEL}`);
    this.listener = client;
  }

  /** One comparison of the live version with this replica's; fetches and reloads when they differ. */
  async check(): Promise<void> {
    if (this.stopped) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    try {
      do {
        this.again = false;
        const live = await liveIndexVersion(this.options.url);
        if (!live || live === currentVersion(this.options.dataDir)) continue;
        // Not while a reindex runs anywhere (its local version is newer than the live one until it
        // uploads); the shared lock also keeps a reindex from starting mid-download.
        const lock = await connect(this.options.url);
        try {
          const { rows } = await lock.query<{ ok: boolean }>('SELECT pg_try_advisory_lock_shared($1) AS ok', [REINDEX_LOCK]);
          if (!rows[0]?.ok) continue;
          const now = await liveIndexVersion(this.options.url);
          if (!now || now === currentVersion(this.options.dataDir)) continue;
          await fetchIndexVersion(this.options.url, this.options.dataDir, now, this.options.logger);
          await this.options.onVersion(now);
        } finally {
          await lock.end().catch(() => undefined);
        }
      } while (this.again && !this.stopped);
    } catch (err) {
      this.options.logger.error({ err }, 'index follower: could not fetch the live version; trying again at the next poll');
    } finally {
      this.busy = false;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.listener?.end().catch(() => undefined);
    // A check in progress finishes its download; wait for it so DATA_DIR is not left half-swapped.
    while (this.busy) await new Promise((r) => setTimeout(r, 50));
  }
}

/** Total size of a version folder (for logs and the sizing note). */
export function versionBytes(dataDir: string, name: string): number {
  const dir = path.join(indexRoot(dataDir), name);
  return versionFiles(dir).reduce((s, rel) => s + statSync(path.join(dir, rel)).size, 0);
}
