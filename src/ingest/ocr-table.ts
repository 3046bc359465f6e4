/**
 * Tables that OCR flattened into text lines (scans converted by a text-only OCR): each printed row
 * spans several lines, cells on one line are separated by runs of 3+ spaces, the row ordinal ("22")
 * sits on the line at the row's vertical middle, task text wraps over lines before and after it,
 * multi-line cells are split across lines, page numbers sit alone on a line and group rows ("III
 * Xây dựng …") may be garbled.
 *
 * Rebuilding happens in two steps:
 *  1. Row segmentation. Ordinal lines and group lines are anchors. The lines between two ordinal
 *     lines are split between the tail of the upper row and the head of the lower one by dynamic
 *     programming: rows are roughly centred on their ordinal line, a row starts with a line that
 *     looks like the start of a task ("Tham mưu xây dựng …"), never with a lowercase continuation.
 *  2. Cell assignment. Each line's fragments go, left to right, to the text / agency / deadline /
 *     note columns by what they look like (agency names, deadlines) and by which column is "open"
 *     (its text so far ends with a comma, "và", "cấp", a bare "Sở" …). Agency fragments form
 *     chains; chains seen side by side on one line fix their left-to-right order, so the leftmost
 *     chain is the lead ("chủ trì") and the next the cooperating units ("phối hợp").
 */
import type { LineSpan } from '../domain/document.js';
import { fold, squash } from '../text/normalize.js';
import type { TextTable } from './tables.js';

const GAP = /\s{3,}/;
/** A row rarely spans more than this many lines; a longer stretch without an ordinal is prose. */
const MAX_LINES_WITHOUT_ANCHOR = 14;
/** Lines of a finished table's last row kept after its ordinal when prose follows. */
const MAX_TAIL = 4;

type Role = 'stt' | 'text' | 'lead' | 'coop' | 'time' | 'note' | 'directing' | 'other';

function roleOf(header: string): Role {
  const f = fold(header);
  if (/^(stt|tt|so tt)$/.test(f)) return 'stt';
  if (/chi dao/.test(f)) return 'directing';
  if (/chu tri/.test(f)) return 'lead';
  if (/phoi hop/.test(f)) return 'coop';
  if (/thoi gian|thoi han|tien do|hoan thanh/.test(f)) return 'time';
  if (/ghi chu/.test(f)) return 'note';
  if (/nhiem vu|noi dung|ten/.test(f)) return 'text';
  return 'other';
}

