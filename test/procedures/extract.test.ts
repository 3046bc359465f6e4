import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Procedure } from '../../src/domain/records.js';
import { extractProcedures } from '../../src/extract/procedures.js';
import { fixtures, plainDocument, repoRoot } from './helpers.js';

function fixtureDocument(name: string) {
  const file = path.join(fixtures, name);
  return plainDocument(file, readFileSync(file, 'utf8'), { type: 'Quyết định', number: '45/QĐ-UBND', date: '2025-03-10' });
}

describe('extractProcedures', () => {
  const doc = fixtureDocument('quyet-dinh-cong-bo-tthc.txt');
  const procedures = extractProcedures(doc);

  it('finds each procedure of a national-database style export, with numbered and bold headings', () => {
    expect(procedures.map((p) => p.ten)).toEqual(['Đăng ký khai sinh', 'Đăng ký khai tử']);
    for (const p of procedures) expect(() => Procedure.parse(p)).not.toThrow();
  });

  it('maps numbered "a) Trình tự thực hiện:" sections and "Heading: value" lines to fields', () => {
    const p = procedures[0]!;
    expect(p.ma).toBe('1.001193');
    expect(p.linh_vuc).toBe('Hộ tịch');
    expect(p.cap_thuc_hien).toEqual(['Cấp xã']);
    expect(p.trinh_tu).toEqual([
      'Bước 1: Người có yêu cầu nộp hồ sơ tại Bộ phận tiếp nhận và trả kết quả của UBND cấp xã.',
      'Bước 2: Công chức tư pháp - hộ tịch kiểm tra hồ sơ, ghi vào Sổ hộ tịch.',
      'Bước 3: Chủ tịch UBND cấp xã ký Giấy khai sinh, trả kết quả.',
    ]);
    expect(p.noi_nop).toHaveLength(3);
    expect(p.noi_nop[1]).toBe('Trực tuyến qua Cổng Dịch vụ công quốc gia;');
    expect(p.thanh_phan_ho_so).toEqual([
      { ten: 'Tờ khai đăng ký khai sinh theo mẫu (01 bản chính)', loai: 'bản chính', so_luong: 1, ghi_chu: 'Giấy tờ phải nộp' },
      { ten: 'Giấy chứng sinh (bản chính)', loai: 'bản chính', ghi_chu: 'Giấy tờ phải nộp' },
      { ten: 'Giấy tờ tùy thân của người đi đăng ký', ghi_chu: 'Giấy tờ phải xuất trình' },
    ]);
    expect(p.thoi_han_giai_quyet).toBe('Ngay trong ngày tiếp nhận hồ sơ.');
    expect(p.doi_tuong).toBe('Cá nhân');
    expect(p.co_quan_thuc_hien).toBe('Ủy ban nhân dân cấp xã');
    expect(p.le_phi).toBe('Miễn lệ phí đối với đăng ký khai sinh đúng hạn.');
    expect(p.can_cu_phap_ly).toEqual(['Luật Hộ tịch năm 2014', 'Nghị định số 123/2015/NĐ-CP ngày 15/11/2015 của Chính phủ']);
    expect(p.mo_ta).toContain('Số lượng hồ sơ: 01 bộ');
    expect(p.mo_ta).toContain('Kết quả thực hiện: Giấy khai sinh (bản chính)');
  });

  it('keeps line spans that point at the headings in the source', () => {
    const p = procedures[0]!;
    expect(doc.lines[p.lines[0] - 1]).toBe('1. Thủ tục đăng ký khai sinh');
    const [from, to] = p.field_lines!['thanh_phan_ho_so']!;
    expect(doc.lines[from - 1]).toBe('c) Thành phần, số lượng hồ sơ:');
    expect(doc.lines[to - 1]).toBe('- Giấy tờ tùy thân của người đi đăng ký.');
    expect(p.doc).toMatchObject({ type: 'Quyết định', number: '45/QĐ-UBND', file: doc.meta.file });
    expect(p.cap_nhat).toBe('2025-03-10');
  });

  it('reads bold-line headings and stops at the next part of the document', () => {
    const p = procedures[1]!;
    expect(p.trinh_tu).toEqual(['Người đi đăng ký nộp tờ khai và giấy báo tử; công chức kiểm tra và ghi Sổ hộ tịch.']);
    expect(p.thanh_phan_ho_so.map((d) => d.ten)).toEqual([
      'Tờ khai đăng ký khai tử theo mẫu',
      'Giấy báo tử hoặc giấy tờ thay Giấy báo tử (bản chính)',
    ]);
    expect(p.thoi_han_giai_quyet).toBe('Ngay trong ngày; trường hợp cần xác minh không quá 03 ngày làm việc.');
    expect(p.le_phi).toBe('Miễn lệ phí nếu đăng ký đúng hạn.');
    expect(doc.lines[p.lines[1] - 1]).toBe('Miễn lệ phí nếu đăng ký đúng hạn.');
  });

  it('reads the tables of a national procedure database export', () => {
    const [p, ...rest] = extractProcedures(fixtureDocument('csdl-quoc-gia-export.txt'));
    expect(rest).toEqual([]);
    expect(p).toMatchObject({
      ten: 'Cấp bản sao trích lục hộ tịch',
      ma: '2.000635',
      linh_vuc: 'Hộ tịch',
      cap_thuc_hien: ['Cấp Xã', 'Cấp Tỉnh'],
      noi_nop: ['Trực tiếp', 'Trực tuyến'],
      thoi_han_giai_quyet: 'Trực tiếp: Ngay trong ngày; Trực tuyến: Ngay trong ngày',
      le_phi: 'Trực tiếp: Phí : 8.000 Đồng (mỗi bản sao); Trực tuyến: Phí : 8.000 Đồng (mỗi bản sao)',
      doi_tuong: 'Công dân Việt Nam, Người nước ngoài',
      co_quan_thuc_hien: 'Ủy ban nhân dân cấp xã, Sở Tư pháp',
      can_cu_phap_ly: ['Luật Hộ tịch', 'Nghị định quy định chi tiết một số điều và biện pháp thi hành Luật Hộ tịch'],
    });
    expect(p!.thanh_phan_ho_so).toEqual([
      { ten: 'Tờ khai cấp bản sao trích lục hộ tịch', loai: 'bản chính', so_luong: 1, ghi_chu: 'mẫu: Mẫu tờ khai.doc' },
      { ten: 'Văn bản ủy quyền (nếu ủy quyền)', loai: 'bản chính', so_luong: 1 },
    ]);
    expect(p!.trinh_tu).toHaveLength(2);
    // "Loại thủ tục", "Số quyết định", "Từ khóa" are headings too: their values stay out of other fields.
    expect(JSON.stringify(p)).not.toContain('luân chuyển');
    expect(p!.mo_ta).toBe('Kết quả thực hiện: Bản sao trích lục hộ tịch');
  });

  it('reads table rows from the document tree when the reader recognised a table', () => {
    const doc = fixtureDocument('csdl-quoc-gia-export.txt');
    const at = doc.lines.findIndex((l) => l.startsWith('Tên giấy tờ')) + 1;
    // Render the table rows differently in the text (as a reader might) and give the cells in the tree.
    const rows = [doc.lines[at - 1]!, doc.lines[at]!, doc.lines[at + 1]!].map((l) => l.split(' | '));
    doc.lines[at - 1] = rows[0]!.join('   ');
    doc.lines[at] = rows[1]!.join('   ');
    doc.lines[at + 1] = rows[2]!.join('   ');
    doc.children.push({
      kind: 'table',
      header: rows[0]!,
      rows: rows.slice(1).map((cells, k) => ({ cells, lines: [at + 1 + k, at + 1 + k], kind: 'data', groupPath: [] })),
      lines: [at, at + 2],
    });
    const [p] = extractProcedures(doc);
    expect(p!.thanh_phan_ho_so.map((d) => d.ten)).toEqual(['Tờ khai cấp bản sao trích lục hộ tịch', 'Văn bản ủy quyền (nếu ủy quyền)']);
  });

  it('finds nothing in a plan that only mentions procedures in passing', () => {
    expect(extractProcedures(fixtureDocument('ke-hoach-chuyen-doi-so.txt'))).toEqual([]);
  });

  const corpus = path.resolve(repoRoot, '../shared/corpus');
  it.skipIf(!existsSync(corpus))('finds nothing in the real plan documents of the corpus (skipped when ../shared/corpus is absent)', () => {
    const files = readdirSync(corpus).filter((f) => f.endsWith('.txt'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const file = path.join(corpus, f);
      expect(extractProcedures(plainDocument(file, readFileSync(file, 'utf8'))), f).toEqual([]);
    }
  });
});
