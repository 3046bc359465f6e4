import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerProcedure, answerProcedureSlots, procedureSlots } from '../../src/answer/procedures.js';
import { extractProcedures } from '../../src/extract/procedures.js';
import { fixtures, loadGuides, plainDocument, repoRoot } from '../procedures/helpers.js';

// The fixture guides (khai sinh and its foreign variant, doanh nghiệp, hộ kinh doanh) and, in variants/,
// short guides written for these tests: karaoke and its điều chỉnh, rượu and its cấp lại, lễ hội cấp xã, xây dựng.
const guides = [...loadGuides(path.join(fixtures, 'guides')), ...loadGuides(path.join(fixtures, 'variants'))];
const byName = (ten: string) => guides.find((g) => g.ten === ten)!;
const RUOU = 'Cấp Giấy phép bán lẻ rượu';
const RUOU_LAI = 'Cấp lại Giấy phép bán lẻ rượu';
const KARAOKE = 'Cấp Giấy phép đủ điều kiện kinh doanh dịch vụ karaoke';
const KARAOKE_DC = 'Cấp Giấy phép điều chỉnh Giấy phép đủ điều kiện kinh doanh dịch vụ karaoke';

const slots = (q: string, previous?: { name: string; aspect?: 'documents' | 'fee' }) =>
  procedureSlots(q, guides, previous ? { previous: { procedureId: byName(previous.name).id, ...(previous.aspect ? { aspect: previous.aspect } : {}) } } : {});

describe('procedureSlots: names and variants from the records', () => {
  it('answers the variant a question names, with or without diacritics', () => {
    expect(slots('khai sinh có yếu tố nước ngoài cần giấy tờ gì')).toMatchObject({
      procedure: { ten: 'Đăng ký khai sinh có yếu tố nước ngoài' },
      variant: 'có yếu tố nước ngoài',
      aspect: 'documents',
    });
    expect(slots('cap lai giay phep ban le ruou can gi')).toMatchObject({ procedure: { ten: RUOU_LAI }, variant: 'cấp lại' });
    // "lần đầu" is the default variant of its group: it fits a name with no other variant of the group.
    expect(slots('xin giấy phép bán lẻ rượu lần đầu cần gì').procedure?.ten).toBe(RUOU);
    // Without a variant word the base guide is answered and its variant offered.
    const base = answerProcedure('giấy phép bán lẻ rượu cần giấy tờ gì', guides)!;
    expect(base.procedure?.ten).toBe(RUOU);
    expect(base.choices.map((c) => c.label)).toContain(RUOU_LAI);
  });

  it('never answers the base procedure silently when the named variant has no guide', () => {
    const s = slots('cấp lại giấy phép xây dựng cần giấy tờ gì');
    expect(s).toMatchObject({ variant: 'cấp lại', variantMissing: true });
    expect(s.procedure).toBeUndefined();
    const a = answerProcedureSlots(s)!;
    expect(a).toMatchObject({ refused: true, reason: 'procedure_variant_not_found', citations: [] });
    expect(a.choices.map((c) => c.label)).toEqual(['Cấp giấy phép xây dựng nhà ở riêng lẻ']);
    expect(slots('thông báo tổ chức lễ hội cấp huyện mất bao lâu')).toMatchObject({ variant: 'cấp huyện', variantMissing: true });
    expect(slots('thông báo tổ chức lễ hội cấp xã mất bao lâu').procedure?.ten).toBe('Thông báo tổ chức lễ hội cấp xã');
  });

  it('a variant is looked for in guides about the same thing, and a guide whose answering field speaks of the case answers it', () => {
    // "nước ngoài" with a building permit is not "khai sinh có yếu tố nước ngoài".
    expect(slots('xin giấy phép xây dựng cho người nước ngoài cần giấy tờ gì')).toMatchObject({
      variantMissing: true,
      candidates: [{ ten: 'Cấp giấy phép xây dựng nhà ở riêng lẻ' }],
    });
    // The time limit speaks of foreign investors: it answers; the document list does not: ask.
    expect(slots('giấy phép bán lẻ rượu cho thương nhân nước ngoài mất bao lâu')).toMatchObject({ procedure: { ten: RUOU }, variantMissing: false });
    expect(answerProcedure('giấy phép bán lẻ rượu cho thương nhân nước ngoài mất bao lâu', guides)!.text).toContain('vốn đầu tư nước ngoài');
    expect(slots('giấy phép bán lẻ rượu cho thương nhân nước ngoài cần giấy tờ gì').variantMissing).toBe(true);
    // Variant words alone never name a guide.
    expect(slots('xin visa đi Hàn Quốc cần gì')).toMatchObject({ candidates: [], variantMissing: false });
    expect(slots('xin visa đi Hàn Quốc cần gì').procedure).toBeUndefined();
  });

  it('reads a long portal name from a rare word and the variant ("điều chỉnh … karaoke")', () => {
    const s = slots('Cơ quan nào thực hiện thủ tục cấp giấy phép điều chỉnh giấy phép kinh doanh karaoke?');
    expect(s).toMatchObject({ procedure: { ten: KARAOKE_DC }, variant: 'điều chỉnh', aspect: 'where' });
    // A rare word alone names the family: ask which one.
    const family = slots('giấy phép karaoke cần giấy tờ gì');
    expect(family.procedure).toBeUndefined();
    expect(family.candidates.map((p) => p.ten).sort()).toEqual([KARAOKE, KARAOKE_DC].sort());
  });

  it('settles a tie by the words one name has and the other lacks, else asks', () => {
    expect(slots('đăng ký kinh doanh cần giấy tờ gì').candidates.map((p) => p.ten).sort()).toEqual(
      ['Đăng ký thành lập doanh nghiệp', 'Đăng ký thành lập hộ kinh doanh'].sort(),
    );
    expect(slots('đăng ký kinh doanh cho hộ gia đình cần gì').procedure?.ten).toBe('Đăng ký thành lập hộ kinh doanh');
  });
});

