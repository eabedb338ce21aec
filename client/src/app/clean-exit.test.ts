// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { markLeftCleanly, takeLeftCleanly } from './clean-exit.ts';

afterEach(() => localStorage.clear());

describe('clean exit note', () => {
  it('gives back the stage a page left, once', () => {
    expect(takeLeftCleanly()).toBeNull();
    markLeftCleanly(null); // nothing running: nothing noted
    expect(takeLeftCleanly()).toBeNull();
    markLeftCleanly({ videoId: 'v1', stage: 'OCR', attempt: 2 });
    expect(takeLeftCleanly()).toEqual({ videoId: 'v1', stage: 'OCR', attempt: 2 });
    expect(takeLeftCleanly()).toBeNull();
  });

  it('ignores a note it cannot read', () => {
    localStorage.setItem('heimdex-left-cleanly', '{"videoId":1}');
    expect(takeLeftCleanly()).toBeNull();
    localStorage.setItem('heimdex-left-cleanly', 'not json');
    expect(takeLeftCleanly()).toBeNull();
  });
});
