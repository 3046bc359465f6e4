/**
 * "Which tasks are due in this period?" and one plan indexed from two files, on fixtures written
 * for these tests: a Phú Yên plan, a re-typed copy of it (same type, number, date, province) and a
 * Gia Lai plan that happens to share its number and date (and, at II.3, the place, lead agency and
 * deadline of a task) — which must never be merged with it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentAssistant } from '../../src/answer/index.js';
import { understand } from '../../src/answer/intent.js';
import type { AnswerContext } from '../../src/domain/answer.js';
import { createLogger } from '../../src/logging.js';
import { runReindex } from '../../src/reindex/pipeline.js';

const dir = path.resolve('test/fixtures/answer/periods');
const files = ['phuyen-kh73-2024-chuyen-doi-so.txt', 'phuyen-kh73-2024-chuyen-doi-so.ban-go-lai.txt', 'gialai-kh73-2024-du-lich-so.txt'].map((f) => path.join(dir, f));
const dataDir = mkdtempSync(path.join(tmpdir(), 'answer-periods-test-'));
const logger = createLogger({ level: 'silent' });
const noModels = path.join(dataDir, 'no-models');
const knowledgeDir = path.join(dataDir, 'no-knowledge');
const assistant = new DocumentAssistant({ dataDir, knowledgeDir, modelDir: noModels, embeddingModel: 'none/none', logger });
const ctx: AnswerContext = { taskIds: [], docIds: [], today: '2024-05-20' };

beforeAll(async () => {
  const report = await runReindex({ dataDir, knowledgeDir, paths: files, modelDir: noModels, embeddingModel: 'none/none', logger });
  expect(report.errors).toEqual([]);
  await assistant.load();
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const count = (text: string, part: string): number => text.split(part).length - 1;

describe('periods in questions', () => {
  const today = '2024-05-20';
  it.each([
    ['Nhiệm vụ nào phải hoàn thành trong Quý III/2024?', '2024-07-01', '2024-09-30', 'Quý III/2024'],
    ['viec nao xong trong quy 3 nam 2024', '2024-07-01', '2024-09-30', 'Quý III/2024'],
    ['Quý IV có những việc gì?', '2024-10-01', '2024-12-31', 'Quý IV/2024'],
    ['6 tháng đầu năm 2025 phải xong những nhiệm vụ gì?', '2025-01-01', '2025-06-30', '6 tháng đầu năm 2025'],
    ['Những việc nào đến hạn tháng 8/2024?', '2024-08-01', '2024-08-31', 'tháng 8/2024'],
    ['Các nhiệm vụ phải hoàn thành trong năm 2025', '2025-01-01', '2025-12-31', 'năm 2025'],
  ])('%s → %s … %s', (question, from, date, label) => {
    expect(understand(question, today).window).toEqual({ kind: 'before', from, date, label });
  });

  it.each(['Trong quý III/2024 Phú Yên cần hoàn thành gì?', 'Danh sách nhiệm vụ đến hạn tháng 8/2024', 'Quý 3 năm 2024 có việc gì đến hạn?', 'nhiem vu nao het han quy 3'])(
    '"%s" asks for the tasks of the period',
    (question) => {
      expect(understand(question, today).intent).toBe('agency_tasks');
    },
  );

  it('reads "trước/đến hết" a period as its end, and leaves a bare year (a plan\'s name) alone', () => {
    expect(understand('Việc nào phải xong trước Quý III/2024?', today).window).toEqual({ kind: 'before', date: '2024-09-30' });
    expect(understand('Nhiệm vụ nào phải hoàn thành trước ngày 31/7/2024?', today).window).toEqual({ kind: 'before', date: '2024-07-31' });
    // One grammar with deadline cells: "trước tháng 11" is by the end of October, "đến hết tháng 11" by its end.
    expect(understand('Sở TT&TT phải làm gì trước tháng 11?', today).window).toEqual({ kind: 'before', date: '2024-10-31' });
    expect(understand('Sở TT&TT phải làm gì đến hết tháng 11?', today).window).toEqual({ kind: 'before', date: '2024-11-30' });
    expect(understand('Kế hoạch chuyển đổi số năm 2024 giao những nhiệm vụ gì?', today).window).toBeUndefined();
  });
});

describe('listing the tasks due in a period', () => {
  it('lists every task due in the quarter, per document, each with lead, deadline and citation', async () => {
    const a = await assistant.answer('Nhiệm vụ nào phải hoàn thành trong Quý III/2024?', ctx);
    expect(a.refused).toBe(false);
    expect(a.intent).toBe('agency_tasks');
    const phuYen = a.answer.indexOf('Theo Kế hoạch 73/KH-UBND (Phú Yên)');
    const giaLai = a.answer.indexOf('Theo Kế hoạch 73/KH-UBND (Gia Lai)');
    expect(phuYen).toBeGreaterThanOrEqual(0);
    expect(giaLai).toBeGreaterThan(phuYen);
    const py = a.answer.slice(phuYen, giaLai);
    expect(py).toMatch(/Triển khai hệ thống giám sát an toàn thông tin tập trung \(SOC\) — hạn: Quý III\/2024 \(đến hết 30\/9\/2024\); chủ trì: Sở Thông tin và Truyền thông \(Kế hoạch 73\/KH-UBND, mục II\.3\)/);
    expect(py).toContain('Số hóa hồ sơ cán bộ');
    expect(py).toContain('Kết nối phần mềm quản lý văn bản');
    // The quarterly report falls due in the quarter too, on the date it falls there.
    expect(py).toMatch(/hằng quý \(ngày 15 tháng cuối quý\) \(trong kỳ: 15\/9\/2024\)/);
    // Not due in the quarter: II.1 (Quý II), II.5 (Quý IV), II.6 (2025), II.7 (ongoing), III.1 (December).
    for (const other of ['Nâng cấp Trung tâm dữ liệu', 'kho dữ liệu kinh tế', 'Bố trí kinh phí', 'an ninh mạng', 'trước ngày 20/12/2024']) expect(a.answer).not.toContain(other);
    const gl = a.answer.slice(giaLai);
    expect(gl).toContain('Triển khai ứng dụng du lịch thông minh');
    expect(gl).toContain('Phát hành bản đồ số');
    expect(a.answer).toContain('Nguồn: Kế hoạch 73/KH-UBND ngày 18/3/2024 của UBND tỉnh Phú Yên');
    expect(a.answer).toContain('Kế hoạch 73/KH-UBND ngày 18/3/2024 của UBND tỉnh Gia Lai');
    expect(a.citations.every((c) => /mục II\.\d|mục III\.\d/.test(c.section))).toBe(true);
  });

  it('lists for "Danh sách nhiệm vụ đến hạn tháng 8/2024" too', async () => {
    const a = await assistant.answer('Danh sách nhiệm vụ đến hạn tháng 8/2024', ctx);
    expect(a.answer.split('\n')[0]).toBe('Có 2 nhiệm vụ có hạn trong tháng 8/2024, trong 2 văn bản:');
  });

  it('keeps to the province the question names', async () => {
    const a = await assistant.answer('Nhiệm vụ nào phải hoàn thành trong Quý III/2024 ở Phú Yên?', ctx);
    expect(a.refused).toBe(false);
    expect(a.answer).toContain('Triển khai hệ thống giám sát an toàn thông tin tập trung');
    expect(a.answer).not.toContain('Gia Lai');
    expect(a.answer).not.toContain('du lịch');
  });

  it('reads months, half-years and "trước ngày …" the same way', async () => {
    const month = await assistant.answer('Những việc nào đến hạn trong tháng 8/2024 ở Phú Yên?', ctx);
    expect(month.answer).toContain('Số hóa hồ sơ cán bộ');
    expect(month.answer).not.toContain('Triển khai hệ thống giám sát');
    const half = await assistant.answer('6 tháng cuối năm 2024 tỉnh Phú Yên phải xong những nhiệm vụ gì?', ctx);
    expect(half.answer).toContain('kho dữ liệu kinh tế');
    expect(half.answer).toContain('Số hóa hồ sơ cán bộ');
    expect(half.answer).not.toContain('Nâng cấp Trung tâm dữ liệu');
    expect(half.answer).not.toContain('Bố trí kinh phí');
    const before = await assistant.answer('Nhiệm vụ nào phải hoàn thành trước ngày 31/7/2024 ở Phú Yên?', ctx);
    expect(before.answer).toContain('Nâng cấp Trung tâm dữ liệu');
    expect(before.answer).toContain('Kết nối phần mềm quản lý văn bản');
    expect(before.answer).not.toContain('Số hóa hồ sơ cán bộ');
  });

  it('keeps the tasks matching what else the question says, when some do', async () => {
    const a = await assistant.answer('Việc nào về du lịch thông minh phải xong trong quý III/2024?', ctx);
    expect(a.answer.split('\n')[0]).toBe('Có 1 nhiệm vụ có hạn trong Quý III/2024 (1/7/2024 – 30/9/2024):');
    expect(a.answer).toContain('Theo Kế hoạch 73/KH-UBND (Gia Lai):\n1. Triển khai ứng dụng du lịch thông minh');
    expect(a.answer).not.toContain('Số hóa hồ sơ cán bộ');
  });

  it('with an agency, lists only that agency\'s tasks in the period', async () => {
    const a = await assistant.answer('Sở TT&TT Phú Yên phải làm gì trong quý 3/2024?', ctx);
    expect(a.refused).toBe(false);
    expect(a.answer.split('\n')[0]).toMatch(/Sở Thông tin và Truyền thông \(Phú Yên\) có 2 nhiệm vụ có hạn trong Quý III\/2024/);
    expect(a.answer).not.toContain('Số hóa hồ sơ cán bộ');
  });

  it('says so when nothing is due in the period', async () => {
    const a = await assistant.answer('Nhiệm vụ nào phải hoàn thành trong Quý I/2024 ở Gia Lai?', ctx);
    expect(a.refused).toBe(true);
    expect(a.answer).toMatch(/Không tìm thấy nhiệm vụ nào có hạn trong Quý I\/2024/);
  });
});

describe('one plan indexed from two files', () => {
  it('lists each task once and says the plan is in two files', async () => {
    const a = await assistant.answer('Nhiệm vụ nào phải hoàn thành trong Quý III/2024 ở Phú Yên?', ctx);
    expect(count(a.answer, 'Triển khai hệ thống giám sát an toàn thông tin tập trung')).toBe(1);
    expect(count(a.answer, 'Số hóa hồ sơ cán bộ')).toBe(1);
    expect(a.answer).toMatch(/có trong 2 tệp \(phuyen-kh73-2024-chuyen-doi-so\.txt; phuyen-kh73-2024-chuyen-doi-so\.ban-go-lai\.txt\)/);
    expect(new Set(a.tasks.map((t) => t.title)).size).toBe(a.tasks.length);
  });

  it('counts an agency\'s tasks once', async () => {
    const a = await assistant.answer('Sở Nội vụ Phú Yên phải làm gì?', ctx);
    expect(a.refused).toBe(false);
    expect(a.answer.split('\n')[0]).toMatch(/có 1 nhiệm vụ/);
    expect(count(a.answer, 'Số hóa hồ sơ cán bộ')).toBe(1);
  });

  it('answers a who-question once, and never merges the other province\'s plan with the same number', async () => {
    const a = await assistant.answer('Ai chủ trì triển khai hệ thống giám sát an toàn thông tin tập trung?', ctx);
    expect(a.refused).toBe(false);
    expect(count(a.answer, 'Chủ trì: Sở Thông tin và Truyền thông')).toBe(1);
    expect(a.tasks.map((t) => t.doc.province)).toEqual(['Phú Yên']);
    const both = await assistant.answer('Nhiệm vụ nào phải hoàn thành trong Quý III/2024?', ctx);
    // Same number, date, place (II.3), lead and deadline in both provinces: two tasks, not one.
    expect(both.tasks.filter((t) => t.sectionPath.join('.') === 'II.3').map((t) => t.doc.province).sort()).toEqual(['Gia Lai', 'Phú Yên']);
  });
});
