import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkDocument } from '../../src/extract/chunks.js';
import { buildDocument } from '../../src/ingest/index.js';
import { readTextLines } from '../../src/ingest/text.js';

// Pieces of the shapes the parsers key on, mixed with arbitrary text.
const piece = fc.oneof(
  fc.constantFrom(
    'STT   Cơ quan chủ trì   Cơ quan phối hợp   Thời gian',
    'STT | Nhiệm vụ | Đơn vị chủ trì |',
    '\tSTT',
    '\tNhiệm vụ',
    '\t1',
    '|',
    '| |',
    '|----|--|',
    'I   Nhóm nhiệm vụ',
    'II | Chính quyền số |',
    '1   Sở TT&TT   Các sở, ban, ngành,   Quý II/2019',
    '12',
    'a) Nội dung',
    '8) Nội dung',
    ')',
    '- 1Luật Đầu tư công 2019',
    '- Số hiệu: 1/KH-UBND',
    'Nơi nhận:',
    'PHỤ LỤC',
    '(Kèm theo Kế hoạch số 1 /KH-UBND ngày 1/1/2020)',
    'Số: 5 /QĐ-UBND   Hà Nội, ngày 1 tháng 2 năm 2020',
    'KẾ HOẠCH',
    '',
  ),
  fc.string({ maxLength: 40 }),
);

describe('text ingestion never throws', () => {
  it('builds a document and in-range chunks from any mix of lines', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (lines) => {
        const read = readTextLines(lines.join('\n'), 'txt');
        const doc = buildDocument(read, 'x.txt', 'h');
        for (const c of chunkDocument(doc)) {
          expect(c.lines[0]).toBeGreaterThanOrEqual(0);
          expect(c.lines[1]).toBeLessThanOrEqual(Math.max(doc.lines.length, 1));
        }
      }),
      { numRuns: 300 },
    );
  });
});
