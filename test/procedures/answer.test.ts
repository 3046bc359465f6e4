import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Citation } from '../../src/domain/answer.js';
import { answerProcedure, matchProcedures } from '../../src/answer/procedures.js';
import { REMINDER } from '../../src/answer/procedures/compose.js';
import { readFileSync } from 'node:fs';
import { extractProcedures } from '../../src/extract/procedures.js';
import { fixtures, loadGuides, plainDocument } from './helpers.js';

const guides = loadGuides(path.join(fixtures, 'guides'));
const byName = (ten: string) => guides.find((g) => g.ten === ten)!;
const KHAI_SINH = 'Đăng ký khai sinh';

function ask(question: string, today?: string) {
  const answer = answerProcedure(question, guides, today ? { today } : {});
  if (!answer) throw new Error(`no answer for ${question}`);
  return answer;
}

describe('answerProcedure: aspects', () => {
  it('lists the documents with bản chính/bản sao and count for "cần giấy tờ gì"', () => {
    const a = ask('Đăng ký khai sinh cần giấy tờ gì?');
    expect(a.aspect).toBe('documents');
    expect(a.procedure?.ten).toBe(KHAI_SINH);
    expect(a.text.split('\n').slice(0, 3)).toEqual([
      'Hồ sơ thủ tục “Đăng ký khai sinh” gồm:',
      '1. Tờ khai đăng ký khai sinh (bản chính, 01 bản)',
      '2. Giấy chứng sinh (bản chính, 01 bản)',
    ]);
    expect(a.refused).toBe(false);
  });

  it('answers where, online, time, fee, steps, who and legal basis from their fields', () => {
    expect(ask('đăng ký khai sinh nộp ở đâu')).toMatchObject({ aspect: 'where', text: expect.stringContaining('Bộ phận một cửa UBND cấp xã') });
    const online = ask('đăng ký khai sinh nộp online được không');
    expect(online.aspect).toBe('online');
    expect(online.text).toMatch(/^Có\. .*\n- Cổng Dịch vụ công quốc gia \(trực tuyến\)/);
    expect(ask('đăng ký khai sinh mất bao lâu')).toMatchObject({ aspect: 'time', text: expect.stringContaining('Ngay trong ngày') });
    expect(ask('đăng ký khai sinh lệ phí bao nhiêu')).toMatchObject({ aspect: 'fee', text: expect.stringContaining('Miễn lệ phí nếu đăng ký đúng hạn') });
    const steps = ask('các bước đăng ký khai sinh');
    expect(steps.aspect).toBe('steps');
    expect(steps.text).toContain('1. Nộp hồ sơ\n2. Nhận Giấy khai sinh');
    expect(ask('ai phải đăng ký khai sinh')).toMatchObject({ aspect: 'who', text: expect.stringContaining('Cha hoặc mẹ của trẻ') });
    expect(ask('đăng ký khai sinh căn cứ pháp lý')).toMatchObject({ aspect: 'legal', text: expect.stringContaining('- Nghị định 123/2015/NĐ-CP') });
  });

  it('answers several aspects asked at once, in the order asked', () => {
    const a = ask('khai sinh mất bao lâu và lệ phí thế nào');
    expect(a.aspect).toBe('time');
    expect(a.text.indexOf('Thời hạn giải quyết')).toBeLessThan(a.text.indexOf('Phí, lệ phí'));
    expect(a.citations.map((c) => c.section)).toEqual(['Thời hạn giải quyết', 'Phí, lệ phí']);
  });

  it('summarises every field with the procedure name for a vague question', () => {
    const a = ask('làm giấy khai sinh');
    expect(a.aspect).toBe('summary');
    expect(a.text).toMatch(/^Thủ tục “Đăng ký khai sinh” \(mã 1\.001193\):/);
    for (const part of ['Nơi nộp:', 'Hồ sơ: Tờ khai đăng ký khai sinh; Giấy chứng sinh', 'Thời hạn: Ngay trong ngày', 'Lệ phí: Miễn']) {
      expect(a.text).toContain(part);
    }
  });

  it('says the guide does not state a field it lacks, and refuses', () => {
    const a = ask('đăng ký khai sinh có yếu tố nước ngoài lệ phí bao nhiêu');
    expect(a.procedure?.ten).toBe('Đăng ký khai sinh có yếu tố nước ngoài');
    expect(a.text).toMatch(/^Hướng dẫn thủ tục “Đăng ký khai sinh có yếu tố nước ngoài” không nêu phí, lệ phí\./);
    expect(a.text).not.toMatch(/đồng/);
    expect(a).toMatchObject({ refused: true, reason: 'procedure_field_missing' });
  });
});

