/**
 * `npm start` as a process: builds the index from KNOWLEDGE_DIR into an empty DATA_DIR, logs which
 * channels are on/off and why, serves the web API, never logs the token, and stops cleanly on
 * SIGTERM.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeTelegram } from '../fakes/bot-api.js';
import { TOKENS, fixtureKnowledge, postJson, repoRoot, tempDir } from './harness.js';

const telegram = fakeTelegram(TOKENS.telegram);
beforeAll(async () => {
  await telegram.start();
});
afterAll(async () => {
  await telegram.close();
});

describe('src/server/main.ts', () => {
  it('starts with Telegram on and Zalo off, answers, and drains on SIGTERM', async () => {
    const dataDir = tempDir('troly-main-');
    const child = spawn(process.execPath, [path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), 'src/server/main.ts'], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH,
        DATA_DIR: dataDir,
        KNOWLEDGE_DIR: fixtureKnowledge,
        MODEL_DIR: path.join(dataDir, 'no-models'),
        EMBEDDING_MODEL: 'none',
        HOST: '127.0.0.1',
        PORT: '0',
        TELEGRAM_BOT_TOKEN: TOKENS.telegram,
        TELEGRAM_WEBHOOK_SECRET: TOKENS.telegramSecret,
        TELEGRAM_API_ROOT: telegram.url,
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
      void exited.then((code) => reject(new Error(`server exited with ${code} before listening:\n${out}`)));
    });
    const lines = () => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines().find((l) => l.msg === 'channel telegram on')).toMatchObject({ webhook: true });
    expect(lines().find((l) => l.msg === 'channel zalo off')).toMatchObject({ why: 'ZALO_BOT_TOKEN is not set' });
    expect(telegram.callsTo('setMyCommands')).toHaveLength(1);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const ask = await postJson(`${url}/api/ask`, { question: 'Ai chủ trì làm sạch dữ liệu hộ tịch?' });
    expect(ask.body.answer).toContain('Sở Tư pháp');
    expect((await postJson(`${url}/zalo/webhook`, {})).status).toBe(404);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines().some((l) => l.msg === 'stopped')).toBe(true);
    expect(out).not.toContain(TOKENS.telegram);
    expect(out).not.toContain(TOKENS.telegramSecret);
  });

  it('stops with one message naming a bad variable', async () => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), 'src/server/main.ts'], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, PORT: 'not-a-port' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(err.trim()).toMatch(/^Invalid configuration: PORT/);
  });
});
