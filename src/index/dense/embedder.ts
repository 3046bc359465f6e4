/**
 * Sentence embeddings with transformers.js (ONNX runtime, CPU), mean pooling + L2 normalisation,
 * with the e5 prefixes ("query: " / "passage: ") the multilingual-e5 family was trained with.
 *
 * Nothing is downloaded here unless the caller explicitly allows remote models; a missing model is
 * reported once per process and model, and the caller runs lexical-only.
 */
import type { Logger } from 'pino';
import { modelPresence } from './model.js';

/** Options for `Embedder.load`. */
export interface EmbedderOptions {
  /** MODEL_DIR: one folder per model id. */
  modelDir: string;
  /** e.g. "Xenova/multilingual-e5-small". */
  modelId: string;
  logger: Logger;
  /** Let transformers.js fetch missing files from the Hugging Face hub. Default: false. */
  allowRemoteModels?: boolean;
  /** Texts per forward pass. Default: 16. */
  batchSize?: number;
}

export const EMBEDDER_DEFAULTS = { batchSize: 16, allowRemoteModels: false } as const;

type FeatureExtractor = (texts: string[], options: { pooling: 'mean'; normalize: boolean }) => Promise<{ data: Float32Array; dims: number[] }>;

const warned = new Set<string>();
const loaded = new Map<string, Promise<FeatureExtractor>>();

export class Embedder {
  private constructor(
    private readonly extract: FeatureExtractor,
    readonly modelId: string,
    readonly dim: number,
    private readonly batchSize: number,
  ) {}

  /**
   * Load the model, or return undefined (after one warning) when MODEL_DIR does not hold it and
   * remote models are not allowed.
   */
  static async load(options: EmbedderOptions): Promise<Embedder | undefined> {
    const allowRemote = options.allowRemoteModels ?? EMBEDDER_DEFAULTS.allowRemoteModels;
    const presence = modelPresence(options.modelDir, options.modelId);
    if (!presence.present && !allowRemote) {
      const key = presence.dir;
      if (!warned.has(key)) {
        warned.add(key);
        options.logger.warn(
          { code: 'MODEL_MISSING', modelDir: options.modelDir, model: options.modelId, missing: presence.missing },
          `no embedding model in MODEL_DIR (${presence.dir}): running lexical-only; run npm run fetch-model`,
        );
      }
      return undefined;
    }
    const key = `${presence.dir}|${presence.quantized}`;
    let extractor = loaded.get(key);
    if (!extractor) {
      extractor = createExtractor(options.modelDir, options.modelId, presence.present ? presence.quantized : true, allowRemote);
      loaded.set(key, extractor);
      extractor.catch(() => loaded.delete(key));
    }
    const extract = await extractor;
    const probe = await extract(['passage: .'], { pooling: 'mean', normalize: true });
    const dim = probe.dims[probe.dims.length - 1]!;
    return new Embedder(extract, options.modelId, dim, options.batchSize ?? EMBEDDER_DEFAULTS.batchSize);
  }

  async embedQuery(text: string): Promise<Float32Array> {
    return (await this.run([`query: ${text}`]))[0]!;
  }

  async embedPassages(texts: readonly string[], onBatch?: (done: number) => void): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.batchSize) {
      out.push(...(await this.run(texts.slice(i, i + this.batchSize).map((t) => `passage: ${t}`))));
      onBatch?.(out.length);
    }
    return out;
  }

  private async run(texts: string[]): Promise<Float32Array[]> {
    const result = await this.extract(texts, { pooling: 'mean', normalize: true });
    const dim = result.dims[result.dims.length - 1]!;
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i++) out.push(result.data.slice(i * dim, (i + 1) * dim));
    return out;
  }
}

async function createExtractor(modelDir: string, modelId: string, quantized: boolean, allowRemote: boolean): Promise<FeatureExtractor> {
  const { env, pipeline } = await import('@xenova/transformers');
  // transformers.js keeps its settings in one global object: set them right before each load.
  env.localModelPath = modelDir.endsWith('/') ? modelDir : `${modelDir}/`;
  env.allowLocalModels = true;
  env.allowRemoteModels = allowRemote;
  env.useFSCache = allowRemote;
  if (allowRemote) env.cacheDir = modelDir;
  const pipe = await pipeline('feature-extraction', modelId, { quantized });
  return pipe as unknown as FeatureExtractor;
}
