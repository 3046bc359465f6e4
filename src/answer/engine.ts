/**
 * answer(question, context): intent → retrieve (records first, passages second) → compose with
 * citations, or refuse. The only module that reads the index at query time.
 */
import type { Logger } from 'pino';
import type { Answer, AnswerContext, Citation, Intent, Passage } from '../domain/answer.js';
import type { AgencyRef, Chunk, DocRef, Target, Task } from '../domain/records.js';
import type { AgencyRegistry } from '../extract/agencies.js';
import { nextOccurrence } from '../extract/deadlines.js';
import type { KnowledgeIndex, SearchHit } from '../index/search.js';
import { cleanText, fold, shorten, stripFootnoteMarks } from '../text/normalize.js';
import { expandChatSpelling } from '../text/chat.js';
import { citeChunk, citeRecord, citeTask, documentLabel, documentName, viDate } from './cite.js';
import {
  MISSING_FACT,
  agencies,
  quoteText,
  refusalText,
  taskGroupAnswer,
  taskListText,
  withSources,
  type TaskAspect,
} from './compose.js';
import { TermStats, countedNoun, coverage, figureBeside, hasDateExpression, hasFigure, hasPersonName, periodWeight, queryTerms, sentenceParts, yearsIn, type QueryTerms } from './evidence.js';
import { isThanks, parseQuestion, slotsRecord, withPrevious, type QuestionFrame } from './question.js';
import { defaultQuestionLexicon, type CompiledLexicon } from './question-lexicon.js';
import { answerProcedure, defaultProcedureVocabulary } from './procedures.js';
import { Provinces } from '../text/provinces.js';
import { OVERDUE_LOOKBACK_DAYS, annotateTask, baseId, changeNotes, effectiveDue, reorganisationNotes, tasksDue, tasksFor, type DueWindow, type ResolvedTasks } from './task-query.js';
import { defaultReorganisation, viDay, type Reorganisation } from '../text/reorganisation.js';
import { documentIdentity, twinKey, withoutTwins } from './twins.js';
import { answerDocumentFact } from './answerers/document-facts.js';
import type { TimeWindow } from './intent.js';

/** Tunables, calibrated on the dev set with `npm run eval` (see README). */
export const ENGINE_DEFAULTS = {
  /** Minimum coverage for a task record to answer a who/deadline question. */
  taskThreshold: 0.55,
  /** Minimum coverage for a quoted sentence to answer. */
  sentenceThreshold: 0.5,
  /** Candidates within this coverage of the best, from another document, are answered too. */
  ambiguityMargin: 0.06,
  /** A quoted sentence replaces a record only when its coverage is higher by this much. */
  sentenceAdvantage: 0.12,
  /**
   * A candidate from another document that states the fact asked answers before a better one that
   * does not, when within this much of it (wider than ambiguityMargin: the better one is no answer).
   */
  statingMargin: 0.12,
  /** Bullets of one task (one per agency) matching the question worse than the best by more than this are left out. */
  bulletMargin: 0.1,
  /** Task lists are cut after this many items. */
  listLimit: 8,
  /** Passages returned with every answer (for citations and recall@5). */
  passages: 5,
  maxQuestionLength: 2000,
} as const;

export interface EngineDeps {
  index: KnowledgeIndex;
  registry: AgencyRegistry;
  provinces?: Provinces;
  /** Agency successions, province mergers, the end of the district level (knowledge/reorganisation.json). */
  reorganisation?: Reorganisation;
  /** Cue phrases, stop words, period and list words (knowledge/question-lexicon.json). */
  lexicon?: CompiledLexicon;
  logger?: Logger;
}

interface Scope {
  /** Provinces named in the question (canonical). */
  named: string[];
  /** The named provinces as of the question's date: with the old provinces merged into them. */
  covered: string[];
  /**
   * Documents the question restricts to (by province or number), together with those whose
   * province or number is unknown: a missing field narrows nothing away. Undefined = all.
   */
  docIds?: Set<string>;
  /** The documents that positively match (province / number read and equal); ranked first. */
  preferred?: Set<string>;
  /**
   * Documents whose task records lists draw on: the matching ones when they have task records at
   * all, else every document in scope (a plan whose header was lost still lists its tasks).
   */
  taskDocIds?: Set<string>;
  /** No document is of the named province and no indexed text mentions it. */
  absent?: boolean;
  /**
   * No document is of the named province but some passages name it: only those passages (and the
   * tasks on their lines) answer, besides documents whose province is unknown.
   */
  passages?: { chunks: Set<string>; tasks: Set<string> };
  /** Human words for the restriction, for refusals ("của tỉnh Lào Cai"). */
  label?: string;
  /** What the reorganisation changed about the named provinces (said under the answer). */
  notes: string[];
}

interface Quoted {
  sentence: string;
  chunk: Chunk;
  score: number;
  next?: string;
  /** The source breaks the line between the sentence and `next`. */
  nextOnNewLine?: boolean;
}

interface Candidate {
  kind: 'task';
  tasks: Task[];
  score: number;
  /** Each task's own score, parallel to `tasks` (one place, one bullet per agency). */
  scores?: number[];
}

const HELP_TEXT = [
  'Tôi là trợ lý tra cứu kế hoạch, quyết định, báo cáo của tỉnh và hướng dẫn thủ tục hành chính. Mỗi câu trả lời đều ghi nguồn (số văn bản, ngày, mục).',
  'Bạn có thể hỏi, ví dụ:',
  '- Ai chủ trì thí điểm Trợ lý ảo trong cơ quan nhà nước?',
  '- Sở TT&TT phải làm gì trước tháng 11?',
  '- Nền tảng dữ liệu mở phải hoàn thành khi nào?',
  '- Chỉ tiêu tỷ lệ hồ sơ giải quyết trực tuyến là bao nhiêu?',
  '- Làm giấy khai sinh cần giấy tờ gì?',
  'Câu hỏi không dấu cũng được. Hỏi tiếp "ai phối hợp?", "còn thời hạn thì sao?" để hỏi thêm về việc vừa hỏi.',
].join('\n');

function todayIso(): string {
  return new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
}

function taskText(t: Task): string {
  return [t.title, t.action ?? '', t.sectionTitle, agencies(t.lead), agencies(t.cooperating), agencies(t.directing ?? []), t.deadline.raw, t.note ?? ''].join(' \n ');
}

/** Where records sit in their documents, so their passages can be shown first. */
function support(tasks: Task[]): Array<{ docId: string; lines: [number, number] }> {
  return tasks.map((t) => ({ docId: t.doc.docId, lines: t.lines }));
}

function docContext(doc: DocRef): string {
  return [doc.type, doc.number ?? '', doc.province ?? '', doc.issuer ?? '', doc.title].join(' ');
}

export class AnswerEngine {
  readonly index: KnowledgeIndex;
  readonly registry: AgencyRegistry;
  readonly reorganisation: Reorganisation;
  private readonly provinces: Provinces;
  private readonly lexicon: CompiledLexicon;
  private readonly logger?: Logger;
  private readonly stats = new TermStats();
  private readonly tasksById = new Map<string, Task>();
  /** Documents that have task records. */
  private readonly docsWithTasks = new Set<string>();
  private readonly targetsById = new Map<string, Target>();
  private readonly docProvinces: string[];
  /** Files holding the same document as this one (itself included), when there are several. */
  private readonly twinFilesByDoc = new Map<string, string[]>();

  constructor(deps: EngineDeps) {
    this.index = deps.index;
    this.registry = deps.registry;
    this.provinces = deps.provinces ?? Provinces.load();
    this.reorganisation = deps.reorganisation ?? defaultReorganisation();
    this.lexicon = deps.lexicon ?? defaultQuestionLexicon();
    this.logger = deps.logger;
    for (const chunk of this.index.chunks) this.stats.add(chunk.text);
    for (const t of this.index.tasks) {
      this.tasksById.set(t.id, t);
      this.docsWithTasks.add(t.doc.docId);
    }
    for (const t of this.index.targets) this.targetsById.set(t.id, t);
    // Only real provinces are listed ("Hiện có tài liệu của: …"), never a word a reader took for one.
    this.docProvinces = [...new Set(this.index.documents.map((d) => this.knownProvince(d.province)).filter((p): p is string => !!p))];
    const byIdentity = new Map<string, string[]>();
    for (const d of this.index.documents) {
      const id = documentIdentity(d);
      if (id) byIdentity.set(id, [...(byIdentity.get(id) ?? []), d.id]);
    }
    for (const ids of byIdentity.values()) {
      if (ids.length < 2) continue;
      const files = ids.map((id) => this.index.documents.find((d) => d.id === id)!.file);
      for (const id of ids) this.twinFilesByDoc.set(id, files);
    }
  }

  /** "Kế hoạch 95/KH-UBND có trong 2 tệp (…)": said once under a list whose twins were collapsed. */
  private twinNote(tasks: Task[]): string {
    const notes = new Map<string, string>();
    for (const t of tasks) {
      const files = this.twinFilesByDoc.get(t.doc.docId);
      if (!files || notes.has(documentName(t.doc))) continue;
      notes.set(documentName(t.doc), `${documentName(t.doc)} có trong ${files.length} tệp (${files.map((f) => f.split(/[\\/]/).pop()).join('; ')})`);
    }
    return notes.size > 0 ? `\nGhi chú: ${[...notes.values()].join('; ')} — mỗi nhiệm vụ chỉ nêu một lần.` : '';
  }

