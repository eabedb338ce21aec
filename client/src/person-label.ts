// How a person is named in words, for every layer: the pages, and the messages of the DB worker.
import type { faceProfiles } from '@heimdex/shared-schema';

/** "Alice", or "Person 3" while unnamed. */
export function personLabel(person: Pick<typeof faceProfiles.$inferSelect, 'name' | 'number'>): string {
  return person.name ?? `Person ${person.number}`;
}
