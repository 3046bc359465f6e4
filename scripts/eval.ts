/**
 * npm run eval -- [questions.jsonl …] [--heldout] [--data-dir D] [--corpus DIR] [--out report.json] [--fail-under 0.9] [--no-reindex]
 *
 * Indexes the corpus that sits beside the question file (…/eval/dev.jsonl → …/corpus) plus the
 * knowledge dir into an evaluation index (incremental, so re-runs are quick), answers every question,
 * and reports per-type accuracy, refusal precision/recall, recall@5 of the evidence and latency.
 * Default question files: the shared dev set (skipped with a message when absent) and the bundled
 * procedure questions in test/fixtures/eval/. A file without a corpus beside it is answered over the shared
 * corpus (../shared/corpus) when that exists. --heldout adds test/fixtures/eval/heldout.jsonl (questions never
 * tuned for) and reports it apart; the overall figure and --fail-under stay on the other files. A question line
 * may carry `after`: a question asked first in the same conversation, to measure follow-ups.
 * A question line marked `"holdout": true` (first-contact batches under test/fixtures/first-contact) is skipped
 * unless --holdout is given, and then reported apart like the held-out file: it stays untouched while fixing.
 * `doc` may be a file name (matched by base name against the indexed documents, e.g. with --corpus ../shared/corpus-web).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import { z } from 'zod';
import { DocumentAssistant, nextContext } from '../src/answer/index.js';
import type { AnswerContext } from '../src/domain/answer.js';
import { loadConfig } from '../src/config.js';
import { EvalQuestion, judge, passageHasEvidence, percentile, type Verdict } from '../src/eval/score.js';
import { createLogger } from '../src/logging.js';
import { runReindex } from '../src/reindex/pipeline.js';
import { exitWhenFlushed } from './exit.js';

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const SHARED = path.resolve(repoRoot, '..', 'shared');
const DEFAULT_FILES = [path.join(SHARED, 'eval', 'dev.jsonl'), path.join(repoRoot, 'test', 'fixtures', 'eval', 'procedures.jsonl')];
/** Questions written after development, never tuned for: reported on their own (--heldout). */
const HELDOUT_FILE = path.join(repoRoot, 'test', 'fixtures', 'eval', 'heldout.jsonl');
const SHARED_CORPUS = path.join(SHARED, 'corpus');
/** Extra line field: a question asked first in the same conversation, so follow-ups ("ai phối hợp?") can be measured. */
const FollowUp = z.object({ after: z.string().min(1).optional() });

const program = new Command()
  .name('eval')
  .argument('[files...]', 'JSONL question files')
  .option('--data-dir <dir>', 'evaluation index directory (default: DATA_DIR/eval-index-<hash of the indexed folders>)')
  .option('--corpus <dir...>', 'documents to index besides the knowledge dir (default: ../corpus beside each question file, when present)')
  .option('--out <file>', 'JSON report path (default: DATA_DIR/eval-report.json)')
  .option('--fail-under <x>', 'exit 1 when overall accuracy is below x', parseFloat)
  .option('--no-reindex', 'use the evaluation index as it is')
  .option('--holdout', 'also answer the questions marked "holdout": true and report them apart (first-contact batches)')
  .option('--heldout', 'also answer the held-out questions (test/fixtures/eval/heldout.jsonl) and report them apart: the overall figure and --fail-under stay on the other files')
  .option('--verbose', 'print every question');

/** doc code → file name, from the README table beside the question file ("| 000 | file.txt (…) |"). */
function docTable(jsonl: string): Map<string, string> {
  const readme = path.join(path.dirname(jsonl), 'README.md');
  const map = new Map<string, string>();
  if (!existsSync(readme)) return map;
  for (const m of readFileSync(readme, 'utf8').matchAll(/^\|\s*(\d{3})\s*\|\s*([^\s|()]+\.\w+)/gm)) map.set(m[1]!, m[2]!);
  return map;
}

