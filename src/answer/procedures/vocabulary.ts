/**
 * The synonym table (knowledge/synonyms.json): everyday words rewritten to procedure vocabulary
 * ("làm giấy khai sinh" → "đăng ký khai sinh", "sổ đỏ" → "giấy chứng nhận quyền sử dụng đất") and
 * the words that say which part of a procedure a question is about ("giấy tờ gì" → documents).
 * Everything is matched on folded text, so questions typed without diacritics work the same.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { fold, squash } from '../../text/normalize.js';

export const PROCEDURE_ASPECTS = ['documents', 'where', 'online', 'how', 'time', 'fee', 'steps', 'who', 'legal', 'conditions', 'result'] as const;
/** Aspects a table written before they existed may leave out (read as no words). */
const LATER_ASPECTS: ReadonlySet<string> = new Set(['how', 'conditions', 'result']);
export type ProcedureAspect = (typeof PROCEDURE_ASPECTS)[number] | 'summary';

const Phrase = z.string().trim().min(1);
export const SynonymTable = z
  .object({
    schemaVersion: z.literal(1),
    description: z.string().optional(),
    /** Everyday phrase → procedure vocabulary. Longer forms win over shorter ones. */
    phrases: z.array(z.object({ canonical: Phrase, forms: z.array(Phrase).min(1) }).strict()).min(1),
    /** Question-aspect words, per aspect. The first phrase of each list is used to rebuild follow-up queries. */
    aspects: z.object(
      Object.fromEntries(
        PROCEDURE_ASPECTS.map((a) => [a, LATER_ASPECTS.has(a) ? z.array(Phrase).default([]) : z.array(Phrase).min(1)]),
      ) as Record<(typeof PROCEDURE_ASPECTS)[number], z.ZodDefault<z.ZodArray<typeof Phrase>>>,
    ),
    /** Words marking a `noi_nop` entry as an online channel ("trực tuyến", "VNeID"). */
    onlineChannelWords: z.array(Phrase).min(1),
    /** Vaguer aspect words ("thế nào"), used only when no word from `aspects` is present. */
    weakAspects: z
      .object(
        Object.fromEntries(PROCEDURE_ASPECTS.map((a) => [a, z.array(Phrase).optional()])) as Record<
          (typeof PROCEDURE_ASPECTS)[number],
          z.ZodOptional<z.ZodArray<typeof Phrase>>
        >,
      )
      .strict()
      .optional(),
    /**
     * Words naming a variant of a procedure ("cấp lại", "có yếu tố nước ngoài", "cấp huyện"). A name fits
     * the variant when it has one of `inNames`; a `default` variant of a group also fits a name that
     * carries no other variant of its group ("cấp mới" fits "Cấp giấy phép …", not "Cấp lại …").
     */
    variants: z
      .array(
        z
          .object({
            group: Phrase,
            name: Phrase,
            forms: z.array(Phrase).min(1),
            inNames: z.array(Phrase).min(1),
            default: z.boolean().optional(),
            /** The variant counts only when the question also has one of these words ("CCCD quá hạn", not "khai tử quá hạn"). */
            withWords: z.array(Phrase).optional(),
          })
          .strict(),
      )
      .default([]),
    /** Papers and words that make a question a citizen procedure question ("CCCD", "giấy phép"). */
    procedureNouns: z.array(Phrase).default([]),
    /** Words marking a question as a follow-up of the previous one ("còn", "thế còn", "thì sao"). */
    followUpWords: z.array(Phrase).default([]),
  })
  .strict();
export type SynonymTable = z.infer<typeof SynonymTable>;
export type VariantEntry = SynonymTable['variants'][number];

