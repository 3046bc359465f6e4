import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, openSqliteStores } from '../../src/storage/sqlite.js';
import type { ReminderEntry } from '../../src/storage/stores.js';
import { tempDir } from '../server/harness.js';

const tg = { channel: 'telegram' as const, chatId: '501' };

describe('openSqliteStores', () => {
  it('applies numbered migrations once and records them in schema_migrations', () => {
    const file = path.join(tempDir(), 'app.db');
    openSqliteStores({ file }).close();
    openSqliteStores({ file }).close();
    const db = new Database(file);
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    expect(versions).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('refuses a database written by a newer program', () => {
    const file = path.join(tempDir(), 'app.db');
    openSqliteStores({ file }).close();
    const db = new Database(file);
    db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (99, ?)').run(new Date().toISOString());
    db.close();
    expect(() => openSqliteStores({ file })).toThrow(/schema version 99 is newer than this program knows/);
  });

  it('keeps profiles, conversations and the question log across a reopen', () => {
    const file = path.join(tempDir(), 'app.db');
    const a = openSqliteStores({ file });
    a.profiles.update(tg, { agencyId: 'so-tttt@quang-tri', province: 'Quảng Trị' });
    a.profiles.update(tg, { reminders: true });
    a.conversations.set(tg, { previousQuestion: 'Ai chủ trì?', taskIds: ['t1'], docIds: [], citations: [] });
    const qid = a.questions.record({ ...tg, question: 'Ai chủ trì?', answer: 'Sở TT&TT', intent: 'who_leads', refused: false, latencyMs: 12, askedAt: new Date('2024-11-10T02:00:00Z') });
    a.close();
    const b = openSqliteStores({ file });
    expect(b.profiles.get(tg)).toEqual({ ...tg, agencyId: 'so-tttt@quang-tri', province: 'Quảng Trị', reminders: true });
    expect(b.profiles.subscribers().map((p) => p.chatId)).toEqual(['501']);
    expect(b.conversations.get(tg).taskIds).toEqual(['t1']);
    expect(b.questions.get(qid)?.answer).toBe('Sở TT&TT');
    b.close();
  });

  it('resets an unreadable conversation state instead of failing the chat', () => {
    const file = path.join(tempDir(), 'app.db');
    openSqliteStores({ file }).close();
    const db = new Database(file);
    db.prepare("INSERT INTO conversations VALUES ('telegram', '501', '{\"taskIds\": 5}', 'x')").run();
    db.close();
    const s = openSqliteStores({ file });
    expect(s.conversations.get(tg)).toEqual({ taskIds: [], docIds: [], citations: [] });
    s.close();
  });
});

describe('DedupeStore', () => {
  it('claims a key once, keeps the payload until done, and lists undone ones as pending', () => {
    const s = openSqliteStores({ file: ':memory:' });
    const at = new Date('2024-11-10T02:00:00Z');
    expect(s.dedupe.claim({ channel: 'telegram', key: '1', payload: { update_id: 1 } }, at)).toBe(true);
    expect(s.dedupe.claim({ channel: 'telegram', key: '1', payload: { update_id: 1 } }, at)).toBe(false);
    expect(s.dedupe.claim({ channel: 'zalo', key: '1', payload: { x: 1 } }, at)).toBe(true);
    s.dedupe.done('zalo', '1', at);
    expect(s.dedupe.pending()).toEqual([{ channel: 'telegram', key: '1', payload: { update_id: 1 } }]);
    s.dedupe.unclaim('telegram', '1');
    expect(s.dedupe.claim({ channel: 'telegram', key: '1', payload: {} }, at)).toBe(true);
    // Pruning drops only handled keys older than the cut-off.
    expect(s.dedupe.prune(new Date('2024-11-11T00:00:00Z'))).toBe(1);
    expect(s.dedupe.claim({ channel: 'zalo', key: '1', payload: {} }, at)).toBe(true);
    s.close();
  });
});

describe('DedupeStore as the reply backlog', () => {
  it('lists undone updates oldest first, in bounded batches after a sequence number, and counts them', () => {
    const s = openSqliteStores({ file: ':memory:' });
    const at = new Date('2024-11-10T02:00:00Z');
    for (let i = 1; i <= 5; i++) s.dedupe.claim({ channel: 'telegram', key: String(i), payload: { update_id: i } }, at);
    s.dedupe.done('telegram', '2', at);
    expect(s.dedupe.pendingCount()).toBe(4);
    expect(s.dedupe.pending(2).map((p) => p.key)).toEqual(['1', '3']);
    const first = s.dedupe.pendingAfter(0, 2);
    expect(first.map((p) => p.key)).toEqual(['1', '3']);
    expect(first[0]!.payload).toEqual({ update_id: 1 });
    const next = s.dedupe.pendingAfter(first[1]!.seq, 10);
    expect(next.map((p) => p.key)).toEqual(['4', '5']);
    expect(s.dedupe.pendingAfter(next[1]!.seq, 10)).toEqual([]);
    s.close();
  });
});

describe('DedupeStore group commit', () => {
  it('claims several updates in one call: order kept, a key repeated within the call or already stored is a duplicate', () => {
    const s = openSqliteStores({ file: ':memory:' });
    const at = new Date('2024-11-10T02:00:00Z');
    expect(s.dedupe.claim({ channel: 'telegram', key: '7', payload: { update_id: 7 } }, at)).toBe(true);
    const fresh = s.dedupe.claimAll(
      [
        { channel: 'telegram', key: '8', payload: { update_id: 8 } },
        { channel: 'telegram', key: '7', payload: { update_id: 7 } },
        { channel: 'zalo', key: '8', payload: { x: 8 } },
        { channel: 'telegram', key: '8', payload: { update_id: 8 } },
      ],
      at,
    );
    expect(fresh).toEqual([true, false, true, false]);
    expect(s.dedupe.pending().map((p) => `${p.channel}:${p.key}`)).toEqual(['telegram:7', 'telegram:8', 'zalo:8']);
    expect(s.dedupe.claimAll([], at)).toEqual([]);
    s.dedupe.doneAll([{ channel: 'telegram', key: '7' }, { channel: 'zalo', key: '8' }], at);
    expect(s.dedupe.pending().map((p) => `${p.channel}:${p.key}`)).toEqual(['telegram:8']);
    s.close();
  });

  it('keeps none of a batch when one of its updates cannot be stored', () => {
    const s = openSqliteStores({ file: ':memory:' });
    const at = new Date('2024-11-10T02:00:00Z');
    // A payload JSON cannot represent makes the third insert throw after two succeeded.
    const batch = [
      { channel: 'telegram' as const, key: '1', payload: { update_id: 1 } },
      { channel: 'telegram' as const, key: '2', payload: { update_id: 2 } },
      { channel: 'telegram' as const, key: '3', payload: { big: 10n } },
    ];
    expect(() => s.dedupe.claimAll(batch, at)).toThrow();
    expect(s.dedupe.pendingCount()).toBe(0);
    // The platform's retry is then accepted as new.
    expect(s.dedupe.claimAll(batch.slice(0, 2), at)).toEqual([true, true]);
    s.close();
  });
});

describe('ReminderLedger', () => {
  it('claims each task/threshold/due once; release lets the next run retry', () => {
    const s = openSqliteStores({ file: ':memory:' });
    const e = (taskId: string, threshold: ReminderEntry['threshold'], due = '2024-11-14'): ReminderEntry => ({ ...tg, taskId, due, threshold });
    const at = new Date();
    expect(s.reminders.claim([e('a', '7'), e('b', '3')], at)).toHaveLength(2);
    expect(s.reminders.claim([e('a', '7'), e('a', '3'), e('a', '7', '2024-12-14')], at)).toEqual([e('a', '3'), e('a', '7', '2024-12-14')]);
    s.reminders.release([e('b', '3')]);
    expect(s.reminders.claim([e('b', '3')], at)).toEqual([e('b', '3')]);
    s.reminders.setMeta('reminders.lastRunDay', '2024-11-10');
    expect(s.reminders.getMeta('reminders.lastRunDay')).toBe('2024-11-10');
    s.close();
  });
});

describe('QuestionLog.stats and FeedbackStore', () => {
  it('counts questions per day, refusals, top unanswered (folded together) and votes', () => {
    const s = openSqliteStores({ file: ':memory:' });
    const ask = (question: string, refused: boolean, day: string) =>
      s.questions.record({ ...tg, question, answer: '…', intent: 'fact', refused, latencyMs: 5, askedAt: new Date(`${day}T03:00:00Z`) });
    const q1 = ask('Ai chủ trì SOC?', false, '2024-11-09');
    ask('giấy phép lái xe đổi ở đâu', true, '2024-11-09');
    ask('giay phep lai xe doi o dau?', true, '2024-11-10');
    ask('lịch nghỉ tết', true, '2024-11-10');
    ask('cũ quá', true, '2024-10-01');
    // 23:30 UTC on 10/11 is 06:30 on 11/11 in Hà Nội: counted on the local day.
    s.questions.record({ ...tg, question: 'sáng sớm', answer: '…', intent: 'fact', refused: false, latencyMs: 5, askedAt: new Date('2024-11-10T23:30:00Z') });
    expect(s.feedback.record({ ...tg, questionId: q1, rating: 1, at: new Date('2024-11-10T04:00:00Z') })).toBe(true);
    expect(s.feedback.record({ ...tg, questionId: q1, rating: -1, at: new Date('2024-11-10T04:01:00Z') })).toBe(true);
    expect(s.feedback.record({ channel: 'zalo', chatId: 'z', questionId: q1, rating: 1, at: new Date('2024-11-10T04:02:00Z') })).toBe(true);
    expect(s.feedback.record({ ...tg, questionId: 9999, rating: 1, at: new Date() })).toBe(false);
    const stats = s.questions.stats({ since: new Date('2024-11-03T00:00:00Z') });
    expect(stats.perDay).toEqual([
      { day: '2024-11-09', questions: 2, refused: 1 },
      { day: '2024-11-10', questions: 2, refused: 2 },
      { day: '2024-11-11', questions: 1, refused: 0 },
    ]);
    expect(stats.total).toBe(5);
    expect(stats.refused).toBe(3);
    expect(stats.topUnanswered[0]).toEqual({ question: 'giấy phép lái xe đổi ở đâu', count: 2 });
    expect(stats.feedback).toEqual({ up: 1, down: 1 });
    s.close();
  });
});
