// @vitest-environment jsdom
// The test-only crash request is honoured under automation only: a person's browser never crashes a worker on purpose.
import { afterEach, describe, expect, it } from 'vitest';
import { crashRequested, crashRequestKey } from './worker-crash.ts';

const setWebdriver = (value: boolean) => Object.defineProperty(navigator, 'webdriver', { value, configurable: true });

afterEach(() => {
  localStorage.clear();
  setWebdriver(false);
});

describe('crash requests', () => {
  it('are ignored outside automation, even when asked for', () => {
    setWebdriver(false);
    localStorage.setItem(crashRequestKey('ml', 'ocr'), '2');
    expect(crashRequested('ml', 'ocr')).toBe(false);
    expect(localStorage.getItem(crashRequestKey('ml', 'ocr'))).toBe('2');
  });

  it('under automation, crash as many calls of that name as asked, then none', () => {
    setWebdriver(true);
    localStorage.setItem(crashRequestKey('media', 'detectCuts'), '2');
    expect(crashRequested('media', 'probe')).toBe(false);
    expect(crashRequested('ml', 'detectCuts')).toBe(false);
    expect([1, 2, 3].map(() => crashRequested('media', 'detectCuts'))).toEqual([true, true, false]);
    expect(localStorage.getItem(crashRequestKey('media', 'detectCuts'))).toBeNull();
  });
});
