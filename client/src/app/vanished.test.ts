import { describe, expect, it } from 'vitest';
import { vanishedHere } from './vanished.ts';

describe('vanishedHere', () => {
  it('names this device’s videos that are gone, never another device’s', () => {
    const before = [
      { videoId: 'kept', deviceId: null },
      { videoId: 'deleted-elsewhere', deviceId: null },
      { videoId: 'theirs-gone', deviceId: 'd2' },
    ];
    expect(vanishedHere(before, [{ videoId: 'kept' }])).toEqual(['deleted-elsewhere']);
    expect(vanishedHere(before, before)).toEqual([]);
  });
});
