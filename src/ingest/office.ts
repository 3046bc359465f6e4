/**
 * Word 97–2003 (.doc), OpenDocument (.odt) and Rich Text (.rtf) files: converted to .docx by
 * LibreOffice headless, then read by the .docx reader, so they give the same Document tree (Word
 * tables stay tables, numbering becomes text). No npm library reads .doc tables reliably; LibreOffice
 * is what offices already use to open them (Debian package libreoffice-writer-nogui).
 *
 * Each conversion runs in its own temporary directory with a private LibreOffice profile
 * (-env:UserInstallation), so parallel conversions and a stale lock of another user never block it;
 * it is killed (the whole process group) after a time bound, and the directory is removed after.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readDocx } from './html.js';
import { IngestError, type Reader } from './reader.js';

/** Seconds one conversion may take. Default: 120 (a 300-page .doc converts in ~20 s on one core). */
export const DEFAULT_CONVERT_TIMEOUT_SEC = 120;

export interface ConvertOptions {
  /** LibreOffice binary. Default: SOFFICE_BIN or "soffice" on PATH. */
  binary?: string;
  timeoutSec?: number;
}

/** Vietnamese hint shown with a missing converter (also in the reindex report). */
export const CONVERTER_HINT =
  'Máy chủ chưa cài LibreOffice nên chưa đọc được tệp .doc/.odt/.rtf: quản trị viên cài gói libreoffice-writer-nogui (Debian/Ubuntu), hoặc lưu tệp thành .docx rồi chạy lại reindex.';

function sofficeBinary(options: ConvertOptions): string {
  return options.binary ?? process.env['SOFFICE_BIN'] ?? 'soffice';
}

let probe: Promise<boolean> | undefined;
/** True when LibreOffice can be started (checked once per process). */
export function sofficeAvailable(options: ConvertOptions = {}): Promise<boolean> {
  if (options.binary) return runVersion(options.binary);
  probe ??= runVersion(sofficeBinary(options));
  return probe;
}

function runVersion(binary: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(binary, ['--version'], { stdio: 'ignore' });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(false);
    }, 20_000);
    child.on('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}

/**
 * Convert a document's bytes to another format with LibreOffice (default: .docx). Throws IngestError:
 * INGEST_CONVERTER_MISSING when LibreOffice is not installed, INGEST_UNREADABLE when it fails or
 * times out.
 */
export async function convertWithSoffice(bytes: Buffer, fromExt: string, toExt = 'docx', options: ConvertOptions = {}): Promise<Buffer> {
  const binary = sofficeBinary(options);
  const timeoutMs = (options.timeoutSec ?? DEFAULT_CONVERT_TIMEOUT_SEC) * 1000;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'soffice-'));
  try {
    const input = path.join(dir, `input${fromExt}`);
    const outDir = path.join(dir, 'out');
    await writeFile(input, bytes);
    const args = [
      `-env:UserInstallation=${pathToFileURL(path.join(dir, 'profile')).href}`,
      '--headless',
      '--norestore',
      '--nologo',
      '--nolockcheck',
      '--nodefault',
      '--convert-to',
      toExt,
      '--outdir',
      outDir,
      input,
    ];
    const stderr = await new Promise<string>((resolve, reject) => {
      // Own process group: soffice starts soffice.bin, and a timeout must kill both.
      const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true, env: { ...process.env, HOME: dir } });
      let err = '';
      child.stderr?.on('data', (d: Buffer) => {
        if (err.length < 4000) err += d.toString();
      });
      const timer = setTimeout(() => {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
        reject(new IngestError('INGEST_UNREADABLE', `LibreOffice did not convert the file within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      child.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(
          e.code === 'ENOENT'
            ? new IngestError('INGEST_CONVERTER_MISSING', `LibreOffice (${binary}) is not installed. ${CONVERTER_HINT}`)
            : new IngestError('INGEST_UNREADABLE', `LibreOffice could not be started: ${e.message}`),
        );
      });
      child.on('exit', () => {
        clearTimeout(timer);
        resolve(err);
      });
    });
    const produced = (await readdir(outDir).catch(() => [] as string[])).find((f) => f.toLowerCase().endsWith(`.${toExt}`));
    if (!produced) {
      const reason = stderr.split('\n').find((l) => /error/i.test(l))?.trim();
      throw new IngestError('INGEST_UNREADABLE', `LibreOffice could not read the file${reason ? `: ${reason}` : ' (corrupt or not a document)'}`);
    }
    return await readFile(path.join(outDir, produced));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** .doc/.odt/.rtf → .docx → the .docx reader. */
export function officeReader(options: ConvertOptions = {}): Reader {
  return async (file, bytes, readerOptions) => {
    const ext = path.extname(file).toLowerCase();
    const docx = await convertWithSoffice(bytes, ext, 'docx', options);
    readerOptions.logger?.debug({ file, from: ext }, 'converted with LibreOffice');
    return readDocx(file, docx, readerOptions);
  };
}

export const readOffice: Reader = officeReader();
