/**
 * npm run eval:metadata -- [expectations.json …] [--corpus DIR] [--verbose]
 *
 * Reads every document an expectation file names (a path relative to --corpus, default ../shared/corpus-web),
 * and scores the number, date and province the ingester found against what the file states. Prints the share
 * read right per field (province: documents of a named province; "no province" for central bodies apart) and
 * every miss. Default expectation file: test/fixtures/first-contact/plans-metadata-web.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { MetadataExpectation, judgeMetadata, type MetadataVerdict } from '../src/eval/score.js';
import { ingestFile } from '../src/ingest/index.js';
import { exitWhenFlushed } from './exit.js';

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const program = new Command()
  .name('eval-metadata')
  .argument('[files...]', 'metadata expectation files (JSON)')
  .option('--corpus <dir>', 'folder the expectation paths are relative to', path.resolve(repoRoot, '..', 'shared', 'corpus-web'))
  .option('--fail-under <x>', 'exit 1 when a field is read right in fewer than this share of documents', parseFloat)
  .option('--verbose', 'print every document');

async function main(): Promise<number> {
  program.parse();
  const opts = program.opts<{ corpus: string; verbose?: boolean; failUnder?: number }>();
  const files = program.args.length > 0 ? program.args : [path.join(repoRoot, 'test', 'fixtures', 'first-contact', 'plans-metadata-web.json')];
  if (!existsSync(opts.corpus)) {
    console.log(`skipped: ${opts.corpus} not found (the shared corpus lives in ../shared beside the repo)`);
    return 0;
  }
  const all: Array<MetadataVerdict & { file: string }> = [];
  const missingFiles: string[] = [];
  for (const file of files) {
    const expectation = MetadataExpectation.parse(JSON.parse(readFileSync(file, 'utf8')));
    for (const [rel, expected] of Object.entries(expectation.documents)) {
      const full = path.join(opts.corpus, rel);
      if (!existsSync(full)) {
        missingFiles.push(rel);
        continue;
      }
      const result = await ingestFile(full);
      const got: { number?: string; date?: string; province?: string } = result.ok ? result.document.meta : {};
      const verdicts = judgeMetadata(expected, got);
      for (const v of verdicts) all.push({ ...v, file: rel });
      if (opts.verbose) console.log(`${verdicts.every((v) => v.right) ? 'ok  ' : 'MISS'} ${rel}: ${result.ok ? `${got.number ?? '—'} | ${got.date ?? '—'} | ${got.province ?? '—'}` : `${result.code} ${result.detail}`}`);
    }
  }
  for (const v of all.filter((x) => !x.right)) console.log(`miss ${v.field} ${v.file}: expected ${v.expected ?? '(no province)'}, got ${v.got ?? '—'}`);
  const share = (pick: (v: MetadataVerdict) => boolean): { n: number; right: number } => {
    const set = all.filter(pick);
    return { n: set.length, right: set.filter((v) => v.right).length };
  };
  const rows: Array<[string, { n: number; right: number }]> = [
    ['number', share((v) => v.field === 'number')],
    ['date', share((v) => v.field === 'date')],
    ['province', share((v) => v.field === 'province' && v.expected !== null)],
    ['no province (central bodies)', share((v) => v.field === 'province' && v.expected === null)],
  ];
  console.log('\n| field | stated | read right | share |\n|---|---|---|---|');
  for (const [k, s] of rows) console.log(`| ${k} | ${s.n} | ${s.right} | ${s.n ? ((100 * s.right) / s.n).toFixed(1) : 'n/a'}% |`);
  if (missingFiles.length) console.log(`not found (skipped): ${missingFiles.join(', ')}`);
  if (opts.failUnder !== undefined && rows.some(([, s]) => s.n > 0 && s.right / s.n < opts.failUnder!)) return 1;
  return 0;
}

main().then(
  (code) => exitWhenFlushed(code),
  (err: unknown) => {
    process.stderr.write(`eval-metadata failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    exitWhenFlushed(1);
  },
);
