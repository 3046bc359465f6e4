/**
 * Document facts: number, date of issue, issuer, signer, effective date, recipients ("Kính gửi"),
 * proposer ("theo đề nghị của …"). Number, date and issuer come from the Document record (read once
 * at index time from the header, web-export tables, file name); the signer and effective date from
 * the web-export fields when present, else the document's own line saying it. A fact the document
 * leaves blank is said to be not stated ("văn bản không nêu …"), never answered with another quote.
 * Signer, recipients and proposer are read at index time (DocumentMeta.facts); an index built before
 * those fields existed falls back to the line of the document that states them.
 */
import type { DocumentMeta } from '../../domain/document.js';
import type { Answer, Citation } from '../../domain/answer.js';
import type { Chunk, DocRef } from '../../domain/records.js';
import { fold } from '../../text/normalize.js';
import { citeChunk, citeRecord, documentName, viDate } from '../cite.js';
import { withSources } from '../compose.js';
import { hasPersonName } from '../evidence.js';
import { documentIdentity } from '../twins.js';
import type { QuestionFrame } from '../question.js';
import { alternation, type CompiledLexicon, type DocumentFact } from '../question-lexicon.js';

export interface DocumentFactSources {
  documents: readonly DocumentMeta[];
  /** The document's passages in line order (no task chunks). */
  chunksOf(docId: string): readonly Chunk[];
  lexicon: CompiledLexicon;
}

/** A signing title line ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "GIÁM ĐỐC") followed on the next line by a name. */
const SIGNATURE = /(CHỦ TỊCH|GIÁM ĐỐC|TRƯỞNG BAN|BÍ THƯ|THỦ TRƯỞNG)[^\S\n]*\n[^\S\n]*((?:\p{Lu}\p{Ll}*[^\S\n]+){1,3}\p{Lu}\p{Ll}*)[^\S\n]*(?:\n|$)/u;

const NOT_STATED: Record<DocumentFact, string> = {
  number: 'số hiệu',
  date: 'ngày ban hành',
  issuer: 'cơ quan ban hành',
  signer: 'người ký',
  recipient: 'nơi nhận (Kính gửi)',
  proposer: 'cơ quan đề nghị',
  effective: 'ngày có hiệu lực',
};

export function docRef(doc: DocumentMeta): DocRef {
  return {
    docId: doc.id,
    type: doc.type,
    title: doc.title,
    file: doc.file,
    ...(doc.number ? { number: doc.number } : {}),
    ...(doc.date ? { date: doc.date } : {}),
    ...(doc.issuer ? { issuer: doc.issuer } : {}),
    ...(doc.province ? { province: doc.province } : {}),
  };
}

/**
 * The numbers that name the document asked about: the number after the question's first document
 * type ("Kế hoạch 77 …"). A number after a later type ("Kế hoạch triển khai Nghị quyết 13") names a
 * document it refers to, which says nothing of the one asked.
 */
export function askedNumbers(frame: QuestionFrame, lex: CompiledLexicon): string[] {
  const types = lex.source.document.typePrefixes.map((t) => fold(t)).filter((t) => t !== 'so');
  const firstType = new RegExp(`(?:^|\\s)(?:${alternation(types)})(?=\\s|\\d|$)`).exec(frame.folded);
  if (!firstType) return frame.slots.docNumbers;
  const at = firstType.index + (firstType[0].length - firstType[0].trimStart().length);
  for (const m of frame.folded.matchAll(lex.docNumber)) {
    if (m.index === at) return [m[1] ?? m[2] ?? ''].filter(Boolean);
  }
  return [];
}

/** The document facts a question asks, in the lexicon's order ("số mấy, ban hành ngày nào" asks two). */
export function factsAsked(frame: QuestionFrame, lex: CompiledLexicon): DocumentFact[] {
  return lex.facts.filter(([, re]) => re.test(frame.folded)).map(([fact]) => fact);
}

