// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { makeFileRemovals } from './file-removals.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('makeFileRemovals', () => {
  it('runs the removals of one video one after another, and says when none is under way', async () => {
    const removals = makeFileRemovals();
    const order: string[] = [];
    let release!: () => void;
    const first = removals.run('a', () => new Promise<void>((resolve) => (release = resolve)).then(() => void order.push('first')));
    const second = removals.run('a', async () => void order.push('second'));
    let settled = false;
    void removals.settled('a').then(() => (settled = true));
    await tick();
    expect(order).toEqual([]);
    expect(settled).toBe(false);
    release();
    await Promise.all([first, second]);
    await tick();
    expect(order).toEqual(['first', 'second']);
    expect(settled).toBe(true);
  });

  it('does not hold another video back, and a failed removal neither blocks the next nor rejects settled()', async () => {
    const removals = makeFileRemovals();
    let other = false;
    void removals.run('a', () => new Promise<void>(() => undefined)); // never ends
    await removals.run('b', async () => void (other = true));
    expect(other).toBe(true);

    const failed = removals.run('c', () => Promise.reject(new Error('gone')));
    await expect(failed).rejects.toThrow('gone');
    await expect(removals.settled('c')).resolves.toBeUndefined();
    await expect(removals.run('c', async () => undefined)).resolves.toBeUndefined();
  });
});
