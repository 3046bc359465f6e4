/** Word-box layout on hand-placed words (no OCR needed): tables, rows, prose, margins. */
import { describe, expect, it } from 'vitest';
import type { SourceBlock } from '../../src/domain/document.js';
import { layoutPages, type PageWords, type WordBox } from '../../src/ingest/layout/index.js';
import { fixOcrSpacing } from '../../src/ingest/layout/spacing.js';
import { parseTesseractTsv } from '../../src/ingest/ocr/tsv.js';
import { textLayerUsable } from '../../src/ingest/pdf.js';

const CW = 6; // character width
const H = 10; // text height

/** Words of `text` starting at x on the line whose top is y (OCR-like when conf is given). */
function words(text: string, x: number, y: number, conf?: number): WordBox[] {
  const out: WordBox[] = [];
  let cx = x;
  for (const t of text.split(' ')) {
    out.push({ text: t, x0: cx, x1: cx + t.length * CW, y0: y, y1: y + H, ...(conf !== undefined ? { conf } : {}) });
    cx += (t.length + 1) * CW;
  }
  return out;
}

const page = (n: number, w: WordBox[], extra: Partial<PageWords> = {}): PageWords => ({ page: n, width: 600, height: 800, words: w, ...extra });
const tableOf = (blocks: SourceBlock[]) => blocks.filter((b): b is Extract<SourceBlock, { kind: 'table' }> => b.kind === 'table');
const linesOf = (blocks: SourceBlock[]) => blocks.flatMap((b) => (b.kind === 'line' ? [b.text] : []));

// Columns: STT at 60, task at 100, lead at 300, deadline at 450. Rows padded (pitch 14 inside a
// cell, 26 between rows); the STT number sits on the middle line of a three-line row.
function taskTable(top: number, conf?: number): WordBox[] {
  const y = (k: number, pad: number) => top + k * 14 + pad;
  return [
    ...words('STT', 60, y(0, 0), conf),
    ...words('Nhiệm vụ', 100, y(0, 0), conf),
    ...words('Chủ trì', 300, y(0, 0), conf),
    ...words('Thời gian', 450, y(0, 0), conf),
    ...words('Xây dựng kho dữ liệu', 100, y(1, 12), conf),
    ...words('1', 66, y(2, 12), conf),
    ...words('dùng chung của tỉnh', 100, y(2, 12), conf),
    ...words('Sở Thông tin và', 300, y(1, 12), conf),
    ...words('Truyền thông', 300, y(2, 12), conf),
    ...words('Tháng 11 năm', 450, y(1, 12), conf),
    ...words('2023', 450, y(2, 12), conf),
    ...words('kết nối quốc gia', 100, y(3, 12), conf),
    ...words('2', 66, y(4, 24), conf),
    ...words('Số hóa hồ sơ', 100, y(4, 24), conf),
    ...words('Sở Nội vụ', 300, y(4, 24), conf),
    ...words('Quý IV/2023', 450, y(4, 24), conf),
  ];
}

const EXPECTED_ROWS = [
  ['STT', 'Nhiệm vụ', 'Chủ trì', 'Thời gian'],
  ['1', 'Xây dựng kho dữ liệu dùng chung của tỉnh kết nối quốc gia', 'Sở Thông tin và Truyền thông', 'Tháng 11 năm 2023'],
  ['2', 'Số hóa hồ sơ', 'Sở Nội vụ', 'Quý IV/2023'],
];

