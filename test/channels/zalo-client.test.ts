import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ZaloApiError, ZaloClient } from '../../src/channels/zalo/client.js';
import { createLogger } from '../../src/logging.js';
import { fakeZalo, type FakeBotApi } from '../fakes/bot-api.js';
import { LogSink } from '../server/harness.js';

const TOKEN = '31337:zaloCLIENTtestTOKEN';
let api: FakeBotApi;
let logs: LogSink;
let sleeps: number[];
let client: ZaloClient;

beforeAll(async () => {
  api = fakeZalo(TOKEN);
  await api.start();
});
afterAll(async () => {
  await api.close();
});
beforeEach(() => {
  api.reset();
  logs = new LogSink();
  sleeps = [];
  client = new ZaloClient({
    token: TOKEN,
    baseUrl: api.url,
    logger: createLogger({ level: 'debug', destination: logs.stream }),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    timeoutMs: 300,
  });
});

describe('ZaloClient', () => {
  it('posts JSON to <base>/bot<token>/<method> and returns result', async () => {
    const result = await client.sendMessage('chat-1', 'Xin chào');
    expect(result).toMatchObject({ message_id: '1' });
    expect(api.calls).toEqual([expect.objectContaining({ method: 'sendMessage', token: TOKEN, params: { chat_id: 'chat-1', text: 'Xin chào' } })]);
    await client.sendChatAction('chat-1');
    await client.setWebhook({ url: 'https://bot.example.gov.vn/zalo/webhook', secret_token: 'abcdefgh' });
    await client.getWebhookInfo();
    await client.deleteWebhook();
    await client.getMe();
    expect(api.calls.map((c) => c.method)).toEqual(['sendMessage', 'sendChatAction', 'setWebhook', 'getWebhookInfo', 'deleteWebhook', 'getMe']);
    expect(api.callsTo('sendChatAction')[0]!.params).toEqual({ chat_id: 'chat-1', action: 'typing' });
  });

  it('waits retry_after on 429 and backs off on 500, then succeeds', async () => {
    api.failNext('sendMessage', { kind: '429', retryAfter: 2 });
    api.failNext('sendMessage', { kind: '500' });
    await client.sendMessage('chat-1', 'thử lại');
    expect(api.callsTo('sendMessage')).toHaveLength(3);
    expect(sleeps).toEqual([2000, 1000]);
  });

  it('gives up after maxRetries with a ZaloApiError naming the method', async () => {
    api.failNext('sendMessage', { kind: '500' }, 10);
    const err = await client.sendMessage('chat-1', 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZaloApiError);
    expect((err as ZaloApiError).method).toBe('sendMessage');
    expect(api.callsTo('sendMessage')).toHaveLength(4);
  });

  it('does not retry 401 and logs it as a configuration error without the URL or token', async () => {
    api.failNext('getMe', { kind: '401' });
    await expect(client.getMe()).rejects.toThrow(ZaloApiError);
    expect(api.callsTo('getMe')).toHaveLength(1);
    const line = logs.parsed().find((l) => String(l.msg).includes('401'));
    expect(line).toMatchObject({ method: 'getMe', level: 50 });
    expect(logs.lines.join('')).not.toContain(TOKEN);
  });

  it('does not retry the typing indicator', async () => {
    api.failNext('sendChatAction', { kind: '500' });
    await expect(client.sendChatAction('chat-1')).rejects.toThrow(ZaloApiError);
    expect(api.callsTo('sendChatAction')).toHaveLength(1);
  });

  it('times out a hung call and retries it', async () => {
    api.failNext('sendMessage', { kind: 'hang' });
    await client.sendMessage('chat-1', 'treo');
    expect(api.callsTo('sendMessage')).toHaveLength(2);
    expect(sleeps).toEqual([500]);
    expect(logs.lines.join('')).not.toContain(TOKEN);
  });
});
