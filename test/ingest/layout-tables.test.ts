/**
 * The PDF/OCR table reader on hand-placed words shaped like LibreOffice's rendering of a Word
 * appendix: row gaps only half a point wider than line gaps (no pitch signal), group rows "I. …"
 * printed across the whole table as one run of text, a header repeated after a group row, cells
 * wrapped over several lines and a lead cell merged over three rows (printed once, on the first).
 */
import { describe, expect, it } from 'vitest';
import type { SourceBlock } from '../../src/domain/document.js';
import { layoutPages, type PageWords, type WordBox } from '../../src/ingest/layout/index.js';
import { fixOcrQuarters, fixOcrSpacing } from '../../src/ingest/layout/spacing.js';

const CW = 5;
const H = 10;
/** One text run (PDF items keep single spaces inside one box). */
const run = (text: string, x: number, y: number, conf?: number): WordBox => ({
  text,
  x0: x,
  x1: x + [...text].length * CW,
  y0: y,
  y1: y + H,
  ...(conf !== undefined ? { conf } : {}),
});

const COLS = [60, 95, 230, 310, 400, 460];
/** Lines 12.8 apart, rows 13.3 apart: what LibreOffice prints for a Word table with tight padding. */
function appendix(conf?: number): WordBox[] {
  const rows: Array<string[][] | string> = [
    [['STT'], ['Nội dung nhiệm vụ'], ['Cơ quan', 'chủ trì'], ['Cơ quan phối', 'hợp'], ['Thời', 'gian', 'hoàn', 'thành']],
    [['(1)'], ['(2)'], ['(3)'], ['(4)'], ['(5)']],
    'I. Nhóm nhiệm vụ về hạ tầng thương mại',
    [['1'], ['Đầu tư xây dựng chợ', 'biên giới Hoành Mô'], ['Sở Công', 'Thương'], ['Sở Tài chính;', 'UBND huyện', 'Bình Liêu'], ['Quý', 'IV/2024']],
    [['2'], ['Cải tạo, nâng cấp các', 'chợ hạng I tại đô thị'], [], ['UBND các', 'huyện, thị xã'], ['Năm', '2025']],
    [['3'], ['Phát triển mạng lưới cửa', 'hàng tiện lợi ở khu vực', 'nông thôn'], [], ['Sở Nông nghiệp', 'và Môi trường'], ['6 tháng', 'đầu năm', '2025']],
    'II. Nhóm nhiệm vụ về logistics',
    [['STT'], ['Nội dung nhiệm vụ'], ['Cơ quan', 'chủ trì'], ['Cơ quan phối', 'hợp'], ['Thời', 'gian', 'hoàn', 'thành']],
    [['1'], ['Xây dựng cơ sở dữ liệu', 'doanh nghiệp logistics'], ['Sở Khoa học', 'và Công nghệ'], ['Sở Công', 'Thương'], ['Tháng', '12/2024']],
  ];
  const out: WordBox[] = [];
  let y = 80;
  for (const row of rows) {
    if (typeof row === 'string') {
      out.push(run(row, COLS[0]!, y, conf));
      y += 13.3;
      continue;
    }
    const height = Math.max(...row.map((c) => c.length));
    row.forEach((cell, c) => cell.forEach((line, k) => out.push(run(line, COLS[c]!, y + k * 12.8, conf))));
    y += (height - 1) * 12.8 + 13.3;
  }
  return out;
}

const page = (words: WordBox[]): PageWords => ({ page: 1, width: 595, height: 842, words });
const tables = (blocks: SourceBlock[]) => blocks.filter((b): b is Extract<SourceBlock, { kind: 'table' }> => b.kind === 'table');

describe('layout: a Word appendix as LibreOffice prints it', () => {
  it.each([
    ['text layer', undefined],
    ['OCR words', 0.9],
  ])('reads one table from %s: group rows, wrapped cells, the repeated header dropped', (_name, conf) => {
    const { blocks } = layoutPages([page(appendix(conf))]);
    const found = tables(blocks);
    expect(found).toHaveLength(1);
    const rows = found[0]!.rows;
    expect(rows[0]).toEqual(['STT', 'Nội dung nhiệm vụ', 'Cơ quan chủ trì', 'Cơ quan phối hợp', 'Thời gian hoàn thành']);
    const byFirst = (first: string, nth = 0) => rows.filter((r) => r[0] === first)[nth];
    expect(byFirst('I. Nhóm nhiệm vụ về hạ tầng thương mại')).toBeDefined();
    expect(byFirst('II. Nhóm nhiệm vụ về logistics')).toBeDefined();
    expect(byFirst('1')).toEqual(['1', 'Đầu tư xây dựng chợ biên giới Hoành Mô', 'Sở Công Thương', 'Sở Tài chính; UBND huyện Bình Liêu', 'Quý IV/2024']);
    // The merged lead is printed once; its rows keep an empty lead cell (the extractor refills it).
    expect(byFirst('2')).toEqual(['2', 'Cải tạo, nâng cấp các chợ hạng I tại đô thị', '', 'UBND các huyện, thị xã', 'Năm 2025']);
    expect(byFirst('3')?.[4]).toBe('6 tháng đầu năm 2025');
    expect(byFirst('1', 1)).toEqual(['1', 'Xây dựng cơ sở dữ liệu doanh nghiệp logistics', 'Sở Khoa học và Công nghệ', 'Sở Công Thương', 'Tháng 12/2024']);
    // The header printed again under "II." is not a data row.
    expect(rows.filter((r) => r[0] === 'STT')).toHaveLength(1);
    // Nothing of the table is left over as prose lines.
    expect(blocks.filter((b) => b.kind === 'line')).toEqual([]);
  });

  it('keeps a numbered prose paragraph below a table out of it', () => {
    const words = [...appendix(), run('2. Sở Tài chính: tham mưu bố trí kinh phí thực hiện Kế hoạch trong dự toán hằng năm.', 60, 400)];
    const { blocks } = layoutPages([page(words)]);
    expect(tables(blocks)).toHaveLength(1);
    expect(blocks.filter((b) => b.kind === 'line').map((b) => (b as { text: string }).text)).toEqual([
      '2. Sở Tài chính: tham mưu bố trí kinh phí thực hiện Kế hoạch trong dự toán hằng năm.',
    ]);
  });
});

