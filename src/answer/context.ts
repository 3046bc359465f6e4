/** Carrying a conversation from one answer to the next (CLI sessions, chat profiles). */
import type { Answer, AnswerContext } from '../domain/answer.js';
import { expandChatSpelling } from '../text/chat.js';
import { Provinces } from '../text/provinces.js';
import { parseQuestion, slotsRecord, withPrevious } from './question.js';

let provinces: Provinces | undefined;

/** The context for the next question, keeping the asker's profile fields. */
export function nextContext(previous: AnswerContext | undefined, answer: Answer): AnswerContext {
  const today = previous?.today ?? new Date().toISOString().slice(0, 10);
  provinces ??= Provinces.load();
  const table = provinces;
  const frame = parseQuestion(expandChatSpelling(answer.question), { today, provinces: (t) => table.find(t) });
  // A follow-up ("ai phối hợp?") keeps the subject of the question it followed, with its slots
  // completed from that subject's slots.
  const followUp = frame.followUp && !!(previous?.subjectQuestion ?? previous?.previousQuestion);
  const subject = followUp ? (previous?.subjectQuestion ?? previous?.previousQuestion ?? answer.question) : answer.question;
  const slots = followUp ? withPrevious(frame, previous?.subjectSlots).slots : frame.slots;
  return {
    ...(previous?.agency ? { agency: previous.agency } : {}),
    ...(previous?.province ? { province: previous.province } : {}),
    ...(previous?.today ? { today: previous.today } : {}),
    previousQuestion: answer.question,
    subjectQuestion: subject,
    subjectSlots: slotsRecord(slots),
    previousAnswer: answer.answer,
    previousIntent: answer.intent,
    // A refusal that still names related tasks keeps them, so "còn thời hạn thì sao?" works after it.
    taskIds: (answer.tasks.length > 0 ? answer.tasks.map((t) => t.id) : (previous?.taskIds ?? [])).slice(0, 20),
    docIds: [...new Set(answer.citations.map((c) => c.docId))],
  };
}
