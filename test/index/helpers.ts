/** Shared helpers for index and reindex tests: temp dirs and an in-memory pino sink. */
import { cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { repoRoot } from '../helpers/model.js';

export const FIXTURE_KNOWLEDGE = path.join(repoRoot, 'test/fixtures/index/knowledge');

export function tempDir(prefix = 'tlao-index-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A fresh copy of the fixture knowledge folder (tests edit and delete files in it). */
export function copyKnowledge(): string {
  const dir = path.join(tempDir('tlao-knowledge-'), 'knowledge');
  cpSync(FIXTURE_KNOWLEDGE, dir, { recursive: true });
  return dir;
}

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export function memoryLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l) as LogLine);
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

export const WARN = 40;
