/**
 * /api/ask hygiene: every field validated (a date that matches the format but is no date is a
 * 400 with a message, not a 500), JSON content type required (cross-site simple POSTs are
 * refused before they reach the question log), and the rate limit keyed on the client address —
 * new session ids buy nothing, and behind a trusted proxy each forwarded client has its own bucket.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { postJson, startHarness, type Harness } from './harness.js';
import { TransportAssistant } from './transport-assistant.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ask = (body: unknown, headers: Record<string, string> = {}) => postJson(`${h!.url}/api/ask`, body, headers);

describe('/api/ask fields', () => {
  it('refuses a date that is not a calendar date with 400 and says which field', async () => {
    h = await startHarness({ assistant: new TransportAssistant() });
    const bad = await ask({ question: 'Việc nào quá hạn?', today: '2024-13-45' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'INVALID_PAYLOAD', message: expect.stringMatching(/^today: not a calendar date/) });
    expect((await ask({ question: 'Việc nào quá hạn?', today: '2023-02-29' })).status).toBe(400);
    expect((await ask({ question: 'Việc nào quá hạn?', today: '2024-02-29' })).status).toBe(200);
  });

  it('refuses unknown fields and wrong types with 400', async () => {
    h = await startHarness({ assistant: new TransportAssistant() });
    expect((await ask({ question: 'x', tody: '2024-01-01' })).body).toMatchObject({ error: 'INVALID_PAYLOAD', message: expect.stringMatching(/tody/) });
    expect((await ask({ question: 'x', agency: 7 })).status).toBe(400);
    expect((await ask(['x'])).status).toBe(400);
  });
});

describe('/api/ask content type', () => {
  it('answers only JSON requests: text/plain and form posts get 415 and are not logged', async () => {
    h = await startHarness({ assistant: new TransportAssistant() });
    const plain = await fetch(`${h.url}/api/ask`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ question: 'chèn câu hỏi' }) });
    expect(plain.status).toBe(415);
    const form = await fetch(`${h.url}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'question=x' });
    expect(form.status).toBe(415);
    const none = await fetch(`${h.url}/api/ask`, { method: 'POST', body: JSON.stringify({ question: 'x' }) });
    expect([400, 415]).toContain(none.status);
    expect(none.status).not.toBe(200);
    expect(h.stores.questions.stats({ since: new Date(0) }).total).toBe(0);
    expect((await ask({ question: 'hợp lệ' }, { 'content-type': 'application/json; charset=utf-8' })).status).toBe(200);
  });
});

describe('/api/ask rate limit per client', () => {
  it('limits one client however many session ids it makes up', async () => {
    h = await startHarness({ assistant: new TransportAssistant(), env: { WEB_RATE_LIMIT_PER_IP: '5' } });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await ask({ question: `câu ${i}`, session: `s-${i}` })).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.slice(5)).toEqual(Array(7).fill(429));
  });

  it('ignores X-Forwarded-For from an untrusted peer (a forged header escapes nothing)', async () => {
    h = await startHarness({ assistant: new TransportAssistant(), env: { WEB_RATE_LIMIT_PER_IP: '3' } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await ask({ question: `câu ${i}` }, { 'x-forwarded-for': `203.0.113.${i}` })).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });

  it('behind a trusted proxy, keys on the forwarded client: one bucket each', async () => {
    h = await startHarness({ assistant: new TransportAssistant(), env: { WEB_RATE_LIMIT_PER_IP: '3', TRUSTED_PROXY: 'loopback' } });
    const from = (ip: string, i: number) => ask({ question: `câu ${i}` }, { 'x-forwarded-for': ip });
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 4; i++) {
      a.push((await from('198.51.100.7', i)).status);
      b.push((await from('198.51.100.8', i)).status);
    }
    expect(a).toEqual([200, 200, 200, 429]);
    expect(b).toEqual([200, 200, 200, 429]);
  });

  it('refuses a TRUSTED_PROXY entry that is not an address or range at start-up', () => {
    expect(() => loadConfig({ TRUSTED_PROXY: 'proxy.example' })).toThrow(/TRUSTED_PROXY/);
    expect(loadConfig({ TRUSTED_PROXY: '10.0.0.0/8, loopback' }).TRUSTED_PROXY).toEqual(['10.0.0.0/8', 'loopback']);
  });
});
