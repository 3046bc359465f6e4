/**
 * npm run bench [-- --scales 10,100 --passes 2 --scale-timeout 420 --out bench/results.json]
 *
 * Measures, in one run and on this machine: answer latency over a fixed question mix (seed corpus,
 * lexical-only and with an embedding model), scaling to synthetic 10× / 100× corpora, indexing
 * throughput against the raw embedding model, no-change reindex time, peak RSS, a MiniSearch
 * peer side by side (recall@5 on the dev questions and latency), and OCR when available.
 * Prints a markdown table and writes bench/results.json. Not a test: nothing here asserts.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../src/config.js';
import { modelPresence } from '../src/index/dense/model.js';
import { KnowledgeIndex } from '../src/index/search.js';
import { currentVersionDir } from '../src/index/store.js';
import { createLogger } from '../src/logging.js';
import { generateTestModel, TEST_MODEL_ID } from '../test/helpers/model.js';
import { miniSearchPeer, readDevQuestions, scoreRetriever, type RetrieverScore } from './peer.js';
import { questionMix } from './questions.js';
import { directoryBytes, machineRecord, mb, ms, ratio } from './stats.js';
import { generateSyntheticCorpus } from './synthetic.js';
import type { EmbedResult, ReindexResult, ServeResult } from './worker.js';
import { taskAgreement, type TaskAgreement } from './ocr-tasks.js';
import { benchOcr, type OcrBenchResult } from '../src/ingest/ocr/bench.js';
import { ensureScanFixtures, pdftoppmAvailable } from '../test/helpers/scan.js';

const repoRoot = path.resolve(import.meta.dirname, '..');
const workerFile = path.join(repoRoot, 'bench/worker.ts');

const program = new Command()
  .name('bench')
  .option('--scales <list>', 'corpus multiples for the scaling section (comma-separated; empty to skip)', '10,100')
  .option('--passes <n>', 'measured passes over the question mix', '2')
  .option('--scale-timeout <s>', 'seconds allowed for one scaling level (reindex + answers)', '420')
  .option('--out <file>', 'JSON results', path.join(repoRoot, 'bench/results.json'))
  .option('--keep', 'keep the temporary directory');

type Section<T> = { ok: true; value: T } | { ok: false; reason: string };

interface WorkerCommon {
  dataDir: string;
  knowledgeDir: string;
  modelDir: string;
  embeddingModel: string;
}

/** Runs bench/worker.ts in a fresh Node process; resolves its one JSON line. */
function worker<T>(command: 'serve' | 'reindex' | 'embed', args: object, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', workerFile, command, JSON.stringify(args)], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'silent' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out after ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`worker ${command} exited ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as T);
      } catch {
        reject(new Error(`worker ${command} printed no result: ${out.slice(-200)}`));
      }
    });
  });
}

async function section<T>(name: string, run: () => Promise<T>): Promise<Section<T>> {
  const started = performance.now();
  process.stderr.write(`… ${name}\n`);
  try {
    const value = await run();
    process.stderr.write(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    return { ok: true, value };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    process.stderr.write(`  not available: ${reason}\n`);
    return { ok: false, reason };
  }
}

function textsUnder(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) textsUnder(p, out);
    else if (/\.(txt|md)$/i.test(entry.name)) out.push(readFileSync(p, 'utf8'));
  }
  return out;
}

