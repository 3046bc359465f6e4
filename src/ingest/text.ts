/**
 * Reader for .txt and .md files. Lines keep their file numbering (line 1 = first line of the
 * file) so citations can point at the file itself; junk outside the body is dropped from the
 * blocks but stays in `lines`.
 */
import type { ReadResult, SourceBlock } from '../domain/document.js';
import { cleanLine, scanJunk } from './clean.js';
import { IngestError, type Reader } from './reader.js';
import { findTextTables } from './tables.js';

export interface TextReadResult extends ReadResult {
  webMeta: Record<string, string>;
}

/**
 * Decode bytes as UTF-8, or UTF-16 when a BOM says so (Windows "Unicode" text files). Legacy
 * 8-bit Vietnamese encodings (TCVN3, VNI) are not guessed: their bytes decode to visible garbage.
 */
export function decodeText(bytes: Buffer): string {
  let encoding = 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) encoding = 'utf-16le';
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) encoding = 'utf-16be';
  const text = new TextDecoder(encoding, { fatal: false }).decode(bytes);
  return text.replace(/^\uFEFF/, '');
}

/** Markdown decoration that hides numbering: "## II. NHIỆM VỤ", "**1. Mục tiêu**". */
function stripMarkdown(line: string): string {
  return line
    .replace(/^\s{0,3}#{1,6}\s+/, '')
    .replace(/^(\s*)(\*\*|__)(.+?)\2\s*$/, '$1$3')
    .replace(/^(\s*)>\s?/, '$1');
}

export function readTextLines(raw: string, format: 'txt' | 'md'): TextReadResult {
  const lines = raw.split(/\r\n|\r|\n/).map(cleanLine);
  // A trailing newline does not make an extra line.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const { junk, webMeta, webTitle } = scanJunk(lines);
  const tables = findTextTables(lines, junk);
  const blocks: SourceBlock[] = [];
  let t = 0;
  for (let i = 0; i < lines.length; i++) {
    const table = tables[t];
    if (table && i === table.start) {
      blocks.push(table.block);
      i = table.end;
      t++;
      continue;
    }
    if (junk.has(i)) continue;
    blocks.push({ kind: 'line', text: format === 'md' ? stripMarkdown(lines[i]!) : lines[i]!, line: i + 1 });
  }
  return { format, blocks, lines, webMeta, ...(webTitle ? { webTitle } : {}) };
}

export const readText: Reader = async (file, bytes) => {
  const format = /\.md$/i.test(file) ? 'md' : 'txt';
  const head = bytes.subarray(0, 4096);
  const utf16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
  if (!utf16 && head.includes(0)) {
    // NUL bytes never occur in UTF-8 text: this is a binary file with a text extension.
    throw new IngestError('INGEST_UNREADABLE', 'binary content in a text file (NUL bytes); wrong extension?');
  }
  return readTextLines(decodeText(bytes), format);
};
