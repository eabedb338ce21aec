// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { modelStatus } from '../ml/testing/fixtures.ts';
import type { ModelStatus } from '../ml/registry.ts';
import {
  clipFileName,
  exampleKey,
  examplePath,
  filterPhrase,
  faceMatchLabel,
  modelNotes,
  moreLikePath,
  notSearchedYet,
  playPath,
  reasonPhrases,
  sameTarget,
  searchPath,
  searchTarget,
  splitByConfidence,
  startTimeOf,
  stillIndexingNote,
} from './search-format.ts';

describe('searchTarget', () => {
  it('reads a text query, trimmed', () => {
    expect(searchTarget({ q: '  revenue ' })).toEqual({ kind: 'text', key: 'revenue', query: 'revenue' });
  });
  it('is none for an empty or blank query', () => {
    expect(searchTarget({})).toEqual({ kind: 'none', key: '' });
    expect(searchTarget({ q: '   ' })).toEqual({ kind: 'none', key: '' });
  });
  it('prefers a more-like-this scene, then an example image, over the query', () => {
    expect(searchTarget({ q: 'x', like: 'abc' })).toEqual({ kind: 'like', key: 'example:scene:abc', sceneId: 'abc' });
    expect(searchTarget({ q: 'x', example: 'cat.jpg' })).toEqual({ kind: 'image', key: exampleKey('cat.jpg'), name: 'cat.jpg', imageId: null });
  });
  it('round-trips a picture’s name and the id it is kept under, and tells two pictures of one name apart', () => {
    const id = 'ab'.repeat(32);
    const search = new URLSearchParams(examplePath('my photo.jpg', id).split('?')[1]);
    const target = searchTarget({ example: search.get('example') ?? '', image: search.get('image') ?? '' });
    if (target.kind !== 'image') throw new Error('an image search');
    expect(target).toEqual({ kind: 'image', key: exampleKey('my photo.jpg'), name: 'my photo.jpg', imageId: id });
    expect(examplePath('cat.jpg')).toBe('/search?example=cat.jpg');
    expect(sameTarget(target, { ...target })).toBe(true);
    expect(sameTarget(target, { ...target, imageId: 'cd'.repeat(32) })).toBe(false);
    expect(sameTarget(searchTarget({ q: 'a' }), searchTarget({ q: 'a' }))).toBe(true);
  });
  it('round-trips the query through its path', () => {
    const query = 'person:"Ada Lovelace" text:berlin & 100%';
    const search = new URLSearchParams(searchPath(query).split('?')[1]);
    expect(searchTarget({ q: search.get('q') ?? '' })).toMatchObject({ query });
    expect(searchPath('  ')).toBe('/search');
    expect(moreLikePath('a/b')).toBe('/search?like=a%2Fb');
  });
});

describe('playPath and startTimeOf', () => {
  it('puts the start time in the URL, to the millisecond', () => {
    expect(playPath('v1', 12.34567)).toBe('/video/v1?t=12.346');
    expect(playPath('v1', -1)).toBe('/video/v1?t=0');
    expect(startTimeOf(new URLSearchParams(playPath('v1', 4.5).split('?')[1]).get('t') ?? undefined)).toBe(4.5);
  });
  it('ignores a missing or bad time', () => {
    expect(startTimeOf(undefined)).toBeNull();
    expect(startTimeOf('')).toBeNull();
    expect(startTimeOf('abc')).toBeNull();
    expect(startTimeOf('-3')).toBeNull();
    expect(startTimeOf(['7', '9'])).toBe(7);
  });
});

describe('splitByConfidence', () => {
  it('keeps rank order within each group', () => {
    const hits = [
      { id: 1, confident: false },
      { id: 2, confident: true },
      { id: 3, confident: false },
      { id: 4, confident: true },
    ];
    const { strong, weak } = splitByConfidence(hits);
    expect(strong.map((h) => h.id)).toEqual([2, 4]);
    expect(weak.map((h) => h.id)).toEqual([1, 3]);
  });
});