/** Rows of cells as lines at the given top; each row's height is its tallest cell. */
function grid(rows: string[][][], top: number, cols: readonly number[]): WordBox[] {
  const out: WordBox[] = [];
  let y = top;
  for (const row of rows) {
    const height = Math.max(1, ...row.map((c) => c.length));
    row.forEach((cell, c) => cell.forEach((line, k) => out.push(run(line, cols[c]!, y + k * 12.8))));
    y += (height - 1) * 12.8 + 13.3;
  }
  return out;
}

describe('layout: a table continued on the next page', () => {
  const HEAD = [['TT'], ['Nhiệm vụ'], ['Cơ quan', 'chủ trì'], ['Cơ quan phối', 'hợp'], ['Thời gian', 'hoàn thành'], ['Sản phẩm']];
  const page1 = grid(
    [
      HEAD,
      [['3'], ['Thanh toán viện phí', 'không dùng tiền mặt'], ['Phòng Kế', 'hoạch - Tài', 'chính'], ['Các bệnh viện'], ['Trước', '30/9/202', '4'], ['100% bệnh', 'viện']],
      [['4'], ['Cấp giấy chứng sinh', 'điện tử'], ['Phòng Nghiệp', 'vụ Y'], ['Sở Tư pháp;', 'Công an tỉnh'], ['Quý', 'IV/2024'], ['Giấy chứng']],
    ],
    700,
    COLS,
  );
  // Page 2: the header again, the rest of row 4's last cell (no STT), then row 5 whose lead cell
  // is merged with row 4's and so printed on page 1 only.
  const page2 = grid(
    [HEAD, [[], [], [], [], [], ['sinh điện', 'tử']], [['5'], ['Tập huấn kỹ năng số', 'cho tuyến xã'], [], ['Trung tâm Y tế', 'các huyện'], ['Hằng năm'], ['Lớp tập huấn']]],
    80,
    COLS,
  );

  it('is one table: the repeated header dropped, the cut row joined, each row keeping its page', () => {
    const { blocks } = layoutPages([
      { page: 1, width: 595, height: 842, words: page1 },
      { page: 2, width: 595, height: 842, words: page2 },
    ]);
    const found = tables(blocks);
    expect(found).toHaveLength(1);
    const [table] = found;
    expect(table!.rows.map((r) => r[0])).toEqual(['TT', '3', '4', '5']);
    expect(table!.rows[1]![4]).toBe('Trước 30/9/2024');
    expect(table!.rows[2]).toEqual(['4', 'Cấp giấy chứng sinh điện tử', 'Phòng Nghiệp vụ Y', 'Sở Tư pháp; Công an tỉnh', 'Quý IV/2024', 'Giấy chứng sinh điện tử']);
    expect(table!.rows[3]).toEqual(['5', 'Tập huấn kỹ năng số cho tuyến xã', '', 'Trung tâm Y tế các huyện', 'Hằng năm', 'Lớp tập huấn']);
    expect(table!.rowPages).toEqual([1, 1, 1, 2]);
  });
});

describe('fixOcrQuarters', () => {
  it('reads OCR look-alikes of roman quarters after "Quý" as roman numerals', () => {
    expect(fixOcrQuarters('Quý JV/2024')).toBe('Quý IV/2024');
    expect(fixOcrQuarters('hoàn thành trong Quý lI năm 2025')).toBe('hoàn thành trong Quý II năm 2025');
    expect(fixOcrQuarters('Quý |/2025')).toBe('Quý I/2025');
  });
  it('leaves arabic quarters, real roman numerals and other words alone', () => {
    expect(fixOcrQuarters('Quý 1/2024')).toBe('Quý 1/2024');
    expect(fixOcrQuarters('Quý IV/2024')).toBe('Quý IV/2024');
    expect(fixOcrQuarters('Quý Jun')).toBe('Quý Jun');
    expect(fixOcrQuarters('Quý JJJJ/2024')).toBe('Quý JJJJ/2024');
  });
});

describe('fixOcrSpacing: a syllable glued to a capital', () => {
  it('splits where OCR lost the space before a capital', () => {
    expect(fixOcrSpacing('vụY')).toBe('vụ Y');
    expect(fixOcrSpacing('tỉnhBình')).toBe('tỉnh Bình');
  });
  it('leaves brand names, acronyms and e-prefixed words alone', () => {
    for (const t of ['VNeID', 'ViettelPost', 'eKYC', 'UBND', 'iPhone', 'KH-UBND']) expect(fixOcrSpacing(t)).toBe(t);
  });
});
