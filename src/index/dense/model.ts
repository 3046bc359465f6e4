/**
 * Where a local embedding model lives and whether it is complete. transformers.js resolves
 * `<localModelPath>/<modelId>/<file>`; we check the same files before asking it to load, so a
 * missing model is one clear warning instead of a stack trace from deep inside the loader.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface ModelPresence {
  /** MODEL_DIR/<modelId> */
  dir: string;
  present: boolean;
  /** True when only/also onnx/model_quantized.onnx is there (transformers.js `quantized` option). */
  quantized: boolean;
  /** Files that are missing (for the warning). */
  missing: string[];
}

export function modelPresence(modelDir: string, modelId: string): ModelPresence {
  const dir = path.resolve(modelDir, modelId);
  const missing = ['config.json', 'tokenizer.json', 'tokenizer_config.json'].filter((f) => !existsSync(path.join(dir, f)));
  const hasQuantized = existsSync(path.join(dir, 'onnx', 'model_quantized.onnx'));
  const hasFull = existsSync(path.join(dir, 'onnx', 'model.onnx'));
  if (!hasQuantized && !hasFull) missing.push('onnx/model_quantized.onnx (or onnx/model.onnx)');
  // The quantized file is what the e5 exports ship as default and runs ~3× faster on CPU.
  return { dir, present: missing.length === 0, quantized: hasQuantized, missing };
}
