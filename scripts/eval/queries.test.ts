// @vitest-environment node
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listVideos, loadQueries, parseQueries, QueriesError } from './queries.ts';

const dir = mkdtempSync(join(tmpdir(), 'heimdex-eval-queries-'));
mkdirSync(join(dir, 'photos'));
writeFileSync(join(dir, 'photos', 'ada.jpg'), 'not really a jpeg; only its existence is checked');
const file = join(dir, 'queries.json');
const videos = ['a.mp4', 'b.mov'];

const problems = (json: unknown): string[] => {
  try {
    parseQueries(json, file, videos);
  } catch (error) {
    if (error instanceof QueriesError) return error.problems;
    throw error;
  }
  throw new Error('expected the queries to be refused');
};

describe('queries file', () => {
  it('accepts every kind, resolves photos next to the file and defaults negatives', () => {
    const queries = parseQueries(
      [
        { id: 'o', kind: 'ocr', query: 'invoice', expect: [{ video: 'a.mp4', start_s: 1, end_s: 2 }] },
        { id: 'f', kind: 'face', query: 'photos/ada.jpg', expect: [{ video: 'b.mov', start_s: 0, end_s: 3 }] },
        { id: 'n', kind: 'negative', query: 'zebra' },
        { id: 'nf', kind: 'negative', by: 'face', query: 'photos/ada.jpg' },
      ],
      file,
      videos,
    );
    expect(queries.map((q) => [q.id, q.byPhoto])).toEqual([
      ['o', false],
      ['f', true],
      ['n', false],
      ['nf', true],
    ]);
    expect(queries[1]!.query).toBe(join(dir, 'photos', 'ada.jpg'));
    expect(queries[2]!.expect).toEqual([]);
  });

  it('says where each missing or wrong field is', () => {
    const found = problems([
      { id: 'a', kind: 'ocr', query: '', expect: [{ video: 'a.mp4', start_s: 1, end_s: 2 }] },
      { id: 'b', kind: 'ocr', query: 'x', expect: [] },
      { id: 'c', kind: 'ocr', query: 'x', expect: [{ video: 'a.mp4', start_s: 3, end_s: 2 }] },
      { id: 'd', kind: 'speech', query: 'x' },
      { kind: 'ocr', query: 'x', expect: [{ video: 'a.mp4', start_s: 1, end_s: 2 }] },
      { id: 'e', kind: 'subtitles', query: 'x', expect: [] },
      { id: 'f', kind: 'negative', query: 'x', expect: [{ video: 'a.mp4', start_s: 1, end_s: 2 }] },
    ]);
    expect(found).toEqual([
      'queries[0].query: must not be empty',
      'queries[1].expect: needs at least one expected range',
      'queries[2].expect[0]: end_s must not be before start_s',
      expect.stringMatching(/^queries\[3\]\.expect: /),
      expect.stringMatching(/^queries\[4\]\.id: /),
      'queries[5].kind: kind must be one of speech, ocr, face, visual, meaning, negative',
      'queries[6].expect: a negative query expects nothing',
    ]);
  });

  it('refuses unknown videos, missing photos, non-photos and duplicate ids, all at once', () => {
    const found = problems([
      { id: 'a', kind: 'ocr', query: 'x', expect: [{ video: 'c.mp4', start_s: 1, end_s: 2 }] },
      { id: 'a', kind: 'face', query: 'photos/bob.jpg', expect: [{ video: 'a.mp4', start_s: 1, end_s: 2 }] },
      { id: 'c', kind: 'face', query: 'photos/ada.txt', expect: [{ video: 'a.mp4', start_s: 1, end_s: 2 }] },
    ]);
    expect(found).toEqual([
      'queries[0].expect[0].video: "c.mp4" is not in the videos folder (it has a.mp4, b.mov)',
      'queries[1].id: "a" is used by an earlier query',
      `queries[1].query: photo "photos/bob.jpg" not found (looked at ${join(dir, 'photos', 'bob.jpg')})`,
      'queries[2].query: "photos/ada.txt" should be a photo (.jpg .jpeg .png .webp)',
    ]);
  });

  it('reports a file that is not JSON, not an array or missing', () => {
    writeFileSync(file, '[{"id": "a",');
    expect(() => loadQueries(file, videos)).toThrow(/queries\.json: not valid JSON/);
    writeFileSync(file, '{"id": "a"}');
    expect(() => loadQueries(file, videos)).toThrow(/queries: /);
    expect(() => loadQueries(join(dir, 'nope.json'), videos)).toThrow(/nope\.json: file not found/);
  });

  it('lists only the video files of a folder, and refuses an empty or missing one', () => {
    const videosDir = join(dir, 'videos');
    mkdirSync(videosDir);
    expect(() => listVideos(videosDir)).toThrow('has no video files');
    for (const name of ['b.MP4', 'a.webm', 'notes.txt']) writeFileSync(join(videosDir, name), '');
    expect(listVideos(videosDir)).toEqual(['a.webm', 'b.MP4']);
    expect(() => listVideos(join(dir, 'missing'))).toThrow('does not exist');
  });
});

describe('the shipped dev corpus queries (tests/eval/queries.json)', () => {
  it('are valid against the generated corpus (npm run fixtures)', () => {
    const corpus = 'tests/fixtures/generated/eval/videos';
    const queries = loadQueries('tests/eval/queries.json', listVideos(corpus));
    const kinds = new Set(queries.map((q) => q.kind));
    expect([...kinds].sort()).toEqual(['face', 'meaning', 'negative', 'ocr', 'speech', 'visual']);
  });
});
