/** POST /api/ask: the web chat's and integrators' JSON API. Out = the Answer object (publicAnswer). */
import { z } from 'zod';
import { documentLink } from '../../answer/cite.js';
import type { Answer, Citation, Passage } from '../../domain/answer.js';

export const AskRequest = z.object({
  question: z.string().trim().min(1, 'question is empty'),
  /** Client-chosen session id; follow-ups in one session share context. */
  session: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'session: 1-100 chars A-Z a-z 0-9 _ -').optional(),
  agency: z.string().max(200).optional(),
  province: z.string().max(100).optional(),
  today: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'today: YYYY-MM-DD')
    .refine(isCalendarDate, 'not a calendar date (YYYY-MM-DD)')
    .optional(),
}).strict();

/** "2024-02-29" yes, "2024-13-45" / "2023-02-29" no: the date must round-trip through Date. */
function isCalendarDate(value: string): boolean {
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}
export type AskRequest = z.infer<typeof AskRequest>;

/**
 * Markdown that documents carry into quotes (web-page exports, portal guides): autolinks
 * "(<https://…>)", "[text](url)", *emphasis* and **bold**, heading hashes. Cleaned to plain text
 * (the link kept as its URL, which the page then makes clickable) for the web chat and the document
 * pages; the words are unchanged.
 */
export function cleanMarkdown(text: string): string {
  return text
    .replace(/\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g, '$1 ($2)')
    .replace(/<(https?:\/\/[^\s>]+)>/g, '$1')
    .replace(/(^|[\s(“"])\*\*([^*\n]+?)\*\*(?=$|[\s).,;:!?”"])/gm, '$1$2')
    .replace(/(^|[\s(“"])[*_]([^*_\n]+?)[*_](?=$|[\s).,;:!?”"])/gm, '$1$2')
    .replace(/^#{1,6}\s+/gm, '');
}

/** A citation as the web API shows it: a link to this server's document page, never a file path. */
export interface PublicCitation {
  docId: string;
  document: string;
  title: string;
  date?: string;
  issuer?: string;
  section: string;
  lines: [number, number];
  page?: number;
  /** `/documents/<id>?lines=a-b#La` (relative to this server). */
  link: string;
}

function publicCitation(c: Citation): PublicCitation {
  const { file: _file, ...rest } = c;
  return { ...rest, link: documentLink(c) };
}

/**
 * The Answer as /api/ask returns it: answer text cleaned of document markdown, citations (and the
 * passages' citations) with a document-page link instead of the server's file path.
 */
export function publicAnswer(answer: Answer): Omit<Answer, 'citations' | 'passages'> & { citations: PublicCitation[]; passages: Array<Omit<Passage, 'citation'> & { citation: PublicCitation }> } {
  return {
    ...answer,
    answer: cleanMarkdown(answer.answer),
    citations: answer.citations.map(publicCitation),
    passages: answer.passages.map((p) => ({ ...p, citation: publicCitation(p.citation) })),
    tasks: answer.tasks.map((t) => {
      const { file: _file, ...doc } = t.doc;
      return { ...t, doc: doc as typeof t.doc };
    }),
  };
}

/** Chat commands the web chat runs (the others need a bot channel: reminders are sent by Telegram/Zalo). */
export const WEB_COMMANDS: ReadonlySet<string> = new Set(['start', 'help', 'donvi', 'nhiemvu', 'hanchot', 'thutuc', 'nguon']);

/** The reply to a command the web chat does not run, naming what it does run. */
export function webUnsupportedCommand(name: string): string {
  return `Lệnh /${name} chỉ dùng được trên Telegram hoặc Zalo. Trên trang này bạn dùng được: ${[...WEB_COMMANDS].map((c) => `/${c}`).join(', ')}.`;
}

/**
 * A command's replies as an answer object for the web page: the texts joined; a reply's choice
 * buttons (an ambiguous /donvi) become choices.
 */
export function commandAnswer(
  question: string,
  replies: Array<{ text: string; buttons?: Array<Array<{ label: string; kind?: string }>> }>,
  /** Drop hints naming commands the web does not run. Default: true. */
  filter = true,
): ReturnType<typeof publicAnswer> {
  // The number picks the option from the conversation's pending choice, as on Zalo.
  const choices = replies
    .flatMap((r) => (r.buttons ?? []).flat())
    .filter((b) => b.kind === 'choice')
    .map((b, i) => ({ label: b.label, query: String(i + 1) }));
  const text = replies.map((r) => (filter ? webOnly(r.text) : r.text)).filter(Boolean).join('\n\n');
  return { question, answer: text, intent: 'help', refused: false, citations: [], passages: [], tasks: [], choices };
}

/**
 * A chat reply as the web chat shows it: hints naming a command this channel does not run are
 * left out ("Xem nhiệm vụ: /nhiemvu · Nhắc việc: /nhacviec on" keeps the first part; a help line
 * "/nhacviec — …" goes), so the page never suggests what it cannot do.
 */
export function webOnly(text: string): string {
  const unsupported = (part: string): boolean => [...part.matchAll(/(?:^|[\s(])\/([a-z_]+)\b/g)].some((m) => !WEB_COMMANDS.has(m[1]!));
  return text
    .split('\n')
    .flatMap((line) => {
      if (line.trim() === '') return [line];
      const kept = line.split(' · ').filter((part) => !unsupported(part)).join(' · ');
      return kept.trim() === '' ? [] : [kept];
    })
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

