/**
 * One normalisation for index time and query time (see DESIGN "Vietnamese text").
 *
 * - `cleanText`: what readers apply to raw text: NFC, repair of PDF-font look-alikes (ƣ → ư),
 *   no-break/zero-width spaces. Display text stays in the author's spelling otherwise.
 * - `normalize`: cleanText + lowercase + canonical tone-mark placement ("hoà" ≡ "hòa",
 *   "thuỷ" ≡ "thủy"), used for matching with diacritics.
 * - `fold`: normalize without any diacritics (đ → d), for text typed without tone marks.
 */

const TONE_MARKS = new Set(['\u0300', '\u0301', '\u0303', '\u0309', '\u0323']);
/** Vowel shapes that carry their own diacritic (after NFD, as base + combining mark). */
const SHAPED_VOWELS = new Set(['â', 'ă', 'ê', 'ô', 'ơ', 'ư']);
const VOWELS = new Set(['a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y']);

/** Characters that PDF exports and OCR substitute for Vietnamese letters. */
const LOOKALIKES: Record<string, string> = {
  'ƣ': 'ư',
  'Ƣ': 'Ư',
  '\u00a0': ' ',
  '\u2007': ' ',
  '\u202f': ' ',
  '\u200b': '',
  '\u200c': '',
  '\u200d': '',
  '\ufeff': '',
  '\u00ad': '',
};
const LOOKALIKE_RE = new RegExp(`[${Object.keys(LOOKALIKES).join('')}]`, 'g');

export function cleanText(text: string): string {
  return text.normalize('NFC').replace(LOOKALIKE_RE, (ch) => LOOKALIKES[ch] ?? ch);
}

/** Split a lowercase NFC syllable into letters with their shape, and pull out its tone mark. */
function decompose(syllable: string): { letters: string[]; tone: string | undefined } {
  let tone: string | undefined;
  const letters: string[] = [];
  for (const ch of syllable.normalize('NFD')) {
    if (TONE_MARKS.has(ch)) {
      tone = ch;
    } else if (/\p{M}/u.test(ch) && letters.length > 0) {
      // Shape marks (circumflex, breve, horn) stay on their letter.
      letters[letters.length - 1] = (letters[letters.length - 1] + ch).normalize('NFC');
    } else {
      letters.push(ch);
    }
  }
  return { letters, tone };
}

/**
 * Index of the vowel that carries the tone, new-style ("hoà", "thuỷ"), or -1.
 * Rules: a shaped vowel (â ă ê ô ơ ư) wins (ơ in "ươ"); a closed syllable puts it on the
 * last vowel of the nucleus; an open one on the second of oa/oe/uy, the middle of three,
 * else the first.
 */
function tonePosition(letters: string[]): number {
  let start = 0;
  // "gi" and "qu" are initial consonants when a vowel follows.
  const first = letters[0];
  const second = letters[1];
  if ((first === 'q' && second === 'u') || (first === 'g' && second === 'i' && letters.length > 2 && VOWELS.has(letters[2] ?? ''))) {
    start = 2;
  }
  while (start < letters.length && !VOWELS.has(letters[start]!)) start++;
  let end = start;
  while (end < letters.length && VOWELS.has(letters[end]!)) end++;
  const nucleus = letters.slice(start, end);
  if (nucleus.length === 0) return -1;
  if (nucleus.length === 1) return start;
  const horn = nucleus.lastIndexOf('ơ');
  if (horn >= 0) return start + horn;
  const shaped = nucleus.findIndex((l) => SHAPED_VOWELS.has(l));
  if (shaped >= 0) return start + shaped;
  const closed = end < letters.length;
  if (closed) return end - 1;
  if (nucleus.length >= 3) return start + 1;
  const pair = nucleus.join('');
  if (pair === 'oa' || pair === 'oe' || pair === 'uy') return start + 1;
  return start;
}

function placeTone(syllable: string): string {
  const { letters, tone } = decompose(syllable);
  if (!tone) return syllable;
  const at = tonePosition(letters);
  if (at < 0) return syllable;
  letters[at] = letters[at] + tone;
  return letters.join('').normalize('NFC');
}

const WORD_RE = /\p{L}+/gu;
const HAS_TONE_RE = /[\u0300\u0301\u0303\u0309\u0323]/;

/**
 * Syllable → canonical form. Vietnamese has a few thousand distinct syllables, so a bounded memo
 * turns tone placement (NFD, scan, NFC per word) into one map lookup on the hot paths.
 */
const SYLLABLE_CACHE_LIMIT = 50_000;
const syllableCache = new Map<string, string>();

function canonicalSyllable(word: string): string {
  let out = syllableCache.get(word);
  if (out === undefined) {
    out = HAS_TONE_RE.test(word.normalize('NFD')) ? placeTone(word) : word;
    if (syllableCache.size >= SYLLABLE_CACHE_LIMIT) syllableCache.clear();
    syllableCache.set(word, out);
  }
  return out;
}

/** Lowercase, NFC, canonical tone placement. Keeps punctuation and spacing. */
export function normalize(text: string): string {
  return cleanText(text).toLowerCase().replace(WORD_RE, canonicalSyllable);
}

/** Remove every diacritic: "Sở Thông tin" → "so thong tin". Input need not be normalised. */
export function fold(text: string): string {
  const lower = cleanText(text).toLowerCase();
  // Plain ASCII (most folded queries) needs no decomposition.
  if (!/[^\x00-\x7f]/.test(lower)) return lower;
  return lower.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').normalize('NFC');
}

/** True when the text has no Vietnamese diacritics at all (a user typed without tone marks). */
export function isFolded(text: string): boolean {
  return fold(text) === cleanText(text).toLowerCase();
}

/** Syllable tokens of already-normalised (or folded) text: letters/digits runs, "%" kept on numbers. */
export function syllables(normalized: string): string[] {
  return normalized.match(/[\p{L}\p{N}]+(?:[.,][\p{N}]+)*%?/gu) ?? [];
}

/** Collapse runs of whitespace to one space and trim. */
export function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Squashed text cut at a word boundary to at most `max` characters, with "…" when cut. */
export function shorten(text: string, max = 80): string {
  const t = squash(text);
  if (t.length <= max) return t;
  const cut = t.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[,;:.\s]+$/, '')}…`;
}

/** Superscript digits a converter glued to a word or figure as a footnote mark ("đạt 5,11%¹⁹"); not m², km³. */
const FOOTNOTE_MARK = /(?<=[\p{L}\p{N}%.,;:)”"])(?<!(?:^|[^\p{L}])[kcdh]?m)[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+/gu;

/**
 * Remove footnote marks from text shown to users (quotes), so "5,11%¹⁹" reads "5,11%". Display
 * only: indexing keeps the text as extracted.
 */
export function stripFootnoteMarks(text: string): string {
  return text.replace(FOOTNOTE_MARK, '');
}
