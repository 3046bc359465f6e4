/**
 * Restarting the real server (`src/server/main.ts` in a child process) with reminders pending.
 * Reminders are due at REMINDER_HOUR; the server is started before the hour, stopped, started
 * after it (each subscribed chat gets its reminder once), then started again the same day (no
 * second copy). Then a kill -9 while a reminder send hangs: no chat gets a reminder twice, and
 * chats not yet reached still get theirs after the restart.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAssistant } from '../../src/answer/index.js';
import { runReindex } from '../../src/reindex/pipeline.js';
import { createLogger } from '../../src/logging.js';
import { openSqliteStores } from '../../src/storage/sqlite.js';
import { fakeTelegram, fakeZalo, type FakeBotApi } from '../fakes/bot-api.js';
import { TOKENS } from '../server/harness.js';
import { freePort, renderPlan, runScript, type Spawned } from './helpers.js';

const TIMEZONE = 'Asia/Ho_Chi_Minh';
const CHATS = ['z-nhac-1', 'z-nhac-2', 'z-nhac-3'];
const logger = createLogger({ level: 'silent' });

let root: string;
let knowledgeDir: string;
let zalo: FakeBotApi;
let telegram: FakeBotApi;
let agencyId: string;

function localParts(date: Date): { year: number; month: number; day: number; hour: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: TIMEZONE, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', hourCycle: 'h23' })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour) };
}

const delivered = (chatId: string) => zalo.sentTexts(chatId).length;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'troly-faults-reminders-'));
  knowledgeDir = path.join(root, 'knowledge');
  mkdirSync(knowledgeDir, { recursive: true });
  // A plan whose task 2 (lead: Văn phòng UBND tỉnh) is due in two days, local time.
  const due = localParts(new Date(Date.now() + 2 * 86_400_000));
  writeFileSync(
    path.join(knowledgeDir, 'kh-nhac-viec.txt'),
    renderPlan({ province: 'Thanh Hóa', number: 77, day: due.day, month: due.month, year: due.year, quarter: 'IV', percent: 90, marker: 'nhắc việc' }),
  );
  // Precondition, through the same assistant the server builds: the agency has a task due soon.
  const assistant = await createAssistant({ reindex: runReindex, dataDir: path.join(root, 'probe'), knowledgeDir, modelDir: path.join(root, 'no-models'), embeddingModel: 'none', logger });
  const choice = assistant.lookupAgency('Văn phòng UBND tỉnh', 'Thanh Hóa')[0];
  expect(choice, 'registry knows Văn phòng UBND tỉnh').toBeDefined();
  agencyId = choice!.id;
  const today = localParts(new Date());
  const iso = `${today.year}-${String(today.month).padStart(2, '0')}-${String(today.day).padStart(2, '0')}`;
  const soon = assistant.tasksFor({ agency: agencyId, province: 'Thanh Hóa', today: iso, dueWithinDays: 7 });
  expect(soon.own.length + soon.group.length, 'a task due within 7 days').toBeGreaterThan(0);

  zalo = fakeZalo(TOKENS.zalo);
  telegram = fakeTelegram(TOKENS.telegram);
  await zalo.start();
  await telegram.start();
});

afterAll(async () => {
  await zalo?.close();
  await telegram?.close();
  rmSync(root, { recursive: true, force: true });
});

function subscribe(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true });
  const stores = openSqliteStores({ file: path.join(dataDir, 'app.db'), logger });
  for (const chatId of CHATS) stores.profiles.update({ channel: 'zalo', chatId }, { agencyId, province: 'Thanh Hóa', reminders: true });
  stores.close();
}

async function startServer(dataDir: string, reminderHour: number): Promise<{ server: Spawned; url: string }> {
  const port = await freePort();
  const server = runScript('src/server/main.ts', [], {
    DATA_DIR: dataDir,
    KNOWLEDGE_DIR: knowledgeDir,
    MODEL_DIR: path.join(root, 'no-models'),
    HOST: '127.0.0.1',
    PORT: String(port),
    ZALO_BOT_TOKEN: TOKENS.zalo,
    ZALO_WEBHOOK_SECRET: TOKENS.zaloSecret,
    ZALO_API_BASE: zalo.url,
    REMINDER_HOUR: String(reminderHour),
    TIMEZONE,
    LOG_LEVEL: 'info',
  });
  const url = `http://127.0.0.1:${port}`;
  // Ready = listening with the index loaded; the reminder decision is taken before listen.
  for (let i = 0; i < 600; i++) {
    const ok = await fetch(`${url}/readyz`).then((r) => r.status === 200, () => false);
    if (ok) return { server, url };
    if (server.child.exitCode !== null) throw new Error(`server exited ${server.child.exitCode}: ${server.lines.slice(-5).join('\n')}`);
    await new Promise((r) => setTimeout(r, 100)); // polling a child's readiness, not timing a result
  }
  throw new Error('server did not become ready');
}

async function stop(server: Spawned, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  server.child.kill(signal);
  await server.exit;
}

describe('reminders across restarts', () => {
  it('pending before the hour → sent once after a restart; a second restart the same day sends none', async () => {
    const now = localParts(new Date());
    if (now.hour >= 23) return expect.soft(now.hour, 'cannot start "before the hour" at 23:xx local; rerun later').toBeLessThan(23);
    const dataDir = path.join(root, 'data-clean');
    subscribe(dataDir);
    zalo.reset();

    const first = await startServer(dataDir, now.hour + 1);
    await stop(first.server);
    for (const chat of CHATS) expect(delivered(chat)).toBe(0);

    const second = await startServer(dataDir, 0);
    await zalo.waitFor(() => CHATS.every((c) => delivered(c) >= 1), 60_000);
    await stop(second.server);

    const third = await startServer(dataDir, 0);
    // A full request round trip after ready: any run decided at start-up would have begun.
    await fetch(`${third.url}/healthz`);
    await stop(third.server);
    for (const chat of CHATS) expect(delivered(chat), chat).toBe(1);
    expect(second.server.lines.some((l) => l.includes('reminders run done'))).toBe(true);
    expect(third.server.lines.some((l) => l.includes('reminders run done'))).toBe(false);
  });

  describe('kill -9 while a reminder send hangs', () => {
    let dataDir: string;
    beforeAll(async () => {
      dataDir = path.join(root, 'data-crash');
      subscribe(dataDir);
      zalo.reset();
      zalo.failNext('sendMessage', { kind: 'hang' }); // the first reminder attempted never returns
      const first = await startServer(dataDir, 0);
      await zalo.waitFor((calls) => calls.some((c) => c.method === 'sendMessage'), 60_000);
      await stop(first.server, 'SIGKILL');
      const second = await startServer(dataDir, 0);
      await fetch(`${second.url}/healthz`);
      // Give the restarted run every chance to finish what it will send today.
      await zalo.waitFor(() => CHATS.filter((c) => delivered(c) >= 1).length >= CHATS.length - 1, 20_000).catch(() => undefined);
      await stop(second.server);
    });

    it('no chat gets the same reminder twice', () => {
      for (const chat of CHATS) expect(delivered(chat), chat).toBeLessThanOrEqual(1);
    });

    // The day is recorded as done only after every chat was processed, so the restarted run reaches
    // the chats the crashed one had not. The chat whose send was in flight is lost by the
    // documented at-most-once design.
    it('chats not reached before the crash get their reminder after the restart', () => {
      const hung = zalo.callsTo('sendMessage').find((c) => c.status === 0);
      const notReached = CHATS.filter((c) => c !== String(hung?.params.chat_id));
      for (const chat of notReached) expect(delivered(chat), chat).toBe(1);
    });
  });
});
