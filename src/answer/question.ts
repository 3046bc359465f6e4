/**
 * The question model: a question is parsed once into a kind and slots (agency, province, period,
 * document, aspect, topic terms) from the words of knowledge/question-lexicon.json. Answerers read
 * the slots; a follow-up ("thế còn Sơn La?", "ai phối hợp?") fills its missing slots from the
 * previous question's slots, never by editing the previous question's text.
 */
import type { Intent, QuestionSlotsRecord } from '../domain/answer.js';
import { defaultAbbreviations } from '../text/abbreviations.js';
import { fold } from '../text/normalize.js';
import { defaultQuestionLexicon, type CompiledLexicon, type DocumentFact } from './question-lexicon.js';
import { parsePeriod, type TimeWindow } from './question-period.js';

export type { TimeWindow } from './question-period.js';

export type QuestionKind =
  | 'greeting'
  | 'help'
  | 'procedure'
  /** One aspect (lead, partners, deadline) of one task. */
  | 'task_aspect'
  /** Task lists: of an agency, of a period, of a document, overdue/upcoming ones. */
  | 'agency_tasks'
  | 'period_tasks'
  | 'document_tasks'
  | 'overdue'
  /** A figure (chỉ tiêu, tỷ lệ) of a plan. */
  | 'figure'
  /** A fact of a document record: number, date, signer, recipients, proposer, effective date. */
  | 'document_fact'
  /** Anything else: a sentence quoted from the documents. */
  | 'quote';

export type TaskAspect = 'lead' | 'partners' | 'deadline';
export type Aspect = TaskAspect | DocumentFact;

export interface QuestionSlots {
  /** Canonical province names, in order of mention. */
  province: string[];
  /** Agency as the question names it (a registry mention), when a finder was given. */
  agency?: string;
  period?: TimeWindow;
  /** Document numbers mentioned ("114", "1118/qđ-ubnd"), digits only. */
  docNumbers: string[];
  aspect?: Aspect;
  /** The question refers to the asker's own agency ("đơn vị tôi", "của tôi"). */
  mine: boolean;
  /** Content syllables (folded, canonical) with question words and province names removed. */
  terms: string[];
}

export interface QuestionFrame {
  /** Question as typed (cleaned). */
  raw: string;
  /** Folded + canonical abbreviations, single-spaced. */
  folded: string;
  kind: QuestionKind;
  slots: QuestionSlots;
  /** The answer's intent (the public enum), derived from kind and aspect. */
  intent: Intent;
  mine: boolean;
  /** "ai là Trưởng ban …?" asks for a person, which only a sentence naming one can answer. */
  asksPerson: boolean;
  /** "ai ký?", "người ký là ai": the signer of a document. */
  asksSigner: boolean;
  /** Follow-up with little content of its own ("còn thời hạn thì sao?", "ai phối hợp?"). */
  followUp: boolean;
  window?: TimeWindow;
  docNumbers: string[];
  /** Content syllables (folded, canonical) with question words removed. */
  content: string[];
  /** Words that place the question in plan documents ("chủ trì", "kế hoạch", "chỉ tiêu", "sở"). */
  planWords: boolean;
  /** "bao nhiêu %", "tỷ lệ": a share, which only a plan's figure answers (never a guide's fee or time). */
  asksShare: boolean;
  /** "hàng quý", "định kỳ": asks for a recurring deadline. */
  periodic: boolean;
  /** Asks a list of a document's tasks ("KH 114 có những nhiệm vụ gì"). */
  documentList: boolean;
}

export interface ParseOptions {
  today: string;
  lexicon?: CompiledLexicon;
  /** Canonical provinces named in a text (the province table). */
  provinces?: (text: string) => string[];
  /** The agency a text names, if any (the agency registry). */
  agency?: (text: string) => string | undefined;
}

/** "cảm ơn bot nhé", "ok cảm ơn": thanks rather than a greeting (folded text). */
export function isThanks(folded: string, lex: CompiledLexicon = defaultQuestionLexicon()): boolean {
  return lex.thanks.test(folded);
}

