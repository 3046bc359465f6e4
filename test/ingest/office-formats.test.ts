/**
 * .xlsx (exceljs) and .doc/.odt/.rtf (LibreOffice → .docx) into the same Document tree as .docx.
 * The Word fixture is the generated Quảng Ninh plan (test/helpers/unseen.ts); its .doc/.odt/.rtf
 * are made from it with soffice here. Without soffice these tests skip with a message, except under
 * CI=true, where a missing converter fails.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocNode, Document, TableNode } from '../../src/domain/document.js';
import type { Task } from '../../src/domain/records.js';
import { defaultAgencyRegistry } from '../../src/extract/agencies.js';
import { extractTasks } from '../../src/extract/tasks/index.js';
import { ingestFile } from '../../src/ingest/index.js';
import { convertWithSoffice, officeReader, sofficeAvailable } from '../../src/ingest/office.js';
import { IngestError } from '../../src/ingest/reader.js';
import { ensureUnseenFixtures } from '../helpers/unseen.js';

const dir = mkdtempSync(path.join(tmpdir(), 'office-formats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
const taskKey = (t: Task) => `${t.lead.map((a) => a.name ?? a.surface).join('+')} | ${t.deadline?.due ?? t.deadline?.raw ?? ''}`;

describe('.xlsx task sheet', () => {
  const file = path.join(dir, 'phu-luc-nhiem-vu.xlsx');
  beforeAll(async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Phụ lục');
    ws.addRow(['PHỤ LỤC: DANH MỤC NHIỆM VỤ THỰC HIỆN KẾ HOẠCH SỐ 45/KH-UBND NGÀY 10/3/2025 CỦA UBND TỈNH YÊN ĐIỀN']);
    ws.mergeCells('A1:E1');
    ws.addRow([]);
    ws.addRow(['STT', 'Nhiệm vụ', 'Cơ quan chủ trì', 'Cơ quan phối hợp', 'Thời gian hoàn thành']);
    ws.addRow(['I', 'Nhóm nhiệm vụ hạ tầng số']);
    ws.mergeCells('B4:E4');
    ws.addRow([1, 'Xây dựng kho dữ liệu dùng chung của tỉnh', 'Sở Khoa học và Công nghệ', 'Sở Tài chính\nSở Nội vụ', new Date(Date.UTC(2025, 8, 30))]);
    ws.addRow([2, 'Nâng cấp mạng truyền số liệu chuyên dùng', null, 'UBND các huyện', 'Quý IV/2025']);
    ws.mergeCells('C5:C6');
    ws.addRow([3, 'Tập huấn kỹ năng số cho cán bộ cấp xã', 'Sở Nội vụ', '', 'Năm 2025']);
    writeFileSync(file, Buffer.from(await wb.xlsx.writeBuffer()));
  });

  it('becomes title lines and one table under its header row, merged cells read once across and repeated down', async () => {
    const doc = await load(file);
    expect(doc.lines[0]).toMatch(/^PHỤ LỤC: DANH MỤC NHIỆM VỤ/);
    const [table, ...more] = tables(doc.children);
    expect(more).toEqual([]);
    expect(table!.header).toEqual(['STT', 'Nhiệm vụ', 'Cơ quan chủ trì', 'Cơ quan phối hợp', 'Thời gian hoàn thành']);
    const data = table!.rows.filter((r) => r.kind === 'data');
    expect(data.map((r) => [r.cells[2], r.cells[4]])).toEqual([
      ['Sở Khoa học và Công nghệ', '30/09/2025'],
      ['Sở Khoa học và Công nghệ', 'Quý IV/2025'],
      ['Sở Nội vụ', 'Năm 2025'],
    ]);
    expect(data[0]!.cells[3]).toBe('Sở Tài chính\nSở Nội vụ');
    expect(table!.rows.filter((r) => r.kind === 'group').map((r) => r.cells.filter(Boolean))).toEqual([['I', 'Nhóm nhiệm vụ hạ tầng số']]);
  });

  it('gives task records with lead, cooperating agencies and deadline, as a Word appendix would', async () => {
    const doc = await load(file);
    const { tasks } = extractTasks(doc, defaultAgencyRegistry());
    expect(tasks.map(taskKey)).toEqual([
      'Sở Khoa học và Công nghệ | 2025-09-30',
      'Sở Khoa học và Công nghệ | 2025-12-31',
      'Sở Nội vụ | 2025-12-31',
    ]);
    expect(tasks[0]!.cooperating.map((a) => a.name ?? a.surface)).toEqual(['Sở Tài chính', 'Sở Nội vụ']);
  });

  it('reports a corrupt workbook as unreadable, not as a crash', async () => {
    const bad = path.join(dir, 'hong.xlsx');
    writeFileSync(bad, Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(200, 7)]));
    const res = await ingestFile(bad);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.code).toBe('INGEST_UNREADABLE');
  });
});

const hasSoffice = await sofficeAvailable();
const mustHave = process.env['CI'] === 'true';
if (!hasSoffice && !mustHave) process.stderr.write('[office formats] .doc/.odt/.rtf skipped: LibreOffice (soffice) is not installed (apt install libreoffice-writer-nogui)\n');

describe('LibreOffice converter', () => {
  it('is installed under CI (a missing converter must fail CI, not skip)', () => {
    if (mustHave) expect(hasSoffice, 'soffice not found: install libreoffice-writer-nogui').toBe(true);
  });

  it('a missing converter is a per-file error with its own code and a Vietnamese hint', async () => {
    const reader = officeReader({ binary: path.join(dir, 'no-such-soffice') });
    const err = await reader(path.join(dir, 'a.doc'), Buffer.from('x'), {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IngestError);
    expect((err as IngestError).code).toBe('INGEST_CONVERTER_MISSING');
    expect((err as IngestError).detail).toMatch(/libreoffice-writer-nogui/);
  });

  it.skipIf(!hasSoffice && !mustHave)('a conversion that overruns its time bound is stopped and reported, its temp dir removed', async () => {
    const tmp = mkdtempSync(path.join(dir, 'tmp-'));
    const saved = process.env['TMPDIR'];
    process.env['TMPDIR'] = tmp;
    try {
      const err = await convertWithSoffice(Buffer.from('{\\rtf1 x}'), '.rtf', 'docx', { timeoutSec: 0.05 }).catch((e: unknown) => e);
      expect((err as IngestError).code).toBe('INGEST_UNREADABLE');
      expect((err as IngestError).detail).toMatch(/within/);
    } finally {
      if (saved === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = saved;
    }
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describe.skipIf(!hasSoffice && !mustHave)('.doc, .odt, .rtf of a Word plan', () => {
  const files: Record<string, string> = {};
  const docs: Record<string, Document> = {};
  let docx: Document;
  beforeAll(async () => {
    const fixtures = await ensureUnseenFixtures();
    docx = await load(fixtures.docx);
    const bytes = readFileSync(fixtures.docx);
    for (const ext of ['odt', 'rtf']) {
      files[ext] = path.join(dir, `quangninh-kh187.${ext}`);
      writeFileSync(files[ext]!, await convertWithSoffice(bytes, '.docx', ext));
    }
    // The .doc is written from the .odt: LibreOffice's Word 97 export of a .docx it imported flattens
    // vertically merged tables into paragraphs (a quirk of that round trip, not of .doc files Word writes).
    files['doc'] = path.join(dir, 'quangninh-kh187.doc');
    writeFileSync(files['doc'], await convertWithSoffice(readFileSync(files['odt']!), '.odt', 'doc'));
    for (const ext of ['odt', 'rtf', 'doc']) docs[ext] = await load(files[ext]!);
  }, 300_000);

  it.each(['odt', 'rtf', 'doc'])('.%s keeps the number, date and province of the header', async (ext) => {
    const doc = docs[ext]!;
    expect([doc.meta.number, doc.meta.date, doc.meta.province]).toEqual([docx.meta.number, docx.meta.date, docx.meta.province]);
  }, 60_000);

  it.each(['odt', 'rtf', 'doc'])('.%s keeps the appendix as a table with the same header and gives the same task records', async (ext) => {
    const doc = docs[ext]!;
    const appendix = (d: Document) => tables(d.children).find((t) => t.header[0] === 'STT');
    expect(appendix(doc)?.header).toEqual(appendix(docx)?.header);
    const registry = defaultAgencyRegistry();
    const want = extractTasks(docx, registry).tasks.map(taskKey);
    expect(want.length).toBeGreaterThan(3);
    expect(extractTasks(doc, registry).tasks.map(taskKey)).toEqual(want);
  }, 60_000);
});
