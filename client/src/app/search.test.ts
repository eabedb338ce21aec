// @vitest-environment node
// The search glue end to end in Node: a real in-memory PGlite behind the search repository, and as the ML side
// the real visual embedder (transformers.js + ONNX Runtime) on the tiny CLIP-shaped model of
// ml/embed/testing — the worker itself needs a browser. Missing models are the errors the ML worker throws.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_USER_ID } from '../db/api.ts';
import { makeSearchRepo } from '../db/search.ts';
import { openTestDatabase } from '../db/testing.ts';
import { configureTransformers } from '../ml/asr/transformers-runtime.ts';
import { onnxRuntimeNodeProblem } from '../ml/asr/testing/model-files.ts';
import type { MlClient } from '../ml/client.ts';
import { loadEmbedder, type Embedder } from '../ml/embed/embedder.ts';
import { writeTinyModel } from '../ml/embed/testing/tiny-models.ts';
import { MODEL_UNAVAILABLE } from '../ml/unavailable.ts';
import { createSearch } from './search.ts';

type Ml = Pick<MlClient, 'embedText' | 'embedImages' | 'photoFaces' | 'embedMeaning'>;

const runtimeProblem = onnxRuntimeNodeProblem();
if (runtimeProblem) console.warn(`\n⚠️  [search glue, visual part] SKIPPED: onnxruntime-node cannot load here (${runtimeProblem}).\n`);

const VISUAL_MODEL = 'mobileclip-s0';

/** The error the ML worker throws for a task whose model is absent (ml/worker.ts `unavailable`). */
function unavailable(message: string): Error {
  const error = new Error(message);
  error.name = MODEL_UNAVAILABLE;
  return error;
}

const noModels: Ml = {
  embedText: () => Promise.reject(unavailable('The visual model mobileclip-s0 is not installed. Run `npm run models:fetch`.')),
  embedImages: () => Promise.reject(unavailable('The visual model mobileclip-s0 is not installed.')),
  photoFaces: () => Promise.reject(unavailable('The faces model face-api is not installed.')),
  embedMeaning: () => Promise.reject(unavailable('The meaning model is not on this device yet.')),
};

let pg: PGlite;
let sceneId: string;

beforeAll(async () => {
  pg = await openTestDatabase();
  const { rows } = await pg.query<{ video_id: string }>(
    `insert into videos (user_id, title, file_name, size_bytes, content_sha256, state) values ($1, 'Dogs', 'dogs.mp4', 1, 'x', 'INDEXED') returning video_id`,
    [LOCAL_USER_ID],
  );
  const inserted = await pg.query<{ scene_id: string }>(
    `insert into scenes (video_id, user_id, idx, start_s, end_s, transcript) values ($1, $2, 0, 0, 5, 'a red dog runs on the beach') returning scene_id`,
    [rows[0]!.video_id, LOCAL_USER_ID],
  );
  sceneId = inserted.rows[0]!.scene_id;
});
afterAll(async () => {
  await pg.close();
});

describe('createSearch with the sync server', () => {
  const serverHit = { sceneId: '7b0e8f8e-5a1e-4d0c-9c3b-1f2a3b4c5d6e', videoId: 'v2', videoTitle: 'Beach', fileName: 'beach.mp4', idx: 3, startS: 9, endS: 12,
    score: 10, confident: true, reasons: ['speech' as const], filters: [], snippets: [], playFromS: 9, people: [], fromServer: { deviceName: 'Laptop', thumbnailSha256: null } };

  it('merges the server’s hits while this device has not pulled everything, and asks it nothing once it has', async () => {
    const asked: string[] = [];
    let pulledAll = false;
    const search = createSearch({
      db: makeSearchRepo(pg, LOCAL_USER_ID),
      ml: noModels,
      remote: { wanted: () => !pulledAll, search: async (raw) => (asked.push(raw), { hits: [serverHit], notes: [] }) },
    });
    const merged = await search.run('dog');
    expect(merged.hits.map((h) => [h.sceneId, h.fromServer?.deviceName ?? 'here'])).toEqual([[serverHit.sceneId, 'Laptop'], [sceneId, 'here']]);
    pulledAll = true;
    expect((await search.run('dog')).hits.map((h) => h.sceneId)).toEqual([sceneId]);
    expect(asked).toEqual(['dog']);
  });

  it('shows this device’s results alone when the server cannot answer', async () => {
    const search = createSearch({ db: makeSearchRepo(pg, LOCAL_USER_ID), ml: noModels, remote: { wanted: () => true, search: async () => null } });
    expect((await search.run('dog')).hits.map((h) => h.sceneId)).toEqual([sceneId]);
  });
});