/** The public intent of a kind (what `Answer.intent` reports). */
export function intentOf(kind: QuestionKind, aspect: Aspect | undefined): Intent {
  switch (kind) {
    case 'task_aspect':
      return aspect === 'partners' ? 'who_cooperates' : aspect === 'deadline' ? 'deadline' : 'who_leads';
    case 'agency_tasks':
    case 'period_tasks':
    case 'document_tasks':
    case 'overdue':
      return 'agency_tasks';
    case 'figure':
      return 'target';
    case 'document_fact':
    case 'quote':
      return 'fact';
    default:
      return kind;
  }
}

/** The kind an intent stands for, refined by the slots (period, document, overdue). */
function kindOf(intent: Intent, slots: QuestionSlots, documentList: boolean): QuestionKind {
  switch (intent) {
    case 'who_leads':
    case 'who_cooperates':
    case 'deadline':
      return 'task_aspect';
    case 'agency_tasks':
      if (slots.period?.kind === 'overdue' || slots.period?.kind === 'upcoming') return 'overdue';
      if (slots.agency || slots.mine) return 'agency_tasks';
      if (slots.period) return 'period_tasks';
      if (slots.docNumbers.length > 0 && documentList) return 'document_tasks';
      return 'agency_tasks';
    case 'target':
      return 'figure';
    case 'fact':
    case 'out_of_scope':
      return slots.aspect && slots.aspect !== 'lead' && slots.aspect !== 'partners' && slots.aspect !== 'deadline' ? 'document_fact' : 'quote';
    default:
      return intent;
  }
}

/** Parse a question into kind and slots. `today` anchors relative periods ("trước tháng 11" = this year's). */
export function parseQuestion(question: string, options: ParseOptions): QuestionFrame {
  const lex = options.lexicon ?? defaultQuestionLexicon();
  const k = lex.kinds;
  const folded = defaultAbbreviations().canonicalFolded(question).replace(/\s+/g, ' ').trim();
  const content = (folded.replace(lex.courtesy, ' ').match(/[\p{L}\p{N}%]+/gu) ?? []).filter((t) => !lex.stop.has(t));
  const docNumbers = [...folded.matchAll(lex.docNumber)].map((m) => m[1] ?? m[2] ?? '').filter(Boolean);
  const planWords = k.planWords.test(folded) || lex.department.test(folded);
  const mine = k.mine.test(folded);
  const procedureWords = k.procedure.test(folded);
  // A citizen's "quá hạn" about a card or licence is an expired paper, not overdue tasks.
  const citizenExpiry = k.overdue.test(folded) && !planWords && k.citizenPapers.test(folded);
  const window = citizenExpiry ? undefined : parsePeriod(folded, options.today, lex);
  const listed = k.taskList.test(folded) && !citizenExpiry;
  const deadlineCue = k.deadline.test(folded);
  const fact = lex.facts.find(([, re]) => re.test(folded))?.[0];

  let intent: Intent;
  if ((k.procedureSubject.test(folded) && !planWords) || citizenExpiry) intent = 'procedure';
  else if (lex.greeting.test(folded) || lex.thanks.test(folded)) intent = 'greeting';
  else if (lex.help.test(folded) || lex.aboutBot.test(folded) || lex.commands.has(folded)) intent = 'help';
  // A fact of the document itself ("do ai ký", "gửi cho những đơn vị nào"), not of one of its tasks.
  else if (fact) intent = 'fact';
  else if (k.partners.test(folded)) intent = 'who_cooperates';
  // "ai phải báo cáo …", "… là việc của đơn vị nào": the lead, though list words are present.
  else if (k.leadFirst.test(folded) && !k.deadlineAsk.test(folded)) intent = 'who_leads';
  // "Danh sách nhiệm vụ đến hạn tháng 8/2024", "Quý III cần hoàn thành gì?": tasks of a period, listed.
  else if (window?.kind === 'before' && window.from && k.periodList.test(folded)) intent = 'agency_tasks';
  // "phải xong những việc gì trước tháng 6" lists tasks in a window; it does not ask a deadline.
  else if (deadlineCue && !k.upcoming.test(folded) && !k.overdue.test(folded) && !(window?.kind === 'before' && listed)) intent = 'deadline';
  // "còn cấp lại thì cần những gì?": list words about papers, with nothing of a plan, ask a procedure.
  else if (listed && procedureWords && !planWords && !mine && !window) intent = 'procedure';
  else if (listed) intent = 'agency_tasks';
  else if (k.lead.test(folded)) intent = 'who_leads';
  // A percentage, or a figure in a plan's words, is a target even when it names a procedure.
  else if (k.figure.test(folded) && (!procedureWords || planWords || k.figureStrong.test(folded))) intent = 'target';
  else if (procedureWords) intent = 'procedure';
  else intent = 'fact';

  // "bao lâu"/"lệ phí" are procedure words even though "bao" looks like a figure cue.
  if ((intent === 'target' || intent === 'deadline' || intent === 'fact') && procedureWords && !k.indicator.test(folded) && k.procedureNouns.test(folded)) {
    intent = 'procedure';
  }

  const provinces = options.provinces?.(question) ?? [];
  const provinceTokens = new Set(provinces.flatMap((p) => fold(p).split(/[^\p{L}\p{N}]+/u)));
  const aspect: Aspect | undefined =
    intent === 'who_leads' ? 'lead' : intent === 'who_cooperates' ? 'partners' : intent === 'deadline' ? 'deadline' : intent === 'fact' ? fact : undefined;
  const agency = options.agency?.(question);
  const slots: QuestionSlots = {
    province: provinces,
    ...(agency ? { agency } : {}),
    ...(window ? { period: window } : {}),
    docNumbers,
    ...(aspect ? { aspect } : {}),
    mine,
    terms: content.filter((t) => !provinceTokens.has(t) && !docNumbers.includes(t)),
  };
  const documentList = k.documentList.test(folded);
  const followUp =
    content.length === 0 || (content.length <= lex.source.followUp.maxTerms && (lex.followUpLead.test(folded) || lex.followUpTail.test(folded)));
  return {
    raw: question,
    folded,
    kind: kindOf(intent, slots, documentList),
    slots,
    intent,
    mine,
    asksPerson: lex.personAsk.test(folded) || k.person.test(folded),
    asksSigner: k.signer.test(folded),
    followUp,
    ...(window ? { window } : {}),
    docNumbers,
    content,
    planWords,
    asksShare: k.figureStrong.test(folded),
    periodic: k.periodic.test(folded),
    documentList,
  };
}

