/**
 * Two replicas on one PostgreSQL (issue 19): 600 Telegram updates spread over both (some
 * delivered to both), one replica killed with kill -9 halfway and its share redelivered to the
 * other. Every update is answered exactly once, in order per chat. Then a reindex through one
 * replica is served by the other within 30 s, without a restart.
 *
 * Each replica is a real process (test/faults/replicas-child.ts: the real bootstrap, stores,
 * queue, outbox, assistant) with its own DATA_DIR; they share only PostgreSQL.
 */
import { cpSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeTelegram, type FakeBotApi } from '../fakes/bot-api.js';
import { TEST_MODEL_DIR, TEST_MODEL_ID } from '../helpers/model.js';
import { freshDatabase, PG_MISSING } from '../helpers/postgres.js';
import { TOKENS, fixtureKnowledge, tempDir, tgTextUpdate } from '../server/harness.js';
import { pgServerUrl } from '../storage/pg-url.js';
import { runScript, writePlans, type Spawned } from './helpers.js';

const serverUrl = pgServerUrl();
if (!serverUrl) console.warn(PG_MISSING);

const children: Spawned[] = [];
const fakes: FakeBotApi[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  for (const f of fakes.splice(0)) await f.close();
});

interface Replica {
  spawned: Spawned;
  url: string;
}

function startReplica(env: Record<string, string>): Promise<Replica> {
  return new Promise((resolve, reject) => {
    const spawned = runScript('test/faults/replicas-child.ts', [], env, (line) => {
      const m = /^READY (\S+)/.exec(line);
      if (m) resolve({ spawned, url: m[1]! });
    });
    children.push(spawned);
    const err: string[] = [];
    spawned.child.stderr!.on('data', (d: Buffer) => err.push(d.toString()));
    void spawned.exit.then((e) => reject(new Error(`replica exited before READY (${e.code ?? e.signal}): ${err.join('').slice(-2000)}`)));
  });
}

