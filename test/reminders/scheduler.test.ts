/**
 * Deadline reminders over the real assistant and the fixture plan (Kế hoạch 27/KH-UBND, Quảng
 * Trị): sent at REMINDER_HOUR local time, each task/threshold once — also across a restart on the
 * same DATA_DIR — and retried after a send the platform refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daysBetween, thresholdFor } from '../../src/reminders/scheduler.js';
import { fakeTelegram, fakeZalo } from '../fakes/bot-api.js';
import { TOKENS, postTelegram, startHarness, tempDir, tgTextUpdate, type Harness } from '../server/harness.js';
import { fixtureAssistant } from '../server/real-assistant.js';

const telegram = fakeTelegram(TOKENS.telegram);
const zalo = fakeZalo(TOKENS.zalo);
const dataDir = tempDir('troly-reminders-');
let h: Harness;

async function startOn(now: string): Promise<Harness> {
  const { assistant } = await fixtureAssistant(dataDir);
  return startHarness({ assistant, dataDir, telegram, zalo, now: new Date(now) });
}

async function setup(chatId: number, ...texts: string[]): Promise<void> {
  for (const text of texts) await postTelegram(h, tgTextUpdate(text, { chatId }));
  await h.app.queue.idle();
}

const reminders = (chatId: number) => telegram.sentTexts(chatId).filter((t) => t.startsWith('⏰'));

beforeAll(async () => {
  await telegram.start();
  await zalo.start();
  // 10/11/2024 09:00 in Hà Nội (REMINDER_HOUR defaults to 8).
  h = await startOn('2024-11-10T02:00:00Z');
  await setup(701, '/donvi Quảng Trị', '/donvi Sở Tư pháp', '/nhacviec on');
  await setup(702, '/donvi Quảng Trị', '/donvi Sở TT&TT', '/nhacviec on');
  await setup(703, '/donvi Quảng Trị', '/donvi Sở Tư pháp'); // not subscribed
});
afterAll(async () => {
  await h?.close();
});

describe('ReminderScheduler', () => {
  it('counts whole days between ISO dates', () => {
    expect(daysBetween('2024-11-10', '2024-11-14')).toBe(4);
    expect(daysBetween('2024-11-10', '2024-10-30')).toBe(-11);
  });

  it('maps days left to the 7/3/1 thresholds and a week of "newly overdue"', () => {
    const on = (due: string, kind: 'date' | 'recurring' = 'date') => thresholdFor('2024-11-10', { raw: due, kind, due }, 7);
    expect(['2024-11-18', '2024-11-17', '2024-11-14', '2024-11-13', '2024-11-12', '2024-11-11', '2024-11-10'].map((d) => on(d)))
      .toEqual([undefined, '7', '7', '3', '3', '1', '1']);
    expect(on('2024-11-09')).toBe('overdue');
    expect(on('2024-11-03')).toBe('overdue');
    expect(on('2024-11-02')).toBeUndefined();
    expect(on('2024-11-03', 'recurring')).toBeUndefined();
    expect(on('2024-11-13', 'recurring')).toBe('3');
    expect(thresholdFor('2024-11-10', { raw: 'Thường xuyên', kind: 'ongoing' }, 7)).toBeUndefined();
  });

  it('does nothing before REMINDER_HOUR local time', async () => {
    h.clock.now = new Date('2024-11-10T00:30:00Z'); // 07:30 in Hà Nội
    expect(await h.app.reminders.tick()).toBeUndefined();
    expect(reminders(701)).toEqual([]);
    h.clock.now = new Date('2024-11-10T02:00:00Z');
  });

  it('sends a subscribed chat its tasks entering the 7-day window, and nothing to others', async () => {
    const report = await h.app.reminders.tick();
    expect(report).toMatchObject({ day: '2024-11-10', chats: 2, sent: 1, failed: 0 });
    const [message] = reminders(701);
    expect(message).toContain('Nhắc hạn nhiệm vụ của Sở Tư pháp (ngày 10/11/2024)');
    expect(message).toContain('Đến hạn trong 7 ngày tới');
    expect(message).toContain('14/11/2024'); // II.2, Sở Tư pháp
    expect(reminders(702)).toEqual([]); // 20/11 is 10 days away; 30/10 is long overdue
    expect(reminders(703)).toEqual([]);
  });

  it('does not repeat after a restart on the same DATA_DIR (new server instance)', async () => {
    await h.close({ keepFakes: true });
    h = await startOn('2024-11-10T05:00:00Z');
    expect(await h.app.reminders.tick()).toBeUndefined(); // today's run is recorded
    const forced = await h.app.reminders.runDay('2024-11-10'); // and the ledger holds even if forced
    expect(forced.sent).toBe(0);
    expect(reminders(701)).toHaveLength(1);
  });

  it('reminds again at the next threshold (3 days) the next day, once', async () => {
    h.clock.now = new Date('2024-11-11T01:30:00Z'); // 08:30 local
    expect((await h.app.reminders.tick())?.sent).toBe(1);
    expect(reminders(701)).toHaveLength(2);
    expect(reminders(701)[1]).toContain('Đến hạn trong 3 ngày tới');
    await h.app.reminders.runDay('2024-11-11');
    expect(reminders(701)).toHaveLength(2);
  });

  it('skips chats that turned reminders off, and releases a reminder Telegram refused so the next run sends it', async () => {
    await setup(701, '/nhacviec off');
    // 13/11: 20/11 enters the 7-day window for Sở TT&TT; its first send is refused for good (401).
    telegram.failNext('sendMessage', { kind: '401' }, 1, (params) => String(params.chat_id) === '702');
    h.clock.now = new Date('2024-11-13T02:00:00Z');
    const first = await h.app.reminders.runDay('2024-11-13');
    expect(first).toMatchObject({ chats: 1, sent: 0, failed: 1 });
    expect(reminders(702)).toEqual([]);
    const retry = await h.app.reminders.runDay('2024-11-13');
    expect(retry).toMatchObject({ chats: 1, sent: 1, failed: 0 });
    expect(reminders(702)).toHaveLength(1);
    expect(reminders(702)[0]).toContain('20/11/2024'); // II.1, Sở TT&TT
    expect(reminders(701)).toHaveLength(2); // 14/11 is tomorrow, but 701 unsubscribed
  });
});
