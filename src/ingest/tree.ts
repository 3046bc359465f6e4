/**
 * Vietnamese administrative numbering → nested sections.
 *
 * Ranks, outermost first: Phần / Phụ lục (0), Chương (1), roman "I." (2), "Điều N." (3), "1." (4),
 * "1.1." (5), "1.1.1." (6), "a)" (8). A numbered line is a section whose children are the following
 * lines until the next label of the same or a higher rank; its full text is kept as the heading.
 * Bullets ("-", "+", "*") are paragraphs with `bullet`. Hard-wrapped lines (OCR, PDF) are joined into
 * one paragraph. Signature blocks and "Nơi nhận" lists stay paragraphs at the top level.
 */
import type { DocNode, LineSpan, ParagraphNode, SectionNode, SourceBlock } from '../domain/document.js';
import { fold, squash } from '../text/normalize.js';
import { toTableNode } from './tables.js';

export interface Label {
  label: string;
  heading: string;
  rank: number;
  kind: 'part' | 'appendix' | 'chapter' | 'upper' | 'roman' | 'article' | 'arabic' | 'letter';
}

const ROMAN_RE = /^(?=[IVXLC])(C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$/;
const LETTERS = 'abcdđeghiklmnopqrstuvxy';
const PART_WORDS: Record<string, string> = {
  nhat: 'I',
  hai: 'II',
  ba: 'III',
  tu: 'IV',
  nam: 'V',
  sau: 'VI',
  bay: 'VII',
  tam: 'VIII',
  chin: 'IX',
  muoi: 'X',
};

function isUpperLine(t: string): boolean {
  const letters = t.replace(/[^\p{L}]/gu, '');
  if (letters.length < 6) return false;
  const upper = [...letters].filter((c) => c === c.toLocaleUpperCase('vi') && c !== c.toLocaleLowerCase('vi')).length;
  return upper / letters.length >= 0.8;
}

/** Recognise a numbering label at the start of a line (already trimmed). */
export function parseLabel(t: string): Label | undefined {
  let m: RegExpExecArray | null;
  if ((m = /^Phần\s+thứ\s+(\p{L}+)\s*[.:]?\s*(.*)$/iu.exec(t))) {
    const n = PART_WORDS[fold(m[1]!)] ?? m[1]!;
    return { label: `Phần ${n}`, heading: m[2]!.trim(), rank: 0, kind: 'part' };
  }
  if ((m = /^PHẦN\s+([IVXLC]+|\d+)\b[.:]?\s*(.*)$/u.exec(t)) && (ROMAN_RE.test(m[1]!) || /^\d+$/.test(m[1]!))) {
    return { label: `Phần ${m[1]}`, heading: m[2]!.trim(), rank: 0, kind: 'part' };
  }
  if ((m = /^(?:PHỤ LỤC|Phụ lục|PHỤ LỤC SỐ|Phụ lục số)(?:\s+([IVXLC]+|\d+[a-z]?))?\s*[.:]?\s*(.*)$/u.exec(t)) && m[2]!.length < 120) {
    if (m[1] && !ROMAN_RE.test(m[1]) && !/^\d/.test(m[1])) return undefined;
    // "Phụ lục 1 kèm theo)" inside a sentence is a reference, not a heading.
    if (/^(kèm|đính kèm|của|này)/iu.test(m[2]!)) return undefined;
    return { label: m[1] ? `Phụ lục ${m[1]}` : 'Phụ lục', heading: m[2]!.trim(), rank: 0, kind: 'appendix' };
  }
  if ((m = /^(?:Chương|CHƯƠNG)\s+([IVXLC]+|\d+)\b[.:]?\s*(.*)$/u.exec(t))) {
    return { label: `Chương ${m[1]}`, heading: m[2]!.trim(), rank: 1, kind: 'chapter' };
  }
  // "A. MỤC TIÊU", "B. NHIỆM VỤ": capital letters above the roman parts ("C."/"D." look roman; the
  // tree builder reads them by sequence).
  if ((m = /^([ABEGHĐ])\.\s+(\S.*)$/u.exec(t)) && isUpperLine(m[2]!)) {
    return { label: m[1]!, heading: m[2]!.trim(), rank: 1, kind: 'upper' };
  }
  if ((m = /^([IVXLC]{1,6})(?:\.\s*|\s{2,}|\s+(?=\p{Lu}{2}))(\S.*)$/u.exec(t)) && ROMAN_RE.test(m[1]!)) {
    return { label: m[1]!, heading: m[2]!.trim(), rank: 2, kind: 'roman' };
  }
  if ((m = /^Điều\s+(\d+)\s*[.:]?\s*(.*)$/u.exec(t))) {
    return { label: `Điều ${m[1]}`, heading: m[2]!.trim(), rank: 3, kind: 'article' };
  }
  if ((m = /^(\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+(\S.*)$/u.exec(t))) {
    const depth = m[1]!.split('.').length;
    return { label: m[1]!, heading: m[2]!.trim(), rank: 3 + depth, kind: 'arabic' };
  }
  if ((m = /^(\d{1,2})\s*\.\s*(\S.*)$/u.exec(t)) && !/^\d/.test(m[2]!)) {
    return { label: m[1]!, heading: m[2]!.trim(), rank: 4, kind: 'arabic' };
  }
  if ((m = /^([a-zđ])\s?\)\s*(\S.*)$/u.exec(t)) || (m = /^([a-zđ])\.\s+(\p{Lu}.*)$/u.exec(t))) {
    return { label: m[1]!, heading: m[2]!.trim(), rank: 8, kind: 'letter' };
  }
  // OCR renderings of "a)": "8)", "1)", "()", ")" — the real letter is inferred from the sequence.
  if ((m = /^(\d|\(|)\)\s+(\S.*)$/u.exec(t))) {
    return { label: '?', heading: m[2]!.trim(), rank: 8, kind: 'letter' };
  }
  return undefined;
}

const BULLET_RE = /^([-+*•–])\s*(\S.*)$/u;
const PAGE_NUMBER_RE = /^\s*[-–]?\s*\d{1,3}\s*[-–]?\s*$/;
const CLOSING_RE = /^(Nơi nhận|TM\.|T\/M\.?|KT\.|Q\.\s*CHỦ TỊCH|TL\.)/u;
const APPENDIX_NOTE_RE = /^\((ke[mn]\b|kem theo|\S?an hanh kem|ban hanh kem)/;

export interface TreeOptions {
  /**
   * How lines join into paragraphs: 'all' for hard-wrapped text (OCR, PDF: a line that does not end a
   * sentence and filled the width continues), 'lowercase' for one-paragraph-per-line text (only a
   * line starting in lowercase continues), 'none' for HTML/DOCX paragraphs. Default: 'all'.
   */
  join?: 'all' | 'lowercase' | 'none';
}

interface OpenSection {
  node: SectionNode;
  rank: number;
  kind: Label['kind'];
  /** Last letter used among this section's letter children, for OCR label repair. */
  lastLetter?: string;
  /** Heading may still grow with wrapped lines. */
  headingOpen: boolean;
}

function endsSentence(t: string): boolean {
  return /[.;:!?…]["”)]?$/.test(t.trim());
}

/** A text file is hard-wrapped when most of its lines are of similar, medium length. */
export function looksHardWrapped(lines: readonly string[]): boolean {
  const filled = lines.map((l) => l.trim()).filter((l) => l.length > 0);
  if (filled.length < 10) return false;
  const medium = filled.filter((l) => l.length >= 35 && l.length <= 110).length;
  return medium / filled.length >= 0.6;
}

/**
 * The width a hard-wrapping export broke its lines at: the 90th percentile of line lengths. A line
 * near it that does not end a sentence was broken by the width, not by the author.
 */
export function wrapWidth(lines: readonly string[]): number {
  const lens = lines.map((l) => squash(l).length).filter((n) => n > 0).sort((a, b) => a - b);
  if (lens.length < 3) return 0;
  return lens[Math.min(lens.length - 1, Math.floor(lens.length * 0.9))]!;
}

export function buildTree(blocks: readonly SourceBlock[], options: TreeOptions = {}): DocNode[] {
  const join = options.join ?? 'all';
  const width = join === 'lowercase' ? wrapWidth(blocks.flatMap((b) => (b.kind === 'line' ? [b.text] : []))) : 0;
  /** In one-paragraph-per-line text, a line filled to the export's width still continues. */
  const nearWidth = (len: number): boolean => width >= 40 && len >= width * 0.85 && len <= width * 1.1;
  /** Length of the previous raw line: a wrapped line fills most of the width. */
  let prevLen = 0;
  const root: DocNode[] = [];
  const stack: OpenSection[] = [];
  let closing = false;
  let para: (ParagraphNode & { confSum?: number; confN?: number }) | undefined;

  const container = (): DocNode[] => (stack.length ? stack[stack.length - 1]!.node.children : root);
  const extend = (to: number) => {
    for (const s of stack) s.node.lines = [s.node.lines[0], Math.max(s.node.lines[1], to)];
  };
  const flushPara = () => {
    para = undefined;
  };
  const prevTextLine = lineOrder(blocks);
  // Non-empty line texts in block order, for looking a few lines ahead in O(1).
  const textLines: Array<{ idx: number; text: string }> = [];
  const firstAfter: number[] = new Array<number>(blocks.length + 1).fill(0);
  blocks.forEach((b, idx) => {
    if (b.kind === 'line' && b.text.trim() !== '') textLines.push({ idx, text: b.text.trim() });
  });
  for (let idx = blocks.length - 1, k = textLines.length; idx >= 0; idx--) {
    firstAfter[idx] = k;
    if (k > 0 && textLines[k - 1]!.idx === idx) k--;
  }
  const lookahead = (idx: number, n: number): string[] => {
    const start = firstAfter[idx] ?? textLines.length;
    return textLines.slice(start, start + n).map((l) => l.text);
  };

  /** Last capital-letter part ("A", "B"), so "C." after "B." is the next part, not roman 100. */
  let lastUpper: string | undefined;
  const UPPER = 'ABCDĐEGH';
  const openSection = (labelIn: Label, b: Extract<SourceBlock, { kind: 'line' }>) => {
    let label = labelIn;
    if (label.kind === 'roman' && lastUpper && label.label === UPPER[UPPER.indexOf(lastUpper) + 1]) label = { ...label, kind: 'upper', rank: 1 };
    if (label.kind === 'upper') lastUpper = label.label;
    flushPara();
    while (stack.length && stack[stack.length - 1]!.rank >= label.rank) stack.pop();
    const parent = stack[stack.length - 1];
    let lab = label.label;
    if (label.kind === 'letter') {
      // OCR misreads letters ("8)" for "a)", "s)" for "e)"): out-of-sequence letters take the
      // expected one; skipping a single letter is allowed (some plans omit "đ").
      const prev = parent?.lastLetter;
      const expected = prev ? (LETTERS[LETTERS.indexOf(prev) + 1] ?? prev) : 'a';
      const at = LETTERS.indexOf(lab);
      const want = LETTERS.indexOf(expected);
      if (lab === '?' || at < want || at > want + 1) lab = expected;
      if (parent) parent.lastLetter = lab;
    }
    const node: SectionNode = {
      kind: 'section',
      label: lab,
      heading: label.heading,
      level: stack.length + 1,
      path: [...(parent ? parent.node.path : []), lab],
      lines: [b.line, b.line],
      ...(b.page !== undefined ? { page: b.page } : {}),
      children: [],
    };
    (parent ? parent.node.children : root).push(node);
    stack.push({ node, rank: label.rank, kind: label.kind, headingOpen: true });
    extend(b.line);
  };

  blocks.forEach((b, idx) => {
    if (b.kind === 'table') {
      flushPara();
      const node = toTableNode(b);
      container().push(node);
      for (const s of stack) s.headingOpen = false;
      extend(node.lines[1]);
      return;
    }
    const t = squash(b.text);
    if (t === '') {
      flushPara();
      prevLen = 0;
      for (const s of stack) s.headingOpen = false;
      return;
    }
    if (PAGE_NUMBER_RE.test(t)) return;
    const thisLen = t.length;
    const lenBefore = prevLen;
    prevLen = thisLen;

    // Appendix headings: "PHỤ LỤC 02", or an uppercase title followed by "(Kèm theo …)".
    const ahead = lookahead(idx, 2);
    let label = parseLabel(t);
    const isAppendixTitle =
      isUpperLine(t) && ahead.some((a) => a.startsWith('(') && APPENDIX_NOTE_RE.test(fold(a))) && !/^(ke hoach|quyet dinh|bao cao)\b/.test(fold(t).replace(/^[^a-z]+/, ''));
    if (!label && isAppendixTitle) {
      const top = stack[0];
      if (top && top.kind === 'appendix' && top.node.heading === '' && b.line - top.node.lines[0] <= 3) {
        top.node.heading = t.replace(/^[.\s]+/, '');
        extend(b.line);
        return;
      }
      label = { label: 'Phụ lục', heading: t.replace(/^[.\s]+/, ''), rank: 0, kind: 'appendix' };
    }

    // "PHỤ LỤC 02" / "Phần thứ nhất" with the title on the next line.
    const opened = stack[stack.length - 1];
    if (
      !label &&
      !para &&
      opened &&
      (opened.kind === 'appendix' || opened.kind === 'part') &&
      opened.node.heading === '' &&
      opened.node.children.length === 0 &&
      !BULLET_RE.test(t) &&
      !(t.startsWith('(') && APPENDIX_NOTE_RE.test(fold(t))) &&
      t.length <= 250
    ) {
      opened.node.heading = t.replace(/^[.\s]+/, '');
      extend(b.line);
      return;
    }

    if (!label) {
      // OCR digit look-alikes in arabic labels ("S. Bảo đảm …" after "4."): accept only when the
      // digit is the expected next sibling.
      const m = /^([SOlIBZG])\.\s+(\p{Lu}.*)$/u.exec(t);
      const digit = m ? ({ S: '5', O: '0', l: '1', I: '1', B: '8', Z: '2', G: '6' } as Record<string, string>)[m[1]!] : undefined;
      const sibling = [...stack].reverse().find((s) => s.rank === 4);
      if (m && digit && sibling && Number(sibling.node.label) + 1 === Number(digit)) {
        label = { label: digit, heading: m[2]!.trim(), rank: 4, kind: 'arabic' };
      }
    }

    if (closing) {
      const reopens =
        label && (label.kind === 'appendix' || label.kind === 'part' || (label.kind === 'roman' && label.label === 'I') || label.label === 'Chương I' || label.label === 'Điều 1');
      if (!reopens) {
        addParagraph(b, t, undefined);
        return;
      }
      closing = false;
    }
    if (CLOSING_RE.test(t)) {
      flushPara();
      stack.length = 0;
      closing = true;
      addParagraph(b, t, undefined);
      flushPara();
      return;
    }

    if (label) {
      openSection(label, b);
      return;
    }
    const bullet = BULLET_RE.exec(t);
    if (bullet) {
      flushPara();
      const mark = bullet[1] === '+' ? '+' : bullet[1] === '*' ? '*' : '-';
      addParagraph(b, bullet[2]!, mark);
      return;
    }
    // Continuation of a wrapped heading.
    const top = stack[stack.length - 1];
    // A line that starts in lower case continues the previous one unless that one ended a sentence
    // (also in 'none': Word/HTML exports break titles and bullets with hard line breaks).
    const continues = (prev: string) =>
      join === 'none'
        ? /^\p{Ll}/u.test(t) && !endsSentence(prev)
        : /^\p{Ll}/u.test(t) ||
          ((join === 'all' ? lenBefore >= 55 : nearWidth(lenBefore)) && !endsSentence(prev) && !isUpperLine(prev) && !isUpperLine(t));
    if (!para && top && top.headingOpen && top.node.children.length === 0 && top.node.lines[1] === lastLineBefore(b.line) && continues(top.node.heading)) {
      top.node.heading = `${top.node.heading} ${t}`;
      top.headingOpen = true;
      extend(b.line);
      return;
    }
    if (para && continues(para.text) && para.lines[1] === lastLineBefore(b.line)) {
      para.text = `${para.text} ${t}`;
      para.lines = [para.lines[0], b.line];
      if (b.confidence !== undefined) {
        para.confSum = (para.confSum ?? 0) + b.confidence;
        para.confN = (para.confN ?? 0) + 1;
      }
      extend(b.line);
      return;
    }
    flushPara();
    addParagraph(b, t, undefined);
  });
  flushPara();
  return finalizeTree(root);

  function lastLineBefore(line: number): number {
    // Lines dropped as page numbers or junk between two text lines do not break a paragraph.
    return prevTextLine.get(line) ?? line - 1;
  }

  function addParagraph(b: Extract<SourceBlock, { kind: 'line' }>, text: string, bullet: '-' | '+' | '*' | undefined) {
    flushPara();
    const node: ParagraphNode & { confSum?: number; confN?: number } = {
      kind: 'paragraph',
      text,
      lines: [b.line, b.line] as LineSpan,
      ...(bullet ? { bullet } : {}),
      ...(b.page !== undefined ? { page: b.page } : {}),
      ...(b.confidence !== undefined ? { confSum: b.confidence, confN: 1 } : {}),
    };
    container().push(node);
    para = node;
    for (const s of stack) s.headingOpen = false;
    extend(b.line);
  }
}

/** Remove the helper fields buildTree uses while it accumulates OCR confidence. */
function finalizeTree(nodes: DocNode[]): DocNode[] {
  for (const n of nodes) {
    if (n.kind === 'paragraph') {
      const p = n as ParagraphNode & { confSum?: number; confN?: number };
      if (p.confN) p.confidence = Math.round((p.confSum! / p.confN) * 1000) / 1000;
      delete p.confSum;
      delete p.confN;
    } else if (n.kind === 'section') finalizeTree(n.children);
  }
  return nodes;
}

/** Line → the previous text line, skipping page numbers (a blank line or table breaks the chain). */
function lineOrder(blocks: readonly SourceBlock[]): Map<number, number> {
  const prevTextLine = new Map<number, number>();
  let prev: number | undefined;
  for (const b of blocks) {
    if (b.kind !== 'line') {
      prev = undefined;
      continue;
    }
    const t = b.text.trim();
    if (t === '') {
      prev = undefined;
      continue;
    }
    if (PAGE_NUMBER_RE.test(t)) continue;
    if (prev !== undefined) prevTextLine.set(b.line, prev);
    prev = b.line;
  }
  return prevTextLine;
}
