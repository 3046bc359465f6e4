/**
 * The board's HTML: server-rendered, no script (filters and status changes are plain forms), one
 * stylesheet with a narrow-screen layout (≤ 640 px: each task a card) and a print layout (no
 * forms, black on white, the timeline keeps its numbers). The timeline is inline SVG.
 */
import { createHash } from 'node:crypto';
import type { BoardUser } from '../storage/board.js';
import { STATUS_LABEL, type AgencyCount, type BoardFilter, type BoardTask, type TaskStatus } from './tasks.js';

export const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** "2024-11-20" → "20/11/2024". */
export const viDate = (iso: string | undefined): string => {
  const m = iso?.match(/^(\d{4})-(\d{2})-(\d{2})/);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : (iso ?? '');
};

const CSS = `
*{box-sizing:border-box}
body{font-family:system-ui,"Segoe UI",Roboto,Arial,sans-serif;margin:0;color:#1a1a1a;background:#f6f7f9;font-size:15px;line-height:1.45}
header{display:flex;flex-wrap:wrap;gap:8px;align-items:center;justify-content:space-between;padding:10px 16px;background:#0b4f8a;color:#fff}
header h1{font-size:18px;margin:0}
header form{margin:0}
header button{background:#fff;color:#0b4f8a;border:0;border-radius:4px;padding:4px 10px;cursor:pointer}
main{max-width:1240px;margin:0 auto;padding:12px 16px}
section{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:12px;margin-bottom:12px}
h2{font-size:16px;margin:0 0 8px}
.filters{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:8px;align-items:end}
.filters label{display:flex;flex-direction:column;font-size:13px;gap:2px}
input,select,button{font:inherit}
input,select{padding:5px;border:1px solid #b8c0c8;border-radius:4px;min-width:0}
.actions{display:flex;gap:8px;flex-wrap:wrap}
.actions a,.actions button{padding:6px 10px;border-radius:4px;border:1px solid #0b4f8a;background:#0b4f8a;color:#fff;text-decoration:none}
.actions a{background:#fff;color:#0b4f8a}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #e3e6ea;padding:6px;text-align:left;vertical-align:top}
th{background:#eef2f6;font-size:13px}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.st{display:inline-block;padding:1px 6px;border-radius:10px;font-size:12px;border:1px solid}
.st-hoan_thanh{background:#e3f4e6;border-color:#2e7d32;color:#1b5e20}
.st-dang_thuc_hien{background:#fff4dc;border-color:#b7791f;color:#7a4d00}
.st-chua_bat_dau{background:#eef0f3;border-color:#7a8591;color:#3d4650}
.late{color:#b00020;font-weight:600}
.review{color:#7a4d00;font-size:12px}
.muted{color:#5f6b76;font-size:12px}
.upd{display:flex;flex-wrap:wrap;gap:4px}
.upd input[name=note]{flex:1 1 120px}
.chart{width:100%;height:auto;max-height:260px}
.scroll{overflow-x:auto}
@media (max-width:640px){
 main{padding:8px}
 table.tasks thead{display:none}
 table.tasks,table.tasks tbody,table.tasks tr,table.tasks td{display:block;width:100%}
 table.tasks tr{border:1px solid #dde1e6;border-radius:6px;margin-bottom:8px;padding:4px}
 table.tasks td{border:0;padding:3px 4px}
 table.tasks td[data-label]::before{content:attr(data-label) ": ";font-weight:600;font-size:12px;color:#5f6b76}
}
@media print{
 body{background:#fff;font-size:11pt}
 header{background:#fff;color:#000;border-bottom:2px solid #000}
 header form,.filters,.actions,.upd,.noprint{display:none!important}
 section{border:0;padding:0;page-break-inside:auto}
 tr{page-break-inside:avoid}
 a{color:#000;text-decoration:none}
 .st{border:0;padding:0;background:none!important;color:#000!important}
}
`;

/** Headers of every board page: nothing runs but the one stylesheet. */
export const BOARD_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': [
    "default-src 'none'",
    `style-src 'sha256-${createHash('sha256').update(CSS).digest('base64')}'`,
    "img-src 'self' data:",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
});

const shell = (title: string, body: string): string => `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head><body>${body}</body></html>`;

