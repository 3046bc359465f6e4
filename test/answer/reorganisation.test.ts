/**
 * Answers follow the question's today through the 2025 reorganisation: today's agency names reach
 * the tasks given to their predecessors (labelled), old names say what became of them, a merged
 * province includes the old provinces' documents (with a note), the district level is said to have
 * ended — and a today before each change renames nothing. A named province narrows and ranks but
 * never hides a document whose province was not read.
 *
 * Fixtures (written for this test): a 2023 Bắc Giang plan (Sở TT&TT, Sở LĐ-TB&XH, Sở KH&ĐT, UBND
 * các huyện), a 2024 Bắc Ninh plan, and a plan with no header at all (province unknown).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentAssistant } from '../../src/answer/index.js';
import type { AnswerContext } from '../../src/domain/answer.js';
import { createLogger } from '../../src/logging.js';
import { runReindex } from '../../src/reindex/pipeline.js';

const dir = path.resolve('test/fixtures/answer/reorganisation');
const files = ['bacgiang-kh45-2023-chuyen-doi-so.txt', 'bacninh-kh12-2024-du-lieu-so.txt', 'ke-hoach-so-hoa-luu-tru.txt'].map((f) => path.join(dir, f));
const dataDir = mkdtempSync(path.join(tmpdir(), 'answer-reorganisation-'));
const logger = createLogger({ level: 'silent' });
const noModels = path.join(dataDir, 'no-models');
const knowledgeDir = path.join(dataDir, 'no-knowledge');
const assistant = new DocumentAssistant({ dataDir, knowledgeDir, modelDir: noModels, embeddingModel: 'none/none', logger });
const at = (today: string): AnswerContext => ({ taskIds: [], docIds: [], today });
const BEFORE = '2024-05-20';
const AFTER = '2026-03-10';

beforeAll(async () => {
  const report = await runReindex({ dataDir, knowledgeDir, paths: files, modelDir: noModels, embeddingModel: 'none/none', logger });
  expect(report.errors).toEqual([]);
  await assistant.load();
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const titles = (a: { tasks: Array<{ title: string }> }): string[] => a.tasks.map((t) => t.title);

describe('agency successions', () => {
  it("today's name finds the predecessor's task, labelled, with the legal basis", async () => {
    const a = await assistant.answer('Sở Khoa học và Công nghệ Bắc Giang phải làm gì về trợ lý ảo?', at(AFTER));
    expect(a.refused).toBe(false);
    expect(titles(a)).toEqual(['Thí điểm trợ lý ảo hỗ trợ cán bộ tra cứu văn bản']);
    expect(a.answer).toContain('Sở Thông tin và Truyền thông (nay là Sở Khoa học và Công nghệ, từ 01/3/2025)');
    expect(a.answer).toContain('Nghị định 45/2025/NĐ-CP');
    expect(a.citations[0]?.document).toBe('Kế hoạch 45/KH-UBND');
  });

  it('before the change, Sở KH&CN has no task in that plan and nothing is renamed', async () => {
    const a = await assistant.answer('Sở Khoa học và Công nghệ Bắc Giang phải làm gì về trợ lý ảo?', at(BEFORE));
    expect(titles(a)).not.toContain('Thí điểm trợ lý ảo hỗ trợ cán bộ tra cứu văn bản');
    expect(a.answer).not.toContain('nay là');
  });

  it('the old name keeps working and names its successor', async () => {
    const a = await assistant.answer('Ai chủ trì thí điểm trợ lý ảo hỗ trợ cán bộ tra cứu văn bản ở Bắc Giang?', at(AFTER));
    expect(a.answer).toMatch(/^Chủ trì: Sở Thông tin và Truyền thông \(nay là Sở Khoa học và Công nghệ, từ 01\/3\/2025\)/);
    const before = await assistant.answer('Ai chủ trì thí điểm trợ lý ảo hỗ trợ cán bộ tra cứu văn bản ở Bắc Giang?', at(BEFORE));
    expect(before.answer).toMatch(/^Chủ trì: Sở Thông tin và Truyền thông\.$/m);
    expect(before.answer).not.toContain('Ghi chú');
  });

  it('a merged department: Sở Tài chính reaches Sở KH&ĐT tasks', async () => {
    const a = await assistant.answer('Sở Tài chính Bắc Giang phải làm gì?', at(AFTER));
    expect(titles(a)).toContain('Cập nhật danh mục dự án đầu tư công trên cổng thông tin');
    expect(a.answer).toContain('Sở Kế hoạch và Đầu tư (nay là Sở Tài chính, từ 01/3/2025)');
  });
});

describe('a split agency', () => {
  it('vocational training of Sở LĐ-TB&XH goes to Sở GD&ĐT, only that field', async () => {
    const a = await assistant.answer('Sở Giáo dục và Đào tạo Bắc Giang phải làm gì?', at(AFTER));
    expect(titles(a)).toContain('Tổ chức đào tạo nghề cho lao động nông thôn về kỹ năng số');
    expect(titles(a)).not.toContain('Xây dựng sàn giao dịch việc làm trực tuyến');
    expect(titles(a)).not.toContain('Số hóa hồ sơ chi trả trợ cấp bảo trợ xã hội');
    expect(a.answer).toContain('thuộc lĩnh vực giáo dục nghề nghiệp');
  });

  it('the main successor gets every task, and the answer says which fields went elsewhere', async () => {
    const a = await assistant.answer('Sở Nội vụ Bắc Giang phải làm gì?', at(AFTER));
    expect(titles(a)).toEqual(expect.arrayContaining(['Xây dựng sàn giao dịch việc làm trực tuyến', 'Số hóa hồ sơ chi trả trợ cấp bảo trợ xã hội']));
    expect(a.answer).toContain('phần bảo trợ xã hội, trẻ em, phòng, chống tệ nạn xã hội chuyển sang Sở Y tế');
    expect(a.answer).toContain('phần giáo dục nghề nghiệp chuyển sang Sở Giáo dục và Đào tạo');
  });

  it('before the change, Sở Y tế gets nothing of Sở LĐ-TB&XH', async () => {
    const after = await assistant.answer('Sở Y tế Bắc Giang phải làm gì?', at(AFTER));
    expect(titles(after)).toEqual(['Số hóa hồ sơ chi trả trợ cấp bảo trợ xã hội']);
    const before = await assistant.answer('Sở Y tế Bắc Giang phải làm gì?', at(BEFORE));
    expect(titles(before)).not.toContain('Số hóa hồ sơ chi trả trợ cấp bảo trợ xã hội');
  });
});

describe('a merged province', () => {
  it('Bắc Ninh includes the former Bắc Giang after 01/7/2025, with a note', async () => {
    const a = await assistant.answer('Bắc Ninh có nhiệm vụ nào về trợ lý ảo?', at(AFTER));
    expect(a.refused).toBe(false);
    expect(a.citations.some((c) => c.document === 'Kế hoạch 45/KH-UBND')).toBe(true);
    expect(a.answer).toContain('Bắc Ninh hiện nay gồm Bắc Ninh và Bắc Giang cũ (từ 01/7/2025, theo Nghị quyết 202/2025/QH15); câu trả lời tính cả văn bản của Bắc Giang.');
  });

  it('Sở KH&CN Bắc Ninh, asked today, lists its own task and the TT&TT tasks of both old provinces', async () => {
    const a = await assistant.answer('Sở Khoa học và Công nghệ Bắc Ninh phải làm gì?', at(AFTER));
    expect(titles(a)).toEqual(
      expect.arrayContaining(['Ứng dụng công nghệ sinh học trong sản xuất giống cây trồng', 'Xây dựng kho dữ liệu dùng chung của tỉnh', 'Thí điểm trợ lý ảo hỗ trợ cán bộ tra cứu văn bản']),
    );
    expect(titles(a)[0]).toBe('Ứng dụng công nghệ sinh học trong sản xuất giống cây trồng');
  });

  it('before the merger, Bắc Ninh is Bắc Ninh only', async () => {
    const a = await assistant.answer('Sở Khoa học và Công nghệ Bắc Ninh phải làm gì?', at(BEFORE));
    expect(titles(a)).toEqual(['Ứng dụng công nghệ sinh học trong sản xuất giống cây trồng']);
    expect(a.answer).not.toContain('Bắc Giang');
  });

  it('the old province keeps working and says where it belongs now', async () => {
    const a = await assistant.answer('Bắc Giang giao ai chủ trì xây dựng sàn giao dịch việc làm trực tuyến?', at(AFTER));
    expect(a.answer).toMatch(/^Chủ trì: Sở Lao động - Thương binh và Xã hội \(nay là Sở Nội vụ, từ 01\/3\/2025\)/);
    expect(a.answer).toContain('Bắc Giang nay thuộc Bắc Ninh (từ 01/7/2025');
  });
});

describe('the district level', () => {
  it('district assignees are shown as written, with a note after 01/7/2025', async () => {
    const a = await assistant.answer('Ai chủ trì thanh toán không dùng tiền mặt tại bộ phận một cửa cấp huyện ở Bắc Giang?', at(AFTER));
    expect(a.answer).toContain('UBND các huyện, thành phố (cấp huyện không còn từ 01/7/2025)');
    expect(a.answer).toContain('Cấp huyện đã kết thúc hoạt động từ 01/7/2025');
  });

  it('and without it before', async () => {
    const a = await assistant.answer('Ai chủ trì thanh toán không dùng tiền mặt tại bộ phận một cửa cấp huyện ở Bắc Giang?', at('2025-06-30'));
    expect(a.answer).toMatch(/^Chủ trì: UBND các huyện, thành phố\.$/m);
    expect(a.answer).not.toContain('không còn');
  });
});

describe('channels: /nhiemvu, /hanchot and reminders use tasksFor', () => {
  it('the current name reaches the predecessor tasks, labelled, with the note', () => {
    const tasks = assistant.tasksFor({ agency: 'so-khcn', province: 'Bắc Ninh', today: AFTER });
    const names = tasks.own.map((t) => t.title);
    expect(names).toEqual(expect.arrayContaining(['Thí điểm trợ lý ảo hỗ trợ cán bộ tra cứu văn bản', 'Xây dựng kho dữ liệu dùng chung của tỉnh']));
    const text = assistant.formatTasks(tasks, { title: 'Nhiệm vụ của Sở Khoa học và Công nghệ', today: AFTER });
    expect(text).toContain('(nay là Sở Khoa học và Công nghệ, từ 01/3/2025)');
    expect(text).toContain('Ghi chú (sắp xếp bộ máy 2025):');
    const before = assistant.tasksFor({ agency: 'so-khcn', province: 'Bắc Ninh', today: BEFORE });
    expect(before.own.map((t) => t.title)).toEqual(['Ứng dụng công nghệ sinh học trong sản xuất giống cây trồng']);
  });

  it('/donvi: an agency that no longer exists is still found; its list says what it is now (real date, after 2025)', () => {
    const [best] = assistant.lookupAgency('Sở TT&TT', 'Bắc Giang');
    expect(best?.id).toBe('so-tttt@bac-giang');
    const tasks = assistant.tasksFor({ agency: best!.id, province: 'Bắc Giang', today: AFTER });
    expect(assistant.formatTasks(tasks, { title: `Nhiệm vụ của ${best!.name}`, today: AFTER })).toContain('Sở Thông tin và Truyền thông nay là Sở Khoa học và Công nghệ (từ 01/3/2025');
    expect(assistant.provinces()).toEqual(expect.arrayContaining(['Bắc Giang', 'Bắc Ninh']));
  });

  it('reminders: a predecessor task due soon reaches the current agency, labelled', () => {
    const soon = assistant.tasksFor({ agency: 'so-khcn@bac-ninh', province: 'Bắc Ninh', today: '2026-03-10', dueWithinDays: 7, includeOverdue: true });
    expect(soon.own.map((t) => t.title)).toEqual(['Hoàn thành nền tảng tích hợp, chia sẻ dữ liệu giai đoạn 2023 - 2026']);
    expect(soon.own[0]!.lead[0]!.surface).toBe('Sở Thông tin và Truyền thông (nay là Sở Khoa học và Công nghệ, từ 01/3/2025)');
    // The old name keeps its own task, with the note.
    const old = assistant.tasksFor({ agency: 'so-tttt@bac-giang', province: 'Bắc Giang', today: '2026-03-10', dueWithinDays: 7, includeOverdue: true });
    expect(old.own.map((t) => t.title)).toEqual(['Hoàn thành nền tảng tích hợp, chia sẻ dữ liệu giai đoạn 2023 - 2026']);
    // Before 01/3/2025 the task is Sở TT&TT's only.
    const before = assistant.tasksFor({ agency: 'so-khcn@bac-giang', province: 'Bắc Giang', today: '2025-02-20', dueWithinDays: 400, includeOverdue: true });
    expect(before.own.map((t) => t.title)).not.toContain('Hoàn thành nền tảng tích hợp, chia sẻ dữ liệu giai đoạn 2023 - 2026');
  });
});

describe('a named province never hides a document whose province is unknown', () => {
  it('a plan with no header still answers a question naming a province', async () => {
    const a = await assistant.answer('Bắc Ninh giao ai chủ trì số hóa tài liệu lưu trữ lịch sử có giá trị đặc biệt?', at(AFTER));
    expect(a.refused).toBe(false);
    expect(a.answer).toMatch(/^Chủ trì: Sở Nội vụ/);
  });

  it("a province's task list draws on its own plans and counts the agency's tasks in the plan of unknown province", async () => {
    const a = await assistant.answer('Sở Nội vụ Bắc Ninh phải làm gì?', at(AFTER));
    expect(titles(a)).toContain('Tổ chức đoàn công tác học tập kinh nghiệm quản lý dữ liệu số tại tỉnh Hà Nam');
    expect(titles(a)).not.toContain('Số hóa tài liệu lưu trữ lịch sử có giá trị đặc biệt');
    expect(a.answer).toContain("Ngoài ra, 2 nhiệm vụ của Sở Nội vụ nằm trong văn bản chưa xác định được tỉnh: Số hóa tài liệu lưu trữ lịch sử năm 2024");
  });

  it('a number narrows to its plan but keeps a plan whose number was not read', async () => {
    const a = await assistant.answer('Kế hoạch 45 giao ai chủ trì số hóa tài liệu lưu trữ lịch sử có giá trị đặc biệt?', at(AFTER));
    expect(a.refused).toBe(false);
    expect(a.answer).toMatch(/^Chủ trì: Sở Nội vụ/);
    // The numbered plan still answers what it states, first.
    const b = await assistant.answer('Kế hoạch 45 giao ai chủ trì xây dựng sàn giao dịch việc làm trực tuyến?', at(AFTER));
    expect(b.citations[0]?.document).toBe('Kế hoạch 45/KH-UBND');
  });

  it('a province only some passages name: those passages answer, nothing else of that document', async () => {
    const a = await assistant.answer('Hà Nam có nhiệm vụ nào về dữ liệu số?', at(BEFORE));
    expect(a.refused).toBe(false);
    expect(a.answer).toContain('học tập kinh nghiệm quản lý dữ liệu số tại tỉnh Hà Nam');
    expect(a.answer).toContain('Không có văn bản nào của tỉnh Hà Nam; chỉ trả lời từ các đoạn có nhắc đến Hà Nam.');
    expect(titles(a)).not.toContain('Xây dựng kho dữ liệu dùng chung của tỉnh');
    const other = await assistant.answer('Hà Nam giao ai chủ trì xây dựng kho dữ liệu dùng chung?', at(BEFORE));
    expect(other.answer).not.toContain('Sở Thông tin và Truyền thông');
  });

  it('a province no indexed text mentions is refused, listing only real provinces', async () => {
    const a = await assistant.answer('Sơn La giao ai chủ trì số hóa tài liệu lưu trữ?', at(AFTER));
    expect(a.refused).toBe(true);
    expect(a.reason).toBe('province_not_indexed');
    expect(a.answer).toMatch(/Hiện có tài liệu của: (Bắc Giang, Bắc Ninh|Bắc Ninh, Bắc Giang)\.$/);
  });
});
