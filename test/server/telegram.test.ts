/**
 * Telegram end to end: real-shaped updates → webhook → queue → real assistant over the fixture
 * knowledge → fake Telegram Bot API. "Today" is injected (10/11/2024, 09:00 in Hà Nội).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Assistant } from '../../src/answer/assistant.js';
import { COMMANDS } from '../../src/channels/conversation.js';
import { USER_MESSAGES } from '../../src/errors.js';
import { postTelegram, startHarness, tgCallbackUpdate, tgTextUpdate, type Harness } from './harness.js';
import { fixtureAssistant } from './real-assistant.js';

let h: Harness;
let assistant: Assistant;

beforeAll(async () => {
  const built = await fixtureAssistant();
  assistant = built.assistant;
  const dataDir = built.dataDir;
  h = await startHarness({ assistant, dataDir, now: new Date('2024-11-10T02:00:00Z') });
});
afterAll(async () => {
  await h?.close();
});

/** Posts updates and waits until every reply is sent. */
async function say(chatId: number, ...texts: string[]): Promise<string[]> {
  const before = h.telegram.sentTexts(chatId).length;
  for (const text of texts) {
    expect((await postTelegram(h, tgTextUpdate(text, { chatId }))).status).toBe(200);
  }
  await h.app.queue.idle();
  return h.telegram.sentTexts(chatId).slice(before);
}

async function press(chatId: number, data: string): Promise<string[]> {
  const before = h.telegram.sentTexts(chatId).length;
  await postTelegram(h, tgCallbackUpdate(data, { chatId }));
  await h.app.queue.idle();
  return h.telegram.sentTexts(chatId).slice(before);
}

function lastKeyboard(chatId: number): Array<Array<{ text: string; callback_data: string }>> {
  const call = h.telegram.callsTo('sendMessage').filter((c) => String(c.params.chat_id) === String(chatId)).at(-1);
  return ((call?.params.reply_markup as { inline_keyboard?: unknown } | undefined)?.inline_keyboard ?? []) as Array<Array<{ text: string; callback_data: string }>>;
}

