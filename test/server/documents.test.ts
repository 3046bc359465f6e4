/**
 * Sources one click away: /api/ask citations link to /documents/<id>?lines=a-b#La (never a server
 * path), the page shows the metadata and highlights the cited place; with PUBLIC_URL, Telegram
 * answers and /nguon carry the same link. Chat commands work on the web, and the web chat never
 * suggests a command it does not run. Document markdown is cleaned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanMarkdown, webOnly } from '../../src/channels/web/api.js';
import { documentLink } from '../../src/answer/cite.js';
import { fixtureKnowledge, postJson, postTelegram, startHarness, tgTextUpdate, type Harness } from './harness.js';
import { fixtureAssistant } from './real-assistant.js';

const PUBLIC_URL = 'https://troly.example.gov.vn';
let h: Harness;

beforeAll(async () => {
  const { assistant, dataDir } = await fixtureAssistant();
  h = await startHarness({ assistant, dataDir, now: new Date('2024-11-10T02:00:00Z'), env: { PUBLIC_URL } });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

describe('citations link to document pages', () => {
  it('the API gives each citation a link and no file path; the page highlights the cited lines', async () => {
    const res = await postJson(`${h.url}/api/ask`, { question: 'Ai chủ trì làm sạch dữ liệu hộ tịch?', session: 'doc-1' });
    expect(res.status).toBe(200);
    const raw = JSON.stringify(res.body);
    expect(raw).not.toContain(fixtureKnowledge);
    expect(raw).not.toContain('"file"');
    const c = res.body.citations[0] as { docId: string; lines: [number, number]; link: string; document: string };
    expect(c.link).toBe(`/documents/${encodeURIComponent(c.docId)}?lines=${c.lines[0]}-${c.lines[1]}#L${c.lines[0]}`);

    const page = await fetch(`${h.url}${c.link}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const html = await page.text();
    expect(html).toContain(`<dd>${c.document.replace(/^Kế hoạch /, '')}</dd>`);
    expect(html).toContain('<dd>UBND tỉnh Quảng Trị</dd>');
    const cited = /<section class="block cited" id="L(\d+)"[^>]*>([\s\S]*?)<\/section>/.exec(html);
    expect(cited?.[1]).toBe(String(c.lines[0]));
    expect(cited?.[2]).toMatch(/hộ tịch/);
    expect(html).not.toContain(fixtureKnowledge);
    expect(html).not.toMatch(/\.txt\b/);
  });

  it('an unknown document is a 404 page, a bad escape a 400', async () => {
    expect((await fetch(`${h.url}/documents/khong-co.txt`)).status).toBe(404);
    expect((await fetch(`${h.url}/documents/%E0%A4%A`)).status).toBe(400);
  });

  it('with PUBLIC_URL, a Telegram answer and /nguon carry the page link, not the file', async () => {
    const chatId = 4242;
    const before = h.telegram.sentTexts(chatId).length;
    await postTelegram(h, tgTextUpdate('Ai chủ trì làm sạch dữ liệu hộ tịch?', { chatId }));
    await postTelegram(h, tgTextUpdate('/nguon', { chatId, updateId: 990_001 }));
    await h.app.queue.idle();
    const [answer, sources] = h.telegram.sentTexts(chatId).slice(before);
    expect(answer).toMatch(new RegExp(`Xem nguồn:\\n• ${PUBLIC_URL.replace(/\./g, '\\.')}/documents/[^\\s]+\\?lines=\\d+-\\d+#L\\d+`));
    expect(sources).toContain(`${PUBLIC_URL}/documents/`);
    expect(sources).not.toContain(fixtureKnowledge);
    expect(sources).not.toMatch(/Tệp:/);
  });
});

describe('chat commands on the web', () => {
  const ask = (question: string, session = 'cmd-1') => postJson(`${h.url}/api/ask`, { question, session });
  it('/donvi then /nhiemvu lists the agency tasks; /nhacviec says where it works', async () => {
    const set = await ask('/donvi Sở Tư pháp');
    expect(set.status).toBe(200);
    expect(set.body.answer).toContain('Sở Tư pháp');
    expect(set.body.answer).not.toContain('/nhacviec');
    const tasks = await ask('/nhiemvu');
    expect(tasks.body.answer).toMatch(/hộ tịch/);
    const remind = await ask('/nhacviec on');
    expect(remind.body.answer).toMatch(/Telegram hoặc Zalo/);
    const help = await ask('/help');
    expect(help.body.answer).toContain('/nhiemvu');
    expect(help.body.answer).not.toMatch(/\/nhacviec|\/reindex/);
  });
});

describe('text helpers', () => {
  it('cleanMarkdown keeps the words and URLs, drops the markup', () => {
    expect(cleanMarkdown('Xem (<https://dichvucong.gov.vn/p/home>) và *Lĩnh vực Du lịch*, **Hồ sơ**; [Cổng](https://a.vn/x).'))
      .toBe('Xem (https://dichvucong.gov.vn/p/home) và Lĩnh vực Du lịch, Hồ sơ; Cổng (https://a.vn/x).');
    expect(cleanMarkdown('## Trình tự thực hiện\n2 * 3 = 6')).toBe('Trình tự thực hiện\n2 * 3 = 6');
  });
  it('webOnly drops hints naming commands the web chat does not run', () => {
    expect(webOnly('Đã đặt đơn vị: Sở Y tế.\nXem nhiệm vụ: /nhiemvu · Nhắc việc: /nhacviec on')).toBe('Đã đặt đơn vị: Sở Y tế.\nXem nhiệm vụ: /nhiemvu');
    expect(webOnly('Các lệnh:\n/help — Hướng dẫn\n/nhacviec — Bật/tắt nhắc\n\nHoặc gõ câu hỏi')).toBe('Các lệnh:\n/help — Hướng dẫn\n\nHoặc gõ câu hỏi');
  });
  it('documentLink is relative by default and absolute under a base', () => {
    expect(documentLink({ docId: 'plans/kh 1.txt', lines: [3, 9] })).toBe('/documents/plans%2Fkh%201.txt?lines=3-9#L3');
    expect(documentLink({ docId: 'a', lines: [1, 1] }, 'https://x.vn/')).toBe('https://x.vn/documents/a?lines=1-1#L1');
  });
});