async function main(): Promise<number> {
  program.parse();
  const opts = program.opts<{ dataDir?: string; corpus?: string[]; out?: string; failUnder?: number; reindex: boolean; verbose?: boolean; heldout?: boolean; holdout?: boolean }>();
  const config = loadConfig();
  const logger = createLogger({ level: 'warn', destination: process.stderr as never });
  const requested = [...(program.args.length > 0 ? program.args : DEFAULT_FILES), ...(opts.heldout ? [HELDOUT_FILE] : [])];
  const heldoutPath = path.resolve(HELDOUT_FILE);
  const isHeldout = (file: string): boolean => opts.heldout === true && path.resolve(file) === heldoutPath;
  const files = requested.filter((f) => {
    if (existsSync(f)) return true;
    console.log(`skipped: ${f} not found${f.includes(`${path.sep}shared${path.sep}`) ? ' (the shared dev set lives in ../shared beside the repo)' : ''}`);
    return false;
  });
  if (files.length === 0) {
    console.log('no question files to evaluate');
    return 0;
  }
  // A question file without a corpus beside it (the bundled fixtures) is about the shared corpus when there is one:
  // indexing only the knowledge dir would also drop the corpus from an index a previous run built.
  const besides = files.map((f) => path.resolve(path.dirname(f), '..', 'corpus'));
  const corpus =
    opts.corpus ?? [...new Set(besides.map((d) => (existsSync(d) ? d : existsSync(SHARED_CORPUS) ? SHARED_CORPUS : '')).filter((d) => d !== ''))];
  // One evaluation index per set of folders: added paths stay registered in an index (npm run reindex keeps them),
  // so a run over another corpus must not answer from documents a previous run added.
  const corpusKey = createHash('sha256').update(corpus.map((d) => path.resolve(d)).sort().join('\n')).digest('hex').slice(0, 8);
  const dataDir = opts.dataDir ?? path.join(config.DATA_DIR, `eval-index-${corpusKey}`);
  mkdirSync(dataDir, { recursive: true });
  if (opts.reindex) {
    const report = await runReindex({ dataDir, knowledgeDir: config.KNOWLEDGE_DIR, paths: corpus, modelDir: config.MODEL_DIR, embeddingModel: config.EMBEDDING_MODEL, logger });
    console.log(`index: ${report.documents} documents, ${report.chunks} chunks, ${report.tasks} tasks, ${report.procedures} procedures, ${report.errors.length} errors (${corpus.join(', ') || 'knowledge dir only'})`);
  }
  const assistant = new DocumentAssistant({ dataDir, knowledgeDir: config.KNOWLEDGE_DIR, modelDir: config.MODEL_DIR, embeddingModel: config.EMBEDDING_MODEL, logger, autoIndex: false });
  await assistant.load();
  const documents = assistant.documents();

  const fileCache = new Map<string, string[]>();
  const sourceLines = (p: { citation: { file: string; lines: [number, number] } }): string => {
    let lines = fileCache.get(p.citation.file);
    if (!lines) {
      // Citations carry public paths ("corpus/kh-114.txt": the folder indexed from, then the file), never
      // the server's absolute path: look the file up below the parent of each folder this run indexed.
      const roots = ['', path.dirname(path.resolve(config.KNOWLEDGE_DIR)), ...corpus.map((d) => path.dirname(path.resolve(d)))];
      const found = roots.map((r) => path.resolve(r, p.citation.file)).find((f) => existsSync(f));
      lines = found ? readFileSync(found, 'utf8').split('\n') : [];
      fileCache.set(p.citation.file, lines);
    }
    return lines.slice(Math.max(0, p.citation.lines[0] - 1), p.citation.lines[1]).join('\n');
  };
  type Row = { file: string; heldout: boolean; q: EvalQuestion; verdict: Verdict; retrievalAt5: boolean | null; retrievalAt1: boolean | null; ms: number; answer: string; intent: string; reason?: string };
  const rows: Row[] = [];
  await assistant.answer('xin chào'); // warm-up: first call pays for lazy initialisation
  for (const file of files) {
    const table = docTable(file);
    const questions = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l, i) => {
        const raw: unknown = JSON.parse(l);
        const parsed = EvalQuestion.safeParse(raw);
        const follow = FollowUp.safeParse(raw);
        if (!parsed.success) throw new Error(`${file}:${i + 1}: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
        if (!follow.success) throw new Error(`${file}:${i + 1}: after: ${follow.error.issues[0]?.message}`);
        return { ...parsed.data, ...(follow.data.after ? { after: follow.data.after } : {}) };
      })
      .filter((q) => opts.holdout === true || q.holdout !== true);
    for (const q of questions) {
      const docFile = q.doc ? (table.get(q.doc) ?? q.doc) : undefined;
      const matched = docFile ? documents.filter((d) => path.basename(d.file) === path.basename(docFile)) : [];
      const expected = docFile ? { docIds: matched.map((d) => d.id), numbers: matched.map((d) => d.number ?? '').filter(Boolean) } : null;
      let context: AnswerContext = { taskIds: [], docIds: [] };
      if (q.after) context = nextContext(context, await assistant.answer(q.after, context));
      const t0 = performance.now();
      const answer = await assistant.answer(q.q, context);
      const ms = performance.now() - t0;
      const verdict = judge(q, answer, expected && expected.docIds.length > 0 ? expected : null, sourceLines);
      // Retrieval alone (what the index returns before any answering), for the recall@5 of the index.
      const retrieved = q.evidence ? await assistant.retrieve(q.q, 5) : [];
      const holds = (p: { text: string; citation: { file: string; lines: [number, number] } }): boolean => passageHasEvidence(p.text, q.evidence!) || passageHasEvidence(sourceLines(p), q.evidence!);
      const retrievalAt5 = q.evidence ? retrieved.some(holds) : null;
      const retrievalAt1 = q.evidence ? retrieved.slice(0, 1).some(holds) : null;
      rows.push({ file: path.basename(file), heldout: isHeldout(file) || q.holdout === true, q, verdict, retrievalAt5, retrievalAt1, ms, answer: answer.answer, intent: answer.intent, ...(answer.reason ? { reason: answer.reason } : {}) });
      if (opts.verbose || !verdict.correct) {
        console.log(`${verdict.correct ? 'ok  ' : 'FAIL'} ${q.id} [${q.type}→${answer.intent}${answer.refused ? ', refused' : ''}] ${q.q}`);
        if (!verdict.correct) {
          if (verdict.missing.length) console.log(`     missing: ${verdict.missing.join(', ')}`);
          if (verdict.citesExpected === false) console.log(`     does not cite the expected document (${docFile})`);
          console.log(`     ${answer.answer.split('\n').join('\n     ')}`);
        }
      }
    }
  }

  const f = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(3));
  /** Per-type table, refusal and recall figures of a set of rows, printed and returned. */
  const summarise = (set: Row[], label: string) => {
    const byType = new Map<string, { n: number; ok: number }>();
    for (const r of set) {
      const t = byType.get(r.q.type) ?? { n: 0, ok: 0 };
      t.n++;
      if (r.verdict.correct) t.ok++;
      byType.set(r.q.type, t);
    }
    const unanswerable = set.filter((r) => r.q.type === 'unanswerable');
    const refused = set.filter((r) => r.verdict.refused);
    const refusedRight = refused.filter((r) => r.q.type === 'unanswerable').length;
    const withEvidence = set.filter((r) => r.verdict.evidenceAt5 !== null && r.q.type !== 'unanswerable');
    const latencies = set.map((r) => r.ms).sort((a, b) => a - b);
    const accuracy = set.length ? set.filter((r) => r.verdict.correct).length / set.length : 0;
    const summary = {
      questions: set.length,
      accuracy,
      byType: Object.fromEntries([...byType].map(([k, v]) => [k, { n: v.n, accuracy: v.ok / v.n }])),
      refusalPrecision: refused.length ? refusedRight / refused.length : null,
      refusalRecall: unanswerable.length ? refusedRight / unanswerable.length : null,
      falseRefusals: refused.length - refusedRight,
      recallAt5: withEvidence.length ? withEvidence.filter((r) => r.verdict.evidenceAt5).length / withEvidence.length : null,
      retrievalRecallAt1: withEvidence.length ? withEvidence.filter((r) => r.retrievalAt1).length / withEvidence.length : null,
      retrievalRecallAt5: withEvidence.length ? withEvidence.filter((r) => r.retrievalAt5).length / withEvidence.length : null,
      latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95) },
      dense: assistant.hasDense(),
    };
    console.log(`\n${label}\n| type | n | accuracy |\n|---|---|---|`);
    for (const [k, v] of byType) console.log(`| ${k} | ${v.n} | ${(v.ok / v.n).toFixed(2)} |`);
    console.log(`| **all** | ${set.length} | **${accuracy.toFixed(3)}** |`);
    console.log(`\nrefusal precision ${f(summary.refusalPrecision)}, refusal recall ${f(summary.refusalRecall)}, false refusals ${summary.falseRefusals}`);
    console.log(`recall@5 of evidence: answer passages ${f(summary.recallAt5)}, index search ${f(summary.retrievalRecallAt5)} (@1 ${f(summary.retrievalRecallAt1)}) (${withEvidence.length} questions with evidence)`);
    for (const file of new Set(set.map((r) => r.file))) {
      const own = set.filter((r) => r.file === file);
      const ev = own.filter((r) => r.verdict.evidenceAt5 !== null && r.q.type !== 'unanswerable');
      const acc = own.filter((r) => r.verdict.correct).length / own.length;
      const share = (pick: (r: Row) => boolean | null): string => (ev.length ? (ev.filter((r) => pick(r)).length / ev.length).toFixed(3) : 'n/a');
      console.log(`  ${file}: accuracy ${acc.toFixed(3)} (${own.length}); evidence in the answer's top-5 passages ${share((r) => r.verdict.evidenceAt5)}, index search recall@1 ${share((r) => r.retrievalAt1)}, recall@5 ${share((r) => r.retrievalAt5)} (${ev.length})`);
    }
    console.log(`latency p50 ${summary.latencyMs.p50.toFixed(1)} ms, p95 ${summary.latencyMs.p95.toFixed(1)} ms (in-process, ${summary.dense ? 'hybrid' : 'lexical-only'})`);
    return summary;
  };
  const scored = rows.filter((r) => !r.heldout);
  const held = rows.filter((r) => r.heldout);
  const summary = scored.length > 0 ? summarise(scored, 'questions') : null;
  const heldoutSummary = held.length > 0 ? summarise(held, 'held-out questions (not in the overall figure)') : null;
  const accuracy = summary?.accuracy ?? 0;
  const out = opts.out ?? path.join(config.DATA_DIR, 'eval-report.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ summary, ...(heldoutSummary ? { heldout: heldoutSummary } : {}), rows: rows.map((r) => ({ id: r.q.id, file: r.file, heldout: r.heldout, type: r.q.type, correct: r.verdict.correct, missing: r.verdict.missing, refused: r.verdict.refused, evidenceAt5: r.verdict.evidenceAt5, intent: r.intent, reason: r.reason, ms: r.ms, answer: r.answer })) }, null, 2));
  console.log(`report: ${out}`);
  if (opts.failUnder !== undefined && summary !== null && accuracy < opts.failUnder) {
    console.log(`accuracy ${accuracy.toFixed(3)} is under --fail-under ${opts.failUnder}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => exitWhenFlushed(code),
  (err: unknown) => {
    process.stderr.write(`eval failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    exitWhenFlushed(1);
  },
);
