/**
 * The board from chat: the numbered list a chat was shown by /nhiemvu or /hanchot (so
 * `/baocao 2 xong` names a task), reports by the agency that leads the task, /tonghop for
 * leaders, status lines under task lists, and which tasks reminders skip (reported done).
 */
import type { ChatKey } from '../storage/stores.js';
import type { Task } from '../domain/records.js';
import { AgencyRegistry } from '../extract/agencies.js';
import type { BoardStore } from '../storage/board.js';
import { fold } from '../text/normalize.js';
import { STATUS_LABEL, taskKey, type BoardTask, type TaskBoard, type TaskStatus } from './tasks.js';

/** What the conversation and the reminders ask of the board (src/channels/conversation.ts port). */
export interface TaskStatusPort {
  rememberList(chat: ChatKey, tasks: Task[], today: string): void;
  statusLines(tasks: Task[], today: string): string | undefined;
  report(chat: ChatKey, agencyId: string | undefined, args: string, today: string): string;
  mayAskSummary(chat: ChatKey): boolean;
  summary(province: string | undefined, today: string): string;
  doneIds(tasks: Task[], today: string): Set<string>;
}

/**
 * Status words of /baocao, as folded word sequences (typed with or without tone marks). A command
 * grammar like /nhacviec on|off, not document knowledge.
 */
const STATUS_WORDS: Array<[string[], TaskStatus]> = [
  [['da', 'hoan', 'thanh'], 'hoan_thanh'],
  [['hoan', 'thanh'], 'hoan_thanh'],
  [['da', 'xong'], 'hoan_thanh'],
  [['xong'], 'hoan_thanh'],
  [['done'], 'hoan_thanh'],
  [['dang', 'thuc', 'hien'], 'dang_thuc_hien'],
  [['dang', 'lam'], 'dang_thuc_hien'],
  [['chua', 'bat', 'dau'], 'chua_bat_dau'],
  [['chua', 'lam'], 'chua_bat_dau'],
];

export const BAOCAO_USAGE = 'Cú pháp: /baocao <số thứ tự trong /nhiemvu> xong|đang làm|chưa bắt đầu [ghi chú]. Ví dụ: /baocao 2 xong Đã nghiệm thu ngày 01/12.';

/** "2 đang làm chờ kinh phí" → { n: 2, status: 'dang_thuc_hien', note: 'chờ kinh phí' }. */
export function parseReport(args: string): { n: number; status: TaskStatus; note?: string } | undefined {
  const words = args.trim().split(/\s+/).filter(Boolean);
  const n = Number(words[0]);
  if (!Number.isInteger(n) || n < 1 || n > 999) return undefined;
  const rest = words.slice(1);
  const folded = rest.map((w) => fold(w).replace(/[.,:;!]+$/, ''));
  for (const [phrase, status] of STATUS_WORDS) {
    if (phrase.every((p, i) => folded[i] === p)) {
      const note = rest.slice(phrase.length).join(' ').replace(/^[-–—:,]\s*/, '').trim().slice(0, 500);
      return { n, status, ...(note ? { note } : {}) };
    }
  }
  return undefined;
}

const viDate = (iso: string | undefined): string => {
  const m = iso?.match(/^(\d{4})-(\d{2})-(\d{2})/);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
};

export class ChatBoard implements TaskStatusPort {
  constructor(
    private readonly board: TaskBoard,
    private readonly store: BoardStore,
    private readonly options: { now: () => Date; isAdmin?: (chat: ChatKey) => boolean; publicUrl?: string },
  ) {}

  rememberList(chat: ChatKey, tasks: Task[], today: string): void {
    this.store.setChatList(chat.channel, chat.chatId, tasks.map((t) => ({
      key: taskKey(t), recordId: t.id, docId: t.doc.docId, title: t.title,
      leads: this.board.leadIds(t, today),
    })), this.options.now());
  }

  /** "Tình trạng báo cáo: 1. Hoàn thành (…)" for the numbered tasks that have a report. */
  statusLines(tasks: Task[], today: string): string | undefined {
    if (tasks.length === 0) return undefined;
    const views = this.board.statusOf(tasks, today);
    const lines: string[] = [];
    tasks.forEach((t, i) => {
      const v = views.get(t.id);
      if (!v?.statusAt) return;
      lines.push(`${i + 1}. ${STATUS_LABEL[v.status]}${v.needsReview ? ' (nội dung đã đổi, cần báo cáo lại)' : ''}${v.statusNote ? ` — ${v.statusNote}` : ''} (${viDate(v.statusAt)})`);
    });
    const head = 'Tình trạng do đơn vị báo cáo:';
    const hint = 'Báo cáo: /baocao <số> xong|đang làm [ghi chú]';
    return lines.length > 0 ? [head, ...lines, hint].join('\n') : `${head} chưa có báo cáo nào cho các nhiệm vụ trên. ${hint}`;
  }

