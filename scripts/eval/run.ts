// runEval: imports a folder of videos into the real app, runs every query through its search, and scores
// the ranked hits. Used by the CLI (`npm run eval`) and by tests/browser/eval.test.ts.
import { join } from 'node:path';
import { startApp } from './app.ts';
import { importAndWait, openLibrary, openSearch, readModels, searchByExample, searchText, type ModelRow, type VideoOutcome } from './driver.ts';
import { scoreQuery, summarize, type KindSummary, type QueryKind, type QueryScore, type RankedHit, type ThresholdOutcome } from './metrics.ts';
import { formatReport } from './report.ts';
import { listVideos, loadQueries, type EvalQuery } from './queries.ts';

export interface EvalOptions {
  videosDir: string;
  queriesFile: string;
  /** The built app (default: $HEIMDEX_DIST or dist/). */
  distDir?: string | null;
  timeoutMin?: number;
  /** Kinds not to measure, with the reason (besides those whose model is not installed). */
  skip?: Partial<Record<QueryKind, string>>;
  log?: (line: string) => void;
}

export interface QueryResult {
  query: EvalQuery;
  /** Every hit the search page listed, in rank order. */
  hits: RankedHit[];
  score: QueryScore;
  error: string | null;
  ms: number;
}

export interface EvalResult {
  videos: VideoOutcome[];
  /** Files the app did not add (refused, or duplicates), with its message. */
  refused: string[];
  indexingMs: number;
  models: ModelRow[];
  /** Kind -> why it was not measured (its queries were not run). */
  notMeasured: Partial<Record<QueryKind, string>>;
  results: QueryResult[];
  summary: KindSummary[];
  /** Searches that failed in the app: the run cannot be trusted. */
  errors: string[];
}

/** The model task each kind of query depends on. */
const TASK_OF: Partial<Record<QueryKind, string>> = { speech: 'speech', ocr: 'ocr', face: 'faces', visual: 'visual', meaning: 'meaning' };

export function unmeasuredForModels(models: readonly ModelRow[]): Partial<Record<QueryKind, string>> {
  const notMeasured: Partial<Record<QueryKind, string>> = {};
  for (const [kind, task] of Object.entries(TASK_OF) as [QueryKind, string][]) {
    const rows = models.filter((m) => m.task === task);
    if (rows.some((m) => m.present)) continue;
    const names = rows.map((m) => m.id).join(' / ') || 'no model listed';
    notMeasured[kind] = `${task} model not installed (${names}): neither this server nor its source had it (\`npm run models:fetch\` puts it on the server)`;
  }
  return notMeasured;
}

export async function runEval(options: EvalOptions): Promise<EvalResult> {
  const log = options.log ?? (() => undefined);
  const videoNames = listVideos(options.videosDir);
  const queries = loadQueries(options.queriesFile, videoNames);
  const app = await startApp(options.distDir ?? process.env.HEIMDEX_DIST ?? 'dist');
  try {
    const { page, url } = app;
    // The models first (a fresh profile holds none): what is not on the device is skipped while indexing, and not measured.
    const models = await readModels(page, url);
    log(`models on this device: ${models.filter((m) => m.present).map((m) => m.id).join(', ') || 'none'}`);
    await openLibrary(page, url);
    log(`importing ${videoNames.length} videos from ${options.videosDir}`);
    const started = Date.now();
    const { videos, refused } = await importAndWait(
      page,
      videoNames.map((name) => join(options.videosDir, name)),
      (options.timeoutMin ?? 30) * 60_000,
      log,
    );
    const indexingMs = Date.now() - started;
    const failed = videos.filter((v) => v.state === 'FAILED');
    log(`indexed ${videos.length - failed.length}/${videos.length} videos in ${(indexingMs / 1000).toFixed(1)} s`);
    for (const v of failed) log(`!!! FAILED to index ${v.title}: ${v.error ?? 'no reason shown'}${v.details ? ` (details: ${v.details})` : ''}`);
    for (const line of refused) log(`!!! NOT IMPORTED: ${line}`);

    const notMeasured = { ...unmeasuredForModels(models), ...options.skip };
    for (const [kind, reason] of Object.entries(notMeasured)) {
      if (queries.some((q) => q.kind === kind)) log(`!!! ${kind.toUpperCase()} NOT MEASURED (its queries are not run): ${reason}`);
    }

    await openSearch(page, url);
    const results: QueryResult[] = [];
    const errors: string[] = [];
    for (const query of queries.filter((q) => notMeasured[q.kind] === undefined)) {
      const outcome = query.byPhoto ? await searchByExample(page, query.query) : await searchText(page, query.query);
      if (outcome.error) errors.push(`${query.id}: ${outcome.error}`);
      const score = scoreQuery(query, outcome.hits);
      // A search that failed found nothing, and that is no pass for a negative either.
      if (outcome.error && score.passed !== null) score.passed = false;
      results.push({ query, hits: outcome.hits, score, error: outcome.error, ms: outcome.ms });
    }
    const counts: Partial<Record<QueryKind, number>> = {};
    for (const q of queries) counts[q.kind] = (counts[q.kind] ?? 0) + 1;
    return {
      videos,
      refused,
      indexingMs,
      models,
      notMeasured,
      results,
      summary: summarize(
        results.map((r) => r.score),
        counts,
        notMeasured,
      ),
      errors,
    };
  } catch (error) {
    if (app.logs.length > 0) log(`page console (last 40 lines):\n${app.logs.slice(-40).join('\n')}`);
    throw error;
  } finally {
    await app.close();
  }
}

