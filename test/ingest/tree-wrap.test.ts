/**
 * Lines broken by an export's line width join back into their title, heading or bullet, in both
 * shapes a plan arrives in: hard-wrapped throughout (test/fixtures/ingest/wrap-hard.txt, 78
 * columns) and one paragraph per line with only the lines longer than a wide export width broken
 * (wrap-export.txt, 120 columns, where a continuation may start with a capital: "UBND tỉnh …").
 * Word/HTML paragraphs split by a hard line break join when the next one starts in lower case.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { DocNode } from '../../src/domain/document.js';
import { ingestFile } from '../../src/ingest/index.js';
import { buildTree } from '../../src/ingest/tree.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/ingest');
const TITLE = 'Triển khai chuyển đổi số trong các cơ quan hành chính nhà nước và đơn vị sự nghiệp công lập trên địa bàn tỉnh Ninh Thuận giai đoạn 2024 – 2025';

function walk(nodes: readonly DocNode[], out: Array<{ kind: string; text: string }> = []): Array<{ kind: string; text: string }> {
  for (const n of nodes) {
    if (n.kind === 'paragraph') out.push({ kind: 'paragraph', text: n.text });
    else if (n.kind === 'section') {
      out.push({ kind: 'section', text: `${n.label}. ${n.heading}` });
      walk(n.children, out);
    }
  }
  return out;
}

describe.each(['wrap-hard.txt', 'wrap-export.txt'])('%s', (name) => {
  it('joins the title, headings and bullets broken by the line width', async () => {
    const res = await ingestFile(path.join(dir, name));
    if (!res.ok) throw new Error(res.detail);
    const doc = res.document;
    const nodes = walk(doc.children);
    expect(doc.meta.title).toBe(TITLE);
    expect(nodes.map((n) => n.text)).toContain(TITLE);
    expect(nodes.map((n) => n.text)).toContain(
      '1. Xây dựng kho dữ liệu dùng chung của tỉnh, kết nối với các cơ sở dữ liệu quốc gia về dân cư, đất đai và doanh nghiệp giai đoạn 2024 – 2025',
    );
    expect(nodes.map((n) => n.text)).toContain(
      'Sở Tài chính tham mưu bố trí kinh phí thực hiện số hóa hồ sơ, kết quả giải quyết thủ tục hành chính trong dự toán của UBND tỉnh hằng năm theo quy định.',
    );
    expect(nodes.map((n) => n.text)).toContain('Các cơ quan, đơn vị báo cáo kết quả thực hiện về Sở Thông tin và Truyền thông trước ngày 15/12 hằng năm.');
    // No paragraph is a stranded tail; bullets that end a sentence stay apart.
    expect(nodes.filter((n) => /^\p{Ll}/u.test(n.text))).toEqual([]);
    expect(nodes.filter((n) => n.text.startsWith('Chủ trì:'))).toHaveLength(2);
  });
});

describe('paragraph readers (Word, HTML): a hard line break inside a paragraph', () => {
  const line = (text: string, n: number) => ({ kind: 'line' as const, text, line: n });
  it('joins a line starting in lower case to one that did not end a sentence', () => {
    const tree = buildTree(
      [line('KẾ HOẠCH', 1), line('Triển khai chuyển đổi số trên địa bàn tỉnh Ninh Thuận giai', 2), line('đoạn 2024 – 2025', 3), line('I. MỤC TIÊU', 4)],
      { join: 'none' },
    );
    expect(walk(tree).map((n) => n.text)).toEqual(['KẾ HOẠCH', 'Triển khai chuyển đổi số trên địa bàn tỉnh Ninh Thuận giai đoạn 2024 – 2025', 'I. MỤC TIÊU']);
  });
  it('keeps list items apart when the previous one ended with ";" or ":", and capitalised lines apart', () => {
    const tree = buildTree(
      [line('Nhiệm vụ gồm:', 1), line('tăng cường kiểm tra;', 2), line('rà soát hồ sơ.', 3), line('Sở Tư pháp', 4), line('Công an tỉnh', 5)],
      { join: 'none' },
    );
    expect(walk(tree).map((n) => n.text)).toEqual(['Nhiệm vụ gồm:', 'tăng cường kiểm tra;', 'rà soát hồ sơ.', 'Sở Tư pháp', 'Công an tỉnh']);
  });
});
