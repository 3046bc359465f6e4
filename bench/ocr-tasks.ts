/**
 * Task records of a scanned PDF against its digital twin: the "task-record precision/recall
 * of the scanned fixture" (target ≥ 0.9 on table rows). A record is its place (section path and
 * table row), lead and cooperating agency ids and normalised deadline; a scanned record counts only
 * when the digital file has the identical record.
 */
import { readFileSync } from 'node:fs';
import { AgencyRegistry } from '../src/extract/agencies.js';
import { extractTasks } from '../src/extract/tasks/index.js';
import { buildDocument } from '../src/ingest/index.js';
import { readPdf } from '../src/ingest/pdf.js';

export interface Agreement {
  /** Records in the scanned file's extraction / in the digital one's. */
  scanned: number;
  digital: number;
  matched: number;
  precision: number;
  recall: number;
}

export interface TaskAgreement {
  tableRows: Agreement;
  allTasks: Agreement;
}

export async function taskAgreement(scannedPdf: string, digitalPdf: string, ocrCacheDir?: string): Promise<TaskAgreement> {
  const registry = AgencyRegistry.load();
  const records = async (file: string) => {
    const read = await readPdf(file, readFileSync(file), { ocr: ocrCacheDir ? { cacheDir: ocrCacheDir } : {} });
    return extractTasks(buildDocument(read, file, 'bench'), registry).tasks.map((t) => ({
      row: t.row !== undefined,
      key: JSON.stringify([
        t.sectionPath.join('.'), t.row ?? null,
        t.lead.map((a) => a.agencyId ?? `?${a.surface}`),
        t.cooperating.map((a) => a.agencyId ?? `?${a.surface}`),
        t.deadline.due ?? t.deadline.kind,
      ]),
    }));
  };
  const [scanned, digital] = [await records(scannedPdf), await records(digitalPdf)];
  const agree = (s: string[], d: string[]): Agreement => {
    const left = new Map<string, number>();
    for (const k of d) left.set(k, (left.get(k) ?? 0) + 1);
    let matched = 0;
    for (const k of s) {
      const n = left.get(k) ?? 0;
      if (n > 0) { matched++; left.set(k, n - 1); }
    }
    return { scanned: s.length, digital: d.length, matched, precision: s.length ? matched / s.length : 0, recall: d.length ? matched / d.length : 0 };
  };
  const keys = (rs: typeof scanned, rowsOnly: boolean) => rs.filter((r) => !rowsOnly || r.row).map((r) => r.key);
  return { tableRows: agree(keys(scanned, true), keys(digital, true)), allTasks: agree(keys(scanned, false), keys(digital, false)) };
}
