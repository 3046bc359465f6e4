/**
 * Zalo Bot end to end over the real assistant: both payload shapes, plain-text replies, text
 * commands, numbered choices, admin commands.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USER_MESSAGES } from '../../src/errors.js';
import { postZalo, startHarness, zaloTextEvent, type Harness } from './harness.js';
import { fixtureAssistant } from './real-assistant.js';

let h: Harness;

beforeAll(async () => {
  const { assistant, dataDir } = await fixtureAssistant();
  h = await startHarness({ assistant, dataDir, now: new Date('2024-11-10T02:00:00Z') });
});
afterAll(async () => {
  await h?.close();
});

async function say(chatId: string, text: string, options: { wrapped?: boolean; userId?: string } = {}): Promise<string[]> {
  const before = h.zalo.sentTexts(chatId).length;
  expect((await postZalo(h, zaloTextEvent(text, { chatId, ...options }))).status).toBe(200);
  await h.app.queue.idle();
  return h.zalo.sentTexts(chatId).slice(before);
}

describe('Zalo bot over the real assistant', () => {
  it('answers a question typed without diacritics, wrapped or not, as plain text with typing first', async () => {
    const [a] = await say('z1', 'lam giay khai sinh can giay to gi', { wrapped: true });
    expect(a).toMatch(/Tờ khai đăng ký khai sinh/);
    expect(a).not.toMatch(/<\/?[a-z]+>/);
    const [b] = await say('z1', 'Ai chủ trì làm sạch dữ liệu hộ tịch?');
    expect(b).toContain('Sở Tư pháp');
    const methods = h.zalo.calls.filter((c) => c.params.chat_id === 'z1').map((c) => c.method);
    expect(methods.slice(0, 2)).toEqual(['sendChatAction', 'sendMessage']);
  });

  it('/donvi ambiguity becomes a numbered list answered with the number', async () => {
    const [list] = await say('z2', '/donvi Sở TT');
    expect(list).toMatch(/Bạn là đơn vị nào/);
    const options = list!.split('\n').filter((l) => /^\d+\. /.test(l));
    expect(options.length).toBeGreaterThan(1);
    const second = options[1]!.replace(/^2\. /, '');
    const [confirmed] = await say('z2', '2');
    expect(confirmed).toContain(`Đã đặt đơn vị: ${second}`);
  });

  it('mirrors /hanchot and /nguon', async () => {
    await say('z3', '/donvi Sở Tư pháp');
    const [due] = await say('z3', '/hanchot 7');
    expect(due).toContain('14/11/2024');
    await say('z3', 'Ai chủ trì nâng cấp Cổng dịch vụ công?');
    const [sources] = await say('z3', '/nguon');
    expect(sources).toContain('27/KH-UBND');
  });

  it('keeps admin commands for ZALO_ADMIN_IDS', async () => {
    expect(await say('z4', '/thongke')).toEqual([USER_MESSAGES.FORBIDDEN]);
    const [stats] = await say('z5', '/thongke', { userId: 'zalo-admin' });
    expect(stats).toMatch(/Thống kê 7 ngày qua/);
  });
});
