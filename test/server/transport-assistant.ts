/**
 * A stand-in Assistant for tests of pure transport concerns only (rate limit, dedupe, splitting,
 * secrets, body limits), where the answer's content does not matter. Everything about answers,
 * agencies and tasks is tested against the real assistant (see harness.ts).
 */
import type { Assistant, AgencyTasks } from '../../src/answer/assistant.js';
import type { Answer, AnswerContext } from '../../src/domain/answer.js';

export class TransportAssistant implements Assistant {
  readonly questions: Array<{ question: string; context?: AnswerContext }> = [];
  /** Answer text per question; default echoes the question. */
  answerText: (question: string) => string = (q) => `Trả lời: ${q}`;
  ready = true;

  async answer(question: string, context?: AnswerContext): Promise<Answer> {
    this.questions.push({ question, ...(context ? { context } : {}) });
    return {
      question,
      answer: this.answerText(question),
      intent: 'fact',
      refused: false,
      citations: [],
      passages: [],
      tasks: [],
      choices: [],
    };
  }
  lookupAgency() {
    return [];
  }
  agencyName() {
    return undefined;
  }
  provinces() {
    return [];
  }
  tasksFor(): AgencyTasks {
    return { own: [], group: [] };
  }
  formatTasks(): string {
    return '';
  }
  async reindex() {
    return { published: true, changes: { added: [], changed: [], removed: [], kept: [] }, files: 0, documents: 0, chunks: 0, tasks: 0, procedures: 0, errors: [], durationMs: 0 };
  }
  isReady(): boolean {
    return this.ready;
  }
}
