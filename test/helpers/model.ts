/**
 * Generates a tiny, valid embedding model that transformers.js 2.x loads from a local folder:
 *
 *   <dir>/<id>/config.json               model_type "bert" → BertModel (encoder-only feature extraction)
 *   <dir>/<id>/tokenizer.json            WordPiece over Vietnamese syllables (with and without diacritics)
 *   <dir>/<id>/tokenizer_config.json     BertTokenizer, [CLS]/[SEP]/[PAD]/[UNK]
 *   <dir>/<id>/onnx/model.onnx           input_ids, attention_mask, token_type_ids (int64 [batch, seq])
 *   <dir>/<id>/onnx/model_quantized.onnx   → last_hidden_state float [batch, seq, dim]
 *
 * The graph is Gather(embedding, input_ids) + Gather(zeros, token_type_ids), times the attention
 * mask. Each syllable's row is a seeded pseudo-random unit vector keyed by its folded form, so
 * "thủ tục" and "thu tuc" embed alike; words listed in one `synonyms` group share a row, which is
 * how tests build a passage only the dense side can find. Special tokens and the e5 prefix words
 * get zero rows so they do not dilute mean pooling. Written with onnx-proto; no Python.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { fold, normalize, syllables } from '../../src/text/normalize.js';

const { onnx } = onnxProto;

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const TEST_MODEL_DIR = path.join(repoRoot, 'test/fixtures/generated/model');
export const TEST_MODEL_ID = 'test/tiny-vi-e5';

/** Synonym groups baked into the test model (each group shares one embedding row). */
export const TEST_SYNONYMS: string[][] = [
  ['camera', 'quay', 'phim'],
  ['xe', 'ô', 'tô', 'o', 'to'],
];

export interface GenerateModelOptions {
  /** Folder that plays MODEL_DIR. */
  modelDir: string;
  modelId: string;
  /** Texts whose syllables make the vocabulary. */
  texts: string[];
  synonyms?: string[][];
  /** Default: 32. */
  dim?: number;
}

const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;
const ZERO_WORDS = new Set(['query', 'passage', ':']);

/** Deterministic unit vector from a string key (sha256 as the seed of a xorshift). */
function vectorFor(key: string, dim: number): Float32Array {
  const h = createHash('sha256').update(key).digest();
  let s = h.readUInt32LE(0) || 1;
  const v = new Float32Array(dim);
  let norm = 0;
  for (let i = 0; i < dim; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    v[i] = (s / 0xffffffff) * 2 - 1;
    norm += v[i]! * v[i]!;
  }
  const n = Math.sqrt(norm);
  for (let i = 0; i < dim; i++) v[i] = v[i]! / n;
  return v;
}

export function buildVocabulary(texts: string[]): string[] {
  const words = new Set<string>();
  for (const text of texts) {
    for (const s of syllables(normalize(text))) {
      words.add(s);
      words.add(fold(s));
    }
  }
  return [...SPECIAL, ...ZERO_WORDS, ...[...words].filter((w) => !ZERO_WORDS.has(w)).sort()];
}

function tensor(name: string, dims: number[], dataType: number, raw: Uint8Array) {
  return onnx.TensorProto.create({ name, dims, dataType, rawData: raw });
}

function valueInfo(name: string, elemType: number, shape: Array<string | number>) {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType,
        shape: onnx.TensorShapeProto.create({
          dim: shape.map((d) => (typeof d === 'number' ? onnx.TensorShapeProto.Dimension.create({ dimValue: d }) : onnx.TensorShapeProto.Dimension.create({ dimParam: d }))),
        }),
      }),
    }),
  });
}

