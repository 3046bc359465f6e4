/**
 * Zalo Bot API client over undici: `${base}/bot<TOKEN>/<method>`, JSON in and
 * `{ ok, result, error_code, description }` out. 429 and 5xx (and network errors) are retried
 * with backoff, honouring retry_after; 401 is logged as a configuration error. Logs name the
 * method, never the URL (it carries the token).
 */
import { request } from 'undici';
import type { Logger } from 'pino';
import { z } from 'zod';

/** Zalo's limit on sendMessage text. */
export const ZALO_MAX_CHARS = 2000;

const ZaloResponse = z.object({
  ok: z.boolean(),
  result: z.unknown().optional(),
  error_code: z.number().optional(),
  description: z.string().optional(),
  parameters: z.object({ retry_after: z.number().optional() }).passthrough().optional(),
}).passthrough();

export class ZaloApiError extends Error {
  constructor(
    readonly method: string,
    readonly status: number,
    readonly errorCode: number | undefined,
    readonly description: string,
    /** What the last 429 asked to wait, ms. */
    readonly retryAfterMs?: number,
  ) {
    super(`Zalo ${method} failed: ${status} ${errorCode ?? ''} ${description}`.trim());
    this.name = 'ZaloApiError';
  }
}

export interface ZaloClientOptions {
  token: string;
  /** Default: https://bot-api.zaloplatforms.com */
  baseUrl?: string;
  logger: Logger;
  /** Retries after the first attempt. Default: 3. */
  maxRetries?: number;
  /** First backoff for 5xx/network errors, doubled each time. Default: 500 ms. */
  backoffMs?: number;
  /** Longest wait honoured (retry_after included). Default: 30 000 ms. */
  maxDelayMs?: number;
  /** Per-request timeout (a hung API must not block a worker forever). Default: 15 000 ms. */
  timeoutMs?: number;
  /** Injectable for tests. Default: setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

export const ZALO_CLIENT_DEFAULTS = { maxRetries: 3, backoffMs: 500, maxDelayMs: 30_000, timeoutMs: 15_000 } as const;

export class ZaloClient {
  private readonly base: string;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: ZaloClientOptions) {
    this.base = (options.baseUrl ?? 'https://bot-api.zaloplatforms.com').replace(/\/+$/, '');
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  getMe(): Promise<unknown> {
    return this.call('getMe', {});
  }
  getUpdates(params: { timeout?: number } = {}): Promise<unknown> {
    return this.call('getUpdates', params);
  }
  setWebhook(params: { url: string; secret_token: string }): Promise<unknown> {
    return this.call('setWebhook', params);
  }
  deleteWebhook(): Promise<unknown> {
    return this.call('deleteWebhook', {});
  }
  getWebhookInfo(): Promise<unknown> {
    return this.call('getWebhookInfo', {});
  }
  sendMessage(chatId: string, text: string, signal?: AbortSignal): Promise<unknown> {
    return this.call('sendMessage', { chat_id: chatId, text }, signal ? { signal } : {});
  }
  /** Best effort: no retries and a short timeout, so "typing…" never delays the answer. */
  sendChatAction(chatId: string, action: 'typing' = 'typing'): Promise<unknown> {
    return this.call('sendChatAction', { chat_id: chatId, action }, { maxRetries: 0, timeoutMs: 3000 });
  }

  /**
   * One API call with retries; resolves to `result`, throws ZaloApiError. `signal` (the outbox's
   * send deadline) ends the call, its retries and the waits between them.
   */
  async call(method: string, params: Record<string, unknown>, extra: { timeoutMs?: number; maxRetries?: number; signal?: AbortSignal } = {}): Promise<unknown> {
    const { signal, ...numbers } = extra;
    const o = { ...ZALO_CLIENT_DEFAULTS, ...definedOnly(this.options), ...definedOnly(numbers) };
    const log = this.options.logger;
    const deadlinePassed = () => new ZaloApiError(method, 0, undefined, 'send deadline passed');
    let attempt = 0;
    for (;;) {
      if (signal?.aborted) throw deadlinePassed();
      let delay: number;
      try {
        const res = await request(`${this.base}/bot${this.options.token}/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(params),
          signal: signal ? AbortSignal.any([AbortSignal.timeout(o.timeoutMs), signal]) : AbortSignal.timeout(o.timeoutMs),
        });
        const raw = await res.body.text();
        const parsed = ZaloResponse.safeParse(safeJson(raw));
        if (res.statusCode < 300 && parsed.success && parsed.data.ok) return parsed.data.result;
        const body = parsed.success ? parsed.data : undefined;
        const code = body?.error_code ?? res.statusCode;
        const description = body?.description ?? `HTTP ${res.statusCode}`;
        if (res.statusCode === 401 || code === 401) {
          log.error({ method, status: res.statusCode }, 'Zalo rejected the bot token (401): check ZALO_BOT_TOKEN');
          throw new ZaloApiError(method, res.statusCode, code, description);
        }
        const retryable = res.statusCode === 429 || code === 429 || res.statusCode >= 500;
        const retryAfter = body?.parameters?.retry_after ?? Number(res.headers['retry-after'] ?? NaN);
        if (!retryable || attempt >= o.maxRetries) {
          throw new ZaloApiError(method, res.statusCode, body?.error_code, description, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined);
        }
        delay = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : o.backoffMs * 2 ** attempt;
        log.warn({ method, status: res.statusCode, attempt, delayMs: delay }, 'Zalo API busy, retrying');
      } catch (err) {
        if (err instanceof ZaloApiError) throw err;
        if (signal?.aborted) throw deadlinePassed();
        if (attempt >= o.maxRetries) {
          throw new ZaloApiError(method, 0, undefined, `network error: ${(err as Error).name}`);
        }
        delay = o.backoffMs * 2 ** attempt;
        // err.message from undici can include the URL; log only its name/code.
        log.warn({ method, attempt, error: (err as Error).name, code: (err as { code?: string }).code }, 'Zalo API unreachable, retrying');
      }
      attempt += 1;
      await this.sleep(Math.min(delay, o.maxDelayMs));
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Whether a failed Zalo send may succeed later: 429, 5xx, 401 and network errors yes; other 4xx no. */
export function classifyZaloError(err: unknown): { retry: false; reason: string } | { retry: true; reason: string; retryAfterMs?: number } {
  if (err instanceof ZaloApiError) {
    const reason = err.message.slice(0, 200);
    const code = err.errorCode ?? err.status;
    if (err.status === 429 || code === 429) return { retry: true, reason, ...(err.retryAfterMs ? { retryAfterMs: err.retryAfterMs } : {}) };
    if (err.status === 0 || err.status >= 500 || err.status === 401 || code === 401) return { retry: true, reason };
    return { retry: false, reason };
  }
  return { retry: true, reason: err instanceof Error ? err.name : String(err) };
}
