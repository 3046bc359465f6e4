/**
 * Board test harness: the real assistant over the board fixture plans (Nghệ An KH 45, Hưng Yên
 * KH 12, written for these tests) indexed into a temp DATA_DIR, the real server on loopback, and
 * board accounts made the way `npm run users` makes them (argon2 hash in DATA_DIR/app.db).
 */
import path from 'node:path';
import { createAssistant } from '../../src/answer/index.js';
import { runReindex } from '../../src/reindex/pipeline.js';
import type { Assistant } from '../../src/answer/assistant.js';
import { hashPassword } from '../../src/board/auth.js';
import { boardDbFile } from '../../src/board/index.js';
import { createLogger } from '../../src/logging.js';
import { BoardStore, type Role } from '../../src/storage/board.js';
import { postTelegram, repoRoot, startHarness, tempDir, tgTextUpdate, type Harness } from '../server/harness.js';

export const boardKnowledge = path.join(repoRoot, 'test/fixtures/board/knowledge');

export async function boardAssistant(knowledgeDir = boardKnowledge, dataDir = tempDir('troly-board-')): Promise<{ assistant: Assistant; dataDir: string }> {
  const assistant = await createAssistant({ reindex: runReindex,
    dataDir,
    knowledgeDir,
    modelDir: path.join(dataDir, 'no-models'),
    embeddingModel: 'none',
    logger: createLogger({ level: 'silent' }),
  });
  return { assistant, dataDir };
}

/** 10/11/2024 09:00 in Vietnam: tasks due 31/03, 30/06, 30/09, 31/10 are past; 15/11 and 31/12 to come. */
export const BOARD_NOW = new Date('2024-11-10T02:00:00Z');

export async function boardHarness(options: { knowledgeDir?: string; now?: Date } = {}): Promise<Harness> {
  const knowledgeDir = options.knowledgeDir ?? boardKnowledge;
  const { assistant, dataDir } = await boardAssistant(knowledgeDir);
  return startHarness({ assistant, dataDir, now: options.now ?? BOARD_NOW, env: { KNOWLEDGE_DIR: knowledgeDir } });
}

export const PASSWORD = 'mat-khau-thu-nghiem-2024';

export async function addUser(dataDir: string, login: string, role: Role, agency?: { id: string; name: string }, password = PASSWORD): Promise<void> {
  const store = BoardStore.open(boardDbFile(dataDir));
  try {
    store.addUser({ login, role, passwordHash: await hashPassword(password), ...(agency ? { agencyId: agency.id, agencyName: agency.name } : {}) }, new Date());
  } finally {
    store.close();
  }
}

/** Logs in through POST /login; returns the Cookie header value to send back. */
export async function login(url: string, user: string, password = PASSWORD): Promise<string> {
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ login: user, password }).toString(),
    redirect: 'manual',
  });
  if (res.status !== 303) throw new Error(`login ${user}: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie') ?? '';
  return cookie.split(';')[0]!;
}

export async function getJson(url: string, cookie?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { headers: cookie ? { cookie } : {} });
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
}

export async function postStatus(url: string, id: string, body: unknown, cookie?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}/api/tasks/${id}/status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
}

/** Sends a Telegram message through the webhook and returns the bot's replies to it. */
export async function tgSay(h: Harness, text: string, chatId = 601): Promise<string[]> {
  const before = h.telegram.sentTexts(chatId).length;
  const res = await postTelegram(h, tgTextUpdate(text, { chatId }));
  if (res.status !== 200) throw new Error(`webhook ${res.status}`);
  await h.app.queue.idle();
  return h.telegram.sentTexts(chatId).slice(before);
}