export function buildOnnxModel(embedding: Float32Array, vocabSize: number, dim: number): Uint8Array {
  const F = onnx.TensorProto.DataType.FLOAT;
  const I64 = onnx.TensorProto.DataType.INT64;
  const node = (opType: string, input: string[], output: string[], attribute: ReturnType<typeof onnx.AttributeProto.create>[] = []) =>
    onnx.NodeProto.create({ opType, input, output, attribute, name: output[0] });
  const graph = onnx.GraphProto.create({
    name: 'tiny_vi_e5',
    initializer: [
      tensor('embedding', [vocabSize, dim], F, new Uint8Array(embedding.buffer, embedding.byteOffset, embedding.byteLength)),
      tensor('type_embedding', [2, dim], F, new Uint8Array(new Float32Array(2 * dim).buffer)),
      tensor('axes', [1], I64, new Uint8Array(new BigInt64Array([2n]).buffer)),
    ],
    node: [
      node('Gather', ['embedding', 'input_ids'], ['tok']),
      node('Gather', ['type_embedding', 'token_type_ids'], ['typ']),
      node('Add', ['tok', 'typ'], ['summed']),
      node('Cast', ['attention_mask'], ['mask_f'], [onnx.AttributeProto.create({ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: F })]),
      node('Unsqueeze', ['mask_f', 'axes'], ['mask3']),
      node('Mul', ['summed', 'mask3'], ['last_hidden_state']),
    ],
    input: [
      valueInfo('input_ids', I64, ['batch', 'sequence']),
      valueInfo('attention_mask', I64, ['batch', 'sequence']),
      valueInfo('token_type_ids', I64, ['batch', 'sequence']),
    ],
    output: [valueInfo('last_hidden_state', F, ['batch', 'sequence', dim])],
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'tro-ly-ao-test',
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 13 })],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Write the model files; returns the model folder. */
export function generateTestModel(options: GenerateModelOptions): string {
  const dim = options.dim ?? 32;
  const vocab = buildVocabulary([...options.texts, ...(options.synonyms ?? []).flat()]);
  const groupOf = new Map<string, string>();
  (options.synonyms ?? []).forEach((group, g) => group.forEach((w) => groupOf.set(fold(w), `group:${g}`)));
  const embedding = new Float32Array(vocab.length * dim);
  vocab.forEach((word, i) => {
    if ((SPECIAL as readonly string[]).includes(word) || ZERO_WORDS.has(word)) return;
    const key = groupOf.get(fold(word)) ?? `word:${fold(word)}`;
    embedding.set(vectorFor(key, dim), i * dim);
  });

  const dir = path.join(options.modelDir, options.modelId);
  mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  const bytes = buildOnnxModel(embedding, vocab.length, dim);
  writeFileSync(path.join(dir, 'onnx', 'model.onnx'), bytes);
  writeFileSync(path.join(dir, 'onnx', 'model_quantized.onnx'), bytes);
  writeFileSync(
    path.join(dir, 'config.json'),
    JSON.stringify({ model_type: 'bert', architectures: ['BertModel'], hidden_size: dim, vocab_size: vocab.length, max_position_embeddings: 512, num_hidden_layers: 0 }, null, 1),
  );
  const id = (t: string) => vocab.indexOf(t);
  writeFileSync(
    path.join(dir, 'tokenizer.json'),
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: SPECIAL.map((content) => ({ id: id(content), content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
      normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Lowercase' }] },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: { type: 'BertProcessing', sep: ['[SEP]', id('[SEP]')], cls: ['[CLS]', id('[CLS]')] },
      decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
      model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(vocab.map((w, i) => [w, i])) },
    }),
  );
  writeFileSync(
    path.join(dir, 'tokenizer_config.json'),
    JSON.stringify({ tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: 512, unk_token: '[UNK]', sep_token: '[SEP]', pad_token: '[PAD]', cls_token: '[CLS]', mask_token: '[MASK]', clean_up_tokenization_spaces: true }),
  );
  return dir;
}

/** Every .txt/.md/.json text under the test fixtures: the vocabulary source of the test model. */
export function fixtureTexts(root: string = path.join(repoRoot, 'test/fixtures')): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of entries) {
      if (name === 'generated' || name.startsWith('.')) continue;
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(txt|md|json|html)$/i.test(name) && statSync(p).size < 2_000_000) out.push(readFileSync(p, 'utf8'));
    }
  };
  walk(root);
  return out;
}

/** What global-setup calls: the shared test model under test/fixtures/generated/model. */
export function ensureTestModel(): string {
  return generateTestModel({ modelDir: TEST_MODEL_DIR, modelId: TEST_MODEL_ID, texts: fixtureTexts(), synonyms: TEST_SYNONYMS });
}