const words = (text: string): string[] => fold(text).match(/[\p{L}\p{N}]+/gu) ?? [];
/** Words of a file's base name, with a number glued to its type split off ("kh1576" → "kh", "1576"). */
const fileWords = (file: string): string[] =>
  words((file.split(/[\\/]/).pop() ?? '').replace(/\.[a-z0-9]+$/i, '')).flatMap((w) => w.match(/\p{L}+|\p{N}+/gu) ?? []);

/**
 * The one document a question is about: the only one in scope, or the one whose title, type and
 * number cover clearly more of the question's topic words than any other.
 */
export function documentAsked(frame: QuestionFrame, inScope: readonly DocumentMeta[], lex: CompiledLexicon): DocumentMeta | undefined {
  // The same document in two files (a .txt and its .docx) is one document here.
  const byIdentity = new Map<string, DocumentMeta>();
  const numbers = askedNumbers(frame, lex);
  for (const d of inScope) {
    if (d.type === 'Thủ tục hành chính') continue;
    // A number the question names rules out a document whose number is read and different.
    if (numbers.length > 0 && d.number && !numbers.includes(d.number.match(/^\d+/)?.[0] ?? '')) continue;
    const id = documentIdentity(d) ?? (d.number ? `${d.type}|${d.number}|${d.province ?? d.issuer ?? ''}` : d.id);
    const seen = byIdentity.get(id);
    if (!seen || (!seen.date && d.date)) byIdentity.set(id, d);
  }
  const docs = [...byIdentity.values()];
  if (docs.length === 1) return docs[0];
  const factWords = new Set(Object.values(lex.source.documentFacts).flat().flatMap(words));
  const terms = [...new Set([...frame.slots.terms, ...numbers])].filter((t) => !factWords.has(t) && !lex.listWords.document.has(t));
  if (terms.length === 0) return undefined;
  // Words rare among titles weigh most; a word no title has (a thing the question names that only
  // a body or another document mentions) counts fully against every title.
  // The file name often carries what the header lost ("hcm-kh1576-2019-danh-gia-hai-long").
  const titles = docs.map((d) => new Set([...words(`${d.type} ${d.title} ${d.number ?? ''} ${d.issuer ?? ''} ${d.province ?? ''}`), ...fileWords(d.file)]));
  const weight = new Map(terms.map((t) => [t, Math.log(1 + docs.length / (1 + titles.filter((own) => own.has(t)).length))]));
  const total = [...weight.values()].reduce((a, b) => a + b, 0);
  const scored = docs
    .map((d, i) => ({ d, score: terms.reduce((sum, t) => sum + (titles[i]!.has(t) ? weight.get(t)! : 0), 0) / total }))
    .sort((a, b) => b.score - a.score);
  const [best, second] = scored;
  if (!best || best.score < MIN_TITLE_COVERAGE) return undefined;
  if (second && second.score > best.score - MIN_TITLE_MARGIN) return undefined;
  return best.d;
}

/** Share of the question's (weighted) topic words a title must hold to name the document. */
const MIN_TITLE_COVERAGE = 0.6;
/** …and by how much more than the next title. */
const MIN_TITLE_MARGIN = 0.1;

interface Found {
  text: string;
  citation: Citation;
}

/** The web-export field of that name ("Người ký", "Ngày có hiệu lực"), compared folded. */
function webField(doc: DocumentMeta, names: string[]): string | undefined {
  const wanted = new Set(names.map((n) => fold(n)));
  const key = Object.keys(doc.extra ?? {}).find((k) => wanted.has(fold(k).replace(/\s+/g, ' ').trim()));
  const value = key ? doc.extra[key]?.trim() : undefined;
  return value ? value : undefined;
}

/**
 * The first statement of the document that opens with a cue ("Kính gửi:", "theo đề nghị của"), up to
 * `stop`; a statement wrapped over lines is read across them ("Theo đề nghị của Giám đốc Sở\nThông tin …").
 */
