/**
 * npm run fetch-model
 *
 * Downloads EMBEDDING_MODEL (default Xenova/multilingual-e5-small, quantized ONNX) into
 * MODEL_DIR/<model id>/ with transformers.js, so the server can run dense search offline.
 * Only when ALLOW_REMOTE_MODELS=true; otherwise it says how to enable that or copy a model in.
 * Exit codes: 0 model present, 1 download failed or not allowed, 2 configuration error.
 */
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config.js';
import { modelPresence } from '../src/index/dense/model.js';
import { exitWhenFlushed } from './exit.js';

const TIMEOUT_MS = 10 * 60_000;

async function main(): Promise<number> {
  const config = loadConfig();
  const modelDir = path.resolve(config.MODEL_DIR);
  const id = config.EMBEDDING_MODEL;
  const before = modelPresence(modelDir, id);
  if (before.present) {
    process.stdout.write(`Mô hình ${id} đã có trong ${before.dir}.\n`);
    return 0;
  }
  if (!config.ALLOW_REMOTE_MODELS) {
    process.stderr.write(
      [
        `Chưa có mô hình ${id} trong ${before.dir} (thiếu: ${before.missing.join(', ')}).`,
        `Để tải về: ALLOW_REMOTE_MODELS=true npm run fetch-model (cần Internet tới huggingface.co).`,
        `Máy không có Internet: chép thư mục ${id}/ (config.json, tokenizer.json, tokenizer_config.json, onnx/model_quantized.onnx) từ máy khác vào ${modelDir}/.`,
        '',
      ].join('\n'),
    );
    return 1;
  }

  const { env, pipeline } = await import('@xenova/transformers');
  env.allowRemoteModels = true;
  env.allowLocalModels = true;
  env.localModelPath = `${modelDir}/`;
  // The file cache writes <cacheDir>/<model id>/<file>: exactly the MODEL_DIR layout the server reads.
  env.cacheDir = `${modelDir}/`;
  env.useFSCache = true;
  process.stdout.write(`Đang tải ${id} vào ${modelDir} …\n`);
  // transformers.js reports every missing local file on console.warn before downloading; keep the output to our lines.
  const warn = console.warn;
  console.warn = () => {};
  try {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      pipeline('feature-extraction', id, { quantized: true }),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer after ${TIMEOUT_MS / 60_000} minutes`)), TIMEOUT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
  } catch (err) {
    const reason = (err instanceof Error ? (err.cause instanceof Error ? `${err.message} (${err.cause.message})` : err.message) : String(err)).split('\n')[0];
    process.stderr.write(`Không tải được mô hình ${id}: ${reason}\n`);
    return 1;
  } finally {
    console.warn = warn;
  }
  const after = modelPresence(modelDir, id);
  if (!after.present) {
    process.stderr.write(`Không tải được mô hình ${id}: thiếu ${after.missing.join(', ')} trong ${after.dir}\n`);
    return 1;
  }
  process.stdout.write(`Đã tải ${id} vào ${after.dir}. Chạy npm run reindex để tạo vector.\n`);
  return 0;
}

main().then(
  (code) => exitWhenFlushed(code),
  (err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      exitWhenFlushed(2);
    }
    process.stderr.write(`fetch-model failed: ${err instanceof Error ? err.message : String(err)}\n`);
    exitWhenFlushed(1);
  },
);
