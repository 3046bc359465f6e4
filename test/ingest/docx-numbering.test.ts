import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import mammoth from 'mammoth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocNode, Document, SectionNode, TableNode } from '../../src/domain/document.js';
import { AgencyRegistry } from '../../src/extract/agencies.js';
import { extractTasks } from '../../src/extract/tasks/index.js';
import { formatNumber, materializeDocxNumbering, numberDocumentXml } from '../../src/ingest/docx-numbering.js';
import { ingestFile } from '../../src/ingest/index.js';

const W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
const XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';

// ---- Package parts, as Word writes them (trimmed to what matters) ----

interface Lvl {
  fmt: string;
  text: string;
  start?: number;
  restart?: number;
  pStyle?: string;
}
const lvl = (ilvl: number, l: Lvl) =>
  `<w:lvl w:ilvl="${ilvl}"><w:start w:val="${l.start ?? 1}"/><w:numFmt w:val="${l.fmt}"/>` +
  (l.restart !== undefined ? `<w:lvlRestart w:val="${l.restart}"/>` : '') +
  (l.pStyle ? `<w:pStyle w:val="${l.pStyle}"/>` : '') +
  `<w:lvlText w:val="${l.text}"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="${720 * (ilvl + 1)}" w:hanging="360"/></w:pPr></w:lvl>`;
const abstractNum = (id: number, levels: Lvl[]) =>
  `<w:abstractNum w:abstractNumId="${id}"><w:multiLevelType w:val="hybridMultilevel"/>${levels.map((l, i) => lvl(i, l)).join('')}</w:abstractNum>`;
const num = (numId: number, abstractId: number, overrides = '') =>
  `<w:num w:numId="${numId}"><w:abstractNumId w:val="${abstractId}"/>${overrides}</w:num>`;
const numberingXml = (body: string) => `${XML_DECL}<w:numbering ${W_NS}>${body}</w:numbering>`;

