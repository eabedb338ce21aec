// Server-side search, as the app searches (client/src/db/search.ts): the same parser, statements, fusion and hit
// building from @heimdex/shared-schema/search, over the signed-in user's synced rows.
import type { SearchRequest, SearchResponse, ServerSearchHit } from '@heimdex/shared-schema/protocol';
import {
  browseQuery,
  columnQuery,
  DEFAULT_LIMIT,
  describeHits,
  freeTerms,
  fullTextAndTypos,
  fuseRanks,
  gluedQuery,
  gluedRuns,
  isEmptyQuery,
  MEANING_FLOOR,
  meaningThreshold,
  namedPersonList,
  parseQuery,
  typedName,
  VISUAL_EXAMPLE_THRESHOLD,
  visualTextThreshold,
  wordsToStem,
  type Terms,
} from '@heimdex/shared-schema/search';
import { decodeVector } from '@heimdex/shared-schema/sync';
import type { Candidate, SearchRepo } from './repository.ts';

export async function search(repo: SearchRepo, userId: string, request: SearchRequest): Promise<SearchResponse> {
  const started = performance.now();
  const q = parseQuery(request.query);
  const limit = request.limit ?? DEFAULT_LIMIT;
  const notes = [...q.warnings];
  const done = (hits: ServerSearchHit[]): SearchResponse => ({ hits, notes, query: q, tookMs: Math.round(performance.now() - started) });
  // The vector is the text embedding of the query's words, or an example picture's when it has none.
  if (isEmptyQuery(q) && !request.vector) return done([]);
  const free = freeTerms(q);
  const { typos, alike, where, wordLists } = await fullTextAndTypos(userId, q, repo.rows, (terms) => repo.corrections(userId, terms));

  const lists: Candidate[][] = [];
  lists.push(...wordLists.map((list) => list.map((id) => ({ id }))));
  const runs = gluedRuns(q.words, q.phrases);
  const glued = runs.map((r) => r.pattern);
  if (runs.length > 0) lists.push(await repo.ranked(gluedQuery(userId, runs, where)));
  if (q.said.length > 0) lists.push(await repo.ranked(columnQuery(q.said, typos, 'transcript', where)));
  if (q.onScreen.length > 0) lists.push(await repo.ranked(columnQuery(q.onScreen, typos, 'ocr_text', where)));
  const name = typedName(q);
  const namedList = name === null ? [] : (await namedPersonList(userId, name, where, repo.rows)).map((id) => ({ id }));
  if (namedList.length > 0) lists.push(namedList);
  const named = namedList.length > 0 ? { text: name!, scenes: new Set(namedList.map((c) => c.id)) } : null;
  const visual = new Map<string, number>();
  if (request.vector) {
    const values = decodeVector(request.vector.data);
    const list = await repo.nearest(userId, where, { kind: 'image', modelId: request.vector.model, dim: values.length }, values);
    if (list.length === 0) notes.push('No scene has a picture embedding from the same visual model yet.');
    for (const c of list) visual.set(c.id, c.value!);
    lists.push(list);
  }
  const meaning = new Map<string, number>();
  const meaningModel = free.length > 0 && request.meaningVector ? request.meaningVector.model : null;
  if (meaningModel !== null) {
    const values = decodeVector(request.meaningVector!.data);
    const model = { kind: 'text', modelId: meaningModel, dim: values.length } as const;
    const list = (await repo.nearest(userId, where, model, values)).filter((c) => c.value! >= MEANING_FLOOR);
    for (const c of list) meaning.set(c.id, c.value!);
    lists.push(list);
  }
  const filterOnly = lists.length === 0;
  if (filterOnly) lists.push(await repo.ranked(browseQuery(where)));

  const top = fuseRanks(lists.map((l) => l.map((c) => c.id))).slice(0, limit);
  const people = named ? [...q.people, named.text] : q.people;
  const terms: Terms = { free, said: q.said, onScreen: q.onScreen, people, typos, alike, glued };
  const rows = await repo.details(userId, top.map((f) => f.id), terms);
  const stemOf = await repo.stems(wordsToStem(rows, terms));
  const signals = {
    visual,
    visualThreshold: request.vector ? (free.length > 0 ? visualTextThreshold(request.vector.model) : VISUAL_EXAMPLE_THRESHOLD) : Infinity,
    faceScenes: new Map(),
    filters: q,
    named,
    filterOnly,
    meaning,
    meaningThreshold: meaningModel !== null ? meaningThreshold(meaningModel) : Infinity,
  };
  const hits = describeHits(top, new Map(rows.map((r) => [r.scene_id, r])), terms, signals, stemOf).map(({ row, hit }) => ({
    ...hit,
    thumbnailSha256: row.thumbnail_sha256,
    device: { id: row.device_id, name: row.device_name },
  }));
  return done(hits);
}
