import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { answerProcedure, matchProcedures } from '../../src/answer/procedures.js';
import { BUNDLED_SYNONYMS, SynonymTable } from '../../src/answer/procedures/vocabulary.js';
import { bundledDir, loadGuides, repoRoot } from './helpers.js';

const guides = loadGuides(bundledDir);
const TODAY = '2026-11-24';

describe('bundled procedure guides (knowledge/procedures)', () => {
  it('has at least 12 guides, each complete enough to answer every aspect', () => {
    expect(guides.length).toBeGreaterThanOrEqual(12);
    for (const g of guides) {
      const label = g.doc.file;
      expect(g.co_quan_thuc_hien, label).toBeTruthy();
      expect(g.noi_nop.length, label).toBeGreaterThan(0);
      expect(g.thoi_han_giai_quyet, label).toBeTruthy();
      expect(g.le_phi, label).toBeTruthy();
      expect(g.trinh_tu.length, label).toBeGreaterThan(1);
      expect(g.doi_tuong, label).toBeTruthy();
      expect(g.can_cu_phap_ly.length, label).toBeGreaterThan(0);
      expect(g.cap_nhat, label).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(g.luu_y, label).toBeTruthy();
      expect(g.ten_goi_khac.length, label).toBeGreaterThan(0);
      for (const item of g.thanh_phan_ho_so) expect(item.loai ?? item.ghi_chu, `${label}: ${item.ten}`).toBeTruthy();
    }
  });

  it('uses the two-level local government: no guide sends citizens to the district level', () => {
    for (const g of guides) {
      expect(g.co_quan_thuc_hien!.replace(/trước (đó|đây) là[^;)]*/g, ''), g.doc.file).not.toMatch(/cấp huyện/);
      expect(g.cap_thuc_hien.join(' '), g.doc.file).not.toMatch(/huyện/i);
    }
  });

  it('finds each guide by its own name and by each everyday name', () => {
    for (const g of guides) {
      for (const name of [g.ten, ...g.ten_goi_khac]) {
        const answer = answerProcedure(name, guides, { today: TODAY });
        expect(answer, name).toBeDefined();
        const offered = answer!.procedure ? [answer!.procedure.ten] : answer!.choices.map((c) => c.label);
        expect(offered, name).toContain(g.ten);
      }
    }
  });

  it.each([
    ['lam giay khai sinh can giay to gi', 'Đăng ký khai sinh', 'documents'],
    ['xin giấy phép xây nhà mất bao lâu', 'Cấp giấy phép xây dựng nhà ở riêng lẻ', 'time'],
    ['lý lịch tư pháp lệ phí', 'Cấp Phiếu lý lịch tư pháp', 'fee'],
    ['làm sổ đỏ nộp ở đâu', 'Đăng ký và cấp Giấy chứng nhận quyền sử dụng đất lần đầu', 'where'],
    ['nhap ho khau mat bao lau', 'Đăng ký thường trú', 'time'],
    ['công chứng bản sao bao nhiêu tiền', 'Chứng thực bản sao từ bản chính', 'fee'],
    ['làm giấy đăng ký kết hôn cần giấy tờ gì', 'Đăng ký kết hôn', 'documents'],
    ['xin bản sao giấy khai sinh ở đâu', 'Cấp bản sao trích lục hộ tịch', 'where'],
    ['mở công ty các bước thế nào', 'Đăng ký thành lập doanh nghiệp', 'steps'],
    ['người thân mất thì làm khai tử thế nào', 'Đăng ký khai tử', 'steps'],
    ['đổi địa chỉ công ty có nộp online được không', 'Thay đổi nội dung đăng ký doanh nghiệp', 'online'],
    ['tro cap nguoi khuyet tat ai duoc huong', 'Trợ cấp xã hội hằng tháng', 'who'],
  ])('answers everyday question %j from guide %j (%s)', (q, ten, aspect) => {
    const answer = answerProcedure(q, guides, { today: TODAY });
    expect(answer?.procedure?.ten).toBe(ten);
    expect(answer?.aspect).toBe(aspect);
    expect(answer?.refused).toBe(false);
  });

  it('asks hộ kinh doanh or doanh nghiệp for "đăng ký kinh doanh"', () => {
    const answer = answerProcedure('đăng ký kinh doanh cần giấy tờ gì', guides);
    expect(answer?.choices.map((c) => c.label).sort()).toEqual(['Đăng ký thành lập doanh nghiệp', 'Đăng ký thành lập hộ kinh doanh']);
  });

  it('leaves plan questions to the general engine', () => {
    for (const q of ['Sở TT&TT phải làm gì trước tháng 11?', 'Ai chủ trì xây dựng Trung tâm điều hành thông minh?', 'chỉ tiêu dịch vụ công trực tuyến năm 2023']) {
      expect(matchProcedures(q, guides), q).toEqual([]);
    }
  });
});

describe('knowledge/synonyms.json', () => {
  it('validates against its schema', () => {
    expect(() => SynonymTable.parse(JSON.parse(readFileSync(BUNDLED_SYNONYMS, 'utf8')))).not.toThrow();
  });
});

const EvalCase = z.object({
  id: z.string(),
  q: z.string(),
  type: z.literal('procedure'),
  doc: z.string(),
  must: z.array(z.string()),
  any_of: z.array(z.array(z.string())).optional(),
});

describe('test/fixtures/eval/procedures.jsonl', () => {
  const cases = readFileSync(path.join(repoRoot, 'test/fixtures/eval/procedures.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => EvalCase.parse(JSON.parse(l)));

  it('has at least 20 questions, each naming a bundled guide', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
    const files = new Set(guides.map((g) => path.basename(g.doc.file)));
    for (const c of cases) expect(files, c.id).toContain(c.doc);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s is answered from its guide with the expected words', (_id, c) => {
    const answer = answerProcedure(c.q, guides, { today: TODAY });
    expect(answer?.procedure && path.basename(answer.procedure.doc.file)).toBe(c.doc);
    for (const word of c.must) expect(answer!.text).toContain(word);
    for (const group of c.any_of ?? []) expect(group.some((w) => answer!.text.includes(w)), group.join(' | ')).toBe(true);
  });
});
