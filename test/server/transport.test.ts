/**
 * Transport concerns of the webhook server: secrets, body limits, validation, dedupe, fast ack,
 * splitting, rate limit, over-long messages, health/metrics, and no secret in any log line.
 * Answer content does not matter here, so a transport stand-in answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TELEGRAM_MAX_CHARS } from '../../src/channels/telegram/channel.js';
import { ZALO_MAX_CHARS } from '../../src/channels/zalo/client.js';
import { USER_MESSAGES } from '../../src/errors.js';
import {
  TOKENS, postJson, postTelegram, postZalo, startHarness, tgTextUpdate, zaloTextEvent, type Harness,
} from './harness.js';
import { TransportAssistant } from './transport-assistant.js';

let h: Harness;
const assistant = new TransportAssistant();

beforeAll(async () => {
  h = await startHarness({ assistant, env: { RATE_LIMIT_PER_MINUTE: '5' } });
});
afterAll(async () => {
  await h?.close();
});

describe('webhook authentication', () => {
  it('rejects a forged or missing Telegram secret with 401 and never queues the update', async () => {
    const forged = await postTelegram(h, tgTextUpdate('xin chào', { chatId: 1 }), 'wrong-secret');
    const missing = await postTelegram(h, tgTextUpdate('xin chào', { chatId: 1 }), null);
    expect(forged.status).toBe(401);
    expect(missing.status).toBe(401);
    await h.app.queue.idle();
    expect(h.telegram.sentTexts(1)).toEqual([]);
  });

  it('rejects a forged or missing Zalo secret with 401', async () => {
    expect((await postZalo(h, zaloTextEvent('xin chào', { chatId: 'z-forged' }), 'not-the-secret')).status).toBe(401);
    expect((await postZalo(h, zaloTextEvent('xin chào', { chatId: 'z-forged' }), null)).status).toBe(401);
    await h.app.queue.idle();
    expect(h.zalo.sentTexts('z-forged')).toEqual([]);
  });
});

describe('webhook bodies', () => {
  it('answers 413 for a body over 1 MB', async () => {
    const big = { update_id: 1, message: { text: 'a'.repeat(1024 * 1024 + 10) } };
    expect((await postTelegram(h, big)).status).toBe(413);
    expect((await postZalo(h, { padding: 'x'.repeat(1024 * 1024 + 10) })).status).toBe(413);
  });

  it('drops a connection whose undeclared (chunked) body passes 1 MB, or that closes mid-body, and keeps serving', async () => {
    const { request } = await import('node:http');
    const chunked = await new Promise<string>((resolve) => {
      const req = request(`${h.url}/telegram/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TOKENS.telegramSecret },
      });
      req.on('response', (res) => resolve(`status ${res.statusCode}`));
      req.on('error', () => resolve('closed'));
      const piece = Buffer.alloc(64 * 1024, 'x');
      let sent = 0;
      const more = (): void => {
        while (sent < 40 && req.write(piece)) sent++;
        if (sent < 40) req.once('drain', more);
        else req.end();
      };
      more();
    });
    expect(['closed', 'status 413']).toContain(chunked);
    const cut = await new Promise<void>((resolve) => {
      const req = request(`${h.url}/zalo/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': '500', 'x-bot-api-secret-token': TOKENS.zaloSecret },
      });
      req.on('error', () => resolve());
      req.write('{"event_name": "message.text.received", ');
      setTimeout(() => req.destroy(), 50);
    });
    expect(cut).toBeUndefined();
    expect((await postTelegram(h, tgTextUpdate('vẫn chạy', { chatId: 79 }))).status).toBe(200);
  });

  it('routes a webhook path with a query string or dot segments like the plain path', async () => {
    const query = await postJson(`${h.url}/telegram/webhook?x=1`, tgTextUpdate('có query', { chatId: 80 }), { 'x-telegram-bot-api-secret-token': TOKENS.telegramSecret });
    expect(query.status).toBe(200);
    // fetch would normalise the path itself: send it as written.
    const { request } = await import('node:http');
    const dots = await new Promise<number | undefined>((resolve, rejectRequest) => {
      const req = request(`${h.url}/zalo/x/../webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-bot-api-secret-token': TOKENS.zaloSecret } });
      req.path = '/zalo/x/../webhook';
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', rejectRequest);
      req.end(JSON.stringify(zaloTextEvent('chấm chấm', { chatId: 'z-dots' })));
    });
    expect(dots).toBe(200);
    expect((await fetch(`${h.url}/telegram/webhook`)).status).toBe(405);
  });

  it('answers 400 with a log line for malformed JSON and zod-failing payloads, and keeps serving', async () => {
    const malformed = await postTelegram(h, '{"update_id": 5, "message": ');
    const noId = await postTelegram(h, { message: { text: 'hi' } });
    const zaloBad = await postZalo(h, { event_name: 'message.text.received', message: { text: 'thiếu chat' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toBe('INVALID_JSON');
    expect(noId.status).toBe(400);
    expect(noId.body.error).toBe('INVALID_PAYLOAD');
    expect(zaloBad.status).toBe(400);
    const rejected = h.logs.parsed().filter((l) => l.msg === 'request rejected');
    expect(rejected.map((l) => l.code)).toEqual(expect.arrayContaining(['INVALID_JSON', 'INVALID_PAYLOAD']));
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });

  it('answers 400 for a Telegram message without a chat (grammY handlers need ctx.chat), and stores nothing', async () => {
    const noChat = await postTelegram(h, { update_id: 660001, message: { message_id: 1, date: 1, text: 'không có chat' } });
    const editedNoChat = await postTelegram(h, { update_id: 660002, edited_message: { message_id: 1, date: 1, text: 'sửa' } });
    expect(noChat.status).toBe(400);
    expect(noChat.body.error).toBe('INVALID_PAYLOAD');
    expect(editedNoChat.status).toBe(400);
    expect(h.stores.dedupe.pending().map((p) => p.key)).not.toContain('660001');
    expect(h.logs.parsed().some((l) => l.msg === 'telegram update failed')).toBe(false);
  });

  it('answers 400 for bodies nested deeper than the limit on every JSON route', async () => {
    const deep = (n: number) => JSON.parse(`${'{"a":'.repeat(n)}1${'}'.repeat(n)}`) as unknown;
    const tg = await postTelegram(h, { update_id: 660003, message: { message_id: 1, date: 1, chat: { id: 5, type: 'private' }, text: 'x', extra: deep(100) } });
    expect(tg.status).toBe(400);
    expect(tg.body.error).toBe('TOO_DEEP');
    expect((await postZalo(h, { ...zaloTextEvent('x'), extra: deep(100) })).body.error).toBe('TOO_DEEP');
    expect((await postJson(`${h.url}/api/ask`, { question: 'x', extra: deep(100) })).body.error).toBe('TOO_DEEP');
  });

  it('answers 400 for /api/ask without a question, and 404/405 for unknown routes', async () => {
    expect((await postJson(`${h.url}/api/ask`, { session: 'abc' })).status).toBe(400);
    expect((await fetch(`${h.url}/nope`)).status).toBe(404);
    expect((await fetch(`${h.url}/api/ask`)).status).toBe(405);
  });
});

describe('dedupe', () => {
  it('answers a Telegram update delivered twice only once', async () => {
    const update = tgTextUpdate('câu hỏi lặp', { chatId: 77, updateId: 555001 });
    const first = await postTelegram(h, update);
    const second = await postTelegram(h, update);
    expect(first.status).toBe(200);
    expect(second.body).toEqual({ ok: true, duplicate: true });
    await h.app.queue.idle();
    expect(h.telegram.sentTexts(77)).toEqual(['Trả lời: câu hỏi lặp']);
  });

  it('answers a Zalo message delivered twice (in both payload shapes) only once', async () => {
    const event = zaloTextEvent('hỏi hai lần', { chatId: 'z-dup', messageId: 'mid-dup-1' });
    await postZalo(h, event);
    await postZalo(h, { ok: true, result: event });
    await h.app.queue.idle();
    expect(h.zalo.sentTexts('z-dup')).toEqual(['Trả lời: hỏi hai lần']);
  });

  it('answers an update delivered several times at once (same group commit) only once', async () => {
    const update = tgTextUpdate('gửi dồn', { chatId: 78, updateId: 555002 });
    const replies = await Promise.all(Array.from({ length: 5 }, () => postTelegram(h, update)));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(replies.filter((r) => r.body.duplicate === true)).toHaveLength(4);
    await h.app.queue.idle();
    expect(h.telegram.sentTexts(78)).toEqual(['Trả lời: gửi dồn']);
  });

  it('takes a Zalo body carrying `result` that is not an event as the event it is at top level (as the union did)', async () => {
    const event = zaloTextEvent('có result lạ', { chatId: 'z-res', messageId: 'mid-res-1' });
    const reply = await postZalo(h, { ...event, result: { note: 'không phải sự kiện' } });
    expect(reply.status).toBe(200);
    await h.app.queue.idle();
    expect(h.zalo.sentTexts('z-res')).toEqual(['Trả lời: có result lạ']);
    const bad = await postZalo(h, { ok: true, result: { event_name: 'message.text.received' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('INVALID_PAYLOAD');
  });

  it('dedupes Zalo messages without message_id by chat, date and text', async () => {
    const event = zaloTextEvent('không có mã', { chatId: 'z-noid' }) as { message: Record<string, unknown> };
    delete event.message.message_id;
    await postZalo(h, event);
    await postZalo(h, event);
    await h.app.queue.idle();
    expect(h.zalo.sentTexts('z-noid')).toHaveLength(1);
  });
});

describe('message limits', () => {
  it('splits a long Telegram answer into ≤4096-character HTML messages on paragraph boundaries', async () => {
    const paragraph = `Đoạn <b>${'chuyển đổi số & dữ liệu '.repeat(40)}</b>`;
    assistant.answerText = () => Array.from({ length: 12 }, (_, i) => `${i + 1}. ${paragraph}`).join('\n\n');
    await postTelegram(h, tgTextUpdate('dài', { chatId: 88 }));
    await h.app.queue.idle();
    assistant.answerText = (q) => `Trả lời: ${q}`;
    const sent = h.telegram.callsTo('sendMessage').filter((c) => String(c.params.chat_id) === '88');
    expect(sent.length).toBeGreaterThan(1);
    for (const call of sent) {
      const text = String(call.params.text);
      expect(text.length).toBeLessThanOrEqual(TELEGRAM_MAX_CHARS);
      expect(call.params.parse_mode).toBe('HTML');
      expect(text).not.toContain('<b>');
      expect(text).toMatch(/^\d+\. Đoạn &lt;b&gt;/);
    }
    // Feedback buttons ride on the last part only.
    expect(sent.at(-1)!.params.reply_markup).toBeDefined();
    expect(sent[0]!.params.reply_markup).toBeUndefined();
  });

  it('splits a long Zalo answer into ≤2000-character plain messages', async () => {
    assistant.answerText = () => Array.from({ length: 8 }, (_, i) => `${i + 1}. ${'Sở Thông tin và Truyền thông chủ trì. '.repeat(12)}`).join('\n\n');
    await postZalo(h, zaloTextEvent('dài', { chatId: 'z-long' }));
    await h.app.queue.idle();
    assistant.answerText = (q) => `Trả lời: ${q}`;
    const texts = h.zalo.sentTexts('z-long');
    expect(texts.length).toBeGreaterThan(1);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(ZALO_MAX_CHARS);
    expect(texts.join('\n\n').replace(/\s+/g, ' ')).toContain('8. Sở Thông tin');
  });

  it('refuses a message over 2000 characters with the clear message and does not answer it', async () => {
    const before = assistant.questions.length;
    await postTelegram(h, tgTextUpdate('hỏi '.repeat(600), { chatId: 89 }));
    await postZalo(h, zaloTextEvent('hỏi '.repeat(600), { chatId: 'z-too-long' }));
    await h.app.queue.idle();
    expect(h.telegram.sentTexts(89)).toEqual([USER_MESSAGES.MESSAGE_TOO_LONG]);
    expect(h.zalo.sentTexts('z-too-long')).toEqual([USER_MESSAGES.MESSAGE_TOO_LONG]);
    expect(assistant.questions.length).toBe(before);
  });

  it('rate-limits a chat: a polite message once, then silence, other chats unaffected', async () => {
    for (let i = 0; i < 8; i++) await postTelegram(h, tgTextUpdate(`câu ${i}`, { chatId: 90 }));
    await postTelegram(h, tgTextUpdate('chat khác', { chatId: 91 }));
    await h.app.queue.idle();
    const texts = h.telegram.sentTexts(90);
    expect(texts.filter((t) => t.startsWith('Trả lời'))).toHaveLength(5);
    // No "typing…" for messages that are not going to be answered.
    expect(h.telegram.callsTo('sendChatAction').filter((c) => String(c.params.chat_id) === '90')).toHaveLength(5);
    expect(texts.filter((t) => t === USER_MESSAGES.RATE_LIMITED)).toHaveLength(1);
    expect(h.telegram.sentTexts(91)).toEqual(['Trả lời: chat khác']);
    // A minute later the chat may ask again.
    h.clock.now = new Date(h.clock.now.getTime() + 61_000);
    await postTelegram(h, tgTextUpdate('sau một phút', { chatId: 90 }));
    await h.app.queue.idle();
    expect(h.telegram.sentTexts(90).at(-1)).toBe('Trả lời: sau một phút');
  });

  it('answers 429 on /api/ask when one session asks too fast', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await postJson(`${h.url}/api/ask`, { question: `q${i}`, session: 'fast-web' })).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });
});

describe('platform behaviour', () => {
  it('replies politely to photos and stickers', async () => {
    await postTelegram(h, { update_id: 777001, message: { message_id: 1, date: 1, chat: { id: 92, type: 'private' }, from: { id: 92, is_bot: false, first_name: 'A' }, photo: [{ file_id: 'f', file_unique_id: 'u', width: 1, height: 1 }] } });
    await postZalo(h, zaloTextEvent('', { chatId: 'z-img', event: 'message.image.received' }));
    await h.app.queue.idle();
    expect(h.telegram.sentTexts(92)).toEqual([USER_MESSAGES.UNSUPPORTED_MESSAGE]);
    expect(h.zalo.sentTexts('z-img')).toEqual([USER_MESSAGES.UNSUPPORTED_MESSAGE]);
  });

  it('retries Telegram sendMessage after 429 retry_after and 500', async () => {
    h.telegram.failNext('sendMessage', { kind: '429', retryAfter: 1 });
    h.telegram.failNext('sendMessage', { kind: '500' });
    await postTelegram(h, tgTextUpdate('thử lại', { chatId: 93 }));
    await h.app.queue.idle();
    const calls = h.telegram.callsTo('sendMessage').filter((c) => String(c.params.chat_id) === '93');
    expect(calls).toHaveLength(3);
    expect(h.telegram.sentTexts(93)).toContain('Trả lời: thử lại');
  });

  it('answers with the polite internal-error message when answering throws, on both channels', async () => {
    assistant.answerText = () => {
      throw new Error('engine exploded with TOKEN-free detail');
    };
    await postTelegram(h, tgTextUpdate('hỏng', { chatId: 96 }));
    await postZalo(h, zaloTextEvent('hỏng', { chatId: 'z-boom' }));
    await h.app.queue.idle();
    assistant.answerText = (q) => `Trả lời: ${q}`;
    expect(h.telegram.sentTexts(96)).toEqual([USER_MESSAGES.INTERNAL]);
    expect(h.zalo.sentTexts('z-boom')).toEqual([USER_MESSAGES.INTERNAL]);
    const failed = h.logs.parsed().filter((l) => String(l.msg).endsWith('update failed') || l.msg === 'zalo event failed');
    expect(failed.map((l) => l.channel).sort()).toEqual(['telegram', 'zalo']);
  });

  it('sends "typing" before answering', async () => {
    await postTelegram(h, tgTextUpdate('gõ', { chatId: 94 }));
    await h.app.queue.idle();
    const forChat = h.telegram.calls.filter((c) => String(c.params.chat_id) === '94').map((c) => c.method);
    expect(forChat.slice(0, 2)).toEqual(['sendChatAction', 'sendMessage']);
  });

  it('answers 503 on /readyz until the index is loaded (chats get the Vietnamese notice), and exposes metrics', async () => {
    assistant.ready = false;
    expect((await fetch(`${h.url}/readyz`)).status).toBe(503);
    expect((await postJson(`${h.url}/api/ask`, { question: 'x', session: 'not-ready' })).status).toBe(503);
    await postTelegram(h, tgTextUpdate('chưa sẵn sàng', { chatId: 97 }));
    await h.app.queue.idle();
    expect(h.telegram.sentTexts(97)).toEqual([USER_MESSAGES.INDEX_MISSING]);
    assistant.ready = true;
    expect((await fetch(`${h.url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/troly_answers_total\{channel="telegram",intent="fact"\} \d+/);
    expect(metrics).toMatch(/troly_webhook_rejects_total\{channel="telegram",reason="bad_secret"\} [1-9]/);
    expect(metrics).toMatch(/troly_answer_latency_seconds_bucket/);
    expect(metrics).toMatch(/troly_queue_depth 0/);
    expect(metrics).toMatch(/troly_http_requests_total\{route="\/telegram\/webhook",status="200"\}/);
  });

  it('never writes a token or webhook secret to the logs', async () => {
    // Provoke lines that would carry them: a forged secret, an API error with the URL, a 401 from Zalo.
    await postTelegram(h, tgTextUpdate('x', { chatId: 95 }), TOKENS.telegramSecret + 'x');
    h.zalo.failNext('sendMessage', { kind: '401' });
    await postZalo(h, zaloTextEvent('lỗi token', { chatId: 'z-401' }));
    await h.app.queue.idle();
    const all = h.logs.lines.join('');
    expect(h.logs.lines.length).toBeGreaterThan(20);
    expect(all).toContain('Zalo rejected the bot token');
    for (const secret of Object.values(TOKENS)) expect(all).not.toContain(secret);
    // Every request/update line carries its channel and update id.
    const answered = h.logs.parsed().filter((l) => l.msg === 'answered');
    expect(answered.length).toBeGreaterThan(0);
    for (const l of answered) {
      expect(l.channel).toMatch(/^(telegram|zalo|web)$/);
      expect(l.updateId).toBeDefined();
    }
  });
});