const post = (r: Replica, body: unknown) =>
  fetch(`${r.url}/telegram/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TOKENS.telegramSecret },
    body: JSON.stringify(body),
  }).then((res) => res.status);

const readyz = async (r: Replica) => (await fetch(`${r.url}/readyz`).then((res) => res.json())) as { ready: boolean; indexVersion?: string };

/** Tags of the answers sent so far, in the order the fake API received them, per chat. */
function answered(fake: FakeBotApi): Map<string, number[]> {
  const byChat = new Map<string, number[]>();
  for (const c of fake.calls) {
    if (c.method !== 'sendMessage' || c.status !== 200) continue;
    const tag = /\[(\d+)\]/.exec(String(c.params.text))?.[1];
    if (!tag) continue;
    const chat = String(c.params.chat_id);
    byChat.set(chat, [...(byChat.get(chat) ?? []), Number(tag)]);
  }
  return byChat;
}

describe.skipIf(!serverUrl)('two replicas on one PostgreSQL', () => {
  it('600 updates, one replica killed -9 halfway: each answered exactly once, in order per chat; a reindex through one is served by the other within 30 s', async () => {
    const url = await freshDatabase(serverUrl!);
    const fake = fakeTelegram(TOKENS.telegram);
    await fake.start();
    fakes.push(fake);
    const knowledgeDir = tempDir();
    cpSync(fixtureKnowledge, knowledgeDir, { recursive: true });
    const env = (dataDir: string): Record<string, string> => ({
      DATABASE_URL: url,
      DATA_DIR: dataDir,
      KNOWLEDGE_DIR: knowledgeDir,
      MODEL_DIR: TEST_MODEL_DIR,
      EMBEDDING_MODEL: TEST_MODEL_ID,
      TELEGRAM_BOT_TOKEN: TOKENS.telegram,
      TELEGRAM_WEBHOOK_SECRET: TOKENS.telegramSecret,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_ADMIN_IDS: '900',
      RATE_LIMIT_PER_MINUTE: '100000',
      LOG_LEVEL: 'error',
      ANSWER_WORKERS: '0',
    });
    const dirA = tempDir();
    const dirB = tempDir();
    // A builds the index and seeds PostgreSQL; B starts on the version A published.
    let a = await startReplica(env(dirA));
    const b = await startReplica(env(dirB));
    expect((await readyz(b)).indexVersion).toBe((await readyz(a)).indexVersion);

    const CHATS = 30;
    const TOTAL = 600;
    const questions = ['Ai chủ trì kế hoạch?', 'Thời hạn hoàn thành là khi nào?', 'Cơ quan nào phối hợp?', 'Mục tiêu năm 2025 là gì?'];
    let aAlive = true;
    let killedAt = -1;
    let killTime = 0;
    // One window per round: every chat gets its next update; a chat's updates go out one after another.
    for (let round = 0; round < TOTAL / CHATS; round++) {
      if (round === TOTAL / CHATS / 2) {
        // Halfway: kill A while it holds a backlog; everything from now on (and A's unacknowledged share) goes to B.
        a.spawned.child.kill('SIGKILL');
        killTime = Date.now();
        await a.spawned.exit;
        aAlive = false;
        killedAt = round * CHATS;
      }
      await Promise.all(
        Array.from({ length: CHATS }, async (_, c) => {
          const n = round * CHATS + c + 1;
          const update = tgTextUpdate(`[${n}] ${questions[n % questions.length]}`, { chatId: 7000 + c, updateId: 50_000 + n });
          const first = aAlive && n % 2 === 0 ? a : b;
          // Telegram redelivers what was not acknowledged: here, to the other replica.
          const status = await post(first, update).catch(() => 0);
          if (status !== 200) expect(await post(b, update)).toBe(200);
          // Some updates reach both replicas (a retried delivery): the second is a duplicate.
          if (n % 7 === 0) expect(await post(aAlive ? (first === a ? b : a) : b, update)).toBe(200);
        }),
      );
    }
    expect(killedAt).toBe(300);
    await fake.waitFor(() => [...answered(fake).values()].reduce((s, l) => s + l.length, 0) >= TOTAL, 150_000);
    // Let a late duplicate (if any) surface before counting.
    await new Promise((r) => setTimeout(r, 4_000));
    const byChat = answered(fake);
    const all = [...byChat.values()].flat();
    const counts = new Map<number, number>();
    for (const t of all) counts.set(t, (counts.get(t) ?? 0) + 1);
    expect(counts.size).toBe(TOTAL);
    let resent = 0;
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      // Each update was answered once: one stored reply per tag. A platform send has no
      // idempotency key, so the one duplicate possible is a reply whose HTTP call had reached the
      // fake when its replica died, before it was marked sent: the same outbox row sent twice
      // (attempts 2), never a second answer. At most the sends A had in flight.
      const replies = (await db.query<{ reply: string; attempts: number }>('SELECT reply, attempts FROM outbox')).rows;
      const rowsPerTag = new Map<number, number[]>();
      for (const r of replies) {
        const tag = /\[(\d+)\]/.exec(String((JSON.parse(r.reply) as { text?: string }).text ?? ''))?.[1];
        if (tag) rowsPerTag.set(Number(tag), [...(rowsPerTag.get(Number(tag)) ?? []), r.attempts]);
      }
      expect(rowsPerTag.size).toBe(TOTAL);
      expect([...rowsPerTag.entries()].filter(([, rows]) => rows.length !== 1)).toEqual([]);
      const twice = [...counts.entries()].filter(([, k]) => k !== 1);
      resent = twice.length;
      expect(twice.every(([tag, k]) => k === 2 && rowsPerTag.get(tag)![0]! >= 2), JSON.stringify(twice)).toBe(true);
      // A send is awaited by its job, so A had at most its queue concurrency (8) replies in flight.
      expect(twice.length).toBeLessThanOrEqual(8);
      // A's replies caught mid-send were taken over once their lease ran out: the lease now follows
      // the client bounds (5 s send deadline + 10 s margin in the child), not a fixed 5 min.
      const takenOver = (await db.query<{ late_ms: number }>(
        'SELECT EXTRACT(EPOCH FROM (done_at - to_timestamp($1::double precision / 1000))) * 1000 AS late_ms FROM outbox WHERE attempts >= 2 AND created_at < to_timestamp($1::double precision / 1000)',
        [killTime],
      )).rows;
      for (const row of takenOver) expect(Number(row.late_ms)).toBeLessThan(45_000);
      // Nothing waits, every reply sent.
      expect((await db.query('SELECT count(*)::int AS n FROM inbox WHERE done_at IS NULL')).rows[0].n).toBe(0);
      expect((await db.query("SELECT count(*)::int AS n FROM outbox WHERE status <> 'sent'")).rows[0].n).toBe(0);
    } finally {
      await db.end();
    }
    for (const [chat, tags] of byChat) {
      // In order per chat (a resent in-flight reply repeats its own place only).
      const firsts = tags.filter((t, i) => tags.indexOf(t) === i);
      expect(firsts, `chat ${chat}`).toEqual([...firsts].sort((x, y) => x - y));
    }

    // A comes back (same DATA_DIR); a reindex through B is served by A within 30 s, no restart.
    a = await startReplica(env(dirA));
    const before = (await readyz(b)).indexVersion;
    expect((await readyz(a)).indexVersion).toBe(before);
    writePlans(path.join(knowledgeDir, 'moi'), 1, 'replicamarker', 900);
    const sentBefore = fake.calls.length;
    expect(await post(b, tgTextUpdate('/reindex', { chatId: 900, updateId: 90_001 }))).toBe(200);
    await fake.waitFor((calls) => calls.slice(sentBefore).some((c) => c.method === 'sendMessage' && String(c.params.chat_id) === '900' && String(c.params.text).startsWith('Đã cập nhật chỉ mục')), 120_000);
    const published = (await readyz(b)).indexVersion;
    expect(published).toBeTruthy();
    expect(published).not.toBe(before);
    const t0 = Date.now();
    while ((await readyz(a)).indexVersion !== published && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 250));
    expect((await readyz(a)).indexVersion).toBe(published);
    expect(Date.now() - t0).toBeLessThan(30_000);
    console.info(`replicas: ${TOTAL} updates answered once each; ${resent} in-flight replies resent after the kill; the other replica served the new index ${Date.now() - t0} ms after the reindex reply`);
    // A's own DATA_DIR holds the new document now.
    const docs = readFileSync(path.join(dirA, 'index', published!, 'documents.json'), 'utf8');
    expect(docs).toContain('replicamarker');
  }, 300_000);
});
