import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocNode, Document, SectionNode, TableNode } from '../../src/domain/document.js';
import { chunkDocument, docRef } from '../../src/extract/chunks.js';
import { buildDocument, ingestFile } from '../../src/ingest/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, '../fixtures/ingest');
const fixture = (name: string) => path.join(fixtures, name);

async function ingestOk(file: string): Promise<Document> {
  const r = await ingestFile(file, { root: fixtures });
  if (!r.ok) throw new Error(`${r.code}: ${r.detail}`);
  return r.document;
}

function sections(nodes: DocNode[]): SectionNode[] {
  return nodes.flatMap((n) => (n.kind === 'section' ? [n, ...sections(n.children)] : []));
}
function tables(nodes: DocNode[]): TableNode[] {
  return nodes.flatMap((n) => (n.kind === 'table' ? [n] : n.kind === 'section' ? tables(n.children) : []));
}
function section(doc: Document, p: string): SectionNode {
  const s = sections(doc.children).find((x) => x.path.join('/') === p);
  if (!s) throw new Error(`no section ${p}; have ${sections(doc.children).map((x) => x.path.join('/')).join(', ')}`);
  return s;
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'ingest-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('plan text with numbered tasks and a tab appendix (kh114 style)', () => {
  it('takes number and date from the appendix heading when the header lacks them', async () => {
    const doc = await ingestOk(fixture('kh-tabs.txt'));
    expect(doc.meta).toMatchObject({
      id: 'kh-tabs.txt',
      type: 'Kế hoạch',
      number: '57/KH-UBND',
      date: '2023-03-12',
      issuer: 'UBND tỉnh Nghệ An',
      province: 'Nghệ An',
      title: 'Triển khai ứng dụng chữ ký số năm 2023 trên địa bàn tỉnh Nghệ An',
      format: 'txt',
    });
    expect(doc.meta.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('nests numbered tasks under roman sections, with bullets and sub-bullets as paragraphs', async () => {
    const doc = await ingestOk(fixture('kh-tabs.txt'));
    const task = section(doc, 'II/2');
    expect(task.heading).toBe('Tích hợp chữ ký số vào Hệ thống quản lý văn bản.');
    expect(task.lines).toEqual([14, 18]);
    const bullets = task.children.map((c) => (c.kind === 'paragraph' ? `${c.bullet}${c.text}` : c.kind));
    expect(bullets).toEqual([
      '-Văn phòng UBND tỉnh:',
      '+Nâng cấp phần mềm quản lý văn bản.',
      '+Hướng dẫn ký số văn bản đi.',
      '-Thời gian hoàn thành: Quý III/2023.',
    ]);
    // The bookmark marker is gone, the section still parses.
    expect(section(doc, 'III/1').heading).toBe('Sở Thông tin và Truyền thông:');
    // The signature block is not a section.
    expect(sections(doc.children).some((s) => /CHỦ TỊCH/.test(s.heading))).toBe(false);
  });

  it('reads the tab table: one cell per tab line, continuation lines joined into the cell', async () => {
    const doc = await ingestOk(fixture('kh-tabs.txt'));
    const appendix = section(doc, 'Phụ lục');
    expect(appendix.heading).toBe('DANH MỤC CÁC NHIỆM VỤ ĐÃ TRIỂN KHAI');
    const [table] = tables(appendix.children);
    expect(table!.header).toEqual(['STT', 'Nhiệm vụ', 'Kết quả triển khai']);
    expect(table!.rows.map((r) => r.ordinal)).toEqual(['1', '2']);
    expect(table!.rows[1]!.cells[2]).toBe('- Đã cấp 500 chứng thư số. - Đã hướng dẫn sử dụng tại 21 huyện.');
    expect(table!.rows[1]!.lines).toEqual([40, 43]);
  });

  it('chunks: a task section with its bullets is one list chunk citing the file lines', async () => {
    const doc = await ingestOk(fixture('kh-tabs.txt'));
    const chunks = chunkDocument(doc);
    const task = chunks.find((c) => c.sectionPath.join('/') === 'II/2');
    expect(task).toMatchObject({
      kind: 'list',
      lines: [14, 18],
      sectionTitle: 'II. NHIỆM VỤ › 2. Tích hợp chữ ký số vào Hệ thống quản lý văn bản.',
      doc: docRef(doc.meta),
    });
    expect(task!.text.split('\n')[0]).toBe('2. Tích hợp chữ ký số vào Hệ thống quản lý văn bản.');
    expect(task!.text).toContain('+ Nâng cấp phần mềm quản lý văn bản.');
    const rows = chunks.filter((c) => c.kind === 'table-row');
    expect(rows.map((r) => r.text)).toEqual([
      'STT: 1; Nhiệm vụ: Ban hành quy chế sử dụng chữ ký số.; Kết quả triển khai: Quyết định số 101/QĐ-UBND ngày 05/01/2023.',
      'STT: 2; Nhiệm vụ: Cấp chứng thư số đợt 1.; Kết quả triển khai: - Đã cấp 500 chứng thư số. - Đã hướng dẫn sử dụng tại 21 huyện.',
    ]);
    // Ids are stable across runs.
    expect(chunkDocument(doc).map((c) => c.id)).toEqual(chunks.map((c) => c.id));
    expect(new Set(chunks.map((c) => c.id)).size).toBe(chunks.length);
  });
});

describe('web-page export with link lists, pipe table and metadata block', () => {
  it('drops link lists and the metadata block from the blocks but keeps their lines and values', async () => {
    const doc = await ingestOk(fixture('web-export.txt'));
    expect(doc.meta).toMatchObject({ type: 'Kế hoạch', number: '88/KH-UBND', date: '2024-03-07', province: 'Hà Giang' });
    expect(doc.meta.issuer).toBe('UBND tỉnh Hà Giang');
    expect(doc.meta.extra['Người ký']).toBe('Trần Văn An');
    expect(doc.lines[0]).toBe('- 1Luật Giao dịch điện tử 2023');
    expect(doc.lines).toHaveLength(34);
    const text = JSON.stringify(doc.children);
    expect(text).not.toContain('Luật Giao dịch điện tử');
    expect(text).not.toContain('Số hiệu');
    expect(text).not.toContain('Trần Văn An');
  });

  it('parses group rows, drops filler rows and carries group paths', async () => {
    const doc = await ingestOk(fixture('web-export.txt'));
    const [table] = tables(doc.children);
    expect(table!.header).toEqual(['STT', 'Nhiệm vụ', 'Đơn vị chủ trì', 'Đơn vị phối hợp', 'Thời gian']);
    expect(table!.rows.map((r) => `${r.kind}:${r.ordinal}`)).toEqual(['group:I', 'data:1', 'data:2', 'group:II', 'data:1']);
    const last = table!.rows[4]!;
    expect(last.groupPath).toEqual(['II. Hạ tầng số']);
    expect(last.cells).toEqual(['1', 'Nâng cấp Trung tâm dữ liệu tỉnh', 'Sở Thông tin và Truyền thông', 'Các doanh nghiệp viễn thông', 'Quý IV/2024']);
    expect(last.lines).toEqual([25, 25]);
    const chunk = chunkDocument(doc).find((c) => c.kind === 'table-row' && c.lines[0] === 25);
    expect(chunk!.sectionTitle).toBe('Phụ lục. DANH MỤC NHIỆM VỤ NĂM 2024 › II. Hạ tầng số');
    expect(chunk!.text).toContain('Đơn vị chủ trì: Sở Thông tin và Truyền thông; Đơn vị phối hợp: Các doanh nghiệp viễn thông');
  });
});

describe('OCR text with an interleaved appendix table', () => {
  it('reads the header on one line with column gaps and repairs OCR letter labels', async () => {
    const doc = await ingestOk(fixture('ocr-table.txt'));
    expect(doc.meta).toMatchObject({ type: 'Quyết định', number: '45/QĐ-UBND', date: '2020-06-05', issuer: 'UBND tỉnh Hà Tĩnh' });
    expect(sections(doc.children).map((s) => s.path.join('/'))).toEqual(['Điều 1', 'Điều 2', 'I', 'I/1', 'I/1/a', 'I/1/b', 'II', 'Phụ lục']);
    // "8)" is read as "a)" and its wrapped second line joins the item; the page number "2" is dropped.
    expect(section(doc, 'I/1/a').heading).toBe(
      'Phủ sóng di động 4G đến các thôn, bản vùng sâu, vùng xa bảo đảm kết nối thông suốt cho người dân.',
    );
    // "Nơi nhận" list stays paragraphs.
    expect(sections(doc.children).some((s) => s.heading.includes('Như Điều 2'))).toBe(false);
  });

  it('rebuilds each row: ordinal, wrapped task text, lead, cooperating, deadline, note', async () => {
    const doc = await ingestOk(fixture('ocr-table.txt'));
    const [table] = tables(doc.children);
    expect(table!.header).toEqual(['STT', 'Nhiệm vụ', 'Cơ quan chủ trì', 'Cơ quan phối hợp', 'Thời gian hoàn thành', 'Ghi chú']);
    const data = table!.rows.filter((r) => r.kind === 'data');
    expect(data.map((r) => r.ordinal)).toEqual(['1', '2', '3', '4']);
    expect(data[0]!.cells).toEqual([
      '1',
      'Phủ sóng di động 4G đến các thôn, bản vùng sâu, vùng xa của tỉnh bảo đảm kết nối thông suốt.',
      'Sở TT&TT',
      'Các doanh nghiệp viễn thông',
      'Quý IV/2020',
      '',
    ]);
    expect(data[0]!.lines).toEqual([29, 31]);
    expect(data[1]!.cells.slice(1, 5)).toEqual([
      'Ngầm hóa mạng cáp viễn thông tại các đô thị trên địa bàn tỉnh',
      'Sở Xây dựng',
      'Các sở, ban, ngành, UBND cấp huyện',
      'Năm 2021',
    ]);
    // The stray page number "3" is neither a row nor text; the row ordinal 3 is found below it.
    expect(data[2]!.cells).toEqual([
      '3',
      'Xây dựng Trung tâm dữ liệu của tỉnh bảo đảm an toàn thông tin.',
      'Sở TT&TT',
      'Các sở, ban, ngành',
      'Năm 2022',
      'Thực hiện dự án theo Quyết định số 12/QĐ-UBND ngày 10/01/2020',
    ]);
    // "UBND tỉnh   Văn phòng": the bare head printed on the line above is put back in front.
    expect(data[3]!.cells[2]).toBe('Văn phòng UBND tỉnh');
    expect(data[3]!.groupPath).toEqual(['II. Xây đựng nền tâng số']);
  });
});

describe('report with markdown tables and footnotes (bc150 style)', () => {
  it('normalises the number, strips superscript markers, titles parts from the next line', async () => {
    const doc = await ingestOk(fixture('report-md.txt'));
    expect(doc.meta).toMatchObject({
      type: 'Báo cáo',
      number: '21-BC/BCSĐ',
      date: '2024-04-10',
      issuer: 'Ban cán sự đảng UBND tỉnh Nghệ An',
      title: 'Sơ kết 5 năm thực hiện Nghị quyết về chuyển đổi số',
    });
    expect(section(doc, 'Phần I').heading).toBe('KẾT QUẢ THỰC HIỆN');
    const para = section(doc, 'Phần I/I').children[0];
    expect(para).toMatchObject({ kind: 'paragraph', text: 'Tỉnh đã ban hành nhiều văn bản chỉ đạo quan trọng. Các ngành đã xây dựng kế hoạch hành động.' });
  });

  it('reads markdown tables across broken separators and repeated headers', async () => {
    const doc = await ingestOk(fixture('report-md.txt'));
    const [table] = tables(doc.children);
    expect(table!.header).toEqual(['STT', 'Trích yếu nội dung', 'Số ký hiệu văn bản', 'Ngày ban hành']);
    expect(table!.rows.map((r) => `${r.kind}:${r.ordinal}`)).toEqual(['group:I', 'data:1', 'data:2', 'group:II', 'data:1']);
    const last = table!.rows[4]!;
    expect(last.groupPath).toEqual(['II. Quyết định']);
    expect(last.cells[1]).toBe('Phê duyệt Kiến trúc chính quyền điện tử tỉnh phiên bản 2.0');
    expect(last.lines).toEqual([36, 37]);
  });
});

describe('HTML', () => {
  it('turns paragraphs into lines, lists into bullets and tables into real cells', async () => {
    const doc = await ingestOk(fixture('plan.html'));
    expect(doc.meta).toMatchObject({ type: 'Kế hoạch', number: '15/KH-UBND', date: '2024-01-20', issuer: 'UBND tỉnh Lào Cai', format: 'html' });
    expect(doc.meta.title).toBe('Chuyển đổi số tỉnh Lào Cai năm 2024');
    expect(JSON.stringify(doc)).not.toContain('không phải nội dung');
    const task = section(doc, 'I/1');
    expect(task.children[0]).toMatchObject({ kind: 'paragraph', bullet: '-', text: 'Sở Thông tin và Truyền thông: chủ trì triển khai.' });
    const [table] = tables(doc.children);
    expect(table!.header).toEqual(['STT', 'Nhiệm vụ', 'Cơ quan chủ trì', 'Thời gian']);
    // rowspan repeats the lead agency into the next row.
    expect(table!.rows[1]!.cells).toEqual(['2', 'Số hóa hồ sơ thủ tục hành chính', 'Văn phòng UBND tỉnh', 'Năm 2024']);
    // One rendering line per table row.
    expect(doc.lines[table!.rows[0]!.lines[0] - 1]).toBe('1 | Nâng cấp Cổng dịch vụ công | Văn phòng UBND tỉnh | Quý I/2024');
  });
});

async function makeDocx(file: string, bodyXml: string): Promise<void> {
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
  );
  zip.file(
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
  );
  zip.file(
    'word/document.xml',
    `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${bodyXml}</w:body></w:document>`,
  );
  await writeFile(file, await zip.generateAsync({ type: 'nodebuffer' }));
}
const p = (text: string) => `<w:p><w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;
const cell = (text: string, extra = '') => `<w:tc><w:tcPr>${extra}</w:tcPr>${p(text)}</w:tc>`;

describe('DOCX', () => {
  it('reads paragraphs and a table from a generated .docx', async () => {
    const file = path.join(tmp, 'kh-docx.docx');
    await makeDocx(
      file,
      [
        p('ỦY BAN NHÂN DÂN TỈNH YÊN BÁI'),
        p('Số: 9/KH-UBND'),
        p('Yên Bái, ngày 3 tháng 2 năm 2025'),
        p('KẾ HOẠCH'),
        p('Phát triển kinh tế số năm 2025'),
        p('I. NHIỆM VỤ'),
        p('1. Hỗ trợ doanh nghiệp lên sàn thương mại điện tử.'),
        p('- Sở Công Thương: chủ trì, hướng dẫn.'),
        '<w:tbl>',
        `<w:tr>${cell('STT')}${cell('Nhiệm vụ')}${cell('Cơ quan chủ trì')}</w:tr>`,
        `<w:tr>${cell('1')}${cell('Tập huấn kỹ năng số')}${cell('Sở Công Thương', '<w:vMerge w:val="restart"/>')}</w:tr>`,
        `<w:tr>${cell('2')}${cell('Kết nối sàn thương mại điện tử')}${cell('', '<w:vMerge/>')}</w:tr>`,
        '</w:tbl>',
      ].join(''),
    );
    const r = await ingestFile(file, { root: tmp });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const doc = r.document;
    expect(doc.meta).toMatchObject({ id: 'kh-docx.docx', format: 'docx', type: 'Kế hoạch', number: '9/KH-UBND', date: '2025-02-03', issuer: 'UBND tỉnh Yên Bái' });
    expect(section(doc, 'I/1').children[0]).toMatchObject({ kind: 'paragraph', bullet: '-', text: 'Sở Công Thương: chủ trì, hướng dẫn.' });
    const [table] = tables(doc.children);
    expect(table!.header).toEqual(['STT', 'Nhiệm vụ', 'Cơ quan chủ trì']);
    expect(table!.rows.map((row) => row.cells)).toEqual([
      ['1', 'Tập huấn kỹ năng số', 'Sở Công Thương'],
      ['2', 'Kết nối sàn thương mại điện tử', 'Sở Công Thương'],
    ]);
  });
});

describe('per-file errors are values', () => {
  it('corrupt docx → INGEST_UNREADABLE', async () => {
    const file = path.join(tmp, 'broken.docx');
    await writeFile(file, Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(200, 7)]));
    const r = await ingestFile(file, {});
    expect(r).toMatchObject({ ok: false, code: 'INGEST_UNREADABLE', file });
  });

  it('encrypted docx (OLE container) → INGEST_UNREADABLE naming the cause', async () => {
    const file = path.join(tmp, 'secret.docx');
    await writeFile(file, Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]));
    const r = await ingestFile(file, {});
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe('INGEST_UNREADABLE');
    expect(r.detail).toMatch(/encrypted/);
  });

  it('unknown extension → INGEST_UNSUPPORTED', async () => {
    const file = path.join(tmp, 'trinh-chieu.pptx');
    await writeFile(file, 'x');
    expect(await ingestFile(file, {})).toMatchObject({ ok: false, code: 'INGEST_UNSUPPORTED' });
  });

  it('empty or blank file → INGEST_NO_TEXT', async () => {
    const file = path.join(tmp, 'rong.txt');
    await writeFile(file, '\n  \n\t\n');
    expect(await ingestFile(file, {})).toMatchObject({ ok: false, code: 'INGEST_NO_TEXT' });
  });

  it('file over the size limit → INGEST_TOO_LARGE', async () => {
    const file = path.join(tmp, 'lon.txt');
    await writeFile(file, 'KẾ HOẠCH\n'.repeat(100));
    expect(await ingestFile(file, { maxBytes: 100 })).toMatchObject({ ok: false, code: 'INGEST_TOO_LARGE' });
  });

  it('missing file → INGEST_UNREADABLE, never a throw', async () => {
    expect(await ingestFile(path.join(tmp, 'khong-co.txt'), {})).toMatchObject({ ok: false, code: 'INGEST_UNREADABLE' });
  });
});

describe('buildDocument from reader blocks', () => {
  it('turns line and table blocks into a tree (as a PDF/OCR reader would emit them)', () => {
    const doc = buildDocument(
      {
        format: 'pdf',
        lines: ['KẾ HOẠCH', 'Số hóa hồ sơ', 'I. NHIỆM VỤ', '1. Số hóa hồ sơ đất đai', 'STT | Nhiệm vụ | Cơ quan chủ trì', '1 | Quét hồ sơ | Sở Tài nguyên và Môi trường'],
        blocks: [
          { kind: 'line', text: 'KẾ HOẠCH', line: 1, page: 1 },
          { kind: 'line', text: 'Số hóa hồ sơ', line: 2, page: 1 },
          { kind: 'line', text: 'I. NHIỆM VỤ', line: 3, page: 1 },
          { kind: 'line', text: '1. Số hóa hồ sơ đất đai', line: 4, page: 2, confidence: 0.8 },
          {
            kind: 'table',
            rows: [
              ['STT', 'Nhiệm vụ', 'Cơ quan chủ trì'],
              ['1', 'Quét hồ sơ', 'Sở Tài nguyên và Môi trường'],
            ],
            rowLines: [
              [5, 5],
              [6, 6],
            ],
            page: 2,
            rowConfidence: [0.9, 0.7],
          },
        ],
        pageCount: 2,
      },
      '/data/docs/kh.pdf',
      'abc',
      '/data/docs',
    );
    expect(doc.meta).toMatchObject({ id: 'kh.pdf', type: 'Kế hoạch', title: 'Số hóa hồ sơ', hash: 'abc', format: 'pdf' });
    const s = section(doc, 'I/1');
    expect(s.page).toBe(2);
    const table = s.children[0] as TableNode;
    expect(table.rows[0]).toMatchObject({ cells: ['1', 'Quét hồ sơ', 'Sở Tài nguyên và Môi trường'], page: 2, confidence: 0.7, ordinal: '1' });
    const row = chunkDocument(doc).find((c) => c.kind === 'table-row');
    expect(row).toMatchObject({ page: 2, confidence: 0.7, sectionPath: ['I', '1', '1'] });
  });
});

describe('markdown and encodings', () => {
  it('reads numbering hidden behind markdown headings and bold', async () => {
    const file = path.join(tmp, 'ke-hoach.md');
    await writeFile(file, '# KẾ HOẠCH\n\nSố hóa hồ sơ năm 2025\n\n## I. NHIỆM VỤ\n\n**1. Số hóa hồ sơ hộ tịch**\n\n- Sở Tư pháp: chủ trì.\n');
    const doc = await ingestOk(file);
    expect(section(doc, 'I/1').heading).toBe('Số hóa hồ sơ hộ tịch');
    expect(doc.lines[4]).toBe('## I. NHIỆM VỤ');
    expect(section(doc, 'I').lines[0]).toBe(5);
  });

  it('decodes UTF-16 text with a byte-order mark', async () => {
    const file = path.join(tmp, 'utf16.txt');
    await writeFile(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('KẾ HOẠCH\nI. MỤC TIÊU\n1. Phủ sóng 5G\n', 'utf16le')]));
    const doc = await ingestOk(file);
    expect(section(doc, 'I/1').heading).toBe('Phủ sóng 5G');
  });
});

describe('binary content', () => {
  it('a binary file named .txt → INGEST_UNREADABLE', async () => {
    const file = path.join(tmp, 'anh.txt');
    await writeFile(file, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    expect(await ingestFile(file, {})).toMatchObject({ ok: false, code: 'INGEST_UNREADABLE' });
  });
});

describe('header columns separated by a tab', () => {
  it('reads number, place and date from "Số: 45/KH-UBND<TAB>Bắc Giang, ngày …"', async () => {
    const file = path.join(tmp, 'kh45.txt');
    await writeFile(file, 'ỦY BAN NHÂN DÂN\nTỈNH BẮC GIANG\nSố: 45/KH-UBND\tBắc Giang, ngày 10 tháng 3 năm 2023\nKẾ HOẠCH\nỨng dụng công nghệ thông tin năm 2023\n\tI. MỤC ĐÍCH\n');
    const doc = await ingestOk(file);
    expect(doc.meta).toMatchObject({ number: '45/KH-UBND', date: '2023-03-10', province: 'Bắc Giang', issuer: 'UBND tỉnh Bắc Giang' });
  });
});
