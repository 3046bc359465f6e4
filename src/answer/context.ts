/** Carrying a conversation from one answer to the next (CLI sessions, chat profiles). */
import type { Answer, AnswerContext } from '../domain/answer.js';

/** The context for the next question, keeping the asker's profile fields. */
export function nextContext(previous: AnswerContext | undefined, answer: Answer): AnswerContext {
  return {
    ...(previous?.agency ? { agency: previous.agency } : {}),
    ...(previous?.province ? { province: previous.province } : {}),
    ...(previous?.today ? { today: previous.today } : {}),
    previousQuestion: answer.question,
    previousAnswer: answer.answer,
    previousIntent: answer.intent,
    taskIds: answer.tasks.map((t) => t.id).slice(0, 20),
    docIds: [...new Set(answer.citations.map((c) => c.docId))],
  };
}
