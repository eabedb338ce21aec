// Search as the UI uses it: a typed query, a dropped image or "more like this" in, ranked scenes out. The ML
// worker turns the query or the image into vectors (when a visual / face / meaning model is there); the DB worker does the
// retrieval (db/search.ts). A missing model never fails a search: it only removes its signal, and the result
// names the task left out (the UI says so in plain words, with a way to get the model).
import type { SearchRepo } from '../db/search.ts';
import type { MlClient } from '../ml/client.ts';
import type { ModelTask } from '../ml/registry.ts';
import { isModelUnavailable } from '../ml/unavailable.ts';
import { freeTerms, parseQuery, visualText, type ModelVector } from '@heimdex/shared-schema/search';
import { mergeServerHits } from '../search/merge.ts';
import type { SearchHit, SearchResult } from '../search/types.ts';
import { messageOf } from '../errors.ts';

/** A first query may have to load the text encoder (tens of MB); past this the search runs without it. */
export const VISUAL_QUERY_TIMEOUT_MS = 30_000;

export interface SearchDeps {
  db: Pick<SearchRepo, 'searchScenes' | 'searchByExample' | 'moreLikeThis'>;
  ml: Pick<MlClient, 'embedText' | 'embedImages' | 'photoFaces' | 'embedMeaning'>;
  /** Resolves once the database is open (searches wait for it). */
  whenOpen?: () => Promise<void>;
  /** Where pictures searched by are kept on this device (files/store.ts), so that such a search survives a reload. */
  examples?: {
    save(image: Blob): Promise<string>;
    get(id: string): Promise<Blob | null>;
  };
  /**
   * The sync server's search, asked while this device has not pulled the whole account yet (`wanted`): its hits
   * are merged in, each naming the device that holds it. Null when it cannot answer.
   */
  remote?: {
    wanted(): boolean;
    search(raw: string, vector: ModelVector | null, meaning: ModelVector | null): Promise<{ hits: SearchHit[]; notes: string[] } | null>;
  };
}

/** The server's answer is waited for this long at most; then this device's results are shown alone. */
export const SERVER_SEARCH_TIMEOUT_MS = 4_000;

export interface Search {
  /** Parses and runs a search box query (see search/parse.ts for the syntax). */
  run(raw: string): Promise<SearchResult>;
  /** Scenes that look like an image, and scenes of the people whose faces are in it. */
  byImage(file: Blob): Promise<SearchResult>;
  /** Scenes like one scene of the library (its picture, or its faces when it has no picture embedding). */
  moreLikeThis(sceneId: string): Promise<SearchResult>;
  /** Keeps a picture searched by on this device; its id goes in the page's URL. Null when it cannot be kept here. */
  keepExample(image: Blob): Promise<string | null>;
  /** A kept picture, or null when this device no longer has it. */
  keptExample(id: string): Promise<Blob | null>;
}


function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** A model failure other than its absence: the search ran without that signal this time. */
function signalFailed(what: string, error: unknown): string {
  return `${what} did not work this time: ${messageOf(error)}`;
}

/** What a search learnt along the way: notes to show, and the tasks whose model could not take part. */
interface Findings {
  notes: string[];
  unavailable: ModelTask[];
}

const noFindings = (): Findings => ({ notes: [], unavailable: [] });

/** Records a model failure: an absent (or unloadable) model is a task left out, anything else a note. */
function modelFailed(findings: Findings, task: ModelTask, what: string, error: unknown): void {
  if (isModelUnavailable(error)) findings.unavailable.push(task);
  else findings.notes.push(signalFailed(what, error));
}

