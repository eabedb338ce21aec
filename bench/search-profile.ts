/**
 * Where a search's time goes, statement by statement: searchScenes on the bench's built library (bench/cache, see
 * search.ts; built first when missing), each statement's CPU time (PGlite runs on this thread, so a busy machine
 * does not inflate it the way it does wall time), median over the bench's 30 queries. Statements run inside a
 * transaction (the spelling corrections' trigram look-ups) do not pass through PGlite.query and count in the rest.
 *   tsx bench/search-profile.ts [words|misspelt|hybrid] [--sizes 100000] [--each]
 */
import type { PGlite } from '@electric-sql/pglite';
import { parseQuery } from '@heimdex/shared-schema/search';
import { LOCAL_USER_ID } from '../client/src/db/api.ts';
import { makeSearchRepo } from '../client/src/db/search.ts';
import { middlingWordQueries, misspelt, openLibrary, percentile, sizesFromArgs, vectorQueries } from './search.ts';

const KINDS = ['words', 'misspelt', 'hybrid'] as const;
const kind = KINDS.find((k) => process.argv.includes(k)) ?? 'words';
const scenes = sizesFromArgs(process.argv)?.[0] ?? 100_000;

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Records each statement's CPU time while `recording` is set (drizzle runs every statement through query). */
function statementTimes(pg: PGlite) {
  const query = pg.query.bind(pg);
  const statements: { sql: string; ms: number }[] = [];
  let recording = false;
  pg.query = (async (text: string, ...rest: unknown[]) => {
    const started = cpuMs();
    try {
      return await (query as (...args: unknown[]) => Promise<unknown>)(text, ...rest);
    } finally {
      if (recording) statements.push({ sql: text.replace(/\s+/g, ' ').trim().slice(0, 90), ms: cpuMs() - started });
    }
  }) as PGlite['query'];
  return {
    async during(work: () => Promise<unknown>) {
      statements.length = 0;
      recording = true;
      const started = cpuMs();
      await work();
      recording = false;
      return { total: cpuMs() - started, statements: [...statements] };
    },
  };
}

const { pg, library } = await openLibrary(scenes, (line) => console.log(line), false);
try {
  const repo = makeSearchRepo(pg, LOCAL_USER_ID);
  const words = middlingWordQueries(library.words);
  const texts = kind === 'misspelt' ? misspelt(words) : words;
  const vectors = vectorQueries(library.centres);
  const search = (i: number) => repo.searchScenes({ query: parseQuery(texts[i]!), textVector: kind === 'hybrid' ? vectors[i]! : null });
  for (let i = 0; i < 5; i++) await search(i); // warm-up
  const times = statementTimes(pg);
  const totals: number[] = [];
  const inStatements: number[] = [];
  const byStatement = new Map<string, number[]>();
  for (let i = 0; i < texts.length; i++) {
    const { total, statements } = await times.during(() => search(i));
    totals.push(total);
    inStatements.push(statements.reduce((sum, s) => sum + s.ms, 0));
    // Keyed by the statement's text start: the same statement in each search, whatever its place.
    for (const s of statements) byStatement.set(s.sql, [...(byStatement.get(s.sql) ?? []), s.ms]);
  }
  // --each: every search's CPU time in order (the first ones read the library's pages into PGlite's buffers).
  if (process.argv.includes('--each')) console.log(totals.map((t) => t.toFixed(1)).join(' '));
  console.log(`searchScenes ${kind}, ${scenes} scenes: CPU p50 ${percentile(totals, 50).toFixed(2)} ms, p95 ${percentile(totals, 95).toFixed(2)} ms; ` +
    `in statements p50 ${percentile(inStatements, 50).toFixed(2)} ms (driver included), the rest JavaScript and transactions`);
  console.log('  p50 ms  searches  statement');
  for (const [sql, ms] of byStatement) console.log(`${percentile(ms, 50).toFixed(2).padStart(8)}  ${String(ms.length).padStart(8)}  ${sql}`);
} finally {
  await pg.close();
}
