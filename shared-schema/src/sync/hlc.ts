// Hybrid logical clock (Kulkarni et al.; the ~60-line form used by actualbudget's crdt package): wall-clock
// milliseconds plus a counter for events within the same millisecond, plus the node that made the stamp.
// Serialised as a fixed-width string, so comparing two stamps as strings IS the last-writer-wins order, and
// two stamps with the same time and counter are ordered by node id (every node sees the same winner).

/** A remote stamp further ahead of this clock's wall time than this is refused: a device with a clock set
 * years ahead would otherwise win every last-writer-wins merge for years. */
export const MAX_CLOCK_DRIFT_MS = 5 * 60 * 1000;
const MAX_COUNTER = 0xffff;

export interface HlcStamp {
  /** Wall-clock milliseconds since the epoch (logical: never behind any stamp this node has seen). */
  millis: number;
  /** Orders events inside one millisecond. */
  counter: number;
  /** Breaks ties between nodes: the device's id (or any stable id of the installation). */
  node: string;
}

/** `2026-11-20T10:31:02.123Z-0000-<node>`: ISO time (fixed width until year 9999), 4 hex digits of counter. */
export const HLC_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z-[0-9a-f]{4}-[0-9A-Za-z_-]{1,64}$/;
const NODE_PATTERN = /^[0-9A-Za-z_-]{1,64}$/;

export class ClockDriftError extends Error {
  constructor(readonly aheadMs: number) {
    super(`A clock stamp is ${Math.round(aheadMs / 60000)} minutes ahead of this clock.`);
    this.name = 'ClockDriftError';
  }
}

export function formatHlc({ millis, counter, node }: HlcStamp): string {
  return `${new Date(millis).toISOString()}-${counter.toString(16).padStart(4, '0')}-${node}`;
}

export function parseHlc(text: string): HlcStamp {
  if (!HLC_PATTERN.test(text)) throw new Error(`Not a clock stamp: ${text.slice(0, 80)}`);
  const millis = Date.parse(text.slice(0, 24));
  if (!Number.isFinite(millis)) throw new Error(`Not a clock stamp: ${text.slice(0, 80)}`);
  return { millis, counter: parseInt(text.slice(25, 29), 16), node: text.slice(30) };
}

/** Last-writer-wins order: negative when `a` happened before `b`. Plain string order, by construction. */
export function compareHlc(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** How far a stamp is ahead of a wall clock, in ms (0 when it is not ahead). */
export function hlcAheadOf(stamp: string, nowMs: number): number {
  return Math.max(0, parseHlc(stamp).millis - nowMs);
}

/**
 * One node's clock. `send()` stamps a local change; `receive()` folds in a stamp seen from another node so
 * that every later local stamp sorts after it (causality survives a device whose wall clock is behind).
 */
export class HybridLogicalClock {
  private last: HlcStamp;

  constructor(
    readonly node: string,
    private readonly now: () => number = Date.now,
    /** Resume from the latest stamp this node issued or saw (kept by the caller across restarts). */
    resumeFrom?: string,
  ) {
    if (!NODE_PATTERN.test(node)) throw new Error('A clock node id is 1–64 letters, digits, - or _.');
    this.last = resumeFrom ? { ...parseHlc(resumeFrom), node } : { millis: 0, counter: 0, node };
  }

  /** A fresh stamp for a local change, greater than every stamp this clock issued or received. */
  send(): string {
    const wall = this.now();
    const millis = Math.max(this.last.millis, wall);
    const counter = millis === this.last.millis ? this.last.counter + 1 : 0;
    return this.commit({ millis, counter, node: this.node }, wall);
  }

  /** Merges a remote stamp; throws ClockDriftError when it is too far ahead of this node's wall clock. */
  receive(remoteText: string): string {
    const remote = parseHlc(remoteText);
    const wall = this.now();
    if (remote.millis - wall > MAX_CLOCK_DRIFT_MS) throw new ClockDriftError(remote.millis - wall);
    const millis = Math.max(this.last.millis, wall, remote.millis);
    let counter: number;
    if (millis === this.last.millis && millis === remote.millis) counter = Math.max(this.last.counter, remote.counter) + 1;
    else if (millis === this.last.millis) counter = this.last.counter + 1;
    else if (millis === remote.millis) counter = remote.counter + 1;
    else counter = 0;
    return this.commit({ millis, counter, node: this.node }, wall);
  }

  /** The latest stamp issued or received, to persist and pass back as `resumeFrom`. */
  get latest(): string {
    return formatHlc(this.last);
  }

  private commit(next: HlcStamp, wall: number): string {
    if (next.millis - wall > MAX_CLOCK_DRIFT_MS) throw new ClockDriftError(next.millis - wall);
    if (next.counter > MAX_COUNTER) throw new Error('Clock counter overflow: too many changes within one millisecond.');
    this.last = next;
    return formatHlc(next);
  }
}
