/**
 * `npm start` (src/server/main.ts, one answering worker) given hostile files, then /reindex from
 * an admin over Telegram (issue 15 #1): before, a 0.4 GiB docx bomb killed the whole server and
 * every restart replayed the /reindex and died again. Now the bad files are per-file errors in
 * the summary, the server keeps answering, and the /reindex update is done (not replayed).
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStores } from '../../src/storage/sqlite.js';
import { fakeTelegram } from '../fakes/bot-api.js';
import { TOKENS, fixtureKnowledge, repoRoot, tgTextUpdate } from '../server/harness.js';

const telegram = fakeTelegram(TOKENS.telegram);
beforeAll(async () => {
  await telegram.start();
});
afterAll(async () => {
  await telegram.close();
});

async function bombDocx(file: string): Promise<void> {
  const xml = Buffer.alloc(400 * 1024 * 1024, 0x41);
  xml.write('<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>', 0);
  const tail = '</w:t></w:r></w:p></w:body></w:document>';
  xml.write(tail, xml.length - tail.length);
  const zip = new JSZip();
  zip.file('word/document.xml', xml);
  writeFileSync(file, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 } }));
}

describe('server /reindex over hostile files', () => {
  // Generous bounds: the first index build, the bomb's generation and the reindex share 2 cores.
  it('answers the admin with per-file errors and keeps serving; the /reindex is not replayed', { timeout: 480_000 }, async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'troly-faults-server-'));
    const dataDir = path.join(root, 'data');
    const knowledgeDir = path.join(root, 'knowledge');
    cpSync(fixtureKnowledge, knowledgeDir, { recursive: true });
    const child = spawn(process.execPath, [path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), 'src/server/main.ts'], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH,
        DATA_DIR: dataDir,
        KNOWLEDGE_DIR: knowledgeDir,
        MODEL_DIR: path.join(dataDir, 'no-models'),
        EMBEDDING_MODEL: 'none',
        HOST: '127.0.0.1',
        PORT: '0',
        ANSWER_WORKERS: '1',
        TELEGRAM_BOT_TOKEN: TOKENS.telegram,
        TELEGRAM_WEBHOOK_SECRET: TOKENS.telegramSecret,
        TELEGRAM_API_ROOT: telegram.url,
        TELEGRAM_ADMIN_IDS: '900',
        REMINDER_HOUR: '23',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const check = () => {
          const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
          if (m) resolve(m[1]!);
        };
        child.stdout.on('data', check);
        void exited.then((code) => reject(new Error(`server exited with ${code} before listening:\n${out}`)));
      });
      // Hostile files arrive after start-up; the admin asks for a reindex.
      await bombDocx(path.join(knowledgeDir, 'bom.docx'));
      writeFileSync(path.join(knowledgeDir, 'mot-dong.txt'), 'Kế hoạch triển khai '.repeat(2_000_000));
      const postTg = (update: unknown) =>
        fetch(`${url}/telegram/webhook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TOKENS.telegramSecret },
          body: JSON.stringify(update),
        }).then((r) => r.status);
      const reindex = tgTextUpdate('/reindex', { chatId: 900, userId: 900 });
      expect(await postTg(reindex)).toBe(200);
      await telegram.waitFor(() => telegram.sentTexts(900).some((t) => /Lỗi \(2 tệp\)/.test(t)), 300_000);
      const summary = telegram.sentTexts(900).find((t) => /Lỗi \(2 tệp\)/.test(t))!;
      expect(summary).toMatch(/bom\.docx/);
      expect(summary).toMatch(/mot-dong\.txt/);
      // Still serving, and answering from the index.
      expect(await postTg(tgTextUpdate('Ai chủ trì làm sạch dữ liệu hộ tịch?', { chatId: 31 }))).toBe(200);
      await telegram.waitFor(() => telegram.sentTexts(31).length > 0, 60_000);
      expect(telegram.sentTexts(31)[0]).toContain('Sở Tư pháp');
      expect(child.exitCode).toBeNull();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      // The /reindex update is done: a restart does not run it again.
      const stores = openSqliteStores({ file: path.join(dataDir, 'app.db') });
      expect(stores.dedupe.pendingCount()).toBe(0);
      stores.close();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
