/**
 * Benchmark child process (run with tsx). Each measurement that needs a fresh heap — peak RSS,
 * a reindex, the scaling levels — runs here, so one figure never inherits another's garbage.
 * Prints exactly one JSON line on stdout.
 *
 *   tsx bench/worker.ts serve   '<json ServeArgs>'
 *   tsx bench/worker.ts reindex '<json ReindexArgs>'
 *   tsx bench/worker.ts embed   '<json EmbedArgs>'
 */
import { z } from 'zod';
import { createAssistant } from '../src/answer/index.js';
import { Embedder } from '../src/index/dense/embedder.js';
import { KnowledgeIndex } from '../src/index/search.js';
import { currentVersionDir, readRecords } from '../src/index/store.js';
import { createLogger } from '../src/logging.js';
import { runReindex } from '../src/reindex/pipeline.js';
import { questionMix } from './questions.js';
import { summarize, type LatencySummary } from './stats.js';

const Common = z.object({ dataDir: z.string(), knowledgeDir: z.string(), modelDir: z.string(), embeddingModel: z.string() });
const ServeArgs = Common.extend({ passes: z.number().int().min(1).default(2), lexicalProbe: z.boolean().default(true) });
const ReindexArgs = Common.extend({ paths: z.array(z.string()).default([]), full: z.boolean().default(false) });
const EmbedArgs = Common.extend({ limit: z.number().int().positive().optional() });

export interface ServeResult {
  loadMs: number;
  dense: boolean;
  questions: number;
  answer: LatencySummary;
  byIntent: Record<string, number>;
  /** Median over intents of the refusal share, for a sanity look (not a quality figure). */
  refused: number;
  maxRssMb: number;
  searchLexical?: LatencySummary;
}

export interface ReindexResult {
  report: { chunks: number; documents: number; files: number; parsed: number; reused: number; embedded: number; vectorsReused: number; dense: boolean; errors: number; durationMs: number; published: boolean };
  wallMs: number;
  /** Time from the first embed progress event to publish (0 when lexical-only). */
  embedPhaseMs: number;
  /** Time of the extraction loop (scan → last file). */
  filesPhaseMs: number;
  maxRssMb: number;
}

export interface EmbedResult {
  texts: number;
  ms: number;
  perSecond: number;
  dim: number;
}

const silent = createLogger({ level: 'silent' });
const rssMb = () => process.resourceUsage().maxRSS / 1024;

/** What the pipeline embeds for a chunk (mirrors passageText in src/reindex/pipeline.ts). */
function passageText(chunk: { sectionTitle: string; text: string; kind: string }): string {
  return chunk.sectionTitle && chunk.kind !== 'procedure' ? `${chunk.sectionTitle}\n${chunk.text}` : chunk.text;
}

async function serve(raw: unknown): Promise<ServeResult> {
  const args = ServeArgs.parse(raw);
  const started = performance.now();
  const assistant = await createAssistant({ ...args, logger: silent, autoIndex: false });
  const loadMs = performance.now() - started;
  const mix = questionMix();
  // Warm pass: JIT, lazy tables, the embedding model's first run.
  for (const q of mix) await assistant.answer(q.text);
  const samples: number[] = [];
  const byIntent = new Map<string, number[]>();
  let refused = 0;
  for (let pass = 0; pass < args.passes; pass++) {
    for (const q of mix) {
      const t = performance.now();
      const answer = await assistant.answer(q.text);
      const dt = performance.now() - t;
      samples.push(dt);
      byIntent.set(q.intent, [...(byIntent.get(q.intent) ?? []), dt]);
      if (answer.refused) refused++;
    }
  }
  const dense = 'hasDense' in assistant && typeof assistant.hasDense === 'function' ? Boolean(assistant.hasDense()) : false;
  const result: ServeResult = {
    loadMs,
    dense,
    questions: mix.length,
    answer: summarize(samples),
    byIntent: Object.fromEntries([...byIntent].map(([k, v]) => [k, summarize(v).p50])),
    refused: refused / samples.length,
    maxRssMb: rssMb(),
  };
  if (args.lexicalProbe) {
    // After the RSS reading: a second index copy would inflate it.
    const index = await KnowledgeIndex.load(args.dataDir, { modelDir: args.modelDir, embeddingModel: args.embeddingModel, logger: silent });
    for (const q of mix) index.searchLexical(q.text, { k: 10 });
    const lex: number[] = [];
    for (const q of mix) {
      const t = performance.now();
      index.searchLexical(q.text, { k: 10 });
      lex.push(performance.now() - t);
    }
    result.searchLexical = summarize(lex);
  }
  return result;
}

async function reindex(raw: unknown): Promise<ReindexResult> {
  const args = ReindexArgs.parse(raw);
  const started = performance.now();
  let scanAt = started;
  let lastFileAt = started;
  let embedAt: number | undefined;
  let publishAt: number | undefined;
  const report = await runReindex({
    dataDir: args.dataDir,
    knowledgeDir: args.knowledgeDir,
    paths: args.paths,
    modelDir: args.modelDir,
    embeddingModel: args.embeddingModel,
    logger: silent,
    full: args.full,
    onProgress: (e) => {
      const now = performance.now();
      if (e.phase === 'scan') scanAt = now;
      else if (e.phase === 'file') lastFileAt = now;
      else if (e.phase === 'embed' && e.done === 0) embedAt = now;
      else if (e.phase === 'publish') publishAt = now;
    },
  });
  const wallMs = performance.now() - started;
  return {
    report: {
      chunks: report.chunks,
      documents: report.documents,
      files: report.files,
      parsed: report.parsed,
      reused: report.reused,
      embedded: report.embedded,
      vectorsReused: report.vectorsReused,
      dense: report.dense,
      errors: report.errors.length,
      durationMs: report.durationMs,
      published: report.published,
    },
    wallMs,
    embedPhaseMs: embedAt !== undefined && publishAt !== undefined ? publishAt - embedAt : 0,
    filesPhaseMs: lastFileAt - scanAt,
    maxRssMb: rssMb(),
  };
}

/** Raw model throughput on the index's own passages, same batch size as the pipeline. */
async function embed(raw: unknown): Promise<EmbedResult> {
  const args = EmbedArgs.parse(raw);
  const records = readRecords(currentVersionDir(args.dataDir));
  const texts = records.chunks.map(passageText).slice(0, args.limit ?? records.chunks.length);
  const embedder = await Embedder.load({ modelDir: args.modelDir, modelId: args.embeddingModel, logger: silent });
  if (!embedder) throw new Error(`model ${args.embeddingModel} not found under ${args.modelDir}`);
  await embedder.embedPassages(texts.slice(0, 32));
  const t = performance.now();
  await embedder.embedPassages(texts);
  const ms = performance.now() - t;
  return { texts: texts.length, ms, perSecond: (texts.length / ms) * 1000, dim: embedder.dim };
}

const [command, json] = process.argv.slice(2);
const commands: Record<string, (raw: unknown) => Promise<unknown>> = { serve, reindex, embed };
const run = command ? commands[command] : undefined;
if (!run) {
  process.stderr.write(`usage: tsx bench/worker.ts serve|reindex|embed '<json>'\n`);
  process.exit(2);
}
run(JSON.parse(json ?? '{}')).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
