/**
 * Document facts read once at index time (issue 14): signer, addressees, distribution list and
 * proposer, from fixtures written in the real styles (text signature block, borderless closing table,
 * web-export "Người ký").
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DocumentFacts, type DocumentMeta } from '../../src/domain/document.js';
import { documentFacts } from '../../src/extract/facts.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const meta = (extra: Record<string, string> = {}): DocumentMeta =>
  ({ id: 'x', type: 'Công văn', title: 't', file: 'x.txt', hash: 'h', format: 'txt', extra }) as DocumentMeta;
const facts = (text: string, extra: Record<string, string> = {}) => {
  const f = documentFacts({ lines: text.split('\n'), meta: meta(extra) });
  if (f) DocumentFacts.parse(f);
  return f;
};

describe('documentFacts', () => {
  it('reads a letter: addressees, proposer, distribution and the signer in a borderless closing table', () => {
    const f = facts(readFileSync(path.join(here, '../fixtures/extract/letter-facts.txt'), 'utf8'));
    expect(f?.recipients).toEqual(['Sở Tài chính', 'Sở Nội vụ', 'UBND các huyện, thành phố']);
    expect(f?.proposedBy).toEqual(['Giám đốc Sở Khoa học và Công nghệ']);
    expect(f?.distribution).toEqual(['Như trên', 'CT, các PCT UBND tỉnh']);
    expect(f?.signer).toEqual({ name: 'Trần Quốc Nam', title: 'PHÓ CHỦ TỊCH', source: 'signature', line: 24 });
  });

  it('reads a plain-text signature block and an inline "Kính gửi"', () => {
    const text = ['Kính gửi: Bộ Thông tin và Truyền thông.', 'Nội dung …', '', 'TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH', '', 'Lê Văn Bình', ''].join('\n');
    const f = facts(text);
    expect(f?.recipients).toEqual(['Bộ Thông tin và Truyền thông']);
    expect(f?.signer).toMatchObject({ name: 'Lê Văn Bình', title: 'CHỦ TỊCH', source: 'signature', line: 7 });
  });

  it('prefers the web export "Người ký" and keeps the title when the block agrees', () => {
    const text = ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH', 'Hoàng Minh Tâm'].join('\n');
    expect(facts(text, { 'Người ký': 'Hoàng Minh Tâm' })?.signer).toEqual({ name: 'Hoàng Minh Tâm', title: 'PHÓ CHỦ TỊCH', source: 'web-meta' });
    expect(facts('Nội dung.', { 'Người ký': 'Đang cập nhật' })).toBeUndefined();
  });

  it('takes a name left alone after the distribution list when the title was lost', () => {
    const text = ['Nơi nhận:', '- Tỉnh ủy (b/c);', '- Lưu: VT.', '', '', 'Phạm Thị Hoa', '', 'Phụ lục 1'].join('\n');
    expect(facts(text)?.signer).toEqual({ name: 'Phạm Thị Hoa', source: 'signature', line: 6 });
  });

  it('states nothing for a text without these parts, and never takes a capitalised heading for a name', () => {
    expect(facts('II. NHIỆM VỤ\n1. Sở Nội vụ chủ trì rà soát.')).toBeUndefined();
    expect(facts('CHỦ TỊCH\nKẾ HOẠCH THỰC HIỆN\nNội dung chính')?.signer).toBeUndefined();
  });
});
