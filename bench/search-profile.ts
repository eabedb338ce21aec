/**
 * Where a search's time goes, statement by statement: searchScenes on the bench's built library (bench/cache, see
 * search.ts; built first when missing), opened as the app opens it (warm-up, vector indexes read ahead), each
 * statement's wall and CPU time (PGlite runs on this thread, so a busy machine does not inflate CPU time the way it
 * does wall time), p50 and p95 over the bench's 30 queries, first pass. A prepared statement (prepared.ts) is
 * named by the text it was prepared from. Statements run inside a transaction (the spelling corrections' trigram
 * look-ups) count in "the rest".
 *   tsx bench/search-profile.ts [words|misspelt|hybrid] [--sizes 100000] [--each] [--second]
 */
import type { PGlite } from '@electric-sql/pglite';
import { parseQuery } from '@heimdex/shared-schema/search';
import { LOCAL_USER_ID } from '../client/src/db/api.ts';
import { makeSearchRepo } from '../client/src/db/search.ts';
import { middlingWordQueries, misspelt, openAsTheApp, openLibrary, percentile, sizesFromArgs, vectorQueries, warmUpQueries } from './search.ts';

const KINDS = ['words', 'misspelt', 'hybrid'] as const;
const kind = KINDS.find((k) => process.argv.includes(k)) ?? 'words';
const scenes = sizesFromArgs(process.argv)?.[0] ?? 100_000;

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const short = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 100);

/** Records each statement's wall and CPU time while recording (drizzle runs statements through query, prepared.ts through exec). */
function statementTimes(pg: PGlite) {
  const prepared = new Map<string, string>();
  const statements: { sql: string; ms: number; cpuMs: number }[] = [];
  let recording = false;
  const timedMethod = (method: 'query' | 'exec', label: (text: string) => string) => {
    const original = (pg[method] as (...args: unknown[]) => Promise<unknown>).bind(pg);
    (pg as unknown as Record<string, unknown>)[method] = async (text: string, ...rest: unknown[]) => {
      const preparing = /^prepare (\w+) as ([\s\S]*)$/.exec(text);
      if (preparing) prepared.set(preparing[1]!, short(preparing[2]!));
      const started = { wall: performance.now(), cpu: cpuMs() };
      try {
        return await original(text, ...rest);
      } finally {
        if (recording) statements.push({ sql: label(text), ms: performance.now() - started.wall, cpuMs: cpuMs() - started.cpu });
      }
    };
  };
  timedMethod('query', short);
  timedMethod('exec', (text) => {
    const name = /execute (\w+)/.exec(text)?.[1];
    return name ? `(prepared) ${prepared.get(name) ?? name}` : short(text);
  });
  return {
    async during(work: () => Promise<unknown>) {
      statements.length = 0;
      recording = true;
      const started = { wall: performance.now(), cpu: cpuMs() };
      await work();
      recording = false;
      return { ms: performance.now() - started.wall, cpuMs: cpuMs() - started.cpu, statements: [...statements] };
    },
  };
}

const { pg, library } = await openLibrary(scenes, (line) => console.log(line), false);
try {
  const times = statementTimes(pg);
  const repo = makeSearchRepo(pg, LOCAL_USER_ID);
  await openAsTheApp(pg, repo);
  for (const words of warmUpQueries(library.words)) await repo.searchScenes({ query: parseQuery(words), textVector: null });
  const words = middlingWordQueries(library.words);
  const texts = kind === 'misspelt' ? misspelt(words) : words;
  const vectors = vectorQueries(library.centres, words.length);
  const search = (i: number) => repo.searchScenes({ query: parseQuery(texts[i]!), textVector: kind === 'hybrid' ? vectors[i]! : null });
  // --second: the pass timed is the second over the same queries (their rows and vectors read before).
  if (process.argv.includes('--second')) for (let i = 0; i < texts.length; i++) await search(i);
  const totals: number[] = [];
  const cpuTotals: number[] = [];
  const inStatements: number[] = [];
  const byStatement = new Map<string, { ms: number[]; cpuMs: number[] }>();
  for (let i = 0; i < texts.length; i++) {
    const { ms, cpuMs, statements } = await times.during(() => search(i));
    totals.push(ms);
    cpuTotals.push(cpuMs);
    inStatements.push(statements.reduce((sum, s) => sum + s.ms, 0));
    for (const s of statements) {
      const entry = byStatement.get(s.sql) ?? { ms: [], cpuMs: [] };
      entry.ms.push(s.ms);
      entry.cpuMs.push(s.cpuMs);
      byStatement.set(s.sql, entry);
    }
  }
  // --each: every search's wall time in order (the first ones read the library's pages into PGlite's buffers).
  if (process.argv.includes('--each')) console.log(totals.map((t) => t.toFixed(1)).join(' '));
  const p = (values: number[]) => `${percentile(values, 50).toFixed(2).padStart(6)} ${percentile(values, 95).toFixed(2).padStart(6)}`;
  console.log(`searchScenes ${kind}, ${scenes} scenes, ${process.argv.includes('--second') ? 'second' : 'first'} pass: wall p50/p95 ${p(totals)} ms, CPU ${p(cpuTotals)} ms; in statements (wall) ${p(inStatements)} ms`);
  console.log('  wall p50    p95 | CPU p50    p95 | searches  statement');
  for (const [sql, t] of byStatement) console.log(`  ${p(t.ms)} | ${p(t.cpuMs)} | ${String(t.ms.length).padStart(8)}  ${sql}`);
} finally {
  await pg.close();
}