  /** The question model with this engine's province table and lexicon. */
  parse(text: string, today: string): QuestionFrame {
    return parseQuestion(text, { today, lexicon: this.lexicon, provinces: (t) => this.provinces.find(t) });
  }

  provincesIndexed(): string[] {
    return this.docProvinces;
  }

  async answer(rawQuestion: string, context: AnswerContext = { taskIds: [], docIds: [] }): Promise<Answer> {
    const question = cleanText(rawQuestion).replace(/\s+/g, ' ').trim();
    const today = context.today ?? todayIso();
    if (question.length === 0) return this.canned(rawQuestion, 'help', HELP_TEXT);
    if (question.length > ENGINE_DEFAULTS.maxQuestionLength) {
      return this.refuse(question, 'out_of_scope', 'too_long', 'Câu hỏi quá dài (tối đa 2000 ký tự). Vui lòng hỏi ngắn gọn hơn.');
    }

    // Chat shorthand ("dc", "j", "bn") read as words; `question` stays as typed for the answer.
    const typed = expandChatSpelling(question);
    let frame = this.parse(typed, today);
    frame = { ...frame, raw: question };
    let effective = typed;
    const previousTasks = context.taskIds.map((id) => this.tasksById.get(id)).filter((t): t is Task => !!t);

    // Follow-ups: the slots the question leaves out come from its subject's slots.
    const subject = context.subjectQuestion ?? context.previousQuestion;
    if (frame.followUp && subject) {
      if (frame.slots.province.length === 0 && previousTasks.length > 0 && frame.kind === 'task_aspect') {
        return this.answerTasks(question, frame.intent as TaskAspect, [{ kind: 'task', tasks: previousTasks, score: 1 }], frame, today);
      }
      const previous = context.subjectSlots ?? slotsRecord(this.parse(expandChatSpelling(subject), today).slots);
      frame = withPrevious(frame, previous, context.previousIntent);
      // Retrieval reads the merged topic; the province and number narrow through the scope.
      effective = [...frame.slots.terms, ...frame.slots.docNumbers, ...frame.slots.province].join(' ');
    }

    switch (frame.intent) {
      case 'greeting':
        if (isThanks(frame.folded)) return this.canned(question, 'greeting', 'Rất vui được giúp bạn! Cần tra cứu thêm kế hoạch hay thủ tục nào, bạn cứ nhắn nhé. Gõ /help để xem các câu hỏi mẫu.');
        return this.canned(question, 'greeting', `Xin chào! ${HELP_TEXT}`);
      case 'help':
        return this.canned(question, 'help', HELP_TEXT);
      default:
        break;
    }

    const scope = this.scope(frame, today);
    if (scope.absent) {
      return this.refuse(
        question,
        frame.intent,
        'province_not_indexed',
        `Các văn bản đã được lập chỉ mục không có tài liệu của ${scope.label}, nên tôi không trả lời được câu này.` +
          (this.docProvinces.length > 0 ? `\nHiện có tài liệu của: ${this.docProvinces.join(', ')}.` : ''),
      );
    }
    return this.withReorganisation(await this.scoped(question, frame, effective, typed, context, today, subject, scope), scope, today);
  }

  /** The answer once the question's scope is known (everything after the province/number check). */
  private async scoped(
    question: string,
    frame: QuestionFrame,
    effective: string,
    typed: string,
    context: AnswerContext,
    today: string,
    subject: string | undefined,
    scope: Scope,
  ): Promise<Answer> {
    // "hết bao nhiêu" reads as a figure question, but a guide it names answers it as a fee.
    const fact = this.documentFact(question, frame, scope);
    if (fact) return fact;

    if (frame.intent === 'procedure' || frame.intent === 'fact' || (frame.intent === 'target' && !frame.planWords && !frame.asksShare)) {
      let proc = answerProcedure(effective, this.index.procedures, { today });
      if (!proc && frame.intent === 'procedure' && context.previousIntent === 'procedure' && subject) {
        // "mất bao lâu?" right after a procedure answer asks about the same procedure.
        const carried = `${defaultProcedureVocabulary().aspects(subject).rest} ${typed}`;
        const again = answerProcedure(carried, this.index.procedures, { today });
        if (again?.procedure) {
          proc = again;
          effective = carried;
        }
      }
      if (!proc && frame.intent === 'procedure' && !frame.planWords && this.index.procedures.length > 0) {
        // No guide names this procedure: a sentence quoted from another guide or a plan would
        // answer a different question ("làm hộ chiếu" is not "Đăng ký khai sinh", though both mention "hộ chiếu").
        const names = this.index.procedures.map((p) => p.ten);
        const listed = [...new Set(names)].slice(0, 12);
        return this.refuse(
          question,
          'procedure',
          'procedure_not_found',
          `Tôi chưa có hướng dẫn cho thủ tục này.\nCác thủ tục đang có hướng dẫn: ${listed.join('; ')}${names.length > listed.length ? '; …' : ''}.\nBạn có thể hỏi lại với tên một thủ tục ở trên, hoặc tra cứu trên Cổng Dịch vụ công quốc gia (dichvucong.gov.vn).`,
        );
      }
      // A "fact" question goes to a guide only when a guide clearly matches it; a figure question
      // only when it also asks about an aspect of it ("hết bao nhiêu" is a fee).
      const named = proc?.procedure && !proc.refused && (frame.intent === 'fact' || proc.aspect !== 'summary');
      if (proc && (frame.intent === 'procedure' || named)) {
        const hits = await this.search(effective, scope);
        return {
          question,
          answer: proc.text,
          intent: 'procedure',
          refused: proc.refused,
          ...(proc.reason ? { reason: proc.reason } : {}),
          citations: proc.citations,
          passages: this.passages(hits, proc.citations.map((c) => ({ docId: c.docId, lines: c.lines }))),
          tasks: [],
          choices: proc.choices,
        };
      }
    }

    const hits = await this.search(effective, scope);
    // Province names and document numbers already narrowed the search; as evidence they would
    // make any passage of that document look relevant.
    const scopeTerms = new Set([
      ...[...scope.named, ...scope.covered].flatMap((p) => fold(p).split(/[^\p{L}\p{N}]+/u)),
      ...this.provinces.initialsIn(effective).map((i) => i.token),
      ...frame.docNumbers,
    ]);
    const q = queryTerms(frame.content.filter((t) => !scopeTerms.has(t)));

    // A code the question names ("6G", "IPv7", "ISO27001") that no indexed text contains: the
    // documents say nothing about that thing, however well the other words match.
    const unknownCode = q.unigrams.find((t) => isNamedCode(t) && !this.stats.has(t));
    if (unknownCode) return this.refuseWithRelated(question, frame, hits, q, []);

    const listed = this.documentTasks(question, frame, scope, today, hits, q);
    if (listed) return listed;

    switch (frame.intent) {
      case 'who_leads':
      case 'who_cooperates':
      case 'deadline': {
        const candidates = this.focusBullets(this.taskCandidates(hits, q, scope), frame);
        const best = candidates[0];
        const sentence = this.bestSentence(frame, hits, q, frame.intent);
        // A record wins unless a quoted sentence clearly matches the question better.
        const recordWins = best && best.score >= ENGINE_DEFAULTS.taskThreshold && !(sentence && sentence.score > best.score + ENGINE_DEFAULTS.sentenceAdvantage);
        if (best && recordWins) {
          const answer = this.answerTasks(question, frame.intent, this.ambiguous(candidates, scope, frame.intent, context.province, today), frame, today, hits);
          if (answer.refused && frame.intent === 'deadline' && sentence && sentence.score >= best.score) {
            // The record leaves the deadline out, but prose about the same task states one.
            return this.composeQuote(question, frame, hits, sentence, 'deadline');
          }
          return answer;
        }
        if (sentence) return this.composeQuote(question, frame, hits, sentence, frame.intent);
        return this.refuseWithRelated(question, frame, hits, q, candidates);
      }
      case 'agency_tasks':
        return (
          (await this.agencyTasks(question, frame, scope, context, today, hits, q)) ??
          this.periodTasks(question, frame, scope, context, today, hits, q) ??
          this.quote(question, frame, hits, q, 'agency_tasks') ??
          // Nothing assigned to the agency by name and no passage about it: the group tasks it shares.
          (await this.agencyTasks(question, frame, scope, context, today, hits, q, { groupOnly: true })) ??
          this.refuseWithRelated(question, frame, hits, q, [])
        );
      case 'target': {
        const sentence = this.bestSentence(frame, hits, q, 'target');
        const record = this.bestTarget(q, scope, yearsIn(frame.folded));
        if (record && record.score >= ENGINE_DEFAULTS.taskThreshold && !(sentence && sentence.score > record.score + ENGINE_DEFAULTS.sentenceAdvantage)) {
          return this.composeTarget(question, record.target, hits);
        }
        if (sentence) return this.composeQuote(question, frame, hits, sentence, 'target');
        return this.refuseWithRelated(question, frame, hits, q, []);
      }
      default:
        return this.quote(question, frame, hits, q, frame.intent) ?? this.refuseWithRelated(question, frame, hits, q, []);
    }
  }

  /** The canonical name of a province field, or undefined when it is no real province ("Mẫu"). */
  private knownProvince(field: string | undefined): string | undefined {
    if (!field) return undefined;
    let known = this.knownProvinces.get(field);
    if (known === undefined) {
      const found = this.provinces.find(field);
      known = found.length === 1 ? found[0]! : '';
      this.knownProvinces.set(field, known);
    }
    return known || undefined;
  }
  private readonly knownProvinces = new Map<string, string>();

