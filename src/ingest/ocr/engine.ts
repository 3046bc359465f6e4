/**
 * OCR engine: Debian's `tesseract` (with `tesseract-ocr-vie`) and poppler's `pdftoppm` as child
 * processes. One single-threaded tesseract per core (OMP_THREAD_LIMIT=1 — tesseract's own OpenMP
 * threads help one page a little and hurt a batch a lot), a per-page timeout that kills the child,
 * and a cache of word boxes keyed by content hash so a no-change reindex never OCRs again.
 * Commands go through an injectable runner so tests can count and fake calls.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import sharp from 'sharp';
import { z } from 'zod';
import type { PageWords } from '../layout/words.js';
import { OCR_TEMP_PREFIX, ownerTag } from '../process-owner.js';
import type { OcrOptions } from '../reader.js';
import { preparePage, type PreparedPage } from './image-prep.js';
import { parseTesseractTsv } from './tsv.js';

export interface CommandResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
  timedOut: boolean;
}

export type CommandRunner = (
  command: string,
  args: readonly string[],
  options: { timeoutMs: number; env?: NodeJS.ProcessEnv; input?: Buffer },
) => Promise<CommandResult>;

/** Engine settings beyond the shared `OcrOptions` (binary paths, resolution, test hooks). */
export interface OcrEngineOptions extends OcrOptions {
  /** Default: 'tesseract' (from PATH). */
  tesseractPath?: string;
  /** Default: 'pdftoppm' (from PATH). */
  pdftoppmPath?: string;
  /** Used to read a scanned page's native resolution. Default: 'pdfimages' (from PATH). */
  pdfimagesPath?: string;
  /** Target resolution: pages rendered by pdftoppm use it, scans below 0.9× it are upscaled to it, others are OCRed as scanned. Default: 200 (measured: as accurate as 300 on our scans and ~35% faster; see README-section.md). */
  dpi?: number;
  /** Tesseract page segmentation mode. Default: 6 (one uniform block): measured best with ruled tables — 3 (auto) drops lone STT digits; layout is rebuilt from word boxes anyway. */
  psm?: number;
  /** OMP_THREAD_LIMIT for each tesseract process. Default: 1. */
  ompThreads?: number;
  /** Straighten tilted scans before OCR. Default: true. */
  deskew?: boolean;
  /** Runs child processes. Default: spawn. */
  runner?: CommandRunner;
  logger?: Logger;
}

type Defaulted = 'lang' | 'pageTimeoutSec' | 'tesseractPath' | 'pdftoppmPath' | 'pdfimagesPath' | 'dpi' | 'psm' | 'ompThreads' | 'deskew';

export const OCR_DEFAULTS: Readonly<Required<Pick<OcrEngineOptions, Defaulted>>> = Object.freeze({
  lang: 'vie',
  pageTimeoutSec: 120,
  tesseractPath: 'tesseract',
  pdftoppmPath: 'pdftoppm',
  pdfimagesPath: 'pdfimages',
  dpi: 200,
  psm: 6,
  ompThreads: 1,
  deskew: true,
});

/** Bump when cached content or the image preparation changes. */
const CACHE_VERSION = 3;

export interface OcrAvailability {
  available: boolean;
  version?: string;
  langs: string[];
  reason?: string;
}

export const spawnRunner: CommandRunner = (command, args, options) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => {
      if (err.length < 4000) err += d.toString('utf8');
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr: err, timedOut });
    });
    child.stdin.on('error', () => undefined); // the child may exit before reading all input
    if (options.input) child.stdin.end(options.input);
    else child.stdin.end();
  });

const CachedPage = z.object({
  v: z.literal(CACHE_VERSION),
  width: z.number(),
  height: z.number(),
  skewDeg: z.number(),
  hRules: z.array(z.object({ y: z.number(), x0: z.number(), x1: z.number() })),
  words: z.array(
    z.object({ text: z.string(), x0: z.number(), y0: z.number(), x1: z.number(), y1: z.number(), conf: z.number().optional(), lineKey: z.string().optional() }),
  ),
});
type CachedPage = z.infer<typeof CachedPage>;

