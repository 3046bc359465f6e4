/**
 * Abbreviation table (knowledge/abbreviations.json): rewrites every known form of a name to one
 * canonical form, on both the diacritic field and the folded field, at index and query time.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { fold, normalize } from './normalize.js';

export const AbbreviationTable = z.object({
  schemaVersion: z.literal(1),
  description: z.string().optional(),
  entries: z
    .array(z.object({ canonical: z.string().min(1), forms: z.array(z.string().min(1)).min(1) }))
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

export class Abbreviations {
  private readonly exact: Rewriter;
  private readonly folded: Rewriter;

  constructor(readonly table: AbbreviationTable) {
    this.exact = new Rewriter(
      table.entries.map((e) => ({ canonical: normalize(e.canonical), forms: e.forms.map((f) => normalize(f)) })),
    );
    this.folded = new Rewriter(
      table.entries.map((e) => ({ canonical: fold(e.canonical), forms: e.forms.map((f) => fold(f)) })),
    );
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
    return this.exact.rewrite(normalize(text));
  }

  /** Folded text (no diacritics) with every known form rewritten to its folded canonical form. */
  canonicalFolded(text: string): string {
    return this.folded.rewrite(fold(text));
  }
}

let bundled: Abbreviations | undefined;
/** The bundled table, loaded once. */
export function defaultAbbreviations(): Abbreviations {
  bundled ??= Abbreviations.load();
  return bundled;
}
