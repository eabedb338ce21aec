// @vitest-environment node
// Graceful shutdown: requests in flight finish, new connections are refused, a stuck request cannot hold the
// shutdown past its grace period; and the real server (main.ts) does this on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { request, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { closeGracefully } from '../src/shutdown.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function listen(app: Hono): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve({ server, url: `http://127.0.0.1:${info.port}` }),
    ) as Server;
  });
}

describe('closeGracefully', () => {
  it('lets a request in flight finish, refuses new connections, then closes', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const inFlight = new Promise<void>((r) => (started = r));
    const app = new Hono().get('/slow', async (c) => {
      started();
      await released;
      return c.text('finished');
    });
    const { server, url } = await listen(app);
    const slow = fetch(`${url}/slow`);
    await inFlight;

    const closed = closeGracefully(server, 10_000);
    await expect(fetch(`${url}/slow`)).rejects.toThrow(); // no new connections
    release();
    const res = await slow;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('finished');
    expect(await closed).toBe('drained');
  });

  it('cuts a request that outlives the grace period', async () => {
    const app = new Hono().get('/stuck', () => new Promise<Response>(() => {}));
    const { server, url } = await listen(app);
    const stuck = fetch(`${url}/stuck`).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    expect(await closeGracefully(server, 200)).toBe('forced');
    expect(await stuck).toBeInstanceOf(Error);
  });
});

describe('the server on SIGTERM', () => {
  it('finishes an upload that is still arriving, then exits cleanly', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: 'memory://',
        STATIC_DIR: 'no-client-here',
        JWT_SECRET: 'shutdown-test-secret-0123456789abcdef',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = collect(child);
    try {
      const url = await waitFor(output, /listening on (http:\/\/\S+)/);
      const register = await fetch(`${url}/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'sigterm@example.org', password: 'correct horse battery' }),
      });
      const { accessToken } = (await register.json()) as { accessToken: string };

      const image = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...Array.from({ length: 4096 }, (_, i) => i % 251)]);
      const hash = createHash('sha256').update(image).digest('hex');
      const upload = request(`${url}/blobs/${hash}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'image/jpeg', 'content-length': image.byteLength },
      });
      const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
        upload.on('response', (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        upload.on('error', reject);
      });
      upload.write(image.subarray(0, 1000)); // half-sent when the signal comes
      await new Promise((r) => setTimeout(r, 200));
      const exited = new Promise<number | null>((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await waitFor(output, /SIGTERM: finishing the requests in flight/);
      upload.end(image.subarray(1000));

      const { status, body } = await answer;
      expect(status).toBe(201);
      expect(JSON.parse(body)).toMatchObject({ sha256: hash, sizeBytes: image.byteLength });
      expect(await exited).toBe(0);
      expect(output.text).toContain('Heimdex stopped');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});

function collect(child: ChildProcess) {
  const output = { text: '', listeners: new Set<() => void>() };
  const onData = (chunk: Buffer) => {
    output.text += chunk.toString();
    output.listeners.forEach((l) => l());
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  return output;
}

function waitFor(output: ReturnType<typeof collect>, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within 30 s:\n${output.text}`)), 30_000);
    const check = () => {
      const match = pattern.exec(output.text);
      if (!match) return;
      clearTimeout(timer);
      output.listeners.delete(check);
      resolve(match[1] ?? match[0]);
    };
    output.listeners.add(check);
    check();
  });
}
