// The sync API as a device calls it, over anything that answers `request(path, init)`: the app itself in tests
// (`app.request`) or a real server over HTTP (the bench). No test framework here, so plain scripts can use it.
import { PROTOCOL_HEADER, SYNC_PROTOCOL_VERSION } from '@heimdex/shared-schema/protocol';

export interface Requester {
  request(path: string, init?: RequestInit): Response | Promise<Response>;
}

/** A requester for a server listening at `baseUrl` (e.g. http://127.0.0.1:8787). */
export const overHttp = (baseUrl: string): Requester => ({ request: (path, init) => fetch(`${baseUrl}${path}`, init) });

export function syncApi(target: Requester, token: string) {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', [PROTOCOL_HEADER]: String(SYNC_PROTOCOL_VERSION) };
  return {
    /** `body` as an object, or already serialised (the bench times encoding apart from the request). */
    push: (body: unknown) =>
      target.request('/sync/push', { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) }),
    pull: (cursor: number, limit?: number) => target.request(`/sync/pull?cursor=${cursor}${limit ? `&limit=${limit}` : ''}`, { headers }),
    registerDevice: (name: string) => target.request('/devices', { method: 'POST', headers, body: JSON.stringify({ name }) }),
    devices: () => target.request('/devices', { headers }),
    removeDevice: (id: string) => target.request(`/devices/${id}`, { method: 'DELETE', headers }),
  };
}

/** Registers an account; the response holds `{ accessToken, refreshToken, user }` when it is 201. */
export const register = (target: Requester, email: string, password = 'correct horse battery') =>
  target.request('/auth/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });

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
