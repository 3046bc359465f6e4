/**
 * The question lexicon (knowledge/question-lexicon.json): every cue phrase, stop word, period and
 * list word the question model reads, as data. Loaded and zod-checked once; compiled into
 * whole-word matchers over folded text, so "ai chu tri" and "ai chủ trì" behave the same.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { fold } from '../text/normalize.js';

export const QUESTION_LEXICON_SCHEMA_VERSION = 1;

const Phrases = z.array(z.string().min(1)).min(1);

export const QuestionLexicon = z.object({
  schemaVersion: z.literal(QUESTION_LEXICON_SCHEMA_VERSION),
  description: z.string().optional(),
  greeting: z.object({ words: Phrases, addressees: Phrases, particles: Phrases }),
  thanks: z.object({ words: Phrases, tails: Phrases }),
  help: z.object({
    phrases: Phrases,
    commands: Phrases,
    botNames: Phrases,
    botVocatives: Phrases,
    botModals: Phrases,
    botAsks: Phrases,
  }),
  kinds: z.object({
    lead: Phrases,
    /** "ai phải …", "… là việc của đơn vị nào": asks the lead even when list words are present. */
    leadFirst: Phrases,
    partners: Phrases,
    deadline: Phrases,
    /** Deadline cues that ask ("khi nào", "ngày nào"), as opposed to nouns ("thời hạn", "tiến độ") a lead question may carry. */
    deadlineAsk: Phrases,
    figure: Phrases,
    /** A figure cue that stays a figure even when procedure words are present. */
    figureStrong: Phrases,
    /** Nouns of a plan's indicator: a question naming one is never a procedure. */
    indicator: Phrases,
    taskList: Phrases,
    periodList: Phrases,
    documentList: Phrases,
    procedure: Phrases,
    procedureSubject: Phrases,
    procedureNouns: Phrases,
    /** A citizen's papers: "quá hạn" about one of them is an expired paper, not overdue tasks. */
    citizenPapers: Phrases,
    planWords: Phrases,
    /** Words after "sở" that make it a department ("sở tttt"); folded "so" alone is also "sổ", "số". */
    departmentWords: Phrases,
    mine: Phrases,
    personAsk: Phrases,
    personAskNotAgency: Phrases,
    person: Phrases,
    signer: Phrases,
    overdue: Phrases,
    upcoming: Phrases,
    upcomingNear: Phrases,
    periodic: Phrases,
  }),
  documentFacts: z.object({
    number: Phrases,
    date: Phrases,
    signer: Phrases,
    recipient: Phrases,
    proposer: Phrases,
    effective: Phrases,
    issuer: Phrases,
  }),
  documentStatements: z.object({
    description: z.string().optional(),
    signerFields: Phrases,
    effectiveFields: Phrases,
    effective: Phrases,
    recipient: Phrases,
    proposer: Phrases,
  }),
  courtesy: z.object({ ask: Phrases, askTails: Phrases, thanks: Phrases, thanksTails: Phrases }),
  followUp: z.object({ leads: Phrases, tails: Phrases, maxTerms: z.number().int().min(0).max(10) }),
  document: z.object({ typePrefixes: Phrases, typeSuffixes: Phrases }),
  period: z.object({ description: z.string().optional(), day: Phrases, nextDays: Phrases, upcomingDays: z.number().int().min(1).max(366) }),
  stopWords: z.string().min(1),
  listWords: z.object({ description: z.string().optional(), agency: z.string().min(1), document: z.string().min(1), period: z.string().min(1) }),
});
export type QuestionLexicon = z.infer<typeof QuestionLexicon>;

export const BUNDLED_QUESTION_LEXICON = fileURLToPath(new URL('../../knowledge/question-lexicon.json', import.meta.url));

/** A regex alternation of folded phrases, longest first, spaces matching any run of spaces. */
export function alternation(phrases: readonly string[]): string {
  return [...new Set(phrases.map((p) => fold(p).trim()))]
    .sort((a, b) => b.length - a.length)
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+'))
    .join('|');
}

/** Whole-word match of any phrase in folded text. */
const cue = (phrases: readonly string[]): RegExp => new RegExp(`(?:^|\\s)(?:${alternation(phrases)})(?=\\s|$|[?.,!])`);

export type CueName = keyof QuestionLexicon['kinds'];
export type DocumentFact = keyof QuestionLexicon['documentFacts'];

