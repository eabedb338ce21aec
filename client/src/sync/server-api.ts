// The sync server as the app calls it: push, pull and blobs, each answer checked against the protocol's schemas
// and every failure turned into a SyncError that says in plain words what happened and what the app should do.
import {
  batchGapResponse,
  PROTOCOL_HEADER,
  pullResponse,
  pushResponse,
  startOverResponse,
  SYNC_PROTOCOL_VERSION,
  type PullResponse,
  type PushRequest,
  type PushResponse,
  type SearchRequest,
  type SearchResponse,
} from '@heimdex/shared-schema/protocol';
import type { BlobContentType } from '@heimdex/shared-schema/protocol';

export type SyncErrorKind =
  /** No answer: offline, or the server is down. Try again later. */
  | 'offline'
  /** The session is no longer valid (expired, revoked): sign in again. */
  | 'signed-out'
  /** The server no longer understands this version of the app. */
  | 'update-required'
  /** The server does not know this device (removed from the account): register it again. */
  | 'unknown-device'
  /** Anything else the server refused (quota, a bad request): its own words. */
  | 'refused';

export class SyncError extends Error {
  constructor(readonly kind: SyncErrorKind, message: string, readonly status?: number) {
    super(message);
    this.name = 'SyncError';
  }
}

export type PushAnswer = PushResponse | { type: 'batch-gap'; expectedBatchSeq: number };
export type PullAnswer = PullResponse | { type: 'start-over' };

export interface SyncServerOptions {
  /** The server's origin ('' for the app's own). */
  baseUrl: string;
  /** The current access token (the account keeps it fresh); null when signed out. */
  accessToken(): Promise<string | null>;
  /** The server refused the token: a fresh one (one refresh), or null when the session has ended. */
  tokenRefused?(): Promise<string | null>;
  fetch?: typeof fetch;
}

export function makeSyncServer(opts: SyncServerOptions) {
  const doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  async function send(path: string, init: RequestInit, token: string): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    headers.set(PROTOCOL_HEADER, String(SYNC_PROTOCOL_VERSION));
    try {
      return await doFetch(`${opts.baseUrl}${path}`, { ...init, headers });
    } catch {
      throw new SyncError('offline', 'The sync server cannot be reached. Your changes are kept and sent when it can.');
    }
  }

  async function request(path: string, init: RequestInit = {}): Promise<Response> {
    const token = await opts.accessToken();
    if (!token) throw new SyncError('signed-out', 'Sign in to sync this library.');
    let res = await send(path, init, token);
    if (res.status === 401 && opts.tokenRefused) {
      const fresh = await opts.tokenRefused();
      if (fresh) res = await send(path, init, fresh);
    }
    if (res.status === 401) throw new SyncError('signed-out', 'Your session has ended. Sign in again to keep syncing.', 401);
    if (res.status === 426) throw new SyncError('update-required', 'The sync server needs a newer version of the app. Reload to update it.', 426);
    if (res.status === 404 && path.startsWith('/sync/')) {
      const body = (await res.clone().json().catch(() => ({}))) as { type?: string };
      if (body.type === 'unknown-device') throw new SyncError('unknown-device', 'This device was removed from your account.', 404);
    }
    if (res.status >= 500 || res.status === 429) {
      throw new SyncError('offline', `The sync server is busy or having trouble (${res.status}). It will be tried again.`, res.status);
    }
    return res;
  }

  async function refusal(res: Response): Promise<SyncError> {
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    return new SyncError('refused', body.error ?? `The sync server refused the request (${res.status}).`, res.status);
  }

  return {
    async push(batch: PushRequest): Promise<PushAnswer> {
      const res = await request('/sync/push', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) });
      if (res.status === 409) return batchGapResponse.parse(await res.json());
      if (!res.ok) throw await refusal(res);
      return pushResponse.parse(await res.json());
    },

    async pull(cursor: number, limit: number, deviceId: string): Promise<PullAnswer> {
      const res = await request(`/sync/pull?cursor=${cursor}&limit=${limit}&deviceId=${deviceId}`);
      if (res.status === 410) return { ...startOverResponse.parse(await res.json()), type: 'start-over' };
      if (!res.ok) throw await refusal(res);
      return pullResponse.parse(await res.json());
    },

    async putBlob(sha256: string, bytes: Uint8Array, contentType: BlobContentType): Promise<void> {
      const res = await request(`/blobs/${sha256}`, { method: 'PUT', headers: { 'content-type': contentType }, body: bytes as Uint8Array<ArrayBuffer> });
      if (!res.ok) throw await refusal(res);
    },

    /** The account's whole synced library searched on the server (for what this device has not pulled yet). */
    async search(body: SearchRequest): Promise<SearchResponse> {
      const res = await request('/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (!res.ok) throw await refusal(res);
      return (await res.json()) as SearchResponse;
    },

    /** The blob's bytes, or null when the server does not hold it. */
    async getBlob(sha256: string): Promise<Uint8Array | null> {
      const res = await request(`/blobs/${sha256}`);
      if (res.status === 404) return null;
      if (!res.ok) throw await refusal(res);
      return new Uint8Array(await res.arrayBuffer());
    },
  };
}

export type SyncServer = ReturnType<typeof makeSyncServer>;
