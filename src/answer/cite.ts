/**
 * Citations: built from the DocRef every record carries, rendered as the "Nguồn:" line users see
 * ("Kế hoạch 114/KH-UBND ngày 25/4/2022 của UBND tỉnh Thanh Hóa, mục II.7").
 */
import type { Citation } from '../domain/answer.js';
import type { LineSpan } from '../domain/document.js';
import type { Chunk, DocRef, Task } from '../domain/records.js';

/** "2022-04-25" → "25/4/2022" (the way Vietnamese documents write dates). */
export function viDate(iso: string | undefined): string | undefined {
  const m = iso?.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  if (!m) return undefined;
  return `${Number(m[3])}/${Number(m[2])}/${m[1]}`;
}

/** "Kế hoạch 114/KH-UBND" or the title when the document has no number. */
export function documentName(doc: DocRef): string {
  return doc.number ? `${doc.type} ${doc.number}` : doc.title;
}

/** Short label for disambiguation headers: "Kế hoạch 114/KH-UBND (Thanh Hóa)". */
export function documentLabel(doc: DocRef): string {
  return doc.province ? `${documentName(doc)} (${doc.province})` : documentName(doc);
}

function sectionLabel(sectionPath: string[], row?: string): string {
  const path = sectionPath.filter((p) => p.length > 0);
  const parts: string[] = [];
  if (path.length > 0) parts.push(/^phụ lục|^danh mục/i.test(path[0]!) ? path.join(', ') : `mục ${path.join('.')}`);
  if (row) parts.push(`dòng ${row}`);
  return parts.join(', ') || 'phần đầu văn bản';
}

export function citeRecord(
  doc: DocRef,
  where: { sectionPath: string[]; lines: LineSpan; page?: number; row?: string },
): Citation {
  return {
    docId: doc.docId,
    document: documentName(doc),
    title: doc.title,
    date: doc.date,
    issuer: doc.issuer,
    section: sectionLabel(where.sectionPath, where.row),
    file: doc.file,
    lines: where.lines,
    ...(where.page !== undefined ? { page: where.page } : {}),
  };
}

export function citeTask(task: Task): Citation {
  return citeRecord(task.doc, { sectionPath: task.sectionPath, lines: task.lines, page: task.page, row: task.row });
}

export function citeChunk(chunk: Chunk): Citation {
  return citeRecord(chunk.doc, { sectionPath: chunk.sectionPath, lines: chunk.lines, page: chunk.page });
}

/** The document part of a source: "Kế hoạch 114/KH-UBND ngày 25/4/2022 của UBND tỉnh Thanh Hóa". */
function documentText(c: Citation): string {
  const date = viDate(c.date);
  return [c.document, date ? `ngày ${date}` : undefined, c.issuer ? `của ${c.issuer}` : undefined].filter(Boolean).join(' ');
}

function placeText(c: Citation): string {
  return c.page !== undefined ? `${c.section}, trang ${c.page}` : c.section;
}

/** One source in words: "Kế hoạch 114/KH-UBND ngày 25/4/2022 của UBND tỉnh Thanh Hóa, mục II.7". */
export function sourceText(c: Citation): string {
  return `${documentText(c)}, ${placeText(c)}`;
}

/** The "Nguồn:" line: one entry per document, its cited places listed together. */
export function sourcesLine(citations: Citation[], maxPlaces = 6): string {
  const byDoc = new Map<string, string[]>();
  for (const c of citations) {
    const doc = documentText(c);
    const places = byDoc.get(doc) ?? [];
    const place = placeText(c);
    if (!places.includes(place)) places.push(place);
    byDoc.set(doc, places);
  }
  if (byDoc.size === 0) return '';
  const parts = [...byDoc].map(([doc, places]) => {
    // "mục II.5; mục II.6" → "mục II.5, II.6"
    const shown = places.slice(0, maxPlaces).map((p, i) => (i > 0 && p.startsWith('mục ') && places[0]!.startsWith('mục ') ? p.slice(4) : p));
    const more = places.length > maxPlaces ? ` và ${places.length - maxPlaces} chỗ khác` : '';
    return `${doc}, ${shown.join(', ')}${more}`;
  });
  return `Nguồn: ${parts.join('; ')}`;
}

/**
 * The server's page for a cited place: `/documents/<id>?lines=12-18#L12` shows the document's
 * metadata and its text with lines 12–18 highlighted and scrolled to. Relative by default; pass
 * PUBLIC_URL for links sent out over Telegram or Zalo. Never the file's path on the server.
 */
export function documentLink(c: Pick<Citation, 'docId' | 'lines'>, base = ''): string {
  const [from, to] = c.lines;
  return `${base.replace(/\/+$/, '')}/documents/${encodeURIComponent(c.docId)}?lines=${from}-${to}#L${from}`;
}

/**
 * "Xem nguồn:" lines for chat channels: one link per cited place (same document and lines once),
 * at most `max`. Empty without a base URL: a relative link is useless outside the web chat.
 */
export function sourceLinks(citations: readonly Citation[], base: string | undefined, max = 3): string {
  if (!base) return '';
  const links = [...new Set(citations.map((c) => documentLink(c, base)))];
  if (links.length === 0) return '';
  const shown = links.slice(0, max);
  return [`Xem nguồn:`, ...shown.map((l) => `• ${l}`), ...(links.length > max ? [`… và ${links.length - max} chỗ khác`] : [])].join('\n');
}
