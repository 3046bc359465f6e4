/**
 * The real documents in /work/shared/corpus (read-only, not in the repo). Skips when absent.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { DocNode, Document, TableNode } from '../../src/domain/document.js';
import { Chunk } from '../../src/domain/records.js';
import { chunkDocument } from '../../src/extract/chunks.js';
import { ingestFile } from '../../src/ingest/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const corpus = path.resolve(repoRoot, '../shared/corpus');
const present = existsSync(corpus);
if (!present) console.warn(`[corpus tests skipped] ${corpus} not found`);

const FILES = {
  kh114: 'thanhhoa-kh114-2022-chuyen-doi-so.txt',
  qd1118: 'thanhhoa-qd1118-2019-chinh-quyen-dien-tu.ocr.txt',
  kh292: 'sonla-kh292-2022-chuyen-doi-so-2023.txt',
  bc150: 'thanhhoa-bc150-2024-tong-ket-nq36.txt',
} as const;

const cache = new Map<string, Document>();
async function load(name: keyof typeof FILES): Promise<Document> {
  const hit = cache.get(name);
  if (hit) return hit;
  const r = await ingestFile(path.join(corpus, FILES[name]), { root: corpus });
  if (!r.ok) throw new Error(`${FILES[name]}: ${r.code} ${r.detail}`);
  cache.set(name, r.document);
  return r.document;
}
function tables(nodes: DocNode[]): TableNode[] {
  return nodes.flatMap((n) => (n.kind === 'table' ? [n] : n.kind === 'section' ? tables(n.children) : []));
}

describe.skipIf(!present)('corpus documents', () => {
  it('ingests all four files without errors and with the README metadata', async () => {
    const expected = {
      kh114: { type: 'Kế hoạch', number: '114/KH-UBND', date: '2022-04-25', province: 'Thanh Hóa', issuer: 'UBND tỉnh Thanh Hóa' },
      qd1118: { type: 'Quyết định', number: '1118/QĐ-UBND', date: '2019-03-29', province: 'Thanh Hóa', issuer: 'UBND tỉnh Thanh Hóa' },
      kh292: { type: 'Kế hoạch', number: '292/KH-UBND', date: '2022-12-13', province: 'Sơn La', issuer: 'UBND tỉnh Sơn La' },
      bc150: {
        type: 'Báo cáo',
        number: '150-BC/BCSĐ',
        date: '2024-05-21',
        province: 'Thanh Hóa',
        issuer: 'Ban cán sự đảng UBND tỉnh Thanh Hóa',
      },
    } as const;
    for (const name of Object.keys(FILES) as Array<keyof typeof FILES>) {
      const doc = await load(name);
      expect(doc.meta, name).toMatchObject({ ...expected[name], id: FILES[name] });
      expect(doc.meta.title.length, name).toBeGreaterThan(10);
    }
    expect((await load('kh292')).meta.extra['Người ký']).toBe('Hoàng Quốc Khánh');
  });

  it('kh114: nine numbered tasks under II and a 13-row tab appendix', async () => {
    const doc = await load('kh114');
    const tasks = doc.children.find((n) => n.kind === 'section' && n.label === 'II');
    expect(tasks?.kind === 'section' && tasks.children.filter((c) => c.kind === 'section').map((c) => (c as { label: string }).label)).toEqual(
      ['1', '2', '3', '4', '5', '6', '7', '8', '9'],
    );
    const [table] = tables(doc.children);
    expect(table!.header).toEqual(['STT', 'Nhiệm vụ', 'Kết quả triển khai']);
    expect(table!.rows.map((r) => r.ordinal)).toEqual(Array.from({ length: 13 }, (_, i) => String(i + 1)));
  });

  it('qd1118: the OCR appendix table has rows 1..42 with ordinals, leads and deadlines', async () => {
    const doc = await load('qd1118');
    const [table] = tables(doc.children);
    expect(table!.header).toEqual(['STT', 'Nhiệm vụ', 'Cơ quan chủ trì', 'Cơ quan phối hợp', 'Thời gian hoàn thành', 'Ghi chú']);
    const data = table!.rows.filter((r) => r.kind === 'data');
    expect(data.map((r) => r.ordinal)).toEqual(Array.from({ length: 42 }, (_, i) => String(i + 1)));
    expect(table!.rows.filter((r) => r.kind === 'group').map((r) => r.ordinal)).toEqual(['I', 'II', 'III', 'IV', 'V']);
    const withLead = data.filter((r) => r.cells[2] !== '').length;
    const withDeadline = data.filter((r) => r.cells[4] !== '').length;
    expect(withLead / data.length).toBeGreaterThanOrEqual(0.95);
    expect(withDeadline / data.length).toBeGreaterThanOrEqual(0.9);
    const row = (n: number) => data[n - 1]!;
    expect(row(1).cells[2]).toBe('Sở TT&TT');
    expect(row(1).cells[3]).toBe('Các sở, ban, ngành, UBND cấp huyện');
    expect(row(1).cells[4]).toBe('Quý II/2019');
    expect(row(4).cells[2]).toBe('Các sở, ban, ngành cấp tỉnh');
    expect(row(22).cells[1]).toMatch(/^Hướng dẫn các đơn vị rà soát, cập nhật, cung cấp đầy đủ danh mục thủ tục hành chính/);
    expect(row(22).cells[2]).toBe('Văn phòng UBND tỉnh');
    expect(row(22).lines).toEqual([476, 478]);
    expect(row(24).cells[2]).toBe('Văn phòng UBND tỉnh');
    expect(row(24).cells[3]).toBe('Sở TT&TT, các đơn vị có liên quan');
    expect(row(35).groupPath[0]).toMatch(/^IV\. /);
    // The plan's own sections survive OCR: III has its six numbered parts.
    const plan = doc.children.find((n) => n.kind === 'section' && n.label === 'III');
    expect(plan?.kind === 'section' && plan.children.map((c) => (c.kind === 'section' ? c.label : c.kind))).toEqual(['1', '2', '3', '4', '5', '6']);
  });

  it('kh292: link lists and metadata block dropped, appendix rows carry their group', async () => {
    const doc = await load('kh292');
    expect(JSON.stringify(doc.children)).not.toContain('Luật Đầu tư công 2019');
    const table = tables(doc.children).find((t) => t.header.includes('Đơn vị chủ trì thực hiện'));
    const data = table!.rows.filter((r) => r.kind === 'data');
    expect(data.length).toBe(27);
    expect(data.every((r) => r.groupPath.length === 1 && /^(I|II|III|IV|V|VI)\. /.test(r.groupPath[0]!))).toBe(true);
    const first = data[0]!;
    expect(first.cells[3]).toBe('Sở Thông tin và Truyền thông');
    expect(first.groupPath).toEqual(['I. Thông tin, tuyên truyền']);
  });

  it('bc150: markdown appendix with group rows and continuation rows', async () => {
    const doc = await load('bc150');
    const [table] = tables(doc.children);
    expect(table!.rows.filter((r) => r.kind === 'group').map((r) => r.ordinal)).toEqual(['I', 'II', 'III', 'IV']);
    expect(table!.rows.some((r) => r.cells.some((c) => /^-+$/.test(c)))).toBe(false);
  });

  it('chunks of every document validate and point inside the text rendering', async () => {
    for (const name of Object.keys(FILES) as Array<keyof typeof FILES>) {
      const doc = await load(name);
      const chunks = chunkDocument(doc);
      expect(chunks.length, name).toBeGreaterThan(10);
      for (const c of chunks) {
        expect(() => Chunk.parse(c)).not.toThrow();
        expect(c.text.trim().length).toBeGreaterThan(0);
        expect(c.lines[0]).toBeGreaterThanOrEqual(1);
        expect(c.lines[1]).toBeLessThanOrEqual(doc.lines.length);
        expect(c.text.split(/\s+/).length).toBeLessThan(700);
      }
    }
  });
});
