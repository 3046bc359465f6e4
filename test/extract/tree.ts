/**
 * Test helper: a small outline → Document builder, so extraction tests do not depend on the
 * ingestion tree builder. Rules: "II. X" roman parts, "3. X" items, "1.1. X" sub-items, "a) X"
 * points, "- "/"+ " bullets, "|"-rows tables (first row header, roman ordinal rows are groups).
 */
import type { DocNode, Document, DocumentMeta, ParagraphNode, SectionNode, TableNode, TableRow } from '../../src/domain/document.js';

const LEVELS: Array<{ re: RegExp; level: number }> = [
  { re: /^(PHỤ LỤC\s*\S*|DANH MỤC)\s*(.*)$/u, level: 1 },
  { re: /^([IVX]+)\.\s+(.*)$/u, level: 1 },
  { re: /^(\d+\.\d+)\.?\s+(.*)$/u, level: 3 },
  { re: /^(\d+)\.\s+(.*)$/u, level: 2 },
  { re: /^([a-zđ])\)\s+(.*)$/u, level: 4 },
];

export function makeDocument(text: string, meta: Partial<DocumentMeta> = {}): Document {
  const lines = text.replace(/^\n/, '').split('\n');
  const root: { children: DocNode[] } = { children: [] };
  const stack: SectionNode[] = [];
  let table: TableNode | undefined;
  let group: string[] = [];
  const container = (): { children: DocNode[] } => stack[stack.length - 1] ?? root;
  lines.forEach((raw, i) => {
    const n = i + 1;
    const line = raw.trim();
    if (!line) return;
    if (line.startsWith('|')) {
      const cells = line.replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
      if (!table) {
        table = { kind: 'table', header: cells, rows: [], lines: [n, n] };
        group = [];
        container().children.push(table);
        return;
      }
      table.lines[1] = n;
      const ordinal = cells[0] ?? '';
      if (/^[IVX]+$/.test(ordinal)) {
        group = [`${ordinal}. ${cells[1] ?? ''}`];
        table.rows.push({ cells, lines: [n, n], kind: 'group', groupPath: [], ordinal });
        return;
      }
      const row: TableRow = { cells, lines: [n, n], kind: 'data', groupPath: [...group], ...(ordinal ? { ordinal } : {}) };
      table.rows.push(row);
      return;
    }
    table = undefined;
    for (const { re, level } of LEVELS) {
      const m = re.exec(line);
      if (!m) continue;
      while (stack.length && stack[stack.length - 1]!.level >= level) stack.pop();
      const parent = stack[stack.length - 1];
      const label = m[1]!;
      const section: SectionNode = {
        kind: 'section',
        label,
        heading: m[2] ?? '',
        level,
        path: [...(parent?.path ?? []), label],
        lines: [n, n],
        children: [],
      };
      container().children.push(section);
      stack.push(section);
      return;
    }
    const bullet = /^([-+])\s*(.*)$/u.exec(line);
    const p: ParagraphNode = bullet
      ? { kind: 'paragraph', text: bullet[2]!, bullet: bullet[1] as '-' | '+', lines: [n, n] }
      : { kind: 'paragraph', text: line, lines: [n, n] };
    container().children.push(p);
    for (const s of stack) s.lines[1] = n;
  });
  return {
    meta: {
      id: meta.id ?? 'fixture',
      type: meta.type ?? 'Kế hoạch',
      title: meta.title ?? 'Kế hoạch thử nghiệm',
      file: meta.file ?? 'fixture.txt',
      hash: meta.hash ?? '0',
      format: meta.format ?? 'txt',
      extra: meta.extra ?? {},
      ...(meta.number ? { number: meta.number } : {}),
      ...(meta.date ? { date: meta.date } : {}),
      ...(meta.province ? { province: meta.province } : {}),
      ...(meta.issuer ? { issuer: meta.issuer } : {}),
    },
    children: root.children,
    lines,
    warnings: [],
  };
}
