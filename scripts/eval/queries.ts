// The queries file of `npm run eval`: its zod schema, and the checks that need the disk (video names, photos).
// Every problem is collected and reported at once, each with where it is ("queries[3].expect[0].video").
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { z } from 'zod';
import { QUERY_KINDS, type QueryKind, type TimeRange } from './metrics.ts';

/** What the app's import accepts (client ImportInput's `accept`), so the harness imports what a user could. */
export const VIDEO_EXTENSIONS = ['.mp4', '.mov', '.mkv', '.webm', '.m4v', '.avi'];
const PHOTO_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp'];

const range = z
  .object({
    video: z.string().min(1, 'needs the video file name'),
    start_s: z.number().nonnegative(),
    end_s: z.number().nonnegative(),
  })
  .strict()
  .refine((r) => r.end_s >= r.start_s, { message: 'end_s must not be before start_s' });

const id = z.string().trim().min(1, 'needs an id');
const text = z.string().trim().min(1, 'must not be empty');

const positive = (kind: 'speech' | 'ocr' | 'visual' | 'meaning') =>
  z.object({ id, kind: z.literal(kind), query: text, expect: z.array(range).min(1, 'needs at least one expected range') }).strict();

const querySchema = z.discriminatedUnion(
  'kind',
  [
    positive('speech'),
    positive('ocr'),
    positive('visual'),
    positive('meaning'),
    z
      .object({
        id,
        kind: z.literal('face'),
        query: text.describe('path of a reference photo, relative to the queries file'),
        expect: z.array(range).min(1, 'needs at least one expected range'),
      })
      .strict(),
    z
      .object({
        id,
        kind: z.literal('negative'),
        query: text,
        // "face": the query is a photo of someone who is in none of the videos.
        by: z.enum(['text', 'face']).default('text'),
        expect: z.array(range).max(0, 'a negative query expects nothing').default([]),
      })
      .strict(),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? `kind must be one of ${QUERY_KINDS.join(', ')}` : undefined) },
);

export const queriesSchema = z.array(querySchema).min(1, 'the file has no queries');

/** A query as the harness runs it: photos resolved to absolute paths. */
export interface EvalQuery {
  id: string;
  kind: QueryKind;
  /** Text for the search box, or (face queries, negatives by face) the absolute path of the photo. */
  query: string;
  /** The query is a photo searched by example (search by that face). */
  byPhoto: boolean;
  expect: TimeRange[];
}

export class QueriesError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.length === 1 ? problems[0] : `${problems.length} problems:\n  - ${problems.join('\n  - ')}`}`);
    this.name = 'QueriesError';
  }
}

function where(path: readonly PropertyKey[]): string {
  return path.reduce<string>((at, key) => (typeof key === 'number' ? `${at}[${key}]` : `${at}.${String(key)}`), 'queries');
}

/** The video files of a folder (not recursive), sorted by name. */
export function listVideos(videosDir: string): string[] {
  if (!existsSync(videosDir) || !statSync(videosDir).isDirectory()) throw new Error(`videos folder ${videosDir} does not exist`);
  const names = readdirSync(videosDir)
    .filter((name) => VIDEO_EXTENSIONS.includes(extname(name).toLowerCase()))
    .sort();
  if (names.length === 0) throw new Error(`videos folder ${videosDir} has no video files (${VIDEO_EXTENSIONS.join(' ')})`);
  return names;
}

/**
 * Parses and checks a queries document (already JSON-decoded). `queriesFile` is where it came from:
 * photo paths are relative to it. Throws QueriesError listing every problem.
 */
export function parseQueries(json: unknown, queriesFile: string, videoNames: readonly string[]): EvalQuery[] {
  const parsed = queriesSchema.safeParse(json);
  if (!parsed.success) {
    throw new QueriesError(
      queriesFile,
      parsed.error.issues.map((issue) => `${where(issue.path)}: ${issue.message}`),
    );
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  const known = new Set(videoNames);
  const queries = parsed.data.map((q, i): EvalQuery => {
    if (seen.has(q.id)) problems.push(`queries[${i}].id: "${q.id}" is used by an earlier query`);
    seen.add(q.id);
    q.expect.forEach((r, j) => {
      if (!known.has(r.video)) {
        problems.push(`queries[${i}].expect[${j}].video: "${r.video}" is not in the videos folder (it has ${videoNames.join(', ')})`);
      }
    });
    const byPhoto = q.kind === 'face' || (q.kind === 'negative' && q.by === 'face');
    let query = q.query;
    if (byPhoto) {
      query = resolve(dirname(queriesFile), q.query);
      if (!PHOTO_EXTENSIONS.includes(extname(query).toLowerCase())) {
        problems.push(`queries[${i}].query: "${q.query}" should be a photo (${PHOTO_EXTENSIONS.join(' ')})`);
      } else if (!existsSync(query)) {
        problems.push(`queries[${i}].query: photo "${q.query}" not found (looked at ${query})`);
      }
    }
    return { id: q.id, kind: q.kind, query, byPhoto, expect: q.expect };
  });
  if (problems.length > 0) throw new QueriesError(queriesFile, problems);
  return queries;
}

export function loadQueries(queriesFile: string, videoNames: readonly string[]): EvalQuery[] {
  if (!existsSync(queriesFile)) throw new QueriesError(queriesFile, ['file not found']);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(queriesFile, 'utf8'));
  } catch (error) {
    throw new QueriesError(queriesFile, [`not valid JSON: ${(error as Error).message}`]);
  }
  return parseQueries(json, queriesFile, videoNames);
}

/** The name the search page reports for an example search ("example:<file name>"). */
export const exampleQueryLabel = (photoPath: string) => `example:${basename(photoPath)}`;