  report(chat: ChatKey, agencyId: string | undefined, args: string, today: string): string {
    const parsed = parseReport(args);
    if (!parsed) return BAOCAO_USAGE;
    if (!agencyId) return 'Bạn chưa đặt đơn vị. Gõ /donvi <tên đơn vị> rồi /nhiemvu để xem danh sách nhiệm vụ đánh số.';
    const listed = this.store.chatList(chat.channel, chat.chatId);
    if (listed.length === 0) return 'Gõ /nhiemvu để xem danh sách nhiệm vụ đánh số trước, rồi /baocao <số> xong|đang làm.';
    const item = listed[parsed.n - 1];
    if (!item) return `Danh sách gần nhất chỉ có ${listed.length} nhiệm vụ (số 1–${listed.length}). Gõ /nhiemvu để xem lại.`;
    if (!item.leads.some((id) => AgencyRegistry.sameAgency(id, agencyId))) {
      return `Nhiệm vụ số ${parsed.n} (“${item.title.slice(0, 80)}”) không do đơn vị của bạn chủ trì; chỉ cơ quan chủ trì được báo cáo tình trạng.`;
    }
    const current = this.board.get(item.key, today);
    if (!current) return `Nhiệm vụ số ${parsed.n} không còn trong các văn bản đã nạp (văn bản đã được cập nhật). Gõ /nhiemvu để xem danh sách mới.`;
    this.board.setStatus(
      { by: `${chat.channel}:${chat.chatId}`, role: 'agency', agencyId },
      item.key,
      { status: parsed.status, ...(parsed.note ? { note: parsed.note } : {}), via: 'chat' },
      this.options.now(),
      today,
    );
    return `Đã ghi nhận: nhiệm vụ số ${parsed.n} “${item.title.slice(0, 100)}” — ${STATUS_LABEL[parsed.status]}${parsed.note ? ` (ghi chú: ${parsed.note})` : ''}.`;
  }

  /** Leaders: a chat linked to a leader or admin account, or a chat admin. */
  mayAskSummary(chat: ChatKey): boolean {
    if (this.options.isAdmin?.(chat)) return true;
    const user = this.store.chatUser(chat.channel, chat.chatId);
    return user?.role === 'leader' || user?.role === 'admin';
  }

  summary(province: string | undefined, today: string): string {
    const tasks: BoardTask[] = this.board.list(province ? { province } : {}, today);
    if (tasks.length === 0) return province ? `Không có nhiệm vụ nào của tỉnh ${province} trong các văn bản đã nạp.` : 'Chưa có nhiệm vụ nào trong các văn bản đã nạp.';
    const counts = this.board.counts(tasks);
    const done = tasks.filter((t) => t.status === 'hoan_thanh').length;
    const doing = tasks.filter((t) => t.status === 'dang_thuc_hien').length;
    const late = tasks.filter((t) => t.overdue).length;
    const lines = [
      `Tổng hợp nhiệm vụ${province ? ` tỉnh ${province}` : ''} (tính đến ${viDate(today)}): ${tasks.length} nhiệm vụ — hoàn thành ${done}, đang thực hiện ${doing}, quá hạn ${late}.`,
      '',
      'Theo cơ quan chủ trì (hoàn thành / đang thực hiện / quá hạn / tổng):',
      ...counts.slice(0, 20).map((c) => `• ${c.agency}: ${c.done} / ${c.inProgress} / ${c.overdue} / ${c.total}`),
    ];
    if (counts.length > 20) lines.push(`… và ${counts.length - 20} cơ quan khác.`);
    lines.push('', `Tình trạng do các cơ quan tự báo cáo; quá hạn là đã qua hạn mà chưa báo hoàn thành.${this.options.publicUrl ? ` Chi tiết: ${this.options.publicUrl.replace(/\/$/, '')}/board` : ''}`);
    return lines.join('\n');
  }

  /** Record ids of tasks reported done (a changed text awaiting review is not done). */
  doneIds(tasks: Task[], today: string): Set<string> {
    const views = this.board.statusOf(tasks, today);
    return new Set([...views].filter(([, v]) => v.status === 'hoan_thanh' && !v.needsReview).map(([id]) => id));
  }
}