export function loginPage(message?: string): string {
  return shell('Đăng nhập — Bảng theo dõi nhiệm vụ', `
<header><h1>Bảng theo dõi nhiệm vụ</h1></header>
<main><section>
<h2>Đăng nhập</h2>
${message ? `<p class="late" role="alert">${esc(message)}</p>` : ''}
<form method="post" action="/login" class="filters">
<label>Tên đăng nhập<input name="login" autocomplete="username" required maxlength="100"></label>
<label>Mật khẩu<input name="password" type="password" autocomplete="current-password" required maxlength="256"></label>
<div class="actions"><button type="submit">Đăng nhập</button></div>
</form>
<p class="muted">Tài khoản do quản trị viên cấp (npm run users -- add …).</p>
</section></main>`);
}

export type Grouping = 'month' | 'quarter';

/** Rows drawn on one page (counts and chart always cover every task): the page stays a few hundred KB. */
export const MAX_ROWS = 500;

/** Deadlines per month (or quarter), stacked by status, numbers written on the bars for print. */
export function timelineSvg(tasks: BoardTask[], grouping: Grouping): string {
  const periodOf = (due: string): string => {
    const [y, m] = due.split('-');
    return grouping === 'month' ? `${m}/${y}` : `Q${Math.ceil(Number(m) / 3)}/${y}`;
  };
  const sortKey = (due: string): string => (grouping === 'month' ? due.slice(0, 7) : `${due.slice(0, 4)}-${Math.ceil(Number(due.slice(5, 7)) / 3)}`);
  const periods = new Map<string, { label: string; counts: Record<TaskStatus, number>; overdue: number }>();
  let undated = 0;
  for (const t of tasks) {
    const due = t.deadline.due;
    if (!due) {
      undated += 1;
      continue;
    }
    const k = sortKey(due);
    let p = periods.get(k);
    if (!p) periods.set(k, (p = { label: periodOf(due), counts: { hoan_thanh: 0, dang_thuc_hien: 0, chua_bat_dau: 0 }, overdue: 0 }));
    p.counts[t.status] += 1;
    if (t.overdue) p.overdue += 1;
  }
  const list = [...periods.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, p]) => p);
  if (list.length === 0) return `<p class="muted">Không có nhiệm vụ nào có hạn cụ thể trong bộ lọc này${undated ? ` (${undated} nhiệm vụ không nêu ngày)` : ''}.</p>`;
  const max = Math.max(...list.map((p) => p.counts.hoan_thanh + p.counts.dang_thuc_hien + p.counts.chua_bat_dau));
  const barW = 44;
  const gap = 14;
  const top = 24;
  const chartH = 150;
  const width = Math.max(320, list.length * (barW + gap) + gap);
  const height = top + chartH + 40;
  const colours: Array<[TaskStatus, string]> = [['hoan_thanh', '#2e7d32'], ['dang_thuc_hien', '#d69e2e'], ['chua_bat_dau', '#9aa5b1']];
  const bars = list.map((p, i) => {
    const x = gap + i * (barW + gap);
    let y = top + chartH;
    const parts: string[] = [];
    for (const [status, colour] of colours) {
      const n = p.counts[status];
      if (n === 0) continue;
      const h = Math.max(2, (n / max) * chartH);
      y -= h;
      parts.push(`<rect x="${x}" y="${y.toFixed(1)}" width="${barW}" height="${h.toFixed(1)}" fill="${colour}" stroke="#000" stroke-width="0.5"><title>${esc(`${p.label}: ${n} ${STATUS_LABEL[status].toLowerCase()}`)}</title></rect>`);
    }
    const total = p.counts.hoan_thanh + p.counts.dang_thuc_hien + p.counts.chua_bat_dau;
    parts.push(`<text x="${x + barW / 2}" y="${(y - 4).toFixed(1)}" text-anchor="middle" font-size="12">${total}${p.overdue ? ` (${p.overdue}!)` : ''}</text>`);
    parts.push(`<text x="${x + barW / 2}" y="${top + chartH + 16}" text-anchor="middle" font-size="11">${esc(p.label)}</text>`);
    return `<g class="bar" data-period="${esc(p.label)}" data-total="${total}">${parts.join('')}</g>`;
  });
  const legend = colours.map(([s, c], i) => `<rect x="${gap + i * 130}" y="${height - 14}" width="10" height="10" fill="${c}" stroke="#000" stroke-width="0.5"/><text x="${gap + i * 130 + 14}" y="${height - 5}" font-size="11">${STATUS_LABEL[s]}</text>`).join('');
  const desc = list.map((p) => `${p.label}: ${p.counts.hoan_thanh + p.counts.dang_thuc_hien + p.counts.chua_bat_dau}`).join(', ');
  return `<div class="scroll"><svg class="chart" role="img" aria-label="${esc(`Số nhiệm vụ theo hạn (${grouping === 'month' ? 'tháng' : 'quý'}): ${desc}`)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">
<line x1="${gap / 2}" y1="${top + chartH}" x2="${width - gap / 2}" y2="${top + chartH}" stroke="#000"/>${bars.join('')}${legend}</svg></div>
${undated ? `<p class="muted">${undated} nhiệm vụ không nêu ngày cụ thể (thường xuyên, hằng năm…) không có trên biểu đồ.</p>` : ''}
<p class="muted">Số trên cột: tổng nhiệm vụ đến hạn; (n!) là số nhiệm vụ quá hạn chưa hoàn thành.</p>`;
}

