/** Carrying a conversation from one answer to the next (CLI sessions, chat profiles). */
import type { Answer, AnswerContext } from '../domain/answer.js';
import { expandChatSpelling } from '../text/chat.js';
import { understand } from './intent.js';

/** The context for the next question, keeping the asker's profile fields. */
export function nextContext(previous: AnswerContext | undefined, answer: Answer): AnswerContext {
  const today = previous?.today ?? new Date().toISOString().slice(0, 10);
  // A follow-up ("ai phối hợp?") keeps the subject of the question it followed.
  const followUp = understand(expandChatSpelling(answer.question), today).followUp;
  const subject = followUp ? (previous?.subjectQuestion ?? previous?.previousQuestion ?? answer.question) : answer.question;
  return {
    ...(previous?.agency ? { agency: previous.agency } : {}),
    ...(previous?.province ? { province: previous.province } : {}),
    ...(previous?.today ? { today: previous.today } : {}),
    previousQuestion: answer.question,
    subjectQuestion: subject,
    previousAnswer: answer.answer,
    previousIntent: answer.intent,
    // A refusal that still names related tasks keeps them, so "còn thời hạn thì sao?" works after it.
    taskIds: (answer.tasks.length > 0 ? answer.tasks.map((t) => t.id) : (previous?.taskIds ?? [])).slice(0, 20),
    docIds: [...new Set(answer.citations.map((c) => c.docId))],
  };
}