export interface CompiledLexicon {
  source: QuestionLexicon;
  kinds: Record<CueName, RegExp>;
  facts: Array<[DocumentFact, RegExp]>;
  greeting: RegExp;
  thanks: RegExp;
  help: RegExp;
  aboutBot: RegExp;
  commands: Set<string>;
  /** "sở tttt", "sở, ban, ngành": "sở" as a department. */
  department: RegExp;
  /** "ai là Trưởng ban …" asks for a person; "ai là đơn vị chủ trì" does not. */
  personAsk: RegExp;
  courtesy: RegExp;
  followUpLead: RegExp;
  followUpTail: RegExp;
  stop: Set<string>;
  docNumber: RegExp;
  /** Words a task-list question says besides its topic (folded), per list. */
  listWords: { agency: Set<string>; document: Set<string>; period: Set<string> };
}

const words = (text: string): Set<string> => new Set(fold(text).split(/\s+/).filter(Boolean));

export function compileLexicon(lex: QuestionLexicon): CompiledLexicon {
  const kinds = Object.fromEntries(Object.entries(lex.kinds).map(([k, v]) => [k, cue(v)])) as Record<CueName, RegExp>;
  const g = lex.greeting;
  const h = lex.help;
  const c = lex.courtesy;
  return {
    source: lex,
    kinds,
    facts: (Object.entries(lex.documentFacts) as Array<[DocumentFact, string[]]>).map(([k, v]) => [k, cue(v)]),
    greeting: new RegExp(`^(?:${alternation(g.words)})(?: (?:${alternation(g.addressees)}))?(?: (?:${alternation(g.particles)}))?[\\s!.?]*$`),
    thanks: new RegExp(`^(?:${alternation(lex.thanks.words)})(?: (?:${alternation(lex.thanks.tails)}))*[\\s!.?]*$`),
    help: cue(h.phrases),
    aboutBot: new RegExp(
      `^(?:${alternation(h.botNames)})(?: (?:${alternation(h.botVocatives)}))?(?: (?:${alternation(h.botModals)}))? (?:${alternation(h.botAsks)})(?=\\s|$|[?.,!])`,
    ),
    commands: new Set(h.commands.map((x) => fold(x))),
    department: new RegExp(`(?:^|\\s)so,?\\s+(?:${alternation(lex.kinds.departmentWords)})\\b`),
    personAsk: new RegExp(`(?:^|\\s)(?:${alternation(lex.kinds.personAsk)})\\b(?! (?:${alternation(lex.kinds.personAskNotAgency)})\\b)`),
    courtesy: new RegExp(
      `(?:^|\\s)(?:(?:${alternation(c.ask)})(?: (?:${alternation(c.askTails)}))?|(?:${alternation(c.thanks)})(?: (?:${alternation(c.thanksTails)}))*)(?=\\s|$|[?.,!])`,
      'g',
    ),
    followUpLead: new RegExp(`^(?:${alternation(lex.followUp.leads)})\\b`),
    followUpTail: new RegExp(`(?:^|\\s)(?:${alternation(lex.followUp.tails)})\\s*\\??$`),
    stop: words(lex.stopWords),
    listWords: { agency: words(lex.listWords.agency), document: words(lex.listWords.document), period: words(lex.listWords.period) },
    docNumber: new RegExp(
      `\\b(?:${alternation(lex.document.typePrefixes)})\\s*(?:so\\s*)?(\\d{1,5})\\b|\\b(\\d{1,5})\\s*[/-]\\s*(?:${alternation(lex.document.typeSuffixes)})`,
      'g',
    ),
  };
}

let bundled: CompiledLexicon | undefined;

/** Load and check a lexicon file; a bad file is a clear error naming it. */
export function loadQuestionLexicon(path: string = BUNDLED_QUESTION_LEXICON): CompiledLexicon {
  const json: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const version = (json as { schemaVersion?: unknown })?.schemaVersion;
  if (version !== QUESTION_LEXICON_SCHEMA_VERSION) {
    throw new Error(`question lexicon ${path}: unsupported schemaVersion ${String(version)} (expected ${QUESTION_LEXICON_SCHEMA_VERSION})`);
  }
  const parsed = QuestionLexicon.safeParse(json);
  if (!parsed.success) throw new Error(`question lexicon ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return compileLexicon(parsed.data);
}

/** The bundled lexicon, loaded once. */
export function defaultQuestionLexicon(): CompiledLexicon {
  bundled ??= loadQuestionLexicon();
  return bundled;
}
