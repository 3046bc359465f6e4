/**
 * The answering engine on two small fixture plans from two provinces (own text, corpus style):
 * each intent, the no-diacritics path, disambiguation between provinces, follow-ups, the staff
 * profile hook, and the never-invent rule.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentAssistant, nextContext } from '../../src/answer/index.js';
import type { AnswerContext } from '../../src/domain/answer.js';
import { createLogger } from '../../src/logging.js';
import { runReindex } from '../../src/reindex/pipeline.js';

const knowledgeDir = path.resolve('test/fixtures/answer/knowledge');
const dataDir = mkdtempSync(path.join(tmpdir(), 'answer-test-'));
const logger = createLogger({ level: 'silent' });
const assistant = new DocumentAssistant({ dataDir, knowledgeDir, modelDir: path.join(dataDir, 'no-models'), embeddingModel: 'none/none', logger });
const empty: AnswerContext = { taskIds: [], docIds: [], today: '2023-06-01' };

beforeAll(async () => {
  const report = await runReindex({ dataDir, knowledgeDir, paths: [], modelDir: path.join(dataDir, 'no-models'), embeddingModel: 'none/none', logger });
  expect(report.errors).toEqual([]);
  await assistant.load();
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('who leads', () => {
  it('answers with the lead agency first and cites document, date, issuer and section', async () => {
    const a = await assistant.answer('Ai chủ trì triển khai camera giám sát giao thông thông minh?', empty);
    expect(a.intent).toBe('who_leads');
    expect(a.refused).toBe(false);
    expect(a.answer.split('\n')[0]).toContain('Công an tỉnh');
    expect(a.answer).toContain('Nguồn: Kế hoạch 45/KH-UBND ngày 10/3/2023');
    expect(a.answer).toContain('mục II.2');
    expect(a.citations[0]?.document).toBe('Kế hoạch 45/KH-UBND');
  });

  it('works without diacritics and with chat spelling', async () => {
    const a = await assistant.answer('ai lo vu camera giam sat giao thong o bac giang', empty);
    expect(a.refused).toBe(false);
    expect(a.answer).toContain('Công an tỉnh');
  });
});

describe('who cooperates and follow-ups', () => {
  it('resolves "ai phối hợp?" and "còn thời hạn thì sao?" against the previous task', async () => {
    const first = await assistant.answer('Ai chủ trì triển khai camera giám sát giao thông thông minh?', empty);
    let ctx = nextContext(empty, first);
    const coop = await assistant.answer('ai phối hợp?', ctx);
    expect(coop.intent).toBe('who_cooperates');
    expect(coop.answer).toContain('Sở Giao thông vận tải');
    ctx = nextContext(ctx, coop);
    const when = await assistant.answer('còn thời hạn thì sao?', ctx);
    expect(when.intent).toBe('deadline');
    expect(when.answer).toContain('Quý IV/2023');
  });

  it('"thế còn Lai Châu?" asks the same question about the other province', async () => {
    const first = await assistant.answer('Ở Bắc Giang ai chủ trì xây dựng kho dữ liệu dùng chung?', empty);
    expect(first.answer).toContain('Sở Thông tin và Truyền thông');
    const other = await assistant.answer('thế còn Lai Châu?', nextContext(empty, first));
    expect(other.answer).toContain('Văn phòng UBND tỉnh');
    expect(other.answer).toContain('88/KH-UBND');
    expect(other.answer).not.toContain('45/KH-UBND');
  });
});

describe('disambiguation', () => {
  it('answers per document when a question matches tasks in two provinces, never merged', async () => {
    const a = await assistant.answer('Ai chủ trì xây dựng kho dữ liệu dùng chung của tỉnh?', empty);
    expect(a.refused).toBe(false);
    const bg = a.answer.indexOf('Bắc Giang');
    const lc = a.answer.indexOf('Lai Châu');
    expect(bg).toBeGreaterThanOrEqual(0);
    expect(lc).toBeGreaterThanOrEqual(0);
    expect(a.citations.map((c) => c.document).sort()).toEqual(['Kế hoạch 45/KH-UBND', 'Kế hoạch 88/KH-UBND']);
  });
  it('lists an agency\'s tasks per province when several provinces\' plans name it, never in one list', async () => {
    const a = await assistant.answer('Sở Thông tin và Truyền thông có những nhiệm vụ gì?', empty);
    expect(a.intent).toBe('agency_tasks');
    const bg = a.answer.indexOf('\nBắc Giang (');
    const lc = a.answer.indexOf('\nLai Châu (');
    expect(bg).toBeGreaterThan(0);
    expect(lc).toBeGreaterThan(0);
    // Each province's items sit under its own heading: a Lai Châu task is never listed under Bắc Giang.
    const [first, second] = bg < lc ? ['Bắc Giang', 'Lai Châu'] : ['Lai Châu', 'Bắc Giang'];
    const firstPart = a.answer.slice(Math.min(bg, lc), Math.max(bg, lc));
    const secondPart = a.answer.slice(Math.max(bg, lc)).split('\nNguồn:')[0]!;
    const numberOf: Record<string, string> = { 'Bắc Giang': '45/KH-UBND', 'Lai Châu': '88/KH-UBND' };
    expect(firstPart).not.toContain(numberOf[second]!);
    expect(secondPart).not.toContain(numberOf[first]!);
  });

  it('says when an agency has no task of its own and lists the group tasks it shares, instead of refusing', async () => {
    const a = await assistant.answer('Văn phòng UBND tỉnh Bắc Giang phải làm gì?', empty);
    expect(a.refused).toBe(false);
    expect(a.answer.split('\n')[0]).toBe('Các văn bản không giao riêng nhiệm vụ nào cho Văn phòng UBND tỉnh (Bắc Giang).');
    expect(a.answer).toContain('Nhiệm vụ giao chung');
    expect(a.tasks.length).toBeGreaterThan(0);
    expect(a.tasks.every((t) => t.doc.province === 'Bắc Giang' && t.lead.every((l) => !l.agencyId?.startsWith('van-phong-ubnd')))).toBe(true);
  });

  it('answers only the asker\'s own province when the profile has one', async () => {
    const a = await assistant.answer('Ai chủ trì xây dựng kho dữ liệu dùng chung của tỉnh?', { ...empty, province: 'Lai Châu' });
    expect(a.answer).toContain('Văn phòng UBND tỉnh');
    expect(a.citations.map((c) => c.document)).toEqual(['Kế hoạch 88/KH-UBND']);
  });
});

describe('deadlines', () => {
  it('gives the stated deadline', async () => {
    const a = await assistant.answer('so hoa ho so benh an o bac giang han khi nao', empty);
    expect(a.intent).toBe('deadline');
    expect(a.answer).toContain('30/6/2023');
  });

  it('refuses when the plan states no deadline for the task, and offers what it does say', async () => {
    const a = await assistant.answer('Đào tạo kỹ năng số cho cán bộ, công chức cấp xã ở Bắc Giang phải xong khi nào?', empty);
    expect(a.refused).toBe(true);
    expect(a.answer).toContain('không nêu thời hạn');
    expect(a.answer).toContain('Sở Nội vụ');
    // never invent: no deadline-like date outside the source line (which carries the issue date)
    const body = a.answer.split('\n').filter((l) => !l.startsWith('Nguồn:')).join('\n');
    expect(body).not.toMatch(/\b(20\d\d|quý|tháng \d)/i);
  });
});

describe('agency tasks', () => {
  it('lists an agency\'s tasks with deadline and lead per item, abbreviations understood', async () => {
    const a = await assistant.answer('Sở TT&TT Bắc Giang phải làm gì?', empty);
    expect(a.intent).toBe('agency_tasks');
    expect(a.refused).toBe(false);
    expect(a.answer).toContain('kho dữ liệu dùng chung');
    expect(a.answer).toMatch(/hạn: Tháng 9 năm 2023/);
    expect(a.tasks.length).toBeGreaterThan(0);
  });

  it('uses the profile agency for "việc của đơn vị tôi sắp đến hạn"', async () => {
    const ctx: AnswerContext = { ...empty, agency: 'Sở Y tế', province: 'Bắc Giang', today: '2023-06-20' };
    const a = await assistant.answer('việc của đơn vị tôi sắp đến hạn?', ctx);
    expect(a.intent).toBe('agency_tasks');
    expect(a.answer).toContain('bệnh án');
  });

  it('asks for the agency when the profile has none', async () => {
    const a = await assistant.answer('nhiệm vụ của đơn vị tôi là gì?', empty);
    expect(a.refused).toBe(true);
    expect(a.answer).toContain('/donvi');
  });
});

describe('targets, out of scope, greetings', () => {
  it('answers a target figure from the text', async () => {
    const a = await assistant.answer('Bắc Giang đặt chỉ tiêu bao nhiêu % hồ sơ giải quyết trực tuyến toàn trình?', empty);
    expect(a.refused).toBe(false);
    expect(a.answer).toContain('80%');
  });

  it('refuses a province with no indexed documents', async () => {
    const a = await assistant.answer('lao cai dat chi tieu bao nhieu % dich vu cong truc tuyen?', empty);
    expect(a.refused).toBe(true);
    expect(a.reason).toBe('province_not_indexed');
  });

  it('refuses a figure the documents do not state', async () => {
    const a = await assistant.answer('Bắc Giang năm 2023 phải lắp bao nhiêu trạm BTS 5G?', empty);
    expect(a.refused).toBe(true);
    expect(a.answer).not.toMatch(/\d+ trạm/);
  });

  it('greets and helps', async () => {
    expect((await assistant.answer('xin chào', empty)).intent).toBe('greeting');
    expect((await assistant.answer('/help', empty)).intent).toBe('help');
  });

  it('survives empty and oversized input', async () => {
    expect((await assistant.answer('   ', empty)).intent).toBe('help');
    const long = await assistant.answer('a'.repeat(50_000), empty);
    expect(long.refused).toBe(true);
  });
});
