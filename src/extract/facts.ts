/**
 * Document facts read once at index time, so answers read a record instead of re-reading text:
 * the signer (web export "Người ký", else the name under "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" at the end),
 * the addressees ("Kính gửi: …"), the distribution list ("Nơi nhận: …") and who proposed the
 * document ("Theo đề nghị của …"). The cue words are data (knowledge/letter-cues.json "documentFacts").
 */
import type { Document, DocumentFacts } from '../domain/document.js';
import { fold, squash } from '../text/normalize.js';
import { cueTable, type LetterCues } from './tasks/cues.js';

type FactCues = LetterCues['documentFacts'];

interface Compiled {
  /** A line (or cell) that is a signing title: "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN". */
  title: RegExp;
  recipients: RegExp;
  distribution: RegExp;
  proposal: RegExp;
}

const escape = (w: string): string => fold(w).replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
const alt = (words: string[]): string => words.map(escape).sort((a, b) => b.length - a.length).join('|');
/** "KT.", "TM.", "Q.", "TL.", "TUQ.": on behalf of. */
const ON_BEHALF = '(?:(?:kt|tm|q|tl|tuq)\\s*\\.?\\s*)';

function compile(c: FactCues): Compiled {
  return {
    title: new RegExp(`^${ON_BEHALF}?(?:${alt(c.signingTitles)})\\b|^${ON_BEHALF}\\S`),
    recipients: new RegExp(`^[\\s\\-*•]*(?:${alt(c.recipients)})\\s*:?\\s*`),
    distribution: new RegExp(`^[\\s\\-*•]*(?:${alt(c.distribution)})\\s*:\\s*`),
    proposal: new RegExp(`\\b(?:${alt(c.proposal)})\\s+`, 'g'),
  };
}

let compiled: Compiled | undefined;
const cues = (): Compiled => (compiled ??= compile(cueTable().documentFacts));

/** A person's name as printed under a signature: 2–5 capitalised syllables, nothing else. */
const NAME = /^(?:\p{Lu}\p{Ll}*)(?:\s+\p{Lu}\p{Ll}*){1,4}$/u;
/** Marks between the title and the name ("(Đã ký)", "Đã ký", "(ký, đóng dấu)"). */
const SIGNED_MARK = /^\(?\s*(?:đã ký|ký|ký tên|ký và đóng dấu|ký, đóng dấu|đã ký và đóng dấu)[^)]*\)?\.?$/iu;

const isUpper = (s: string): boolean => /\p{Lu}/u.test(s) && !/\p{Ll}/u.test(s);

