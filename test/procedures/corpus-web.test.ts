/**
 * The procedure pages of ../shared/corpus-web (real openings, never copied into the repo): every
 * page listed in test/fixtures/first-contact/procedures-recognition.json is recognised as a
 * procedure guide under its name, and no plan-type page is. Skipped when ../shared is absent.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractProcedures } from '../../src/extract/procedures.js';
import { ingestFile } from '../../src/ingest/index.js';
import { fold } from '../../src/text/normalize.js';
import { repoRoot } from './helpers.js';

const corpus = path.resolve(repoRoot, '../shared/corpus-web');
const expected = JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/first-contact/procedures-recognition.json'), 'utf8')).procedures as Record<string, string>;
const key = (s: string) => fold(s).replace(/^thu tuc\s+/, '').replace(/[^a-z0-9]+/g, ' ').trim();
if (!existsSync(corpus)) process.stderr.write('[procedures corpus-web] skipped: ../shared/corpus-web is absent\n');

describe.skipIf(!existsSync(corpus))('procedure pages of ../shared/corpus-web', () => {
  it('recognises every procedure page (target ≥ 95%) under its name', async () => {
    const misses: string[] = [];
    for (const [file, name] of Object.entries(expected)) {
      const res = await ingestFile(path.join(corpus, file), { root: corpus });
      const found = res.ok ? extractProcedures(res.document) : [];
      if (!found.some((p) => key(p.ten).includes(key(name)))) misses.push(`${file}: ${found.map((p) => p.ten).join('; ') || 'none'}`);
    }
    const share = 1 - misses.length / Object.keys(expected).length;
    expect(share, misses.join('\n')).toBeGreaterThanOrEqual(0.95);
  }, 60_000);

  it('reads no plan-type page as a procedure', async () => {
    const plans = readdirSync(corpus).filter((f) => f.endsWith('.txt') && !expected[f]);
    expect(plans.length).toBeGreaterThan(30);
    for (const f of plans) {
      const res = await ingestFile(path.join(corpus, f), { root: corpus });
      if (res.ok) expect(extractProcedures(res.document).map((p) => p.ten), f).toEqual([]);
    }
  }, 60_000);
});