  /** Passages (chunk ids) whose text names any of these provinces (cached per province). */
  private mentionCache = new Map<string, Set<string>>();
  /** Each passage's text, folded to words, built once on the first question that needs it. */
  private foldedChunks?: Array<{ id: string; text: string }>;
  private chunksMentioning(names: string[]): Set<string> {
    const out = new Set<string>();
    for (const name of names) {
      const key = fold(name);
      let chunks = this.mentionCache.get(key);
      if (!chunks) {
        chunks = new Set();
        const words = key.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
        // Cheap test first: every syllable of the name must be an indexed term.
        if (words.every((w) => this.stats.has(w))) {
          this.foldedChunks ??= this.index.chunks.map((c) => ({ id: c.id, text: ` ${fold(c.text).replace(/[^\p{L}\p{N}]+/gu, ' ')} ` }));
          const needle = ` ${words.join(' ')} `;
          for (const c of this.foldedChunks) if (c.text.includes(needle)) chunks.add(c.id);
        }
        if (this.mentionCache.size > 500) this.mentionCache.clear();
        this.mentionCache.set(key, chunks);
      }
      for (const c of chunks) out.add(c);
    }
    return out;
  }

  private chunksById?: Map<string, Chunk>;
  private chunk(id: string): Chunk | undefined {
    this.chunksById ??= new Map(this.index.chunks.map((c) => [c.id, c]));
    return this.chunksById.get(id);
  }

  /** The task records a scope allows (all of them unless only some passages answer). */
  private tasksIn(scope: Scope): readonly Task[] {
    const only = scope.passages;
    return only ? this.index.tasks.filter((t) => only.tasks.has(t.id) || !this.knownProvince(t.doc.province)) : this.index.tasks;
  }

  /**
   * Restrict to the provinces/documents a question names. A named province, number narrows and
   * ranks; a document whose province or number was not read stays in (ranked after), and a
   * province is "not indexed" only when no document is of it and no indexed text names it.
   * As of `today`, a province formed by the 2025 merger covers the provinces merged into it.
   */
  private scope(frame: QuestionFrame, today: string): Scope {
    const named = frame.slots.province;
    const all = this.index.documents;
    let docs = all;
    let preferred: typeof all | undefined;
    let label: string | undefined;
    const notes: string[] = [];
    const covered: string[] = [];
    let absent = false;
    let passages: Scope['passages'];
    if (named.length > 0) {
      for (const p of named) {
        const cover = this.reorganisation.cover(p, today);
        for (const n of cover.names) if (!covered.some((c) => Provinces.same(c, n))) covered.push(n);
        const others = cover.change ? cover.change.from.filter((o) => !Provinces.same(o, p)) : [];
        // Said only when documents of the old provinces are indexed: then the answer may rest on them.
        if (cover.change && all.some((d) => others.some((o) => Provinces.same(o, this.knownProvince(d.province))))) {
          const what = cover.change.kind === 'rename' ? `trước đây là ${others.join(', ')}` : `hiện nay gồm ${listVi(cover.change.from.map((o) => (Provinces.same(o, p) ? o : `${o} cũ`)))}`;
          notes.push(`${p} ${what} (từ ${viDay(cover.change.effective)}, theo ${cover.change.basis}); câu trả lời tính cả văn bản của ${listVi(others)}.`);
        }
        if (cover.now) {
          notes.push(
            cover.now.kind === 'rename'
              ? `${p} nay là ${cover.now.name} (từ ${viDay(cover.now.effective)}, theo ${cover.now.basis}).`
              : `${p} nay thuộc ${cover.now.name} (từ ${viDay(cover.now.effective)}, theo ${cover.now.basis}).`,
          );
        }
      }
      label = `tỉnh ${named.join(', ')}`;
      let matching = all.filter((d) => covered.some((p) => Provinces.same(p, this.knownProvince(d.province) ?? d.province)));
      if (matching.length === 0) {
        const chunks = this.chunksMentioning(covered);
        if (chunks.size === 0) absent = true;
        else {
          // Only the passages that name it, and the tasks on their lines.
          const docIds = new Set<string>();
          const tasks = new Set<string>();
          for (const id of chunks) {
            const c = this.chunk(id);
            if (!c) continue;
            docIds.add(c.doc.docId);
            if (c.recordId) tasks.add(c.recordId);
            for (const t of this.tasksOverlapping(c)) tasks.add(t.id);
          }
          passages = { chunks, tasks };
          matching = all.filter((d) => docIds.has(d.id));
          notes.push(`Không có văn bản nào của ${label}; chỉ trả lời từ các đoạn có nhắc đến ${named.join(', ')}.`);
        }
      }
      const unknown = all.filter((d) => !this.knownProvince(d.province));
      preferred = matching;
      docs = [...new Set([...matching, ...unknown])];
    }
    let numbered = false;
    if (frame.docNumbers.length > 0) {
      const byNumber = docs.filter((d) => frame.docNumbers.some((n) => d.number?.match(/^\d+/)?.[0] === n));
      if (byNumber.length > 0) {
        // A plan whose number was not read may be the one named; guides carry no number.
        const unnumbered = docs.filter((d) => !d.number && d.type !== 'Thủ tục hành chính');
        preferred = byNumber;
        docs = [...byNumber, ...unnumbered];
      }
      numbered = byNumber.length > 0;
    }
    // A number that names every indexed document still says which documents are meant.
    const restricted = numbered || docs.length !== all.length || (preferred !== undefined && preferred.length !== all.length);
    const preferredIds = new Set((preferred ?? docs).map((d) => d.id));
    const taskDocIds = [...preferredIds].some((id) => this.docsWithTasks.has(id)) ? preferredIds : new Set(docs.map((d) => d.id));
    return {
      named,
      covered,
      notes,
      ...(absent ? { absent } : {}),
      ...(passages ? { passages } : {}),
      ...(restricted ? { docIds: new Set(docs.map((d) => d.id)), preferred: preferredIds, taskDocIds } : {}),
      ...(label ? { label } : {}),
    };
  }

  private async search(question: string, scope: Scope): Promise<SearchHit[]> {
    let hits = await this.index.search(question, { k: 40, ...(scope.docIds ? { docIds: [...scope.docIds] } : {}) });
    const only = scope.passages;
    if (only) hits = hits.filter((h) => only.chunks.has(h.chunk.id) || (h.chunk.recordId !== undefined && only.tasks.has(h.chunk.recordId)) || !this.knownProvince(h.chunk.doc.province));
    const preferred = scope.preferred;
    if (!preferred || !scope.docIds || preferred.size === scope.docIds.size) return hits;
    // Documents kept in only because a field is unknown rank after the ones that match.
    return hits
      .map((h) => (preferred.has(h.chunk.doc.docId) ? h : { ...h, score: h.score * UNKNOWN_FIELD_WEIGHT }))
      .sort((a, b) => b.score - a.score);
  }

  /** The answer with what the 2025 reorganisation changed about its provinces and agencies, as of `today`. */
  private withReorganisation(answer: Answer, scope: Scope, today: string): Answer {
    if (answer.intent === 'greeting' || answer.intent === 'help' || answer.reason === 'out_of_scope') return answer;
    const notes = [...scope.notes];
    if (answer.tasks.length > 0) notes.push(...reorganisationNotes(answer.tasks, this.registry, this.reorganisation, today));
    else if (answer.citations.length > 0 && answer.intent !== 'procedure') {
      // A quoted sentence: the agencies it names, from documents dated before the change.
      const dates = answer.citations.map((c) => c.date).filter((d): d is string => !!d).sort();
      const refs = this.registry.findMentions(answer.answer).map((r) => ({ agencyId: r.agencyId, ...(dates[0] ? { docDate: dates[0] } : {}) }));
      notes.push(...changeNotes(refs, this.registry, this.reorganisation, today));
    }
    if (notes.length === 0) return answer;
    const block = `Ghi chú (sắp xếp bộ máy 2025):\n${[...new Set(notes)].map((n) => `- ${n}`).join('\n')}`;
    const sources = answer.answer.lastIndexOf('\nNguồn:');
    const text = sources >= 0 ? `${answer.answer.slice(0, sources)}\n${block}${answer.answer.slice(sources)}` : `${answer.answer}\n${block}`;
    return { ...answer, answer: text };
  }

  /** Tasks as shown on `today`: agencies that were succeeded or ended carry what became of them. */
  private annotated(tasks: Task[], today: string): Task[] {
    const phase = this.reorganisation.phase(today);
    return tasks.map((t) => {
      // Only index records are cached: a copy (stated partners added) is annotated as it is.
      if (this.tasksById.get(t.id) !== t) return annotateTask(t, this.registry, this.reorganisation, today);
      const key = `${phase}|${t.id}`;
      let a = this.annotationCache.get(key);
      if (!a) {
        if (this.annotationCache.size > 20_000) this.annotationCache.clear();
        a = annotateTask(t, this.registry, this.reorganisation, today);
        this.annotationCache.set(key, a);
      }
      return a;
    });
  }
  private readonly annotationCache = new Map<string, Task>();

