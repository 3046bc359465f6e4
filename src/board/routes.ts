/**
 * HTTP routes of the task board: login/logout, the board page, its JSON API and exports. Every
 * route but the login page needs a session; the API answers 401 without one, pages redirect to
 * /login. Status changes: admins on any task, agency accounts on tasks their agency leads (403
 * otherwise), each kept with who, when and note.
 */
import type http from 'node:http';
import type { Logger } from 'pino';
import { z } from 'zod';
import { HttpError, parseJson, readBody, sendJson, sendText, type Route, type RouteContext } from '../server/http.js';
import type { BoardStore, BoardUser } from '../storage/board.js';
import { endSession, LoginLimiter, sessionUser, startSession, verifyPassword } from './auth.js';
import { exportCsv, exportXlsx } from './export.js';
import { BOARD_HEADERS, boardPage, loginPage, type Grouping } from './page.js';
import { BoardError, BoardFilter, STATUS_LABEL, TaskStatus, type BoardTask, type TaskBoard } from './tasks.js';

export interface BoardRoutesOptions {
  board: TaskBoard;
  store: BoardStore;
  logger: Logger;
  now: () => Date;
  timezone: string;
  /** Mark cookies Secure (the server is reached over HTTPS, e.g. PUBLIC_URL is https). */
  secureCookies: boolean;
  /** Absolute base for links in exports (PUBLIC_URL); relative links when absent. */
  publicUrl?: string;
  limiter?: LoginLimiter;
}

/** YYYY-MM-DD of `date` in a time zone. */
export function localDay(date: Date, timezone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

const StatusBody = z.object({ status: TaskStatus, note: z.string().max(500).optional() }).strict();
const LoginForm = z.object({ login: z.string().trim().min(1).max(100), password: z.string().min(1).max(256) });
const FILTER_KEYS = ['agency', 'province', 'document', 'due_from', 'due_to', 'status', 'overdue_at'] as const;

/** Form bodies are small: 16 KB is plenty for a login or a status note. */
const FORM_LIMIT = 16 * 1024;

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  const type = String(req.headers['content-type'] ?? '');
  if (!type.startsWith('application/x-www-form-urlencoded')) {
    req.resume();
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'expected application/x-www-form-urlencoded');
  }
  return new URLSearchParams((await readBody(req, FORM_LIMIT)).toString('utf8'));
}

function filterFrom(search: URLSearchParams): { filter: BoardFilter; query: string } {
  const raw: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const v = search.get(key)?.trim();
    if (v) raw[key] = v;
  }
  const parsed = BoardFilter.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError(400, 'INVALID_FILTER', `${issue?.path.join('.') || 'filter'}: ${issue?.message ?? 'invalid'}`);
  }
  const keep = new URLSearchParams(raw);
  const group = search.get('group');
  if (group === 'quarter') keep.set('group', group);
  return { filter: parsed.data, query: keep.toString() };
}

const redirect = (res: http.ServerResponse, location: string, headers: Record<string, string> = {}): void => {
  res.writeHead(303, { ...headers, location, 'cache-control': 'no-store', 'content-length': 0 });
  res.end();
};