/** Bounded parallelism shared by every file an engine reads. */
class Semaphore {
  private active = 0;
  private readonly queue: Array<() => void> = [];
  constructor(private readonly limit: number) {}
  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.queue.push(r));
    this.active++;
    try {
      return await job();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

export class OcrEngine {
  readonly options: Readonly<OcrEngineOptions & Required<Pick<OcrEngineOptions, Defaulted>>>;
  private readonly runner: CommandRunner;
  /** Tesseract processes (one per core). */
  private readonly pool: Semaphore;
  /**
   * Pages between extraction and the end of OCR: the pool plus as many again being prepared, so
   * a page is ready whenever a tesseract process ends (with one spare, the second process to end
   * found nothing ready and its core idled ~0.25 s per page pair).
   */
  private readonly inflight: Semaphore;
  private availability?: Promise<OcrAvailability>;
  /** Tesseract invocations so far (benchmarks and tests read it). */
  tesseractCalls = 0;

  constructor(options: OcrEngineOptions = {}) {
    const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    this.options = Object.freeze({ ...OCR_DEFAULTS, ...defined });
    this.runner = options.runner ?? spawnRunner;
    const cores = Math.max(1, options.concurrency ?? os.availableParallelism());
    this.pool = new Semaphore(cores);
    this.inflight = new Semaphore(cores * 2);
  }

  /** Whether tesseract runs and has the configured language(s); memoised per engine. */
  available(): Promise<OcrAvailability> {
    this.availability ??= this.probe();
    return this.availability;
  }

  private async probe(): Promise<OcrAvailability> {
    if (this.options.enabled === false) return { available: false, langs: [], reason: 'OCR disabled by configuration' };
    try {
      const v = await this.runner(this.options.tesseractPath, ['--version'], { timeoutMs: 15_000 });
      const version = /tesseract\s+v?([\d.]+\S*)/i.exec(v.stdout.toString('utf8') + v.stderr)?.[1];
      const l = await this.runner(this.options.tesseractPath, ['--list-langs'], { timeoutMs: 15_000 });
      const langs = (l.stdout.toString('utf8') + '\n' + l.stderr)
        .split('\n')
        .map((s) => s.trim())
        .filter((s) => /^[a-z_]+$/i.test(s));
      const missing = this.options.lang.split('+').filter((x) => !langs.includes(x));
      if (v.code !== 0 || !version) return { available: false, langs, reason: `tesseract --version failed: ${v.stderr.slice(0, 200)}` };
      if (missing.length) return { available: false, version, langs, reason: `tesseract language data missing: ${missing.join(', ')} (apt-get install tesseract-ocr-vie)` };
      return { available: true, version, langs };
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return { available: false, langs: [], reason: e.code === 'ENOENT' ? `tesseract not found at "${this.options.tesseractPath}" (apt-get install tesseract-ocr tesseract-ocr-vie)` : String(e.message ?? e) };
    }
  }

  /**
   * OCR the given pages (1-based) of a PDF. Pages run in parallel up to the pool limit; a page
   * that fails or times out comes back as an Error so the rest of the file survives.
   */
  async ocrPdfPages(
    pdf: Buffer,
    pages: readonly number[],
    onPage?: (page: number) => void,
    /** Pages with a /Rotate: always rendered, since an extracted image would come out unrotated. */
    rotated: ReadonlySet<number> = new Set(),
    /** Epoch ms after which no further page starts (they come back as OcrDeadlineError). */
    deadline = Number.POSITIVE_INFINITY,
  ): Promise<Map<number, PageWords | Error>> {
    const o = this.options;
    const pdfHash = sha256(pdf);
    const result = new Map<number, PageWords | Error>();
    let dir: string | undefined;
    let pdfPath: Promise<string> | undefined;
    let scans: Promise<Map<number, { ppi: number }>> | undefined;
    const ensurePdf = (): Promise<string> =>
      (pdfPath ??= (async () => {
        // The owner's identity in the name lets the next run remove it if this process is killed.
        dir = await mkdtemp(path.join(os.tmpdir(), `${OCR_TEMP_PREFIX}${ownerTag()}-`));
        const p = path.join(dir, 'input.pdf');
        await writeFile(p, pdf);
        return p;
      })());
    try {
      await Promise.all(
        pages.map(async (page) => {
          try {
            const key = sha256(`pdf:${pdfHash}:${page}:${o.dpi}:${o.lang}:${o.psm}:${o.deskew}:${CACHE_VERSION}`);
            const cached = await this.readCache(key);
            const words = cached
              ? cached
              : await this.pipeline(async () => {
                  if (Date.now() >= deadline) throw new OcrDeadlineError(page);
                  const file = await ensurePdf();
                  // A scan page is one page-sized image: take it out as is (`pdfimages -j`: raw
                  // PNM, or the JPEG stream untouched; ~0.1 s) rather than re-rendering it
                  // (pdftoppm, 2 s at the scan's resolution and ~15 s when asked to upscale).
                  const scan = rotated.has(page) ? undefined : (await (scans ??= this.pageScans(file, pages))).get(page);
                  const extracted = scan && (await this.extractScan(file, page, dir!));
                  const image = extracted ?? (await this.rasterize(file, page, dir!));
                  return { image, sourceDpi: extracted ? scan.ppi : o.dpi };
                });
            if (!cached) await this.writeCache(key, words);
            result.set(page, toPageWords(page, words));
          } catch (err) {
            result.set(page, err instanceof Error ? err : new Error(String(err)));
          } finally {
            onPage?.(page);
          }
        }),
      );
    } finally {
      if (dir) await rm(dir, { recursive: true, force: true });
    }
    return result;
  }

  /** OCR one page image (PNG, JPEG, TIFF — anything sharp reads). */
  async ocrImage(image: Buffer, page = 1): Promise<PageWords> {
    const o = this.options;
    const key = sha256(`img:${sha256(image)}:${o.lang}:${o.psm}:${o.deskew}:${CACHE_VERSION}`);
    const cached = await this.readCache(key);
    if (cached) return toPageWords(page, cached);
    // Phone photos and scans often carry no or a bogus 72-dpi density: assume the configured dpi then.
    const fresh = await this.pipeline(async () => {
      const density = (await sharp(image).metadata()).density;
      return { image, sourceDpi: density && density >= 150 ? density : o.dpi };
    });
    await this.writeCache(key, fresh);
    return toPageWords(page, fresh);
  }

  /** Rasterise one PDF page to PNG with pdftoppm. */
  async rasterize(pdfPath: string, page: number, dir: string, dpi = this.options.dpi): Promise<Buffer> {
    const prefix = path.join(dir, `p${page}`);
    const r = await this.runner(this.options.pdftoppmPath, ['-r', String(dpi), '-f', String(page), '-l', String(page), '-png', '-singlefile', pdfPath, prefix], {
      timeoutMs: this.options.pageTimeoutSec * 1000,
    });
    if (r.timedOut) throw new Error(`pdftoppm timed out on page ${page}`);
    if (r.code !== 0) throw new Error(`pdftoppm failed on page ${page}: ${r.stderr.trim().slice(0, 200)}`);
    return readFile(`${prefix}.png`);
  }

  /** The page's scan image (the only page-sized image on it), from `pdfimages -list`; undefined if none. */
  async pageScan(pdfPath: string, page: number): Promise<{ ppi: number } | undefined> {
    return (await this.pageScans(pdfPath, [page])).get(page);
  }

  /**
   * Scan images of the given pages from one `pdfimages -list` over their page range (one
   * process per file rather than per page): pages carrying exactly one page-sized image.
   */
  async pageScans(pdfPath: string, pages: readonly number[]): Promise<Map<number, { ppi: number }>> {
    const out = new Map<number, { ppi: number }>();
    if (!pages.length) return out;
    try {
      const first = Math.min(...pages);
      const last = Math.max(...pages);
      const r = await this.runner(this.options.pdfimagesPath, ['-list', '-f', String(first), '-l', String(last), pdfPath], { timeoutMs: 30_000 });
      if (r.code !== 0) return out;
      const images = new Map<number, Array<{ area: number; ppi: number }>>();
      for (const row of r.stdout.toString('utf8').split('\n').slice(2)) {
        // page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
        const f = row.trim().split(/\s+/);
        if (f.length < 14 || f[2] !== 'image') continue;
        const page = Number(f[0]);
        const area = Number(f[3]) * Number(f[4]);
        const ppi = Math.min(Number(f[12]), Number(f[13]));
        if (!Number.isFinite(area) || !Number.isFinite(ppi)) continue;
        images.set(page, [...(images.get(page) ?? []), { area, ppi }]);
      }
      for (const page of pages) {
        // Exactly one image (a mask or a logo beside it would be lost by extraction), page-sized.
        const [only, ...others] = images.get(page) ?? [];
        if (only && others.length === 0 && only.area >= 1_000_000 && only.ppi >= 100) out.set(page, { ppi: only.ppi });
      }
    } catch {
      // no pdfimages: pages are rendered instead
    }
    return out;
  }

  /**
   * Extract a page's single scan image: `-j` keeps a JPEG stream as is and writes anything else
   * as raw PNM (PBM/PGM/PPM), which image-prep parses without a codec — `-png` spent ~0.5 s per
   * page compressing a file that was decompressed again right after. Undefined when it fails.
   */
  async extractScan(pdfPath: string, page: number, dir: string): Promise<Buffer | undefined> {
    const name = `s${page}`;
    const r = await this.runner(this.options.pdfimagesPath, ['-j', '-f', String(page), '-l', String(page), pdfPath, path.join(dir, name)], {
      timeoutMs: this.options.pageTimeoutSec * 1000,
    });
    if (r.timedOut || r.code !== 0) return undefined;
    const file = (await readdir(dir).catch(() => [] as string[])).find((f) => f.startsWith(`${name}-000.`));
    return file ? readFile(path.join(dir, file)).catch(() => undefined) : undefined;
  }

  /**
   * Prepare a page image then OCR it, pipelined: up to `concurrency` tesseract processes run
   * while as many more pages are being extracted and prepared, so the next pages' preparation
   * overlaps OCR without letting prepared images pile up in memory.
   */
  private async pipeline(load: () => Promise<{ image: Buffer; sourceDpi: number }>): Promise<CachedPage> {
    return this.inflight.run(async () => {
      const { image, sourceDpi } = await load();
      const prepared = await this.prepare(image, sourceDpi);
      return this.pool.run(() => this.tesseract(prepared));
    });
  }

  /** Deskew, find ruling lines, run tesseract (TSV word boxes) on one page image of `sourceDpi`. */
  async recognize(image: Buffer, sourceDpi: number): Promise<CachedPage> {
    return this.tesseract(await this.prepare(image, sourceDpi));
  }

  private async prepare(image: Buffer, sourceDpi: number): Promise<PreparedPage & { dpi: number }> {
    const o = this.options;
    // Low-resolution scans are upscaled to the configured dpi before OCR.
    const scale = sourceDpi < o.dpi * 0.9 ? o.dpi / sourceDpi : 1;
    const prepared = await preparePage(image, { deskew: o.deskew, scale });
    return { ...prepared, dpi: sourceDpi * scale };
  }

  private async tesseract(prepared: PreparedPage & { dpi: number }): Promise<CachedPage> {
    const o = this.options;
    this.tesseractCalls++;
    // --dpi: a PGM carries no density, and tesseract's guess drives its text-size heuristics.
    const args = ['stdin', 'stdout', '--dpi', String(Math.round(prepared.dpi)), '-l', o.lang, '--psm', String(o.psm), 'tsv'];
    const r = await this.runner(o.tesseractPath, args, {
      timeoutMs: o.pageTimeoutSec * 1000,
      env: { ...process.env, OMP_THREAD_LIMIT: String(o.ompThreads) },
      input: prepared.pgm,
    });
    if (r.timedOut) throw new Error(`tesseract timed out after ${o.pageTimeoutSec}s`);
    if (r.code !== 0) throw new Error(`tesseract failed (exit ${r.code}): ${r.stderr.trim().slice(0, 200)}`);
    return {
      v: CACHE_VERSION,
      width: prepared.width,
      height: prepared.height,
      skewDeg: prepared.skewDeg,
      hRules: prepared.hRules,
      words: parseTesseractTsv(r.stdout.toString('utf8')),
    };
  }

  private cachePath(key: string): string | undefined {
    return this.options.cacheDir ? path.join(this.options.cacheDir, key.slice(0, 2), `${key}.json`) : undefined;
  }

  private async readCache(key: string): Promise<CachedPage | undefined> {
    const p = this.cachePath(key);
    if (!p) return undefined;
    try {
      const parsed = CachedPage.safeParse(JSON.parse(await readFile(p, 'utf8')));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined; // missing or torn entry: OCR again
    }
  }

  private async writeCache(key: string, page: CachedPage): Promise<void> {
    const p = this.cachePath(key);
    if (!p) return;
    try {
      await mkdir(path.dirname(p), { recursive: true });
      const tmp = `${p}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(page));
      await rename(tmp, p);
    } catch (err) {
      this.options.logger?.warn({ err, cacheDir: this.options.cacheDir }, 'ocr cache write failed');
    }
  }
}

function toPageWords(page: number, c: CachedPage): PageWords {
  return { page, width: c.width, height: c.height, words: c.words, hRules: c.hRules };
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A page not started because the file's OCR time limit had passed. */
export class OcrDeadlineError extends Error {
  constructor(readonly page: number) {
    super(`page ${page} not read: the file's OCR time limit was reached`);
    this.name = 'OcrDeadlineError';
  }
}

const engines = new Map<string, OcrEngine>();

/**
 * The engine for a set of options. Engines with the same binaries/resolution share one pool, so
 * a reindex never runs more tesseract processes than cores, whatever the number of files.
 */
export function getOcrEngine(options: OcrEngineOptions = {}): OcrEngine {
  if (options.runner) return new OcrEngine(options);
  const key = JSON.stringify({ ...options, logger: undefined });
  let e = engines.get(key);
  if (!e) engines.set(key, (e = new OcrEngine(options)));
  return e;
}

/** Is OCR usable here? Log it once at start-up (server, reindex). */
export async function ocrAvailable(options: OcrEngineOptions = {}): Promise<OcrAvailability> {
  return getOcrEngine(options).available();
}