  /**
   * Supporting passages: the passages the answer itself rests on (the lines of the records used,
   * the quoted chunk) first, then the best other hits.
   */
  private passages(hits: SearchHit[], support: { lines: [number, number]; docId: string }[] = []): Passage[] {
    const out: Passage[] = [];
    const seen = new Set<string>();
    const add = (chunk: Chunk, score: number): void => {
      if (chunk.kind === 'task' || seen.has(chunk.id) || out.length >= ENGINE_DEFAULTS.passages) return;
      seen.add(chunk.id);
      out.push({ chunkId: chunk.id, text: chunk.text, score, citation: citeChunk(chunk) });
    };
    for (const s of support) for (const chunk of this.chunksOverlapping(s.docId, s.lines)) add(chunk, 1);
    for (const h of hits) add(h.chunk, h.score);
    return out;
  }

  private chunksByDoc?: Map<string, Chunk[]>;
  private chunksOverlapping(docId: string, lines: [number, number]): Chunk[] {
    if (!this.chunksByDoc) {
      this.chunksByDoc = new Map();
      for (const c of this.index.chunks) {
        if (c.kind === 'task') continue;
        const list = this.chunksByDoc.get(c.doc.docId) ?? [];
        list.push(c);
        this.chunksByDoc.set(c.doc.docId, list);
      }
    }
    return (this.chunksByDoc.get(docId) ?? []).filter((c) => c.lines[0] <= lines[1] && c.lines[1] >= lines[0]).slice(0, 2);
  }

  private taskCandidates(hits: SearchHit[], q: QueryTerms, scope: Scope): Candidate[] {
    const seen = new Set<string>();
    const scored: Array<{ task: Task; score: number }> = [];
    const consider = (task: Task | undefined, rank: number): void => {
      if (!task || seen.has(task.id)) return;
      if (scope.docIds && !scope.docIds.has(task.doc.docId)) return;
      if (scope.passages && !scope.passages.tasks.has(task.id) && this.knownProvince(task.doc.province)) return;
      seen.add(task.id);
      const cov = coverage(q, taskText(task), this.stats, docContext(task.doc)).score;
      scored.push({ task, score: cov - rank * 0.002 });
    };
    hits.forEach((h, rank) => {
      if (h.chunk.recordId) consider(this.tasksById.get(h.chunk.recordId), rank);
    });
    // Passages point at tasks of the same lines (e.g. a table row chunk and its task record).
    hits.slice(0, 10).forEach((h, rank) => {
      if (h.chunk.kind === 'task') return;
      for (const t of this.tasksOverlapping(h.chunk)) consider(t, rank + 1);
    });
    scored.sort((a, b) => b.score - a.score);
    // Group assignments of one task (same document, section and row).
    const groups = new Map<string, Candidate>();
    for (const s of scored) {
      const key = `${s.task.doc.docId}|${s.task.sectionPath.join('.')}|${s.task.row ?? ''}|${s.task.title}`;
      const g = groups.get(key);
      if (g) {
        g.tasks.push(s.task);
        g.scores!.push(s.score);
      } else groups.set(key, { kind: 'task', tasks: [s.task], score: s.score, scores: [s.score] });
    }
    // The same task read from the twin file of one plan (PDF and scan) is one candidate: the
    // record read with the higher confidence, at the better score of the two.
    const kept: Candidate[] = [];
    const byTwin = new Map<string, Candidate>();
    for (const c of [...groups.values()].sort((a, b) => b.score - a.score)) {
      const key = twinKey(c.tasks[0]!);
      const twin = key === undefined ? undefined : byTwin.get(key);
      if (!twin || twin.tasks[0]!.doc.docId === c.tasks[0]!.doc.docId) {
        if (key !== undefined && !twin) byTwin.set(key, c);
        kept.push(c);
      } else if (c.tasks[0]!.confidence > twin.tasks[0]!.confidence || (c.tasks[0]!.confidence === twin.tasks[0]!.confidence && c.tasks[0]!.doc.docId < twin.tasks[0]!.doc.docId)) {
        twin.tasks = c.tasks;
      }
    }
    return kept;
  }

  /**
   * A task given to several agencies at one place (one bullet each: "- Văn phòng UBND tỉnh: Rà soát
   * …", "- Các sở, ban, ngành: Chủ trì, phối hợp với Sở TT&TT …") is answered with the bullets that
   * match the question clearly better than the others, not with a bullet that merely states the
   * fact asked ("ai phối hợp?" lent the partner of another agency's bullet). Bullets that match
   * alike all stay ("Thời hạn theo từng đơn vị").
   */
  private focusBullets(candidates: Candidate[], frame: QuestionFrame): Candidate[] {
    if (frame.intent !== 'who_cooperates' && frame.intent !== 'deadline') return candidates;
    return candidates.map((c) => {
      if (c.tasks.length < 2 || !c.scores) return c;
      const top = Math.max(...c.scores);
      const keep = c.tasks.filter((_, i) => c.scores![i]! >= top - ENGINE_DEFAULTS.bulletMargin);
      return keep.length < c.tasks.length ? { ...c, tasks: keep, scores: c.scores.filter((x) => x >= top - ENGINE_DEFAULTS.bulletMargin) } : c;
    });
  }

  private overlapIndex?: Map<string, Task[]>;
  private tasksOverlapping(chunk: Chunk): Task[] {
    if (!this.overlapIndex) {
      this.overlapIndex = new Map();
      for (const t of this.index.tasks) {
        const list = this.overlapIndex.get(t.doc.docId) ?? [];
        list.push(t);
        this.overlapIndex.set(t.doc.docId, list);
      }
    }
    return (this.overlapIndex.get(chunk.doc.docId) ?? []).filter((t) => t.lines[0] <= chunk.lines[1] && t.lines[1] >= chunk.lines[0]);
  }

  /**
   * The best candidate, plus close ones from other documents when the question does not pick one
   * (answered per document, never merged), plus a second place in the same document (e.g. the
   * prose section and the appendix row of one task) when it states the asked fact differently.
   */
  private ambiguous(candidates: Candidate[], scope: Scope, aspect: TaskAspect, homeProvince?: string, today = todayIso()): Candidate[] {
    // The asker's own province (profile) settles a tie between provinces.
    if (homeProvince && scope.named.length === 0) {
      const top = candidates[0]!.score;
      // After the 2025 merger the asker's province includes the old ones formed into it.
      const homes = this.reorganisation.cover(homeProvince, today).names;
      const home = candidates.find((c) => c.score >= top - ENGINE_DEFAULTS.ambiguityMargin && homes.some((h) => Provinces.same(h, c.tasks[0]!.doc.province)));
      if (home && home !== candidates[0]) candidates = [home, ...candidates.filter((c) => c !== home)];
      if (home) scope = { ...scope, named: [homeProvince] };
    }
    const fact = (c: Candidate): string =>
      c.tasks
        .map((t) => (aspect === 'who_leads' ? agencies(t.lead) : aspect === 'who_cooperates' ? agencies(t.cooperating) : t.deadline.raw))
        .join('|')
        .toLowerCase();
    const states = (c: Candidate): boolean => fact(c).replace(/\|/g, '').trim() !== '';
    if (!states(candidates[0]!)) {
      // The best match does not state the fact asked; a close match in another document (even of
      // the same province: a plan and the decision it implements) that does answers first, and the
      // first is still said not to state it.
      const top = candidates[0]!;
      const other = candidates
        .slice(1, 8)
        .find((c) => c.score >= top.score - ENGINE_DEFAULTS.statingMargin && c.score >= ENGINE_DEFAULTS.taskThreshold && c.tasks[0]!.doc.docId !== top.tasks[0]!.doc.docId && states(c));
      if (other) return [other, top];
    }
    const best = candidates[0]!;
    const out = [best];
    const seenFacts = new Set([fact(best)]);
    const docs = new Set([best.tasks[0]!.doc.docId]);
    const provinces = new Set([best.tasks[0]!.doc.province ?? '']);
    const narrowed = scope.named.length > 0 || scope.docIds !== undefined;
    for (const c of candidates.slice(1, 8)) {
      if (c.score < best.score - ENGINE_DEFAULTS.ambiguityMargin || c.score < ENGINE_DEFAULTS.taskThreshold) break;
      const doc = c.tasks[0]!.doc;
      const f = fact(c);
      if (docs.has(doc.docId)) {
        // Same document: only a second statement of a different fact, once.
        if (out.some((o) => o.tasks[0]!.doc.docId === doc.docId && o !== best) || seenFacts.has(f) || f.replace(/\|/g, '').trim() === '') continue;
        out.push(c);
        seenFacts.add(f);
        continue;
      }
      if (narrowed || provinces.has(doc.province ?? '')) continue;
      out.push(c);
      docs.add(doc.docId);
      provinces.add(doc.province ?? '');
      seenFacts.add(f);
      if (out.length === 3) break;
    }
    return out;
  }

  private nextDue = (today: string) => (t: Task): string | undefined => {
    if (t.deadline.kind !== 'recurring') return undefined;
    try {
      return nextOccurrence(t.deadline, today);
    } catch {
      return undefined;
    }
  };

