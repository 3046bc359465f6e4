/**
 * What the answering engine returns and what a conversation carries between turns.
 * `Answer.text` is exactly the chat message a user sees; channels only re-format it.
 */
import { z } from 'zod';
import { LineSpan } from './document.js';
import { Task } from './records.js';

export const Citation = z.object({
  docId: z.string(),
  /** e.g. "Kế hoạch 114/KH-UBND". */
  document: z.string(),
  title: z.string(),
  /** ISO date of issue. */
  date: z.string().optional(),
  issuer: z.string().optional(),
  /** e.g. "mục II.7" or "Phụ lục, dòng 17". */
  section: z.string(),
  file: z.string(),
  lines: LineSpan,
  page: z.number().int().optional(),
});
export type Citation = z.infer<typeof Citation>;

export const Intent = z.enum([
  'who_leads',
  'who_cooperates',
  'deadline',
  'agency_tasks',
  'target',
  'procedure',
  'fact',
  'greeting',
  'help',
  'out_of_scope',
]);
export type Intent = z.infer<typeof Intent>;

export const Passage = z.object({
  chunkId: z.string(),
  text: z.string(),
  score: z.number(),
  citation: Citation,
});
export type Passage = z.infer<typeof Passage>;

export const Answer = z.object({
  question: z.string(),
  /** Exactly what the chat user sees. */
  answer: z.string(),
  intent: Intent,
  refused: z.boolean(),
  /** Why the engine refused (machine-readable code), when it did. */
  reason: z.string().optional(),
  citations: z.array(Citation),
  passages: z.array(Passage),
  tasks: z.array(Task).default([]),
  /** When the engine needs the user to choose (several documents or procedures match). */
  choices: z.array(z.object({ label: z.string(), query: z.string() })).default([]),
});
export type Answer = z.infer<typeof Answer>;

/** A question's slots as carried to the next turn, so a follow-up fills what it leaves out from them. */
export const QuestionSlotsRecord = z.object({
  province: z.array(z.string()).default([]),
  agency: z.string().optional(),
  period: z
    .union([
      z.object({ kind: z.literal('before'), date: z.string(), from: z.string().optional(), label: z.string().optional() }),
      z.object({ kind: z.literal('upcoming'), days: z.number() }),
      z.object({ kind: z.literal('overdue') }),
      z.object({ kind: z.literal('year'), year: z.number() }),
    ])
    .optional(),
  docNumbers: z.array(z.string()).default([]),
  aspect: z.string().optional(),
  mine: z.boolean().default(false),
  terms: z.array(z.string()).default([]),
});
export type QuestionSlotsRecord = z.infer<typeof QuestionSlotsRecord>;

/** Conversation state carried between turns (CLI session file, chat profile). */
export const AnswerContext = z.object({
  previousQuestion: z.string().optional(),
  /** The last question that had a subject of its own (follow-ups like "ai phối hợp?" keep it). */
  subjectQuestion: z.string().optional(),
  /** The slots of that question (province, period, document, agency, topic terms). */
  subjectSlots: QuestionSlotsRecord.optional(),
  previousAnswer: z.string().optional(),
  previousIntent: Intent.optional(),
  /** Task ids / doc ids the previous answer was about. */
  taskIds: z.array(z.string()).default([]),
  docIds: z.array(z.string()).default([]),
  /** Asker's agency (registry id or free text) and province, from the staff profile. */
  agency: z.string().optional(),
  province: z.string().optional(),
  /** "Today" for deadline questions, ISO date; defaults to the real date. */
  today: z.string().optional(),
});
export type AnswerContext = z.infer<typeof AnswerContext>;
