// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { serialise } from './queue.ts';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('serialise', () => {
  it('runs calls one at a time, in call order, and a failure does not block the next call', async () => {
    const log: string[] = [];
    const api = serialise({
      async slow(name: string) {
        log.push(`${name} start`);
        await tick();
        await tick();
        log.push(`${name} end`);
        return name;
      },
      async boom() {
        log.push('boom');
        throw new Error('boom');
      },
    });
    const results = await Promise.allSettled([api.slow('a'), api.boom(), api.slow('b')]);
    expect(log).toEqual(['a start', 'a end', 'boom', 'b start', 'b end']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