  private answerTasks(question: string, intent: TaskAspect, candidates: Candidate[], frame: QuestionFrame, today: string, hits: SearchHit[] = []): Answer {
    const parts: string[] = [];
    const citations: Citation[] = [];
    const used: Task[] = [];
    const refusedParts: string[] = [];
    for (const c of candidates) {
      const tasks = this.annotated(intent === 'who_cooperates' ? c.tasks.map((t) => this.withStatedPartners(t)) : c.tasks, today);
      let body = taskGroupAnswer({ tasks }, intent, this.nextDue(today));
      // "… hàng quý vào ngày nào?": a schedule stated inside the task's words ("hàng quý (ngày 15
      // tháng cuối quý) báo cáo …") answers it, not the one-off deadline of the record.
      const periodic = intent === 'deadline' && frame.periodic ? periodicStatements(tasks) : [];
      if (body && periodic.length > 0) body = `${periodic.join('\n')}\n${body}`;
      const first = c.tasks[0]!;
      const cite = citeTask(first);
      if (body) {
        const multiDoc = new Set(candidates.map((x) => x.tasks[0]!.doc.docId)).size > 1;
        const place = multiDoc ? documentLabel(first.doc) : `${documentName(first.doc)}, ${cite.section}`;
        parts.push(candidates.length > 1 ? `Theo ${place}:\n${body}` : body);
        citations.push(cite);
        used.push(...c.tasks);
      } else {
        refusedParts.push(
          // One agency's bullet of a shared task is named by what that agency does.
          `${documentName(first.doc)} không nêu ${MISSING_FACT[intent]} cho nhiệm vụ “${shorten(c.tasks.length === 1 && first.action ? first.action : first.title, 160).replace(/[.;:,]+$/, '')}”.` +
            this.relatedFacts(c.tasks, intent),
        );
        citations.push(cite);
        used.push(...c.tasks);
      }
    }
    if (parts.length === 0) {
      return {
        question,
        answer: withSources(refusedParts.join('\n\n'), citations),
        intent,
        refused: true,
        reason: 'fact_not_stated',
        citations,
        passages: this.passages(hits, support(used)),
        tasks: used,
        choices: [],
      };
    }
    const text = [...parts, ...refusedParts].join('\n\n');
    return { question, answer: withSources(text, citations), intent, refused: false, citations, passages: this.passages(hits, support(used)), tasks: used, choices: [] };
  }

  /** What the record does say, offered when the asked fact is missing. */
  private relatedFacts(tasks: Task[], intent: TaskAspect): string {
    const t = tasks[0]!;
    const facts: string[] = [];
    if (intent !== 'who_leads' && t.lead.length > 0) facts.push(`chủ trì: ${agencies(t.lead)}`);
    if (intent !== 'who_cooperates' && t.cooperating.length > 0) facts.push(`phối hợp: ${agencies(t.cooperating)}`);
    if (intent !== 'deadline' && t.deadline.kind !== 'unspecified') facts.push(`thời hạn: ${t.deadline.raw}`);
    return facts.length > 0 ? `\nVăn bản có nêu: ${facts.join('; ')}.` : '';
  }

  private async agencyTasks(
    question: string,
    frame: QuestionFrame,
    scope: Scope,
    context: AnswerContext,
    today: string,
    hits: SearchHit[],
    q: QueryTerms,
    options: { groupOnly?: boolean } = {},
  ): Promise<Answer | undefined> {
    const province = scope.named[0] ?? context.province;
    // As of today, a merged province covers the old provinces formed into it.
    const covered = scope.named.length > 0 ? scope.covered : context.province ? this.reorganisation.cover(context.province, today).names : undefined;
    let agencyText: string | undefined;
    if (frame.mine) agencyText = context.agency;
    if (!agencyText) {
      const where = province ? { province } : {};
      // The folded, abbreviation-canonical form also finds shorthand the registry does not scan for ("CA tỉnh").
      const mention =
        this.registry.findMentions(question, where).find((m) => m.agencyId) ?? this.registry.findMentions(frame.folded, where).find((m) => m.agencyId);
      agencyText = mention?.agencyId ?? mention?.surface;
    }
    if (!agencyText) {
      if (frame.mine) {
        return this.refuse(question, 'agency_tasks', 'no_agency', 'Tôi chưa biết bạn thuộc đơn vị nào. Hãy đặt đơn vị bằng lệnh /donvi <tên đơn vị>, ví dụ: /donvi Sở Thông tin và Truyền thông Thanh Hóa.');
      }
      return undefined;
    }
    const window = frame.window;
    const resolved: ResolvedTasks = tasksFor(this.tasksIn(scope), this.registry, {
      agency: agencyText,
      ...(province ? { province } : {}),
      ...(covered ? { provinces: covered } : {}),
      ...dueWindow(window, today),
      ...(scope.taskDocIds ? { docIds: scope.taskDocIds } : {}),
      reorganisation: this.reorganisation,
    });
    if (!resolved.agency) return undefined;
    // Agencies it took over by today: their tasks are its own now, each item still naming them.
    const predecessorIds = new Set(resolved.predecessors.map((p) => p.id));
    const inheritedIds = new Set(resolved.inherited.map((t) => t.id));
    // Rank by how well each task matches the rest of the question (when it says more than the agency).
    // Lead assignments before cooperation; within each, the tasks that match the rest of the
    // question best, and responsibilities stated per agency ("Tổ chức thực hiện") first.
    const agencyId = resolved.agency.id.split('@')[0];
    const isLead = (t: Task): boolean => t.lead.some((r) => r.agencyId?.split('@')[0] === agencyId || predecessorIds.has(baseId(r.agencyId) ?? ''));
    const relevance = (t: Task): number =>
      (q.unigrams.length > 3 ? coverage(q, taskText(t), this.stats, docContext(t.doc)).score : 0) + (t.source === 'agency-assignment' ? 0.05 : 0);
    const rank = (list: Task[]): Task[] => {
      // A time window asks "what comes first": by due date. A window already past ("trước tháng 6
      // năm 2022" asked in 2026) asks what fell due by then: the latest first.
      if (window?.kind === 'before' && window.date < today && !window.from) {
        const due = (t: Task): string => effectiveDue(t, today) ?? '';
        return [...list].sort((a, b) => Number(isLead(b)) - Number(isLead(a)) || due(b).localeCompare(due(a)));
      }
      if (window) return list;
      const score = new Map(list.map((t) => [t.id, relevance(t)]));
      return [...list].sort((a, b) => Number(isLead(b)) - Number(isLead(a)) || score.get(b.id)! - score.get(a.id)!);
    };
    // Its own tasks first, then those it took over (each naming the agency it was given to).
    let own = [...rank(resolved.own), ...rank(resolved.inherited)];
    let group = rank(resolved.group);
    // What the question asks about besides the agency ("… về trợ lý ảo"): the tasks on it, when some are.
    // Every agency the question names and the titles of the documents in scope name no topic.
    const mentioned = this.registry.findMentions(question).map((m) => m.surface);
    const titles = (scope.preferred ? this.index.documents.filter((d) => scope.preferred!.has(d.id)) : []).map((d) => d.title);
    const agencyWords = new Set(
      [resolved.agency.name, ...resolved.predecessors.map((p) => this.registry.template(p.id)?.name ?? ''), ...scope.covered, ...mentioned, ...titles, agencyText]
        .flatMap((n) => this.registry.key(n).split(' ').concat(fold(n).split(/[^\p{L}\p{N}]+/u))),
    );
    const topic = queryTerms(q.unigrams.filter((t) => !agencyWords.has(t) && !this.lexicon.listWords.agency.has(t) && !/^\d+$/.test(t)));
    let topicNote = '';
    if (!window && topic.unigrams.length > 0 && own.length > 1) {
      const onTopic = (t: Task): boolean => coverage(topic, taskText(t), this.stats).score >= ENGINE_DEFAULTS.sentenceThreshold;
      const matching = own.filter(onTopic);
      // A topic most tasks match picks nothing out ("… theo kế hoạch hành động"): the list stays whole.
      if (matching.length > 0 && matching.length <= Math.max(2, own.length / 3)) {
        topicNote = ` về nội dung bạn hỏi (trong tổng số ${own.length} nhiệm vụ)`;
        own = matching;
        group = group.filter(onTopic);
      }
    }
    const inheritedShown = own.filter((t) => inheritedIds.has(t.id)).length;
    const predecessorNote =
      inheritedShown > 0
        ? `, gồm ${inheritedShown} nhiệm vụ giao ${[...new Map(resolved.predecessors.map((p) => [p.id, p])).values()]
            .map((p) => {
              const from = this.registry.template(p.id)?.name ?? p.id;
              const since = viDay(p.succession.effective);
              return p.functions ? `${from} thuộc lĩnh vực ${p.functions.functions} (nay thuộc ${resolved.agency!.name}, từ ${since})` : `${from} (nay là ${resolved.agency!.name}, từ ${since})`;
            })
            .join(', ')}`
        : '';
    own = this.annotated(own, today);
    group = this.annotated(group, today);
    // Only group tasks (no task names the agency itself): prose may still answer better.
    if (own.length === 0 && group.length > 0 && !window && !frame.mine && !options.groupOnly) return undefined;
    if (own.length === 0 && group.length === 0) {
      if (!window) {
        // No task names the agency: prose may still speak of it, but if none of the passages found
        // does either, a quote would be about someone else ("Bộ Công an" in a plan that never names it).
        const base = baseId(resolved.agency.id);
        const spoken = hits
          .filter((h) => h.chunk.kind !== 'task')
          .slice(0, 8)
          .some((h) => this.registry.findMentions(h.chunk.text, province ? { province } : {}).some((m) => baseId(m.agencyId) === base));
        if (spoken) return undefined;
        return this.refuse(
          question,
          'agency_tasks',
          'no_tasks',
          `Các văn bản đã được lập chỉ mục không giao nhiệm vụ nào cho ${resolved.agency.name}${province ? ` (${province})` : ''}.`,
        );
      }
      if (window.kind === 'overdue') {
        const past = this.annotated(this.pastDeadlines(agencyText, covered, scope, today), today);
        if (past.length > 0) {
          // Plans state deadlines, not completion: say so, and show the latest deadlines that have passed.
          const title =
            `Không có nhiệm vụ nào của ${resolved.agency.name}${province ? ` (${province})` : ''} có hạn trong ${OVERDUE_LOOKBACK_DAYS} ngày qua (tính đến ngày ${today.split('-').reverse().join('/')}). ` +
            'Văn bản chỉ ghi thời hạn, không ghi việc đã hoàn thành hay chưa; các nhiệm vụ có hạn đã qua gần nhất:';
          const shown = past.slice(0, ENGINE_DEFAULTS.listLimit);
          const text = taskListText(title, shown, [], { limit: ENGINE_DEFAULTS.listLimit, nextDue: this.nextDue(today), today });
          const citations = shown.map(citeTask);
          return { question, answer: withSources(text, citations), intent: 'agency_tasks', refused: false, citations, passages: this.passages(hits, support(shown.slice(0, 3))), tasks: shown, choices: [] };
        }
      }
      const when =
        window.kind === 'overdue'
          ? 'quá hạn'
          : window.kind === 'upcoming'
            ? `đến hạn trong ${window.days} ngày tới`
            : window.kind === 'before' && window.from
              ? windowPhrase(window, today)
              : `có hạn trước ${window.kind === 'before' ? window.date.split('-').reverse().join('/') : ''}`;
      return this.refuse(question, 'agency_tasks', 'no_tasks', `Không tìm thấy nhiệm vụ nào của ${resolved.agency.name} ${when} (tính đến ngày ${today.split('-').reverse().join('/')}) trong các văn bản đã được lập chỉ mục.`);
    }
    // An agency that no longer exists is answered by its name, saying what it is now.
    const successor = this.reorganisation.successorOf(agencyId ?? '', today);
    const where = (province ? ` (${province})` : '') + (successor ? ` — nay là ${this.registry.template(successor.to)?.name ?? successor.to} (từ ${viDay(successor.succession.effective)})` : '');
    const windowText = window ? ` ${windowPhrase(window, today)}` : '';
    const periodStart = window?.kind === 'before' ? window.from : undefined;
    const listOptions = {
      limit: ENGINE_DEFAULTS.listLimit,
      today,
      more: 'Hỏi theo văn bản cụ thể (ví dụ "… theo KH 114") hoặc gõ /nhiemvu để xem thêm.',
      // A recurring task is listed for its occurrence in the period asked.
      ...(periodStart ? { nextDue: this.nextDue(periodStart), nextLabel: 'trong kỳ' } : { nextDue: this.nextDue(today) }),
    };
    // Several provinces' plans name this agency: one list per province, never merged into one.
    const provinceOf = (t: Task): string => t.doc.province ?? documentLabel(t.doc);
    const provinces = province ? [] : [...new Set([...own, ...group].map(provinceOf))];
    let text: string;
    let used: Task[];
    if (provinces.length > 1) {
      const shown = provinces.slice(0, MAX_LISTED_DOCUMENTS);
      const parts = [`${resolved.agency.name} có ${own.length} nhiệm vụ${windowText}, trong văn bản của ${provinces.length} tỉnh/thành phố (nói rõ tỉnh để lọc):`];
      used = [];
      for (const p of shown) {
        const ownP = own.filter((t) => provinceOf(t) === p);
        const groupP = group.filter((t) => provinceOf(t) === p);
        parts.push(taskListText(ownP.length > 0 ? `${p} (${ownP.length}):` : `${p}: không có nhiệm vụ giao riêng.`, ownP, groupP, listOptions));
        used.push(...ownP.slice(0, ENGINE_DEFAULTS.listLimit), ...groupP.slice(0, ENGINE_DEFAULTS.listLimit));
      }
      if (provinces.length > shown.length) parts.push(`… và ${provinces.length - shown.length} tỉnh khác.`);
      text = parts.join('\n\n');
    } else {
      const title =
        own.length > 0
          ? `${resolved.agency.name}${where} có ${own.length} nhiệm vụ${windowText}${topicNote}${predecessorNote}:`
          : `Các văn bản không giao riêng nhiệm vụ nào${windowText} cho ${resolved.agency.name}${where}.`;
      text = taskListText(title, own, group, listOptions);
      used = [...own.slice(0, ENGINE_DEFAULTS.listLimit), ...group.slice(0, ENGINE_DEFAULTS.listLimit)];
    }
    text += this.unplacedNote(agencyText, resolved.agency.name, covered, scope, window, today);
    const citations = used.map(citeTask);
    return { question, answer: withSources(text + this.twinNote(used), citations), intent: 'agency_tasks', refused: false, citations, passages: this.passages(hits, support(used.slice(0, 3))), tasks: used, choices: [] };
  }