const ROMAN = /^(?=[IVXLC])(C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$/;

/** Agency-name starts, tolerant of OCR losing the first letter of "UBND". */
const AGENCY_START =
  /^(Sở|UBND|U?BND|Ủy ban|Uỷ ban|UB |Văn phòng|Các sở|Các Sở|Các đơn vị|các đơn vị|Các cơ quan|Ban |Ban$|Bưu điện|Công an|Đài |Báo |Bộ |Cục |Viễn thông|Trung tâm|Tổ (?:công tác|giúp việc|\p{Lu})|Kho bạc|Ngân hàng|Bảo hiểm|Thanh tra|HĐND|Hội đồng|Liên đoàn|Hội |Đoàn |Tỉnh đoàn|Công ty|Các doanh nghiệp|Doanh nghiệp|Cơ quan|Chi cục|Bộ Chỉ huy|Ban QLDA|BQL)/u;
/** Syllables agency names are made of, to recognise continuation fragments ("ngành, UBND cấp"). */
const AGENCY_VOCAB = new Set(
  'cac so ban nganh ubnd cap huyen tinh xa don vi co lien quan thanh pho thi tran van phong va doan the tt&tt ubnd, quan; truong'.split(
    ' ',
  ),
);
/** A column whose text ends with one of these words expects more of the same cell. */
const OPEN_WORDS = new Set(
  'va cua cac cap co so van ban ubnd phong tam uy bo voi theo tai lien khi dan chu thuc ke vi dau'.split(' '),
);
const DEADLINE =
  /^(Quý|Quỹ|Năm \d|Năm$|Tháng|Thực hiện thường xuyên|Thường xuyên|Hàng năm|Hằng năm|Thực hiện hàng năm|Sau khi|Trước|Giai đoạn|\d{4}\s*[-–]\s*\d{4}|\d{1,2}\/\d{4}|Định kỳ|Trong (năm|quý|tháng))/iu;
const NOTE =
  /^(Thực hiện (dự|theo|các)|Triển khai (dự|theo)|Theo |Quyết định số|Nghị quyết số|Kế hoạch số|Các đơn vị chủ động|N?Nghiên cứu đ|ngày \d|định số|\S+ ngày \d)/u;
/** Chain ends that take a short name complement ("Sở" + "Thông tin và" + "Truyền thông"). */
const COMPLEMENT_OPEN = /(\s|^)(và|của|Sở|Văn phòng|Ban|Trung tâm|Ủy ban|Uỷ ban)$/u;

function words(s: string): string[] {
  return s.split(/\s+/).filter(Boolean);
}
function startsLower(s: string): boolean {
  return /^\p{Ll}/u.test(s);
}
function isAgencyStart(s: string): boolean {
  return AGENCY_START.test(s) && !/^\S+\s+ngày\s+\d/u.test(s);
}
/** Cheap fold for short fragments (the shared fold() also repairs look-alikes; lines are clean here). */
function foldShort(s: string): string {
  return s.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd');
}
function agencyish(s: string): boolean {
  const w = words(foldShort(s)).map((x) => x.replace(/[.,;:]+$/, ''));
  if (w.length === 0) return false;
  const hits = w.filter((x) => AGENCY_VOCAB.has(x)).length;
  return hits / w.length >= 0.6;
}
function isOpen(text: string): boolean {
  const t = text.trim();
  if (t === '') return false;
  if (/[,;]$|\s(và|và các)$/u.test(t)) return true;
  // Fold only the last word: columns grow long and fold() is not cheap.
  const lastWord = t.slice(t.lastIndexOf(' ') + 1);
  return OPEN_WORDS.has(foldShort(lastWord));
}
function ended(text: string): boolean {
  return /[.]$/.test(text.trim());
}
/** A capitalised ordinary word followed by ordinary words: how task cells begin. */
function looksLikeTaskStart(first: string): boolean {
  const w = words(first);
  return (
    w.length >= 4 &&
    first.length >= 20 &&
    /^\p{Lu}\p{Ll}/u.test(first) &&
    !isAgencyStart(first) &&
    !DEADLINE.test(first)
  );
}

interface Line {
  index: number;
  text: string;
}

interface RowDraft {
  ordinal: string;
  before: Line[];
  anchor: Line;
  after: Line[];
}

export function parseOcrTable(
  lines: readonly string[],
  skip: ReadonlySet<number>,
  taken: (i: number) => boolean,
): TextTable[] {
  const out: TextTable[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (skip.has(i) || taken(i)) continue;
    const text = lines[i]!;
    if (!/\bSTT\b/.test(text) || text.split(GAP).length < 3) continue;
    const table = parseFrom(lines, i, skip, taken);
    if (table) {
      out.push(table);
      i = table.end;
    }
  }
  return out;
}

function parseHeader(lines: readonly string[], at: number): { header: string[]; start: number } {
  const segs = lines[at]!.trim().split(GAP).map((s) => s.trim());
  let start = at;
  const prev = lines[at - 1]?.trim() ?? '';
  const lowerIdx = segs.map((s, k) => (startsLower(s) ? k : -1)).filter((k) => k >= 0);
  if (prev && prev.length < 60 && !prev.startsWith('(') && lowerIdx.length > 0) {
    // Header cells wrapped onto two lines: "Thời gian hoàn" above, "thành" below.
    const above = prev.split(GAP).map((s) => s.trim());
    if (above.length === lowerIdx.length) lowerIdx.forEach((k, n) => (segs[k] = `${above[n]} ${segs[k]}`));
    else segs[lowerIdx[0]!] = `${prev} ${segs[lowerIdx[0]!]}`;
    start = at - 1;
  }
  const roles = segs.map(roleOf);
  // OCR often loses the task column's header; the column after STT is the task text.
  if (roles[0] === 'stt' && !roles.includes('text')) segs.splice(1, 0, 'Nhiệm vụ');
  return { header: segs, start };
}

function parseFrom(
  lines: readonly string[],
  headerAt: number,
  skip: ReadonlySet<number>,
  taken: (i: number) => boolean,
): TextTable | undefined {
  const { header, start } = parseHeader(lines, headerAt);
  const roles = header.map(roleOf);
  if (!roles.includes('lead') && !roles.includes('time')) return undefined;

  // Classify lines after the header.
  type Item = { kind: 'group'; line: Line; ordinal: string; title: string } | { kind: 'ord'; line: Line; ordinal: string; rest: string } | { kind: 'text'; line: Line };
  const items: Item[] = [];
  let expected = 1;
  let end = headerAt;
  let blankRun = 0;
  // Lines since the last ordinal or group line (and how many of them were kept as row text).
  let textRun = 0;
  let textRunItems = 0;
  for (let i = headerAt + 1; i < lines.length; i++) {
    if (skip.has(i) || taken(i)) break;
    const raw = lines[i]!;
    const t = raw.trim();
    if (t === '') {
      if (++blankRun >= 2) break;
      continue;
    }
    blankRun = 0;
    // A new document part or header block ends the table.
    if (/^(PHỤ LỤC|Phụ lục|Nơi nhận|Ký bởi|ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|CỘNG HÒA|CỘNG HOÀ|QUYẾT ĐỊNH|KẾ HOẠCH|BÁO CÁO|Điều \d)/u.test(t)) break;
    // So does a long run of lines with no row ordinal: rows are a few lines each.
    if (textRun >= MAX_LINES_WITHOUT_ANCHOR) {
      while (items.length > 0 && items[items.length - 1]!.kind === 'text' && textRunItems > MAX_TAIL) {
        items.pop();
        textRunItems--;
      }
      end = items.length ? items[items.length - 1]!.line.index : headerAt;
      break;
    }
    end = i;
    const g = /^([IVXLC]{1,6})\.?(?:\s{2,}|\.\s+)(\S.*)$/u.exec(t);
    if (g && ROMAN.test(g[1]!)) {
      items.push({ kind: 'group', line: { index: i, text: t }, ordinal: g[1]!, title: g[2]!.trim() });
      textRun = textRunItems = 0;
      continue;
    }
    const o = /^(\d{1,3})(?:\s{2,}(.*)|\s*)$/u.exec(t);
    if (o) {
      const n = Number(o[1]);
      // A lone number equal to the next ordinal may still be a page number when the row's own
      // ordinal line ("3   Sở TT&TT …") follows shortly.
      const loneIsPage =
        !o[2] &&
        lines.slice(i + 1, i + 9).some((l) => new RegExp(`^\\s*${o[1]}\\s{2,}\\S`).test(l));
      if (n >= expected && n <= expected + 2 && !loneIsPage) {
        items.push({ kind: 'ord', line: { index: i, text: t }, ordinal: o[1]!, rest: (o[2] ?? '').trim() });
        expected = n + 1;
        textRun = textRunItems = 0;
        continue;
      }
      if (!o[2]) continue; // a page number alone on its line
    }
    items.push({ kind: 'text', line: { index: i, text: t } });
    textRun++;
    textRunItems++;
  }
  if (!items.some((x) => x.kind === 'ord')) return undefined;

  // Segment rows run by run (a run = ordinal rows between group rows).
  const rows: Array<{ cells: string[]; lines: LineSpan; group?: boolean }> = [
    { cells: header, lines: [start + 1, headerAt + 1] },
  ];
  let k = 0;
  while (k < items.length) {
    const it = items[k]!;
    if (it.kind === 'group') {
      const title = it.title;
      rows.push({ cells: [it.ordinal, title], lines: [it.line.index + 1, it.line.index + 1], group: true });
      k++;
      continue;
    }
    // Collect a run: leading text, then ord (text)* ord ... until a group or the end.
    const run: Array<Item> = [];
    while (k < items.length && items[k]!.kind !== 'group') run.push(items[k++]!);
    for (const draft of segmentRun(run)) rows.push(assembleRow(draft, roles));
  }
  const lastRow = rows[rows.length - 1]!;
  return {
    start,
    end: Math.max(end, lastRow.lines[1] - 1),
    block: {
      kind: 'table',
      rows: rows.map((r) => r.cells),
      rowLines: rows.map((r) => r.lines),
    },
  };
}

type RunItem = { kind: 'ord'; line: Line; ordinal: string; rest: string } | { kind: 'text'; line: Line } | { kind: 'group'; line: Line; ordinal: string; title: string };

/** Split the text lines of one run between ordinal rows (see module comment). */
function segmentRun(run: RunItem[]): RowDraft[] {
  const anchors: Array<{ line: Line; ordinal: string; rest: string }> = [];
  const gaps: Line[][] = [[]];
  for (const it of run) {
    if (it.kind === 'ord') {
      anchors.push({ line: { index: it.line.index, text: it.rest }, ordinal: it.ordinal, rest: it.rest });
      gaps.push([]);
    } else if (it.kind === 'text') {
      gaps[gaps.length - 1]!.push(it.line);
    }
  }
  const n = anchors.length;
  if (n === 0) return [];
  // gaps[0] = before row 1; gaps[k] (1..n-1) between rows k and k+1; gaps[n] = after row n.
  const firstText = (l: Line) => l.text.split(GAP)[0]!.trim();
  const startCost = (l: Line | undefined): number => {
    if (!l) return 0;
    const f = firstText(l);
    if (startsLower(f) || /^\d/.test(f)) return 3;
    if (looksLikeTaskStart(f)) return -1.5;
    return 0;
  };
  // DP over split points of the inner gaps.
  const beforeOf = (k: number, sPrev: number) => (k === 0 ? gaps[0]!.length : gaps[k]!.length - sPrev);
  // best[k][s] = min cost for rows 0..k with gap k+1 split at s (after_k = s).
  const best: number[][] = [];
  const from: number[][] = [];
  for (let k = 0; k < n; k++) {
    const gapAfter = gaps[k + 1]!;
    const isLast = k === n - 1;
    const choices = isLast ? [gapAfter.length] : Array.from({ length: gapAfter.length + 1 }, (_, s) => s);
    const prevChoices = k === 0 ? [0] : best[k - 1]!.map((_, s) => s);
    best[k] = [];
    from[k] = [];
    const taskStart = gapAfter.map((l) => looksLikeTaskStart(firstText(l)));
    const starts = taskStart.filter(Boolean).length;
    for (const s of choices) {
      // Split cost depends on the gap alone: computed once per choice, not per previous choice.
      const own = isLast ? 0 : startCost(gapAfter[s]) + 1.5 * (starts - (taskStart[s] ? 1 : 0));
      let bestCost = Infinity;
      let bestPrev = 0;
      for (const sp of prevChoices) {
        const prevCost = k === 0 ? 0 : best[k - 1]![sp]!;
        if (!Number.isFinite(prevCost)) continue;
        const before = beforeOf(k, sp);
        const cost = prevCost + Math.abs(before - s) + own;
        if (cost < bestCost) {
          bestCost = cost;
          bestPrev = sp;
        }
      }
      best[k]![s] = bestCost;
      from[k]![s] = bestPrev;
    }
  }
  // Backtrack.
  const splits: number[] = new Array<number>(n).fill(0);
  const lastRow = best[n - 1]!;
  let s = lastRow.findIndex((v) => v === Math.min(...lastRow.filter((x) => x !== undefined)));
  for (let k = n - 1; k >= 0; k--) {
    splits[k] = s;
    s = from[k]![s] ?? 0;
  }
  return anchors.map((a, k) => {
    const before = k === 0 ? gaps[0]! : gaps[k]!.slice(splits[k - 1]!);
    const after = gaps[k + 1]!.slice(0, splits[k]!);
    return { ordinal: a.ordinal, before, anchor: a.line, after };
  });
}

interface Chain {
  frags: string[];
  /** Order key: chains seen on one line get increasing keys left to right. */
  order: number;
}

/** Assign one row's fragments to columns (see module comment). */
function assembleRow(draft: RowDraft, roles: Role[]): { cells: string[]; lines: LineSpan } {
  const text: string[][] = [];
  const time: string[][] = [];
  const note: string[][] = [];
  const chains: Chain[] = [];
  const agencyCols = roles.filter((r) => r === 'lead' || r === 'coop' || r === 'directing').length || 2;
  const joined = (parts: string[][]) => parts.map((p) => p.join(' ')).join(' ');
  const rowLines = [...draft.before, draft.anchor, ...draft.after];

  for (const line of rowLines) {
    const segs = line.text.split(GAP).map((x) => x.trim()).filter(Boolean);
    // Column pointer: 0 text, 1 agencies, 2 time, 3 note. Fragments on a line go left to right.
    let ptr = 0;
    let lastChain: Chain | undefined;
    const lineText: string[] = [];
    const lineTime: string[] = [];
    const lineNote: string[] = [];
    let sawDeadline = false;
    const last = (c: Chain) => c.frags[c.frags.length - 1]!;
    const toRight = (seg: string) => {
      // Right of the agencies: deadline or note, whichever is open.
      const timeText = `${joined(time)} ${lineTime.join(' ')}`.trim();
      const noteText = `${joined(note)} ${lineNote.join(' ')}`.trim();
      const noteOpen = noteText !== '' && isOpen(noteText);
      const timeOpen = timeText !== '' && !ended(timeText) && !sawDeadline;
      if (startsLower(seg) && noteText !== '' && !ended(noteText) && (timeText === '' || ended(timeText) || lineNote.length > 0)) {
        ptr = 3;
        lineNote.push(seg);
        return;
      }
      if (ptr <= 2 && !NOTE.test(seg) && !noteOpen && (timeOpen || timeText === '' || lineTime.length > 0) && !sawDeadline) {
        ptr = 2;
        lineTime.push(seg);
      } else {
        ptr = 3;
        lineNote.push(seg);
      }
    };
    segs.forEach((seg, n) => {
      const nWords = words(seg).length;
      const bare = /^(Văn phòng|Sở|Ban|Ủy ban|Uỷ ban|Trung tâm)$/u.test(seg);
      const noteFirst = /^Các đơn vị chủ động/u.test(seg);
      const textOpen = text.length > 0 && !ended(joined(text));
      // Agency cells are narrow: a long line starting with "UBND tỉnh giao …" is task text.
      const agencyFrag = !noteFirst && ((isAgencyStart(seg) && nWords <= 7) || bare);
      // Order preference for continuing chains: right of the last fragment's chain first.
      const ranked = () =>
        [...chains].sort((x, y) => {
          const rx = lastChain && x.order > lastChain.order ? 0 : x === lastChain ? 1 : 2;
          const ry = lastChain && y.order > lastChain.order ? 0 : y === lastChain ? 1 : 2;
          return rx - ry || x.order - y.order;
        });
      const attach = (target: Chain, frag: string) => {
        target.frags.push(frag);
        if (lastChain && target !== lastChain && target.order <= lastChain.order) target.order = lastChain.order + 0.5;
        lastChain = target;
        ptr = 1;
      };
      if (ptr <= 1 && agencyFrag) {
        if (bare && lastChain) {
          // "UBND tỉnh   Văn phòng": the bare head was printed on the cell's first line.
          const lastFrag = lastChain.frags.pop()!;
          lastChain.frags.push(`${seg} ${lastFrag}`);
          ptr = 1;
          return;
        }
        let target = chains.find((c) => COMPLEMENT_OPEN.test(last(c)) && /^(Văn phòng|Sở|Ban|Trung tâm)$/u.test(last(c)));
        if (!target && chains.length >= agencyCols) {
          // No room for another column: join the chain that expects more (a trailing comma first).
          const r = ranked();
          target = r.find((c) => /,$/.test(last(c))) ?? r.find((c) => isOpen(last(c))) ?? r.find((c) => c !== lastChain) ?? r[0];
        }
        if (!target) {
          target = { frags: [], order: chains.length };
          if (lastChain) target.order = lastChain.order + 0.5;
          else if (chains.length > 0 && chains.every((c) => /,$/.test(last(c)))) {
            // A comma-ended list started above is the cooperating column; the new name is the lead.
            target.order = Math.min(...chains.map((c) => c.order)) - 1;
          }
          chains.push(target);
        }
        attach(target, seg);
        return;
      }
      if (DEADLINE.test(seg) && nWords <= 6 && ptr <= 2 && !sawDeadline) {
        ptr = 2;
        lineTime.push(seg);
        sawDeadline = true;
        return;
      }
      if (n === 0 && text.length === 0 && !startsLower(seg) && !bare) {
        // A row's first line holding only "Thực hiện dự án theo" is the top of the note cell.
        if (NOTE.test(seg) && nWords <= 6 && segs.length === 1) lineNote.push(seg);
        else lineText.push(seg);
        return;
      }
      if (n > 0 && (NOTE.test(seg) || noteFirst)) {
        ptr = 3;
        lineNote.push(seg);
        return;
      }
      const timeSoFar = `${joined(time)} ${lineTime.join(' ')}`.trim();
      const noteSoFar = `${joined(note)} ${lineNote.join(' ')}`.trim();
      if (nWords <= 3 && !startsLower(seg) && (COMPLEMENT_OPEN.test(timeSoFar) || COMPLEMENT_OPEN.test(noteSoFar))) {
        if (COMPLEMENT_OPEN.test(timeSoFar)) lineTime.push(seg);
        else lineNote.push(seg);
        ptr = Math.max(ptr, 2);
        return;
      }
      const otherOpen = chains.some((c) => c !== lastChain && isOpen(last(c)));
      if (lastChain && n > 0 && startsLower(seg) && agencyish(seg) && ptr === 1 && segs[n - 1] === last(lastChain) && !otherOpen) {
        // One cell split into two fragments on the same line ("Các sở, ban, ngành   cấp tỉnh").
        attach(lastChain, seg);
        return;
      }
      if (lastChain && n > 0 && startsLower(seg) && nWords <= 3 && ptr === 1 && segs[n - 1] === last(lastChain) && !isOpen(timeSoFar) && !otherOpen) {
        // Nothing above is waiting for it: a short lowercase fragment completes the name on its left.
        attach(lastChain, seg);
        return;
      }
      // Agency continuation: fragments made of agency words continue a chain that is open;
      // a short complement continues a chain ending in a bare head or "và".
      if (ptr <= 1 && !(n === 0 && textOpen && (nWords > 5 || !agencyish(seg)) && !(nWords <= 3 && !startsLower(seg)))) {
        const r = ranked();
        const byWords = agencyish(seg) ? r.find((c) => isOpen(last(c))) : undefined;
        const byComplement = nWords <= 4 ? r.find((c) => COMPLEMENT_OPEN.test(last(c))) : undefined;
        const target = byWords ?? byComplement;
        if (target) {
          attach(target, seg);
          return;
        }
      }
      if (ptr >= 1 || (NOTE.test(seg) && text.length > 0)) {
        toRight(seg);
        return;
      }
      if (n === 0 && text.length > 0 && !textOpen && startsLower(seg) && ((timeSoFar && !ended(timeSoFar)) || (noteSoFar && !ended(noteSoFar)))) {
        // A lowercase line under a closed task cell continues an open deadline or note cell.
        toRight(seg);
        return;
      }
      lineText.push(seg);
    });
    if (lineText.length) text.push(reorder(lineText));
    if (lineTime.length) time.push(reorder(lineTime));
    if (lineNote.length) note.push(reorder(lineNote));
  }

  chains.sort((a, b) => a.order - b.order);
  const agencyTexts = chains.map((c) => squash(c.frags.join(' ')));
  let timeCell = squash(joined(time));
  let noteCell = squash(joined(note));
  if (timeCell === '' && noteCell !== '') {
    // With no separate deadline, "Thực hiện theo Kế hoạch …" is the row's time column.
    timeCell = noteCell;
    noteCell = '';
  }
  const cells = roles.map((): string => '');
  const put = (role: Role, value: string) => {
    const at = roles.indexOf(role);
    if (at >= 0) cells[at] = value;
  };
  put('stt', draft.ordinal);
  put('text', squash(joined(text)));
  const agencyRoles = roles.filter((r): r is 'lead' | 'coop' | 'directing' => r === 'lead' || r === 'coop' || r === 'directing');
  agencyRoles.forEach((r, n) => {
    if (n < agencyTexts.length) put(r, n === agencyRoles.length - 1 ? agencyTexts.slice(n).join('; ') : agencyTexts[n]!);
  });
  put('time', timeCell);
  if (roles.includes('note')) put('note', noteCell);
  else if (noteCell) put('time', squash(`${timeCell} ${noteCell}`));
  const first = rowLines[0]!.index + 1;
  const last = rowLines[rowLines.length - 1]!.index + 1;
  return { cells, lines: [Math.min(first, draft.anchor.index + 1), Math.max(last, draft.anchor.index + 1)] };
}

/** Within one line of one column, a lowercase fragment before a capitalised one was printed below it. */
function reorder(frags: string[]): string[] {
  if (frags.length === 2 && startsLower(frags[0]!) && /^\p{Lu}/u.test(frags[1]!)) return [frags[1]!, frags[0]!];
  return frags;
}
