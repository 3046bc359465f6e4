/**
 * Ingest of plans in containers the corpus does not have: a Word .docx built like real ones (header
 * block in a borderless table, automatic numbering, appendix table with a column-number row, gridSpan
 * group rows, vMerge lead cells, paragraphs and line breaks inside cells, a repeated header row) and a
 * text-layer PDF whose table wraps and continues on the next page.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocNode, Document, SectionNode, TableNode } from '../../src/domain/document.js';
import { ingestFile } from '../../src/ingest/index.js';
import { extractMetadata } from '../../src/ingest/metadata.js';
import { toTableNode } from '../../src/ingest/tables.js';
import { ensureUnseenFixtures, ONE_PAGE_ROWS, pdfFontAvailable, PDF_TABLE_ROWS, type UnseenFixtures } from '../helpers/unseen.js';

let files: UnseenFixtures;
beforeAll(async () => {
  files = await ensureUnseenFixtures();
});

async function load(file: string): Promise<Document> {
  const res = await ingestFile(file);
  if (!res.ok) throw new Error(`${file}: ${res.code} ${res.detail}`);
  return res.document;
}
function tables(nodes: DocNode[], out: TableNode[] = []): TableNode[] {
  for (const n of nodes) {
    if (n.kind === 'table') out.push(n);
    else if (n.kind === 'section') tables(n.children, out);
  }
  return out;
}
const paths = (nodes: DocNode[], out: string[] = []): string[] => {
  for (const n of nodes) if (n.kind === 'section') (out.push((n as SectionNode).path.join('.')), paths(n.children, out));
  return out;
};

describe('Word .docx appendix table', () => {
  it('builds the sections from Word automatic numbering', async () => {
    const doc = await load(files.docx);
    expect(paths(doc.children)).toEqual(['I', 'II', 'II.1', 'II.2', 'II.3', 'II.4', 'III', 'III.1', 'III.2', 'III.3', 'Phụ lục']);
  });

  it('keeps line breaks and paragraphs inside cells apart, drops the column-number and repeated header rows', async () => {
    const doc = await load(files.docx);
    const appendix = tables(doc.children).find((t) => t.header[0] === 'STT')!;
    expect(appendix.header).toEqual(['STT', 'Nội dung nhiệm vụ', 'Cơ quan chủ trì', 'Cơ quan phối hợp', 'Thời gian hoàn thành', 'Sản phẩm']);
    const data = appendix.rows.filter((r) => r.kind === 'data');
    expect(data.map((r) => [r.groupPath.join(' / '), r.ordinal, r.cells[2], r.cells[3]])).toEqual([
      ['I. Nhóm nhiệm vụ về hạ tầng thương mại', '1', 'Sở Công Thương', 'Sở Tài chính;\nUBND huyện Bình Liêu'],
      ['I. Nhóm nhiệm vụ về hạ tầng thương mại', '2', 'Sở Công Thương', 'UBND các huyện, thị xã, thành phố'],
      ['I. Nhóm nhiệm vụ về hạ tầng thương mại', '3', 'Sở Công Thương', 'Sở Nông nghiệp và Phát triển nông thôn\nHội Nông dân tỉnh'],
      ['II. Nhóm nhiệm vụ về logistics', '1', 'Sở Thông tin và Truyền thông', 'Sở Công Thương\nCục Hải quan tỉnh'],
      ['II. Nhóm nhiệm vụ về logistics', '2', 'Sở LĐTB&XH', 'Sở Giáo dục và Đào tạo; các trường cao đẳng trên địa bàn'],
    ]);
    expect(appendix.rows.filter((r) => r.kind === 'group').map((r) => r.ordinal)).toEqual(['I', 'II']);
  });

  it('renders each row on one text line (citations point at lines)', async () => {
    const doc = await load(files.docx);
    expect(doc.lines.every((l) => !l.includes('\n'))).toBe(true);
    expect(doc.lines).toContain('1 | Xây dựng cơ sở dữ liệu doanh nghiệp kinh doanh dịch vụ logistics | Sở Thông tin và Truyền thông | Sở Công Thương Cục Hải quan tỉnh | Tháng 12/2024 | Cơ sở dữ liệu');
  });
});

describe('toTableNode', () => {
  it('drops the column-number row under the header but keeps data rows that only hold numbers', () => {
    const node = toTableNode({
      kind: 'table',
      rows: [
        ['STT', 'Nhiệm vụ', 'Chủ trì', 'Thời gian'],
        ['(1)', '(2)', '(3)', '(4)'],
        ['1', 'Rà soát quy hoạch', 'Sở Xây dựng', 'Quý III/2024'],
        ['2', '3', '5', '2025'],
      ],
      rowLines: [[1, 1], [2, 2], [3, 3], [4, 4]],
    });
    expect(node.rows.map((r) => r.cells[1])).toEqual(['Rà soát quy hoạch', '3']);
  });
});

describe('two-row table headers', () => {
  const rowLines = (n: number): Array<[number, number]> => Array.from({ length: n }, (_, i): [number, number] => [i + 1, i + 1]);

  it('merges a spanning group header with the row under it (HTML rowspan repeats, pipe exports leave blanks)', () => {
    for (const second of [
      ['TT', 'Nội dung', 'Chủ trì', 'Phối hợp', 'Thời gian'],
      ['', '', 'Chủ trì', 'Phối hợp', ''],
    ]) {
      const node = toTableNode({
        kind: 'table',
        rows: [['TT', 'Nội dung', 'Cơ quan thực hiện', '', 'Thời gian'], second, ['1', 'Khảo sát điểm du lịch', 'Sở Du lịch', 'Sở Y tế', 'Quý II/2024']],
        rowLines: rowLines(3),
      });
      expect(node.header).toEqual(['TT', 'Nội dung', 'Cơ quan thực hiện - Chủ trì', 'Cơ quan thực hiện - Phối hợp', 'Thời gian']);
      expect(node.rows.map((r) => r.cells)).toEqual([['1', 'Khảo sát điểm du lịch', 'Sở Du lịch', 'Sở Y tế', 'Quý II/2024']]);
    }
  });

  it('drops the header rows repeated after a page break instead of gluing them to the row above', () => {
    const top = ['TT', 'Nội dung', 'Cơ quan thực hiện', '', 'Thời gian'];
    const sub = ['TT', 'Nội dung', 'Chủ trì', 'Phối hợp', 'Thời gian'];
    const node = toTableNode({
      kind: 'table',
      rows: [top, sub, ['1', 'Việc một', 'Sở Du lịch', 'Sở Y tế', 'Quý II/2024'], top, sub, ['2', 'Việc hai', 'Sở Y tế', '', 'Năm 2024']],
      rowLines: rowLines(6),
    });
    expect(node.rows.map((r) => r.cells[1])).toEqual(['Việc một', 'Việc hai']);
  });
});

describe.skipIf(!pdfFontAvailable())('text-layer PDF table under the signature block on the same page', () => {
  it('finds every column although the two-column blocks above hide the narrow gaps', async () => {
    const doc = await load(files.onePagePdf);
    const [table] = tables(doc.children);
    expect(table!.header).toEqual(['STT', 'Nhiệm vụ', 'Cơ quan chủ trì', 'Cơ quan phối hợp', 'Thời gian']);
    expect(table!.rows.map((r) => r.cells)).toEqual(ONE_PAGE_ROWS);
    expect(doc.meta).toMatchObject({ number: '12/KH-UBND', date: '2024-01-10', province: 'Bến Tre' });
  });
});

describe.skipIf(!pdfFontAvailable())('text-layer PDF table across two pages', () => {
  it('reads every wrapped row whole, the header repeated on page 3 not being a row', async () => {
    const doc = await load(files.pdf);
    const rows = tables(doc.children).flatMap((t) => t.rows.filter((r) => r.kind === 'data'));
    expect(rows.map((r) => r.cells.map((c) => c.replace(/\n/g, ' ')))).toEqual(PDF_TABLE_ROWS);
    expect(rows.map((r) => r.page)).toEqual([2, 2, 2, 3, 3]);
  });
});

describe('province names misread by OCR', () => {
  const meta = (header: string[]) => extractMetadata({ lines: header.map((text, i) => ({ text, line: i + 1 })) });

  it('takes the one province a letter away ("TỈNH ĐĂK LÃĂK" is Đắk Lắk)', () => {
    const m = meta(['ỦY BAN NHÂN DÂN     CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'TỈNH ĐĂK LÃĂK     Độc lập - Tự do - Hạnh phúc', 'Số: 95/KH-UBND', 'KẾ HOẠCH', 'Đào tạo nghề năm 2024']);
    expect(m).toMatchObject({ province: 'Đắk Lắk', issuer: 'UBND tỉnh Đắk Lắk' });
  });

  it('reads no province from a name that is near no province, or near two (issue 13: a known province or none)', () => {
    expect(meta(['ỦY BAN NHÂN DÂN', 'TỈNH ABCDEF', 'Số: 1/KH-UBND', 'KẾ HOẠCH', 'Việc gì đó']).province).toBeUndefined();
  });
});

describe('header block columns set with tabs or merged into one line', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'unseen-tabs-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps Word tab stops apart in a .docx header paragraph', async () => {
    const r = (t: string) => `<w:r><w:t xml:space="preserve">${t}</w:t></w:r>`;
    const tab = '<w:r><w:tab/></w:r>';
    const p = (runs: string) => `<w:p>${runs}</w:p>`;
    const body = [
      p(r('UBND TỈNH KHÁNH HÒA') + tab + tab + r('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM')),
      p(tab + tab + tab + r('Độc lập - Tự do - Hạnh phúc')),
      p(r('Số: 77/KH-UBND') + tab + tab + r('Khánh Hòa, ngày 02 tháng 02 năm 2024')),
      p(r('KẾ HOẠCH')),
      p(r('Phát triển kinh tế biển năm 2024')),
      p(r('I. NHIỆM VỤ')),
      p(r('1. Sở Nông nghiệp và Phát triển nông thôn: Chủ trì quản lý nuôi trồng thủy sản; hoàn thành trong Quý III/2024.')),
    ].join('');
    const zip = new JSZip();
    zip.file(
      '[Content_Types].xml',
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    );
    zip.file(
      '_rels/.rels',
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    );
    zip.file('word/document.xml', `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`);
    const file = path.join(dir, 'khanhhoa-kh77.docx');
    await writeFile(file, await zip.generateAsync({ type: 'nodebuffer' }));
    const doc = await load(file);
    expect(doc.meta).toMatchObject({ number: '77/KH-UBND', date: '2024-02-02', province: 'Khánh Hòa', issuer: 'UBND tỉnh Khánh Hòa' });
    expect(doc.lines[2]).toBe('Số: 77/KH-UBND | Khánh Hòa, ngày 02 tháng 02 năm 2024');
  });

  it('finds the right column in a header line merged with single spaces', () => {
    const m = extractMetadata({
      lines: ['ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'TỈNH KHÁNH HÒA Độc lập - Tự do - Hạnh phúc', 'Số: 77/KH-UBND Khánh Hòa, ngày 02 tháng 02 năm 2024', 'KẾ HOẠCH', 'Phát triển kinh tế biển năm 2024'].map(
        (text, i) => ({ text, line: i + 1 }),
      ),
    });
    expect(m).toMatchObject({ number: '77/KH-UBND', date: '2024-02-02', province: 'Khánh Hòa', issuer: 'UBND tỉnh Khánh Hòa', title: 'Phát triển kinh tế biển năm 2024' });
  });
});
