/**
 * Channel-neutral conversation logic: commands (/start, /donvi, /nhiemvu, /hanchot, …), plain
 * questions with per-chat context, choices, feedback, admin commands, rate limit and length
 * checks. Telegram and Zalo adapters turn platform updates into `handleText` / `handleCallback`
 * calls and render the `Reply` values they are given (HTML + buttons, or plain text).
 */
import type { Logger } from 'pino';
import type { Assistant, AgencyChoice } from '../answer/assistant.js';
import type { TaskStatusPort } from '../board/chat.js';
import { nextContext } from '../answer/context.js';
import type { Answer, AnswerContext, Citation } from '../domain/answer.js';
import { userMessage } from '../errors.js';
import type { AnswerMetrics, RateLimiter, ReindexSummaryText } from './ports.js';
import type { ChatKey, ConversationState, PendingOption, Stores } from '../storage/stores.js';
import { fold } from '../text/normalize.js';
import { documentLink, sourceLinks } from '../answer/cite.js';

/** Longest message processed (USER_MESSAGES.MESSAGE_TOO_LONG says 2000). */
export const MAX_QUESTION_CHARS = 2000;

export interface Button {
  label: string;
  /** Telegram callback_data (≤ 64 bytes): "fb:<questionId>:u|d", "ch:<index>". */
  data: string;
  /** Choice buttons become a numbered list on channels without buttons; feedback is dropped there. */
  kind: 'choice' | 'feedback';
}

export interface Reply {
  /** Plain text; adapters escape it for HTML. */
  text: string;
  buttons?: Button[][];
}

export type Send = (reply: Reply) => Promise<void>;

export interface IncomingText {
  chat: ChatKey;
  /** Sender's user id (admin checks use it as well as the chat id). */
  userId: string;
  text: string;
  /** Shows "typing…" once the message passed the rate limit and length checks (best effort). */
  typing?: () => Promise<void>;
}

export interface CommandSpec {
  command: string;
  description: string;
}

/** Registered with Telegram's setMyCommands; Zalo users see the same list in /help. */
export const COMMANDS: CommandSpec[] = [
  { command: 'start', description: 'Giới thiệu trợ lý và ví dụ câu hỏi' },
  { command: 'help', description: 'Hướng dẫn sử dụng' },
  { command: 'donvi', description: 'Đặt đơn vị của tôi (vd: /donvi Sở TT&TT)' },
  { command: 'nhiemvu', description: 'Nhiệm vụ của đơn vị tôi' },
  { command: 'hanchot', description: 'Nhiệm vụ sắp đến hạn (vd: /hanchot 30)' },
  { command: 'nhacviec', description: 'Bật/tắt nhắc hạn nhiệm vụ (on|off)' },
  { command: 'baocao', description: 'Báo cáo tình trạng nhiệm vụ (vd: /baocao 2 xong)' },
  { command: 'tonghop', description: 'Tổng hợp tình trạng nhiệm vụ theo cơ quan (lãnh đạo)' },
  { command: 'thutuc', description: 'Tra cứu thủ tục hành chính (vd: /thutuc khai sinh)' },
  { command: 'nguon', description: 'Nguồn đầy đủ của câu trả lời trước' },
];

const WELCOME = [
  'Xin chào! Tôi là Trợ lý ảo tra cứu văn bản kế hoạch và thủ tục hành chính.',
  '',
  'Tôi trả lời dựa trên các văn bản đã được nạp (kế hoạch, quyết định, báo cáo, hướng dẫn thủ tục) và luôn ghi rõ nguồn (số văn bản, ngày, mục). Khi văn bản không nói, tôi sẽ nói là không có thông tin.',
  '',
  'Ví dụ câu hỏi:',
  '• Sở TT&TT phải làm gì trước tháng 11?',
  '• Ai chủ trì nhiệm vụ chuyển đổi số năm 2023?',
  '• Làm giấy khai sinh cần giấy tờ gì?',
  '',
  'Đặt đơn vị của bạn bằng /donvi để xem nhiệm vụ (/nhiemvu), hạn chót (/hanchot) và nhận nhắc việc (/nhacviec on).',
].join('\n');

function helpText(isAdmin: boolean): string {
  const lines = ['Các lệnh:', ...COMMANDS.map((c) => `/${c.command} — ${c.description}`)];
  if (isAdmin) {
    lines.push('', 'Lệnh quản trị:', '/reindex — Cập nhật lại chỉ mục tài liệu', '/thongke — Thống kê câu hỏi và đánh giá');
  }
  lines.push('', 'Hoặc gõ câu hỏi trực tiếp, có dấu hoặc không dấu.');
  return lines.join('\n');
}