describe('layoutPages: tables', () => {
  it('rebuilds rows from the vertical pitch, joining multi-line cells and a vertically centred STT', () => {
    const prose = [...words('Các nhiệm vụ cụ thể như sau, giao cho các cơ quan thực hiện theo bảng dưới đây:', 60, 60)];
    const after = words('Trên đây là Kế hoạch triển khai, yêu cầu các cơ quan, đơn vị nghiêm túc thực hiện.', 60, 260);
    const r = layoutPages([page(1, [...prose, ...taskTable(100), ...after])]);
    const [table, ...more] = tableOf(r.blocks);
    expect(more).toEqual([]);
    expect(table!.rows).toEqual(EXPECTED_ROWS);
    expect(linesOf(r.blocks)).toEqual([
      'Các nhiệm vụ cụ thể như sau, giao cho các cơ quan thực hiện theo bảng dưới đây:',
      'Trên đây là Kế hoạch triển khai, yêu cầu các cơ quan, đơn vị nghiêm túc thực hiện.',
    ]);
    expect(r.lines[table!.rowLines[1]![0] - 1]).toBe(EXPECTED_ROWS[1]!.join(' | '));
    // Blocks stay in reading order and line numbers run through the rendering.
    expect(r.blocks.map((b) => b.kind)).toEqual(['line', 'table', 'line']);
    expect(r.blocks.map((b) => (b.kind === 'line' ? b.line : b.rowLines[0]![0]))).toEqual([1, 2, 5]);
  });

  it('uses ruling lines for row bands when the page image has them, and keeps OCR confidence per row', () => {
    // Evenly spaced lines: only the rules tell that "kết nối quốc gia" belongs to row 1.
    const w = [
      ...words('STT', 60, 100, 0.9),
      ...words('Nhiệm vụ', 100, 100, 0.9),
      ...words('Chủ trì', 300, 100, 0.9),
      ...words('Thời hạn', 450, 100, 0.9),
      ...words('1', 66, 114, 0.8),
      ...words('Xây dựng kho', 100, 114, 0.8),
      ...words('Sở Tài chính', 300, 114, 0.8),
      ...words('Năm 2023', 450, 114, 0.8),
      ...words('kết nối quốc gia', 100, 128, 0.6),
      ...words('2', 66, 142, 0.9),
      ...words('Số hóa hồ sơ', 100, 142, 0.9),
      ...words('Sở Nội vụ', 300, 142, 0.9),
      ...words('Quý IV/2023', 450, 142, 0.9),
    ];
    const hRules = [97, 112, 140, 155].map((y) => ({ y, x0: 55, x1: 560 }));
    const [table] = tableOf(layoutPages([page(1, w, { hRules })]).blocks);
    expect(table!.rows).toEqual([
      ['STT', 'Nhiệm vụ', 'Chủ trì', 'Thời hạn'],
      ['1', 'Xây dựng kho kết nối quốc gia', 'Sở Tài chính', 'Năm 2023'],
      ['2', 'Số hóa hồ sơ', 'Sở Nội vụ', 'Quý IV/2023'],
    ]);
    expect(table!.rowConfidence!.map((c) => Math.round(c * 100))).toEqual([90, 74, 90]);
  });

  it('keeps a two-column header block as lines, not a table', () => {
    const w = [
      ...words('ỦY BAN NHÂN DÂN', 60, 40),
      ...words('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 300, 40),
      ...words('TỈNH YÊN BÁI', 80, 54),
      ...words('Độc lập - Tự do - Hạnh phúc', 330, 54),
      ...words('Số: 27/KH-UBND', 70, 74),
      ...words('Yên Bái, ngày 10 tháng 3 năm 2023', 320, 74),
    ];
    const r = layoutPages([page(1, w)]);
    expect(tableOf(r.blocks)).toEqual([]);
    expect(linesOf(r.blocks)[2]).toBe('Số: 27/KH-UBND    Yên Bái, ngày 10 tháng 3 năm 2023');
  });
});

describe('layoutPages: prose and margins', () => {
  it('drops page numbers and running headers, mends a word hyphenated across lines', () => {
    const p1 = [
      ...words('Kế hoạch 27/KH-UBND', 250, 20),
      ...words('Hệ thống e-', 60, 100),
      ...words('office được nâng cấp.', 60, 114),
      ...words('1', 298, 770),
    ];
    const p2 = [...words('Kế hoạch 27/KH-UBND', 250, 20), ...words('Nội dung trang hai.', 60, 100), ...words('- 2 -', 290, 770)];
    const r = layoutPages([page(1, p1), page(2, p2)]);
    expect(linesOf(r.blocks)).toEqual(['Hệ thống e-office được nâng cấp.', 'Nội dung trang hai.']);
    expect(r.blocks.map((b) => b.page)).toEqual([1, 2]);
  });

  it('marks low-confidence OCR lines in warnings and drops rule remnants', () => {
    const w = [...words('Nội dung rõ ràng', 60, 100, 0.95), { text: '|', x0: 40, x1: 43, y0: 95, y1: 115, conf: 0.5 }, ...words('mờ nhòe khó đọc', 60, 130, 0.4)];
    const r = layoutPages([page(3, w)]);
    expect(linesOf(r.blocks)).toEqual(['Nội dung rõ ràng', 'mờ nhòe khó đọc']);
    expect(r.warnings).toEqual(['trang 3: 1 dòng OCR có độ tin cậy thấp (< 0.6)']);
  });
});

describe('textLayerUsable', () => {
  it('accepts real Vietnamese text', () => {
    expect(textLayerUsable('Sở Thông tin và Truyền thông chủ trì, phối hợp với các sở, ban, ngành triển khai nền tảng số.')).toBe(true);
  });

  it('rejects an empty page, a lone signature stamp and legacy-font mojibake', () => {
    expect(textLayerUsable('')).toBe(false);
    expect(textLayerUsable('Ký bởi: Ủy ban Nhân dân tỉnh Yên Bái Email: ubnd@yenbai.gov.vn Cơ quan: Tỉnh Yên Bái Thời gian ký: 10.03.2023 15:20:11 +07:00')).toBe(false);
    // TCVN3 ("ABC") bytes shown through a Latin-1 font.
    expect(textLayerUsable('KÕ ho¹ch triÓn khai nhiÖm vô chuyÓn ®æi sè n¨m 2023 cña Uû ban nh©n d©n tØnh')).toBe(false);
    expect(textLayerUsable('12 . 3 45 / 6 -- 78 9 0 12 34 56 ## 78 90 .. 11 22 33 44 55 66 77')).toBe(false);
  });
});

describe('parseTesseractTsv', () => {
  it('keeps word rows with boxes and 0..1 confidence, NFC text', () => {
    const tsv = [
      'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext',
      '4\t1\t1\t1\t1\t0\t10\t20\t300\t40\t-1\t',
      '5\t1\t1\t1\t1\t1\t10\t20\t80\t40\t96.5\t' + 'Sở'.normalize('NFD'),
      '5\t1\t1\t1\t1\t2\t100\t22\t60\t38\t-1\t ',
    ].join('\n');
    expect(parseTesseractTsv(tsv)).toEqual([{ text: 'Sở', x0: 10, y0: 20, x1: 90, y1: 60, conf: 0.965, lineKey: '1.1.1' }]);
  });
});

describe('fixOcrSpacing', () => {
  it('splits two syllables glued by OCR and spaces a glued comma', () => {
    expect(['tinvà', 'dụcvà', 'ban,ngành', 'huyện,'].map(fixOcrSpacing)).toEqual(['tin và', 'dục và', 'ban, ngành', 'huyện,']);
  });

  it('leaves real syllables, acronyms and foreign words alone', () => {
    const keep = ['nghiêng', 'khuyến', 'người', 'Truyền', 'UBND', 'online', 'Viettel', 'email', 'video', 'data', 'Internet'];
    expect(keep.map(fixOcrSpacing)).toEqual(keep);
  });
});
