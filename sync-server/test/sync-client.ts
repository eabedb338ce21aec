// A device as the sync tests see it: plain objects holding rows, an HLC, an outbox pushed in numbered batches,
// and pulled pages applied last-writer-wins — the protocol's client half at its smallest.
import {
  PROTOCOL_HEADER,
  SYNC_PROTOCOL_VERSION,
  type PullResponse,
  type PushResponse,
  type SyncChange,
} from '@heimdex/shared-schema/protocol';
import { HybridLogicalClock } from '@heimdex/shared-schema/sync';
import { expect } from 'vitest';
import type { buildApp } from '../src/app.ts';

type App = ReturnType<typeof buildApp>;

export const keyOf = (c: SyncChange) => `${c.type}:${Object.values(c.key).join('/')}`;

export function api(app: App, token: string) {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', [PROTOCOL_HEADER]: String(SYNC_PROTOCOL_VERSION) };
  return {
    push: (body: unknown) => app.request('/sync/push', { method: 'POST', headers, body: JSON.stringify(body) }),
    pull: (cursor: number, limit?: number) => app.request(`/sync/pull?cursor=${cursor}${limit ? `&limit=${limit}` : ''}`, { headers }),
    registerDevice: async (name: string) => {
      const res = await app.request('/devices', { method: 'POST', headers, body: JSON.stringify({ name }) });
      expect(res.status).toBe(201);
      return ((await res.json()) as { deviceId: string }).deviceId;
    },
    devices: () => app.request('/devices', { headers }),
    removeDevice: (id: string) => app.request(`/devices/${id}`, { method: 'DELETE', headers }),
  };
}

/** Registers an account and answers its access token. */
export async function signUp(app: App, email: string): Promise<string> {
  const res = await app.request('/auth/register', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'correct horse battery' }),
  });
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

/** A random float32 vector (as numbers), deterministic per seed. */
export function randomVector(dim: number, seed: number): Float32Array {
  let x = seed * 2654435761 || 1;
  return Float32Array.from({ length: dim }, () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return ((x >>> 0) / 2 ** 32) * 2 - 1;
  });
}
