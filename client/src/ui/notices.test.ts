import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createNotices } from './notices.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('notices', () => {
  it('updates a notice in place and dismisses it by itself when asked to', () => {
    const notices = createNotices();
    const other = notices.push({ status: 'info', title: 'Other', message: '' });
    const id = notices.push({ status: 'pending', title: 'Adding 2 videos…', message: '0 of 2 done' });
    expect(notices.update(id, { status: 'added', title: 'Added 2 videos', message: '' }, { dismissAfterMs: 5000 })).toBe(true);
    expect(notices.list().map((n) => [n.id, n.title])).toEqual([
      [other, 'Other'],
      [id, 'Added 2 videos'],
    ]);
    vi.advanceTimersByTime(4999);
    expect(notices.list()).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(notices.list().map((n) => n.id)).toEqual([other]);
  });

  it('an update without a dismissal time keeps the notice', () => {
    const notices = createNotices();
    const id = notices.push({ status: 'added', title: 'Done', message: '' }, { dismissAfterMs: 1000 });
    notices.update(id, { status: 'pending', title: 'Adding more…', message: '' });
    vi.advanceTimersByTime(5000);
    expect(notices.list().map((n) => n.title)).toEqual(['Adding more…']);
  });

  it('does not bring back a notice the person dismissed', () => {
    const notices = createNotices();
    const id = notices.push({ status: 'pending', title: 'Adding…', message: '' });
    notices.dismiss(id);
    expect(notices.update(id, { status: 'added', title: 'Added', message: '' })).toBe(false);
    expect(notices.list()).toEqual([]);
  });
});
