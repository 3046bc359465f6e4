/**
 * Word list numbering → literal text, before mammoth sees the package.
 *
 * Plans written in Word often number headings and tasks automatically (w:numPr on the paragraph or
 * on its style, formats in word/numbering.xml). mammoth drops those numbers, so "I.", "1.", "a)" would
 * never reach the section tree. Here we compute the label Word would display for every numbered
 * paragraph of the main document part (body and table cells, in document order), insert it as a
 * leading text run, and switch the paragraph's numbering off (numId 0) so mammoth does not also turn
 * it into a list. Bullets become "-" (first bullet level) or "+" (deeper bullet levels), the marks the
 * section tree already reads.
 *
 * Anything unexpected (missing or corrupt numbering.xml, unreadable XML, odd zip) leaves the original
 * bytes untouched: numbering is an improvement, never a reason to fail a file.
 */
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import JSZip from 'jszip';
import type { Logger } from 'pino';

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
/** Strict OOXML (ISO 29500 strict) uses another namespace for the same vocabulary; mammoth reads both. */
const W_STRICT = 'http://purl.oclc.org/ooxml/wordprocessingml/main';
const isW = (ns: string | null | undefined): boolean => ns === W || ns === W_STRICT;
const MC = 'http://schemas.openxmlformats.org/markup-compatibility/2006';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
/** Word supports levels 0..8. */
const LEVELS = 9;
/** Guard against cyclic style/numbering links. */
const MAX_LINK_DEPTH = 16;

/** One level (w:lvl) of a list definition. */
export interface NumberingLevel {
  start: number;
  /** w:numFmt, e.g. 'decimal', 'upperRoman', 'lowerLetter', 'bullet', 'none'. */
  format: string;
  /** w:lvlText, e.g. '%1.', '%1.%2.', 'a)'. */
  text: string;
  /** w:lvlRestart: 1-based level after which this one restarts; 0 = never; undefined = any shallower level. */
  restart?: number;
  /** w:isLgl: show every level of a multi-level label in arabic numerals. */
  legal: boolean;
  /** w:pStyle: the paragraph style bound to this level. */
  style?: string;
}

interface AbstractNum {
  levels: Map<number, NumberingLevel>;
  /** w:numStyleLink: the levels live in the list referenced by this numbering style. */
  numStyleLink?: string;
}

interface NumInstance {
  abstractId: string;
  overrides: Map<number, { start?: number; level?: NumberingLevel }>;
}

interface StyleInfo {
  basedOn?: string;
  numId?: string;
  ilvl?: number;
}

/** The label computed for one paragraph, in document order (for tests and diagnostics). */
export interface ParagraphLabel {
  label: string;
  /** false when the paragraph text already started with the label (typed by hand too). */
  inserted: boolean;
  numId: string;
  ilvl: number;
}

export interface NumberingResult {
  xml: string;
  labels: ParagraphLabel[];
}

function wAttr(el: Element, name: string): string | undefined {
  const v = el.getAttributeNS(W, name) || el.getAttributeNS(W_STRICT, name);
  if (v) return v;
  // Some writers use an unprefixed attribute; getAttributeNS returns '' when absent.
  const plain = el.getAttribute(`w:${name}`) || el.getAttribute(name);
  return plain || undefined;
}

function children(el: Element, local: string, ns?: string): Element[] {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType !== 1 || (n as Element).localName !== local) continue;
    const uri = (n as Element).namespaceURI;
    if (ns === undefined ? isW(uri) : uri === ns) out.push(n as Element);
  }
  return out;
}

function child(el: Element | undefined, local: string): Element | undefined {
  return el ? children(el, local)[0] : undefined;
}

function valOf(el: Element | undefined, local: string): string | undefined {
  const c = child(el, local);
  return c ? wAttr(c, 'val') : undefined;
}

function intOf(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number.parseInt(v, 10);
  return Number.isFinite(n) ? n : undefined;
}

/** An XML part that does not parse; `part` names it so the caller can decide what to drop. */
class UnreadablePart extends Error {
  constructor(readonly part: string, message: string) {
    super(`${part}: ${message}`);
    this.name = 'UnreadablePart';
  }
}

function parseXml(xml: string, part: string): Document {
  const fail = (msg: string) => {
    throw new UnreadablePart(part, msg);
  };
  const doc = new DOMParser({ errorHandler: { warning: () => {}, error: fail, fatalError: fail } }).parseFromString(xml, 'text/xml');
  if (!doc?.documentElement) fail('no root element');
  return doc;
}

