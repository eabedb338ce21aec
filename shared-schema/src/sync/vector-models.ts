// Which models made the scene vectors in a batch of changes: each side builds one nearest-neighbour index per kind
// of vector, model and size, and must know of a model before its first search — the app when it pulls another
// device's vectors, the server when a device pushes them.
import type { SyncChange } from '../protocol/sync.ts';
import { decodeVector } from './vectors.ts';

/** Which of a scene's vectors: its picture's (visual search) or its words' (search by meaning). */
export type VectorKind = 'image' | 'text';

export interface VectorModel {
  kind: VectorKind;
  modelId: string;
  dim: number;
}

/** The distinct models (of either kind, with their sizes) of the scene vectors in `changes`. */
export function vectorModelsIn(changes: readonly SyncChange[]): VectorModel[] {
  const found = new Map<string, VectorModel>();
  for (const change of changes) {
    if (change.type !== 'scene' || !change.row) continue;
    for (const [kind, wire] of [['image', change.row.imageVec], ['text', change.row.textVec]] as const) {
      if (!wire) continue;
      const model = { kind, modelId: wire.model, dim: decodeVector(wire.data).length };
      found.set(`${kind}\u0000${model.modelId}\u0000${model.dim}`, model);
    }
  }
  return [...found.values()];
}