export interface ConversationServiceOptions {
  assistant: Assistant;
  stores: Stores;
  logger: Logger;
  metrics?: AnswerMetrics;
  rateLimiter: RateLimiter;
  /** Text of a /reindex summary (src/reindex/summary.ts, given by the server). */
  reindexText: ReindexSummaryText;
  /** Admin user/chat ids per channel. */
  admins: { telegram: readonly string[]; zalo: readonly string[] };
  /** IANA time zone for "today". Default: Asia/Ho_Chi_Minh. */
  timezone?: string;
  /** Injectable clock. Default: real time. */
  now?: () => Date;
  /** This server's public base URL (PUBLIC_URL): answers carry links to the cited document pages. Default: none. */
  publicUrl?: string;
  /** Task board: /baocao, /tonghop, status under /nhiemvu and /hanchot. Off when absent. */
  board?: TaskStatusPort;
}

/** YYYY-MM-DD of `date` in a time zone. */
export function localDate(date: Date, timezone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

/** "2022-04-25" → "25/04/2022"; other text unchanged. */
export function displayDate(isoDate: string | undefined): string | undefined {
  const m = isoDate?.match(/^(\d{4})-(\d{2})-(\d{2})/);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : isoDate;
}

export interface AskResult {
  answer: Answer;
  questionId: number;
}

export class ConversationService {
  private readonly timezone: string;
  private readonly now: () => Date;

  constructor(private readonly options: ConversationServiceOptions) {
    this.timezone = options.timezone ?? 'Asia/Ho_Chi_Minh';
    this.now = options.now ?? (() => new Date());
  }

  today(): string {
    return localDate(this.now(), this.timezone);
  }

  isAdmin(chat: ChatKey, userId: string): boolean {
    if (chat.channel === 'web') return false;
    const ids = this.options.admins[chat.channel];
    return ids.includes(userId) || ids.includes(chat.chatId);
  }

  /**
   * Rate limit and length check shared with the web API. Undefined means go on; `silent` means
   * drop without a reply (the chat was already warned this minute).
   */
  gate(chat: ChatKey, text: string): { code: 'RATE_LIMITED' | 'MESSAGE_TOO_LONG'; silent: boolean } | undefined {
    const verdict = this.options.rateLimiter.hit(`${chat.channel}:${chat.chatId}`, this.now().getTime());
    if (verdict !== 'ok') return { code: 'RATE_LIMITED', silent: verdict === 'silent' };
    if (text.length > MAX_QUESTION_CHARS) return { code: 'MESSAGE_TOO_LONG', silent: false };
    return undefined;
  }

  async handleText(message: IncomingText, send: Send, log: Logger): Promise<void> {
    const text = message.text.trim();
    const gated = this.gate(message.chat, text);
    if (gated) {
      log.info({ code: gated.code, chars: text.length }, 'message refused before processing');
      if (!gated.silent) await send({ text: userMessage(gated.code) });
      return;
    }
    await message.typing?.().catch((err: unknown) => log.warn({ err }, 'typing indicator failed'));
    const command = parseCommand(text);
    if (command) {
      await this.handleCommand(message, command.name, command.args, send, log);
      return;
    }
    // A bare number answers a pending choice on channels without buttons (Zalo).
    const pick = /^\d{1,2}$/.test(text) ? Number(text) : undefined;
    if (pick !== undefined) {
      const state = this.options.stores.conversations.get(message.chat);
      if (state.pending && pick >= 1 && pick <= state.pending.options.length) {
        await this.choose(message.chat, pick - 1, send, log);
        return;
      }
    }
    await this.replyAnswer(message.chat, text, send, log);
  }

  /**
   * A chat command, or a number picking from a pending choice, from a channel that already applied
   * the gate (the web API). False when the text is neither (then it is a question).
   */
  async command(message: IncomingText, send: Send, log: Logger): Promise<boolean> {
    // A bare number picks from a pending choice, as on Zalo (the web page sends it for a button).
    const pick = /^\d{1,2}$/.test(message.text.trim()) ? Number(message.text.trim()) : undefined;
    if (pick !== undefined) {
      const state = this.options.stores.conversations.get(message.chat);
      if (!state.pending || pick < 1 || pick > state.pending.options.length) return false;
      await this.choose(message.chat, pick - 1, send, log);
      return true;
    }
    const command = parseCommand(message.text);
    if (!command) return false;
    await this.handleCommand(message, command.name, command.args, send, log);
    return true;
  }

  async handleCallback(chat: ChatKey, userId: string, data: string, send: Send, log: Logger): Promise<string | undefined> {
    const fb = /^fb:(\d+):([ud])$/.exec(data);
    if (fb) {
      const ok = this.options.stores.feedback.record({
        ...chat, questionId: Number(fb[1]), rating: fb[2] === 'u' ? 1 : -1, at: this.now(),
      });
      log.info({ questionId: Number(fb[1]), rating: fb[2] }, ok ? 'feedback recorded' : 'feedback for unknown question');
      return ok ? 'Cảm ơn bạn đã đánh giá!' : undefined;
    }
    const ch = /^ch:(\d{1,2})$/.exec(data);
    if (ch) {
      const gated = this.gate(chat, '');
      if (gated) return gated.silent ? undefined : userMessage(gated.code);
      await this.choose(chat, Number(ch[1]), send, log);
      return undefined;
    }
    log.warn({ data }, 'unknown callback data');
    return undefined;
  }

  /** One question through the assistant with the chat's context; records context and the question log. */
  async ask(chat: ChatKey, question: string, log: Logger, overrides: Partial<AnswerContext> = {}): Promise<AskResult> {
    const { assistant, stores, metrics } = this.options;
    const state = stores.conversations.get(chat);
    const profile = stores.profiles.get(chat);
    const context: AnswerContext = {
      previousQuestion: state.previousQuestion,
      subjectQuestion: state.subjectQuestion,
      previousAnswer: state.previousAnswer,
      previousIntent: state.previousIntent,
      taskIds: state.taskIds,
      docIds: state.docIds,
      agency: overrides.agency ?? profile?.agencyId,
      province: overrides.province ?? profile?.province,
      today: overrides.today ?? this.today(),
    };
    const started = performance.now();
    const answer = await assistant.answer(question, context);
    const latencyMs = performance.now() - started;
    metrics?.latency.observe({ channel: chat.channel }, latencyMs / 1000);
    metrics?.answers.inc({ channel: chat.channel, intent: answer.intent });
    if (answer.refused) metrics?.refusals.inc({ channel: chat.channel, reason: answer.reason ?? 'unknown' });
    const carried = nextContext(context, answer);
    const next: ConversationState = {
      previousQuestion: question,
      ...(carried.subjectQuestion ? { subjectQuestion: carried.subjectQuestion } : {}),
      previousAnswer: answer.answer,
      previousIntent: answer.intent,
      taskIds: carried.taskIds,
      docIds: [...new Set([...answer.citations.map((c) => c.docId), ...answer.tasks.map((t) => t.doc.docId)])],
      citations: answer.citations,
      ...(answer.choices.length > 0
        ? { pending: { kind: 'query' as const, options: answer.choices.map((c) => ({ label: c.label, value: c.query })) } }
        : {}),
    };
    stores.conversations.set(chat, next);
    const questionId = stores.questions.record({
      ...chat, question, answer: answer.answer, intent: answer.intent, refused: answer.refused,
      ...(answer.reason ? { reason: answer.reason } : {}), latencyMs, askedAt: this.now(),
    });
    log.info({ intent: answer.intent, refused: answer.refused, latencyMs: Math.round(latencyMs), questionId }, 'answered');
    return { answer, questionId };
  }

  private async replyAnswer(chat: ChatKey, question: string, send: Send, log: Logger, overrides: Partial<AnswerContext> = {}): Promise<void> {
    if (!this.options.assistant.isReady()) {
      await send({ text: userMessage('INDEX_MISSING') });
      return;
    }
    const { answer, questionId } = await this.ask(chat, question, log, overrides);
    const buttons: Button[][] = answer.choices.slice(0, 8).map((c, i) => [{ label: c.label, data: `ch:${i}`, kind: 'choice' }]);
    buttons.push([
      { label: '👍', data: `fb:${questionId}:u`, kind: 'feedback' },
      { label: '👎', data: `fb:${questionId}:d`, kind: 'feedback' },
    ]);
    // With PUBLIC_URL set, the cited places as links to this server's document pages.
    const links = sourceLinks(answer.citations, this.options.publicUrl);
    await send({ text: links ? `${answer.answer}\n${links}` : answer.answer, buttons });
  }

  private async handleCommand(message: IncomingText, name: string, args: string, send: Send, log: Logger): Promise<void> {
    const { chat } = message;
    const admin = this.isAdmin(chat, message.userId);
    log.info({ command: name }, 'command');
    switch (name) {
      case 'start':
        return send({ text: WELCOME });
      case 'help':
      case 'trogiup':
        return send({ text: helpText(admin) });
      case 'donvi':
        return this.setAgency(chat, args, send);
      case 'nhiemvu':
        return this.listTasks(chat, undefined, send);
      case 'hanchot': {
        const days = args ? Number.parseInt(args, 10) : 14;
        if (!Number.isFinite(days) || days < 0 || days > 3660) {
          return send({ text: 'Số ngày không hợp lệ. Ví dụ: /hanchot 30' });
        }
        return this.listTasks(chat, days, send);
      }
      case 'nhacviec':
        return this.toggleReminders(chat, args, send);
      case 'baocao': {
        const { board, stores } = this.options;
        if (!board) return send({ text: userMessage('UNKNOWN_COMMAND') });
        return send({ text: board.report(chat, stores.profiles.get(chat)?.agencyId, args, this.today()) });
      }
      case 'tonghop': {
        const { board, stores } = this.options;
        if (!board) return send({ text: userMessage('UNKNOWN_COMMAND') });
        if (!admin && !board.mayAskSummary(chat)) return send({ text: userMessage('FORBIDDEN') });
        return send({ text: board.summary(stores.profiles.get(chat)?.province, this.today()) });
      }
      case 'thutuc':
        if (!args) return send({ text: 'Bạn muốn hỏi thủ tục nào? Ví dụ: /thutuc đăng ký khai sinh' });
        return this.replyAnswer(chat, `thủ tục ${args}`, send, log);
      case 'nguon':
        return send({ text: this.sources(chat) });
      case 'reindex':
        if (!admin) return send({ text: userMessage('FORBIDDEN') });
        return this.reindex(send, log);
      case 'thongke':
        if (!admin) return send({ text: userMessage('FORBIDDEN') });
        return send({ text: this.stats() });
      default:
        return send({ text: userMessage('UNKNOWN_COMMAND') });
    }
  }

  private async setAgency(chat: ChatKey, args: string, send: Send): Promise<void> {
    const { assistant, stores } = this.options;
    const profile = stores.profiles.get(chat);
    if (!args) {
      const current = profile?.agencyId ? (assistant.agencyName(profile.agencyId) ?? profile.agencyId) : 'chưa đặt';
      const provinces = assistant.provinces();
      return send({
        text: [
          `Đơn vị hiện tại: ${current}${profile?.province ? ` (${profile.province})` : ''}.`,
          'Đặt đơn vị: /donvi <tên đơn vị>, ví dụ /donvi Sở TT&TT.',
          provinces.length > 0 ? `Đặt tỉnh: /donvi ${provinces[0]} (có: ${provinces.join(', ')}).` : '',
        ].filter(Boolean).join('\n'),
      });
    }
    const province = assistant.provinces().find((p) => fold(p) === fold(args) || fold(`tỉnh ${p}`) === fold(args));
    if (province) {
      stores.profiles.update(chat, { province });
      return send({ text: `Đã đặt tỉnh: ${province}.` });
    }
    const choices = assistant.lookupAgency(args, profile?.province);
    if (choices.length === 0) {
      return send({ text: `Không tìm thấy đơn vị "${args}". Bạn thử gõ tên đầy đủ, ví dụ: /donvi Sở Thông tin và Truyền thông.` });
    }
    if (!isAmbiguous(choices)) return this.saveAgency(chat, choices[0]!, send);
    const options: PendingOption[] = choices.slice(0, 6).map((c) => ({
      label: c.province ? `${c.name} (${c.province})` : c.name,
      value: c.id,
      ...(c.province ? { province: c.province } : {}),
    }));
    const state = stores.conversations.get(chat);
    stores.conversations.set(chat, { ...state, pending: { kind: 'agency', options } });
    return send({
      text: options.length > 1 ? `Có ${options.length} đơn vị gần với "${args}". Bạn là đơn vị nào?` : `Có phải bạn là ${options[0]!.label}? Bấm để xác nhận, hoặc gõ tên đầy đủ hơn.`,
      buttons: options.map((o, i) => [{ label: o.label, data: `ch:${i}`, kind: 'choice' }]),
    });
  }

  private async saveAgency(chat: ChatKey, choice: Pick<AgencyChoice, 'id' | 'name' | 'province'>, send: Send): Promise<void> {
    this.options.stores.profiles.update(chat, { agencyId: choice.id, ...(choice.province ? { province: choice.province } : {}) });
    return send({
      text: `Đã đặt đơn vị: ${choice.name}${choice.province ? ` (${choice.province})` : ''}.\nXem nhiệm vụ: /nhiemvu · Hạn chót: /hanchot · Nhắc việc: /nhacviec on`,
    });
  }

  private async choose(chat: ChatKey, index: number, send: Send, log: Logger): Promise<void> {
    const { stores, assistant } = this.options;
    const state = stores.conversations.get(chat);
    const option = state.pending?.options[index];
    if (!state.pending || !option) {
      return send({ text: 'Lựa chọn này đã hết hạn. Bạn vui lòng hỏi lại.' });
    }
    const kind = state.pending.kind;
    stores.conversations.set(chat, { ...state, pending: undefined });
    if (kind === 'agency') {
      const name = assistant.agencyName(option.value) ?? option.label;
      return this.saveAgency(chat, { id: option.value, name, ...(option.province ? { province: option.province } : {}) }, send);
    }
    return this.replyAnswer(chat, option.value, send, log);
  }

  private async listTasks(chat: ChatKey, days: number | undefined, send: Send): Promise<void> {
    const { assistant, stores } = this.options;
    const profile = stores.profiles.get(chat);
    if (!profile?.agencyId) {
      return send({ text: 'Bạn chưa đặt đơn vị. Gõ /donvi <tên đơn vị>, ví dụ: /donvi Sở TT&TT.' });
    }
    const today = this.today();
    const tasks = assistant.tasksFor({
      agency: profile.agencyId,
      ...(profile.province ? { province: profile.province } : {}),
      today,
      ...(days !== undefined ? { dueWithinDays: days, includeOverdue: true } : {}),
    });
    const name = assistant.agencyName(profile.agencyId) ?? profile.agencyId;
    if (tasks.own.length + tasks.group.length === 0) {
      return send({
        text: days !== undefined
          ? `Không có nhiệm vụ nào của ${name} đến hạn trong ${days} ngày tới (tính từ ${displayDate(today)}) hoặc quá hạn, theo các văn bản đã nạp.`
          : `Các văn bản đã nạp không giao nhiệm vụ nào cho ${name}.`,
      });
    }
    const title = days !== undefined
      ? `Nhiệm vụ của ${name} đến hạn trong ${days} ngày tới và quá hạn (tính từ ${displayDate(today)})`
      : `Nhiệm vụ của ${name}`;
    const text = assistant.formatTasks(tasks, { title, today });
    // The numbers /baocao refers to are those of the agency's own list (formatTasks shows 10).
    const shown = tasks.own.slice(0, 10);
    const { board } = this.options;
    if (!board) return send({ text });
    board.rememberList(chat, shown, today);
    const status = board.statusLines(shown, today);
    return send({ text: status ? `${text}\n\n${status}` : text });
  }

  private async toggleReminders(chat: ChatKey, args: string, send: Send): Promise<void> {
    const { stores, assistant } = this.options;
    const arg = fold(args);
    const on = ['on', 'bat', '1', 'co'].includes(arg);
    const off = ['off', 'tat', '0', 'khong'].includes(arg);
    const profile = stores.profiles.get(chat);
    if (!on && !off) {
      return send({ text: `Nhắc việc đang ${profile?.reminders ? 'bật' : 'tắt'}. Dùng /nhacviec on hoặc /nhacviec off.` });
    }
    stores.profiles.update(chat, { reminders: on });
    if (off) return send({ text: 'Đã tắt nhắc việc.' });
    const who = profile?.agencyId ? (assistant.agencyName(profile.agencyId) ?? profile.agencyId) : undefined;
    return send({
      text: who
        ? `Đã bật nhắc việc cho ${who}: mỗi sáng tôi báo các nhiệm vụ còn 7, 3, 1 ngày đến hạn và nhiệm vụ vừa quá hạn.`
        : 'Đã bật nhắc việc. Bạn cần đặt đơn vị bằng /donvi <tên đơn vị> để nhận nhắc.',
    });
  }

  private sources(chat: ChatKey): string {
    const state = this.options.stores.conversations.get(chat);
    if (state.citations.length === 0) return 'Chưa có câu trả lời nào có nguồn trong cuộc trò chuyện này.';
    return ['Nguồn của câu trả lời trước:', ...state.citations.map((c, i) => formatCitation(c, i + 1, this.options.publicUrl))].join('\n\n');
  }

  private async reindex(send: Send, log: Logger): Promise<void> {
    await send({ text: 'Đang cập nhật chỉ mục tài liệu… Tôi vẫn trả lời bằng chỉ mục cũ trong lúc chờ.' });
    try {
      const s = await this.options.assistant.reindex();
      log.info({ summary: { ...s, errors: s.errors.length } }, 'reindex done');
      // The same Vietnamese summary as the CLI (added, changed, removed, kept, failed + hints), file names only.
      await send({ text: this.options.reindexText(s) });
    } catch (err) {
      log.error({ err }, 'reindex failed');
      const code = (err as { code?: unknown }).code === 'REINDEX_LOCKED' ? 'REINDEX_LOCKED' : 'INTERNAL';
      await send({ text: userMessage(code) });
    }
  }

  private stats(): string {
    const since = new Date(this.now().getTime() - 7 * 86_400_000);
    const s = this.options.stores.questions.stats({ since, top: 5, timezone: this.timezone });
    const rate = s.total > 0 ? ((100 * s.refused) / s.total).toFixed(1) : '0';
    const lines = [
      'Thống kê 7 ngày qua:',
      `• Câu hỏi: ${s.total}, không trả lời được: ${s.refused} (${rate}%)`,
      `• Đánh giá: 👍 ${s.feedback.up} · 👎 ${s.feedback.down}`,
    ];
    if (s.perDay.length > 0) {
      lines.push('', 'Theo ngày:');
      for (const d of s.perDay) lines.push(`• ${displayDate(d.day)}: ${d.questions} câu hỏi, ${d.refused} chưa trả lời được`);
    }
    if (s.topUnanswered.length > 0) {
      lines.push('', 'Câu hỏi chưa trả lời được nhiều nhất:');
      for (const q of s.topUnanswered) lines.push(`• (${q.count}) ${q.question.slice(0, 200)}`);
    }
    return lines.join('\n');
  }
}

/** One source for /nguon: document, title, place; a link to its page when PUBLIC_URL is set, never the file path. */
export function formatCitation(c: Citation, n: number, publicUrl?: string): string {
  const head = [c.document, c.date ? `ngày ${displayDate(c.date)}` : undefined, c.issuer ? `— ${c.issuer}` : undefined]
    .filter(Boolean)
    .join(' ');
  const lines = c.lines[0] === c.lines[1] ? `dòng ${c.lines[0]}` : `dòng ${c.lines[0]}–${c.lines[1]}`;
  return [
    `${n}. ${head}`,
    `   ${c.title}`,
    `   ${c.section}${c.page !== undefined ? `, trang ${c.page}` : ''} (${lines})`,
    ...(publicUrl ? [`   Xem: ${documentLink(c, publicUrl)}`] : []),
  ].join('\n');
}

/** "/donvi@MyBot Sở TT&TT" → { name: 'donvi', args: 'Sở TT&TT' }. */
export function parseCommand(text: string): { name: string; args: string } | undefined {
  const m = /^\/([A-Za-z_]+)(?:@\w+)?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!m) return undefined;
  return { name: m[1]!.toLowerCase(), args: (m[2] ?? '').trim() };
}

/** Below this, even a single match is only a guess: confirm with the user. */
export const WEAK_AGENCY_SCORE = 0.6;

/** A score the registry gives for an exact name or alias match. */
const EXACT_AGENCY_SCORE = 0.999;

/**
 * Ask "which one" when the runner-up scores within 10% of the best, or the best is a weak guess.
 * A single exact match ("Sở TT&TT" is an alias) wins outright, however close the fuzzy runner-up.
 */
export function isAmbiguous(choices: AgencyChoice[]): boolean {
  const [best, second] = choices;
  if (!best) return false;
  if (best.score < WEAK_AGENCY_SCORE) return true;
  if (!second) return false;
  if (best.score >= EXACT_AGENCY_SCORE) return second.score >= EXACT_AGENCY_SCORE;
  return second.score >= best.score * 0.9;
}
