// The load generator of the search-load bench, run as its own process (so its work does not share the server's
// event loop): autocannon keeps `connections` requests in flight for `durationS`, cycling through the bodies, and
// every response's latency is recorded (autocannon's own summary has no p95). Reads its task as JSON on stdin,
// writes a LoadResult as JSON on stdout.
import autocannon from 'autocannon';

export interface LoadTask {
  url: string;
  headers: Record<string, string>;
  bodies: string[];
  connections: number;
  durationS: number;
}

export interface LoadResult {
  latenciesMs: number[];
  statuses: Record<string, number>;
  requests: number;
  durationS: number;
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

async function main(): Promise<void> {
  const task = JSON.parse(await readStdin()) as LoadTask;
  const latenciesMs: number[] = [];
  const statuses: Record<string, number> = {};
  const summary = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: task.url,
        connections: task.connections,
        duration: task.durationS,
        requests: task.bodies.map((body) => ({ method: 'POST' as const, headers: task.headers, body })),
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      latenciesMs.push(responseTimeMs);
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    });
  });
  const result: LoadResult = { latenciesMs, statuses, requests: latenciesMs.length, durationS: summary.duration };
  process.stdout.write(JSON.stringify(result));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
