/**
 * Daily deadline reminders. At REMINDER_HOUR (local time in TIMEZONE) each subscribed chat gets
 * its agency's tasks due in 7, 3 and 1 days and the newly overdue ones, each task/threshold/due
 * date at most once.
 *
 * Delivery guarantee: AT-MOST-ONCE. Ledger rows are claimed in one transaction *before* the
 * message is sent; a message Telegram/Zalo definitely refused releases its rows (the next run
 * retries), but a crash between claim and send loses that reminder rather than duplicating it —
 * a duplicate nag is worse for civil servants than a missed one the daily /hanchot shows anyway.
 * The day is marked done only once every chat was processed, so after a crash mid-run the restart
 * reaches the chats the crashed run had not (only the one in flight is lost).
 * Recurring deadlines: `Task.deadline.due` from tasksFor is the next occurrence, and the due date
 * is part of the ledger key, so each occurrence is reminded anew.
 */
import type { Logger } from 'pino';
import type { AgencyTasks, Assistant } from '../answer/assistant.js';
import type { Deadline, Task } from '../domain/records.js';
import { displayDate, localDate } from '../channels/conversation.js';
import type { ChannelName, Profile, ReminderEntry, ReminderLedger, ReminderThreshold, ProfileStore } from '../storage/stores.js';

export interface Notifier {
  /** Sends plain text to a chat; throws when the platform refused it. */
  notify(chatId: string, text: string): Promise<void>;
}

export interface ReminderSchedulerOptions {
  assistant: Assistant;
  profiles: ProfileStore;
  ledger: ReminderLedger;
  notifiers: Partial<Record<ChannelName, Notifier>>;
  logger: Logger;
  /** Local hour the daily run happens. Default: 8. */
  hour?: number;
  /** Default: Asia/Ho_Chi_Minh. */
  timezone?: string;
  /** Injectable clock. Default: real time. */
  now?: () => Date;
  /** How often the timer checks whether the daily run is due. Default: 60 000 ms. */
  checkEveryMs?: number;
  /** An overdue task counts as "newly overdue" for this many days after its due date. Default: 7. */
  overdueGraceDays?: number;
  /** Record ids of tasks their agency reported done (task board): no reminder for those. */
  doneTasks?: (tasks: Task[], today: string) => Set<string>;
}

export interface ReminderRunReport {
  day: string;
  chats: number;
  sent: number;
  failed: number;
}

const THRESHOLDS: Array<{ threshold: Exclude<ReminderThreshold, 'overdue'>; maxDays: number; minDays: number; label: string }> = [
  { threshold: '1', minDays: 0, maxDays: 1, label: 'Đến hạn hôm nay hoặc ngày mai' },
  { threshold: '3', minDays: 2, maxDays: 3, label: 'Đến hạn trong 3 ngày tới' },
  { threshold: '7', minDays: 4, maxDays: 7, label: 'Đến hạn trong 7 ngày tới' },
];

const META_LAST_RUN = 'reminders.lastRunDay';