  /**
   * "Nhiệm vụ nào phải hoàn thành trong Quý III/2024 (ở Đắk Lắk)?": every task record due in the
   * window asked, whoever leads it, listed per document with lead, deadline and citation. Words
   * beyond the period ("… về đào tạo nghề") keep the tasks that match them, when any do. Undefined
   * when the documents in scope have no task records at all (prose may still answer).
   */
  private periodTasks(question: string, frame: QuestionFrame, scope: Scope, context: AnswerContext, today: string, hits: SearchHit[], q: QueryTerms): Answer | undefined {
    const window = frame.window;
    if (!window) return undefined;
    const inScope = (province?: string): Task[] =>
      tasksDue(this.tasksIn(scope), {
        ...dueWindow(window, today),
        ...(province ? { provinces: scope.named.length > 0 ? scope.covered : this.reorganisation.cover(province, today).names } : {}),
        ...(scope.taskDocIds ? { docIds: scope.taskDocIds } : {}),
      });
    // The asker's own province (profile) narrows the list when it has plans in it.
    const home = scope.named.length === 0 && context.province ? inScope(context.province) : [];
    const province = scope.named[0] ?? (home.length > 0 ? context.province : undefined);
    let due = home.length > 0 ? home : inScope(scope.named[0]);
    const anyRecords = this.tasksIn(scope).some((t) => !scope.taskDocIds || scope.taskDocIds.has(t.doc.docId));
    if (!anyRecords) return undefined;
    const where = province ? ` ở tỉnh ${province}` : '';
    const phrase = windowPhrase(window, today);
    // What the question says beyond the period and the list words.
    const topic = queryTerms(q.unigrams.filter((t) => !this.lexicon.listWords.period.has(t) && !/^\d+$/.test(t)));
    let note = '';
    if (topic.unigrams.length > 0 && due.length > 0) {
      // The task's own words: every task of a plan on vocational training shares its title.
      const matching = due.filter((t) => coverage(topic, taskText(t), this.stats).score >= ENGINE_DEFAULTS.sentenceThreshold);
      if (matching.length > 0) due = matching;
      else note = 'Không có nhiệm vụ nào khớp riêng nội dung bạn hỏi; dưới đây là mọi nhiệm vụ trong kỳ.\n';
    }
    if (due.length === 0) {
      return this.refuse(
        question,
        'agency_tasks',
        'no_tasks',
        `Không tìm thấy nhiệm vụ nào ${phrase}${where} trong các văn bản đã được lập chỉ mục (tính đến ngày ${today.split('-').reverse().join('/')}).`,
      );
    }
    const periodStart = window.kind === 'before' ? window.from : undefined;
    const byDoc = new Map<string, Task[]>();
    for (const t of due) byDoc.set(t.doc.docId, [...(byDoc.get(t.doc.docId) ?? []), t]);
    const docs = [...byDoc.values()].slice(0, MAX_LISTED_DOCUMENTS);
    const parts = [`${note}Có ${due.length} nhiệm vụ ${phrase}${where}${byDoc.size > 1 ? `, trong ${byDoc.size} văn bản` : ''}:`];
    const used: Task[] = [];
    for (const raw of docs) {
      const list = this.annotated(raw, today);
      const head = province ? `Theo ${documentName(list[0]!.doc)}:` : `Theo ${documentLabel(list[0]!.doc)}:`;
      parts.push(
        taskListText(head, list, [], {
          limit: ENGINE_DEFAULTS.listLimit,
          today,
          more: 'Hỏi theo đơn vị hoặc văn bản cụ thể để xem thêm.',
          // A recurring task is listed for its occurrence in the period asked.
          ...(periodStart ? { nextDue: this.nextDue(periodStart), nextLabel: 'trong kỳ' } : { nextDue: this.nextDue(today) }),
        }),
      );
      used.push(...list.slice(0, ENGINE_DEFAULTS.listLimit));
    }
    if (byDoc.size > docs.length) parts.push(`… và ${byDoc.size - docs.length} văn bản khác. Nói rõ tỉnh hoặc số văn bản để lọc.`);
    const citations = used.map(citeTask);
    const text = parts.join('\n\n') + this.twinNote(used);
    return { question, answer: withSources(text, citations), intent: 'agency_tasks', refused: false, citations, passages: this.passages(hits, support(used.slice(0, 3))), tasks: used, choices: [] };
  }

