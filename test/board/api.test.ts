/**
 * The task board over HTTP, end to end on the real server and index: login/logout and the session
 * cookie, 401 without a session, filters of GET /api/tasks, status changes with their 403 rule and
 * history, the board page and its form, and the exports read back (exceljs, CSV).
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardDbFile } from '../../src/board/index.js';
import { BoardStore } from '../../src/storage/board.js';
import type { Harness } from '../server/harness.js';
import { addUser, boardHarness, getJson, login, PASSWORD, postStatus } from './helpers.js';

let h: Harness;
const cookies = { admin: '', leader: '', agency: '' };

const tasksOf = async (query = '', who: keyof typeof cookies = 'admin'): Promise<any[]> => {
  const r = await getJson(`${h.url}/api/tasks${query}`, cookies[who]);
  expect(r.status).toBe(200);
  return r.body.tasks;
};
const byTitle = (tasks: any[], start: string): any => {
  const t = tasks.find((x) => x.title.startsWith(start));
  if (!t) throw new Error(`no task "${start}"`);
  return t;
};

beforeAll(async () => {
  h = await boardHarness();
  await addUser(h.dataDir, 'quantri', 'admin');
  await addUser(h.dataDir, 'lanhdao', 'leader');
  await addUser(h.dataDir, 'stttt.na', 'agency', { id: 'so-tttt@nghe-an', name: 'Sở Thông tin và Truyền thông' });
  await addUser(h.dataDir, 'khoa.thu', 'leader');
  cookies.admin = await login(h.url, 'quantri');
  cookies.leader = await login(h.url, 'lanhdao');
  cookies.agency = await login(h.url, 'stttt.na');
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('accounts and sessions', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie on login and refuses a wrong password', async () => {
    const res = await fetch(`${h.url}/login`, {
      method: 'POST', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ login: 'lanhdao', password: PASSWORD }).toString(),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/board');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^board_session=[A-Za-z0-9_-]{40,}/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\//);
    const wrong = await fetch(`${h.url}/login`, {
      method: 'POST', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ login: 'lanhdao', password: 'sai-mat-khau-roi' }).toString(),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(await wrong.text()).toContain('không đúng');
  });

  it('answers 401 to the API and exports without a session, and sends pages to /login', async () => {
    expect((await getJson(`${h.url}/api/tasks`)).status).toBe(401);
    expect((await getJson(`${h.url}/api/tasks`, 'board_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(401);
    expect((await postStatus(h.url, '0123456789abcdef', { status: 'hoan_thanh' })).status).toBe(401);
    expect((await fetch(`${h.url}/board/export.xlsx`)).status).toBe(401);
    const page = await fetch(`${h.url}/board`, { redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login');
  });

  it('rate-limits failed logins: after 5 failures even the right password is refused', async () => {
    const attempt = (password: string) => fetch(`${h.url}/login`, {
      method: 'POST', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ login: 'khoa.thu', password }).toString(),
    });
    for (let i = 0; i < 5; i++) expect((await attempt(`doan-sai-${i}-xxxx`)).status).toBe(401);
    const blocked = await attempt(PASSWORD);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('logout ends the session; disabling an account ends its sessions', async () => {
    const c = await login(h.url, 'lanhdao');
    expect((await getJson(`${h.url}/api/tasks`, c)).status).toBe(200);
    const out = await fetch(`${h.url}/logout`, { method: 'POST', headers: { cookie: c }, redirect: 'manual' });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    expect((await getJson(`${h.url}/api/tasks`, c)).status).toBe(401);

    await addUser(h.dataDir, 'tam.thoi', 'leader');
    const t = await login(h.url, 'tam.thoi');
    const store = BoardStore.open(boardDbFile(h.dataDir));
    store.setDisabled('tam.thoi', true, new Date());
    store.close();
    expect((await getJson(`${h.url}/api/tasks`, t)).status).toBe(401);
    await expect(login(h.url, 'tam.thoi')).rejects.toThrow(/401/);
  });
});

describe('GET /api/tasks filters', () => {
  it('lists every task record with lead, cooperating, deadline, status and a source link', async () => {
    const tasks = await tasksOf();
    expect(tasks).toHaveLength(9);
    const kho = byTitle(tasks, 'Xây dựng kho dữ liệu');
    expect(kho.id).toMatch(/^[0-9a-f]{16}$/);
    expect(kho.lead).toEqual(['Sở Thông tin và Truyền thông']);
    expect(kho.cooperating).toEqual(expect.arrayContaining(['Sở Tài chính']));
    expect(kho.deadline).toMatchObject({ raw: 'trước ngày 31/03/2024', due: '2024-03-31' });
    expect(kho.status).toBe('chua_bat_dau');
    expect(kho.overdue).toBe(true);
    expect(kho.source.url).toMatch(/^\/documents\/kehoach-45-nghean\.txt\?lines=(\d+)-\d+#L\1$/);
    expect(kho.source.document).toBe('Kế hoạch 45/KH-UBND');
    expect(byTitle(tasks, 'Triển khai bệnh án').overdue).toBe(false);
  });

  it('filters by province, document, agency, period and overdue date', async () => {
    const hy = await tasksOf('?province=H%C6%B0ng%20Y%C3%AAn');
    expect(hy).toHaveLength(3);
    expect(new Set(hy.map((t) => t.province))).toEqual(new Set(['Hưng Yên']));
    expect(await tasksOf('?document=45/KH-UBND')).toHaveLength(6);
    const agency = await tasksOf(`?agency=${encodeURIComponent('Sở TT&TT')}&province=${encodeURIComponent('Nghệ An')}`);
    expect(agency.map((t) => t.title.slice(0, 20)).sort()).toEqual(
      ['Bồi dưỡng kỹ năng số', 'Nâng cấp mạng truyền', 'Số hóa hồ sơ, kết qu', 'Xây dựng kho dữ liệu'].sort(),
    );
    const q3 = await tasksOf('?due_from=2024-07-01&due_to=2024-09-30');
    expect(q3.map((t) => t.deadline.due)).toEqual(['2024-09-30', '2024-09-30']);
    const late = await tasksOf('?overdue_at=2024-11-10');
    expect(late).toHaveLength(5);
    expect(late.every((t) => t.deadline.due < '2024-11-10')).toBe(true);
  });

  it('rejects a malformed filter and an unknown agency with 400', async () => {
    expect((await getJson(`${h.url}/api/tasks?due_from=31/12/2024`, cookies.admin)).status).toBe(400);
    expect((await getJson(`${h.url}/api/tasks?status=xong`, cookies.admin)).status).toBe(400);
    const unknown = await getJson(`${h.url}/api/tasks?agency=${encodeURIComponent('Cục Hàng không Vũ trụ')}`, cookies.admin);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toBe('UNKNOWN_AGENCY');
  });
});

describe('status changes', () => {
  it('lets an agency account change a task its agency leads, with who, when and note kept', async () => {
    const kho = byTitle(await tasksOf(), 'Xây dựng kho dữ liệu');
    const r = await postStatus(h.url, kho.id, { status: 'hoan_thanh', note: 'Đã nghiệm thu' }, cookies.agency);
    expect(r.status).toBe(200);
    expect(r.body.task).toMatchObject({ id: kho.id, status: 'hoan_thanh', statusNote: 'Đã nghiệm thu', statusBy: 'stttt.na', overdue: false });
    expect(r.body.history).toHaveLength(1);
    expect(r.body.history[0]).toMatchObject({ status: 'hoan_thanh', by: 'stttt.na', via: 'api', note: 'Đã nghiệm thu' });
    expect(Date.parse(r.body.history[0].at)).toBe(h.clock.now.getTime());
    const done = await tasksOf('?status=hoan_thanh');
    expect(done.map((t) => t.id)).toEqual([kho.id]);
    // Done is not overdue, whatever the date.
    expect((await tasksOf('?overdue_at=2024-11-10')).map((t) => t.id)).not.toContain(kho.id);
  });

  it('refuses (403) an agency account on a task it only cooperates on or of another province, and leaders', async () => {
    const all = await tasksOf();
    const soHoa = byTitle(all, 'Số hóa hồ sơ'); // Sở TT&TT cooperates, Văn phòng UBND leads
    const hyKetNoi = byTitle(all, 'Kết nối Hệ thống'); // Sở TT&TT of Hưng Yên leads
    expect((await postStatus(h.url, soHoa.id, { status: 'dang_thuc_hien' }, cookies.agency)).status).toBe(403);
    expect((await postStatus(h.url, hyKetNoi.id, { status: 'dang_thuc_hien' }, cookies.agency)).status).toBe(403);
    expect((await postStatus(h.url, soHoa.id, { status: 'dang_thuc_hien' }, cookies.leader)).status).toBe(403);
    expect(byTitle(await tasksOf(), 'Số hóa hồ sơ').status).toBe('chua_bat_dau');
    const admin = await postStatus(h.url, soHoa.id, { status: 'dang_thuc_hien', note: 'Đạt 60%' }, cookies.admin);
    expect(admin.status).toBe(200);
    expect(admin.body.task.statusBy).toBe('quantri');
  });

  it('validates the body and the id', async () => {
    const kho = byTitle(await tasksOf(), 'Nâng cấp mạng');
    expect((await postStatus(h.url, kho.id, { status: 'xong' }, cookies.admin)).status).toBe(400);
    expect((await postStatus(h.url, kho.id, { status: 'hoan_thanh', note: 'x'.repeat(501) }, cookies.admin)).status).toBe(400);
    expect((await postStatus(h.url, kho.id, { status: 'hoan_thanh', extra: 1 }, cookies.admin)).status).toBe(400);
    expect((await postStatus(h.url, 'ffffffffffffffff', { status: 'hoan_thanh' }, cookies.admin)).status).toBe(404);
    expect((await postStatus(h.url, 'not-an-id', { status: 'hoan_thanh' }, cookies.admin)).status).toBe(404);
  });
});

describe('board page', () => {
  it('shows counts per agency, the timeline and the tasks with source links; the form changes status', async () => {
    const page = await fetch(`${h.url}/board?province=${encodeURIComponent('Nghệ An')}`, { headers: { cookie: cookies.agency } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('Bảng theo dõi nhiệm vụ');
    expect(html).toContain(`href="${byTitle(await tasksOf(), 'Triển khai bệnh án').source.url}"`);
    expect(html).toMatch(/<svg class="chart"/);
    expect(html).not.toContain('Làm sạch dữ liệu hộ tịch'); // Hưng Yên filtered out
    // Sở TT&TT leads tasks 1 and 5 of Nghệ An: two forms for this account, none on the others.
    expect(html.match(/action="\/board\/status"/g)).toHaveLength(2);

    const mang = byTitle(await tasksOf(), 'Nâng cấp mạng');
    const res = await fetch(`${h.url}/board/status`, {
      method: 'POST', redirect: 'manual',
      headers: { cookie: cookies.agency, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ id: mang.id, status: 'dang_thuc_hien', note: 'Đã xong 40 xã', back: '?province=Ngh%E1%BB%87+An' }).toString(),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/board?province=Ngh%E1%BB%87+An&updated=${mang.id}`);
    const after = byTitle(await tasksOf(), 'Nâng cấp mạng');
    expect(after).toMatchObject({ status: 'dang_thuc_hien', statusNote: 'Đã xong 40 xã', statusBy: 'stttt.na' });

    const refused = await fetch(`${h.url}/board/status`, {
      method: 'POST', redirect: 'manual',
      headers: { cookie: cookies.leader, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ id: mang.id, status: 'hoan_thanh' }).toString(),
    });
    expect(refused.status).toBe(403);
  });
});

describe('exports', () => {
  it('exports the filtered tasks as a real workbook with a header row and dates as dates', async () => {
    const res = await fetch(`${h.url}/board/export.xlsx?province=${encodeURIComponent('Nghệ An')}`, { headers: { cookie: cookies.leader } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const ws = wb.worksheets[0]!;
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(expect.arrayContaining(['Mã nhiệm vụ', 'Nhiệm vụ', 'Cơ quan chủ trì', 'Hạn (ngày)', 'Tình trạng']));
    expect(ws.rowCount).toBe(1 + 6);
    const col = (name: string) => header.indexOf(name) + 1;
    const rows = Array.from({ length: 6 }, (_, i) => ws.getRow(i + 2));
    const kho = rows.find((r) => String(r.getCell(col('Nhiệm vụ')).value).startsWith('Xây dựng kho'))!;
    const due = kho.getCell(col('Hạn (ngày)')).value;
    expect(due).toBeInstanceOf(Date);
    expect((due as Date).toISOString().slice(0, 10)).toBe('2024-03-31');
    expect(kho.getCell(col('Tình trạng')).value).toBe('Hoàn thành');
    expect(kho.getCell(col('Ghi chú tình trạng')).value).toBe('Đã nghiệm thu');
  });

  it('exports the same filter as CSV (UTF-8 with BOM, header row, one line per task)', async () => {
    const res = await fetch(`${h.url}/board/export.csv?province=${encodeURIComponent('Hưng Yên')}`, { headers: { cookie: cookies.leader } });
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^Mã nhiệm vụ,Nhiệm vụ,Cơ quan chủ trì/);
    expect(lines).toHaveLength(1 + 3);
    expect(lines.some((l) => l.includes('Làm sạch dữ liệu hộ tịch') && l.includes('2024-09-30'))).toBe(true);
  });
});