describe('Telegram bot over the real assistant', () => {
  it('registers the Vietnamese command menu at start', async () => {
    // botInfo is injected, so start() only sets the commands.
    const set = h.telegram.callsTo('setMyCommands');
    expect(set).toHaveLength(1);
    expect(set[0]!.params.commands).toEqual(COMMANDS);
  });

  it('/start welcomes and gives examples', async () => {
    const [welcome] = await say(601, '/start');
    expect(welcome).toContain('Trợ lý ảo');
    expect(welcome).toContain('Ví dụ câu hỏi');
    expect(welcome).toContain('/donvi');
  });

  it('answers a question with its source, escaped HTML, and 👍/👎 buttons that record feedback', async () => {
    const [answer] = await say(602, 'Ai chủ trì làm sạch dữ liệu hộ tịch?');
    expect(answer).toContain('Sở Tư pháp');
    expect(answer).toMatch(/27\/KH-UBND/);
    const keyboard = lastKeyboard(602);
    const feedback = keyboard.flat().filter((b) => b.callback_data.startsWith('fb:'));
    expect(feedback.map((b) => b.text)).toEqual(['👍', '👎']);
    for (const b of keyboard.flat()) expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);
    await press(602, feedback[0]!.callback_data);
    expect(h.telegram.callsTo('answerCallbackQuery').at(-1)?.params.text).toBe('Cảm ơn bạn đã đánh giá!');
    const stats = h.stores.questions.stats({ since: new Date('2024-11-01T00:00:00Z') });
    expect(stats.feedback.up).toBe(1);
  });

  it('/nguon gives the full sources of the last answer', async () => {
    const [sources] = await say(602, '/nguon');
    expect(sources).toContain('Nguồn của câu trả lời trước');
    expect(sources).toContain('27/KH-UBND');
    // Never the file's path on the server (with PUBLIC_URL: a link to the document page, test/server/documents.test.ts).
    expect(sources).not.toContain('kehoach-27-quangtri.txt');
    expect(sources).toContain('mục II');
  });

  it('keeps conversation context for a follow-up question', async () => {
    await say(603, 'Ai chủ trì nâng cấp Cổng dịch vụ công?');
    const [followUp] = await say(603, 'Thời hạn hoàn thành khi nào?');
    expect(followUp).toContain('20/11/2024');
  });

  it('/donvi with an ambiguous name offers buttons; pressing one sets that agency', async () => {
    // "Sở TT" is short for several departments; the registry's ranking decides the options.
    const expected = assistant.lookupAgency('Sở TT');
    const [question] = await say(604, '/donvi Sở TT');
    expect(question).toMatch(/Bạn là đơn vị nào/);
    const buttons = lastKeyboard(604).flat();
    expect(buttons.length).toBeGreaterThan(1);
    expect(buttons.map((b) => b.text)).toEqual(expected.slice(0, buttons.length).map((c) => c.name));
    expect(buttons[1]!.callback_data).toBe('ch:1');
    const [confirmed] = await press(604, buttons[1]!.callback_data);
    expect(confirmed).toContain(`Đã đặt đơn vị: ${expected[1]!.name}`);
    expect(h.stores.profiles.get({ channel: 'telegram', chatId: '604' })?.agencyId).toBe(expected[1]!.id);
    // The choice is used up: pressing again is answered politely.
    expect((await press(604, 'ch:1'))[0]).toMatch(/đã hết hạn/);
  });

  it('/donvi <tỉnh> then /donvi <agency> binds the agency to the province; /hanchot lists due and overdue tasks for the injected date', async () => {
    const [province] = await say(605, '/donvi Quảng Trị');
    expect(province).toBe('Đã đặt tỉnh: Quảng Trị.');
    const [agency] = await say(605, '/donvi Sở TT&TT');
    expect(agency).toContain('Đã đặt đơn vị: Sở Thông tin và Truyền thông (Quảng Trị)');
    const [due] = await say(605, '/hanchot');
    expect(due).toContain('14 ngày tới');
    expect(due).toContain('10/11/2024');
    expect(due).toMatch(/Cổng dịch vụ công.*20\/11\/2024/); // II.1
    expect(due).toContain('30/10/2024'); // II.4, overdue
    expect(due).not.toContain('15/12/2024'); // III.1, outside 14 days
    const [wider] = await say(605, '/hanchot 40');
    expect(wider).toContain('15/12/2024');
    const [all] = await say(605, '/nhiemvu');
    expect(all).toMatch(/Nhiệm vụ của Sở Thông tin và Truyền thông/);
  });

  it('/nhiemvu without an agency asks for /donvi; /nhacviec toggles reminders', async () => {
    expect((await say(606, '/nhiemvu'))[0]).toContain('Bạn chưa đặt đơn vị');
    expect((await say(606, '/nhacviec on'))[0]).toContain('Đã bật nhắc việc');
    expect(h.stores.profiles.get({ channel: 'telegram', chatId: '606' })?.reminders).toBe(true);
    expect((await say(606, '/nhacviec off'))[0]).toBe('Đã tắt nhắc việc.');
  });

  it('/thutuc looks up a procedure guide', async () => {
    const [answer] = await say(607, '/thutuc khai sinh');
    expect(answer).toMatch(/Tờ khai đăng ký khai sinh/);
    expect(answer).toMatch(/Giấy chứng sinh/);
  });

  it('answers an unknown command politely', async () => {
    expect(await say(608, '/xoasach')).toEqual([USER_MESSAGES.UNKNOWN_COMMAND]);
  });

  it('keeps admin commands for admins', async () => {
    expect(await say(609, '/reindex')).toEqual([USER_MESSAGES.FORBIDDEN]);
    expect(await say(609, '/thongke')).toEqual([USER_MESSAGES.FORBIDDEN]);
    // 900 is in TELEGRAM_ADMIN_IDS.
    const [stats] = await say(900, '/thongke');
    expect(stats).toMatch(/Thống kê 7 ngày qua/);
    expect(stats).toMatch(/👍 1/);
    const reindex = await say(900, '/reindex');
    expect(reindex[0]).toMatch(/Đang cập nhật chỉ mục/);
    expect(reindex[1]).toMatch(/Đã cập nhật chỉ mục/);
    expect(reindex[1]).toMatch(/từ 2 tệp/);
    // Still answering after the swap.
    expect((await say(609, 'Ai chủ trì làm sạch dữ liệu hộ tịch?'))[0]).toContain('Sở Tư pháp');
  });
});
