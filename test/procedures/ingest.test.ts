/**
 * Procedure guides arriving as ordinary files go through the real ingest (the format readers and
 * tree builder) before extraction; these tests pin that the two fit together.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerProcedure } from '../../src/answer/procedures.js';
import { readFileSync } from 'node:fs';
import { extractProcedures, readProcedureGuide } from '../../src/extract/procedures.js';
import { documentId, ingestFile } from '../../src/ingest/index.js';
import { fixtures } from './helpers.js';

async function ingest(name: string) {
  const result = await ingestFile(path.join(fixtures, name), { root: fixtures });
  if (!result.ok) throw new Error(`${name}: ${result.code} ${result.detail}`);
  return result.document;
}

describe('procedures in ingested files', () => {
  it('finds both procedures of a provincial decision (.txt) and cites the decision', async () => {
    const doc = await ingest('quyet-dinh-cong-bo-tthc.txt');
    const procedures = extractProcedures(doc);
    expect(procedures.map((p) => p.ten)).toEqual(['Đăng ký khai sinh', 'Đăng ký khai tử']);
    expect(procedures[0]!.doc).toMatchObject({ type: 'Quyết định', number: '45/QĐ-UBND' });
    const answer = answerProcedure('đăng ký khai sinh cần giấy tờ gì', procedures);
    expect(answer?.text).toContain('1. Tờ khai đăng ký khai sinh theo mẫu (01 bản chính) — Giấy tờ phải nộp\n2. Giấy chứng sinh (bản chính) — Giấy tờ phải nộp');
    expect(answer?.citations[0]?.document).toBe('Quyết định 45/QĐ-UBND');
  });

  it('reads an HTML export whose tables become table nodes', async () => {
    const doc = await ingest('csdl-quoc-gia-export.html');
    const [p, ...rest] = extractProcedures(doc);
    expect(rest).toEqual([]);
    expect(p).toMatchObject({
      ten: 'Đăng ký kết hôn',
      ma: '1.000894',
      noi_nop: ['Trực tiếp', 'Trực tuyến'],
      thanh_phan_ho_so: [{ ten: 'Tờ khai đăng ký kết hôn', loai: 'bản chính', so_luong: 1, ghi_chu: 'mẫu: Tờ khai.docx' }],
      co_quan_thuc_hien: 'Ủy ban nhân dân cấp xã',
      can_cu_phap_ly: ['Luật Hộ tịch 2014'],
    });
    expect(p!.trinh_tu).toHaveLength(2);
    expect(p!.le_phi).toBe('Trực tiếp: Miễn lệ phí; Trực tuyến: Miễn lệ phí');
  });

  it('gives a guide the same document id ingest would give its file', () => {
    const file = path.join(fixtures, 'guides', 'khai-sinh.md');
    for (const root of [fixtures, undefined]) {
      const result = readProcedureGuide(file, readFileSync(file), root);
      expect(result.ok && result.document.meta.id).toBe(documentId(file, root));
    }
  });

  it('finds nothing in a plan', async () => {
    expect(extractProcedures(await ingest('ke-hoach-chuyen-doi-so.txt'))).toEqual([]);
  });
});
