// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { ClockDriftError, compareHlc, formatHlc, HybridLogicalClock, MAX_CLOCK_DRIFT_MS, parseHlc } from '../src/sync/hlc.ts';
import { decodeVector, encodeVector } from '../src/sync/vectors.ts';

const T0 = Date.parse('2026-11-20T10:00:00.000Z');
const fixedClock = (start: number) => {
  let now = start;
  return { now: () => now, set: (ms: number) => (now = ms) };
};

describe('hybrid logical clock', () => {
  it('serialises to a fixed-width string that parses back', () => {
    const text = formatHlc({ millis: T0, counter: 42, node: 'device-a' });
    expect(text).toBe('2026-11-20T10:00:00.000Z-002a-device-a');
    expect(parseHlc(text)).toEqual({ millis: T0, counter: 42, node: 'device-a' });
    expect(() => parseHlc('yesterday')).toThrow(/Not a clock stamp/);
  });

  it('string order is time, then counter, then node id', () => {
    const stamps = [
      formatHlc({ millis: T0 + 1, counter: 0, node: 'a' }),
      formatHlc({ millis: T0, counter: 16, node: 'a' }),
      formatHlc({ millis: T0, counter: 2, node: 'b' }),
      formatHlc({ millis: T0, counter: 2, node: 'a' }),
      formatHlc({ millis: T0 - 1, counter: 65535, node: 'z' }),
    ];
    const byString = [...stamps].sort(compareHlc);
    const byFields = [...stamps].sort((x, y) => {
      const a = parseHlc(x), b = parseHlc(y);
      return a.millis - b.millis || a.counter - b.counter || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0);
    });
    expect(byString).toEqual(byFields);
    expect(byString[0]).toContain('-ffff-z');
  });

  it('send() is strictly increasing even when the wall clock stands still or goes back', () => {
    const wall = fixedClock(T0);
    const clock = new HybridLogicalClock('a', wall.now);
    const first = clock.send();
    const second = clock.send();
    wall.set(T0 - 60_000); // the user set the clock back a minute
    const third = clock.send();
    expect(compareHlc(first, second)).toBeLessThan(0);
    expect(compareHlc(second, third)).toBeLessThan(0);
    expect(parseHlc(third)).toEqual({ millis: T0, counter: 2, node: 'a' });
    wall.set(T0 + 5);
    expect(parseHlc(clock.send())).toEqual({ millis: T0 + 5, counter: 0, node: 'a' });
  });

  it('receive() moves past a remote stamp, so a later local change wins over it', () => {
    const wall = fixedClock(T0);
    const behind = new HybridLogicalClock('slow', wall.now);
    const remote = formatHlc({ millis: T0 + 90_000, counter: 7, node: 'fast' }); // 1.5 minutes ahead: allowed
    const merged = behind.receive(remote);
    expect(parseHlc(merged)).toEqual({ millis: T0 + 90_000, counter: 8, node: 'slow' });
    expect(compareHlc(behind.send(), remote)).toBeGreaterThan(0);
  });

  it('refuses a remote stamp more than a few minutes ahead, and stays unchanged', () => {
    const wall = fixedClock(T0);
    const clock = new HybridLogicalClock('a', wall.now);
    const before = clock.latest;
    const future = formatHlc({ millis: T0 + MAX_CLOCK_DRIFT_MS + 1000, counter: 0, node: 'b' });
    expect(() => clock.receive(future)).toThrow(ClockDriftError);
    expect(clock.latest).toBe(before);
  });

  it('resumes after a restart without going back', () => {
    const wall = fixedClock(T0);
    const clock = new HybridLogicalClock('a', wall.now);
    clock.send();
    const last = clock.send();
    const restarted = new HybridLogicalClock('a', wall.now, clock.latest);
    expect(compareHlc(restarted.send(), last)).toBeGreaterThan(0);
  });

  it('refuses a node id that would break the string order', () => {
    expect(() => new HybridLogicalClock('has space')).toThrow(/node id/);
  });
});

describe('vector codec', () => {
  it('round-trips float32 values bit-exactly, including awkward ones', () => {
    const values = Float32Array.from([0, -0, 1 / 3, -1.5e-38, 3.4028234663852886e38, Math.PI, 1e-45]);
    const decoded = decodeVector(encodeVector(values));
    expect(Buffer.from(decoded.buffer)).toEqual(Buffer.from(values.buffer));
  });

  it('is 4 bytes a dimension before base64, little-endian', () => {
    expect(encodeVector([1])).toBe(Buffer.from([0, 0, 0x80, 0x3f]).toString('base64'));
    expect(decodeVector(encodeVector(new Float32Array(768))).length).toBe(768);
    expect(() => decodeVector(Buffer.from([1, 2, 3]).toString('base64'))).toThrow(/whole number/);
  });
});
