/**
 * Procedure guides in the layouts provincial and national portals publish (fixtures written for
 * these tests in test/fixtures/procedures-web/, same styles as real pages): each becomes a
 * Procedure record with its name and fields, and answers cite the file and the field.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, describe, expect, it } from 'vitest';
import { answerProcedure } from '../../src/answer/procedures.js';
import type { Document } from '../../src/domain/document.js';
import { Procedure } from '../../src/domain/records.js';
import { extractProcedures } from '../../src/extract/procedures.js';
import { ProcedureFieldTable, ProcedureLabels } from '../../src/extract/procedures/labels.js';
import { ingestFile } from '../../src/ingest/index.js';
import { repoRoot } from './helpers.js';

const dir = path.join(repoRoot, 'test/fixtures/procedures-web');

async function load(file: string): Promise<Document> {
  const res = await ingestFile(file);
  if (!res.ok) throw new Error(`${file}: ${res.code} ${res.detail}`);
  return res.document;
}
async function one(name: string): Promise<{ doc: Document; p: Procedure }> {
  const doc = await load(path.join(dir, name));
  const found = extractProcedures(doc);
  expect(found, name).toHaveLength(1);
  expect(() => Procedure.parse(found[0])).not.toThrow();
  return { doc, p: found[0]! };
}
const lineOf = (doc: Document, p: Procedure, field: string) => doc.lines[(p.field_lines?.[field]?.[0] ?? 0) - 1];

describe('procedure pages in portal layouts', () => {
  it('label on one line, value on the next; name from the file when the page has none', async () => {
    const { doc, p } = await one('nhan-label-dong-sau.txt');
    expect(p).toMatchObject({ ma: '1.009871', linh_vuc: 'Bảo trợ xã hội', cap_thuc_hien: ['Cấp xã'], le_phi: 'Không' });
    expect(p.thoi_han_giai_quyet).toBe('07 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.');
    expect(p.trinh_tu).toHaveLength(2);
    expect(p.ten).toBe('Nhan label dong sau');
    expect(lineOf(doc, p, 'thoi_han_giai_quyet')).toBe('Thời hạn giải quyết');
  });

  it('label and value glued, labels with empty values, "Ð" (U+00D0) for "Đ"', async () => {
    const { p } = await one('nhan-dinh-lien.txt');
    expect(p.ten).toBe('Cấp giấy phép tổ chức biểu diễn nghệ thuật quần chúng');
    expect(p.linh_vuc).toBe('Văn hóa cơ sở');
    expect(p.thoi_han_giai_quyet).toBe('05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.');
    expect(p.doi_tuong).toBe('Tổ chức, cá nhân');
    expect(p.co_quan_thuc_hien).toBe('Phòng Văn hóa và Thông tin cấp huyện');
    expect(p.can_cu_phap_ly).toEqual(['- Nghị định số 144/2020/NĐ-CP ngày 14/12/2020 của Chính phủ'.replace(/^- /, '')]);
    // Empty "Lệ phí" and "Cách thức thực hiện": no value invented, the next label is not taken for one.
    expect(p.le_phi).toBeUndefined();
    expect(p.noi_nop).toEqual([]);
    expect(JSON.stringify(p)).not.toContain('Đã có hiệu lực');
  });

  it('"phiếu hướng dẫn": name from "Thủ tục:", never from "Lĩnh vực"; document table with Bản chính / Bản sao counts', async () => {
    const { p } = await one('phieu-huong-dan.txt');
    expect(p.ten).toBe('Cấp chứng chỉ hành nghề hoạt động xây dựng hạng II');
    expect(p.co_quan_thuc_hien).toBe('Sở Xây dựng tỉnh Yên Điền');
    expect(p.linh_vuc).toBe('Hoạt động xây dựng');
    expect(p.noi_nop).toEqual(['Trực tiếp', 'Dịch vụ bưu chính']);
    expect(p.thanh_phan_ho_so).toEqual([
      { ten: 'Đơn đề nghị cấp chứng chỉ hành nghề theo Mẫu số 01 Mau01.docx', loai: 'bản chính', so_luong: 1 },
      { ten: 'Bản sao văn bằng do cơ sở đào tạo hợp pháp cấp', loai: 'bản sao', so_luong: 1 },
    ]);
    expect(p.le_phi).toBe('300.000 đồng/chứng chỉ');
    expect(p.mo_ta).toContain('Số lượng hồ sơ: 01 bộ');
  });

  it('a page flattened into one pipe row: headings glued to each other, the submission table as a run of cells', async () => {
    const { p } = await one('trang-phang.txt');
    expect(p.thoi_han_giai_quyet).toBe('Trực tiếp: 12 Ngày làm việc; Trực tuyến: 10 Ngày làm việc');
    expect(p.noi_nop).toEqual(['Trực tiếp', 'Trực tuyến']);
    expect(p.trinh_tu.map((s) => s.slice(0, 7))).toEqual(['Bước 1:', 'Bước 2:']);
    expect(p.thanh_phan_ho_so).toEqual([]);
  });

  it('pipe key/value rows; the full portal code; "Không có thông tin" is no value', async () => {
    const { p } = await one('cap-khoa-gia-tri.txt');
    expect(p.ten).toBe('Công nhận tổ hợp tác hoạt động trên địa bàn xã');
    expect(p.ma).toBe('2.001999.000.00.00.H77');
    expect(p.co_quan_thuc_hien).toBe('UBND các xã, phường, thị trấn - Thành phố Hà Nội');
    expect(p.doi_tuong).toBe('Tổ hợp tác');
    expect(p.thoi_han_giai_quyet).toBe('Trực tiếp: 03 Ngày làm việc');
    expect(p.mo_ta).toContain('Kết quả thực hiện: Giấy xác nhận tổ hợp tác.');
    expect(JSON.stringify(p)).not.toContain('212/QĐ-UBND');
  });

  it('a page that only lists the steps of submitting and getting back a file', async () => {
    const { p } = await one('thong-bao-to-chuc-le-cuoi.txt');
    expect(p.trinh_tu.filter((s) => /^Bước/.test(s)).map((s) => s.slice(0, 7))).toEqual(['Bước 1:', 'Bước 2:', 'Bước 3:']);
    expect(p.ten).toBe('Thong bao to chuc le cuoi');
  });

  it('one-stop-shop pages: "Số ngày xử lý", "Phòng ban xử lý", "Hướng dẫn thủ tục", "Hồ sơ kèm theo"', async () => {
    const { p } = await one('mot-cua-huyen.txt');
    expect(p).toMatchObject({
      ten: 'Cấp giấy xác nhận thân nhân người có công',
      thoi_han_giai_quyet: '12',
      co_quan_thuc_hien: 'Phòng Lao động - Thương binh và Xã hội',
    });
    expect(p.le_phi).toBeUndefined();
    expect(p.trinh_tu).toHaveLength(2);
    expect(p.thanh_phan_ho_so.map((d) => d.ten)).toEqual(['Đơn đề nghị xác nhận (mẫu TN1) [TN1.doc]', 'Bản sao giấy khai sinh (bản sao có chứng thực)']);
  });

  it('a plan that talks about procedures (label words in sentences, a two-step list) yields none', async () => {
    const doc = await load(path.join(dir, 'ke-hoach-nhac-thu-tuc.txt'));
    expect(extractProcedures(doc)).toEqual([]);
  });
});

describe('two-column "Nội dung | Chi tiết" table in Word', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'procedure-docx-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const cell = (t: string) => `<w:tc><w:p><w:r><w:t xml:space="preserve">${t}</w:t></w:r></w:p></w:tc>`;
  const row = (a: string, b: string) => `<w:tr>${cell(a)}${cell(b)}</w:tr>`;

  it('reads each row as a field heading and its value, cited by the row', async () => {
    const zip = new JSZip();
    zip.file('[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>');
    zip.file('_rels/.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>');
    const rows = [
      row('Nội dung', 'Chi tiết'),
      row('Trình tự thực hiện', 'Bước 1: Người đề nghị nộp hồ sơ tại UBND cấp xã. Bước 2: UBND cấp xã xét duyệt.'),
      row('Cách thức thực hiện', 'Trực tiếp tại trụ sở UBND cấp xã.'),
      row('Thành phần, số lượng hồ sơ', '- Thành phần hồ sơ: + Tờ khai theo mẫu. + Bản sao sổ hộ nghèo. - Số lượng hồ sơ: 01 bộ.'),
      row('Thời hạn giải quyết', '10 ngày làm việc.'),
      row('Lệ phí', 'Không'),
    ].join('');
    zip.file(
      'word/document.xml',
      `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Thủ tục Hỗ trợ tiền điện cho hộ nghèo</w:t></w:r></w:p><w:tbl>${rows}</w:tbl></w:body></w:document>`,
    );
    const file = path.join(tmp, 'ho-tro-tien-dien.docx');
    writeFileSync(file, await zip.generateAsync({ type: 'nodebuffer' }));
    const doc = await load(file);
    const [p, ...rest] = extractProcedures(doc);
    expect(rest).toEqual([]);
    expect(p!.ten).toBe('Hỗ trợ tiền điện cho hộ nghèo');
    expect(p!.trinh_tu).toEqual(['Bước 1: Người đề nghị nộp hồ sơ tại UBND cấp xã.', 'Bước 2: UBND cấp xã xét duyệt.']);
    expect(p!.noi_nop).toEqual(['Trực tiếp tại trụ sở UBND cấp xã.']);
    expect(p!.thanh_phan_ho_so.map((d) => d.ten)).toEqual(['Tờ khai theo mẫu', 'Bản sao sổ hộ nghèo']);
    expect(p!.thoi_han_giai_quyet).toBe('10 ngày làm việc.');
    expect(doc.lines[p!.field_lines!['thoi_han_giai_quyet']![0] - 1]).toMatch(/^Thời hạn giải quyết \| 10 ngày/);

    const a = answerProcedure('Hỗ trợ tiền điện cho hộ nghèo mất bao lâu?', [p!])!;
    expect(a.refused).toBe(false);
    expect(a.text).toContain('10 ngày làm việc');
    expect(a.text).toContain('Nguồn: ho-tro-tien-dien.docx, thủ tục “Hỗ trợ tiền điện cho hộ nghèo”, mục Thời hạn giải quyết');
    expect(a.citations[0]).toMatchObject({ document: 'ho-tro-tien-dien.docx', section: 'thủ tục “Hỗ trợ tiền điện cho hộ nghèo”, Thời hạn giải quyết', lines: p!.field_lines!['thoi_han_giai_quyet'] });
  });
});

describe('answers on pages', () => {
  it('a guide with no field for it answers from the steps that say it, citing the steps', async () => {
    const { p } = await one('thong-bao-to-chuc-le-cuoi.txt');
    const where = answerProcedure('Thông báo tổ chức lễ cưới nộp hồ sơ ở đâu?', [p])!;
    expect(where.refused).toBe(false);
    expect(where.text).toContain('Bộ phận tiếp nhận và trả kết quả Ủy ban nhân dân cấp xã');
    expect(where.citations.map((c) => c.section)).toEqual(['thủ tục “Thong bao to chuc le cuoi”, Trình tự thực hiện']);
    const time = answerProcedure('thong bao to chuc le cuoi mất bao lâu?', [p])!;
    expect(time.text).toContain('05 (năm) ngày làm việc');
  });

  it('the same guide in two files is cited from both; the province the question names picks between namesakes', async () => {
    const a = await one('cap-khoa-gia-tri.txt');
    const docCopy = { ...a.p, id: 'copy#1', doc: { ...a.p.doc, docId: 'ban-sao/cap-khoa-gia-tri.docx', file: 'ban-sao/cap-khoa-gia-tri.docx' } };
    const other = { ...a.p, id: 'other#1', co_quan_thuc_hien: 'UBND cấp xã - Tỉnh Sơn La', doc: { ...a.p.doc, docId: 'khac.txt', file: 'khac.txt', province: 'Sơn La' }, ma: '2.001999.000.00.00.H99' };
    const others = [(await one('phieu-huong-dan.txt')).p, (await one('nhan-dinh-lien.txt')).p, (await one('mot-cua-huyen.txt')).p];
    const both = answerProcedure('Công nhận tổ hợp tác hoạt động trên địa bàn xã ở Hà Nội do cơ quan nào thực hiện?', [...others, other, a.p, docCopy])!;
    expect(both.procedure?.ma).toBe('2.001999.000.00.00.H77');
    expect(new Set(both.citations.map((c) => c.file))).toEqual(new Set([a.p.doc.file, 'ban-sao/cap-khoa-gia-tri.docx']));
    expect(both.text).toContain('Cùng nội dung trong 2 tệp');
  });
});

describe('knowledge/procedure-fields.json', () => {
  it('is zod-checked: an unknown field or key is refused with its path', () => {
    const good = ProcedureLabels.load().table;
    expect(ProcedureFieldTable.safeParse({ ...good, fields: [{ field: 'nope', labels: ['x'] }] }).success).toBe(false);
    expect(ProcedureFieldTable.safeParse({ ...good, extra: 1 }).success).toBe(false);
  });

  it('a label added to the data is read without a code change', async () => {
    const table = structuredClone(ProcedureLabels.load().table);
    const doc = await load(path.join(dir, 'mot-cua-huyen.txt'));
    const before = extractProcedures(doc)[0]!;
    expect(before.trinh_tu).toHaveLength(2);
    table.fields.find((f) => f.field === 'trinh_tu')!.labels = table.fields.find((f) => f.field === 'trinh_tu')!.labels.filter((l) => l !== 'hướng dẫn thủ tục');
    const without = extractProcedures(doc, { labels: new ProcedureLabels(table) })[0];
    expect(without?.trinh_tu ?? []).not.toEqual(before.trinh_tu);
  });
});