  /**
   * "Kế hoạch 187 gồm những nhiệm vụ gì?", "KH 88 Tây Ninh có bao nhiêu nhiệm vụ?": the task records
   * of the document(s) the question names by number, counted and listed per document. Words beyond
   * the document and the list keep the tasks that match them ("các nhiệm vụ về chợ trong KH 187");
   * when none do, the general path answers. An agency or a period named goes to their own lists.
   */
  private documentTasks(question: string, frame: QuestionFrame, scope: Scope, today: string, hits: SearchHit[], q: QueryTerms): Answer | undefined {
    if (frame.docNumbers.length === 0 || !scope.docIds || frame.window || frame.followUp) return undefined;

    if (frame.intent === 'who_leads' || frame.intent === 'who_cooperates' || frame.intent === 'deadline' || frame.intent === 'procedure') return undefined;
    if (!frame.documentList) return undefined;
    const where = scope.named[0] ? { province: scope.named[0] } : {};
    if (this.registry.findMentions(question, where).some((m) => m.agencyId)) return undefined;
    const named = scope.preferred ?? scope.docIds;
    let tasks = withoutTwins(this.tasksIn(scope).filter((t) => named.has(t.doc.docId)));
    if (tasks.length === 0) return undefined;
    const provinceWords = new Set(scope.named.flatMap((p) => fold(p).split(/\s+/)));
    const topic = queryTerms(q.unigrams.filter((t) => !this.lexicon.listWords.document.has(t) && !provinceWords.has(t) && !/\d/.test(t)));
    if (topic.unigrams.length > 0) {
      tasks = tasks.filter((t) => coverage(topic, taskText(t), this.stats).score >= ENGINE_DEFAULTS.sentenceThreshold);
      if (tasks.length === 0) return undefined;
    }
    const byDoc = new Map<string, Task[]>();
    for (const t of tasks) byDoc.set(t.doc.docId, [...(byDoc.get(t.doc.docId) ?? []), t]);
    const parts: string[] = [];
    const used: Task[] = [];
    for (const raw of [...byDoc.values()].slice(0, MAX_LISTED_DOCUMENTS)) {
      const list = this.annotated(raw, today);
      const doc = list[0]!.doc;
      const name = byDoc.size > 1 ? documentLabel(doc) : documentName(doc);
      const about = topic.unigrams.length > 0 ? ' khớp nội dung bạn hỏi' : '';
      parts.push(
        taskListText(`${name} có ${list.length} nhiệm vụ${about}:`, list, [], {
          limit: ENGINE_DEFAULTS.listLimit,
          more: 'Hỏi theo đơn vị, thời hạn hoặc nội dung để xem thêm.',
          nextDue: this.nextDue(today),
          today,
        }),
      );
      used.push(...list.slice(0, ENGINE_DEFAULTS.listLimit));
    }
    if (byDoc.size > MAX_LISTED_DOCUMENTS) parts.push(`… và ${byDoc.size - MAX_LISTED_DOCUMENTS} văn bản khác cùng số. Nói rõ tỉnh để lọc.`);
    const citations = used.map(citeTask);
    const text = parts.join('\n\n') + this.twinNote(used);
    return { question, answer: withSources(text, citations), intent: 'agency_tasks', refused: false, citations, passages: this.passages(hits, support(used.slice(0, 3))), tasks: used, choices: [] };
  }

  /** "KH 292 ai ký?", "… số mấy, ban hành ngày nào?": a fact of the one document the question names. */
  private documentFact(question: string, frame: QuestionFrame, scope: Scope): Answer | undefined {
    if (frame.kind !== 'document_fact' && !frame.asksSigner) return undefined;
    const named = scope.preferred ?? scope.docIds;
    const docs = named ? this.index.documents.filter((d) => named.has(d.id)) : this.index.documents;
    return answerDocumentFact(question, frame, docs, { documents: this.index.documents, chunksOf: (id) => this.docChunks(id), lexicon: this.lexicon });
  }

  private docChunks(docId: string): Chunk[] {
    this.chunksOverlapping(docId, [0, 0]);
    return this.chunksByDoc?.get(docId) ?? [];
  }

  /**
   * A task whose record lists no cooperating agency but whose own words name one ("chủ động …;
   * phối hợp với Sở Thông tin và Truyền thông bảo đảm an toàn thông tin"): the agencies named right
   * after "phối hợp (với)" in that clause count as cooperating.
   */
  private withStatedPartners(t: Task): Task {
    if (t.cooperating.length > 0) return t;
    const text = `${t.action ?? ''} ${t.title}`.replace(/\s+/g, ' ');
    const partners: AgencyRef[] = [];
    for (const m of text.matchAll(/phối hợp[.,]?\s+(?:với\s+)?([^;.]{3,200})/giu)) {
      // Only the names that follow "phối hợp với" directly ("A, B và C"), not ones later in the clause.
      const clause = m[1]!;
      let end = 0;
      for (const { start, end: stop, ...ref } of this.registry.findMentionSpans(clause, t.doc.province ? { province: t.doc.province } : {})) {
        if (!/^[\s,;&]*(?:và\s+)?(?:các\s+)?$/u.test(clause.slice(end, start))) break;
        end = stop;
        if (ref.agencyId && !partners.some((p) => p.agencyId === ref.agencyId) && !t.lead.some((l) => l.agencyId === ref.agencyId)) partners.push(ref);
      }
    }
    return partners.length > 0 ? { ...t, cooperating: partners } : t;
  }

  /**
   * Task lists of a named province draw on its own documents; the agency's tasks in documents whose
   * province was not read are not listed with them but counted, so none is hidden.
   */
  private unplacedNote(agency: string, name: string, provinces: string[] | undefined, scope: Scope, window: TimeWindow | undefined, today: string): string {
    if (!scope.docIds || !scope.taskDocIds || scope.taskDocIds.size === scope.docIds.size) return '';
    const rest = new Set([...scope.docIds].filter((id) => !scope.taskDocIds!.has(id)));
    const other = tasksFor(this.tasksIn(scope), this.registry, { agency, ...dueWindow(window, today), ...(provinces ? { provinces } : {}), docIds: rest, reorganisation: this.reorganisation });
    const tasks = [...other.own, ...other.inherited];
    if (tasks.length === 0) return '';
    const docs = [...new Map(tasks.map((t) => [t.doc.docId, t.doc])).values()];
    return `\nNgoài ra, ${tasks.length} nhiệm vụ của ${name} nằm trong văn bản chưa xác định được tỉnh: ${docs.slice(0, 3).map((d) => documentName(d)).join('; ')}${docs.length > 3 ? '; …' : ''} (hỏi theo số văn bản để xem).`;
  }

  /** The agency's own tasks whose (non-recurring) deadline has passed, latest first. */
  private pastDeadlines(agency: string, provinces: string[] | undefined, scope: Scope, today: string): Task[] {
    const all = tasksFor(this.tasksIn(scope), this.registry, { agency, today, ...(provinces ? { provinces } : {}), ...(scope.taskDocIds ? { docIds: scope.taskDocIds } : {}), reorganisation: this.reorganisation });
    const dated = [...all.own, ...all.inherited].filter((t) => t.deadline.kind !== 'recurring' && t.deadline.kind !== 'ongoing' && !!t.deadline.due && t.deadline.due < today);
    return dated.sort((a, b) => (b.deadline.due ?? '').localeCompare(a.deadline.due ?? '') || a.lines[0] - b.lines[0]);
  }

  private bestTarget(q: QueryTerms, scope: Scope, years: number[] = []): { target: Target; score: number } | undefined {
    let best: { target: Target; score: number } | undefined;
    for (const t of this.index.targets) {
      if (!t.figure) continue;
      if (scope.docIds && !scope.docIds.has(t.doc.docId)) continue;
      const only = scope.passages;
      if (only && this.knownProvince(t.doc.province) && !this.chunksOverlapping(t.doc.docId, t.lines).some((c) => only.chunks.has(c.id))) continue;
      let score = coverage(q, `${t.text} ${t.sectionTitle}`, this.stats, docContext(t.doc)).score;
      // Plans set the same indicator per period ("giai đoạn 2019-2020: 20%", "2021-2025: 40%"):
      // the period the question names decides between them.
      score *= periodWeight(years, t.year);
      if (!best || score > best.score) best = { target: t, score };
    }
    return best;
  }

  private composeTarget(question: string, t: Target, hits: SearchHit[]): Answer {
    const lines = [`Chỉ tiêu: ${shorten(stripFootnoteMarks(t.text), 300)}${t.figure && !t.text.includes(t.figure) ? ` (${t.figure})` : ''}.`];
    if (t.lead.length > 0) lines.push(`Chủ trì: ${agencies(t.lead)}.`);
    if (t.cooperating.length > 0) lines.push(`Phối hợp: ${agencies(t.cooperating)}.`);
    const citation = citeRecord(t.doc, { sectionPath: t.sectionPath, lines: t.lines, page: t.page });
    return { question, answer: withSources(lines.join('\n'), [citation]), intent: 'target', refused: false, citations: [citation], passages: this.passages(hits, [{ docId: t.doc.docId, lines: t.lines }]), tasks: [], choices: [] };
  }

  /** Quote the best supporting sentence from the retrieved passages, or undefined when support is weak. */
  private quote(question: string, frame: QuestionFrame, hits: SearchHit[], q: QueryTerms, intent: Intent): Answer | undefined {
    const best = this.bestSentence(frame, hits, q, intent);
    return best ? this.composeQuote(question, frame, hits, best, intent) : undefined;
  }