export class ReminderScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<ReminderRunReport | undefined> | undefined;
  private readonly now: () => Date;
  private readonly timezone: string;
  private readonly hour: number;

  constructor(private readonly options: ReminderSchedulerOptions) {
    this.now = options.now ?? (() => new Date());
    this.timezone = options.timezone ?? 'Asia/Ho_Chi_Minh';
    this.hour = options.hour ?? 8;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.options.checkEveryMs ?? 60_000);
    this.timer.unref();
    void this.tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Runs the daily batch when the local hour has come and today's run has not happened. */
  async tick(): Promise<ReminderRunReport | undefined> {
    if (this.running) return this.running;
    const now = this.now();
    const day = localDate(now, this.timezone);
    if (localHour(now, this.timezone) < this.hour) return undefined;
    if (this.options.ledger.getMeta(META_LAST_RUN) === day) return undefined;
    this.running = this.runDay(day).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** One batch for a given local day (also used by tests directly). */
  async runDay(day: string): Promise<ReminderRunReport> {
    const { assistant, profiles, ledger, notifiers, logger } = this.options;
    const log = logger.child({ component: 'reminders', day });
    const report: ReminderRunReport = { day, chats: 0, sent: 0, failed: 0 };
    if (!assistant.isReady()) {
      log.warn('index not loaded; reminders postponed');
      return report;
    }
    // The day is recorded as done only after every chat was processed: after a crash mid-run the
    // next start runs the day again and reaches the chats this run did not. Nothing is sent twice:
    // the ledger claims each task/threshold per chat before sending.
    for (const profile of profiles.subscribers()) {
      const notifier = notifiers[profile.channel];
      if (!notifier || !profile.agencyId) continue;
      report.chats += 1;
      try {
        const outcome = await this.remindChat(profile, day, notifier, log);
        if (outcome === 'sent') report.sent += 1;
        if (outcome === 'failed') report.failed += 1;
      } catch (err) {
        report.failed += 1;
        log.error({ err, channel: profile.channel }, 'reminder for chat failed');
      }
    }
    ledger.setMeta(META_LAST_RUN, day);
    log.info(report, 'reminders run done');
    return report;
  }

  private async remindChat(profile: Profile, day: string, notifier: Notifier, log: Logger): Promise<'sent' | 'failed' | 'none'> {
    const { assistant, ledger } = this.options;
    const tasks = assistant.tasksFor({
      agency: profile.agencyId!,
      ...(profile.province ? { province: profile.province } : {}),
      today: day,
      dueWithinDays: 7,
      includeOverdue: true,
    });
    const grace = this.options.overdueGraceDays ?? 7;
    const done = this.options.doneTasks?.([...tasks.own, ...tasks.group], day);
    const candidates: Array<{ entry: ReminderEntry; task: Task; group: boolean }> = [];
    for (const [group, list] of [[false, tasks.own], [true, tasks.group]] as const) {
      for (const task of list) {
        if (done?.has(task.id)) continue;
        const due = task.deadline.due;
        const threshold = thresholdFor(day, task.deadline, grace);
        if (!due || !threshold) continue;
        candidates.push({ entry: { channel: profile.channel, chatId: profile.chatId, taskId: task.id, due, threshold }, task, group });
      }
    }
    if (candidates.length === 0) return 'none';
    const claimed = ledger.claim(candidates.map((c) => c.entry), this.now());
    if (claimed.length === 0) return 'none';
    const claimedKeys = new Set(claimed.map(entryKey));
    const fresh = candidates.filter((c) => claimedKeys.has(entryKey(c.entry)));
    const text = this.message(profile, day, fresh);
    try {
      await notifier.notify(profile.chatId, text);
      ledger.markSent(claimed);
      log.info({ channel: profile.channel, tasks: claimed.length }, 'reminder sent');
      return 'sent';
    } catch (err) {
      ledger.release(claimed);
      log.error({ err, channel: profile.channel }, 'reminder send failed; released for the next run');
      return 'failed';
    }
  }

  private message(profile: Profile, day: string, items: Array<{ entry: ReminderEntry; task: Task; group: boolean }>): string {
    const { assistant } = this.options;
    const name = assistant.agencyName(profile.agencyId!) ?? profile.agencyId!;
    const parts = [`⏰ Nhắc hạn nhiệm vụ của ${name} (ngày ${displayDate(day)})`];
    const buckets: Array<{ label: string; threshold: ReminderThreshold }> = [
      { label: 'Đã quá hạn', threshold: 'overdue' },
      ...THRESHOLDS.map((t) => ({ label: t.label, threshold: t.threshold })),
    ];
    for (const bucket of buckets) {
      const inBucket = items.filter((i) => i.entry.threshold === bucket.threshold);
      if (inBucket.length === 0) continue;
      const tasks: AgencyTasks = { own: inBucket.filter((i) => !i.group).map((i) => i.task), group: inBucket.filter((i) => i.group).map((i) => i.task) };
      parts.push(assistant.formatTasks(tasks, { title: bucket.label, today: day, limit: 20 }));
    }
    parts.push('Tắt nhắc việc: /nhacviec off');
    return parts.join('\n\n');
  }
}

/**
 * Which reminder a deadline is due for on `day`: '7' (4–7 days left), '3' (2–3), '1' (0–1),
 * 'overdue' (1–graceDays days late) or none.
 */
export function thresholdFor(day: string, deadline: Deadline, graceDays: number): ReminderThreshold | undefined {
  if (!deadline.due) return undefined;
  const days = daysBetween(day, deadline.due);
  if (days < 0) {
    // A recurring deadline whose `due` is in the past is a stale occurrence, not an overdue task:
    // tasksFor is expected to give the next occurrence; never nag with a wrong date.
    if (deadline.kind === 'recurring') return undefined;
    return -days <= graceDays ? 'overdue' : undefined;
  }
  return THRESHOLDS.find((t) => days >= t.minDays && days <= t.maxDays)?.threshold;
}

function entryKey(e: ReminderEntry): string {
  return `${e.channel}\u0000${e.chatId}\u0000${e.taskId}\u0000${e.due}\u0000${e.threshold}`;
}

/** Whole days from `from` to `to` (ISO dates), negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to.slice(0, 10)}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

function localHour(date: Date, timezone: string): number {
  return Number(new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', hourCycle: 'h23' }).format(date));
}
