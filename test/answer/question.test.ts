import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nextContext } from '../../src/answer/context.js';
import { parseQuestion, slotsRecord, withPrevious, type QuestionKind } from '../../src/answer/question.js';
import { BUNDLED_QUESTION_LEXICON, loadQuestionLexicon } from '../../src/answer/question-lexicon.js';
import { Provinces } from '../../src/text/provinces.js';
import { fold } from '../../src/text/normalize.js';

const today = '2026-11-24';
const provinces = Provinces.load();
const parse = (q: string) => parseQuestion(q, { today, provinces: (t) => provinces.find(t) });

/** Kind and slots for a table of questions; each is also asked without diacritics and must read the same. */
const TABLE: Array<{ q: string; kind: QuestionKind; aspect?: string; province?: string[]; docNumbers?: string[]; period?: object; mine?: boolean }> = [
  { q: 'Ai chủ trì xây dựng Trung tâm điều hành thông minh?', kind: 'task_aspect', aspect: 'lead' },
  { q: 'Ai phải báo cáo kết quả chuyển đổi số lên UBND tỉnh?', kind: 'task_aspect', aspect: 'lead' },
  { q: 'Rà soát thủ tục hành chính là việc của đơn vị nào?', kind: 'task_aspect', aspect: 'lead' },
  { q: 'Sở Y tế phối hợp những việc gì?', kind: 'task_aspect', aspect: 'partners' },
  { q: 'Khi nào phải hoàn thành kho dữ liệu dùng chung?', kind: 'task_aspect', aspect: 'deadline' },
  { q: 'Kế hoạch 114 có những nhiệm vụ gì?', kind: 'document_tasks', docNumbers: ['114'] },
  { q: 'Những nhiệm vụ nào có hạn trong tháng 11/2022?', kind: 'period_tasks', period: { kind: 'before', from: '2022-11-01', date: '2022-11-30' } },
  { q: 'Danh sách nhiệm vụ trong Quý III/2024 ở Sơn La', kind: 'period_tasks', province: ['Sơn La'], period: { kind: 'before', from: '2024-07-01', date: '2024-09-30' } },
  { q: 'Đơn vị tôi có nhiệm vụ gì?', kind: 'agency_tasks', mine: true },
  { q: 'Nhiệm vụ nào đã quá hạn?', kind: 'overdue', period: { kind: 'overdue' } },
  { q: 'Thẻ căn cước của tôi bị quá hạn thì làm sao?', kind: 'procedure', mine: true },
  { q: 'Tỷ lệ hồ sơ trực tuyến năm 2025 là bao nhiêu phần trăm?', kind: 'figure' },
  { q: 'Kế hoạch 292 do ai ký?', kind: 'document_fact', aspect: 'signer', docNumbers: ['292'] },
  { q: 'Quyết định 1118 có hiệu lực từ khi nào?', kind: 'document_fact', aspect: 'effective', docNumbers: ['1118'] },
  { q: 'Kế hoạch này gửi cho những đơn vị nào?', kind: 'document_fact', aspect: 'recipient' },
  { q: 'Đăng ký khai sinh cần giấy tờ gì?', kind: 'procedure' },
  { q: 'Xin chào bot', kind: 'greeting' },
  { q: 'bạn làm được gì?', kind: 'help' },
];

describe('parseQuestion: kind and slots', () => {
  for (const row of TABLE) {
    for (const text of [row.q, fold(row.q)]) {
      it(text, () => {
        const f = parse(text);
        expect(f.kind).toBe(row.kind);
        if (row.aspect) expect(f.slots.aspect).toBe(row.aspect);
        expect(f.slots.province).toEqual(row.province ?? []);
        if (row.docNumbers) expect(f.slots.docNumbers).toEqual(row.docNumbers);
        if (row.period) expect(f.slots.period).toMatchObject(row.period);
        expect(f.slots.mine).toBe(row.mine ?? false);
      });
    }
  }

  it('a period stated mid-sentence is read', () => {
    expect(parse('Sở Nội vụ có những việc gì phải làm trong tháng 11/2022 theo kế hoạch?').slots.period).toMatchObject({ from: '2022-11-01', date: '2022-11-30' });
  });

  it('province names are slots, not topic terms', () => {
    const f = parse('Sơn La có nhiệm vụ gì về chuyển đổi số?');
    expect(f.slots.province).toEqual(['Sơn La']);
    expect(f.slots.terms).not.toContain('son');
    // "chuyển đổi số" is read as its canonical abbreviation.
    expect(f.slots.terms).toEqual(['cds']);
  });
});

