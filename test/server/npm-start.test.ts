/**
 * `npm start` under a supervisor: SIGTERM sent to npm (what tini or systemd signal) stops the
 * server itself — intake closed, replies drained, SQLite closed — and leaves no process behind.
 * Logs are JSON lines when stdout is not a terminal.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { wantsPretty } from '../../src/logging.js';
import { fixtureKnowledge, postJson, repoRoot, tempDir } from './harness.js';

/** Every descendant pid of `pid`, from /proc (Linux). */
function descendants(pid: number): number[] {
  const out: number[] = [];
  const walk = (p: number): void => {
    const dir = `/proc/${p}/task`;
    if (!existsSync(dir)) return;
    for (const t of readdirSync(dir)) {
      let kids: string;
      try {
        kids = readFileSync(`${dir}/${t}/children`, 'utf8').trim();
      } catch {
        continue;
      }
      for (const k of kids.split(/\s+/).filter(Boolean).map(Number)) {
        out.push(k);
        walk(k);
      }
    }
  };
  walk(pid);
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie waiting for its parent's wait() is gone for every purpose but the table.
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const linux = existsSync('/proc/self/task');

describe('npm start', () => {
  it.skipIf(!linux)('SIGTERM to npm stops the server process too, cleanly and within the bound', { timeout: 120_000 }, async () => {
    const dataDir = tempDir('troly-npmstart-');
    const child = spawn('npm', ['start', '--silent'], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATA_DIR: dataDir,
        KNOWLEDGE_DIR: fixtureKnowledge,
        MODEL_DIR: path.join(dataDir, 'no-models'),
        EMBEDDING_MODEL: 'none',
        HOST: '127.0.0.1',
        PORT: '0',
        ANSWER_WORKERS: '1',
        REMINDER_HOUR: '23',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      const check = () => {
        const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
        if (m) resolve(m[1]!);
      };
      child.stdout.on('data', check);
      void exited.then((code) => reject(new Error(`npm start exited with ${code} before listening:\n${out}`)));
    });
    const tree = descendants(child.pid!);
    expect(tree.length).toBeGreaterThan(0);
    const ask = await postJson(`${url}/api/ask`, { question: 'Ai chủ trì làm sạch dữ liệu hộ tịch?' });
    expect(ask.status).toBe(200);

    const t0 = Date.now();
    child.kill('SIGTERM');
    await exited;
    // The server (a child of npm, or of its shell) ends with npm; nothing is left running.
    const deadline = Date.now() + 5_000;
    while (tree.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(tree.filter(alive)).toEqual([]);
    expect(Date.now() - t0).toBeLessThan(15_000);
    // Not a TTY: one JSON object per line, and the graceful path ran to its end.
    const lines = out.split('\n').filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l) as { msg: string });
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down', 'stopped']));
    // SQLite closed: the WAL was checkpointed and removed by the last connection's close.
    const wal = path.join(dataDir, 'app.db-wal');
    expect(!existsSync(wal) || statSync(wal).size === 0).toBe(true);
  });
});

describe('log format', () => {
  it('pretty only on a terminal, LOG_FORMAT overrides', () => {
    expect(wantsPretty({}, true)).toBe(true);
    expect(wantsPretty({}, false)).toBe(false);
    expect(wantsPretty({ LOG_FORMAT: 'json' }, true)).toBe(false);
    expect(wantsPretty({ LOG_FORMAT: 'pretty' }, false)).toBe(true);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
  const ignore = readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
  it('runs the server under tini without npm in between, as the unprivileged user', () => {
    expect(dockerfile).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--"\]$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "--import", "tsx", "src\/server\/main\.ts"\]$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
  });
  it('keeps knowledge in a volume the server user owns; the build context leaves out local state', () => {
    expect(dockerfile).toMatch(/^VOLUME \[.*"\/app\/knowledge".*\]$/m);
    expect(dockerfile).toMatch(/chown -R node:node [^\n]*\/app\/knowledge/);
    for (const p of ['node_modules', 'data', 'models', '.git', '.env']) expect(ignore).toContain(p);
  });
});