describe('answerProcedure: message shape and citations', () => {
  it('puts the answer first, then the source line, then the reminder', () => {
    const a = ask('đăng ký khai sinh mất bao lâu');
    const lines = a.text.split('\n');
    expect(lines[0]).toBe('Thời hạn giải quyết thủ tục “Đăng ký khai sinh”: Ngay trong ngày');
    expect(a.text).toContain(
      'Nguồn: Hướng dẫn thủ tục “Đăng ký khai sinh” (mã 1.001193), căn cứ Luật Hộ tịch 2014; cập nhật 01/07/2025.',
    );
    expect(lines.at(-1)).toBe(REMINDER);
  });

  it('cites the field heading and its lines in the guide file', () => {
    const a = ask('đăng ký khai sinh cần giấy tờ gì');
    const guide = byName(KHAI_SINH);
    expect(a.citations).toHaveLength(1);
    const citation = Citation.parse(a.citations[0]);
    expect(citation).toMatchObject({
      document: 'Thủ tục Đăng ký khai sinh',
      section: 'Thành phần hồ sơ',
      file: guide.doc.file,
      lines: guide.field_lines!['thanh_phan_ho_so'],
      date: '2025-07-01',
    });
  });

  it('adds a staleness note only when the guide is over a year old', () => {
    expect(ask('đăng ký khai sinh mất bao lâu', '2026-11-24').text).toContain('hơn một năm');
    expect(ask('đăng ký khai sinh mất bao lâu', '2025-12-01').text).not.toContain('hơn một năm');
  });
});

describe('answerProcedure: matching', () => {
  it('understands questions typed without diacritics', () => {
    const a = ask('lam giay khai sinh can giay to gi');
    expect(a.procedure?.ten).toBe(KHAI_SINH);
    expect(a.aspect).toBe('documents');
  });

  it('asks which one when two procedures fit equally, offering them as choices', () => {
    const a = ask('đăng ký kinh doanh cần giấy tờ gì');
    expect(a.procedure).toBeUndefined();
    expect(a.text).toMatch(/Bạn hỏi về thủ tục nào\?/);
    expect(a.choices.map((c) => c.label).sort()).toEqual(['Đăng ký thành lập doanh nghiệp', 'Đăng ký thành lập hộ kinh doanh']);
    // Each choice's query resolves to that procedure, with the aspect kept.
    for (const choice of a.choices) {
      const follow = ask(choice.query);
      expect(follow.procedure?.ten).toBe(choice.label);
      expect(follow.aspect).toBe('documents');
    }
  });

  it('answers the plain procedure and offers its more specific sibling as a choice', () => {
    const a = ask('làm giấy khai sinh');
    expect(a.procedure?.ten).toBe(KHAI_SINH);
    expect(a.choices).toEqual([{ label: 'Đăng ký khai sinh có yếu tố nước ngoài', query: 'Thủ tục Đăng ký khai sinh có yếu tố nước ngoài' }]);
  });

  it('prefers the specific sibling when its extra words are asked', () => {
    expect(ask('khai sinh cho con có cha là người nước ngoài cần gì').procedure?.ten).toBe('Đăng ký khai sinh có yếu tố nước ngoài');
  });

  it('returns undefined when no procedure matches, so the general engine decides', () => {
    expect(answerProcedure('thủ tục cấp hộ chiếu', guides)).toBeUndefined();
    expect(answerProcedure('Sở TT&TT phải làm gì trước tháng 11?', guides)).toBeUndefined();
    expect(answerProcedure('đăng ký khai sinh', [])).toBeUndefined();
    expect(matchProcedures('cần giấy tờ gì', guides)).toEqual([]);
  });

  it('ranks the named procedure first', () => {
    const ranked = matchProcedures('thành lập công ty', guides);
    expect(ranked[0]?.procedure.ten).toBe('Đăng ký thành lập doanh nghiệp');
    expect(ranked.every((r, i) => i === 0 || r.score <= ranked[i - 1]!.score)).toBe(true);
  });
});

describe('answerProcedure: procedures found in ordinary documents', () => {
  const file = path.join(fixtures, 'quyet-dinh-cong-bo-tthc.txt');
  const decision = plainDocument(file, readFileSync(file, 'utf8'), { type: 'Quyết định', number: '45/QĐ-UBND', date: '2025-03-10', title: 'Công bố TTHC hộ tịch' });
  const extracted = extractProcedures(decision);

  it('cites the decision the procedure was found in', () => {
    const a = answerProcedure('đăng ký khai tử mất bao lâu', extracted);
    expect(a?.text).toMatch(/^Thời hạn giải quyết thủ tục “Đăng ký khai tử”: Ngay trong ngày; trường hợp cần xác minh không quá 03 ngày làm việc\./);
    expect(a?.text).toContain('Nguồn: Quyết định 45/QĐ-UBND ngày 10/03/2025, thủ tục “Đăng ký khai tử”');
    expect(a?.citations[0]).toMatchObject({ document: 'Quyết định 45/QĐ-UBND', date: '2025-03-10', section: 'thủ tục “Đăng ký khai tử”, Thời hạn giải quyết' });
    const [from] = a!.citations[0]!.lines;
    expect(decision.lines[from - 1]).toBe('**Thời hạn giải quyết**');
  });

  it('answers once, from the newer source, when a guide and a decision describe the same procedure', () => {
    const a = answerProcedure('đăng ký khai sinh mất bao lâu', [...extracted, ...guides]);
    expect(a?.choices.map((c) => c.label)).not.toContain('Đăng ký khai sinh');
    expect(a?.procedure?.doc.type).toBe('Thủ tục hành chính');
    const older = guides.map((g) => (g.ten === KHAI_SINH ? { ...g, cap_nhat: '2024-01-01' } : g));
    expect(answerProcedure('đăng ký khai sinh mất bao lâu', [...older, ...extracted])?.procedure?.doc.type).toBe('Quyết định');
  });
});