describe('clipFileName', () => {
  it('names a clip by title and span', () => {
    expect(clipFileName('faces-text', 12, 20, 'video/mp4')).toBe('faces-text 00-12–00-20.mp4');
    expect(clipFileName('Talk', 3725.9, 3790, 'video/webm')).toBe('Talk 01-02-05–01-03-10.webm');
    expect(clipFileName('Talk', 4, 8, 'video/quicktime')).toBe('Talk 00-04–00-08.mov');
  });
  it('makes the title safe for file systems', () => {
    expect(clipFileName('a/b: c?*"<>|\u0001d', 0, 1, 'video/mp4')).toBe('a b c d 00-00–00-01.mp4');
    expect(clipFileName('..hidden', 0, 1, 'video/mp4')).toBe('hidden 00-00–00-01.mp4');
    expect(clipFileName('  ', 0, 1, 'video/mp4')).toBe('Clip 00-00–00-01.mp4');
  });
  it('falls back to Matroska for an unknown type', () => {
    expect(clipFileName('x', 0, 1, '')).toBe('x 00-00–00-01.mkv');
    expect(clipFileName('x', 0, 1, 'video/x-matroska')).toBe('x 00-00–00-01.mkv');
  });
});

describe('modelNotes', () => {
  const model = (overrides: Partial<ModelStatus> & Pick<ModelStatus, 'id' | 'task'>) =>
    modelStatus({ downloadBytes: null, downloadBytesExact: false, storedBytes: 0, bundled: false, ...overrides });
  const installed: ModelStatus[] = [
    model({ id: 'whisper-base', task: 'speech' }),
    model({ id: 'ppocr-v4', task: 'ocr' }),
    model({ id: 'mobileclip-s0', task: 'visual' }),
    model({ id: 'face-api', task: 'faces' }),
  ];
  const without = (...ids: string[]) => installed.map((m) => (ids.includes(m.id) ? { ...m, present: false } : m));

  it('says nothing when every model a search uses is here', () => {
    expect(modelNotes('text', installed)).toEqual([]);
    expect(modelNotes('image', installed)).toEqual([]);
  });

  it('says, for a text query, that spoken words and what scenes show are not searchable yet, with a download', () => {
    expect(modelNotes('text', without('whisper-base', 'mobileclip-s0'))).toEqual([
      { task: 'speech', text: 'Spoken words are not searchable yet.', download: true },
      { task: 'visual', text: 'What scenes show is not searchable yet.', download: true },
    ]);
  });

  it('is plain language: no model id, command or path', () => {
    for (const note of [...modelNotes('text', without('whisper-base', 'ppocr-v4', 'mobileclip-s0')), ...modelNotes('image', without('face-api'))]) {
      expect(note.text).not.toMatch(/npm|`|\/|whisper|mobileclip|ppocr|face-api|models/i);
    }
  });

  it('names only the signals a kind of search uses', () => {
    const none = without('whisper-base', 'ppocr-v4', 'mobileclip-s0', 'face-api');
    expect(modelNotes('image', none).map((n) => n.task)).toEqual(['visual', 'faces']);
    expect(modelNotes('like', none).map((n) => n.task)).toEqual(['visual', 'faces']);
    expect(modelNotes('none', none)).toEqual([]);
  });

  it('looks at the chosen model of a task, not any model of it', () => {
    const models = [
      ...installed.filter((m) => m.task !== 'visual'),
      model({ id: 'mobileclip-s0', task: 'visual', default: true, selected: false }),
      model({ id: 'clip-b32', task: 'visual', default: false, selected: true, present: false }),
    ];
    expect(modelNotes('text', models).map((n) => n.task)).toEqual(['visual']);
    const chosenIsHere = models.map((m) => (m.task === 'visual' ? { ...m, present: !m.present } : m));
    expect(modelNotes('text', chosenIsHere)).toEqual([]);
  });

  it('says a model that is here but could not take part cannot be searched right now, without a download', () => {
    expect(modelNotes('text', installed, ['visual'])).toEqual([
      { task: 'visual', text: 'What scenes show cannot be searched right now.', download: false },
    ]);
    // Before the statuses are known, a task left out is still said, without offering a download.
    expect(modelNotes('image', undefined, ['faces'])).toEqual([
      { task: 'faces', text: 'Faces cannot be searched right now.', download: false },
    ]);
  });
});

describe('why a hit matched, in words', () => {
  const hit = (over: Partial<Parameters<typeof reasonPhrases>[0]>): Parameters<typeof reasonPhrases>[0] => ({
    reasons: [],
    filters: [],
    snippets: [],
    people: [],
    ...over,
  });
  const part = (text: string, highlight = false) => ({ text, highlight });

  it('quotes the highlighted words of what was said and shown', () => {
    const phrases = reasonPhrases(
      hit({
        reasons: ['speech', 'text'],
        snippets: [
          { source: 'speech', parts: [part('Our '), part('quarterly', true), part(' '), part('revenue', true), part(' grew. '), part('Revenue', true)] },
          { source: 'text', parts: [part('QUARTERLY', true), part(' report')] },
        ],
      }),
    );
    expect(phrases).toEqual(['said “quarterly … revenue … Revenue”', 'on screen “QUARTERLY”']);
  });

  it('says a match by meaning was said or shown in other words, beside the words that matched', () => {
    expect(reasonPhrases(hit({ reasons: ['speech', 'meaning'], snippets: [{ source: 'speech', parts: [part('revenue', true), part(' grew')] }] }))).toEqual([
      'said “revenue”',
      'said or shown in other words',
    ]);
  });

  it('still says why when nothing is highlighted (a weaker match)', () => {
    expect(reasonPhrases(hit({ reasons: ['text'], snippets: [{ source: 'text', parts: [part('REVENU report')] }] }))).toEqual([
      'on screen words like yours',
    ]);
  });

  it('names the face, the picture likeness and each filter', () => {
    expect(reasonPhrases(hit({ reasons: ['visual', 'person'], people: ['Alex'] }))).toEqual(['looks like what you searched for', 'face of Alex']);
    expect(reasonPhrases(hit({ reasons: ['person'], people: ['Alex', 'Bo', 'Cy'] }))).toEqual(['face of one of Alex, Bo and Cy']);
    expect(reasonPhrases(hit({ reasons: ['person'] }))).toEqual(['a face like the one searched for']);
    expect(reasonPhrases(hit({ reasons: ['person'], people: ['Alex'], face: { percent: 87, confident: true } }))).toEqual(['face of Alex (same face, 87%)']);
    expect(reasonPhrases(hit({ reasons: ['person'], face: { percent: 62, confident: false } }))).toEqual(['a face like the one searched for (similar face, 62%)']);
    expect(
      reasonPhrases(
        hit({
          reasons: ['person', 'video', 'date'],
          people: ['Alex Morgan', 'Bo'],
          filters: [
            { kind: 'person', names: ['Alex Morgan'] },
            { kind: 'video', title: 'beach trip' },
            { kind: 'date', after: '2024-05-01', before: null },
          ],
        }),
      ),
    ).toEqual(['Alex Morgan is in this scene', 'In “beach trip”', 'after 2024-05-01']);
  });

  it('says each filter plainly', () => {
    expect(filterPhrase({ kind: 'person', names: ['Ada', 'Grace'] })).toBe('Ada and Grace are in this scene');
    expect(filterPhrase({ kind: 'date', after: null, before: '2024-12-31' })).toBe('before 2024-12-31');
    expect(filterPhrase({ kind: 'date', after: '2024-01-01', before: '2024-12-31' })).toBe('between 2024-01-01 and 2024-12-31');
  });
});

describe('faceMatchLabel', () => {
  it('says how close the face is, and whose it is', () => {
    expect(faceMatchLabel({ percent: 87, confident: true }, ['Ada Lovelace'])).toBe('Same face, 87%: Ada Lovelace');
    expect(faceMatchLabel({ percent: 62, confident: false }, [])).toBe('Similar face, 62%');
  });
});

describe('videos not searched yet', () => {
  it('counts the videos being imported or indexed for the first time, not failed, deleted or indexed once', () => {
    const videos = [
      { state: 'UPLOADING', firstIndexing: true },
      { state: 'PROCESSING', firstIndexing: true },
      { state: 'PROCESSING', firstIndexing: false }, // indexed once, its stages run again: searched meanwhile
      { state: 'FAILED', firstIndexing: true },
      { state: 'DELETED', firstIndexing: true },
      { state: 'INDEXED', firstIndexing: false },
    ] as const;
    expect(notSearchedYet(videos)).toBe(2);
    expect(notSearchedYet([])).toBe(0);
    expect(stillIndexingNote(1)).toBe('One video is still being indexed: it will be searched once it is done.');
    expect(stillIndexingNote(2)).toBe('2 videos are still being indexed: they will be searched once they are done.');
  });
});