export function createSearch({ db, ml, whenOpen = () => Promise.resolve(), remote, examples }: SearchDeps): Search {
  const finish = (result: SearchResult, started: number, findings: Findings = noFindings()): SearchResult => ({
    ...result,
    notes: [...result.notes, ...findings.notes],
    unavailable: [...(result.unavailable ?? []), ...findings.unavailable],
    tookMs: performance.now() - started,
  });

  /** The query's embedding by one model; null (and the task noted) when that model cannot take part. */
  async function queryVector(
    embed: (texts: string[]) => Promise<{ modelId: string; vectors: ArrayLike<number>[] }>,
    task: 'visual' | 'meaning',
    what: string,
    text: string,
    findings: Findings,
  ): Promise<ModelVector | null> {
    try {
      const { modelId, vectors } = await withTimeout(
        embed([text]),
        VISUAL_QUERY_TIMEOUT_MS,
        `the ${task} model took more than ${VISUAL_QUERY_TIMEOUT_MS / 1000} s to answer.`,
      );
      const vector = vectors[0];
      return vector ? { modelId, vector: Array.from(vector) } : null;
    } catch (error) {
      modelFailed(findings, task, what, error);
      return null;
    }
  }
  const textVector = (text: string, findings: Findings) => queryVector((t) => ml.embedText(t), 'visual', 'Visual search', text, findings);
  const meaningVector = (text: string, findings: Findings) => queryVector((t) => ml.embedMeaning(t), 'meaning', 'Searching by meaning', text, findings);

  return {
    async run(raw) {
      const started = performance.now();
      const query = parseQuery(raw);
      const findings = noFindings();
      const hasTerms = freeTerms(query).length > 0;
      const textVectorPromise = hasTerms ? textVector(visualText(query), findings) : Promise.resolve(null);
      // The ML worker answers one call at a time: the two embeddings queue there, not here.
      const meaningPromise = hasTerms ? meaningVector(visualText(query), findings) : Promise.resolve(null);
      const [vector, meaning] = await Promise.all([textVectorPromise, meaningPromise, whenOpen()]);
      const fromServer = remote?.wanted()
        ? withTimeout(remote.search(raw, vector, meaning), SERVER_SEARCH_TIMEOUT_MS, 'the server took too long').catch(() => null)
        : Promise.resolve(null);
      const local = await db.searchScenes({ query, textVector: vector, meaningVector: meaning });
      return finish(mergeServerHits(local, await fromServer), started, findings);
    },

    async byImage(file) {
      const started = performance.now();
      const bytes = new Uint8Array(await file.arrayBuffer());
      const findings = noFindings();
      const failures: string[] = [];
      let imageVector: ModelVector | null = null;
      let faces: ModelVector[] = [];
      // One at a time: the ML worker's models share the CPU.
      try {
        const { modelId, vectors } = await ml.embedImages([bytes]);
        if (vectors[0]) imageVector = { modelId, vector: Array.from(vectors[0]) };
      } catch (error) {
        modelFailed(findings, 'visual', 'Searching by how the image looks', error);
        if (!isModelUnavailable(error)) failures.push(messageOf(error));
      }
      try {
        const found = await ml.photoFaces(bytes);
        faces = found.faces.map((f) => ({ modelId: found.modelId, vector: Array.from(f.descriptor) }));
        if (faces.length === 0) findings.notes.push('No face was found in the image.');
      } catch (error) {
        modelFailed(findings, 'faces', 'Searching by faces', error);
        if (!isModelUnavailable(error)) failures.push(messageOf(error));
      }
      // Both models failed on it (not merely absent): the image itself is the problem, e.g. not a picture.
      if (failures.length === 2) throw new Error(`The image could not be used for a search: ${failures[0]}`);
      if (!imageVector && faces.length === 0) return finish({ hits: [], notes: [], tookMs: 0 }, started, findings);
      await whenOpen();
      return finish(await db.searchByExample({ imageVector, faces }), started, findings);
    },

    async moreLikeThis(sceneId) {
      const started = performance.now();
      await whenOpen();
      return finish(await db.moreLikeThis(sceneId), started);
    },

    async keepExample(image) {
      if (!examples) return null;
      // Not keeping it only costs the search after a reload: this search goes on with the picture in memory.
      return examples.save(image).catch((error: unknown) => {
        console.warn('The picture searched by could not be kept for a reload:', error);
        return null;
      });
    },

    async keptExample(id) {
      return examples ? examples.get(id) : null;
    },
  };
}