/** Path of the table bundled with the app. */
export const BUNDLED_SYNONYMS = fileURLToPath(new URL('../../../knowledge/synonyms.json', import.meta.url));

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One alternation of folded phrases, longest first, bounded by non-letters. */
function alternation(phrases: string[]): RegExp | undefined {
  const unique = [...new Set(phrases.map((p) => squash(fold(p))))].filter(Boolean);
  if (unique.length === 0) return undefined;
  unique.sort((a, b) => b.length - a.length);
  const body = unique.map((p) => p.split(' ').map(escape).join('\\s+')).join('|');
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${body})(?![\\p{L}\\p{N}])`, 'gu');
}

export interface AspectHit {
  aspect: (typeof PROCEDURE_ASPECTS)[number];
  at: number;
}

export class ProcedureVocabulary {
  private readonly phraseRe: RegExp | undefined;
  private readonly canonicalOf = new Map<string, string>();
  private readonly aspectRe: RegExp | undefined;
  private readonly aspectOf = new Map<string, (typeof PROCEDURE_ASPECTS)[number]>();
  private readonly weakRe: RegExp | undefined;
  private readonly onlineRe: RegExp | undefined;
  private readonly weakOf = new Map<string, (typeof PROCEDURE_ASPECTS)[number]>();
  private readonly variantRe: RegExp | undefined;
  private readonly variantOf = new Map<string, VariantEntry>();
  private readonly nounRe: RegExp | undefined;
  private readonly followRe: RegExp | undefined;

  constructor(readonly table: SynonymTable) {
    const forms: string[] = [];
    for (const entry of table.phrases) {
      const canonical = squash(fold(entry.canonical));
      // The canonical form maps to itself so a longer canonical is not broken up by a shorter form.
      for (const form of [entry.canonical, ...entry.forms]) {
        const key = squash(fold(form));
        if (!this.canonicalOf.has(key)) this.canonicalOf.set(key, canonical);
        forms.push(form);
      }
    }
    this.phraseRe = alternation(forms);
    const aspectPhrases: string[] = [];
    for (const aspect of PROCEDURE_ASPECTS) {
      for (const phrase of table.aspects[aspect] ?? []) {
        const key = squash(fold(phrase));
        if (!this.aspectOf.has(key)) this.aspectOf.set(key, aspect);
        aspectPhrases.push(phrase);
      }
    }
    this.aspectRe = alternation(aspectPhrases);
    const weakPhrases: string[] = [];
    for (const aspect of PROCEDURE_ASPECTS) {
      for (const phrase of table.weakAspects?.[aspect] ?? []) {
        const key = squash(fold(phrase));
        if (!this.weakOf.has(key)) this.weakOf.set(key, aspect);
        weakPhrases.push(phrase);
      }
    }
    this.weakRe = alternation(weakPhrases);
    this.onlineRe = alternation(table.onlineChannelWords);
    const variantForms: string[] = [];
    for (const entry of table.variants ?? []) {
      for (const form of entry.forms) {
        // Looked for in the question as typed (folded), not rewritten: a synonym's canonical words
        // ("sổ đỏ" → "… lần đầu") are not the asker's.
        const key = squash(fold(form));
        if (!this.variantOf.has(key)) this.variantOf.set(key, entry);
        variantForms.push(key);
      }
    }
    this.variantRe = alternation(variantForms);
    this.nounRe = alternation(table.procedureNouns ?? []);
    this.followRe = alternation(table.followUpWords ?? []);
  }

  /** Variants a question names (on text already stripped of aspect words), at most one per group. */
  variants(text: string): VariantEntry[] {
    const out: VariantEntry[] = [];
    if (!this.variantRe) return out;
    for (const m of squash(fold(text)).matchAll(this.variantRe)) {
      const entry = this.variantOf.get(squash(m[0]));
      if (!entry || out.some((e) => e.group === entry.group)) continue;
      if (entry.withWords && !this.hasAny(text, entry.withWords)) continue;
      out.push(entry);
    }
    return out;
  }

  private readonly anyCache = new Map<string[], RegExp | undefined>();
  private hasAny(text: string, phrases: string[]): boolean {
    if (!this.anyCache.has(phrases)) this.anyCache.set(phrases, alternation(phrases));
    const re = this.anyCache.get(phrases);
    if (!re) return false;
    re.lastIndex = 0;
    return re.test(squash(fold(text)));
  }

  /** True when a procedure name (rewritten) fits a variant; see `variants` in the table. */
  nameFits(name: string, variant: VariantEntry): boolean {
    const text = ` ${this.rewrite(name).replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
    const has = (phrase: string) => text.includes(` ${this.rewrite(phrase)} `);
    if (variant.inNames.some(has)) return true;
    if (!variant.default) return false;
    return !(this.table.variants ?? []).some((other) => other.group === variant.group && other !== variant && other.inNames.some(has));
  }

  /** Procedure nouns the question has ("cccd", "giấy phép"), folded. */
  nouns(text: string): string[] {
    if (!this.nounRe) return [];
    return [...new Set([...squash(fold(text)).matchAll(this.nounRe)].map((m) => squash(m[0])))];
  }

  /** True when the question reads as a follow-up of the previous one ("còn lệ phí?", "thế còn kết hôn?"). */
  isFollowUp(text: string): boolean {
    if (!this.followRe) return false;
    this.followRe.lastIndex = 0;
    return this.followRe.test(squash(fold(text)));
  }

  /** True when a submission channel ("Nộp trực tuyến trên Cổng Dịch vụ công quốc gia") is online. */
  isOnlineChannel(text: string): boolean {
    if (!this.onlineRe) return false;
    this.onlineRe.lastIndex = 0;
    return this.onlineRe.test(squash(fold(text)));
  }

  static load(file: string = BUNDLED_SYNONYMS): ProcedureVocabulary {
    const parsed = SynonymTable.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`synonym table ${file}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
    }
    return new ProcedureVocabulary(parsed.data);
  }

  /** Folded text with everyday phrases rewritten to their canonical procedure wording. */
  rewrite(text: string): string {
    const folded = squash(fold(text));
    if (!this.phraseRe) return folded;
    return folded.replace(this.phraseRe, (m) => this.canonicalOf.get(squash(m)) ?? m);
  }

  /**
   * Aspects a question asks about, in the order they appear, and the question with those words removed.
   * `nameWords`: word pairs of procedure names (folded); an aspect word that forms one with its
   * neighbour is part of a name, not an aspect ("chi phí học tập" is not a fee question).
   */
  aspects(text: string, nameWords?: ReadonlySet<string>): { hits: AspectHit[]; rest: string } {
    const strong = this.strip(squash(fold(text)), this.aspectRe, this.aspectOf, nameWords);
    const weak = this.strip(strong.rest, this.weakRe, this.weakOf, nameWords);
    return { hits: strong.hits.length > 0 ? strong.hits : weak.hits, rest: weak.rest };
  }

  private strip(
    folded: string,
    re: RegExp | undefined,
    of: Map<string, (typeof PROCEDURE_ASPECTS)[number]>,
    nameWords?: ReadonlySet<string>,
  ): { hits: AspectHit[]; rest: string } {
    const hits: AspectHit[] = [];
    if (!re) return { hits, rest: folded };
    const rest = folded.replace(re, (m, at: number) => {
      if (nameWords && nameWords.size > 0) {
        const words = m.split(/\s+/);
        const before = /([\p{L}\p{N}]+)\s*$/u.exec(folded.slice(0, at))?.[1];
        const after = /^\s*([\p{L}\p{N}]+)/u.exec(folded.slice(at + m.length))?.[1];
        // The phrase itself must run inside a name too ("ở đâu" is no name's words though "sinh ở" is).
        const inside = words.every((w, i) => i === 0 || nameWords.has(`${words[i - 1]} ${w}`));
        if (inside && ((before && nameWords.has(`${before} ${words[0]}`)) || (after && nameWords.has(`${words[words.length - 1]} ${after}`)))) return m;
      }
      const aspect = of.get(squash(m));
      if (aspect && !hits.some((h) => h.aspect === aspect)) hits.push({ aspect, at });
      return ' ';
    });
    return { hits, rest: squash(rest) };
  }

  /** A short phrase asking about an aspect, for the follow-up query of a choice. */
  aspectPhrase(aspect: ProcedureAspect): string {
    return aspect === 'summary' ? '' : (this.table.aspects[aspect]?.[0] ?? '');
  }
}

let bundled: ProcedureVocabulary | undefined;
/** The bundled table, loaded once. */
export function defaultProcedureVocabulary(): ProcedureVocabulary {
  bundled ??= ProcedureVocabulary.load();
  return bundled;
}
