/**
 * OCR measurements for bench/run.ts: pages/s of the whole PDF reader against raw tesseract,
 * accuracy per `dpi` setting, and tesseract's default OpenMP threading against one
 * single-threaded process per core. Numbers depend on the machine: run it where it will serve.
 *
 * "Raw tesseract" is defined precisely as: the very tesseract invocations the reader made in the
 * measured run — same binary, same arguments (--dpi, -l, --psm, tsv), same OMP_THREAD_LIMIT,
 * the same prepared page images byte for byte on stdin — recorded through the engine's runner
 * and replayed with the same number of parallel processes. So the ratio reader ÷ raw is exactly
 * what the reader adds around OCR (PDF parsing, image extraction, decoding, deskew, rule
 * erasure, layout, scheduling), never a difference in what tesseract was asked to do.
 * Each measurement is the median of `rounds` alternating reader/raw runs (the machine may be
 * shared), and the load average at the start is reported alongside.
 */
import os from 'node:os';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { normalize, squash } from '../../text/normalize.js';
import { readPdf, type OcrReaderOptions } from '../pdf.js';
import { OCR_DEFAULTS, OcrEngine, spawnRunner, type CommandRunner } from './engine.js';

export interface OcrBenchOptions {
  /** Image-only (scanned) PDF to measure. */
  scannedPdf: string;
  /** The same document with a text layer; its text is the accuracy reference. Optional. */
  referencePdf?: string;
  /** Reader `dpi` settings to compare. Default: [200, 300]. */
  dpis?: number[];
  /** Parallel processes (reader pool and raw replay). Default: os.availableParallelism(). */
  concurrency?: number;
  lang?: string;
  /** Alternating reader/raw runs per setting; medians are reported. Default: 3. */
  rounds?: number;
}

export interface OcrDpiFigures {
  /** The reader's `dpi` option (scans below 0.9× this are upscaled to it; others kept as scanned). */
  dpi: number;
  pages: number;
  /** Raw tesseract: the reader's own tesseract invocations replayed (see the module comment). */
  rawPagesPerSec: number;
  /** readPdf end to end (parse, extract, deskew, rules, tesseract, layout), no cache. */
  readerPagesPerSec: number;
  /** Reader time / raw tesseract time (median runs). */
  overhead: number;
  /** 1 − normalised edit distance between the reader's text and the reference text. */
  accuracy?: number;
  /** Pixel size tesseract was given, per page (after any upscaling). */
  imageSizes?: string[];
}

export interface OcrBenchResult {
  cores: number;
  tesseract?: string;
  /** 1-minute load average when the run started (other work on the machine skews the figures). */
  loadAvg1?: number;
  rounds?: number;
  dpi: OcrDpiFigures[];
  threads: {
    dpi: number;
    /** The captured page images one after another, tesseract's default OpenMP threads. */
    defaultThreadsPagesPerSec: number;
    /** OMP_THREAD_LIMIT=1, one process per core. */
    oneThreadPerCorePagesPerSec: number;
  };
}

interface Invocation {
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  input: Buffer;
}

export async function benchOcr(options: OcrBenchOptions): Promise<OcrBenchResult> {
  const cores = options.concurrency ?? os.availableParallelism();
  const lang = options.lang ?? OCR_DEFAULTS.lang;
  const dpis = options.dpis ?? [200, 300];
  const rounds = Math.max(1, options.rounds ?? 3);
  const loadAvg1 = round(os.loadavg()[0]!);
  const bytes = await readFile(options.scannedPdf);
  const reference = options.referencePdf ? flatText((await readPdf(options.referencePdf, await readFile(options.referencePdf), {})).lines) : undefined;
  const version = (await new OcrEngine().available()).version;
  const figures: OcrDpiFigures[] = [];
  const captured = new Map<number, Invocation[]>();
  for (const dpi of dpis) {
    const readerSec: number[] = [];
    const rawSec: number[] = [];
    let lines: string[] = [];
    let calls: Invocation[] = [];
    let seen: Invocation[] = [];
    const runner: CommandRunner = (command, args, opts) => {
      if (args[0] === 'stdin' && opts.input) seen.push({ command, args, ...(opts.env ? { env: opts.env } : {}), input: opts.input });
      return spawnRunner(command, args, opts);
    };
    // One engine per setting, probed before timing as the server does once at start-up; no
    // cacheDir, so every round OCRs every page.
    const engine = new OcrEngine({ dpi, lang, concurrency: cores, runner });
    await engine.available();
    for (let k = 0; k < rounds; k++) {
      seen = [];
      const readerOptions: OcrReaderOptions = { ocrEngine: engine };
      const reader = await timed(() => readPdf(options.scannedPdf, bytes, readerOptions));
      readerSec.push(reader.sec);
      lines = reader.value.lines;
      calls = seen;
      rawSec.push((await timed(() => runPool(seen, cores, replay))).sec);
    }
    captured.set(dpi, calls);
    const reader = median(readerSec);
    const raw = median(rawSec);
    figures.push({
      dpi,
      pages: calls.length,
      rawPagesPerSec: round(calls.length / raw),
      readerPagesPerSec: round(calls.length / reader),
      overhead: round(reader / raw),
      ...(reference ? { accuracy: round(similarity(flatText(lines), reference), 4) } : {}),
      imageSizes: calls.map((c) => pgmSize(c.input)),
    });
  }
  const tDpi = dpis.includes(OCR_DEFAULTS.dpi) ? OCR_DEFAULTS.dpi : dpis[0]!;
  const calls = captured.get(tDpi)!;
  const sequential = await timed(() => runPool(calls, 1, (c) => replay({ ...c, env: withoutOmpLimit(c.env) })));
  const parallel = await timed(() => runPool(calls, cores, (c) => replay({ ...c, env: { ...c.env, OMP_THREAD_LIMIT: '1' } })));
  return {
    cores,
    ...(version ? { tesseract: version } : {}),
    loadAvg1,
    rounds,
    dpi: figures,
    threads: {
      dpi: tDpi,
      defaultThreadsPagesPerSec: round(calls.length / sequential.sec),
      oneThreadPerCorePagesPerSec: round(calls.length / parallel.sec),
    },
  };
}

async function replay(c: Invocation): Promise<void> {
  const r = await spawnRunner(c.command, c.args, { timeoutMs: 600_000, ...(c.env ? { env: c.env } : {}), input: c.input });
  if (r.code !== 0) throw new Error(`tesseract failed: ${r.stderr}`);
}

function withoutOmpLimit(env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  const e = { ...(env ?? process.env) };
  delete e.OMP_THREAD_LIMIT;
  return e;
}

function pgmSize(input: Buffer): string {
  const m = /^P[456]\s+(\d+)\s+(\d+)/.exec(input.subarray(0, 32).toString('latin1'));
  return m ? `${m[1]}x${m[2]}` : `${input.length} bytes`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function runPool<T>(items: readonly T[], limit: number, job: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await job(items[next++]!);
    }),
  );
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; sec: number }> {
  const t = performance.now();
  const value = await fn();
  return { value, sec: (performance.now() - t) / 1000 };
}

function flatText(lines: readonly string[]): string {
  return squash(normalize(lines.join(' ').replace(/\|/g, ' ')));
}

/** 1 − Levenshtein / max length, on characters (two-row DP). */
export function similarity(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = new Uint32Array(y.length + 1).map((_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = new Uint32Array(y.length + 1);
    cur[0] = i;
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return 1 - prev[y.length]! / Math.max(x.length, y.length, 1);
}

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

