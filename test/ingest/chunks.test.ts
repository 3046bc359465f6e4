import { describe, expect, it } from 'vitest';
import { chunkDocument } from '../../src/extract/chunks.js';
import { shorten } from '../../src/text/normalize.js';
import { buildDocument } from '../../src/ingest/index.js';
import { readTextLines } from '../../src/ingest/text.js';

const words = (n: number, w = 'nội dung') => Array.from({ length: n }, (_, i) => `${w}${i % 7 === 6 ? '.' : ''}`).join(' ');
const doc = (text: string) => buildDocument(readTextLines(text, 'txt'), 'kh.txt', 'h');

describe('chunkDocument', () => {
  it('never crosses a top-level section and splits long paragraphs under 350 words with the heading repeated', () => {
    const d = doc(
      [
        'KẾ HOẠCH',
        'Thử nghiệm chia đoạn',
        'I. MỤC TIÊU',
        'Ngắn gọn.',
        'II. NHIỆM VỤ',
        '1. Số hóa hồ sơ lưu trữ của các sở',
        `Sở Nội vụ ${words(800)}`,
      ].join('\n'),
    );
    const chunks = chunkDocument(d);
    const byTop = chunks.map((c) => c.sectionPath[0]);
    expect(byTop).toEqual([undefined, 'I', 'II', 'II', 'II', 'II', 'II']);
    const pieces = chunks.filter((c) => c.sectionPath[0] === 'II');
    expect(pieces.length).toBeGreaterThanOrEqual(3);
    for (const p of pieces) expect(p.text.split(/\s+/).length).toBeLessThanOrEqual(370);
    // Continuation pieces start with their section's heading for context.
    expect(pieces[0]!.text.startsWith('II. NHIỆM VỤ\n1. Số hóa hồ sơ lưu trữ của các sở\nSở Nội vụ')).toBe(true);
    expect(pieces[0]!.lines).toEqual([5, 7]);
    for (const p of pieces.slice(1)) {
      expect(p.text.startsWith('1. Số hóa hồ sơ lưu trữ của các sở\n')).toBe(true);
      expect(p.sectionPath).toEqual(['II', '1']);
      expect(p.lines).toEqual([7, 7]);
    }
    expect(chunks[0]!.sectionTitle).toBe('');
  });

  it('shortens headings in the section title at a word boundary', () => {
    expect(shorten('Thí điểm triển khai Trợ lý ảo trong cơ quan nhà nước để hỗ trợ cán bộ, công chức, viên chức nâng cao hiệu quả', 80)).toBe(
      'Thí điểm triển khai Trợ lý ảo trong cơ quan nhà nước để hỗ trợ cán bộ, công…',
    );
  });
});
