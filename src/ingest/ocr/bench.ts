/**
 * OCR measurements for scripts/bench.ts: pages/s of the whole PDF reader against raw tesseract on
 * the same page images in the same run (the reader's overhead: deskew, rule detection, layout),
 * accuracy and speed per rasterisation dpi, and tesseract's default OpenMP threading against one
 * single-threaded process per core. Numbers depend on the machine: run it where it will serve.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { normalize, squash } from '../../text/normalize.js';
import { readPdf } from '../pdf.js';
import { OCR_DEFAULTS, OcrEngine, spawnRunner } from './engine.js';

export interface OcrBenchOptions {
  /** Image-only (scanned) PDF to measure. */
  scannedPdf: string;
  /** The same document with a text layer; its text is the accuracy reference. Optional. */
  referencePdf?: string;
  /** Resolutions to compare. Default: [200, 300]. */
  dpis?: number[];
  /** Parallel processes for the 1-thread runs. Default: os.availableParallelism(). */
  concurrency?: number;
  lang?: string;
}

export interface OcrDpiFigures {
  dpi: number;
  pages: number;
  /** Raw `tesseract img stdout tsv`, OMP_THREAD_LIMIT=1, `concurrency` processes. */
  rawPagesPerSec: number;
  /** readPdf end to end (rasterise, deskew, rules, tesseract, layout), no cache. */
  readerPagesPerSec: number;
  /** Reader time / raw tesseract time. */
  overhead: number;
  /** 1 − normalised edit distance between the reader's text and the reference text. */
  accuracy?: number;
}

export interface OcrBenchResult {
  cores: number;
  tesseract?: string;
  dpi: OcrDpiFigures[];
  threads: {
    dpi: number;
    /** Pages one after another, tesseract's default OpenMP threads. */
    defaultThreadsPagesPerSec: number;
    /** OMP_THREAD_LIMIT=1, one process per core. */
    oneThreadPerCorePagesPerSec: number;
  };
}

export async function benchOcr(options: OcrBenchOptions): Promise<OcrBenchResult> {
  const cores = options.concurrency ?? os.availableParallelism();
  const lang = options.lang ?? OCR_DEFAULTS.lang;
  const dpis = options.dpis ?? [200, 300];
  const bytes = await readFile(options.scannedPdf);
  const reference = options.referencePdf ? flatText((await readPdf(options.referencePdf, await readFile(options.referencePdf), {})).lines) : undefined;
  const version = (await new OcrEngine().available()).version;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ocr-bench-'));
  try {
    const figures: OcrDpiFigures[] = [];
    const imagesByDpi = new Map<number, string[]>();
    for (const dpi of dpis) {
      const images = await rasterizeAll(options.scannedPdf, dpi, dir);
      imagesByDpi.set(dpi, images);
      const raw = await timed(() => runPool(images, cores, (img) => tesseract(img, dpi, lang, '1')));
      const reader = await timed(() => readPdf(options.scannedPdf, bytes, { ocr: { dpi, lang, concurrency: cores } as never }));
      figures.push({
        dpi,
        pages: images.length,
        rawPagesPerSec: round(images.length / raw.sec),
        readerPagesPerSec: round(images.length / reader.sec),
        overhead: round(reader.sec / raw.sec),
        ...(reference ? { accuracy: round(similarity(flatText(reader.value.lines), reference), 4) } : {}),
      });
    }
    const tDpi = dpis.includes(OCR_DEFAULTS.dpi) ? OCR_DEFAULTS.dpi : dpis[0]!;
    const images = imagesByDpi.get(tDpi)!;
    const sequential = await timed(() => runPool(images, 1, (img) => tesseract(img, tDpi, lang, undefined)));
    const parallel = await timed(() => runPool(images, cores, (img) => tesseract(img, tDpi, lang, '1')));
    return {
      cores,
      ...(version ? { tesseract: version } : {}),
      dpi: figures,
      threads: {
        dpi: tDpi,
        defaultThreadsPagesPerSec: round(images.length / sequential.sec),
        oneThreadPerCorePagesPerSec: round(images.length / parallel.sec),
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function rasterizeAll(pdf: string, dpi: number, dir: string): Promise<string[]> {
  const prefix = path.join(dir, `r${dpi}`);
  const r = await spawnRunner(OCR_DEFAULTS.pdftoppmPath, ['-r', String(dpi), '-png', pdf, prefix], { timeoutMs: 600_000 });
  if (r.code !== 0) throw new Error(`pdftoppm failed: ${r.stderr}`);
  return (await readdir(dir))
    .filter((f) => f.startsWith(`r${dpi}-`) && f.endsWith('.png'))
    .sort()
    .map((f) => path.join(dir, f));
}

async function tesseract(image: string, dpi: number, lang: string, ompThreads: string | undefined): Promise<void> {
  const env = { ...process.env };
  if (ompThreads) env.OMP_THREAD_LIMIT = ompThreads;
  else delete env.OMP_THREAD_LIMIT;
  const r = await spawnRunner(OCR_DEFAULTS.tesseractPath, [image, 'stdout', '--dpi', String(dpi), '-l', lang, '--psm', String(OCR_DEFAULTS.psm), 'tsv'], {
    timeoutMs: 600_000,
    env,
  });
  if (r.code !== 0) throw new Error(`tesseract failed: ${r.stderr}`);
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

