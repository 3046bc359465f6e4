/**
 * Questions as citizens and staff type them in chat, from the held-out audit
 * (test/fixtures/eval/heldout.jsonl): chat shorthand, agency shorthand, questions about the
 * assistant itself, procedures no guide covers, a fee asked as a figure, an aspect asked as a
 * follow-up, and footnote marks in quoted figures. Fixtures: two guides and a report written for
 * these tests, plus the Bắc Giang and Lai Châu plans of the engine tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNamedCode } from '../../src/answer/engine.js';
import { DocumentAssistant, nextContext } from '../../src/answer/index.js';
import { understand } from '../../src/answer/intent.js';
import type { AnswerContext } from '../../src/domain/answer.js';
import { createLogger } from '../../src/logging.js';
import { runReindex } from '../../src/reindex/pipeline.js';
import { expandChatSpelling } from '../../src/text/chat.js';

const knowledgeDir = path.resolve('test/fixtures/answer/citizen-knowledge');
const plan = path.resolve('test/fixtures/answer/knowledge/kehoach-45-bacgiang.txt');
const otherProvince = path.resolve('test/fixtures/answer/knowledge/kehoach-88-laichau.txt');
const dataDir = mkdtempSync(path.join(tmpdir(), 'answer-chat-test-'));
const logger = createLogger({ level: 'silent' });
const noModels = path.join(dataDir, 'no-models');
const assistant = new DocumentAssistant({ dataDir, knowledgeDir, modelDir: noModels, embeddingModel: 'none/none', logger });
const empty: AnswerContext = { taskIds: [], docIds: [], today: '2023-06-01' };

beforeAll(async () => {
  const report = await runReindex({ dataDir, knowledgeDir, paths: [plan, otherProvince], modelDir: noModels, embeddingModel: 'none/none', logger });
  expect(report.errors).toEqual([]);
  await assistant.load();
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('questions about the assistant', () => {
  it('reads "bot lam dc j" as a request for help', async () => {
    expect(understand(expandChatSpelling('bot lam dc j'), '2023-06-01').intent).toBe('help');
    expect(understand('em lam duoc gi', '2023-06-01').intent).toBe('help');
    const a = await assistant.answer('bot lam dc j', empty);
    expect(a.intent).toBe('help');
    expect(a.refused).toBe(false);
  });

  it('does not take a plan question for a help request', () => {
    expect(understand('Sở Y tế làm gì trong kế hoạch 45', '2023-06-01').intent).toBe('agency_tasks');
  });
});

describe('agency shorthand', () => {
  it('"CA tỉnh" and "SYT" are Công an tỉnh and Sở Y tế', async () => {
    const ca = await assistant.answer('CA tinh bac giang chu tri viec gi', empty);
    expect(ca.refused).toBe(false);
    expect(ca.answer).toMatch(/camera giám sát giao thông/);
    const syt = await assistant.answer('SYT Bắc Giang phải làm gì?', empty);
    expect(syt.refused).toBe(false);
    expect(syt.answer).toMatch(/bệnh án điện tử/);
  });
});

describe('province initials', () => {
  it('reads "BG" as Bắc Giang (Lai Châu gives the same task to another agency)', async () => {
    const a = await assistant.answer('ai chu tri xay dung kho du lieu dung chung o BG', empty);
    expect(a.refused).toBe(false);
    expect(a.answer).toContain('Sở Thông tin và Truyền thông');
    expect(a.answer).not.toContain('Văn phòng UBND');
    expect(a.citations.map((c) => c.document).join(' ')).not.toContain('88/KH-UBND');
  });
});

describe('cooperation stated in the task itself', () => {
  it('names the agency after "phối hợp với" when the record lists none, not the agencies served', async () => {
    const a = await assistant.answer('doanh nghiep vien thong phoi hop voi ai bao dam an toan du lieu mo bac giang', empty);
    expect(a.refused).toBe(false);
    expect(a.answer).toMatch(/^Phối hợp: Sở Thông tin và Truyền thông\.$/m);
  });
});

describe('document metadata', () => {
  it('names the signer a web export states, for the one document asked about', async () => {
    expect(understand('KH 31 ai ky', '2023-06-01').asksSigner).toBe(true);
    const a = await assistant.answer('KH 31 bac giang ai ky', empty);
    expect(a.refused).toBe(false);
    expect(a.answer).toContain('Trần Văn Bình');
    expect(a.citations[0]?.document).toContain('31/KH-UBND');
    // a document with neither that block nor a signature gets no invented signer
    const none = await assistant.answer('KH 45 bac giang ai ky', empty);
    expect(none.answer).not.toContain('Trần Văn Bình');
    expect(none.answer).not.toMatch(/người ký là/);
  });

  it('reads the signer from the signature block when there is no metadata', async () => {
    const a = await assistant.answer('KH 9 Bắc Giang ai là người ký?', empty);
    expect(a.refused).toBe(false);
    expect(a.answer).toContain('người ký là Lê Văn Hùng');
    expect(a.citations[0]?.section).toBe('phần chữ ký cuối văn bản');
  });
});

describe('task windows already past', () => {
  // "trước tháng 10" is read by the one period grammar documents use: by the end of September.
  it('"phải xong những việc gì trước tháng 10 năm 2023" asked later lists what fell due by then, said to be past', async () => {
    const a = await assistant.answer('Sở TT&TT Bắc Giang phải xong những việc gì trước tháng 10 năm 2023?', { ...empty, today: '2026-01-15' });
    expect(a.intent).toBe('agency_tasks');
    expect(a.refused).toBe(false);
    expect(a.answer).toMatch(/có hạn đến hết 30\/09\/2023/);
    expect(a.answer).toMatch(/^1\. .*kho dữ liệu dùng chung.*đã quá hạn/m);
    expect(a.answer).not.toMatch(/dữ liệu mở/);
  });
});

describe('a calendar month', () => {
  it('lists the tasks due in the month asked, not those due earlier', async () => {
    const a = await assistant.answer('Sở TT&TT Bắc Giang có việc gì đến hạn trong tháng 10 năm 2023?', { ...empty, today: '2026-01-15' });
    expect(a.intent).toBe('agency_tasks');
    expect(a.answer).toContain('có hạn trong tháng 10/2023');
    expect(a.answer).toMatch(/dữ liệu mở/);
    // due in September: before the month asked
    expect(a.answer).not.toMatch(/kho dữ liệu dùng chung/);
  });
});

describe('thanks', () => {
  it('answers thanks without greeting again', async () => {
    const a = await assistant.answer('cảm ơn bot nhé', empty);
    expect(a.intent).toBe('greeting');
    expect(a.answer).not.toMatch(/^Xin chào/);
  });
});

describe('overdue', () => {
  it('shows deadlines long past with the caveat that plans do not record completion', async () => {
    const a = await assistant.answer('Sở TT&TT Bắc Giang còn việc gì quá hạn?', { ...empty, today: '2024-06-01' });
    expect(a.refused).toBe(false);
    expect(a.answer).toContain('không ghi việc đã hoàn thành hay chưa');
    expect(a.answer).toMatch(/kho dữ liệu dùng chung[^\n]*Tháng 9 năm 2023/);
  });

  it('still says so when nothing of the agency is dated', async () => {
    const a = await assistant.answer('Sở Tài chính Bắc Giang có việc gì quá hạn?', { ...empty, today: '2024-06-01' });
    expect(a.refused).toBe(true);
  });
});

describe('agencies the documents never name', () => {
  it('refuses rather than quoting a passage about someone else', async () => {
    const a = await assistant.answer('Bộ Công an chủ trì nhiệm vụ nào trong KH 45?', empty);
    expect(a.refused).toBe(true);
    expect(a.reason).toBe('no_tasks');
    expect(a.answer).toContain('Bộ Công an');
  });

  it('does not count a task given to "các đơn vị có liên quan" as a ministry\'s', async () => {
    const a = await assistant.answer('Bộ Công an phải làm gì theo KH 7?', empty);
    expect(a.refused).toBe(true);
    expect(a.answer).not.toMatch(/dữ liệu mở thuộc phạm vi/);
  });
});

describe('procedures', () => {
  it('refuses a procedure no guide covers instead of quoting another guide', async () => {
    const a = await assistant.answer('lam ho chieu can giay to gi', empty);
    expect(a.refused).toBe(true);
    expect(a.reason).toBe('procedure_not_found');
    expect(a.answer).toContain('Đăng ký kết hôn');
    expect(a.answer).not.toMatch(/Tờ khai đăng ký kết hôn/);
  });

  it('answers "hết bao nhiêu" about a named procedure as its fee', async () => {
    const a = await assistant.answer('cong chung ban sao 5 trang het bn', empty);
    expect(a.intent).toBe('procedure');
    expect(a.refused).toBe(false);
    expect(a.answer).toContain('2.000 đồng');
  });

  it('keeps a figure question about a plan away from the guides', async () => {
    const a = await assistant.answer('Bắc Giang bao nhiêu % hồ sơ thủ tục hành chính được giải quyết trực tuyến toàn trình?', empty);
    expect(a.intent).toBe('target');
    expect(a.answer).toContain('80%');
  });

  it('answers an aspect asked right after a procedure answer about the same procedure', async () => {
    const first = await assistant.answer('dang ky ket hon can giay to gi', empty);
    expect(first.intent).toBe('procedure');
    const a = await assistant.answer('mat bao lau', nextContext(empty, first));
    expect(a.intent).toBe('procedure');
    expect(a.answer).toContain('05 ngày làm việc');
    // without that context the same words name no procedure
    expect((await assistant.answer('mat bao lau', empty)).refused).toBe(true);
  });
});

describe('targets set per period', () => {
  it('answers with the figure of the period the question names', async () => {
    const late = await assistant.answer('ty le ho so cong viec cap xa xu ly tren moi truong mang giai doan 2025 2030 la bn', empty);
    expect(late.answer).toContain('70%');
    expect(late.answer).not.toContain('30%');
    const early = await assistant.answer('chỉ tiêu hồ sơ công việc cấp xã xử lý trên môi trường mạng 2023-2024?', empty);
    expect(early.answer).toContain('30%');
    expect(early.answer).not.toContain('70%');
  });
});

describe('who does the work, not who benefits', () => {
  it('does not answer "ai chủ trì" with the people a service is for', async () => {
    const a = await assistant.answer('Bắc Giang ai chủ trì nền tảng hỏi đáp pháp luật trực tuyến?', empty);
    expect(a.refused).toBe(true);
    expect(a.answer).not.toMatch(/^Theo /);
  });
});

describe('things the documents never mention', () => {
  it('refuses a question naming a code no document contains, however well the rest matches', async () => {
    expect(isNamedCode('6g')).toBe(true);
    expect(isNamedCode('iso27001')).toBe(true);
    expect(isNamedCode('qd1118')).toBe(false);
    expect(isNamedCode('q4')).toBe(false);
    expect(isNamedCode('2023')).toBe(false);
    const a = await assistant.answer('Bắc Giang ai chủ trì triển khai camera giám sát giao thông 6G?', empty);
    expect(a.refused).toBe(true);
    const known = await assistant.answer('Bắc Giang ai chủ trì triển khai camera giám sát giao thông?', empty);
    expect(known.refused).toBe(false);
  });
});

describe('quoted figures', () => {
  it('quotes a count of the thing asked even in a unit the figure pattern does not know', async () => {
    const a = await assistant.answer('Bắc Giang có bao nhiêu phòng họp trực tuyến?', empty);
    expect(a.refused).toBe(false);
    expect(a.answer).toContain('85 phòng họp');
  });
  it('drops footnote marks glued to a figure', async () => {
    const a = await assistant.answer('ty trong kinh te so cua bac giang dat bao nhieu', empty);
    expect(a.refused).toBe(false);
    expect(a.answer).toMatch(/7,25%(?![³\d])/);
  });
});