describe('follow-ups fill missing slots from the previous question', () => {
  it('"thế còn Sơn La?" keeps the topic and the kind, replaces the province', () => {
    const first = parse('Thanh Hóa có nhiệm vụ gì về chuyển đổi số trong năm 2024?');
    const next = withPrevious(parse('thế còn Sơn La?'), slotsRecord(first.slots), first.intent);
    expect(next.slots.province).toEqual(['Sơn La']);
    expect(next.slots.terms).toEqual(first.slots.terms);
    expect(next.slots.period).toEqual(first.slots.period);
    expect(next.intent).toBe(first.intent);
  });

  it('"ai phối hợp?" keeps the province and the topic, asks its own aspect', () => {
    const first = parse('Ai chủ trì xây dựng kho dữ liệu ở Sơn La?');
    const next = withPrevious(parse('ai phối hợp?'), slotsRecord(first.slots), first.intent);
    expect(next.kind).toBe('task_aspect');
    expect(next.slots.aspect).toBe('partners');
    expect(next.slots.province).toEqual(['Sơn La']);
    expect(next.slots.terms).toEqual(expect.arrayContaining(['kho', 'du', 'lieu']));
  });

  it('nextContext carries the subject slots through a chain of follow-ups', () => {
    const answer = (question: string) => ({ question, answer: '', intent: 'agency_tasks' as const, refused: false, citations: [], passages: [], tasks: [], choices: [] });
    let ctx = nextContext({ taskIds: [], docIds: [], today }, answer('Thanh Hóa có nhiệm vụ gì về chuyển đổi số?'));
    expect(ctx.subjectSlots?.province).toEqual(['Thanh Hóa']);
    ctx = nextContext(ctx, answer('thế còn Sơn La?'));
    expect(ctx.subjectQuestion).toBe('Thanh Hóa có nhiệm vụ gì về chuyển đổi số?');
    expect(ctx.subjectSlots?.province).toEqual(['Sơn La']);
    expect(ctx.subjectSlots?.terms).toEqual(['cds']);
  });
});

describe('question lexicon', () => {
  it('the bundled lexicon loads and is versioned', () => {
    expect(loadQuestionLexicon().source.schemaVersion).toBe(1);
  });

  it('a bad lexicon is a clear error naming the file and the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lexicon-'));
    const bad = JSON.parse(readFileSync(BUNDLED_QUESTION_LEXICON, 'utf8'));
    bad.kinds.lead = [];
    writeFileSync(join(dir, 'l.json'), JSON.stringify(bad));
    expect(() => loadQuestionLexicon(join(dir, 'l.json'))).toThrow(/l\.json.*kinds\.lead/);
    writeFileSync(join(dir, 'v.json'), JSON.stringify({ ...bad, schemaVersion: 9 }));
    expect(() => loadQuestionLexicon(join(dir, 'v.json'))).toThrow(/schemaVersion 9/);
  });

  it('a cue added to the data changes the kind, with no code change', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lexicon-'));
    const lex = JSON.parse(readFileSync(BUNDLED_QUESTION_LEXICON, 'utf8'));
    const q = 'đầu mối xây dựng kho dữ liệu là ai';
    expect(parseQuestion(q, { today }).kind).not.toBe('task_aspect');
    lex.kinds.leadFirst.push('đầu mối');
    writeFileSync(join(dir, 'l.json'), JSON.stringify(lex));
    const f = parseQuestion(q, { today, lexicon: loadQuestionLexicon(join(dir, 'l.json')) });
    expect(f.kind).toBe('task_aspect');
    expect(f.slots.aspect).toBe('lead');
  });
});
