/**
 * The HTTP surface on node:http (no framework: eight routes do not justify one). Every route is
 * wrapped in one error boundary: bad input → 4xx + a log line, a bug → 500 + a log line, never
 * a crash.
 */
import http from 'node:http';
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { ZodType } from 'zod';

/** Largest request body accepted. Default: 1 MiB. */
export const MAX_BODY_BYTES = 1024 * 1024;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads the body, refusing more than `limit` bytes with 413 (before reading when Content-Length
 * says so). Plain 'data'/'end' listeners: the async iterator cost a few objects and promise hops
 * per chunk on the webhook thread.
 */
export function readBody(req: http.IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(new HttpError(413, 'PAYLOAD_TOO_LARGE', `body of ${declared} bytes exceeds ${limit}`));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Inline listeners, never removed (a settled promise ignores later calls): named closures
    // cost a defineProperty each under tsx (keepNames), per request.
    req.on('data', (chunk: Buffer) => {
      if (size > limit) return;
      size += chunk.length;
      if (size > limit) {
        // An undeclared body that keeps coming is not drained: the connection goes.
        req.destroy();
        reject(new HttpError(413, 'PAYLOAD_TOO_LARGE', `body exceeds ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.on('error', reject);
    // 'close' before the whole body arrived: the client went away in the middle of it.
    req.on('close', () => {
      if (!req.complete) reject(new Error('request closed before its body was read'));
    });
  });
}

/**
 * Deepest nesting of objects/arrays accepted in a JSON body. Real Telegram/Zalo updates nest
 * fewer than 10 levels; a deeper body is hostile, and recursive code after parsing (zod,
 * JSON.stringify when storing it) would overflow the stack on it.
 */
export const MAX_JSON_DEPTH = 64;

/** Nesting depth of a parsed JSON value, without recursion; stops counting past `limit`. */
export function jsonDepth(value: unknown, limit = MAX_JSON_DEPTH): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    const here = depth + 1;
    if (here > deepest) deepest = here;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, here]);
    }
  }
  return deepest;
}

/** JSON + depth bound + zod; 400 with the first issue's path on failure. */
export function parseJson<T>(body: Buffer, schema: ZodType<T, any, any>): T {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'INVALID_JSON', 'body is not valid JSON');
  }
  if (jsonDepth(value) > MAX_JSON_DEPTH) {
    throw new HttpError(400, 'TOO_DEEP', `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError(400, 'INVALID_PAYLOAD', `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** Digests of the configured secrets (a handful per process), hashed once instead of per request. */
const secretDigests = new Map<string, Buffer>();

/** Constant-time comparison of a header against the configured secret (hashing equalises lengths). */
export function secretMatches(received: string | string[] | undefined, expected: string | undefined): boolean {
  if (!expected || typeof received !== 'string') return false;
  let b = secretDigests.get(expected);
  if (!b) {
    b = createHash('sha256').update(expected).digest();
    if (secretDigests.size < 16) secretDigests.set(expected, b);
  }
  const a = createHash('sha256').update(received).digest();
  return timingSafeEqual(a, b);
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(
  res: http.ServerResponse,
  status: number,
  body: string,
  contentType = 'text/plain; charset=utf-8',
  headers: Readonly<Record<string, string>> = {},
): void {
  res.writeHead(status, { ...headers, 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export interface RouteContext {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  /** Logger of this request (channel, request id); made on first use. */
  readonly log: Logger;
  /** Short random id of this request (logs, anonymous web sessions); made on first use. */
  readonly requestId: string;
}

export type RouteHandler = (ctx: RouteContext) => Promise<void>;

export interface Route {
  method: 'GET' | 'POST';
  path: string;
  /** Label for logs and metrics ("telegram", "zalo", "web", "ops"). */
  channel: string;
  handler: RouteHandler;
  /** Also serve every path under `path` ("/api/tasks/" + id + "/status"); the handler reads the rest. */
  prefix?: boolean;
}

/**
 * The request id and its child logger are made on first use: an accepted webhook logs nothing,
 * and a pino child per request was a tenth of the webhook thread's time. (A class: accessors in
 * an object literal are made again for every request.)
 */
class LazyContext implements RouteContext {
  private id: string | undefined;
  private logger: Logger | undefined;
  constructor(
    readonly req: http.IncomingMessage,
    readonly res: http.ServerResponse,
    private readonly parent: Logger,
    private readonly channel: string,
  ) {}
  get requestId(): string {
    return (this.id ??= randomUUID().slice(0, 8));
  }
  get log(): Logger {
    return (this.logger ??= this.parent.child({ channel: this.channel, updateId: this.requestId }));
  }
}

export function createHttpServer(options: {
  routes: Route[];
  logger: Logger;
  onResponse?: (route: string, status: number) => void;
}): http.Server {
  const table = new Map(options.routes.map((r) => [`${r.method} ${r.path}`, r]));
  const paths = new Set(options.routes.map((r) => r.path));
  const prefixed = options.routes.filter((r) => r.prefix);
  return http.createServer((req, res) => {
    const raw = req.url ?? '/';
    const query = raw.indexOf('?');
    const rawPath = query < 0 ? raw : raw.slice(0, query);
    // A path spelled exactly like a route needs no URL parsing (the webhooks' case); anything
    // else is normalised by URL first ("/a/../telegram/webhook", percent-escapes, absolute form).
    const pathname = paths.has(rawPath) ? rawPath : new URL(raw, 'http://localhost').pathname;
    const route = table.get(`${req.method} ${pathname}`) ?? prefixed.find((r) => r.method === req.method && pathname.startsWith(r.path));
    const label = route ? route.path : 'unmatched';
    res.on('finish', () => options.onResponse?.(label, res.statusCode));
    if (!route) {
      req.resume();
      if (paths.has(pathname)) return sendJson(res, 405, { error: 'METHOD_NOT_ALLOWED' });
      return sendJson(res, 404, { error: 'NOT_FOUND' });
    }
    const ctx = new LazyContext(req, res, options.logger, route.channel);
    route.handler(ctx).catch((err: unknown) => {
      const log = ctx.log;
      if (err instanceof HttpError) {
        log.warn({ status: err.status, code: err.code, detail: err.message }, 'request rejected');
        if (!res.headersSent) sendJson(res, err.status, { error: err.code, message: err.message });
        return;
      }
      log.error({ err }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'INTERNAL' });
      else res.destroy();
    });
  });
}