export interface OutHit {
  video: string;
  start_s: number;
  end_s: number;
  score: number;
  reasons: string[];
}

/** The `--out` file: per query, its confident hits best first, at most 10. */
export function rankedHitsJson(results: readonly QueryResult[]): { id: string; hits: OutHit[] }[] {
  return results.map((r) => ({
    id: r.query.id,
    hits: r.hits
      .filter((h) => h.confident)
      .slice(0, 10)
      .map(({ video, start_s, end_s, score, reasons }) => ({ video, start_s, end_s, score, reasons })),
  }));
}

const span = (h: { video: string; start_s: number; end_s: number }) => `${h.video} ${h.start_s.toFixed(1)}–${h.end_s.toFixed(1)} s`;

/** One line per query that did not fully succeed, saying what the search returned instead. */
export function missLines(results: readonly QueryResult[]): string[] {
  const lines: string[] = [];
  for (const { query, hits, score, error } of results) {
    const label = `${query.id} (${query.kind}) "${query.byPhoto ? query.query.split('/').pop() : query.query}"`;
    const top = hits[0] ? `top hit ${span(hits[0])}${hits[0].confident ? ' (confident)' : ''}` : 'no hits';
    if (error) lines.push(`${label}: the search failed: ${error}`);
    else if (query.kind === 'negative') {
      const wrong = hits.find((h) => h.confident);
      if (wrong) lines.push(`${label}: expected nothing confident, got ${span(wrong)} [${wrong.reasons.join(',')}]`);
    } else if (score.firstRelevantRank !== null && !hits[score.firstRelevantRank - 1]!.confident) {
      lines.push(`${label}: found at rank ${score.firstRelevantRank} only as a weaker match (not confident)`);
    } else if ((score.scores?.all.recall5 ?? 0) < 1 || score.firstRelevantRank !== 1) {
      const rank = score.firstRelevantRank === null ? 'not in the results' : `first relevant at rank ${score.firstRelevantRank}`;
      lines.push(`${label}: expected ${query.expect.map(span).join(' or ')}; ${rank}; ${top}`);
    }
  }
  return lines;
}

/** The printed report of a run (the table, timings, misses and threshold outcomes). */
export function reportOfRun(result: EvalResult, thresholds: ThresholdOutcome[]): string {
  return formatReport({
    summary: result.summary,
    videos: result.videos.length,
    failedVideos: result.videos.filter((v) => v.state === 'FAILED').length,
    indexingMs: result.indexingMs,
    searches: result.results.map((r) => ({ id: r.query.id, ms: r.ms })),
    misses: missLines(result.results),
    thresholds,
  });
}
