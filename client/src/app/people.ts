// People as the pages use them: the DB worker's people repository (db/people.ts), once the database is open.
// The pages take the people types from here, not from the DB worker's modules.
import type { DbClient } from '../db/client.ts';
import type { MergeResult, MergeSuggestion } from '../db/people.ts';

export type { MergeResult, MergeSuggestion, PersonDetail, PersonFace, PersonSummary } from '../db/people.ts';

export function createPeople(db: DbClient, whenOpen: () => Promise<void>) {
  return {
    list: () => whenOpen().then(() => db.listPeople()),
    /** People who may be one person split in two ("Is this Alex Morgan?"). */
    suggestMerges: () => whenOpen().then(() => db.suggestMerges() as Promise<MergeSuggestion[]>),
    get: (personId: string) => whenOpen().then(() => db.getPerson(personId)),
    rename: (personId: string, name: string) => whenOpen().then(() => db.renamePerson(personId, name)),
    // comlink's Remote spreads a union result into a union of promises: give the type back.
    merge: (fromId: string, intoId: string) => whenOpen().then(() => db.mergePeople(fromId, intoId) as Promise<MergeResult>),
    /** `toPersonId` null: the face becomes a new person. Resolves to the person the face is now in. */
    moveFace: (faceId: string, toPersonId: string | null) => whenOpen().then(() => db.moveFace(faceId, toPersonId)),
    setHidden: (personId: string, hidden: boolean) => whenOpen().then(() => db.setPersonHidden(personId, hidden)),
    setNeverMerge: (personId: string, otherId: string, marked: boolean) =>
      whenOpen().then(() => db.setNeverMerge(personId, otherId, marked)),
  };
}