async function main(): Promise<void> {
  program.parse();
  const opts = program.opts<{ scales: string; passes: string; scaleTimeout: string; out: string; keep?: boolean }>();
  const passes = Math.max(1, Number(opts.passes) || 2);
  const scales = opts.scales.split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 1);
  const scaleTimeoutMs = Number(opts.scaleTimeout) * 1000;
  const benchStarted = performance.now();

  const config = loadConfig();
  const machine = machineRecord();
  const corpusDir = path.resolve(repoRoot, '../shared/corpus');
  const devFile = path.resolve(repoRoot, '../shared/eval/dev.jsonl');
  const knowledgeDir = path.join(repoRoot, 'knowledge');
  const hasCorpus = existsSync(corpusDir);
  const corpusPaths = hasCorpus ? [corpusDir] : [];
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'troly-bench-'));
  const noModels = path.join(tmp, 'no-models');
  mkdirSync(noModels);

  // The model for the "with model" figures: the real one when MODEL_DIR holds it, else a generated
  // tiny ONNX model (same loader and tokenizer path, trivial network) whose vocabulary is the corpus.
  const real = modelPresence(config.MODEL_DIR, config.EMBEDDING_MODEL);
  let model: { modelDir: string; embeddingModel: string; label: string };
  if (real.present) {
    model = { modelDir: path.resolve(config.MODEL_DIR), embeddingModel: config.EMBEDDING_MODEL, label: `real model ${config.EMBEDDING_MODEL}` };
  } else {
    const modelDir = path.join(tmp, 'models');
    generateTestModel({
      modelDir,
      modelId: TEST_MODEL_ID,
      texts: [...textsUnder(corpusDir), ...textsUnder(knowledgeDir), ...questionMix().map((q) => q.text)],
    });
    model = { modelDir, embeddingModel: TEST_MODEL_ID, label: `generated test model ${TEST_MODEL_ID} (no real model in MODEL_DIR=${config.MODEL_DIR})` };
  }

  const lexical: WorkerCommon = { dataDir: path.join(tmp, 'seed-lexical'), knowledgeDir, modelDir: noModels, embeddingModel: 'none' };
  const withModel: WorkerCommon = { dataDir: path.join(tmp, 'seed-model'), knowledgeDir, modelDir: model.modelDir, embeddingModel: model.embeddingModel };
  const minutes = (n: number) => n * 60_000;

  // 3. Indexing (also builds the two seed indexes every later section uses).
  const seedLexical = await section('seed reindex, lexical-only', () => worker<ReindexResult>('reindex', { ...lexical, paths: corpusPaths, full: true }, minutes(5)));
  const seedModel = await section(`seed reindex with ${model.label}`, () => worker<ReindexResult>('reindex', { ...withModel, paths: corpusPaths, full: true }, minutes(10)));
  const noChange = await section('no-change reindex', async () => {
    const runs: ReindexResult[] = [];
    for (let i = 0; i < 3; i++) runs.push(await worker<ReindexResult>('reindex', { ...withModel, paths: corpusPaths }, minutes(5)));
    return runs;
  });
  const raw = seedModel.ok ? await section('raw embedding throughput', () => worker<EmbedResult>('embed', withModel, minutes(10))) : { ok: false as const, reason: 'seed index with model failed' };

  // 1 + 4. Answer latency and peak RSS, each in a fresh process.
  const serveLexical = seedLexical.ok ? await section('answer latency + RSS, lexical-only', () => worker<ServeResult>('serve', { ...lexical, passes }, minutes(10))) : seedLexical;
  const serveModel = seedModel.ok ? await section('answer latency + RSS, with model', () => worker<ServeResult>('serve', { ...withModel, passes }, minutes(10))) : seedModel;

  // 5. Peer side by side.
  const peer = await section('MiniSearch peer and recall@5', async () => {
    if (!existsSync(devFile)) throw new Error(`no dev questions at ${devFile}`);
    if (!seedLexical.ok) throw new Error('seed index failed');
    const questions = readDevQuestions(devFile);
    const logger = createLogger({ level: 'silent' });
    const index = await KnowledgeIndex.load(lexical.dataDir, { modelDir: noModels, embeddingModel: 'none', logger });
    const rows: Record<string, RetrieverScore> = {};
    rows.searchLexical = await scoreRetriever((q) => index.searchLexical(q, { k: 5 }).map((h) => h.chunk), questions);
    rows['MiniSearch (defaults)'] = await scoreRetriever(miniSearchPeer(index.chunks, { folding: false }), questions);
    rows['MiniSearch (folding)'] = await scoreRetriever(miniSearchPeer(index.chunks, { folding: true }), questions);
    if (seedModel.ok) {
      const hybrid = await KnowledgeIndex.load(withModel.dataDir, { modelDir: withModel.modelDir, embeddingModel: withModel.embeddingModel, logger });
      if (hybrid.hasDense) rows[`search (hybrid, ${real.present ? 'real model' : 'test model'})`] = await scoreRetriever(async (q) => (await hybrid.search(q, { k: 5 })).map((h) => h.chunk), questions);
    }
    return { questions: questions.length, chunks: index.chunks.length, rows };
  });

  // 6. OCR: reader vs raw tesseract on generated scans, and task records of a scan vs its digital twin.
  const ocr = await section('OCR', async () => {
    if (!pdftoppmAvailable()) throw new Error('pdftoppm is not installed');
    // The generated two-page scan (tilted, speckled 200-dpi images of a plan) and its digital twin;
    // the same pages ten times (pool saturated) and scanned at 300 dpi as JPEG, at the default dpi.
    const fixtures = await ensureScanFixtures();
    return {
      twoPages: await benchOcr({ scannedPdf: fixtures.scannedPdf, referencePdf: fixtures.digitalPdf }),
      tenPages: await benchOcr({ scannedPdf: fixtures.scannedLongPdf, dpis: [200] }),
      jpeg300: await benchOcr({ scannedPdf: fixtures.scanned300JpegPdf, referencePdf: fixtures.digitalPdf, dpis: [200] }),
      tasks: {
        twoPages: await taskAgreement(fixtures.scannedPdf, fixtures.digitalPdf),
        jpeg300: await taskAgreement(fixtures.scanned300JpegPdf, fixtures.digitalPdf),
      },
    };
  });

  // 2. Scaling (lexical-only: the dense side would be bounded by the model, measured in 3).
  const scaling: Array<{ factor: number; result: Section<{ bytes: number; reindex: ReindexResult; serve: ServeResult; indexBytes: number }> }> = [];
  if (hasCorpus) {
    for (const factor of scales) {
      const result = await section(`scaling ${factor}×`, async () => {
        const outDir = path.join(tmp, `synthetic-${factor}`);
        const started = performance.now();
        const corpus = generateSyntheticCorpus({ seedDir: corpusDir, outDir, copies: factor, provincesFile: path.join(knowledgeDir, 'provinces.json') });
        const common: WorkerCommon = { ...lexical, dataDir: path.join(tmp, `scale-${factor}`) };
        const reindex = await worker<ReindexResult>('reindex', { ...common, paths: [outDir], full: true }, scaleTimeoutMs);
        const left = scaleTimeoutMs - (performance.now() - started);
        if (left < 10_000) throw new Error(`reindex took ${(reindex.wallMs / 1000).toFixed(0)} s; no time left for answers within ${opts.scaleTimeout} s`);
        const serve = await worker<ServeResult>('serve', { ...common, passes: 1 }, left);
        const indexBytes = directoryBytes(currentVersionDir(common.dataDir));
        rmSync(outDir, { recursive: true, force: true });
        return { bytes: corpus.bytes, reindex, serve, indexBytes };
      });
      scaling.push({ factor, result });
      if (!result.ok) break; // a larger multiple will not fit where a smaller did not
    }
  }

  // 3b. Indexing at 10× with the model: fixed costs (model load, first inference, hnswlib write)
  // are amortised over ~6,600 chunks; medians of 3 alternating rounds of reindex and raw model.
  const indexing10 = hasCorpus && scales.includes(10) && seedModel.ok
    ? await section('indexing 10× with the model', async () => {
        const outDir = path.join(tmp, 'synthetic-10-model');
        generateSyntheticCorpus({ seedDir: corpusDir, outDir, copies: 10, provincesFile: path.join(knowledgeDir, 'provinces.json') });
        const common: WorkerCommon = { ...withModel, dataDir: path.join(tmp, 'scale-10-model') };
        const rounds: Array<{ reindex: ReindexResult; raw: EmbedResult }> = [];
        for (let i = 0; i < 3; i++) {
          const reindex = await worker<ReindexResult>('reindex', { ...common, paths: [outDir], full: true }, scaleTimeoutMs);
          const raw = await worker<EmbedResult>('embed', common, scaleTimeoutMs);
          rounds.push({ reindex, raw });
        }
        rmSync(outDir, { recursive: true, force: true });
        return rounds;
      })
    : undefined;

  const results = {
    machine,
    corpus: hasCorpus ? corpusDir : 'absent: bundled knowledge only',
    model: model.label,
    mix: { questions: questionMix().length, folded: questionMix().filter((q) => q.folded).length, passes },
    seedLexical, seedModel, noChange, raw, indexing10, serveLexical, serveModel, peer, ocr, scaling,
    benchSeconds: (performance.now() - benchStarted) / 1000,
  };
  mkdirSync(path.dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(renderMarkdown(results));
  if (!opts.keep) rmSync(tmp, { recursive: true, force: true });
  else process.stderr.write(`kept ${tmp}\n`);
}