/** Lines split into their table cells, so a signature in a borderless table cell reads like one in text. */
function segments(lines: string[]): Array<{ text: string; line: number }> {
  const out: Array<{ text: string; line: number }> = [];
  lines.forEach((raw, i) => {
    const parts = raw.includes('|') ? raw.split('|') : [raw];
    for (const p of parts) out.push({ text: squash(p.replace(/^[\s*_#]+|[\s*_]+$/g, '')), line: i + 1 });
  });
  return out;
}

function signatureIn(lines: string[]): DocumentFacts['signer'] {
  const c = cues();
  const segs = segments(lines);
  let found: DocumentFacts['signer'];
  for (let i = 0; i < segs.length; i++) {
    const { text } = segs[i]!;
    if (!text || !isUpper(text) || !c.title.test(fold(text))) continue;
    // The title may run over more lines ("KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH"); the name follows within a few.
    let title = text;
    for (let j = i + 1; j < segs.length && segs[j]!.line <= segs[i]!.line + 8; j++) {
      const next = segs[j]!.text;
      // Empty cells, "(Đã ký)" and the "Nơi nhận" column beside the signature are passed over.
      if (!next || SIGNED_MARK.test(next) || /^[-+*•]|^(?:lưu|nơi nhận)\b/iu.test(next)) continue;
      if (isUpper(next)) {
        if (c.title.test(fold(next)) || next.length <= 40) {
          title = next;
          continue;
        }
        break;
      }
      if (NAME.test(next)) found = { name: next, title: title.replace(new RegExp(`^${ON_BEHALF}`, 'i'), '').trim() || title, source: 'signature', line: segs[j]!.line };
      break;
    }
    // Also "KT. CHỦ TỊCH PHÓ CHỦ TỊCH Nguyễn Văn An" joined into one cell.
    const joined = /^((?:[^\p{Ll}]*?\p{Lu}[^\p{Ll}]*?))\s+(\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}*){1,4})$/u.exec(text);
    if (joined && NAME.test(joined[2]!)) found = { name: joined[2]!, source: 'signature', line: segs[i]!.line };
  }
  // The last signature of the body is the document's (appendices rarely carry one).
  return found;
}

/** A line's table cells ("Nơi nhận: | KT. CHỦ TỊCH" → two), or the line itself. */
const cellsOf = (line: string): string[] => (line.includes('|') ? line.replace(/^\s*\||\|\s*$/g, '').split('|') : [line]);

/**
 * Items of a list that starts on a cue line: what follows the cue, then the bullet lines under it —
 * in the same table column when the closing block is a borderless table ("Nơi nhận: | KT. CHỦ TỊCH").
 */
function listAfter(lines: string[], cue: RegExp, max = 20): { items: string[]; end: number } | undefined {
  let at = -1;
  let col = 0;
  for (let i = 0; i < lines.length && at < 0; i++) {
    const cells = cellsOf(lines[i]!);
    const c = cells.findIndex((cell) => cue.test(fold(cell)));
    if (c >= 0) {
      at = i;
      col = c;
    }
  }
  if (at < 0) return undefined;
  const first = cellsOf(lines[at]!)[col]!;
  const rest = first.slice(fold(first).match(cue)![0].length);
  const items: string[] = [];
  const add = (s: string): void => {
    for (const part of s.split(/;\s*/)) {
      const item = squash(part.replace(/^[\s\-+*•]+|[\s;,.]+$/g, ''));
      // The signature column a layout interleaved with the list ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH") is not an addressee.
      if (item && !/^lưu\b/iu.test(item) && !(isUpper(item) && cues().title.test(fold(item)))) items.push(item);
    }
  };
  add(rest);
  let end = at;
  for (let i = at + 1; i < lines.length && i <= at + max; i++) {
    const l = (cellsOf(lines[i]!)[col] ?? '').trim();
    if (!l) {
      if (items.length) break;
      continue;
    }
    if (!/^[-+*•]/.test(l)) break;
    add(l);
    end = i;
  }
  return items.length ? { items, end } : undefined;
}

/** A name standing alone within a few lines after the distribution list: a signature whose title was lost. */
function bareNameAfter(lines: string[], end: number): DocumentFacts['signer'] {
  for (let i = end + 1; i < Math.min(lines.length, end + 8); i++) {
    const t = squash(lines[i]!);
    if (!t || SIGNED_MARK.test(t) || /^(?:lưu)\b/iu.test(t) || (isUpper(t) && cues().title.test(fold(t)))) continue;
    return NAME.test(t) ? { name: t, source: 'signature', line: i + 1 } : undefined;
  }
  return undefined;
}

function proposersIn(lines: string[]): string[] | undefined {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    // A hard-wrapped sentence continues on the next line ("… của Chánh Văn" / "phòng UBND tỉnh"), unless
    // that is a heading in capitals ("QUYẾT ĐỊNH:").
    for (let k = i + 1; k < Math.min(lines.length, i + 3) && lines[k]!.trim() && !isUpper(lines[k]!) && !/[.;:]\s*$/.test(line); k++) {
      line = `${line} ${lines[k]!.trim()}`;
    }
    const f = fold(line);
    for (const m of f.matchAll(cues().proposal)) {
      const from = m.index! + m[0].length;
      const tail = line.slice(from);
      const stop = /\s+tại\s|[,;:]|\.(?:\s|$)|$/u.exec(tail)!;
      const who = squash(tail.slice(0, stop.index));
      if (who.length >= 3 && !out.includes(who)) out.push(who);
    }
    if (out.length >= 3) break;
  }
  return out.length ? out : undefined;
}

/** The facts a document states, or undefined when it states none. */
export function documentFacts(doc: Pick<Document, 'lines' | 'meta'>): DocumentFacts | undefined {
  const key = Object.keys(doc.meta.extra ?? {}).find((k) => fold(k).replace(/\s+/g, ' ').trim() === 'nguoi ky');
  const stated = key ? squash(doc.meta.extra[key] ?? '') : '';
  const distribution = listAfter(doc.lines, cues().distribution);
  const signed = signatureIn(doc.lines) ?? (distribution ? bareNameAfter(doc.lines, distribution.end) : undefined);
  const signer: DocumentFacts['signer'] =
    stated && !/^(?:đang cập nhật|không|chưa)/iu.test(stated)
      ? { name: stated, ...(signed && fold(signed.name) === fold(stated) && signed.title ? { title: signed.title } : {}), source: 'web-meta' }
      : signed;
  const recipients = listAfter(doc.lines, cues().recipients)?.items;
  const proposedBy = proposersIn(doc.lines);
  const facts: DocumentFacts = {
    ...(signer ? { signer } : {}),
    ...(recipients ? { recipients } : {}),
    ...(distribution ? { distribution: distribution.items } : {}),
    ...(proposedBy ? { proposedBy } : {}),
  };
  return Object.keys(facts).length ? facts : undefined;
}