describe('procedureSlots: aspects as data', () => {
  const ask = (q: string) => answerProcedure(q, guides)!;
  const sections = (q: string) => ask(q).citations.map((c) => c.section);

  it('"nộp bằng cách nào" / "qua bưu điện" is the way of submitting, not the documents', () => {
    for (const q of ['giấy phép bán lẻ rượu nộp bằng cách nào', 'giay phep ban le ruou gui qua buu dien duoc khong']) {
      const a = ask(q);
      expect(a.aspect).toBe('how');
      expect(a.text).toContain('Dịch vụ bưu chính');
      expect(a.citations.map((c) => c.section)).toEqual(['Nơi nộp và cách thức thực hiện']);
    }
  });

  it('reads result and conditions from the guide, citing those fields', () => {
    expect(ask('cấp giấy phép bán lẻ rượu kết quả là gì')).toMatchObject({ aspect: 'result', text: expect.stringContaining('có thời hạn 05 năm') });
    expect(sections('cấp giấy phép bán lẻ rượu kết quả là gì')).toEqual(['Kết quả thực hiện']);
    expect(ask('bán lẻ rượu cần điều kiện gì')).toMatchObject({ aspect: 'conditions', text: expect.stringContaining('địa điểm kinh doanh cố định') });
  });

  it('keeps aspect words that belong to a procedure name ("chi phí học tập" is not a fee question)', () => {
    const a = ask('con ho tro chi phi hoc tap thi nop online duoc khong');
    expect(a).toMatchObject({ aspect: 'online', procedure: { ten: 'Đề nghị hỗ trợ chi phí học tập' } });
    expect(a.text).toContain('Cổng Dịch vụ công quốc gia');
    // "hồ sơ" alone is a weak documents word: with "mấy ngày" the question is about time.
    expect(ask('bán lẻ rượu thẩm định hồ sơ trong mấy ngày').aspect).toBe('time');
  });

  it('a question about one step quotes the step that shares its words, then the field', () => {
    const a = ask('giấy phép bán lẻ rượu kiểm tra thực tế địa điểm mất mấy ngày');
    expect(a.aspect).toBe('time');
    expect(a.text).toContain('06 ngày làm việc');
    expect(a.text).toContain('10 ngày làm việc');
    expect(a.citations.map((c) => c.section)).toEqual(['Trình tự thực hiện', 'Thời hạn giải quyết']);
    // Without words of a step, only the field.
    expect(ask('giấy phép bán lẻ rượu mất mấy ngày').citations.map((c) => c.section)).toEqual(['Thời hạn giải quyết']);
  });

  it('a guide with no time field answers from a condition that states a time, citing the conditions', () => {
    const a = ask('đăng ký hoạt động tín ngưỡng phải gửi văn bản trước bao lâu');
    expect(a).toMatchObject({ aspect: 'time', refused: false });
    expect(a.text).toContain('chậm nhất là 30 ngày');
    expect(a.citations.map((c) => c.section)).toEqual(['Yêu cầu, điều kiện']);
  });

  it('… or from its document list, and "sắp quá hạn … cấp lại" picks the cấp lại guide', () => {
    const a = ask('Giấy phép bán lẻ thuốc lá của tôi sắp quá hạn, phải nộp hồ sơ cấp lại trước bao lâu?');
    expect(a).toMatchObject({ aspect: 'time', refused: false, procedure: { ten: 'Cấp lại Giấy phép bán lẻ sản phẩm thuốc lá' } });
    expect(a.text).toContain('giấy phép 30 ngày');
    expect(a.citations.map((c) => c.section)).toEqual(['Thành phần hồ sơ']);
  });

  it('says a field is not stated, cites that field, and never quotes another field', () => {
    const a = ask('điều chỉnh giấy phép karaoke lệ phí bao nhiêu');
    expect(a).toMatchObject({ refused: true, reason: 'procedure_field_missing', aspect: 'fee', procedure: { ten: KARAOKE_DC } });
    expect(a.text).toMatch(/không nêu phí, lệ phí/);
    expect(a.text).not.toContain('04 ngày');
    expect(a.citations.map((c) => c.section)).toEqual(['Phí, lệ phí']);
    expect(ask('giấy phép bán lẻ rượu có thời hạn giải quyết không')).toMatchObject({ aspect: 'time', text: expect.stringContaining('10 ngày làm việc') });
  });
});

