/**
 * Ranks procedures by how well a question names them. A procedure's names (its `ten` and
 * `ten_goi_khac`) and the question are folded and rewritten with the synonym table; units are
 * syllables and syllable bigrams, weighted by how rare they are among the procedures' names, so
 * "khai sinh" counts and "đăng ký" barely does.
 *
 * score = matched weight × coverage², where coverage is the share of the name's weight found in
 * the question: a short name fully present beats a long name half present ("làm giấy khai sinh" →
 * "Đăng ký khai sinh"), while a longer name whose extra words are also present wins over its
 * shorter sibling ("khai sinh … yếu tố nước ngoài").
 */
import type { Procedure } from '../../domain/records.js';
import { fold, squash, syllables } from '../../text/normalize.js';
import type { ProcedureVocabulary } from './vocabulary.js';

/** Defaults for matching; scores are only comparable within one call. */
export const MATCH_DEFAULTS = {
  /** A name must have at least this share of its weight in the question. Default: 0.5. */
  minCoverage: 0.5,
  /** Candidates within this ratio of the best are "close" and make the answer ask which one. Default: 0.8. */
  closeRatio: 0.8,
  /**
   * A name with a rare word ("karaoke", in the names of at most `rareOwners` procedures) that the
   * question has needs only this share of its weight: long portal names are rarely typed in full. Default: 0.3.
   */
  distinctCoverage: 0.3,
  /** A syllable in the names of at most this many procedures is rare. Default: 2 (a procedure and its variant). */
  rareOwners: 2,
} as const;

function units(text: string): string[] {
  const syl = syllables(text);
  const out = new Set(syl);
  for (let i = 0; i + 1 < syl.length; i++) out.add(`${syl[i]} ${syl[i + 1]}`);
  return [...out];
}

interface NameUnits {
  name: string;
  units: string[];
}

interface Prepared {
  names: NameUnits[][];
  idf: Map<string, number>;
  /** Rare syllables: found in the names of at most two procedures (the same name in two files counts once). */
  distinct: Set<string>;
  /** Word pairs of the names as written (folded, not rewritten). */
  pairs: Set<string>;
}

const cache = new WeakMap<Procedure[], WeakMap<ProcedureVocabulary, Prepared>>();

function prepare(procedures: Procedure[], vocabulary: ProcedureVocabulary): Prepared {
  let byVocab = cache.get(procedures);
  const hit = byVocab?.get(vocabulary);
  if (hit) return hit;
  const names = procedures.map((p) =>
    [p.ten, ...p.ten_goi_khac].map((name) => {
      const rewritten = vocabulary.rewrite(name.replace(/^thủ tục\s+/iu, ''));
      return { name, units: units(rewritten) };
    }),
  );
  const df = new Map<string, number>();
  for (const procedureNames of names) {
    const seen = new Set(procedureNames.flatMap((n) => n.units));
    for (const u of seen) df.set(u, (df.get(u) ?? 0) + 1);
  }
  const idf = new Map<string, number>();
  for (const [u, count] of df) idf.set(u, Math.log(1 + procedures.length / count));
  const owners = new Map<string, Set<string>>();
  procedures.forEach((p, i) => {
    const key = fold(p.ten).replace(/\s+/g, ' ').trim();
    for (const u of new Set((names[i] ?? []).flatMap((n) => n.units))) {
      if (u.includes(' ')) continue;
      owners.set(u, (owners.get(u) ?? new Set()).add(key));
    }
  });
  const distinct = new Set([...owners].filter(([, o]) => o.size <= MATCH_DEFAULTS.rareOwners).map(([u]) => u));
  const pairs = new Set(procedures.flatMap((p) => [p.ten, ...p.ten_goi_khac].flatMap((n) => units(squash(fold(n))).filter((u) => u.includes(' ')))));
  const prepared = { names, idf, distinct, pairs };
  if (!byVocab) {
    byVocab = new WeakMap();
    cache.set(procedures, byVocab);
  }
  byVocab.set(vocabulary, prepared);
  return prepared;
}

export interface ProcedureMatch {
  procedure: Procedure;
  score: number;
  /** Share of the best-matching name's weight present in the question, 0..1. */
  coverage: number;
  /** The name (ten or ten_goi_khac) that matched best. */
  name: string;
  /** Units of that name found in the question. */
  matched: string[];
}

/**
 * Procedures the question names, best first. `text` is the question with aspect words already
 * removed (see ProcedureVocabulary.aspects); it is rewritten with the synonym table here.
 */
