/**
 * Number, date and province of the real plan-type openings in ../shared/corpus-web (not in the repo), against
 * what its README table states (test/fixtures/first-contact/plans-metadata-web.json). Skips when absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MetadataExpectation, judgeMetadata, type MetadataVerdict } from '../../src/eval/score.js';
import { ingestFile } from '../../src/ingest/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const corpus = path.resolve(repoRoot, '../shared/corpus-web');
const present = existsSync(corpus);
if (!present) console.warn(`[corpus-web metadata tests skipped] ${corpus} not found`);
const expectation = MetadataExpectation.parse(JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/first-contact/plans-metadata-web.json'), 'utf8')));

describe.skipIf(!present)('metadata of real plan openings (../shared/corpus-web)', () => {
  it('reads number, date and province right in at least 95% of the openings that state them, and no province for central bodies', async () => {
    const verdicts: Array<MetadataVerdict & { file: string }> = [];
    for (const [rel, expected] of Object.entries(expectation.documents)) {
      const file = path.join(corpus, rel);
      if (!existsSync(file)) continue;
      const r = await ingestFile(file);
      const got = r.ok ? r.document.meta : {};
      for (const v of judgeMetadata(expected, got)) verdicts.push({ ...v, file: rel });
    }
    expect(verdicts.length).toBeGreaterThan(90);
    for (const field of ['number', 'date', 'province'] as const) {
      const set = verdicts.filter((v) => v.field === field && v.expected !== null);
      const misses = set.filter((v) => !v.right).map((v) => `${v.file}: ${v.got ?? '—'} ≠ ${v.expected}`);
      expect(set.length - misses.length, `${field} misses:\n${misses.join('\n')}`).toBeGreaterThanOrEqual(Math.ceil(0.95 * set.length));
    }
    const central = verdicts.filter((v) => v.field === 'province' && v.expected === null && !v.right);
    expect(central.map((v) => `${v.file}: ${v.got}`)).toEqual([]);
  }, 120_000);
});
