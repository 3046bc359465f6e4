/**
 * Approximate nearest neighbours over chunk embeddings (hnswlib, cosine). Labels are positions
 * in `ids`, persisted beside the graph as vectors.ids.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import hnswlib from 'hnswlib-node';

const { HierarchicalNSW } = hnswlib;
type Hnsw = InstanceType<typeof HierarchicalNSW>;

export const VECTOR_FILES = { graph: 'vectors.hnsw', ids: 'vectors.ids.json' } as const;

/** Build-time knobs; the defaults are hnswlib's recommended ones for a few thousand points. */
export const VECTOR_DEFAULTS = { m: 16, efConstruction: 200, efSearch: 64, seed: 42 } as const;

export interface VectorHit {
  id: string;
  /** Cosine similarity (1 = same direction). */
  similarity: number;
}

export class VectorIndex {
  private readonly labelOf = new Map<string, number>();

  private constructor(
    private readonly hnsw: Hnsw,
    readonly ids: readonly string[],
    readonly dim: number,
  ) {
    ids.forEach((id, label) => this.labelOf.set(id, label));
    hnsw.setEf(Math.max(VECTOR_DEFAULTS.efSearch, 1));
  }

  static build(dim: number, entries: ReadonlyArray<{ id: string; vector: ArrayLike<number> }>): VectorIndex {
    const hnsw = new HierarchicalNSW('cosine', dim);
    hnsw.initIndex({ maxElements: Math.max(entries.length, 1), m: VECTOR_DEFAULTS.m, efConstruction: VECTOR_DEFAULTS.efConstruction, randomSeed: VECTOR_DEFAULTS.seed });
    entries.forEach((e, label) => hnsw.addPoint(Array.from(e.vector), label));
    return new VectorIndex(hnsw, entries.map((e) => e.id), dim);
  }

  static read(dir: string, dim: number): VectorIndex {
    const ids = JSON.parse(readFileSync(path.join(dir, VECTOR_FILES.ids), 'utf8')) as string[];
    const hnsw = new HierarchicalNSW('cosine', dim);
    hnsw.readIndexSync(path.join(dir, VECTOR_FILES.graph));
    return new VectorIndex(hnsw, ids, dim);
  }

  write(dir: string): void {
    this.hnsw.writeIndexSync(path.join(dir, VECTOR_FILES.graph));
    writeFileSync(path.join(dir, VECTOR_FILES.ids), JSON.stringify(this.ids));
  }

  get size(): number {
    return this.ids.length;
  }

  /** The stored (normalised) vector of a chunk, for reuse by an incremental reindex. */
  vector(id: string): number[] | undefined {
    const label = this.labelOf.get(id);
    return label === undefined ? undefined : this.hnsw.getPoint(label);
  }

  search(query: ArrayLike<number>, k: number, accept?: (id: string) => boolean): VectorHit[] {
    const n = Math.min(k, this.ids.length);
    if (n === 0) return [];
    const filter = accept ? (label: number) => accept(this.ids[label]!) : undefined;
    const { neighbors, distances } = this.hnsw.searchKnn(Array.from(query), n, filter);
    return neighbors.map((label, i) => ({ id: this.ids[label]!, similarity: 1 - distances[i]! }));
  }
}