export function rankProcedures(text: string, procedures: Procedure[], vocabulary: ProcedureVocabulary): ProcedureMatch[] {
  if (procedures.length === 0) return [];
  const { names, idf, distinct } = prepare(procedures, vocabulary);
  const query = new Set(units(vocabulary.rewrite(text)));
  const out: ProcedureMatch[] = [];
  procedures.forEach((procedure, i) => {
    let best: ProcedureMatch | undefined;
    for (const { name, units: nameUnits } of names[i] ?? []) {
      let total = 0;
      let got = 0;
      const matched: string[] = [];
      for (const u of nameUnits) {
        const w = idf.get(u) ?? 0;
        total += w;
        if (query.has(u)) {
          got += w;
          matched.push(u);
        }
      }
      if (total === 0 || got === 0) continue;
      const coverage = got / total;
      // Relaxed only with phrase evidence: a rare word, three words and a word pair of the name ("Tài chính" is not "điều chỉnh").
      const own =
        matched.some((u) => distinct.has(u) && u.length >= 4) &&
        matched.filter((u) => !u.includes(' ')).length >= 3 &&
        matched.some((u) => u.includes(' '));
      if (coverage < (own ? MATCH_DEFAULTS.distinctCoverage : MATCH_DEFAULTS.minCoverage)) continue;
      // At least one whole syllable beyond the most common ones must match ("đăng ký" alone is not a name).
      if (!matched.some((u) => !u.includes(' ') && (idf.get(u) ?? 0) > Math.log(1 + 1.5))) {
        if (procedures.length > 2) continue;
      }
      const score = got * coverage * coverage;
      if (!best || score > best.score) best = { procedure, score, coverage, name, matched };
    }
    if (best) out.push(best);
  });
  return out.sort((a, b) => b.score - a.score);
}

/**
 * Procedures with a name containing every word the best match matched on: "Đăng ký khai sinh có
 * yếu tố nước ngoài" is a variant of "Đăng ký khai sinh". Offered as a choice next to the answer.
 */
export function variantsOf(best: ProcedureMatch, procedures: Procedure[], vocabulary: ProcedureVocabulary, limit = 3): Procedure[] {
  const { names } = prepare(procedures, vocabulary);
  const words = best.matched.filter((u) => !u.includes(' '));
  if (words.length === 0) return [];
  const out: Procedure[] = [];
  procedures.forEach((procedure, i) => {
    if (procedure === best.procedure || out.length >= limit) return;
    if (fold(procedure.ten) === fold(best.procedure.ten)) return;
    const isVariant = (n: NameUnits) => {
      const syl = n.units.filter((u) => !u.includes(' '));
      return syl.length > words.length && words.every((w) => syl.includes(w));
    };
    // Only a procedure none of whose names is the matched name itself (a duplicate is not a variant).
    const own = names[i] ?? [];
    if (own.some(isVariant) && !own.some((n) => n.units.filter((u) => !u.includes(' ')).join(' ') === words.join(' '))) out.push(procedure);
  });
  return out;
}

/**
 * Of several close candidates, the words of each name that none of the others' names has and
 * that the question has ("karaoke" against "hộ kinh doanh"). Used to settle a tie, else to ask.
 */
export function distinguishingWords(
  close: ProcedureMatch[],
  procedures: Procedure[],
  vocabulary: ProcedureVocabulary,
  text: string,
): Map<ProcedureMatch, string[]> {
  const { names } = prepare(procedures, vocabulary);
  const query = new Set(units(vocabulary.rewrite(text)));
  const syllablesOf = (m: ProcedureMatch) => {
    const i = procedures.indexOf(m.procedure);
    return new Set((names[i] ?? []).flatMap((n) => n.units.filter((u) => !u.includes(' '))));
  };
  const sets = close.map(syllablesOf);
  const out = new Map<ProcedureMatch, string[]>();
  close.forEach((m, i) => {
    const others = new Set(sets.flatMap((set, j) => (j === i ? [] : [...set])));
    out.set(m, [...(sets[i] ?? [])].filter((u) => query.has(u) && !others.has(u)));
  });
  return out;
}

/**
 * Procedures whose names hold a rare word of the question ("karaoke", in at most `rareOwners`
 * names) when no name is covered enough: the question names that family without saying which one.
 */
export function rareWordOwners(text: string, procedures: Procedure[], vocabulary: ProcedureVocabulary): Procedure[] {
  if (procedures.length === 0) return [];
  const { names, distinct } = prepare(procedures, vocabulary);
  const query = new Set(units(vocabulary.rewrite(text)).filter((u) => !u.includes(' ') && u.length >= 4 && distinct.has(u)));
  if (query.size === 0) return [];
  return procedures.filter((_, i) => (names[i] ?? []).some((n) => n.units.some((u) => query.has(u))));
}

/** Word pairs of the procedures' names (rewritten, folded), to keep aspect words that belong to a name. */
export function nameWordPairs(procedures: Procedure[], vocabulary: ProcedureVocabulary): ReadonlySet<string> {
  const { pairs } = prepare(procedures, vocabulary);
  return pairs;
}
