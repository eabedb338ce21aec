// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { makeKeepLibrary, NOT_KEPT_NOTICE } from './keep-library.ts';

function setup(browser: { persisted: boolean | null; grants: boolean }, remembered = new Map<string, string>()) {
  const asks: boolean[] = [];
  const pushed: unknown[] = [];
  const keep = makeKeepLibrary(
    {
      isPersisted: () => Promise.resolve(browser.persisted),
      askToPersist: () => {
        asks.push(true);
        return Promise.resolve(browser.grants);
      },
    },
    { push: (notice) => pushed.push(notice) },
    { getItem: (key) => remembered.get(key) ?? null, setItem: (key, value) => void remembered.set(key, value) },
  );
  return { keep, asks, pushed, remembered };
}

describe('asking to keep the library at the first import', () => {
  it('asks once per tab, and says nothing when the browser agrees', async () => {
    const { keep, asks, pushed } = setup({ persisted: false, grants: true });
    await keep();
    await keep();
    expect(asks).toHaveLength(1);
    expect(pushed).toEqual([]);
  });

  it('does not ask when the library is kept already, or the browser does not say', async () => {
    for (const persisted of [true, null]) {
      const { keep, asks } = setup({ persisted, grants: true });
      await keep();
      expect(asks).toEqual([]);
    }
  });

  it('tells once, ever, why it matters when the browser refuses', async () => {
    const remembered = new Map<string, string>();
    const first = setup({ persisted: false, grants: false }, remembered);
    await first.keep();
    await first.keep();
    expect(first.pushed).toEqual([NOT_KEPT_NOTICE]);

    const nextVisit = setup({ persisted: false, grants: false }, remembered);
    await nextVisit.keep();
    expect(nextVisit.asks).toHaveLength(1); // asked again: the browser may agree by now
    expect(nextVisit.pushed).toEqual([]);
  });
});