/**
 * A follow-up's slots completed from the previous question's: what the follow-up names wins, what
 * it leaves out (province, period, document, agency, topic) is carried over. Its kind is its own
 * unless it asks nothing of its own ("thế còn Sơn La?"), then the previous one's.
 */
export function withPrevious(frame: QuestionFrame, previous: QuestionSlotsRecord | undefined, previousIntent?: Intent): QuestionFrame {
  if (!previous) return frame;
  const own = frame.slots;
  const slots: QuestionSlots = {
    province: own.province.length > 0 ? own.province : previous.province,
    ...((own.agency ?? previous.agency) ? { agency: own.agency ?? previous.agency } : {}),
    ...((own.period ?? previous.period) ? { period: (own.period ?? previous.period) as TimeWindow } : {}),
    docNumbers: own.docNumbers.length > 0 ? own.docNumbers : previous.docNumbers,
    ...((own.aspect ?? previous.aspect) ? { aspect: (own.aspect ?? previous.aspect) as Aspect } : {}),
    mine: own.mine || previous.mine,
    terms: [...previous.terms, ...own.terms.filter((t) => !previous.terms.includes(t))],
  };
  const intent = frame.intent === 'fact' && previousIntent ? previousIntent : frame.intent;
  const kind = intent === frame.intent ? frame.kind : kindOf(intent, slots, frame.documentList);
  return {
    ...frame,
    kind,
    intent,
    slots,
    ...(slots.period ? { window: slots.period } : {}),
    docNumbers: slots.docNumbers,
    content: [...previous.terms, ...frame.content.filter((t) => !previous.terms.includes(t))],
    mine: slots.mine,
  };
}

/** The slots as carried between turns (AnswerContext.subjectSlots). */
export function slotsRecord(slots: QuestionSlots): QuestionSlotsRecord {
  return {
    province: slots.province,
    ...(slots.agency ? { agency: slots.agency } : {}),
    ...(slots.period ? { period: slots.period } : {}),
    docNumbers: slots.docNumbers,
    ...(slots.aspect ? { aspect: slots.aspect } : {}),
    mine: slots.mine,
    terms: slots.terms,
  };
}