describe('procedureSlots: follow-ups through the previous slots', () => {
  it('keeps the previous procedure when the follow-up names only an aspect or a variant', () => {
    expect(slots('còn lệ phí thì sao?', { name: RUOU, aspect: 'documents' })).toMatchObject({ procedure: { ten: RUOU }, aspect: 'fee', carried: true });
    expect(slots('mất bao lâu', { name: RUOU })).toMatchObject({ procedure: { ten: RUOU }, aspect: 'time', carried: true });
    expect(slots('cấp lại thì sao', { name: RUOU })).toMatchObject({ procedure: { ten: RUOU_LAI }, carried: true });
  });

  it('answers about the new procedure when the follow-up names one, keeping the aspect asked before', () => {
    expect(slots('thế còn đăng ký khai sinh?', { name: RUOU, aspect: 'documents' })).toMatchObject({
      procedure: { ten: 'Đăng ký khai sinh' },
      aspect: 'documents',
      carried: false,
    });
  });
});

describe('procedureSlots: the procedure signal for the question model', () => {
  it('an expired card or licence is a procedure question, overdue tasks are not', () => {
    expect(slots('CCCD quá hạn thì làm lại ở đâu')).toMatchObject({ signal: true, variant: 'hết hạn', nouns: ['cccd'] });
    expect(slots('giấy phép kinh doanh hết hạn phải làm gì').signal).toBe(true);
    expect(slots('Sở Tài chính có nhiệm vụ nào quá hạn').signal).toBe(false);
    // A late registration is not an expired paper: no variant, the guide answers.
    expect(slots('đăng ký khai sinh quá hạn có mất phí không')).toMatchObject({ procedure: { ten: 'Đăng ký khai sinh' }, aspect: 'fee' });
    expect(slots('đăng ký khai sinh quá hạn có mất phí không').variant).toBeUndefined();
  });
});

describe('extractProcedures: result and conditions keep their own lines', () => {
  it('cites "Kết quả thực hiện" and "Yêu cầu, điều kiện" by their lines on a portal page', () => {
    const file = path.join(repoRoot, 'test/fixtures/procedures-web/ket-qua-dieu-kien.txt');
    const [p] = extractProcedures(plainDocument(file, readFileSync(file, 'utf8')));
    expect(p?.ten).toBe('Cấp Giấy phép bán lẻ sản phẩm rượu');
    expect(p?.field_lines?.['ket_qua']).toEqual([8, 8]);
    expect(p?.field_lines?.['yeu_cau']).toEqual([9, 9]);
    const a = answerProcedure('giấy phép bán lẻ sản phẩm rượu được cấp gì', [p!])!;
    expect(a).toMatchObject({ aspect: 'result', refused: false });
    expect(a.citations[0]).toMatchObject({ lines: [8, 8] });
    expect(answerProcedure('giấy phép bán lẻ sản phẩm rượu lệ phí bao nhiêu', [p!])).toMatchObject({ refused: true, reason: 'procedure_field_missing' });
  });
});

describe('extractProcedures: a page with no title is named after its file, without where it came from', () => {
  it('drops a trailing province slug or source tag, so the same procedure of two provinces is one name', () => {
    const text = 'Bước 1: Đơn vị tổ chức nộp hồ sơ đến Bộ phận tiếp nhận và trả kết quả UBND cấp xã.\nBước 2: Xử lý hồ sơ, trả kết quả trong 15 ngày.\n';
    const name = (file: string) => extractProcedures(plainDocument(file, text, { title: path.basename(file, '.txt') }))[0]?.ten;
    expect(name('/x/thu-tuc-thong-bao-to-chuc-le-hoi-cap-xa-longan.txt')).toBe('Thong bao to chuc le hoi cap xa');
    expect(name('/x/thu-tuc-dang-ky-hoat-dong-tin-nguong-ninhbinh-dvcqg.txt')).toBe('Dang ky hoat dong tin nguong');
    // A last word that is no province stays ("cap xa").
    expect(name('/x/thu-tuc-thong-bao-to-chuc-le-hoi-cap-xa.txt')).toBe('Thong bao to chuc le hoi cap xa');
  });
});