  /**
   * The sentence (or table row) that best supports an answer of the asked kind: a figure for
   * targets, a date expression for deadlines, an agency for who-questions, a person's name for
   * "ai là …" — or undefined when none reaches the threshold.
   */
  private bestSentence(frame: QuestionFrame, hits: SearchHit[], q: QueryTerms, intent: Intent): Quoted | undefined {
    const passageHits = hits.filter((h) => h.chunk.kind !== 'task').slice(0, 12);
    const noun = intent === 'target' ? countedNoun(frame.folded) : [];
    const years = intent === 'target' ? yearsIn(frame.folded) : [];
    let best: Quoted | undefined;
    passageHits.forEach((h, rank) => {
      const context = `${h.chunk.sectionTitle} ${docContext(h.chunk.doc)}`;
      // A figure under another period's heading ("Giai đoạn 2021 - 2025") answers another question.
      const period = periodWeight(years, fold(h.chunk.sectionTitle));
      const whole = coverage(q, h.chunk.text, this.stats, context).score;
      const parts = h.chunk.kind === 'table-row' ? [{ text: h.chunk.text, newLine: false }] : sentenceParts(h.chunk.text);
      const list = parts.map((p) => p.text);
      list.forEach((sentence, i) => {
        // A count of the very thing asked ("700 phòng họp") is a figure even in a unit the generic pattern lacks.
        if (intent === 'target' && !hasFigure(sentence) && !figureBeside(sentence, noun)) return;
        if (intent === 'deadline' && !hasDateExpression(sentence)) return;
        if (frame.asksPerson && !hasPersonName(sentence)) return;
        const own = coverage(q, sentence, this.stats, context).score;
        const score = (0.75 * own + 0.25 * whole) * period - rank * 0.003 + (figureBeside(sentence, noun) ? 0.1 : 0);
        if (best && score <= best.score) return;
        // Checked last: agency matching is the costliest filter.
        if (intent === 'who_leads' || intent === 'who_cooperates') {
          const mentions = this.registry.findMentions(sentence);
          if (mentions.length === 0) return;
          // "phục vụ người dân, doanh nghiệp" names who benefits, not who does the work: a group
          // alone answers "ai chủ trì?" only in a sentence that gives it a role.
          if (mentions.every((m) => m.kind === 'group') && !ROLE_CUE.test(sentence)) return;
        }
        best = { sentence, chunk: h.chunk, score, ...(list[i + 1] ? { next: list[i + 1], nextOnNewLine: parts[i + 1]!.newLine } : {}) };
      });
    });
    return best && best.score >= ENGINE_DEFAULTS.sentenceThreshold ? best : undefined;
  }

  private composeQuote(question: string, frame: QuestionFrame, hits: SearchHit[], found: Quoted, intent: Intent): Answer {
    const citation = citeChunk(found.chunk);
    const long = intent === 'agency_tasks' || intent === 'fact';
    // A heading and the sentence under it stay on their own lines, as in the source.
    const joined = long && found.next ? `${found.sentence}${found.nextOnNewLine ? '\n' : ' '}${found.next}` : found.sentence;
    const body = stripFootnoteMarks(joined.replace(/^[-+*•]\s*/, ''));
    const text = `Theo ${citation.document}, ${citation.section}:\n“${quoteText(body, long ? 900 : 600)}”`;
    return {
      question,
      answer: withSources(text, [citation]),
      intent: frame.intent === 'fact' && intent !== 'fact' ? intent : frame.intent,
      refused: false,
      citations: [citation],
      passages: this.passages(hits, [{ docId: found.chunk.doc.docId, lines: found.chunk.lines }]),
      tasks: this.tasksOverlapping(found.chunk).slice(0, 3),
      choices: [],
    };
  }

  private refuseWithRelated(question: string, frame: QuestionFrame, hits: SearchHit[], q: QueryTerms, candidates: Candidate[]): Answer {
    const related: Array<{ text: string; citation: Citation }> = [];
    for (const c of candidates.slice(0, 1)) related.push({ text: c.tasks[0]!.title, citation: citeTask(c.tasks[0]!) });
    for (const h of hits.filter((x) => x.chunk.kind !== 'task').slice(0, 2 - related.length)) related.push({ text: h.chunk.text, citation: citeChunk(h.chunk) });
    const weak = hits.length === 0 || q.unigrams.length === 0;
    const reason = weak ? 'out_of_scope' : 'weak_evidence';
    const text = weak
      ? 'Câu hỏi này nằm ngoài nội dung các văn bản tôi có (kế hoạch, quyết định, báo cáo và hướng dẫn thủ tục hành chính).\nGõ /help để xem các câu hỏi mẫu.'
      : refusalText(MISSING_FACT[frame.intent] ?? 'thông tin được hỏi', related);
    const intent: Intent = weak ? 'out_of_scope' : frame.intent;
    return { question, answer: text, intent, refused: true, reason, citations: related.map((r) => r.citation), passages: this.passages(hits), tasks: [], choices: [] };
  }

  private canned(question: string, intent: Intent, text: string): Answer {
    return { question, answer: text, intent, refused: false, citations: [], passages: [], tasks: [], choices: [] };
  }

  private refuse(question: string, intent: Intent, reason: string, text: string): Answer {
    return { question, answer: text, intent, refused: true, reason, citations: [], passages: [], tasks: [], choices: [] };
  }
}

/** A question about a recurring schedule ("hàng quý vào ngày nào", "định kỳ báo cáo khi nào"). */

/** "hàng quý (ngày 15 tháng cuối quý)", "định kỳ hằng tháng, trước ngày 20": a schedule within a task's words. */
const PERIODIC_PHRASE = /(?:định kỳ\s+)?(?:hàng|hằng)\s+(?:quý|tháng|năm|tuần)\s*(?:\([^)]*ngày[^)]*\)|,?\s*(?:vào\s+|trước\s+)?ngày\s+\d{1,2}(?:\s+tháng\s+cuối\s+quý)?)/iu;

/** The schedules the tasks' own words state, one line per lead agency, quoted as written. */
function periodicStatements(tasks: Task[]): string[] {
  const out: string[] = [];
  for (const t of tasks) {
    if (t.deadline.kind === 'recurring') continue;
    const m = `${t.action ?? ''} ${t.title}`.match(PERIODIC_PHRASE);
    if (!m) continue;
    const who = agencies(t.lead);
    out.push(`Định kỳ${who ? ` (${who})` : ''}: ${m[0].replace(/\s+/g, ' ').trim()}.`);
  }
  return [...new Set(out)];
}

/** "A, B và C". */
function listVi(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} và ${items[items.length - 1]}`;
}


/** Hits of documents kept in scope only because their province/number is unknown weigh this much. */
const UNKNOWN_FIELD_WEIGHT = 0.8;

/** A period list names at most this many documents in full. */
const MAX_LISTED_DOCUMENTS = 4;



/** The task filter a question's time window asks for. */
function dueWindow(window: TimeWindow | undefined, today: string): DueWindow {
  if (!window) return { today };
  switch (window.kind) {
    case 'upcoming':
      return { today, dueWithinDays: window.days, includeOverdue: true };
    case 'before':
      return { today, dueBefore: window.date, ...(window.from ? { dueAfter: window.from } : {}) };
    case 'overdue':
      return { today, overdueOnly: true };
    case 'year':
      return { today, dueAfter: `${window.year}-01-01`, dueBefore: `${window.year}-12-31` };
  }
}

/** "có hạn trong Quý III/2024 (1/7/2024 – 30/9/2024)", "có hạn từ nay đến hết 31/10/2024" … */
function windowPhrase(window: TimeWindow, today: string): string {
  switch (window.kind) {
    case 'before': {
      if (!window.from) return `có hạn ${window.date < today ? '' : 'từ nay '}đến hết ${window.date.split('-').reverse().join('/')}`;
      const label = window.label ?? `tháng ${Number(window.from.slice(5, 7))}/${window.from.slice(0, 4)}`;
      // A month names its own days; a quarter or half-year is easier checked with its dates.
      const span = /^tháng/.test(label) ? '' : ` (${viDate(window.from)} – ${viDate(window.date)})`;
      return `có hạn trong ${label}${span}`;
    }
    case 'upcoming':
      return `sắp đến hạn (trong ${window.days} ngày tới) hoặc mới quá hạn (trong ${OVERDUE_LOOKBACK_DAYS} ngày qua)`;
    case 'overdue':
      return `quá hạn trong ${OVERDUE_LOOKBACK_DAYS} ngày qua`;
    case 'year':
      return `có hạn trong năm ${window.year}`;
  }
}

/** Words that give the agencies of a sentence a role in the work. */
const ROLE_CUE = /chủ trì|phối hợp|được giao|giao cho|thực hiện|chịu trách nhiệm|:/iu;

/**
 * Letters and digits in one token ("6g", "ipv6", "iso27001"): a name of a specific thing. Not a
 * document number written without a space ("qd1118", "kh114"), a quarter ("q4") or an amount ("15h", "2tr").
 */
export function isNamedCode(term: string): boolean {
  if (!/\d/.test(term) || !/\p{L}/u.test(term)) return false;
  if (/^(?:kh|qd|nq|ct|bc|tb|cv|nd|tt|so|ubnd|tw|qh)\d+$/.test(term)) return false;
  if (/^\d+g$/.test(term)) return true; // 4G, 5G, 6G: network generations
  if (/^q[1-4]$|^\d+(?:h|ph|p|k|tr|ty|m|km|ha)$/.test(term)) return false; // quarters, times and amounts ("15h", "2tr")
  return true;
}
