/** `npm run tasks -- --agency … --province …` follows --today through the 2025 reorganisation. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const fixtures = ['bacgiang-kh45-2023-chuyen-doi-so.txt', 'bacninh-kh12-2024-du-lieu-so.txt'].map((f) => path.join('test/fixtures/answer/reorganisation', f));

async function tasks(args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/tasks.ts', ...args, ...fixtures], { cwd: repoRoot });
  return stdout;
}

interface Listing {
  agency?: { id: string };
  tasks: Array<{ task: { title: string } }>;
  inherited: Array<{ task: { title: string; doc: { province?: string } }; predecessor: { id: string; basis: string; functions?: string } }>;
}

describe('npm run tasks with the 2025 reorganisation', () => {
  it('today: Sở KH&CN of Bắc Ninh lists its own task and, apart, Sở TT&TT tasks of both old provinces', { timeout: 60_000 }, async () => {
    const json = JSON.parse(await tasks(['--json', '--agency', 'Sở Khoa học và Công nghệ', '--province', 'Bắc Ninh', '--today', '2026-03-10'])) as Listing;
    expect(json.tasks.map((s) => s.task.title)).toEqual(['Ứng dụng công nghệ sinh học trong sản xuất giống cây trồng']);
    const inherited = json.inherited.map((s) => s.task.title);
    expect(inherited).toEqual(expect.arrayContaining(['Thí điểm trợ lý ảo hỗ trợ cán bộ tra cứu văn bản', 'Xây dựng kho dữ liệu dùng chung của tỉnh']));
    expect(new Set(json.inherited.map((s) => s.task.doc.province))).toEqual(new Set(['Bắc Giang', 'Bắc Ninh']));
    expect(json.inherited.every((s) => s.predecessor.id === 'so-tttt' && s.predecessor.basis === 'Nghị định 45/2025/NĐ-CP')).toBe(true);

    const text = await tasks(['--agency', 'Sở Khoa học và Công nghệ', '--province', 'Bắc Ninh', '--today', '2026-03-10']);
    expect(text).toContain('Nhiệm vụ giao Sở Thông tin và Truyền thông (nay là Sở Khoa học và Công nghệ, từ 01/3/2025, theo Nghị định 45/2025/NĐ-CP)');
    expect(text).toContain('Tỉnh: Bắc Ninh gồm Bắc Ninh, Bắc Giang trước đây');
    expect(text).toContain('UBND các huyện, thành phố (cấp huyện không còn từ 01/7/2025)');
  });

  it('before the changes: nothing inherited, Bắc Ninh only', { timeout: 60_000 }, async () => {
    const json = JSON.parse(await tasks(['--json', '--agency', 'Sở Khoa học và Công nghệ', '--province', 'Bắc Ninh', '--today', '2024-03-10'])) as Listing;
    expect(json.inherited).toEqual([]);
    expect(json.tasks.map((s) => s.task.title)).toEqual(['Ứng dụng công nghệ sinh học trong sản xuất giống cây trồng']);
    const text = await tasks(['--agency', 'Sở Khoa học và Công nghệ', '--province', 'Bắc Ninh', '--today', '2024-03-10']);
    expect(text).not.toMatch(/nay là|Ghi chú/);
  });

  it('a split: Sở GD&ĐT gets only the vocational-training task of Sở LĐ-TB&XH', { timeout: 60_000 }, async () => {
    const json = JSON.parse(await tasks(['--json', '--agency', 'Sở Giáo dục và Đào tạo', '--province', 'Bắc Giang', '--today', '2026-03-10'])) as Listing;
    expect(json.inherited.map((s) => s.task.title)).toEqual(['Tổ chức đào tạo nghề cho lao động nông thôn về kỹ năng số']);
    expect(json.inherited[0]!.predecessor.functions).toBe('giáo dục nghề nghiệp');
  });
});