type Results = {
  machine: ReturnType<typeof machineRecord>;
  corpus: string;
  model: string;
  mix: { questions: number; folded: number; passes: number };
  seedLexical: Section<ReindexResult>;
  seedModel: Section<ReindexResult>;
  noChange: Section<ReindexResult[]>;
  indexing10: Section<Array<{ reindex: ReindexResult; raw: EmbedResult }>> | undefined;
  raw: Section<EmbedResult>;
  serveLexical: Section<ServeResult>;
  serveModel: Section<ServeResult>;
  peer: Section<{ questions: number; chunks: number; rows: Record<string, RetrieverScore> }>;
  ocr: Section<Record<'twoPages' | 'tenPages' | 'jpeg300', OcrBenchResult> & { tasks: Record<'twoPages' | 'jpeg300', TaskAgreement> }>;
  scaling: Array<{ factor: number; result: Section<{ bytes: number; reindex: ReindexResult; serve: ServeResult; indexBytes: number }> }>;
  benchSeconds: number;
};

const na = (s: { ok: false; reason: string }) => `not available yet: ${s.reason}`;
const mark = (ok: boolean) => (ok ? 'met' : '**missed**');

export function renderMarkdown(r: Results): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(`# Benchmark results`, '');
  out.push(`Machine: ${m.cores} cores, ${m.cpu}, ${m.memoryGb} GB RAM, Node ${m.node}, ${m.platform}; run ${m.date}; whole run ${r.benchSeconds.toFixed(0)} s.`);
  out.push(`Corpus: ${r.corpus}. Model for the "with model" rows: ${r.model}.`);
  out.push(`Question mix: ${r.mix.questions} questions (${r.mix.folded} without diacritics), warm, in-process, ${r.mix.passes} measured passes.`, '');

  out.push('## 1. Answer latency (seed corpus)', '', '| mode | n | p50 | p95 | p99 | max | load | targets (p50 ≤ 20 ms, p95 ≤ 60 ms) |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [label, s] of [['lexical-only', r.serveLexical], ['with model', r.serveModel]] as const) {
    if (!s.ok) out.push(`| ${label} | ${na(s)} | | | | | | |`);
    else {
      const a = s.value.answer;
      out.push(`| ${label}${s.value.dense ? ' (dense on)' : ''} | ${a.n} | ${ms(a.p50)} | ${ms(a.p95)} | ${ms(a.p99)} | ${ms(a.max)} | ${ms(s.value.loadMs, 0)} | p50 ${mark(a.p50 <= 20)}, p95 ${mark(a.p95 <= 60)} |`);
    }
  }
  if (r.serveLexical.ok) {
    out.push('', `p50 by intent (lexical-only): ${Object.entries(r.serveLexical.value.byIntent).map(([k, v]) => `${k} ${v.toFixed(1)} ms`).join(' · ')}; refusals ${(r.serveLexical.value.refused * 100).toFixed(0)}% of answers.`);
  }

  out.push('', '## 2. Scaling (synthetic corpus, lexical-only)', '', '| corpus | text | docs | chunks | full reindex | index on disk | answer p50 | p95 | p99 | searchLexical p50 | peak RSS |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  if (r.seedLexical.ok && r.serveLexical.ok) {
    const s = r.seedLexical.value;
    const a = r.serveLexical.value;
    out.push(`| 1× (seed + bundled) | — | ${s.report.documents} | ${s.report.chunks} | ${ms(s.wallMs, 0)} | see 3 | ${ms(a.answer.p50)} | ${ms(a.answer.p95)} | ${ms(a.answer.p99)} | ${ms(a.searchLexical?.p50 ?? NaN, 2)} | ${a.maxRssMb.toFixed(0)} MB |`);
  }
  for (const { factor, result } of r.scaling) {
    if (!result.ok) out.push(`| ${factor}× | ${na(result)} | | | | | | | | | |`);
    else {
      const v = result.value;
      out.push(`| ${factor}× | ${mb(v.bytes)} | ${v.reindex.report.documents} | ${v.reindex.report.chunks} | ${ms(v.reindex.wallMs, 0)} | ${mb(v.indexBytes)} | ${ms(v.serve.answer.p50)} | ${ms(v.serve.answer.p95)} | ${ms(v.serve.answer.p99)} | ${ms(v.serve.searchLexical?.p50 ?? NaN, 2)} | ${v.serve.maxRssMb.toFixed(0)} MB |`);
    }
  }
  if (r.scaling.length === 0) out.push('| — | not run (no corpus or --scales empty) | | | | | | | | | |');
  const hundred = r.scaling.find((s) => s.factor === 100)?.result;
  if (hundred?.ok) out.push('', `Target ≤ 60 ms p50 at 100×: ${mark(hundred.value.serve.answer.p50 <= 60)} (${ms(hundred.value.serve.answer.p50)}).`);

  out.push('', '## 3. Indexing', '');
  if (!r.seedModel.ok) out.push(na(r.seedModel));
  else {
    const s = r.seedModel.value;
    const cps = (s.report.chunks / s.wallMs) * 1000;
    const embedCps = s.embedPhaseMs > 0 ? (s.report.embedded / s.embedPhaseMs) * 1000 : NaN;
    out.push(`Model: ${r.model}.`, '', '| figure | value |', '| --- | --- |');
    out.push(`| full reindex (${s.report.files} files, ${s.report.chunks} chunks) | ${ms(s.wallMs, 0)} → ${cps.toFixed(0)} chunks/s |`);
    out.push(`| of which extraction (read, chunk, tasks) | ${ms(s.filesPhaseMs, 0)} |`);
    out.push(`| of which embedding phase (${s.report.embedded} chunks) | ${ms(s.embedPhaseMs, 0)} → ${embedCps.toFixed(0)} chunks/s |`);
    if (r.raw.ok) {
      out.push(`| raw model throughput, same texts, same batch size | ${r.raw.value.perSecond.toFixed(0)} chunks/s (${r.raw.value.texts} texts, dim ${r.raw.value.dim}) |`);
      out.push(`| embedding phase ÷ raw model (target ≥ 90%) | ${((embedCps / r.raw.value.perSecond) * 100).toFixed(0)}% — ${mark(embedCps / r.raw.value.perSecond >= 0.9)} |`);
      out.push(`| whole reindex ÷ raw model | ${((cps / r.raw.value.perSecond) * 100).toFixed(0)}% |`);
    } else out.push(`| raw model throughput | ${na(r.raw)} |`);
    if (r.indexing10?.ok) {
      const rounds = r.indexing10.value;
      const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const chunks = rounds[0]!.reindex.report.embedded;
      const phase = med(rounds.map((x) => (x.reindex.report.embedded / x.reindex.embedPhaseMs) * 1000));
      const rawCps = med(rounds.map((x) => x.raw.perSecond));
      const whole = med(rounds.map((x) => (x.reindex.report.chunks / x.reindex.wallMs) * 1000));
      const ratios = rounds.map((x) => (x.reindex.report.embedded / x.reindex.embedPhaseMs) * 1000 / x.raw.perSecond);
      out.push(`| 10× corpus (${chunks} chunks), medians of ${rounds.length} alternating rounds: embedding phase / raw model | ${phase.toFixed(0)} / ${rawCps.toFixed(0)} chunks/s |`);
      out.push(`| 10×: embedding phase ÷ raw model (target ≥ 90%) | ${((phase / rawCps) * 100).toFixed(0)}% (rounds: ${ratios.map((x) => `${(x * 100).toFixed(0)}%`).join(', ')}) — ${mark(phase / rawCps >= 0.9)} |`);
      out.push(`| 10×: whole reindex ÷ raw model | ${((whole / rawCps) * 100).toFixed(0)}% |`);
    } else if (r.indexing10) out.push(`| 10× with the model | ${na(r.indexing10)} |`);
    if (r.seedLexical.ok) out.push(`| full reindex lexical-only | ${ms(r.seedLexical.value.wallMs, 0)} (${r.seedLexical.value.report.chunks} chunks) |`);
    if (r.noChange.ok) {
      const runs = r.noChange.value.map((x) => x.wallMs).sort((a, b) => a - b);
      const med = runs[Math.floor(runs.length / 2)]!;
      out.push(`| no-change reindex, median of ${runs.length} (target ≤ 2 s) | ${ms(med, 0)} (${r.noChange.value[0]!.report.reused}/${r.noChange.value[0]!.report.files} files reused, ${r.noChange.value[0]!.report.vectorsReused} vectors reused) — ${mark(med <= 2000)} |`);
    } else out.push(`| no-change reindex | ${na(r.noChange)} |`);
  }

  out.push('', '## 4. Peak RSS serving the seed index (child process, after answering the mix)', '', '| mode | maxRSS | target ≤ 400 MB |', '| --- | --- | --- |');
  for (const [label, s] of [['lexical-only', r.serveLexical], ['with model', r.serveModel]] as const) {
    out.push(s.ok ? `| ${label} | ${s.value.maxRssMb.toFixed(0)} MB | ${mark(s.value.maxRssMb <= 400)} |` : `| ${label} | ${na(s)} | |`);
  }

  out.push('', '## 5. Peer: MiniSearch over the same chunks (dev questions, recall@5)', '');
  if (!r.peer.ok) out.push(na(r.peer));
  else {
    const rows = r.peer.value.rows;
    const base = rows.searchLexical!;
    out.push(`${r.peer.value.questions} dev questions over ${r.peer.value.chunks} chunks; a question counts when one of the top 5 passages contains its evidence (longest line; whitespace and diacritics normalised).`, '');
    out.push('| retriever | recall@5 | median latency | latency ÷ searchLexical |', '| --- | --- | --- | --- |');
    for (const [name, s] of Object.entries(rows)) {
      out.push(`| ${name} | ${(s.recallAt5 * 100).toFixed(0)}% (${s.found}/${s.questions}) | ${ms(s.medianMs, 2)} | ${ratio(s.medianMs / base.medianMs)} |`);
    }
  }

  out.push('', '## 6. OCR (generated scans, benchOcr; raw = the reader\'s own tesseract calls replayed)', '');
  if (!r.ocr.ok) out.push(na(r.ocr));
  else {
    const runs = { '2 pages, ~200-dpi scans': r.ocr.value.twoPages, '10 pages (the two, five times)': r.ocr.value.tenPages, '2 pages, 300-dpi JPEG scans': r.ocr.value.jpeg300 };
    const first = r.ocr.value.twoPages;
    out.push(`tesseract ${first.tesseract ?? '?'}, ${first.cores} processes, load average ${first.loadAvg1 ?? '?'} at start; medians of ${first.rounds ?? '?'} alternating rounds.`, '');
    out.push('| fixture | dpi | pages | raw tesseract pages/s | reader pages/s | reader ÷ raw time | accuracy |', '| --- | --- | --- | --- | --- | --- | --- |');
    for (const [name, o] of Object.entries(runs)) {
      for (const d of o.dpi) out.push(`| ${name} | ${d.dpi} | ${d.pages} | ${d.rawPagesPerSec} | ${d.readerPagesPerSec} | ${ratio(d.overhead)} | ${d.accuracy !== undefined ? `${(d.accuracy * 100).toFixed(1)}%` : 'n/a'} |`);
    }
    const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
    out.push('', 'Task records of the scan against its digital twin (place, lead, cooperating, deadline all equal):', '', '| fixture | table rows precision / recall | all tasks precision / recall |', '| --- | --- | --- |');
    for (const [name, t] of Object.entries({ '2 pages, ~200-dpi scans': r.ocr.value.tasks.twoPages, '2 pages, 300-dpi JPEG scans': r.ocr.value.tasks.jpeg300 })) {
      out.push(`| ${name} | ${pct(t.tableRows.precision)} / ${pct(t.tableRows.recall)} (${t.tableRows.matched} of ${t.tableRows.digital}) | ${pct(t.allTasks.precision)} / ${pct(t.allTasks.recall)} (${t.allTasks.matched} of ${t.allTasks.digital}) |`);
    }
    out.push('', `Threads at ${first.threads.dpi} dpi (2-page scan): default OpenMP ${first.threads.defaultThreadsPagesPerSec} pages/s vs one single-threaded process per core ${first.threads.oneThreadPerCorePagesPerSec} pages/s.`);
  }
  out.push('');
  return `${out.join('\n')}\n`;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