export interface BoardPageInput {
  user: BoardUser;
  tasks: BoardTask[];
  counts: AgencyCount[];
  filter: BoardFilter;
  grouping: Grouping;
  today: string;
  /** Choices for the filter selects. */
  provinces: string[];
  documents: Array<{ id: string; label: string }>;
  agencies: string[];
  /** The query string of the current filter (for export links and redirects). */
  query: string;
  mayChange: (t: BoardTask) => boolean;
  /** A message after a status change ("Đã cập nhật …") or an error. */
  flash?: string;
}

const option = (value: string, label: string, selected: string | undefined): string =>
  `<option value="${esc(value)}"${selected === value ? ' selected' : ''}>${esc(label)}</option>`;

const ROLE_LABEL: Record<BoardUser['role'], string> = { admin: 'quản trị', leader: 'lãnh đạo', agency: 'cơ quan' };

export function boardPage(input: BoardPageInput): string {
  const { user, tasks, counts, filter, today } = input;
  const q = input.query ? `?${input.query}` : '';
  const who = `${user.login} (${ROLE_LABEL[user.role]}${user.agencyName ? `: ${user.agencyName}` : ''})`;
  const statusOptions = (Object.keys(STATUS_LABEL) as TaskStatus[]).map((s) => option(s, STATUS_LABEL[s], filter.status)).join('');
  const totals = { total: tasks.length, done: tasks.filter((t) => t.status === 'hoan_thanh').length, prog: tasks.filter((t) => t.status === 'dang_thuc_hien').length };
  const late = tasks.filter((t) => t.overdue).length;
  const rows = tasks.slice(0, MAX_ROWS).map((t, i) => {
    const status = `<span class="st st-${t.status}">${STATUS_LABEL[t.status]}</span>${t.needsReview ? ' <span class="review">⚠ nội dung nhiệm vụ đã thay đổi sau lần báo cáo — cần xác nhận lại</span>' : ''}${t.statusNote ? `<div>${esc(t.statusNote)}</div>` : ''}${t.statusBy ? `<div class="muted">${esc(t.statusBy)}, ${esc(viDate(t.statusAt))} ${esc((t.statusAt ?? '').slice(11, 16))}</div>` : ''}`;
    const form = input.mayChange(t)
      ? `<form method="post" action="/board/status" class="upd"><input type="hidden" name="id" value="${esc(t.id)}"><input type="hidden" name="back" value="${esc(q)}">
<select name="status" aria-label="Tình trạng mới">${(Object.keys(STATUS_LABEL) as TaskStatus[]).map((s) => option(s, STATUS_LABEL[s], t.status)).join('')}</select>
<input name="note" maxlength="500" placeholder="Ghi chú" aria-label="Ghi chú" value=""><button type="submit">Lưu</button></form>`
      : '';
    const due = t.deadline.due ? viDate(t.deadline.due) : '';
    return `<tr data-id="${esc(t.id)}" data-status="${t.status}"${t.overdue ? ' data-overdue="1"' : ''}>
<td class="n" data-label="STT">${i + 1}</td>
<td data-label="Nhiệm vụ"><a href="${esc(t.source.url)}">${esc(t.title)}</a>${t.action && t.action !== t.title ? `<div class="muted">${esc(t.action)}</div>` : ''}<div class="muted">${esc(t.document.label)}, ${esc(t.source.section)}</div></td>
<td data-label="Chủ trì">${esc(t.lead.join('; ') || '—')}</td>
<td data-label="Phối hợp">${esc(t.cooperating.join('; ') || '—')}</td>
<td data-label="Hạn">${esc(t.deadline.raw || 'không nêu')}${due && !t.deadline.raw.includes(due) ? `<div class="muted">${due}</div>` : ''}${t.overdue ? '<div class="late">Quá hạn</div>' : ''}</td>
<td data-label="Tình trạng">${status}${form}</td>
</tr>`;
  });
  const countRows = counts.map((c) => `<tr><td>${esc(c.agency)}</td><td class="n">${c.total}</td><td class="n">${c.done}</td><td class="n">${c.inProgress}</td><td class="n">${c.notStarted}</td><td class="n${c.overdue ? ' late' : ''}">${c.overdue}</td></tr>`);
  return shell('Bảng theo dõi nhiệm vụ', `
<header><h1>Bảng theo dõi nhiệm vụ</h1><span>${esc(who)}</span>
<form method="post" action="/logout"><button type="submit">Đăng xuất</button></form></header>
<main>
${input.flash ? `<p role="status" class="${input.flash.startsWith('Lỗi') ? 'late' : ''}">${esc(input.flash)}</p>` : ''}
<section class="noprint" aria-label="Bộ lọc">
<form method="get" action="/board" class="filters">
<label>Tỉnh<select name="province"><option value="">Tất cả</option>${input.provinces.map((p) => option(p, p, filter.province)).join('')}</select></label>
<label>Văn bản<select name="document"><option value="">Tất cả</option>${input.documents.map((d) => option(d.id, d.label, filter.document)).join('')}</select></label>
<label>Cơ quan<input name="agency" list="agencies" value="${esc(filter.agency ?? '')}" placeholder="vd: Sở TT&amp;TT"><datalist id="agencies">${input.agencies.map((a) => `<option value="${esc(a)}">`).join('')}</datalist></label>
<label>Hạn từ ngày<input type="date" name="due_from" value="${esc(filter.due_from ?? '')}"></label>
<label>Đến ngày<input type="date" name="due_to" value="${esc(filter.due_to ?? '')}"></label>
<label>Tình trạng<select name="status"><option value="">Tất cả</option>${statusOptions}</select></label>
<label>Quá hạn tính đến<input type="date" name="overdue_at" value="${esc(filter.overdue_at ?? '')}"></label>
<label>Biểu đồ theo<select name="group">${option('month', 'Tháng', input.grouping)}${option('quarter', 'Quý', input.grouping)}</select></label>
<div class="actions"><button type="submit">Lọc</button><a href="/board">Bỏ lọc</a></div>
</form>
<div class="actions"><a href="/board/export.xlsx${q}">Tải Excel (.xlsx)</a><a href="/board/export.csv${q}">Tải CSV</a></div>
</section>
<section aria-label="Tổng hợp">
<h2>Tổng hợp theo cơ quan chủ trì (tính đến ${viDate(today)})</h2>
<p><strong>${totals.total}</strong> nhiệm vụ · hoàn thành <strong>${totals.done}</strong> · đang thực hiện <strong>${totals.prog}</strong> · quá hạn <strong class="${late ? 'late' : ''}">${late}</strong></p>
<div class="scroll"><table class="counts"><thead><tr><th>Cơ quan chủ trì</th><th>Tổng</th><th>Hoàn thành</th><th>Đang thực hiện</th><th>Chưa bắt đầu</th><th>Quá hạn</th></tr></thead>
<tbody>${countRows.join('')}</tbody></table></div>
</section>
<section aria-label="Biểu đồ hạn">
<h2>Nhiệm vụ theo hạn (${input.grouping === 'month' ? 'tháng' : 'quý'})</h2>
${timelineSvg(tasks, input.grouping)}
</section>
<section aria-label="Danh sách nhiệm vụ">
<h2>Danh sách nhiệm vụ (${tasks.length})</h2>
${tasks.length > MAX_ROWS ? `<p role="note">Hiển thị ${MAX_ROWS} nhiệm vụ đầu trong ${tasks.length}; dùng bộ lọc, hoặc tải Excel/CSV để có đủ danh sách.</p>` : ''}
${tasks.length === 0 ? '<p>Không có nhiệm vụ nào khớp bộ lọc.</p>' : `<table class="tasks"><thead><tr><th>STT</th><th>Nhiệm vụ (nguồn)</th><th>Chủ trì</th><th>Phối hợp</th><th>Hạn</th><th>Tình trạng</th></tr></thead><tbody>${rows.join('')}</tbody></table>`}
<p class="muted">Tình trạng do cơ quan chủ trì báo cáo (trên bảng này hoặc bằng lệnh /baocao trong Telegram/Zalo); văn bản kế hoạch chỉ ghi thời hạn, không ghi kết quả.</p>
</section>
</main>`);
}
