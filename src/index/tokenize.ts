/**
 * Index-time and query-time tokens for the lexical index. One function for both sides, so a
 * query and a passage always agree on what a term is.
 *
 * Tokens are syllables plus syllable bigrams ("thí_điểm"), computed inside punctuation-free
 * segments: a bigram across a full stop or a table cell border would match phrases nobody wrote.
 * Abbreviations are rewritten to their canonical form first ("Sở TT&TT" and "Sở Thông tin và
 * Truyền thông" both become "sở tttt").
 */
import type { Abbreviations } from '../text/abbreviations.js';
import { isFolded, syllables } from '../text/normalize.js';

/** Segment separators: clause punctuation, line breaks, table pipes, brackets; "." and "," only outside numbers. */
const SEGMENT_RE = /[;:!?\n\r|()[\]{}"“”«»…•›\t]+|[.,](?!\d)|(?<!\d)[.,]/u;

/** Syllables and bigrams of already-canonical text. */
export function termsOf(canonical: string): string[] {
  const out: string[] = [];
  for (const segment of canonical.split(SEGMENT_RE)) {
    const syl = syllables(segment);
    for (let i = 0; i < syl.length; i++) {
      out.push(syl[i]!);
      if (i > 0) out.push(`${syl[i - 1]!}_${syl[i]!}`);
    }
  }
  return out;
}

export interface QueryTerms {
  /** Terms with diacritics; empty when the query was typed without any. */
  exact: string[];
  folded: string[];
}

/** Terms of a query: a query without diacritics searches only the folded field. */
export function queryTerms(query: string, abbreviations: Abbreviations): QueryTerms {
  const folded = dedupe(termsOf(abbreviations.canonicalFolded(query)));
  const exact = isFolded(query) ? [] : dedupe(termsOf(abbreviations.canonical(query)));
  return { exact, folded };
}

function dedupe(terms: string[]): string[] {
  return [...new Set(terms)];
}
