import { describe, expect, it } from 'vitest';
import { personLabel } from './person-label.ts';

describe('personLabel', () => {
  it('is the name the user gave, else "Person N"', () => {
    expect(personLabel({ name: 'Ada', number: 3 })).toBe('Ada');
    expect(personLabel({ name: null, number: 3 })).toBe('Person 3');
  });
});