function readLevel(lvl: Element): NumberingLevel {
  let format = valOf(lvl, 'numFmt');
  if (format === undefined) {
    // Newer formats ("001, 002") sit in mc:AlternateContent with a plain fallback.
    for (const alt of children(lvl, 'AlternateContent', MC)) {
      const fallback = children(alt, 'Fallback', MC)[0];
      format = fallback ? valOf(fallback, 'numFmt') : undefined;
      if (format !== undefined) break;
    }
  }
  const restart = intOf(valOf(lvl, 'lvlRestart'));
  const style = valOf(lvl, 'pStyle');
  const legal = child(lvl, 'isLgl');
  return {
    start: intOf(valOf(lvl, 'start')) ?? 0,
    format: format ?? 'decimal',
    text: valOf(lvl, 'lvlText') ?? '',
    legal: legal !== undefined && wAttr(legal, 'val') !== '0' && wAttr(legal, 'val') !== 'false',
    ...(restart !== undefined ? { restart } : {}),
    ...(style ? { style } : {}),
  };
}

function readNumbering(xml: string): { abstracts: Map<string, AbstractNum>; nums: Map<string, NumInstance> } {
  const root = parseXml(xml, 'numbering.xml').documentElement!;
  const abstracts = new Map<string, AbstractNum>();
  for (const a of children(root, 'abstractNum')) {
    const id = wAttr(a, 'abstractNumId');
    if (id === undefined) continue;
    const levels = new Map<number, NumberingLevel>();
    for (const lvl of children(a, 'lvl')) levels.set(intOf(wAttr(lvl, 'ilvl')) ?? 0, readLevel(lvl));
    const link = valOf(a, 'numStyleLink');
    abstracts.set(id, { levels, ...(link ? { numStyleLink: link } : {}) });
  }
  const nums = new Map<string, NumInstance>();
  for (const n of children(root, 'num')) {
    const id = wAttr(n, 'numId');
    const abstractId = valOf(n, 'abstractNumId');
    if (id === undefined || abstractId === undefined) continue;
    const overrides: NumInstance['overrides'] = new Map();
    for (const o of children(n, 'lvlOverride')) {
      const ilvl = intOf(wAttr(o, 'ilvl')) ?? 0;
      const start = intOf(valOf(o, 'startOverride'));
      const lvl = child(o, 'lvl');
      overrides.set(ilvl, { ...(start !== undefined ? { start } : {}), ...(lvl ? { level: readLevel(lvl) } : {}) });
    }
    nums.set(id, { abstractId, overrides });
  }
  return { abstracts, nums };
}

function readStyles(xml: string | undefined): { styles: Map<string, StyleInfo>; defaultParagraph?: string } {
  const styles = new Map<string, StyleInfo>();
  if (!xml) return { styles };
  const root = parseXml(xml, 'styles.xml').documentElement!;
  let defaultParagraph: string | undefined;
  for (const s of children(root, 'style')) {
    const id = wAttr(s, 'styleId');
    if (!id) continue;
    const numPr = child(child(s, 'pPr'), 'numPr');
    const basedOn = valOf(s, 'basedOn');
    const numId = valOf(numPr, 'numId');
    const ilvl = intOf(valOf(numPr, 'ilvl'));
    styles.set(id, {
      ...(basedOn ? { basedOn } : {}),
      ...(numId !== undefined ? { numId } : {}),
      ...(ilvl !== undefined ? { ilvl } : {}),
    });
    const isDefault = wAttr(s, 'default');
    if (wAttr(s, 'type') === 'paragraph' && (isDefault === '1' || isDefault === 'true')) defaultParagraph = id;
  }
  return { styles, ...(defaultParagraph ? { defaultParagraph } : {}) };
}

