/**
 * Dependencies point one way (issue 14): answering never imports the indexing pipeline or the
 * server, and channels depend on small ports (src/channels/ports.ts), not on src/server or
 * src/reindex. Every import of every file is read with TypeScript's own pre-processor (static,
 * type-only, re-exports and dynamic `import()` alike), so an import that comes back fails here.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './harness.js';

const src = path.join(repoRoot, 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Relative imports of a file, resolved to paths under src/ ("reindex/pipeline.js"). */
export function importsOf(file: string, text = fs.readFileSync(file, 'utf8')): string[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => path.relative(src, path.resolve(path.dirname(file), name)).split(path.sep).join('/'));
}

/** Imports of files under `from` that land in one of `forbidden` (top-level folders of src/). */
function violations(from: string, forbidden: readonly string[]): string[] {
  return sourceFiles(path.join(src, from)).flatMap((file) =>
    importsOf(file)
      .filter((target) => forbidden.some((f) => target === f || target.startsWith(`${f}/`)))
      .map((target) => `${path.relative(src, file)} → ${target}`),
  );
}

describe('dependency direction', () => {
  it('src/answer imports neither the reindex pipeline, the server, the channels nor the board', () => {
    expect(violations('answer', ['reindex', 'server', 'channels', 'board'])).toEqual([]);
  });

  it('src/channels imports neither src/server nor src/reindex (it depends on its ports)', () => {
    expect(violations('channels', ['server', 'reindex'])).toEqual([]);
  });

  it('the scan sees every kind of import (so the checks above can fail)', () => {
    const file = path.join(src, 'channels', 'probe.ts');
    const text = [
      "import type { Metrics } from '../server/metrics.js';",
      "export { reindexSummary } from '../reindex/summary.js';",
      "const later = () => import('../server/app.js');",
      "import { x } from './ports.js';",
    ].join('\n');
    expect(importsOf(file, text)).toEqual(['server/metrics.js', 'reindex/summary.js', 'server/app.js', 'channels/ports.js']);
  });
});
