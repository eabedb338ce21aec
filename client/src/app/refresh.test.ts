import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeRefresh } from './refresh.ts';

const INTERVAL = 250;

let reads: number;
let publishes: number;
let read: () => Promise<void>;

function refresh() {
  return makeRefresh({
    intervalMs: INTERVAL,
    reload: () => {
      reads++;
      return read();
    },
    publish: () => void publishes++,
  });
}

beforeEach(() => {
  vi.useFakeTimers();
  reads = 0;
  publishes = 0;
  read = () => Promise.resolve();
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('makeRefresh', () => {
  it('rebuilds once per interval however many ask, reading the database only when one of them asked for it', async () => {
    const { schedule } = refresh();
    schedule(false);
    schedule(false);
    await vi.advanceTimersByTimeAsync(0);
    expect([reads, publishes]).toEqual([0, 1]);

    schedule(false);
    schedule(true);
    schedule(false);
    await vi.advanceTimersByTimeAsync(INTERVAL - 1);
    expect([reads, publishes]).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(1);
    expect([reads, publishes]).toEqual([1, 2]);
  });

  it('reads again after a slow read when asked to during it; a rebuild asked for meanwhile is the one after the read', async () => {
    let finish!: () => void;
    read = () => new Promise((resolve) => (finish = resolve));
    const { schedule } = refresh();
    schedule(true);
    await vi.advanceTimersByTimeAsync(0);
    expect([reads, publishes]).toEqual([1, 0]);
    await vi.advanceTimersByTimeAsync(INTERVAL * 4);
    schedule(false);
    finish();
    await vi.advanceTimersByTimeAsync(INTERVAL * 4);
    expect([reads, publishes]).toEqual([1, 1]);

    schedule(true);
    await vi.advanceTimersByTimeAsync(0);
    schedule(true);
    read = () => Promise.resolve();
    finish();
    await vi.advanceTimersByTimeAsync(0);
    expect([reads, publishes]).toEqual([2, 2]);
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect([reads, publishes]).toEqual([3, 3]);
  });

  it('logs a failed read and still rebuilds the cards at the next turn', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    read = () => Promise.reject(new Error('worker gone'));
    const { schedule } = refresh();
    schedule(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(logged).toHaveBeenCalledWith('Could not refresh the library', new Error('worker gone'));
    expect([reads, publishes]).toEqual([1, 0]);
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect([reads, publishes]).toEqual([1, 1]);
  });

  it('drops the rebuild waiting for its turn when stopped', async () => {
    const { schedule, stop } = refresh();
    schedule(false);
    await vi.advanceTimersByTimeAsync(0);
    schedule(true);
    stop();
    await vi.advanceTimersByTimeAsync(INTERVAL * 4);
    expect([reads, publishes]).toEqual([0, 1]);
  });
});
