// @vitest-environment node
// Search by meaning end to end in Node: a real in-memory PGlite behind the search repository and the real sentence
// encoder (transformers.js + ONNX Runtime) on the tiny BERT-shaped model of ml/meaning/testing, in which "sales rose"
// means exactly what "revenue grew" means (TINY_SYNONYMS) while sharing none of its words.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_USER_ID } from '../db/api.ts';
import { ensureTextVectorIndex } from '../db/meaning.ts';
import { makeSearchRepo } from '../db/search.ts';
import { openTestDatabase } from '../db/testing.ts';
import { configureTransformers } from '../ml/asr/transformers-runtime.ts';
import { onnxRuntimeNodeProblem } from '../ml/asr/testing/model-files.ts';
import type { MlClient } from '../ml/client.ts';
import { loadMeaningEncoder, type MeaningEncoder } from '../ml/meaning/encoder.ts';
import { writeTinyMeaningModel } from '../ml/meaning/testing/tiny-model.ts';
import { MODEL_UNAVAILABLE } from '../ml/unavailable.ts';
import { createSearch } from './search.ts';

const runtimeProblem = onnxRuntimeNodeProblem();
if (runtimeProblem) console.warn(`\n⚠️  [search by meaning] SKIPPED: onnxruntime-node cannot load here (${runtimeProblem}).\n`);

const REPO = 'Xenova/paraphrase-multilingual-MiniLM-L12-v2';
const MODEL = 'paraphrase-multilingual-minilm';

function unavailable(message: string): Error {
  const error = new Error(message);
  error.name = MODEL_UNAVAILABLE;
  return error;
}

describe.skipIf(runtimeProblem !== null)('search by meaning with a real (tiny) sentence encoder', () => {
  let root: string;
  let encoder: MeaningEncoder;
  let pg: PGlite;
  let ml: Pick<MlClient, 'embedText' | 'embedImages' | 'photoFaces' | 'embedMeaning'>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'heimdex-search-meaning-'));
    writeTinyMeaningModel(root, REPO, 384);
    configureTransformers({ localModelPath: root });
    encoder = await loadMeaningEncoder({ modelId: REPO, device: 'cpu' });
    ml = {
      embedText: () => Promise.reject(unavailable('The visual model is not on this device yet.')),
      embedImages: () => Promise.reject(unavailable('The visual model is not on this device yet.')),
      photoFaces: () => Promise.reject(unavailable('The face model is not on this device yet.')),
      embedMeaning: async (texts) => ({ modelId: MODEL, vectors: await encoder.embed(texts) }),
    };
    pg = await openTestDatabase();
    const { rows } = await pg.query<{ video_id: string }>(
      `insert into videos (user_id, title, file_name, size_bytes, content_sha256, state) values ($1, 'Earnings', 'earnings.mp4', 1, 'm', 'INDEXED') returning video_id`,
      [LOCAL_USER_ID],
    );
    // Each scene's vector as TEXT_INDEX would store it; "other model" holds the same text embedded by another model.
    const scenes = [
      { key: 'revenue', text: 'revenue grew', model: MODEL },
      { key: 'cat', text: 'the cat sat', model: MODEL },
      { key: 'other model', text: 'revenue grew', model: 'another-meaning-model' },
    ];
    for (const [idx, scene] of scenes.entries()) {
      const [vector] = await encoder.embed([scene.text]);
      const inserted = await pg.query<{ scene_id: string }>(
        `insert into scenes (video_id, user_id, idx, start_s, end_s, transcript, text_vec, text_model)
         values ($1, $2, $3, $3 * 5, $3 * 5 + 5, $4, $5::vector, $6) returning scene_id`,
        [rows[0]!.video_id, LOCAL_USER_ID, idx, scene.text, `[${Array.from(vector!).join(',')}]`, scene.model],
      );
      ids[scene.key] = inserted.rows[0]!.scene_id;
    }
    await ensureTextVectorIndex(drizzle(pg), MODEL, 384);
  }, 120_000);
  afterAll(async () => {
    await encoder?.dispose();
    await pg?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('finds a scene that says the same in other words, confidently, as "said something like this"', async () => {
    const search = createSearch({ db: makeSearchRepo(pg, LOCAL_USER_ID), ml });
    const result = await search.run('sales rose');
    expect(result.unavailable).toEqual(['visual']);
    expect(result.hits[0]!.sceneId).toBe(ids.revenue);
    expect(result.hits[0]!.reasons).toEqual(['meaning']);
    expect(result.hits[0]!.confident).toBe(true);
    // The same text embedded by another model is never compared; a scene about something else is at most a weaker match.
    expect(result.hits.map((h) => h.sceneId)).not.toContain(ids['other model']);
    for (const hit of result.hits.slice(1)) expect(hit.confident).toBe(false);
  });

  it('adds its reason beside the words that matched, and the query’s filters hold for it too', async () => {
    const search = createSearch({ db: makeSearchRepo(pg, LOCAL_USER_ID), ml });
    const both = await search.run('revenue grew');
    const hit = both.hits.find((h) => h.sceneId === ids.revenue)!;
    expect(hit.reasons).toEqual(['speech', 'meaning']);
    expect(both.hits[0]!.sceneId).toBe(ids.revenue);
    expect((await search.run('sales rose person:nobody')).hits).toEqual([]);
    expect((await search.run('sales rose video:holiday')).hits).toEqual([]);
  });

  it('asks for no embedding when the query has only filters', async () => {
    let asked = 0;
    const search = createSearch({ db: makeSearchRepo(pg, LOCAL_USER_ID), ml: { ...ml, embedMeaning: (t) => (asked++, ml.embedMeaning(t)) } });
    const result = await search.run('video:earnings');
    expect(asked).toBe(0);
    expect(result.hits.length).toBeGreaterThan(0);
    expect(result.hits.every((h) => !h.reasons.includes('meaning'))).toBe(true);
  });
});
