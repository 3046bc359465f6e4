/**
 * Abbreviation table (knowledge/abbreviations.json): rewrites every known form of a name to one
 * canonical form, on both the diacritic field and the folded field, at index and query time.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { cleanText, fold, normalize } from './normalize.js';

export const AbbreviationTable = z.object({
  schemaVersion: z.literal(1),
  description: z.string().optional(),
  entries: z
    .array(
      z.object({
        canonical: z.string().min(1),
        forms: z.array(z.string().min(1)).min(1),
        /**
         * Rewrite the forms only where they are written with their diacritics: without them they are
         * common words ("ca tỉnh" folds to "ca tinh", which is also "cả tỉnh", the whole province).
         */
        diacriticsOnly: z.boolean().optional(),
      }),
    )
    .min(1),
});
export type AbbreviationTable = z.infer<typeof AbbreviationTable>;

/** Path of the table bundled with the app (used when no other table is given). */
export const BUNDLED_ABBREVIATIONS = fileURLToPath(new URL('../../knowledge/abbreviations.json', import.meta.url));

/** Strip spaces around joiners so "tt & tt" and "tt&tt" share one lookup key. */
function key(form: string): string {
  return form.replace(/\s*([&,\-.])\s*/g, '$1').replace(/\s+/g, ' ').trim();
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function pattern(form: string): string {
  return key(form)
    .split('')
    .map((ch) => (ch === ' ' ? '\\s+' : '&,-.'.includes(ch) ? `\\s*${escape(ch)}\\s*` : escape(ch)))
    .join('');
}

class Rewriter {
  private readonly re: RegExp;
  private readonly byKey = new Map<string, string>();

  constructor(entries: Array<{ canonical: string; forms: string[] }>) {
    const forms: string[] = [];
    for (const entry of entries) {
      for (const form of [...entry.forms, entry.canonical]) {
        const k = key(form);
        if (!this.byKey.has(k)) {
          this.byKey.set(k, entry.canonical);
          forms.push(form);
        }
      }
    }
    forms.sort((a, b) => key(b).length - key(a).length);
    this.re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${forms.map(pattern).join('|')})(?![\\p{L}\\p{N}])`, 'gu');
  }

  rewrite(text: string): string {
    return text.replace(this.re, (m) => this.byKey.get(key(m)) ?? m);
  }
}

/**
 * `diacriticsOnly` forms typed with their first word in capitals and the rest with or without
 * diacritics ("CA tinh", "CA tỉnh"): the capitals say it is the abbreviation, not "cả tỉnh".
 */
class CapitalsRewriter {
  private readonly re: RegExp | undefined;
  private readonly byKey = new Map<string, string>();

  constructor(entries: Array<{ canonical: string; forms: string[] }>) {
    const patterns: string[] = [];
    for (const entry of entries) {
      for (const form of entry.forms) {
        const [first, ...rest] = normalize(form).split(/\s+/);
        if (!first || rest.length === 0) continue;
        const restWords = rest.map((w) => `(?:${[...new Set([w, fold(w)])].map(anyCase).join('|')})`);
        patterns.push([escape(first.toUpperCase()), ...restWords].join('\\s+'));
        this.byKey.set(fold(form), entry.canonical);
      }
    }
    this.re = patterns.length > 0 ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${patterns.join('|')})(?![\\p{L}\\p{N}])`, 'gu') : undefined;
  }

  rewrite(text: string): string {
    if (!this.re) return text;
    return text.replace(this.re, (m) => this.byKey.get(fold(m).replace(/\s+/g, ' ')) ?? m);
  }
}

function anyCase(word: string): string {
  return [...word].map((ch) => (ch.toUpperCase() === ch ? escape(ch) : `[${escape(ch)}${escape(ch.toUpperCase())}]`)).join('');
}

export class Abbreviations {
  private readonly exact: Rewriter;
  private readonly folded: Rewriter;
  private readonly capitals: CapitalsRewriter;

  constructor(readonly table: AbbreviationTable) {
    this.exact = new Rewriter(
      table.entries.map((e) => ({ canonical: normalize(e.canonical), forms: e.forms.map((f) => normalize(f)) })),
    );
    this.folded = new Rewriter(
      table.entries.map((e) => ({ canonical: fold(e.canonical), forms: e.diacriticsOnly ? [fold(e.canonical)] : e.forms.map((f) => fold(f)) })),
    );
    this.capitals = new CapitalsRewriter(table.entries.filter((e) => e.diacriticsOnly));
  }

  static load(path: string = BUNDLED_ABBREVIATIONS): Abbreviations {
    const parsed = AbbreviationTable.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`abbreviation table ${path}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`);
    }
    return new Abbreviations(parsed.data);
  }

  /** Normalised text (with diacritics) with every known form rewritten to its canonical form. */
  canonical(text: string): string {
    return this.exact.rewrite(normalize(this.capitals.rewrite(cleanText(text))));
  }

  /** Folded text (no diacritics) with every known form rewritten to its folded canonical form. */
  canonicalFolded(text: string): string {
    // The exact pass first, so forms only recognised with their diacritics ("CA tỉnh") still fold
    // to their canonical name; every other form gives the same result either way.
    return this.folded.rewrite(fold(this.canonical(text)));
  }
}

let bundled: Abbreviations | undefined;
/** The bundled table, loaded once. */
export function defaultAbbreviations(): Abbreviations {
  bundled ??= Abbreviations.load();
  return bundled;
}
