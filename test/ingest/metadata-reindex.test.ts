/** The reindex report names, per document, the metadata fields no signal gave (issue 13 #1). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging.js';
import { runReindex } from '../../src/reindex/pipeline.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'meta-reindex-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('reindex report: fields not found', () => {
  it('lists the missing fields of each document and none for a complete header', async () => {
    const knowledgeDir = path.join(tmp, 'knowledge');
    mkdirSync(knowledgeDir, { recursive: true });
    writeFileSync(
      path.join(knowledgeDir, 'kh-day-du.txt'),
      ['ỦY BAN NHÂN DÂN', 'TỈNH BẾN TRE', '', 'Số: 12/KH-UBND', '', 'Bến Tre, ngày 10 tháng 1 năm 2024', '', 'KẾ HOẠCH', 'Chuyển đổi số năm 2024', '', 'I. MỤC TIÊU', '1. Sở Tài chính chủ trì hoàn thành trước ngày 30/6/2024.'].join('\n'),
    );
    writeFileSync(path.join(knowledgeDir, 'ghi-chu.txt'), ['Ghi chú cuộc họp', '1. Rà soát danh mục dữ liệu dùng chung.', '2. Báo cáo kết quả.'].join('\n'));
    const report = await runReindex({ dataDir: path.join(tmp, 'data'), knowledgeDir, modelDir: path.join(tmp, 'no-model'), embeddingModel: 'none/none', logger: createLogger({ level: 'silent' }) });
    const byFile = new Map(report.missingFields.map((m) => [path.basename(m.file), m.fields]));
    expect(byFile.has('kh-day-du.txt')).toBe(false);
    expect(byFile.get('ghi-chu.txt')).toEqual(['number', 'date', 'province', 'issuer']);
  }, 60_000);
});
