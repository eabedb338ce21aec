// A device as the sync tests see it: plain objects holding rows, an HLC, an outbox pushed in numbered batches,
// and pulled pages applied last-writer-wins — the protocol's client half at its smallest.
import type { PullResponse, PushResponse, SyncChange } from '@heimdex/shared-schema/protocol';
import { HybridLogicalClock } from '@heimdex/shared-schema/sync';
import { expect } from 'vitest';
import type { buildApp } from '../src/app.ts';
import { register, syncApi } from './sync-api.ts';

export { randomVector } from './sync-api.ts';

type App = ReturnType<typeof buildApp>;

export const keyOf = (c: SyncChange) => `${c.type}:${Object.values(c.key).join('/')}`;

/** The sync API through the app, with the checks every test wants on registration and sign-up. */
export function api(app: App, token: string) {
  const client = syncApi(app, token);
  return {
    ...client,
    registerDevice: async (name: string) => {
      const res = await client.registerDevice(name);
      expect(res.status).toBe(201);
      return ((await res.json()) as { deviceId: string }).deviceId;
    },
  };
}

/** Registers an account and answers its access token. */
export async function signUp(app: App, email: string): Promise<string> {
  const res = await register(app, email);
  expect(res.status).toBe(201);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

export class SimDevice {
  /** The rows this device holds: the latest change per row (tombstones included). */
  readonly rows = new Map<string, SyncChange>();
  readonly clock: HybridLogicalClock;
  outbox: SyncChange[] = [];
  batchSeq = 0;
  cursor = 0;
  /** Batches sent, by number (to resend them as a flaky network would). */
  readonly sent = new Map<number, SyncChange[]>();

  constructor(
    readonly client: ReturnType<typeof api>,
    readonly deviceId: string,
    node = deviceId,
  ) {
    this.clock = new HybridLogicalClock(node);
  }

  /** A local change: stamped, applied locally and queued for the server. */
  write<T extends SyncChange['type']>(type: T, key: Extract<SyncChange, { type: T }>['key'], row: Extract<SyncChange, { type: T }>['row']) {
    const change = { type, hlc: this.clock.send(), key, row } as SyncChange;
    this.rows.set(keyOf(change), change);
    this.outbox.push(change);
    return change;
  }

  /** Sends the outbox in batches of `size`; answers each batch's reply. */
  async pushAll(size = 50): Promise<PushResponse[]> {
    const answers: PushResponse[] = [];
    while (this.outbox.length > 0) {
      const changes = this.outbox.slice(0, size);
      const batchSeq = this.batchSeq + 1;
      const res = await this.client.push({ deviceId: this.deviceId, batchSeq, changes });
      expect(res.status, await res.clone().text()).toBe(200);
      answers.push((await res.json()) as PushResponse);
      this.sent.set(batchSeq, changes);
      this.batchSeq = batchSeq;
      this.outbox = this.outbox.slice(changes.length);
    }
    return answers;
  }

  /** Pulls every page, applying each last-writer-wins; answers the pages. */
  async pullAll(limit = 25): Promise<PullResponse[]> {
    const pages: PullResponse[] = [];
    for (;;) {
      const res = await this.client.pull(this.cursor, limit);
      expect(res.status).toBe(200);
      const page = (await res.json()) as PullResponse;
      pages.push(page);
      for (const change of page.changes) this.receive(change);
      this.cursor = page.cursor;
      if (!page.more) return pages;
    }
  }

  receive(change: SyncChange) {
    const held = this.rows.get(keyOf(change));
    if (!held || held.hlc < change.hlc) {
      this.rows.set(keyOf(change), change);
      this.clock.receive(change.hlc);
    }
  }
}
