/** The web chat page and /api/ask over the real assistant. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Answer } from '../../src/domain/answer.js';
import { USER_MESSAGES } from '../../src/errors.js';
import { postJson, startHarness, type Harness } from './harness.js';
import { fixtureAssistant } from './real-assistant.js';

let h: Harness;

beforeAll(async () => {
  const { assistant, dataDir } = await fixtureAssistant();
  h = await startHarness({ assistant, dataDir, now: new Date('2024-11-10T02:00:00Z') });
});
afterAll(async () => {
  await h?.close();
});

describe('/api/ask', () => {
  it('returns the Answer object with citations', async () => {
    const res = await postJson(`${h.url}/api/ask`, { question: 'Ai chủ trì làm sạch dữ liệu hộ tịch?', session: 'web-1' });
    expect(res.status).toBe(200);
    // The Answer object, its citations with a document-page link instead of the server's file path.
    const answer = Answer.omit({ citations: true, passages: true, tasks: true }).parse(res.body);
    expect(Object.keys(res.body).sort()).toEqual(expect.arrayContaining(['question', 'answer', 'intent', 'refused', 'citations', 'passages', 'tasks', 'choices']));
    expect(answer.refused).toBe(false);
    expect(answer.answer).toContain('Sở Tư pháp');
    expect(res.body.citations.some((c: { document: string; link: string; file?: string }) => c.document === 'Kế hoạch 27/KH-UBND' && c.link.startsWith('/documents/') && c.file === undefined)).toBe(true);
  });

  it('keeps context per session, and not across sessions', async () => {
    await postJson(`${h.url}/api/ask`, { question: 'Ai chủ trì nâng cấp Cổng dịch vụ công?', session: 'web-2' });
    const followUp = await postJson(`${h.url}/api/ask`, { question: 'Thời hạn hoàn thành khi nào?', session: 'web-2' });
    expect(followUp.body.answer).toContain('20/11/2024');
    const other = await postJson(`${h.url}/api/ask`, { question: 'Thời hạn hoàn thành khi nào?', session: 'web-3' });
    expect(other.body.answer).not.toContain('20/11/2024');
  });

  it('uses agency and today from the request', async () => {
    const res = await postJson(`${h.url}/api/ask`, { question: 'Đơn vị tôi có nhiệm vụ gì?', agency: 'Sở Tư pháp', province: 'Quảng Trị', today: '2024-11-01' });
    expect(res.status).toBe(200);
    expect(res.body.answer).toMatch(/hộ tịch/);
  });

  it('refuses over-long questions with the Vietnamese message and bad fields with 400', async () => {
    const long = await postJson(`${h.url}/api/ask`, { question: 'a'.repeat(2001) });
    expect(long.status).toBe(400);
    expect(long.body.message).toBe(USER_MESSAGES.MESSAGE_TOO_LONG);
    expect((await postJson(`${h.url}/api/ask`, { question: 'x', today: '10/11/2024' })).status).toBe(400);
    expect((await postJson(`${h.url}/api/ask`, { question: 'x', session: '../../etc' })).status).toBe(400);
  });
});

describe('GET /', () => {
  it('serves the Vietnamese chat page that calls /api/ask with a session', async () => {
    const res = await fetch(`${h.url}/`);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('<html lang="vi">');
    expect(html).toContain("fetch('/api/ask'");
    expect(html).toContain('localStorage');
    expect(html).not.toContain('innerHTML');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain('unsafe-inline');
  });

  it('reports ready once the index is loaded', async () => {
    expect((await fetch(`${h.url}/readyz`)).status).toBe(200);
  });
});
