/**
 * A private PostgreSQL server for the test run (vitest globalSetup) and fresh databases in it.
 *
 * The server is Debian's PostgreSQL (/usr/lib/postgresql/<n>/bin, or PG_BIN): initdb into a temp
 * dir as a non-root user (the `postgres` system user when we run as root), listening on 127.0.0.1
 * on a free port only, its unix socket in the temp dir, stopped and removed at teardown. One server
 * serves the whole run; each test file creates its own database in it.
 *
 * Binaries missing: the PostgreSQL tests skip with a message naming the package, except under
 * CI=true where the setup fails (CI must install `postgresql`). No runtime import of vitest here:
 * globalSetup runs outside the test context (test files read the URL with test/storage/pg-url.ts).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_MISSING = 'PostgreSQL binaries not found (apt-get install postgresql, or set PG_BIN): PostgreSQL tests skipped';

/** The directory holding initdb, pg_ctl and postgres, or undefined. */
export function findPgBin(): string | undefined {
  const candidates: string[] = [];
  // PG_BIN, when set, is the only place looked at (also how to check the skip path).
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  const root = '/usr/lib/postgresql';
  if (!process.env.PG_BIN && fs.existsSync(root)) {
    const versions = fs.readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(path.join(root, v, 'bin'));
  }
  return candidates.find((dir) => ['initdb', 'pg_ctl', 'postgres'].every((b) => fs.existsSync(path.join(dir, b))));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface PgServer {
  /** Superuser URL of the `postgres` database (create test databases from here). */
  url: string;
  stop(): void;
}

/** initdb + start; PostgreSQL refuses to run as root, so as root every step runs as `postgres`. */
export async function startPostgres(bin: string): Promise<PgServer> {
  const isRoot = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tla-pg-'));
  const data = path.join(dir, 'data');
  if (isRoot) {
    const user = execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim();
    const group = execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim();
    fs.chownSync(dir, Number(user), Number(group));
  }
  const run = (cmd: string, args: string[]) => {
    const [file, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args]] : [path.join(bin, cmd), args];
    const r = spawnSync(file, argv, { encoding: 'utf8', cwd: dir, timeout: 120_000 });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
  };
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync', '--no-instructions']);
  const port = await freePort();
  // Loopback only, socket in the temp dir; durability off (a test server: speed over crash safety).
  const options = [
    `-h 127.0.0.1 -p ${port} -k ${dir}`,
    '-c fsync=off -c synchronous_commit=off -c full_page_writes=off',
    '-c max_connections=100 -c shared_buffers=32MB',
  ].join(' ');
  run('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
  const stop = () => {
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // Already gone; the directory still goes.
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
  }
}

/** vitest globalSetup: one server for the run, its URL provided as `pgUrl` ('' when skipped). */
export default async function setup({ provide }: { provide: (key: 'pgUrl', value: string) => void }): Promise<() => void> {
  const bin = findPgBin();
  if (!bin) {
    if (process.env.CI === 'true') throw new Error(`${PG_MISSING.split(':')[0]}; CI=true requires them`);
    process.stderr.write(`${PG_MISSING}\n`);
    provide('pgUrl', '');
    return () => {};
  }
  let server: PgServer;
  try {
    server = await startPostgres(bin);
  } catch (err) {
    // A server that cannot start here must not take every other test down with it (locally).
    if (process.env.CI === 'true') throw err;
    process.stderr.write(`PostgreSQL could not start (${err instanceof Error ? err.message : String(err)}): PostgreSQL tests skipped\n`);
    provide('pgUrl', '');
    return () => {};
  }
  provide('pgUrl', server.url);
  return () => server.stop();
}

/** A new empty database on the run's server; its URL. */
export async function freshDatabase(serverUrl: string): Promise<string> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
