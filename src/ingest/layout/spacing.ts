/**
 * Spacing repairs for OCR words. Tesseract sometimes loses the space between two syllables
 * ("tinvà", "dụcvà") or after a comma ("ban,ngành"). Vietnamese is written one syllable per
 * word, so a token that is not a possible syllable but splits into two possible ones is split.
 * Foreign words stay: they rarely split into two valid syllables ("online", "Viettel") and carry
 * no Vietnamese diacritics ("video", "data").
 */
import { fold } from '../../text/normalize.js';

const SYLLABLE_RE = /^(ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(ch|ng|nh|[cmnpt])?$/;
const TONE_RE = /[\u0300\u0301\u0303\u0309\u0323]/gu;

export function isSyllable(word: string): boolean {
  const tones = word.normalize('NFD').match(TONE_RE)?.length ?? 0;
  return tones <= 1 && SYLLABLE_RE.test(fold(word));
}

/** Repair one OCR token; returns it unchanged when no safe repair applies. */
export function fixOcrSpacing(token: string): string {
  // A comma or semicolon glued to the next word (never a decimal: letters on both sides).
  const spaced = token.replace(/(\p{L})([,;])(?=\p{L})/gu, '$1$2 ');
  if (spaced !== token) return spaced.split(' ').map(fixOcrSpacing).join(' ');
  // A syllable glued to a capital ("vụY" for "vụ Y", "tỉnhBình"): split at the case change.
  const glued = /^(\p{L}*\p{Ll})(\p{Lu}.*)$/u.exec(token);
  if (glued && [...glued[1]!].length >= 2 && isSyllable(glued[1]!)) return `${glued[1]} ${fixOcrSpacing(glued[2]!)}`;
  const m = /^(\p{L}+)(\P{L}*)$/u.exec(token);
  if (!m) return token;
  const [, letters, tail] = m as unknown as [string, string, string];
  const chars = [...letters];
  if (chars.length < 3 || isSyllable(letters)) return token;
  // Only lowercase or Capitalised tokens: acronyms (UBND, KH-UBND parts) are not syllables.
  if (chars.slice(1).some((c) => c !== c.toLowerCase())) return token;
  // Only tokens that are visibly Vietnamese (a tone mark or ă â ê ô ơ ư đ): "video", "data" stay.
  if (fold(letters) === letters.toLowerCase()) return token;
  for (let k = 1; k < chars.length; k++) {
    const left = chars.slice(0, k).join('');
    const right = chars.slice(k).join('');
    if (isSyllable(left) && isSyllable(right) && /^\p{Ll}/u.test(right)) return `${left} ${right}${tail}`;
  }
  return token;
}

/**
 * Quarter numbers after "Quý" are roman ("Quý IV/2024"); tesseract reads their I as J, l, | or !
 * ("Quý JV/2024"). Only those letter look-alikes are mapped — an arabic "Quý 1/2024" stays.
 */
export function fixOcrQuarters(text: string): string {
  return text.replace(/(\bQuý\s+)([IVJl|!]{1,4})(?=\/|[\s.,;:)]|$)/giu, (all, lead: string, num: string) => {
    if (!/[Jl|!]/u.test(num)) return all;
    const roman = num.replace(/[Jl|!]/gu, 'I');
    return /^(I{1,3}|IV)$/u.test(roman) ? lead + roman : all;
  });
}