/** Paragraph with optional style and direct numbering. */
const para = (text: string, o: { numId?: number; ilvl?: number; style?: string } = {}) => {
  const numPr =
    o.numId !== undefined
      ? `<w:numPr>${o.ilvl !== undefined ? `<w:ilvl w:val="${o.ilvl}"/>` : ''}<w:numId w:val="${o.numId}"/></w:numPr>`
      : '';
  const pPr = o.style || numPr ? `<w:pPr>${o.style ? `<w:pStyle w:val="${o.style}"/>` : ''}${numPr}<w:jc w:val="both"/></w:pPr>` : '';
  return `<w:p>${pPr}<w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;
};
const documentXml = (body: string) => `${XML_DECL}<w:document ${W_NS}><w:body>${body}<w:sectPr/></w:body></w:document>`;

const style = (id: string, o: { basedOn?: string; numId?: number; ilvl?: number; isDefault?: boolean } = {}) =>
  `<w:style w:type="paragraph"${o.isDefault ? ' w:default="1"' : ''} w:styleId="${id}"><w:name w:val="${id}"/>` +
  (o.basedOn ? `<w:basedOn w:val="${o.basedOn}"/>` : '') +
  (o.numId !== undefined ? `<w:pPr><w:numPr>${o.ilvl !== undefined ? `<w:ilvl w:val="${o.ilvl}"/>` : ''}<w:numId w:val="${o.numId}"/></w:numPr></w:pPr>` : '') +
  '</w:style>';
const stylesXml = (body: string) => `${XML_DECL}<w:styles ${W_NS}>${style('Normal', { isDefault: true })}${body}</w:styles>`;

async function makeDocx(parts: { document: string; numbering?: string; styles?: string }): Promise<Buffer> {
  const zip = new JSZip();
  const overrides = [
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>',
    parts.numbering !== undefined ? '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>' : '',
    parts.styles !== undefined ? '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>' : '',
  ].join('');
  zip.file(
    '[Content_Types].xml',
    `${XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>${overrides}</Types>`,
  );
  zip.file(
    '_rels/.rels',
    `${XML_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
  );
  const rels = [
    parts.styles !== undefined ? '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>' : '',
    parts.numbering !== undefined ? '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>' : '',
  ].join('');
  zip.file('word/_rels/document.xml.rels', `${XML_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels}</Relationships>`);
  zip.file('word/document.xml', parts.document);
  if (parts.numbering !== undefined) zip.file('word/numbering.xml', parts.numbering);
  if (parts.styles !== undefined) zip.file('word/styles.xml', parts.styles);
  return zip.generateAsync({ type: 'nodebuffer' });
}

// ---- A plan numbered by Word, in the usual provincial layout ----

/** Outline list: "I." → "1." → "a)" → bullet; level 1 is bound to the "Muc2" style. */
const OUTLINE = abstractNum(1, [
  { fmt: 'upperRoman', text: '%1.' },
  { fmt: 'decimal', text: '%2.', pStyle: 'Muc2' },
  { fmt: 'lowerLetter', text: '%3)' },
  { fmt: 'bullet', text: '\uF0B7' },
]);
/** Bullet list used under tasks: first level "-", second "+" (Word shows symbol glyphs). */
const BULLETS = abstractNum(2, [
  { fmt: 'bullet', text: '\uF0B7' },
  { fmt: 'bullet', text: 'o' },
]);
const PLAN_NUMBERING = numberingXml(`${OUTLINE}${BULLETS}${num(1, 1)}${num(2, 2)}`);
const PLAN_STYLES = stylesXml(
  // "III." comes from the style chain KeHoachMuc → Muc1 (numId 1, level 0).
  style('Muc1', { numId: 1, ilvl: 0 }) +
    style('KeHoachMuc', { basedOn: 'Muc1' }) +
    // Level from the abstract list's w:pStyle binding (the style names only numId).
    style('Muc2', { numId: 1 }),
);
const PLAN_BODY = [
  para('ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN'),
  para('Số: 41/KH-UBND'),
  para('Lạng Sơn, ngày 5 tháng 3 năm 2024'),
  para('KẾ HOẠCH'),
  para('Chuyển đổi số trong cơ quan nhà nước tỉnh Lạng Sơn năm 2024'),
  para('MỤC ĐÍCH, YÊU CẦU', { numId: 1, ilvl: 0 }),
  para('Mục đích', { numId: 1, ilvl: 1 }),
  para('Nâng cao hiệu quả chỉ đạo, điều hành trên môi trường số.'),
  para('NHIỆM VỤ', { numId: 1, ilvl: 0 }),
  para('Nâng cấp Hệ thống quản lý văn bản và điều hành.', { numId: 1, ilvl: 1 }),
  para('Sở Thông tin và Truyền thông: chủ trì nâng cấp phần mềm, tích hợp chữ ký số.', { numId: 2, ilvl: 0 }),
  para('Bổ sung chức năng ký số trên thiết bị di động.', { numId: 2, ilvl: 1 }),
  para('Thời gian hoàn thành: Tháng 11 năm 2024.', { numId: 2, ilvl: 0 }),
  para('Xây dựng kho dữ liệu dùng chung của tỉnh.', { style: 'Muc2' }),
  para('Xây dựng danh mục cơ sở dữ liệu dùng chung.', { numId: 1, ilvl: 2 }),
  para('Kết nối kho dữ liệu với Nền tảng tích hợp, chia sẻ dữ liệu.', { numId: 1, ilvl: 2 }),
  para('Sở Tài chính: tham mưu bố trí kinh phí thực hiện.', { numId: 1, ilvl: 3 }),
  para('Thời gian hoàn thành: Quý IV năm 2024.', { numId: 1, ilvl: 3 }),
  // Typed by hand as well as numbered: Word shows "3. 3. …", we keep one label.
  para('3. Tập huấn kỹ năng số cho cán bộ, công chức.', { numId: 1, ilvl: 1 }),
  para('Sở Nội vụ: chủ trì tổ chức tập huấn.', { numId: 2, ilvl: 0 }),
  para('Thời gian hoàn thành: Tháng 9 năm 2024.', { numId: 2, ilvl: 0 }),
  para('TỔ CHỨC THỰC HIỆN', { style: 'KeHoachMuc' }),
  // A styled paragraph whose direct numId 0 switches numbering off.
  para('Các sở, ngành căn cứ Kế hoạch này triển khai thực hiện.', { style: 'KeHoachMuc', numId: 0 }),
  para('Sở Thông tin và Truyền thông', { numId: 1, ilvl: 1 }),
  para('Theo dõi, tổng hợp kết quả thực hiện, báo cáo UBND tỉnh.'),
].join('');

function sections(nodes: DocNode[]): SectionNode[] {
  return nodes.flatMap((n) => (n.kind === 'section' ? [n, ...sections(n.children)] : []));
}
function tables(nodes: DocNode[]): TableNode[] {
  return nodes.flatMap((n) => (n.kind === 'table' ? [n] : n.kind === 'section' ? tables(n.children) : []));
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'docx-numbering-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function ingestDocx(name: string, bytes: Buffer): Promise<Document> {
  const file = path.join(tmp, name);
  await writeFile(file, bytes);
  const r = await ingestFile(file, { root: tmp });
  if (!r.ok) throw new Error(`${r.code}: ${r.detail}`);
  return r.document;
}

describe('numberDocumentXml', () => {
  it('computes the labels Word displays: roman parts, decimal restarting under each, letters, bullets, styles', () => {
    const { labels } = numberDocumentXml(documentXml(PLAN_BODY), PLAN_NUMBERING, PLAN_STYLES);
    expect(labels.map((l) => l.label)).toEqual([
      'I.', '1.',
      'II.', '1.', '-', '+', '-',
      '2.', 'a)', 'b)', '-', '-',
      '3.', '-', '-',
      'III.', '1.',
    ]);
    expect(labels.filter((l) => !l.inserted).map((l) => l.label)).toEqual(['3.']);
  });

  it('writes the label as a leading run and switches the numbering off', () => {
    const { xml } = numberDocumentXml(documentXml(para('NHIỆM VỤ', { numId: 1, ilvl: 0 })), PLAN_NUMBERING);
    expect(xml).toContain('<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr><w:jc w:val="both"/></w:pPr><w:r><w:t xml:space="preserve">I. </w:t></w:r>');
    // The style-inherited case gets an explicit numPr after w:pStyle (schema order).
    const styled = numberDocumentXml(documentXml(para('TỔ CHỨC', { style: 'KeHoachMuc' })), PLAN_NUMBERING, PLAN_STYLES).xml;
    expect(styled).toContain('<w:pStyle w:val="KeHoachMuc"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr>');
  });

  it('honours w:start, w:startOverride, w:lvlRestart and multi-level text', () => {
    const numbering = numberingXml(
      abstractNum(7, [
        { fmt: 'decimal', text: '%1.', start: 4 },
        { fmt: 'decimal', text: '%1.%2.' },
        // Never restarts: keeps counting across the level-0 paragraphs.
        { fmt: 'decimalZero', text: '%3', restart: 0 },
      ]) +
        num(1, 7) +
        num(2, 7, '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>'),
    );
    const body = [
      para('a', { numId: 1, ilvl: 0 }),
      para('b', { numId: 1, ilvl: 1 }),
      para('c', { numId: 1, ilvl: 2 }),
      para('d', { numId: 1, ilvl: 1 }),
      para('e', { numId: 1, ilvl: 0 }),
      para('f', { numId: 1, ilvl: 1 }),
      para('g', { numId: 1, ilvl: 2 }),
      // A "restart numbering" instance of the same list.
      para('h', { numId: 2, ilvl: 0 }),
      para('i', { numId: 2, ilvl: 1 }),
    ].join('');
    const { labels } = numberDocumentXml(documentXml(body), numbering);
    expect(labels.map((l) => l.label)).toEqual(['4.', '4.1.', '01', '4.2.', '5.', '5.1.', '02', '1.', '1.1.']);
  });

  it('reads Strict OOXML (ISO 29500 strict namespace) as well', () => {
    const strict = (xml: string) => xml.replaceAll('http://schemas.openxmlformats.org/wordprocessingml/2006/main', 'http://purl.oclc.org/ooxml/wordprocessingml/main');
    const body = [para('NHIỆM VỤ', { numId: 1, ilvl: 0 }), para('Nâng cấp hạ tầng.', { numId: 1, ilvl: 1 })].join('');
    const { labels, xml } = numberDocumentXml(strict(documentXml(body)), strict(PLAN_NUMBERING), strict(PLAN_STYLES));
    expect(labels.map((l) => l.label)).toEqual(['I.', '1.']);
    expect(xml).toContain('<w:t xml:space="preserve">1. </w:t>');
  });

  it('formats counters like Word', () => {
    expect([1, 4, 9, 14, 40].map((n) => formatNumber(n, 'upperRoman'))).toEqual(['I', 'IV', 'IX', 'XIV', 'XL']);
    expect(formatNumber(12, 'lowerRoman')).toBe('xii');
    expect([1, 26, 27, 28].map((n) => formatNumber(n, 'lowerLetter'))).toEqual(['a', 'z', 'aa', 'bb']);
    expect(formatNumber(3, 'upperLetter')).toBe('C');
    expect([7, 12].map((n) => formatNumber(n, 'decimalZero'))).toEqual(['07', '12']);
    expect(formatNumber(3, 'none')).toBe('');
    expect(formatNumber(3, 'ordinalText')).toBe('3');
  });

  it('skips numId 0, unknown numIds and paragraphs whose style has no numbering', () => {
    const body = [para('a', { numId: 0, ilvl: 0 }), para('b', { numId: 99, ilvl: 0 }), para('c', { style: 'Normal' }), para('d', { numId: 1, ilvl: 0 })].join('');
    const { labels, xml } = numberDocumentXml(documentXml(body), PLAN_NUMBERING, PLAN_STYLES);
    expect(labels.map((l) => l.label)).toEqual(['I.']);
    expect(xml).toContain('<w:t xml:space="preserve">I. </w:t></w:r><w:r><w:t xml:space="preserve">d</w:t>');
  });
});

describe('Word-numbered .docx plans end to end', () => {
  it('renders the numbers as text lines and builds the section tree from them', async () => {
    const bytes = await makeDocx({ document: documentXml(PLAN_BODY), numbering: PLAN_NUMBERING, styles: PLAN_STYLES });
    const doc = await ingestDocx('kh-word-numbering.docx', bytes);
    expect(doc.meta).toMatchObject({ type: 'Kế hoạch', number: '41/KH-UBND', date: '2024-03-05', province: 'Lạng Sơn' });
    const heads = sections(doc.children).map((s) => `${s.path.join('.')} ${s.heading}`);
    expect(heads).toEqual([
      'I MỤC ĐÍCH, YÊU CẦU',
      'I.1 Mục đích',
      'II NHIỆM VỤ',
      'II.1 Nâng cấp Hệ thống quản lý văn bản và điều hành.',
      'II.2 Xây dựng kho dữ liệu dùng chung của tỉnh.',
      'II.2.a Xây dựng danh mục cơ sở dữ liệu dùng chung.',
      'II.2.b Kết nối kho dữ liệu với Nền tảng tích hợp, chia sẻ dữ liệu.',
      'II.3 Tập huấn kỹ năng số cho cán bộ, công chức.',
      'III TỔ CHỨC THỰC HIỆN',
      'III.1 Sở Thông tin và Truyền thông',
    ]);
    const task = sections(doc.children).find((s) => s.path.join('.') === 'II.1')!;
    expect(task.children.map((c) => (c.kind === 'paragraph' ? `${c.bullet ?? ''}${c.text}` : c.kind))).toEqual([
      '-Sở Thông tin và Truyền thông: chủ trì nâng cấp phần mềm, tích hợp chữ ký số.',
      '+Bổ sung chức năng ký số trên thiết bị di động.',
      '-Thời gian hoàn thành: Tháng 11 năm 2024.',
    ]);
    // The numId-0 paragraph is plain text under III.
    const part3 = sections(doc.children).find((s) => s.path.join('.') === 'III')!;
    expect(part3.children[0]).toMatchObject({ kind: 'paragraph', text: 'Các sở, ngành căn cứ Kế hoạch này triển khai thực hiện.' });
  });

  it('lets the task extractor find the numbered tasks with their lead agencies and deadlines', async () => {
    const bytes = await makeDocx({ document: documentXml(PLAN_BODY), numbering: PLAN_NUMBERING, styles: PLAN_STYLES });
    const doc = await ingestDocx('kh-word-numbering-tasks.docx', bytes);
    const { tasks } = extractTasks(doc, AgencyRegistry.load());
    const view = tasks
      .filter((t) => t.sectionPath[0] === 'II')
      .map((t) => ({ at: t.sectionPath.join('.'), lead: t.lead.map((l) => l.name ?? `?${l.surface}`), due: t.deadline.due ?? t.deadline.kind }));
    expect(view).toEqual([
      { at: 'II.1', lead: ['Sở Thông tin và Truyền thông'], due: '2024-11-30' },
      { at: 'II.2.b', lead: ['Sở Tài chính'], due: '2024-12-31' },
      { at: 'II.3', lead: ['Sở Nội vụ'], due: '2024-09-30' },
    ]);
    expect(tasks.find((t) => t.sectionPath.join('.') === 'II.1')!.title).toBe('Nâng cấp Hệ thống quản lý văn bản và điều hành.');
  });

  it('numbers paragraphs inside table cells, in document order', async () => {
    const numbering = numberingXml(abstractNum(3, [{ fmt: 'decimal', text: '%1.' }, { fmt: 'lowerLetter', text: '%2)' }]) + num(5, 3));
    const cell = (inner: string) => `<w:tc><w:tcPr/>${inner}</w:tc>`;
    const body = [
      para('DANH MỤC NHIỆM VỤ'),
      '<w:tbl>',
      `<w:tr>${cell(para('STT'))}${cell(para('Nhiệm vụ'))}${cell(para('Cơ quan chủ trì'))}</w:tr>`,
      `<w:tr>${cell(para('', { numId: 5, ilvl: 0 }))}${cell(para('Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính'))}${cell(para('Văn phòng UBND tỉnh'))}</w:tr>`,
      `<w:tr>${cell(para('', { numId: 5, ilvl: 0 }))}${cell(para('Tuyên truyền dịch vụ công trực tuyến', { numId: 5, ilvl: 1 }))}${cell(para('Sở Thông tin và Truyền thông'))}</w:tr>`,
      '</w:tbl>',
      para('Nhiệm vụ phát sinh', { numId: 5, ilvl: 0 }),
    ].join('');
    const doc = await ingestDocx('kh-table-numbering.docx', await makeDocx({ document: documentXml(body), numbering }));
    const [table] = tables(doc.children);
    expect(table!.rows.map((r) => r.cells)).toEqual([
      ['1.', 'Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính', 'Văn phòng UBND tỉnh'],
      ['2.', 'a) Tuyên truyền dịch vụ công trực tuyến', 'Sở Thông tin và Truyền thông'],
    ]);
    expect(sections(doc.children).map((s) => `${s.path.join('.')} ${s.heading}`)).toContain('3 Nhiệm vụ phát sinh');
  });

  it('never fails the file over numbering: a corrupt numbering.xml is emptied, a missing one changes nothing', async () => {
    const body = documentXml([para('KẾ HOẠCH'), para('NHIỆM VỤ', { numId: 1, ilvl: 0 }), para('Nâng cấp hạ tầng.', { numId: 1, ilvl: 1 })].join(''));
    const corrupt = await makeDocx({ document: body, numbering: `${XML_DECL}<w:numbering ${W_NS}><w:abstractNum w:abstractNumId="1"><w:lvl` });
    const warnings: unknown[] = [];
    const logger = { warn: (o: unknown) => warnings.push(o), debug: () => {} } as unknown as import('pino').Logger;
    // mammoth itself rejects a package whose numbering part does not parse.
    await expect(mammoth.convertToHtml({ buffer: corrupt })).rejects.toThrow();
    const repaired = await materializeDocxNumbering(corrupt, { logger });
    expect(warnings).toHaveLength(1);
    expect(await (await JSZip.loadAsync(repaired)).file('word/numbering.xml')!.async('string')).not.toContain('abstractNum');
    const doc = await ingestDocx('kh-corrupt-numbering.docx', corrupt);
    expect(doc.lines).toEqual(expect.arrayContaining(['NHIỆM VỤ', 'Nâng cấp hạ tầng.']));

    const missing = await makeDocx({ document: body });
    expect(await materializeDocxNumbering(missing)).toBe(missing);
    const notZip = Buffer.from('PK\u0003\u0004 not really a zip');
    expect(await materializeDocxNumbering(notZip)).toBe(notZip);
  });
});
