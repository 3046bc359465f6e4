/**
 * Property tests of the HTTP surface: webhook endpoints and /api/ask receive random JSON, wrong
 * types, deeply nested values, oversized strings and invalid UTF-8. Every response is a 2xx for a
 * valid request or a 4xx — never a 5xx, a crash or a hang — and the server keeps serving.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransportAssistant } from '../server/transport-assistant.js';
import { TOKENS, startHarness, type Harness } from '../server/harness.js';
import { MAX_JSON_DEPTH } from '../../src/server/http.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ assistant: new TransportAssistant(), env: { RATE_LIMIT_PER_MINUTE: '1000000', LOG_LEVEL: 'silent' } });
});
afterAll(async () => {
  await h?.close();
});

const ROUTES = [
  { path: '/telegram/webhook', headers: { 'x-telegram-bot-api-secret-token': TOKENS.telegramSecret } },
  { path: '/zalo/webhook', headers: { 'x-bot-api-secret-token': TOKENS.zaloSecret } },
  { path: '/api/ask', headers: {} as Record<string, string> },
] as const;

async function post(path: string, headers: Record<string, string>, body: string | Uint8Array): Promise<number> {
  const res = await fetch(`${h.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : Buffer.from(body),
    signal: AbortSignal.timeout(20_000),
  });
  await res.arrayBuffer();
  return res.status;
}

async function expectStillServing(): Promise<void> {
  const res = await fetch(`${h.url}/healthz`);
  expect(res.status).toBe(200);
}

const route = fc.constantFrom(...ROUTES);

describe('HTTP endpoints under bad input', () => {
  it('random JSON values get 2xx or 4xx, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(route, fc.jsonValue({ maxDepth: 4 }), async (r, value) => {
        const status = await post(r.path, r.headers, JSON.stringify(value));
        expect(status === 200 || (status >= 400 && status < 500), `${r.path} → ${status} for ${JSON.stringify(value).slice(0, 120)}`).toBe(true);
      }),
      { numRuns: 60, seed: 11 },
    );
    await expectStillServing();
  });

  it('well-shaped payloads with wrong field types get 400', async () => {
    const wrong = fc.oneof(fc.string(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.object({ maxDepth: 1 }));
    const cases = fc.oneof(
      wrong.map((v) => ({ r: ROUTES[0], body: { update_id: v, message: { message_id: 1, date: 1, chat: { id: 1, type: 'private' }, text: 'xin chào' } } })),
      wrong.filter((v) => typeof v !== 'string').map((v) => ({ r: ROUTES[2], body: { question: v } })),
      wrong.filter((v) => typeof v !== 'string' && typeof v !== 'object').map((v) => ({ r: ROUTES[1], body: { event_name: 'message.text.received', message: { chat: { id: v }, from: { id: v }, text: v, message_id: v, date: 'x' } } })),
    );
    await fc.assert(
      fc.asyncProperty(cases, async ({ r, body }) => {
        const status = await post(r.path, r.headers, JSON.stringify(body));
        expect(status, `${r.path} ${JSON.stringify(body).slice(0, 120)}`).toBeGreaterThanOrEqual(400);
        expect(status).toBeLessThan(500);
      }),
      { numRuns: 40, seed: 12 },
    );
    await expectStillServing();
  });

  const nestedArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const nestedInObject = (depth: number) => `{"update_id":1,"question":"a","message":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
  const okOr4xx = (status: number) => status === 200 || (status >= 400 && status < 500);

  it('deeply nested JSON gets a 4xx (or 2xx where the shape is still valid), not a stack overflow', async () => {
    for (const r of ROUTES) {
      for (const depth of [1_000, 50_000]) {
        expect(okOr4xx(await post(r.path, r.headers, nestedArray(depth))), `${r.path} array depth ${depth}`).toBe(true);
        expect(okOr4xx(await post(r.path, r.headers, nestedInObject(depth))), `${r.path} object depth ${depth}`).toBe(true);
      }
    }
    await expectStillServing();
  });

  it('bodies nested deeper than the limit get 400 on every route, before anything recursive runs', async () => {
    for (const r of ROUTES) {
      for (const depth of [MAX_JSON_DEPTH + 1, 5_000, 50_000]) {
        expect(await post(r.path, r.headers, nestedInObject(depth)), `${r.path} object depth ${depth}`).toBe(400);
      }
    }
    await expectStillServing();
  });

  it('a Telegram update nested 50,000 objects deep gets 400 and is not stored', async () => {
    const status = await post(ROUTES[0].path, ROUTES[0].headers, nestedInObject(50_000));
    expect(status).toBe(400);
    expect(h.stores.dedupe.pending().some((p) => p.key === '1')).toBe(false);
  });

  it('nesting within the limit is still accepted', async () => {
    const body = JSON.stringify({ update_id: 424_242, message: { message_id: 1, date: 1, chat: { id: 1, type: 'private' }, text: 'xin chào', extra: JSON.parse(`${'{"a":'.repeat(40)}1${'}'.repeat(40)}`) } });
    expect(await post(ROUTES[0].path, ROUTES[0].headers, body)).toBe(200);
  });

  it('5 MB strings get 413 on every route', async () => {
    const huge = 'ư'.repeat(2_600_000);
    for (const r of ROUTES) {
      expect(await post(r.path, r.headers, JSON.stringify({ update_id: 1, question: huge, text: huge }))).toBe(413);
    }
    await expectStillServing();
  });

  it('invalid UTF-8 and binary bodies get 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(route, fc.uint8Array({ minLength: 1, maxLength: 2048 }), async (r, bytes) => {
        const body = new Uint8Array([...Buffer.from('{"question":"'), 0xc3, 0x28, 0xff, ...bytes]);
        const status = await post(r.path, r.headers, body);
        expect(status, `${r.path} → ${status}`).toBeGreaterThanOrEqual(400);
        expect(status).toBeLessThan(500);
      }),
      { numRuns: 30, seed: 13 },
    );
    await expectStillServing();
  });
});
