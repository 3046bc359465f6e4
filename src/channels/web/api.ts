/** POST /api/ask: the web chat's and integrators' JSON API. Out = the Answer object. */
import { z } from 'zod';

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
