/**
 * Fake Telegram Bot API and Zalo Bot API servers on 127.0.0.1 for tests and the load benchmark.
 * They record every call ({ method, params }) and can be told to answer the next calls of a
 * method with 429 (retry_after), 500 or to hang. Waiting helpers resolve on recorded calls, so
 * tests never sleep.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  token: string;
  params: Record<string, unknown>;
  at: number;
  /** HTTP status answered (0 while hanging). */
  status: number;
}

export type Fault = { kind: '429'; retryAfter: number } | { kind: '500' } | { kind: 'hang' } | { kind: '401' };

type Responder = (call: RecordedCall) => unknown;

export interface FakeBotApiOptions {
  /** Which platform's envelope to imitate. */
  flavor: 'telegram' | 'zalo';
  /** Accepted token; other tokens get 401. Default: accept any. */
  token?: string;
}

export class FakeBotApi {
  readonly calls: RecordedCall[] = [];
  private server: http.Server | undefined;
  private readonly faults = new Map<string, Array<{ fault: Fault; match?: (params: Record<string, unknown>) => boolean }>>();
  private readonly responders = new Map<string, Responder>();
  private waiters: Array<() => void> = [];
  private readonly hanging = new Set<http.ServerResponse>();
  private nextMessageId = 1;
  url = '';

  constructor(readonly options: FakeBotApiOptions) {}

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this.url;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** The next `times` calls of `method` (optionally only those whose params match) fail with `fault`. */
  failNext(method: string, fault: Fault, times = 1, match?: (params: Record<string, unknown>) => boolean): void {
    const list = this.faults.get(method) ?? [];
    for (let i = 0; i < times; i++) list.push({ fault, ...(match ? { match } : {}) });
    this.faults.set(method, list);
  }

  private takeFault(method: string, params: Record<string, unknown>): Fault | undefined {
    const list = this.faults.get(method);
    const at = list?.findIndex((f) => !f.match || f.match(params)) ?? -1;
    if (!list || at < 0) return undefined;
    return list.splice(at, 1)[0]!.fault;
  }

  /** Custom `result` for a method (e.g. getUpdates). */
  respond(method: string, responder: Responder): void {
    this.responders.set(method, responder);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Texts of delivered (status 200) sendMessage calls, optionally to one chat. */
  sentTexts(chatId?: string | number): string[] {
    return this.callsTo('sendMessage')
      .filter((c) => c.status === 200)
      .filter((c) => chatId === undefined || String(c.params.chat_id) === String(chatId))
      .map((c) => String(c.params.text));
  }

  /** Resolves once `predicate` holds over the recorded calls; rejects after `timeoutMs`. */
  async waitFor(predicate: (calls: RecordedCall[]) => boolean, timeoutMs = 20_000): Promise<void> {
    if (predicate(this.calls)) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`fake ${this.options.flavor} API: condition not met in ${timeoutMs} ms; calls: ${this.calls.map((c) => c.method).join(', ')}`));
      }, timeoutMs);
      const check = () => {
        if (predicate(this.calls)) {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((w) => w !== check);
          resolve();
        }
      };
      this.waiters.push(check);
    });
  }

  reset(): void {
    this.calls.length = 0;
    this.faults.clear();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (!m) return this.json(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token, method] = m as unknown as [string, string, string];
    const params = parseParams(req.headers['content-type'], Buffer.concat(chunks), new URL(req.url ?? '/', 'http://x'));
    const call: RecordedCall = { method, token, params, at: Date.now(), status: 200 };
    if (this.options.token && token !== this.options.token) {
      return this.json(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    }
    const fault = this.takeFault(method, params);
    if (fault) call.status = { hang: 0, '429': 429, '500': 500, '401': 401 }[fault.kind];
    if (fault?.kind === 'hang') {
      this.hanging.add(res);
      this.record(call);
      return;
    }
    if (fault?.kind === '429') {
      this.record(call);
      return this.json(res, 429, {
        ok: false, error_code: 429, description: `Too Many Requests: retry after ${fault.retryAfter}`,
        parameters: { retry_after: fault.retryAfter },
      });
    }
    if (fault?.kind === '500') {
      this.record(call);
      return this.json(res, 500, { ok: false, error_code: 500, description: 'Internal Server Error' });
    }
    if (fault?.kind === '401') {
      this.record(call);
      return this.json(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    }
    const result = this.result(call);
    this.json(res, 200, { ok: true, result });
    this.record(call);
  }

  private record(call: RecordedCall): void {
    this.calls.push(call);
    for (const w of [...this.waiters]) w();
  }

  private result(call: RecordedCall): unknown {
    const custom = this.responders.get(call.method);
    if (custom) return custom(call);
    const flavor = this.options.flavor;
    switch (call.method) {
      case 'getMe':
        return flavor === 'telegram'
          ? { id: 4242, is_bot: true, first_name: 'Trợ lý ảo', username: 'troly_test_bot', can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false }
          : { id: '4242', account_name: 'bot.troly', account_type: 'BASIC', can_join_groups: false };
      case 'sendMessage': {
        const id = this.nextMessageId++;
        return flavor === 'telegram'
          ? { message_id: id, date: Math.floor(Date.now() / 1000), chat: { id: Number(call.params.chat_id), type: 'private' }, text: call.params.text }
          : { message_id: String(id), date: Date.now() };
      }
      case 'getUpdates':
        return [];
      case 'getWebhookInfo':
        return { url: '', pending_update_count: 0 };
      default:
        return true;
    }
  }

  private json(res: http.ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(text);
  }
}

function parseParams(contentType: string | undefined, body: Buffer, url: URL): Record<string, unknown> {
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  if (body.length === 0) return params;
  const text = body.toString('utf8');
  if (contentType?.includes('application/json')) {
    Object.assign(params, JSON.parse(text) as Record<string, unknown>);
  } else if (contentType?.includes('application/x-www-form-urlencoded')) {
    Object.assign(params, Object.fromEntries(new URLSearchParams(text)));
  } else {
    params._raw = text;
  }
  return params;
}

export const fakeTelegram = (token?: string) => new FakeBotApi({ flavor: 'telegram', ...(token ? { token } : {}) });
export const fakeZalo = (token?: string) => new FakeBotApi({ flavor: 'zalo', ...(token ? { token } : {}) });
