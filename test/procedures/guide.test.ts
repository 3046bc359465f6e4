import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SectionNode } from '../../src/domain/document.js';
import { Procedure } from '../../src/domain/records.js';
import { readProcedureGuide } from '../../src/extract/procedures.js';
import { fixtures } from './helpers.js';

function read(name: string) {
  const file = path.join(fixtures, name);
  return { file, bytes: readFileSync(file), lines: readFileSync(file, 'utf8').split('\n') };
}

function readText(text: string) {
  return readProcedureGuide('/tmp/guide.md', Buffer.from(text, 'utf8'));
}

describe('readProcedureGuide', () => {
  it('maps the front matter to a Procedure with per-field line spans', () => {
    const { file, bytes, lines } = read('guides/khai-sinh.md');
    const result = readProcedureGuide(file, bytes, fixtures);
    if (!result.ok) throw new Error(result.detail);
    const p = result.procedure;
    expect(() => Procedure.parse(p)).not.toThrow();
    expect(p.id).toBe('thu-tuc:guides/khai-sinh.md');
    expect(p.ma).toBe('1.001193');
    expect(p.cap_nhat).toBe('2025-07-01');
    expect(p.cap_thuc_hien).toEqual(['Cấp xã']);
    expect(p.thanh_phan_ho_so).toEqual([
      { ten: 'Tờ khai đăng ký khai sinh', loai: 'bản chính', so_luong: 1 },
      { ten: 'Giấy chứng sinh', loai: 'bản chính', so_luong: 1 },
    ]);
    expect(p.trinh_tu).toEqual(['Bước 1: Nộp hồ sơ', 'Bước 2: Nhận Giấy khai sinh']);
    expect(p.mo_ta).toBe('Đăng ký trong 60 ngày kể từ ngày sinh.');
    const [from, to] = p.field_lines!['thanh_phan_ho_so']!;
    expect(lines[from - 1]).toBe('thanh_phan_ho_so:');
    expect(lines[to - 1]).toBe('    so_luong: 1');
    expect(lines[to]).toBe('trinh_tu:');
    const timeLine = p.field_lines!['thoi_han_giai_quyet']!;
    expect(lines[timeLine[0] - 1]).toBe('thoi_han_giai_quyet: Ngay trong ngày');
    expect(timeLine[1]).toBe(timeLine[0]);
  });

  it('returns a Document with one section per field, in file order', () => {
    const { file, bytes, lines } = read('guides/khai-sinh.md');
    const result = readProcedureGuide(file, bytes, fixtures);
    if (!result.ok) throw new Error(result.detail);
    const { document } = result;
    expect(document.meta).toMatchObject({ type: 'Thủ tục hành chính', format: 'procedure', title: 'Đăng ký khai sinh', id: 'guides/khai-sinh.md' });
    expect(document.lines).toEqual(lines.slice(0, document.lines.length));
    const sections = document.children as SectionNode[];
    expect(sections.map((s) => s.heading)).toEqual([
      'Mã thủ tục',
      'Tên thủ tục',
      'Tên gọi khác',
      'Lĩnh vực',
      'Cấp thực hiện',
      'Đối tượng thực hiện',
      'Cơ quan thực hiện',
      'Nơi nộp và cách thức thực hiện',
      'Thành phần hồ sơ',
      'Trình tự thực hiện',
      'Thời hạn giải quyết',
      'Phí, lệ phí',
      'Căn cứ pháp lý',
      'Ngày cập nhật',
      'Mô tả',
    ]);
    const documents = sections.find((s) => s.heading === 'Thành phần hồ sơ')!;
    expect(documents.children).toMatchObject([
      { kind: 'paragraph', text: 'Tờ khai đăng ký khai sinh (bản chính, 01 bản)' },
      { kind: 'paragraph', text: 'Giấy chứng sinh (bản chính, 01 bản)' },
    ]);
    const second = documents.children[1]!;
    expect(lines[second.lines[0] - 1]).toBe('  - ten: Giấy chứng sinh');
    const body = sections.at(-1)!;
    expect(body.children).toMatchObject([{ text: 'Đăng ký trong 60 ngày kể từ ngày sinh.' }]);
    expect(lines[body.lines[0] - 1]).toBe('Đăng ký trong 60 ngày kể từ ngày sinh.');
  });

  it('accepts single strings where lists are expected', () => {
    const { file, bytes } = read('minimal.md');
    const result = readProcedureGuide(file, bytes);
    if (!result.ok) throw new Error(result.detail);
    expect(result.procedure.ten_goi_khac).toEqual(['đăng ký tạm trú cho người thuê trọ']);
    expect(result.procedure.thanh_phan_ho_so).toEqual([{ ten: 'Tờ khai thay đổi thông tin cư trú' }]);
    expect(result.procedure.can_cu_phap_ly).toEqual(['Luật Cư trú số 68/2020/QH14']);
    expect(result.procedure.le_phi).toBeUndefined();
    expect(result.procedure.mo_ta).toBe('');
  });

  it('names the field and the reason when a document item has no name', () => {
    const { file, bytes } = read('bad-item.md');
    const result = readProcedureGuide(file, bytes);
    expect(result).toEqual({ ok: false, file, code: 'INGEST_INVALID_FRONT_MATTER', detail: 'thanh_phan_ho_so[1].ten: Required' });
  });

  it('rejects an unquoted procedure code, which YAML would read as a number', () => {
    const result = readText('---\nma: 1.001193\nten: X\nthanh_phan_ho_so: [A]\ncan_cu_phap_ly: [B]\ncap_nhat: 2025-01-01\n---\n');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.detail).toMatch(/^ma: must be a quoted string/);
  });

  it('reports missing required fields, bad dates and unknown keys', () => {
    const missing = readText('---\nten: X\ncan_cu_phap_ly: [B]\ncap_nhat: 2025-01-01\n---\n');
    expect(missing).toMatchObject({ ok: false, detail: 'thanh_phan_ho_so: Required' });
    const date = readText('---\nten: X\nthanh_phan_ho_so: [A]\ncan_cu_phap_ly: [B]\ncap_nhat: 1/7/2025\n---\n');
    expect(date).toMatchObject({ ok: false, detail: 'cap_nhat: must be an ISO date (YYYY-MM-DD)' });
    const typo = readText('---\nten: X\nthanh_phan_ho_so: [A]\ncan_cu_phap_ly: [B]\ncap_nhat: 2025-01-01\nle_phi_: 0\n---\n');
    expect(typo.ok).toBe(false);
    if (!typo.ok) expect(typo.detail).toContain("le_phi_");
  });

  it('reports a guide without front matter and broken YAML as values, not exceptions', () => {
    expect(readText('# Đăng ký khai sinh\n')).toMatchObject({ ok: false, code: 'INGEST_INVALID_FRONT_MATTER', detail: expect.stringContaining('missing') });
    expect(readText('---\nten: X\n')).toMatchObject({ ok: false, detail: expect.stringContaining('not closed') });
    expect(readText('---\nten: [X\n---\n')).toMatchObject({ ok: false, detail: expect.stringContaining('YAML syntax error') });
  });
});