export function boardRoutes(options: BoardRoutesOptions): Route[] {
  const { board, store, now, timezone } = options;
  const limiter = options.limiter ?? new LoginLimiter();
  const today = (): string => localDay(now(), timezone);
  const userOf = (req: http.IncomingMessage): BoardUser | undefined => sessionUser(store, req.headers.cookie, now());
  const apiUser = (req: http.IncomingMessage): BoardUser => {
    const user = userOf(req);
    if (!user) {
      req.resume();
      throw new HttpError(401, 'UNAUTHORIZED', 'đăng nhập để dùng bảng theo dõi nhiệm vụ (POST /login)');
    }
    return user;
  };
  const searchOf = (req: http.IncomingMessage): URLSearchParams => new URL(req.url ?? '/', 'http://localhost').searchParams;
  const listed = (filter: BoardFilter): BoardTask[] => {
    try {
      return board.list(filter, today());
    } catch (err) {
      if (err instanceof BoardError && err.code === 'UNKNOWN_AGENCY') throw new HttpError(400, 'UNKNOWN_AGENCY', err.message);
      throw err;
    }
  };
  const changeStatus = (user: BoardUser, id: string, body: { status: TaskStatus; note?: string }, via: 'board' | 'api', log: Logger): BoardTask => {
    try {
      const task = board.setStatus(
        { by: user.login, role: user.role, ...(user.agencyId ? { agencyId: user.agencyId } : {}) },
        id,
        { status: body.status, ...(body.note ? { note: body.note } : {}), via },
        now(),
        today(),
      );
      log.info({ task: id, status: body.status, by: user.login, via }, 'task status changed');
      return task;
    } catch (err) {
      if (err instanceof BoardError) throw new HttpError(err.code === 'NOT_FOUND' ? 404 : 403, err.code, err.message);
      throw err;
    }
  };
  const sessionRequired = async (ctx: RouteContext, page: (user: BoardUser) => Promise<void>): Promise<void> => {
    const user = userOf(ctx.req);
    if (!user) {
      ctx.req.resume();
      return redirect(ctx.res, '/login');
    }
    return page(user);
  };
  const exportRoute = (kind: 'xlsx' | 'csv'): Route => ({
    method: 'GET', path: `/board/export.${kind}`, channel: 'board',
    handler: async ({ req, res }) => {
      apiUser(req);
      const { filter } = filterFrom(searchOf(req));
      const tasks = listed(filter);
      const body = kind === 'xlsx' ? await exportXlsx(tasks, options.publicUrl ?? '') : await exportCsv(tasks, options.publicUrl ?? '');
      res.writeHead(200, {
        'content-type': kind === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="nhiem-vu-${today()}.${kind}"`,
        'content-length': body.length,
        'cache-control': 'no-store',
      });
      res.end(body);
    },
  });

  return [
    {
      method: 'GET', path: '/login', channel: 'board',
      handler: async ({ req, res }) => (userOf(req) ? redirect(res, '/board') : sendText(res, 200, loginPage(), 'text/html; charset=utf-8', BOARD_HEADERS)),
    },
    {
      method: 'POST', path: '/login', channel: 'board',
      handler: async ({ req, res, log }) => {
        const form = LoginForm.safeParse(Object.fromEntries(await readForm(req)));
        if (!form.success) return sendText(res, 400, loginPage('Nhập tên đăng nhập và mật khẩu.'), 'text/html; charset=utf-8', BOARD_HEADERS);
        const { login, password } = form.data;
        const address = req.socket.remoteAddress ?? '?';
        const wait = limiter.blockedFor(login, address, now().getTime());
        if (wait > 0) {
          log.warn({ login }, 'login refused: too many failed attempts');
          return sendText(res, 429, loginPage(`Đăng nhập sai quá nhiều lần. Thử lại sau ${Math.ceil(wait / 60)} phút.`), 'text/html; charset=utf-8', { ...BOARD_HEADERS, 'retry-after': String(wait) });
        }
        const user = await verifyPassword(store, login, password);
        if (!user) {
          limiter.fail(login, address, now().getTime());
          log.warn({ login }, 'login failed');
          return sendText(res, 401, loginPage('Tên đăng nhập hoặc mật khẩu không đúng.'), 'text/html; charset=utf-8', BOARD_HEADERS);
        }
        limiter.succeed(login);
        log.info({ login, role: user.role }, 'login');
        redirect(res, '/board', { 'set-cookie': startSession(store, user.login, now(), options.secureCookies) });
      },
    },
    {
      method: 'POST', path: '/logout', channel: 'board',
      handler: async ({ req, res }) => {
        req.resume();
        redirect(res, '/login', { 'set-cookie': endSession(store, req.headers.cookie, options.secureCookies) });
      },
    },
    {
      method: 'GET', path: '/board', channel: 'board',
      handler: (ctx) => sessionRequired(ctx, async (user) => {
        const search = searchOf(ctx.req);
        const { filter, query } = filterFrom(search);
        const grouping: Grouping = search.get('group') === 'quarter' ? 'quarter' : 'month';
        let tasks: BoardTask[];
        let flash: string | undefined;
        try {
          tasks = board.list(filter, today());
        } catch (err) {
          if (!(err instanceof BoardError)) throw err;
          tasks = board.list({ ...filter, agency: undefined }, today());
          flash = `Lỗi: ${err.message}`;
        }
        const updated = search.get('updated');
        if (!flash && updated) {
          const t = tasks.find((x) => x.id === updated);
          if (t) flash = `Đã cập nhật: “${t.title.slice(0, 80)}” — ${STATUS_LABEL[t.status]}.`;
        }
        const everything = board.list({}, today());
        const provinces = [...new Set(everything.flatMap((t) => (t.province ? [t.province] : [])))].sort((a, b) => a.localeCompare(b, 'vi'));
        const documents = [...new Map(everything.map((t) => [t.document.id, { id: t.document.id, label: t.document.label }])).values()];
        const agencies = [...new Set(everything.flatMap((t) => t.lead))].sort((a, b) => a.localeCompare(b, 'vi'));
        const html = boardPage({
          user, tasks, counts: board.counts(tasks), filter, grouping, today: today(), provinces, documents, agencies, query,
          mayChange: (t) => board.mayChange(user, t),
          ...(flash ? { flash } : {}),
        });
        sendText(ctx.res, 200, html, 'text/html; charset=utf-8', BOARD_HEADERS);
      }),
    },
    {
      method: 'POST', path: '/board/status', channel: 'board',
      handler: async (ctx) => {
        const user = userOf(ctx.req);
        if (!user) {
          ctx.req.resume();
          return redirect(ctx.res, '/login');
        }
        const form = await readForm(ctx.req);
        const body = StatusBody.safeParse({ status: form.get('status'), ...(form.get('note')?.trim() ? { note: form.get('note')!.trim() } : {}) });
        const id = form.get('id') ?? '';
        if (!body.success || !/^[0-9a-f]{16}$/.test(id)) throw new HttpError(400, 'INVALID_PAYLOAD', 'id, status (chua_bat_dau|dang_thuc_hien|hoan_thanh), note ≤ 500 ký tự');
        changeStatus(user, id, body.data, 'board', ctx.log);
        // Back to the same filtered board; only our own query keys are kept.
        const back = new URLSearchParams((form.get('back') ?? '').replace(/^\?/, ''));
        const keep = new URLSearchParams();
        for (const key of [...FILTER_KEYS, 'group']) {
          const v = back.get(key);
          if (v) keep.set(key, v);
        }
        keep.set('updated', id);
        redirect(ctx.res, `/board?${keep.toString()}`);
      },
    },
    {
      method: 'GET', path: '/api/tasks', channel: 'board',
      handler: async ({ req, res }) => {
        apiUser(req);
        const { filter } = filterFrom(searchOf(req));
        const tasks = listed(filter);
        sendJson(res, 200, { today: today(), count: tasks.length, tasks });
      },
    },
    {
      method: 'POST', path: '/api/tasks/', channel: 'board', prefix: true,
      handler: async ({ req, res, log }) => {
        const m = /^\/api\/tasks\/([0-9a-f]{16})\/status$/.exec(new URL(req.url ?? '/', 'http://localhost').pathname);
        const user = apiUser(req);
        if (!m) {
          req.resume();
          throw new HttpError(404, 'NOT_FOUND', 'POST /api/tasks/<id>/status');
        }
        const body = parseJson(await readBody(req, FORM_LIMIT), StatusBody);
        const task = changeStatus(user, m[1]!, body, 'api', log);
        sendJson(res, 200, { task, history: store.history(task.id) });
      },
    },
    exportRoute('xlsx'),
    exportRoute('csv'),
  ];
}
