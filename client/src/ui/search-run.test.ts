// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeLatestSearch, type SearchView } from './search-run.ts';

/** A request whose answer the test releases by hand, in any order. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('makeLatestSearch', () => {
  let views: SearchView<string>[];
  let calls: string[];
  const last = () => views[views.length - 1]!;
  const make = (delayMs = 200) =>
    makeLatestSearch<string>({ delayMs, onChange: (view) => views.push(view), describeError: (e) => (e instanceof Error ? e.message : String(e)) });
  const request = (key: string, answer: Promise<string>) => ({
    key,
    run: () => {
      calls.push(key);
      return answer;
    },
  });

  beforeEach(() => {
    vi.useFakeTimers();
    views = [];
    calls = [];
  });
  afterEach(() => vi.useRealTimers());

  it('waits for a pause in typing and runs only the last query', async () => {
    const search = make();
    for (const key of ['r', 're', 'rev', 'reve', 'revenue']) {
      search.schedule(request(key, Promise.resolve(`hits of ${key}`)));
      await vi.advanceTimersByTimeAsync(50);
    }
    expect(calls).toEqual([]);
    expect(last()).toMatchObject({ phase: 'searching', pendingKey: 'revenue', shownKey: '' });
    await vi.advanceTimersByTimeAsync(200);
    expect(calls).toEqual(['revenue']);
    expect(last()).toEqual({ phase: 'done', shownKey: 'revenue', pendingKey: null, result: 'hits of revenue', error: null });
  });

  it('never lets a slow older answer overwrite a newer one', async () => {
    const search = make();
    const slow = deferred<string>();
    const fast = deferred<string>();
    search.schedule(request('rev', slow.promise));
    await vi.advanceTimersByTimeAsync(200);
    search.schedule(request('revenue', fast.promise));
    await vi.advanceTimersByTimeAsync(200);
    expect(calls).toEqual(['rev', 'revenue']);
    fast.resolve('new');
    await vi.advanceTimersByTimeAsync(0);
    expect(last()).toMatchObject({ phase: 'done', shownKey: 'revenue', result: 'new' });
    slow.resolve('old');
    await vi.advanceTimersByTimeAsync(0);
    expect(last()).toMatchObject({ phase: 'done', shownKey: 'revenue', result: 'new' });
  });

  it('keeps the shown results while the next query is pending', async () => {
    const search = make();
    search.schedule(request('revenue', Promise.resolve('A')));
    await vi.advanceTimersByTimeAsync(200);
    const next = deferred<string>();
    search.schedule(request('revenue 2026', next.promise));
    expect(last()).toMatchObject({ phase: 'searching', shownKey: 'revenue', result: 'A', pendingKey: 'revenue 2026' });
    await vi.advanceTimersByTimeAsync(200);
    expect(last()).toMatchObject({ phase: 'searching', shownKey: 'revenue', result: 'A' });
    next.resolve('B');
    await vi.advanceTimersByTimeAsync(0);
    expect(last()).toMatchObject({ phase: 'done', shownKey: 'revenue 2026', result: 'B' });
  });

  it('runs an immediate request at once and supersedes the waiting one', async () => {
    const search = make();
    search.schedule(request('typed', Promise.resolve('typed')));
    search.schedule(request('example:cat.jpg', Promise.resolve('example')), { immediate: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual(['example:cat.jpg']);
    await vi.advanceTimersByTimeAsync(500);
    expect(calls).toEqual(['example:cat.jpg']);
    expect(last()).toMatchObject({ phase: 'done', shownKey: 'example:cat.jpg', result: 'example' });
  });

  it('does not restart the timer when the same query is scheduled again', async () => {
    const search = make();
    search.schedule(request('revenue', Promise.resolve('A')));
    await vi.advanceTimersByTimeAsync(150);
    search.schedule(request('revenue', Promise.resolve('A')));
    await vi.advanceTimersByTimeAsync(50);
    expect(calls).toEqual(['revenue']);
  });

  it('keeps the shown answer when the query is typed back to it', async () => {
    const search = make();
    search.schedule(request('revenue', Promise.resolve('A')), { immediate: true });
    await vi.advanceTimersByTimeAsync(0);
    search.schedule(request('revenues', Promise.resolve('B')));
    await vi.advanceTimersByTimeAsync(100);
    search.schedule(request('revenue', Promise.resolve('A again')));
    await vi.advanceTimersByTimeAsync(500);
    expect(calls).toEqual(['revenue']);
    expect(last()).toEqual({ phase: 'done', shownKey: 'revenue', pendingKey: null, result: 'A', error: null });
  });

  it('reports a failure of the latest request as an error, with its message', async () => {
    const search = make();
    search.schedule({ key: 'bad', run: () => { throw new Error('The database is closed.'); } });
    await vi.advanceTimersByTimeAsync(200);
    expect(last()).toEqual({ phase: 'error', shownKey: 'bad', pendingKey: null, result: null, error: 'The database is closed.' });
  });

  it('clear() goes idle and drops the answers in flight', async () => {
    const search = make();
    const answer = deferred<string>();
    search.schedule(request('revenue', answer.promise), { immediate: true });
    search.clear();
    answer.resolve('late');
    await vi.advanceTimersByTimeAsync(0);
    expect(last()).toEqual({ phase: 'idle', shownKey: '', pendingKey: null, result: null, error: null });
  });

  it('dispose() cancels the waiting request and ignores late answers', async () => {
    const search = make();
    const answer = deferred<string>();
    search.schedule(request('a', answer.promise), { immediate: true });
    search.schedule(request('b', Promise.resolve('b')));
    search.dispose();
    answer.resolve('a');
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toEqual(['a']);
    expect(views.every((view) => view.phase !== 'done')).toBe(true);
  });
});