const ROMAN: Array<[number, string]> = [
  [1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'],
  [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I'],
];

function roman(n: number): string {
  if (n <= 0 || n >= 4000) return String(n);
  let out = '';
  for (const [v, s] of ROMAN) {
    while (n >= v) {
      out += s;
      n -= v;
    }
  }
  return out;
}

/** Word's letter sequence: A..Z, then AA..ZZ, AAA… (the letter repeats, it does not carry). */
function letter(n: number): string {
  if (n <= 0) return String(n);
  return String.fromCharCode(65 + ((n - 1) % 26)).repeat(Math.floor((n - 1) / 26) + 1);
}

/** One counter value in a w:numFmt. Formats we do not render (ordinal words, CJK…) fall back to arabic. */
export function formatNumber(n: number, format: string): string {
  switch (format) {
    case 'upperRoman':
      return roman(n);
    case 'lowerRoman':
      return roman(n).toLowerCase();
    case 'upperLetter':
      return letter(n);
    case 'lowerLetter':
      return letter(n).toLowerCase();
    case 'decimalZero':
      return n >= 0 && n < 10 ? `0${n}` : String(n);
    case 'none':
    case 'bullet':
      return '';
    default:
      return String(n);
  }
}

const BULLET_TEXT = /^[-+]$/;

/**
 * Compute labels for every numbered paragraph of `documentXml` and rewrite it: the label becomes a
 * leading run and the paragraph's numbering is switched off. Throws on unreadable XML.
 */
export function numberDocumentXml(documentXml: string, numberingXml: string, stylesXml?: string): NumberingResult {
  const { abstracts, nums } = readNumbering(numberingXml);
  const { styles, defaultParagraph } = readStyles(stylesXml);
  // Most documents without lists never mention numPr: skip the DOM round trip for them.
  if (!documentXml.includes('numPr') && !stylesXml?.includes('numPr')) return { xml: documentXml, labels: [] };
  const doc = parseXml(documentXml, 'document.xml');

  /** numId → the abstract list holding its levels, following w:numStyleLink through numbering styles. */
  const abstractOf = (numId: string): { id: string; def: AbstractNum } | undefined => {
    let id = nums.get(numId)?.abstractId;
    for (let depth = 0; id !== undefined && depth < MAX_LINK_DEPTH; depth++) {
      const def = abstracts.get(id);
      if (!def) return undefined;
      if (!def.numStyleLink) return { id, def };
      const linked = styleNumbering(def.numStyleLink).numId;
      id = linked !== undefined ? nums.get(linked)?.abstractId : undefined;
    }
    return undefined;
  };

  /** numId/ilvl from a paragraph style and its w:basedOn chain (nearest definition wins). */
  function styleNumbering(styleId: string | undefined): { numId?: string; ilvl?: number } {
    let numId: string | undefined;
    let ilvl: number | undefined;
    const seen = new Set<string>();
    for (let id = styleId; id !== undefined && !seen.has(id) && seen.size < MAX_LINK_DEPTH; ) {
      seen.add(id);
      const s = styles.get(id);
      if (!s) break;
      numId ??= s.numId;
      ilvl ??= s.ilvl;
      id = s.basedOn;
    }
    return { ...(numId !== undefined ? { numId } : {}), ...(ilvl !== undefined ? { ilvl } : {}) };
  }

  const levelOf = (numId: string, def: AbstractNum, ilvl: number): NumberingLevel | undefined => {
    const o = nums.get(numId)?.overrides.get(ilvl);
    const base = o?.level ?? def.levels.get(ilvl);
    if (!base) return undefined;
    return o?.start !== undefined ? { ...base, start: o.start } : base;
  };

  // Counters are shared by every w:num of one abstract list (Word continues the list across them),
  // except a w:num with level overrides ("restart numbering"), which starts its own sequence.
  const counters = new Map<string, Array<number | undefined>>();
  const labels: ParagraphLabel[] = [];

  const wns = isW(doc.documentElement?.namespaceURI) ? doc.documentElement!.namespaceURI! : W;
  const paragraphs = Array.from(doc.getElementsByTagNameNS(wns, 'p') as unknown as ArrayLike<Element>).filter(
    (p) => !insideChoice(p),
  );
  for (const p of paragraphs) {
    const pPr = children(p, 'pPr')[0];
    const direct = child(pPr, 'numPr');
    const styleId = valOf(pPr, 'pStyle') ?? defaultParagraph;
    const fromStyle = styleNumbering(styleId);
    const numId = (direct ? valOf(direct, 'numId') : undefined) ?? fromStyle.numId;
    if (numId === undefined || numId === '0') continue;
    const list = abstractOf(numId);
    if (!list) continue;
    let ilvl = (direct ? intOf(valOf(direct, 'ilvl')) : undefined) ?? fromStyle.ilvl;
    if (ilvl === undefined) {
      for (const [k, lvl] of list.def.levels) if (styleId !== undefined && lvl.style === styleId) ilvl = k;
    }
    ilvl = Math.min(LEVELS - 1, Math.max(0, ilvl ?? 0));
    const level = levelOf(numId, list.def, ilvl);
    if (!level) continue;

    const key = nums.get(numId)!.overrides.size > 0 ? `num:${numId}` : `abstract:${list.id}`;
    let count = counters.get(key);
    if (!count) {
      count = new Array<number | undefined>(LEVELS).fill(undefined);
      counters.set(key, count);
    }
    count[ilvl] = count[ilvl] === undefined ? level.start : count[ilvl]! + 1;
    for (let j = ilvl + 1; j < LEVELS; j++) {
      const deeper = levelOf(numId, list.def, j);
      const restartAfter = deeper?.restart ?? j;
      if (restartAfter !== 0 && ilvl < restartAfter) count[j] = undefined;
    }

    let label: string;
    if (level.format === 'bullet') {
      const typed = level.text.trim();
      if (BULLET_TEXT.test(typed)) label = typed;
      else {
        let depth = 0;
        for (let j = 0; j <= ilvl; j++) if (levelOf(numId, list.def, j)?.format === 'bullet') depth++;
        label = depth <= 1 ? '-' : '+';
      }
    } else {
      label = level.text
        .replace(/%([1-9])/g, (_m, d: string) => {
          const j = Number(d) - 1;
          const lvl = levelOf(numId, list.def, j);
          if (!lvl) return '';
          const value = count[j] ?? lvl.start;
          const format = level.legal && lvl.format !== 'none' && lvl.format !== 'bullet' ? 'decimal' : lvl.format;
          return formatNumber(value, format);
        })
        .trim();
    }

    const inserted = label !== '' && !startsWithLabel(paragraphText(p), label, level.format === 'bullet');
    if (inserted) insertLabel(doc, p, pPr, label);
    switchNumberingOff(doc, p, pPr);
    labels.push({ label, inserted, numId, ilvl });
  }

  return { xml: labels.length ? new XMLSerializer().serializeToString(doc) : documentXml, labels };
}

/** mammoth reads mc:Fallback and ignores mc:Choice, so a paragraph in a Choice is neither shown nor counted. */
function insideChoice(el: Element): boolean {
  for (let n = el.parentNode; n; n = n.parentNode) {
    if (n.nodeType === 1 && (n as Element).localName === 'Choice' && (n as Element).namespaceURI === MC) return true;
  }
  return false;
}

/** The paragraph's own text (w:t), not that of paragraphs nested in its text boxes. */
function paragraphText(p: Element): string {
  let text = '';
  const ts = p.getElementsByTagNameNS(p.namespaceURI, 't') as unknown as ArrayLike<Element>;
  for (const t of Array.from(ts)) {
    let owner = t.parentNode;
    while (owner && !(owner.nodeType === 1 && (owner as Element).localName === 'p' && isW((owner as Element).namespaceURI))) owner = owner.parentNode;
    if (owner === p) text += t.textContent ?? '';
    if (text.length > 40) break;
  }
  return text;
}

/** "1. Nội dung" already carries "1."; "1.1. Nội dung" does not carry "1." (a digit follows). */
function startsWithLabel(text: string, label: string, bullet: boolean): boolean {
  const t = text.trimStart();
  if (bullet) return /^[-+•–*]/u.test(t);
  if (!t.startsWith(label)) return false;
  const next = t.charAt(label.length);
  if (next === '') return true;
  return /[\p{L}\p{N}]$/u.test(label) ? !/[\p{L}\p{N}]/u.test(next) : !/\p{N}/u.test(next);
}

function wName(p: Element, local: string): string {
  return p.prefix ? `${p.prefix}:${local}` : local;
}

function insertLabel(doc: Document, p: Element, pPr: Element | undefined, label: string): void {
  const r = doc.createElementNS(p.namespaceURI, wName(p, 'r'));
  const t = doc.createElementNS(p.namespaceURI, wName(p, 't'));
  t.setAttributeNS(XML_NS, 'xml:space', 'preserve');
  t.appendChild(doc.createTextNode(`${label} `));
  r.appendChild(t);
  p.insertBefore(r, pPr ? pPr.nextSibling : p.firstChild);
}

/** Elements that precede w:numPr inside w:pPr (schema order). */
const BEFORE_NUMPR = new Set(['pStyle', 'keepNext', 'keepLines', 'pageBreakBefore', 'framePr', 'widowControl']);

/** numId 0 means "no numbering" to Word and to mammoth, and it also overrides numbering from the style. */
function switchNumberingOff(doc: Document, p: Element, pPr: Element | undefined): void {
  if (!pPr) {
    pPr = doc.createElementNS(p.namespaceURI, wName(p, 'pPr'));
    p.insertBefore(pPr, p.firstChild);
  }
  let numPr = child(pPr, 'numPr');
  if (numPr) {
    while (numPr.firstChild) numPr.removeChild(numPr.firstChild);
  } else {
    numPr = doc.createElementNS(p.namespaceURI, wName(p, 'numPr'));
    let before: Node | null = pPr.firstChild;
    while (before && (before.nodeType !== 1 || BEFORE_NUMPR.has((before as Element).localName ?? ''))) before = before.nextSibling;
    pPr.insertBefore(numPr, before);
  }
  for (const [local, val] of [['ilvl', '0'], ['numId', '0']] as const) {
    const el = doc.createElementNS(p.namespaceURI, wName(p, local));
    el.setAttributeNS(p.namespaceURI, wName(p, 'val'), val);
    numPr.appendChild(el);
  }
}

/** Part names from the package relationships, with the conventional names as fallback. */
async function partNames(zip: JSZip): Promise<{ document: string; numbering?: string; styles?: string }> {
  const rels = async (name: string): Promise<Array<{ type: string; target: string }>> => {
    const file = zip.file(name);
    if (!file) return [];
    const root = parseXml(await file.async('string'), name).documentElement!;
    return children(root, 'Relationship', REL_NS)
      .filter((r) => r.getAttribute('TargetMode') !== 'External')
      .map((r) => ({ type: r.getAttribute('Type') ?? '', target: r.getAttribute('Target') ?? '' }));
  };
  const resolve = (base: string, target: string) => {
    if (target.startsWith('/')) return target.slice(1);
    const parts = base.split('/').slice(0, -1);
    for (const seg of target.split('/')) {
      if (seg === '..') parts.pop();
      else if (seg !== '.' && seg !== '') parts.push(seg);
    }
    return parts.join('/');
  };
  const main = (await rels('_rels/.rels')).find((r) => r.type.endsWith('/officeDocument'));
  const document = main ? resolve('', main.target) : 'word/document.xml';
  const slash = document.lastIndexOf('/');
  const docRels = await rels(`${document.slice(0, slash + 1)}_rels/${document.slice(slash + 1)}.rels`);
  const find = (suffix: string, fallback: string) => {
    const r = docRels.find((x) => x.type.endsWith(suffix));
    const name = r ? resolve(document, r.target) : fallback;
    return zip.file(name) ? name : undefined;
  };
  const numbering = find('/numbering', `${document.slice(0, slash + 1)}numbering.xml`);
  const styles = find('/styles', `${document.slice(0, slash + 1)}styles.xml`);
  return { document, ...(numbering ? { numbering } : {}), ...(styles ? { styles } : {}) };
}

export interface DocxNumberingOptions {
  logger?: Logger;
}

const EMPTY_NUMBERING = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering xmlns:w="${W}"/>`;

/**
 * Return a .docx package whose automatically numbered paragraphs carry their labels as text.
 * Returns `bytes` itself when there is no numbering or a part cannot be read — except a corrupt
 * numbering part, which would also make mammoth reject the file: it is replaced by an empty one, so
 * the text is still read (without list numbers).
 */
export async function materializeDocxNumbering(bytes: Buffer, options: DocxNumberingOptions = {}): Promise<Buffer> {
  let zip: JSZip | undefined;
  let numberingPart: string | undefined;
  try {
    zip = await JSZip.loadAsync(bytes);
    const parts = await partNames(zip);
    numberingPart = parts.numbering;
    const documentFile = zip.file(parts.document);
    if (!parts.numbering || !documentFile) return bytes;
    const numberingXml = await zip.file(parts.numbering)!.async('string');
    const stylesXml = parts.styles ? await zip.file(parts.styles)!.async('string') : undefined;
    const { xml, labels } = numberDocumentXml(await documentFile.async('string'), numberingXml, stylesXml);
    if (labels.length === 0) return bytes;
    zip.file(parts.document, xml);
    options.logger?.debug({ labels: labels.length }, 'docx numbering materialised');
    return await zip.generateAsync({ type: 'nodebuffer' });
  } catch (err) {
    const message = (err as Error).message;
    if (zip && numberingPart && err instanceof UnreadablePart && err.part === 'numbering.xml') {
      options.logger?.warn({ err: message }, 'docx numbering dropped: numbering part unreadable');
      try {
        return await zip.file(numberingPart, EMPTY_NUMBERING).generateAsync({ type: 'nodebuffer' });
      } catch {
        return bytes;
      }
    }
    options.logger?.warn({ err: message }, 'docx numbering ignored: package parts unreadable');
    return bytes;
  }
}