function statedLine(chunks: readonly Chunk[], cues: string[], stop: RegExp): Found | undefined {
  const cue = new RegExp(`(?:^|[^\\p{L}])(?:${alternation(cues)})`, 'u');
  for (const chunk of chunks) {
    const text = chunk.text.replace(/[^\S\n]+/g, ' ');
    const m = cue.exec(fold(text));
    if (!m) continue;
    const from = m.index + (m[0].length - m[0].trimStart().length);
    const rest = text.slice(from);
    const end = rest.slice(8).search(stop);
    const said = (end >= 0 ? rest.slice(0, end + 8) : rest).replace(/\s*\n\s*/g, ' ').trim();
    return { text: said.length > 400 ? `${said.slice(0, 400)} …` : said, citation: citeChunk(chunk) };
  }
  return undefined;
}

/** The passage that holds a fact read at index time; the header when none does. */
function citeWhere(said: string, ref: DocRef, chunks: readonly Chunk[]): Citation {
  const needle = fold(said).replace(/\s+/g, ' ');
  const at = chunks.find((c) => fold(c.text).replace(/\s+/g, ' ').includes(needle));
  return at ? citeChunk(at) : headerCitation(ref, chunks);
}

function headerCitation(ref: DocRef, chunks: readonly Chunk[]): Citation {
  const first = chunks[0];
  return first ? { ...citeChunk(first), section: 'phần đầu văn bản' } : citeRecord(ref, { sectionPath: [], lines: [1, 1] });
}

function fact(doc: DocumentMeta, which: DocumentFact, chunks: readonly Chunk[], lex: CompiledLexicon): Found | undefined {
  const ref = docRef(doc);
  const cues = lex.source.documentStatements;
  switch (which) {
    case 'number':
      return doc.number ? { text: `số hiệu ${doc.number}`, citation: headerCitation(ref, chunks) } : undefined;
    case 'date':
      if (doc.date) return { text: `ban hành ngày ${viDate(doc.date)}`, citation: headerCitation(ref, chunks) };
      if (doc.datePartial) {
        const [y, m] = doc.datePartial.split('-');
        return { text: `ghi tháng ${Number(m)}/${y} nhưng để trống ngày ban hành`, citation: headerCitation(ref, chunks) };
      }
      return undefined;
    case 'issuer':
      return doc.issuer ? { text: `do ${doc.issuer} ban hành`, citation: headerCitation(ref, chunks) } : undefined;
    case 'signer': {
      const read = doc.facts?.signer;
      if (read) {
        const at = read.line !== undefined ? chunks.find((c) => c.lines[0] <= read.line! && c.lines[1] >= read.line!) : undefined;
        const citation = at
          ? { ...citeChunk(at), section: 'phần chữ ký cuối văn bản' }
          : { ...citeRecord(ref, { sectionPath: [], lines: [1, 1] }), section: 'thông tin văn bản (Người ký)' };
        return { text: `người ký là ${read.name}${read.title ? ` (${read.title})` : ''}`, citation };
      }
      const stated = webField(doc, cues.signerFields);
      if (stated) return { text: `người ký là ${stated}`, citation: { ...citeRecord(ref, { sectionPath: [], lines: [1, 1] }), section: 'thông tin văn bản (Người ký)' } };
      // The signature block: "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / Mai Xuân Liêm".
      for (const chunk of chunks) {
        const m = chunk.text.match(SIGNATURE);
        if (m && hasPersonName(m[2]!)) return { text: `người ký là ${m[2]!.trim()}`, citation: { ...citeChunk(chunk), section: 'phần chữ ký cuối văn bản' } };
      }
      return undefined;
    }
    case 'effective': {
      const stated = webField(doc, cues.effectiveFields);
      if (stated) return { text: `có hiệu lực từ ${stated}`, citation: { ...citeRecord(ref, { sectionPath: [], lines: [1, 1] }), section: 'thông tin văn bản (Ngày có hiệu lực)' } };
      const line = statedLine(chunks, cues.effective, /[.;](?:\s|$)|\n\s*(?:Điều|\d+\.)/u);
      return line ? { text: `văn bản ghi: “${line.text}”`, citation: line.citation } : undefined;
    }
    case 'recipient': {
      const read = doc.facts?.recipients;
      if (read?.length) return { text: `kính gửi: ${read.join('; ')}`, citation: citeWhere(read[0]!, ref, chunks) };
      // The recipients run to the first line that is not one of them (a "V/v", a salutation, the body).
      const line = statedLine(chunks, cues.recipient, /\n(?![^\S\n]*[-+•])/u);
      return line ? { text: `văn bản ghi: “${line.text}”`, citation: line.citation } : undefined;
    }
    case 'proposer': {
      const read = doc.facts?.proposedBy;
      if (read?.length) return { text: `ban hành theo đề nghị của ${read.join('; ')}`, citation: citeWhere(read[0]!, ref, chunks) };
      const line = statedLine(chunks, cues.proposer, /[.;,](?:\s|$)|\n\s*(?:QUYẾT|Điều|\d+\.)/u);
      return line ? { text: `văn bản ghi: “${line.text}”`, citation: line.citation } : undefined;
    }
  }
}

