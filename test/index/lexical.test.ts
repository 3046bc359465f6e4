import { describe, expect, it } from 'vitest';
import type { Chunk } from '../../src/domain/records.js';
import { LEXICAL_VERSION, LexicalIndex, numberAliases } from '../../src/index/lexical.js';
import { queryTerms, termsOf } from '../../src/index/tokenize.js';
import { defaultAbbreviations } from '../../src/text/abbreviations.js';

const abbr = defaultAbbreviations();

function chunk(id: string, text: string, extra: Partial<Chunk> = {}): Chunk {
  return {
    id,
    doc: { docId: extra.doc?.docId ?? 'kh-12', type: 'Kế hoạch', number: '12/KH-UBND', title: 'Triển khai nhiệm vụ chuyển đổi số năm 2025', file: 'kh12.txt', ...extra.doc },
    sectionPath: ['II', '1'],
    sectionTitle: 'II. NHIỆM VỤ › 1. Nhiệm vụ chung',
    text,
    lines: [1, 1],
    kind: 'prose',
    confidence: 1,
    ...extra,
  } as Chunk;
}

const chunks: Chunk[] = [
  chunk('a', 'Sở Thông tin và Truyền thông chủ trì xây dựng nền tảng dữ liệu mở của tỉnh.'),
  chunk('b', 'Mở rộng mạng truyền số liệu chuyên dùng; cập nhật dữ liệu về đất đai.'),
  chunk('c', 'Sở Nội vụ chủ trì thí điểm Trợ lý ảo trong cơ quan nhà nước.'),
  chunk('d', 'Công an tỉnh lắp đặt camera giám sát tại nút giao thông trọng điểm.', {
    doc: { docId: 'kh-45', type: 'Kế hoạch', number: '45/KH-UBND', title: 'Bảo đảm trật tự an toàn giao thông', file: 'kh45.txt' },
    sectionTitle: 'II. NHIỆM VỤ › 1. Lắp đặt camera',
  }),
  chunk('e', 'Ủy ban nhân dân các huyện chỉ đạo tăng cường tuần tra, kiểm soát.', {
    doc: { docId: 'kh-45', type: 'Kế hoạch', number: '45/KH-UBND', title: 'Bảo đảm trật tự an toàn giao thông', file: 'kh45.txt' },
    sectionTitle: 'III. TỔ CHỨC THỰC HIỆN',
  }),
];

describe('tokenize', () => {
  it('emits syllables and in-segment bigrams, never across punctuation', () => {
    expect(termsOf('dữ liệu mở. sở nội vụ')).toEqual(['dữ', 'liệu', 'dữ_liệu', 'mở', 'liệu_mở', 'sở', 'nội', 'sở_nội', 'vụ', 'nội_vụ']);
    expect(termsOf('đạt 1.700 hồ sơ')).toContain('1.700');
  });

  it('searches only the folded field for a query typed without diacritics', () => {
    expect(queryTerms('so noi vu', abbr).exact).toEqual([]);
    expect(queryTerms('Sở Nội vụ', abbr).exact).toContain('sở_nội');
    expect(queryTerms('Sở Nội vụ', abbr).folded).toContain('so_noi');
  });

  it('reads document numbers the way people say them', () => {
    expect(numberAliases('114/KH-UBND')).toContain('KH 114');
    expect(numberAliases('1118/QĐ-UBND')).toContain('QĐ 1118');
    expect(numberAliases(undefined)).toBe('');
  });
});