describe('createSearch without models', () => {
  it('runs the words alone and names visual search and search by meaning as left out', async () => {
    let opened = false;
    const search = createSearch({
      db: makeSearchRepo(pg, LOCAL_USER_ID),
      ml: noModels,
      whenOpen: async () => void (opened = true),
    });
    const result = await search.run('dog after:someday');
    expect(opened).toBe(true);
    expect(result.hits.map((h) => h.sceneId)).toEqual([sceneId]);
    expect(result.hits[0]!.reasons).toEqual(['speech']);
    // The worker's message (a model id, a command) is for logs, never a note for the person.
    expect(result.notes).toEqual(['after: needs a date like 2026-01-31 ("someday" is not one); it was left out.']);
    expect(result.unavailable).toEqual(['visual', 'meaning']);
    expect(result.tookMs).toBeGreaterThan(0);
  });

  it('does not ask for a text embedding when the query has no free words', async () => {
    let asked = 0;
    const search = createSearch({
      db: makeSearchRepo(pg, LOCAL_USER_ID),
      ml: { ...noModels, embedText: (t) => (asked++, noModels.embedText(t)), embedMeaning: (t) => (asked++, noModels.embedMeaning(t)) },
    });
    const result = await search.run('said:beach');
    expect(asked).toBe(0);
    expect(result.notes).toEqual([]);
    expect(result.unavailable).toEqual([]);
    expect(result.hits).toHaveLength(1);
  });

  it('an example image with no model to read it finds nothing and says why', async () => {
    const search = createSearch({ db: makeSearchRepo(pg, LOCAL_USER_ID), ml: noModels });
    const result = await search.byImage(new Blob([new Uint8Array([1, 2, 3])]));
    expect(result.hits).toEqual([]);
    expect(result.notes).toEqual([]);
    expect(result.unavailable).toEqual(['visual', 'faces']);
  });

  it('a model that fails for another reason is a note for this search, not a task left out', async () => {
    const search = createSearch({
      db: makeSearchRepo(pg, LOCAL_USER_ID),
      ml: { ...noModels, embedText: () => Promise.reject(new Error('the visual model took more than 30 s to answer.')) },
    });
    const result = await search.run('dog');
    expect(result.hits.map((h) => h.sceneId)).toEqual([sceneId]);
    expect(result.notes).toEqual(['Visual search did not work this time: the visual model took more than 30 s to answer.']);
    expect(result.unavailable).toEqual(['meaning']);
  });

  it('an image both models fail on is an error, said plainly', async () => {
    const broken = () => Promise.reject(new Error('This image could not be decoded: bad magic number'));
    const search = createSearch({ db: makeSearchRepo(pg, LOCAL_USER_ID), ml: { ...noModels, embedImages: broken, photoFaces: broken } });
    await expect(search.byImage(new Blob(['not an image']))).rejects.toThrow(
      'The image could not be used for a search: This image could not be decoded: bad magic number',
    );
  });

  it('more like this of a scene without picture or faces says so', async () => {
    const search = createSearch({ db: makeSearchRepo(pg, LOCAL_USER_ID), ml: noModels });
    const result = await search.moreLikeThis(sceneId);
    expect(result.hits).toEqual([]);
    expect(result.notes).toEqual(['This scene has neither a picture embedding nor faces to compare with yet.']);
  });
});

describe.skipIf(runtimeProblem !== null)('createSearch with a real (tiny) visual model', () => {
  let root: string;
  let embedder: Embedder;
  let ml: Ml;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'heimdex-search-tiny-'));
    writeTinyModel(root, 'Xenova/mobileclip_s0', 'clip', 512);
    configureTransformers({ localModelPath: root });
    embedder = await loadEmbedder({ modelId: 'Xenova/mobileclip_s0', device: 'cpu' });
    ml = { ...noModels, embedText: async (texts) => ({ modelId: VISUAL_MODEL, vectors: await embedder.embedText(texts) }) };
    // The scene's picture vector: the text encoder's own vector for "red dog" stands in for a keyframe that
    // matches it (the tiny towers share no space), and a second scene that looks like nothing of the sort.
    const [dog, car] = await embedder.embedText(['red dog', 'blue car']);
    await pg.query('update scenes set image_vec = $2::vector, image_model = $3 where scene_id = $1', [sceneId, `[${Array.from(dog!).join(',')}]`, VISUAL_MODEL]);
    await pg.query(
      `insert into scenes (video_id, user_id, idx, start_s, end_s, image_vec, image_model)
       select video_id, user_id, 1, 5, 9, $2::vector, $3 from scenes where scene_id = $1`,
      [sceneId, `[${Array.from(car!).join(',')}]`, VISUAL_MODEL],
    );
  }, 120_000);
  afterAll(async () => {
    await embedder?.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it('embeds the free words and adds the visual signal', async () => {
    const search = createSearch({ db: makeSearchRepo(pg, LOCAL_USER_ID), ml });
    const result = await search.run('red dog person:nobody');
    expect(result.hits).toEqual([]); // the person filter holds for every signal
    const open = await search.run('red dog');
    expect(open.notes).toEqual([]);
    expect(open.unavailable).toEqual(['meaning']);
    expect(open.hits[0]!.sceneId).toBe(sceneId);
    expect(open.hits[0]!.reasons).toEqual(['speech', 'visual']);
    expect(open.hits[0]!.confident).toBe(true);
    const other = open.hits.find((h) => h.sceneId !== sceneId)!;
    expect(other.reasons).toEqual(['visual']);
    expect(other.score).toBeLessThan(open.hits[0]!.score);
  });

  it('more like this compares the scene\'s picture with the others of its model', async () => {
    const search = createSearch({ db: makeSearchRepo(pg, LOCAL_USER_ID), ml });
    const result = await search.moreLikeThis(sceneId);
    expect(result.hits).toHaveLength(1);
    expect(result.hits[0]!.sceneId).not.toBe(sceneId);
    expect(result.hits[0]!.reasons).toEqual(['visual']);
  });
});
