import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Document } from '../../src/domain/document.js';
import type { Procedure } from '../../src/domain/records.js';
import { readProcedureGuide } from '../../src/extract/procedures.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const fixtures = path.join(repoRoot, 'test/fixtures/procedures');
export const bundledDir = path.join(repoRoot, 'knowledge/procedures');

/** A Document whose tree is one paragraph per line: extraction reads `lines`, so the tree shape does not matter. */
export function plainDocument(file: string, text: string, meta: Partial<Document['meta']> = {}): Document {
  const lines = text.replace(/\n$/, '').split('\n');
  return {
    meta: {
      id: path.basename(file),
      type: 'Văn bản',
      title: path.basename(file),
      file,
      hash: 'test',
      format: 'txt',
      extra: {},
      ...meta,
    },
    children: lines.flatMap((t, i) => (t.trim() ? [{ kind: 'paragraph' as const, text: t, lines: [i + 1, i + 1] as [number, number] }] : [])),
    lines,
    warnings: [],
  };
}

export function loadGuides(dir: string): Procedure[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .sort()
    .map((f) => {
      const file = path.join(dir, f);
      const result = readProcedureGuide(file, readFileSync(file), dir);
      if (!result.ok) throw new Error(`${f}: ${result.detail}`);
      return result.procedure;
    });
}
