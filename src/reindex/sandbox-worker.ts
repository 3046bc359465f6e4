/**
 * The reading thread of src/reindex/sandbox.ts: reads and extracts the files it is sent, one at
 * a time, with the real stages, and posts the records back. Its heap is bounded by the parent.
 */
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import pino from 'pino';
import type { AgencyRegistry } from '../extract/agencies.js';
import { extractFile } from './pipeline.js';
import type { FromSandbox, ToSandbox } from './sandbox.js';
import { defaultStages } from './stages.js';

const port = parentPort!;
const logger = pino(
  { level: (workerData as { level?: string })?.level ?? 'info', base: undefined },
  { write: (line: string) => port.postMessage({ type: 'log', line } satisfies FromSandbox) },
);
const stages = defaultStages();
const registries = new Map<string, AgencyRegistry>();

port.on('message', (message: ToSandbox) => {
  if (message.type !== 'read') return;
  void (async () => {
    const { id, task } = message;
    try {
      const key = task.registryFile ?? '';
      let registry = registries.get(key);
      if (!registry) registries.set(key, (registry = stages.loadRegistry(task.registryFile)));
      const bytes = readFileSync(task.input.abs);
      const output = await extractFile(task.input, bytes, task.hash, stages, registry, {
        logger,
        ...(task.ocr ? { ocr: task.ocr } : {}),
        ...(task.limits ? { limits: task.limits } : {}),
      });
      port.postMessage({ type: 'result', id, output } satisfies FromSandbox);
    } catch (err) {
      port.postMessage({ type: 'failed', id, message: err instanceof Error ? err.message : String(err) } satisfies FromSandbox);
    }
  })();
});
port.postMessage({ type: 'ready' } satisfies FromSandbox);
