// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { STORAGE_FULL_MESSAGE } from '../storage-full.ts';
import { unrecordedFailures } from './unrecorded-failures.ts';

afterEach(() => localStorage.clear());

const failure = { videoId: 'v1', stage: 'THUMBNAILS', reason: STORAGE_FULL_MESSAGE, details: null, retryable: true, claimed: true } as const;

describe('unrecorded failures kept for the next start', () => {
  it('keeps what it is given until it is given none', () => {
    expect(unrecordedFailures.load()).toEqual([]);
    unrecordedFailures.save([failure, { ...failure, videoId: 'v2', stage: 'OCR', details: 'why' }]);
    expect(unrecordedFailures.load()).toEqual([failure, { ...failure, videoId: 'v2', stage: 'OCR', details: 'why' }]);
    unrecordedFailures.save([]);
    expect(unrecordedFailures.load()).toEqual([]);
    expect(localStorage.length).toBe(0);
  });

  it('ignores a note it cannot read', () => {
    localStorage.setItem('heimdex-unrecorded-failures', 'not json');
    expect(unrecordedFailures.load()).toEqual([]);
    localStorage.setItem('heimdex-unrecorded-failures', JSON.stringify([{ videoId: 1 }, failure, { ...failure, retryable: 'yes' }, { ...failure, claimed: undefined }]));
    expect(unrecordedFailures.load()).toEqual([failure]);
    localStorage.setItem('heimdex-unrecorded-failures', '{}');
    expect(unrecordedFailures.load()).toEqual([]);
  });
});
