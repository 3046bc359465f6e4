/**
 * Question understanding, kept for callers of the earlier API: `understand` is the question model
 * (question.ts) without province or agency finders. Cue words live in knowledge/question-lexicon.json.
 */
import { parseQuestion, type QuestionFrame } from './question.js';

export { isThanks, type QuestionFrame, type TimeWindow } from './question.js';

/** Understand a question. `today` feeds relative windows ("trước tháng 11" = this year's November). */
export function understand(question: string, today: string): QuestionFrame {
  return parseQuestion(question, { today });
}