describe('LexicalIndex', () => {
  const index = LexicalIndex.build(chunks, abbr);

  it('finds accented text from a query without diacritics', () => {
    const hits = index.search('thi diem tro ly ao');
    expect(hits[0]?.id).toBe('c');
  });

  it('matches "Sở TT&TT" with "Sở Thông tin và Truyền thông"', () => {
    const hits = index.search('Sở TT&TT chủ trì việc gì?');
    expect(hits[0]?.id).toBe('a');
    expect(index.search('STTTT')[0]?.id).toBe('a');
  });

  it('ranks the exact phrase first thanks to bigrams', () => {
    // "dữ liệu mở" is a phrase in a; b has all three syllables, but apart.
    const hits = index.search('dữ liệu mở');
    expect(hits.map((h) => h.id).slice(0, 2)).toEqual(['a', 'b']);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
  });

  it('pulls a document by its number ("KH 45")', () => {
    const ids = index.search('KH 45').map((h) => h.id);
    expect(ids.slice(0, 2).sort()).toEqual(['d', 'e']);
  });

  it('filters before cutting to k and returns raw BM25 scores', () => {
    const hits = index.search('chủ trì', { k: 1, accept: (id) => id !== 'a' });
    expect(hits).toHaveLength(1);
    expect(hits[0]!.id).toBe('c');
    expect(hits[0]!.score).toBeGreaterThan(0);
  });

  it('keeps the best k of many touched chunks in ranking order (score, then id), whatever k is', () => {
    // 300 chunks sharing common syllables with varied lengths and term counts, so scores spread and tie.
    const many = Array.from({ length: 300 }, (_, i) =>
      chunk(`m${String(i).padStart(3, '0')}`, `${'Sở Y tế chủ trì '.repeat(1 + (i % 4))}kiểm tra ${i % 7 === 0 ? 'an toàn thực phẩm' : 'hồ sơ'} đợt ${i % 5}.`),
    );
    const big = LexicalIndex.build(many, abbr);
    const all = big.search('so y te chu tri an toan thuc pham');
    expect(all.length).toBe(300);
    for (let i = 1; i < all.length; i++) {
      const [a, b] = [all[i - 1]!, all[i]!];
      expect(a.score > b.score || (a.score === b.score && a.id < b.id), `${a.id} before ${b.id}`).toBe(true);
    }
    for (const k of [1, 5, 37, 299, 300, 500]) expect(big.search('so y te chu tri an toan thuc pham', { k })).toEqual(all.slice(0, k));
    expect(big.search('so y te', { k: 0 })).toEqual([]);
    // Nothing leaks from one search into the next (scores are reset even when cut).
    expect(big.search('kiểm tra hồ sơ', { k: 3 })).toEqual(LexicalIndex.build(many, abbr).search('kiểm tra hồ sơ', { k: 3 }));
  });

  it('returns nothing for a query without words', () => {
    expect(index.search('?!')).toEqual([]);
  });

  it('round-trips through toJSON/fromJSON with identical results', () => {
    const json = index.toJSON();
    const loaded = LexicalIndex.fromJSON(json, abbr);
    expect(loaded.size).toBe(chunks.length);
    for (const q of ['dữ liệu mở', 'camera giam sat', 'Sở TT&TT']) expect(loaded.search(q)).toEqual(index.search(q));
  });

  it('reusing term counts from a previous index gives the same index as tokenizing again', () => {
    const previous = LexicalIndex.fromJSON(index.toJSON(), abbr);
    const changed = chunk('b', 'Mở rộng mạng truyền số liệu chuyên dùng đến cấp xã.');
    const next = [...chunks.filter((c) => c.id !== 'b'), changed];
    const reused = LexicalIndex.build(next, abbr, { reuse: previous, reusable: (id) => id !== 'b' });
    const fresh = LexicalIndex.build(next, abbr);
    for (const q of ['dữ liệu mở', 'mạng truyền số liệu cấp xã', 'KH 45', 'so tttt chu tri']) expect(reused.search(q)).toEqual(fresh.search(q));
    expect(reused.search('đất đai').some((h) => h.id === 'b')).toBe(false);
  });

  it('refuses another lexicalVersion', () => {
    const json = index.toJSON().replace(`"lexicalVersion":${LEXICAL_VERSION}`, '"lexicalVersion":0');
    expect(() => LexicalIndex.fromJSON(json, abbr)).toThrow(`lexical index: unsupported lexicalVersion 0 (expected ${LEXICAL_VERSION})`);
  });
});
