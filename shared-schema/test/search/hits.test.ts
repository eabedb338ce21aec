// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { personNamed } from '../../src/search/hits.ts';

describe('personNamed', () => {
  it('matches a whole name or whole words of it, case-insensitively, as the person: filter does in SQL', () => {
    expect(personNamed('Ada Lovelace', 'ada lovelace')).toBe(true);
    expect(personNamed('Ada Lovelace', 'Lovelace')).toBe(true);
    expect(personNamed('Ada  Lovelace', ' ADA ')).toBe(true);
    expect(personNamed('Ada Lovelace', 'Love')).toBe(false);
    expect(personNamed('Person 2', 'person 2')).toBe(true);
    expect(personNamed('Person 12', 'person 2')).toBe(false);
    expect(personNamed('Ada', '')).toBe(false);
  });
});