/**
 * The answer to a document-fact question, or undefined when the question does not name one
 * document (the general path then answers or refuses).
 */
export function answerDocumentFact(question: string, frame: QuestionFrame, inScope: readonly DocumentMeta[], src: DocumentFactSources): Answer | undefined {
  const asked = factsAsked(frame, src.lexicon);
  if (asked.length === 0) return undefined;
  const numbers = askedNumbers(frame, src.lexicon);
  const numbered = (d: DocumentMeta): boolean =>
    d.number ? numbers.includes(d.number.match(/^\d+/)?.[0] ?? '') : fileWords(d.file).some((w) => numbers.includes(w));
  if (numbers.length > 0 && !src.documents.some(numbered)) {
    // No indexed document carries that number: any other document's date or signer would be wrong.
    const text = `Các văn bản đã được lập chỉ mục không có văn bản số ${numbers.join(', ')}, nên tôi không trả lời được câu này.`;
    return { question, answer: text, intent: 'fact', refused: true, reason: 'document_not_found', citations: [], passages: [], tasks: [], choices: [] };
  }
  const doc = documentAsked(frame, inScope, src.lexicon);
  if (!doc) return undefined;
  const chunks = src.chunksOf(doc.id);
  const ref = docRef(doc);
  const said: string[] = [];
  const missing: string[] = [];
  const citations: Citation[] = [];
  for (const which of asked) {
    const found = fact(doc, which, chunks, src.lexicon);
    if (found) {
      said.push(found.text);
      if (!citations.some((c) => c.docId === found.citation.docId && c.section === found.citation.section)) citations.push(found.citation);
    } else missing.push(NOT_STATED[which]);
  }
  if (citations.length === 0) citations.push(headerCitation(ref, chunks));
  const name = doc.number ? documentName(ref) : `${doc.type} “${doc.title}”`;
  const lines: string[] = [];
  if (said.length > 0) lines.push(`${name}: ${said.join('; ')}.`);
  if (missing.length > 0) lines.push(`${said.length > 0 ? 'Văn bản' : name} không nêu ${missing.join(', ')}${said.length > 0 ? '' : ' (phần này để trống hoặc không có trong văn bản đã lập chỉ mục)'}.`);
  const refused = said.length === 0;
  return {
    question,
    answer: withSources(lines.join('\n'), citations),
    intent: 'fact',
    refused,
    ...(refused ? { reason: 'not_stated' } : {}),
    citations,
    passages: [],
    tasks: [],
    choices: [],
  };
}
