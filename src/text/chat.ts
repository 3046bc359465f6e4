/**
 * Chat spelling ("teencode") of questions typed on Zalo/Telegram: "ko", "dc", "j", "bn", "ntn".
 * Applied to questions only (never to documents, so the index is unaffected), before intent
 * rules and search, so "bot lam dc j" reads as "bot làm được gì" and "phí bn" as "phí bao nhiêu".
 *
 * Only shorthand that has one meaning in a question about plans or procedures is expanded; forms
 * that are also real words or document abbreviations ("kh" = kế hoạch, "ct" = chỉ thị, "a" = ạ/anh)
 * are left alone, and ambiguous ones are expanded only where their position decides them.
 */

/** Shorthand with one reading wherever it stands (matched case-insensitively, whole tokens). */
const ALWAYS: Record<string, string> = {
  ko: 'không',
  k0: 'không',
  khg: 'không',
  hok: 'không',
  hem: 'không',
  dc: 'được',
  đc: 'được',
  j: 'gì',
  ntn: 'như thế nào',
  ntnao: 'như thế nào',
  bnhieu: 'bao nhiêu',
  bnhiu: 'bao nhiêu',
  nhiu: 'nhiêu',
  vs: 'với',
  lm: 'làm',
  mk: 'mình',
  mik: 'mình',
  cty: 'công ty',
  dky: 'đăng ký',
  dki: 'đăng kí',
  tg: 'thời gian',
};

/** Tokens a shorthand "k" or "bn" can sit before when it means "không" / "bao nhiêu". */
const AFTER_K = new Set(['vay', 'vậy', 'ad', 'a', 'ạ', 'nhi', 'nhỉ', 'ha', 'hả', 'z', 'v', 'ban', 'bạn']);

const TOKEN = /[\p{L}\p{N}]+|[^\p{L}\p{N}]+/gu;

/**
 * Expand chat shorthand in a question (case and diacritics of other words untouched).
 * - "k": "không" at the end of the question or before a closing particle ("có mất phí k vậy").
 * - "bn": "bạn" as the first word or before "ơi" ("bn ơi", "bn làm được gì"), else "bao nhiêu"
 *   ("phí bn", "bn tiền", "bn %").
 * - "dk"/"đk": "đăng ký" unless after "đủ" ("đủ đk" = điều kiện).
 */
export function expandChatSpelling(question: string): string {
  const parts = question.match(TOKEN) ?? [];
  const words: number[] = [];
  parts.forEach((p, i) => {
    if (/[\p{L}\p{N}]/u.test(p)) words.push(i);
  });
  const lower = (i: number | undefined): string => (i === undefined ? '' : (parts[i] ?? '').toLowerCase());
  for (let w = 0; w < words.length; w++) {
    const i = words[w]!;
    const token = lower(i);
    const next = lower(words[w + 1]);
    const prev = lower(words[w - 1]);
    let out: string | undefined = ALWAYS[token];
    if (token === 'k' && (next === '' || AFTER_K.has(next))) out = 'không';
    else if (token === 'bn') out = w === 0 || next === 'oi' || next === 'ơi' ? 'bạn' : 'bao nhiêu';
    else if ((token === 'dk' || token === 'đk') && prev !== 'du' && prev !== 'đủ') out = 'đăng ký';
    if (out !== undefined) parts[i] = out;
  }
  return parts.join('');
}
