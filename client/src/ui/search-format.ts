/**
 * Pure helpers of the search UI: its URLs, the search behind a URL, reason labels, and clip file names.
 * No DOM, no Solid: unit-tested in Node.
 */
import type { ModelStatus, ModelTask } from '../ml/registry.ts';
import type { MatchedFilter, MatchReason } from '@heimdex/shared-schema/search';
import type { SearchHit } from '../search/types.ts';
import type { VideoCard } from '../app/cards.ts';
import { formatTimecode } from './format.ts';

export const REASON_LABELS: Record<MatchReason, string> = {
  speech: 'Speech',
  text: 'On-screen text',
  visual: 'Visual',
  person: 'Person',
  video: 'Video',
  date: 'Date',
  meaning: 'Said something like this',
};

/** "A", "A and B", "A, B and C". */
function listOf(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** What a filter the hit is there for says: "In “beach trip”", "after 2024-05-01", "Alex is in this scene". */
export function filterPhrase(filter: MatchedFilter): string {
  switch (filter.kind) {
    case 'person':
      return `${listOf(filter.names)} ${filter.names.length === 1 ? 'is' : 'are'} in this scene`;
    case 'video':
      return `In “${filter.title}”`;
    case 'date':
      if (filter.after && filter.before) return `between ${filter.after} and ${filter.before}`;
      return filter.after ? `after ${filter.after}` : `before ${filter.before}`;
  }
}

/** The words a snippet highlights, once each, in order: what matched. */
function highlightedWords(hit: Pick<SearchHit, 'snippets'>, source: 'speech' | 'text'): string[] {
  const words = hit.snippets
    .filter((snippet) => snippet.source === source)
    .flatMap((snippet) => snippet.parts.filter((part) => part.highlight).map((part) => part.text.trim()));
  return [...new Set(words.filter(Boolean))];
}

/**
 * Why a hit matched, in words, one phrase per reason: "said “revenue”", "on screen “BERLIN”", "face of Alex",
 * "looks like what you searched for", "said or shown in other words", "In “beach trip”", "after 2024-05-01". The card's accessible
 * label reads them.
 */
export function reasonPhrases(hit: Pick<SearchHit, 'reasons' | 'filters' | 'snippets' | 'people' | 'face'>): string[] {
  const quoted = (words: string[]) => (words.length > 0 ? ` “${words.join(' … ')}”` : ' words like yours');
  const personFilter = hit.filters.find((f) => f.kind === 'person');
  return hit.reasons.flatMap((reason): string[] => {
    switch (reason) {
      case 'speech':
        return [`said${quoted(highlightedWords(hit, 'speech'))}`];
      case 'text':
        return [`on screen${quoted(highlightedWords(hit, 'text'))}`];
      case 'visual':
        return ['looks like what you searched for'];
      case 'meaning':
        return ['said or shown in other words'];
      case 'person':
        if (personFilter) return [filterPhrase(personFilter)];
        return [
          (hit.people.length > 0 ? `face of ${hit.people.length === 1 ? '' : 'one of '}${listOf(hit.people)}` : 'a face like the one searched for') +
            (hit.face ? ` (${hit.face.confident ? 'same face' : 'similar face'}, ${hit.face.percent}%)` : ''),
        ];
      case 'video':
      case 'date':
        return hit.filters.filter((f) => f.kind === reason).map(filterPhrase);
    }
  });
}

/** What the search page shows, read from its URL (so reload, back and shared links work). */
export type SearchTarget =
  | { kind: 'none'; key: '' }
  | { kind: 'text'; key: string; query: string }
  | { kind: 'like'; key: string; sceneId: string }
  /** `imageId`: the kept picture's id (null in a link from before pictures were kept: it cannot survive a reload). */
  | { kind: 'image'; key: string; name: string; imageId: string | null };

/** The key of an example search: what the status element's data-query says for it. */
export const exampleKey = (name: string) => `example:${name}`;

export function searchTarget(params: {
  q?: string | string[];
  like?: string | string[];
  example?: string | string[];
  image?: string | string[];
}): SearchTarget {
  const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? '';
  const like = one(params.like).trim();
  if (like) return { kind: 'like', key: exampleKey(`scene:${like}`), sceneId: like };
  const example = one(params.example).trim();
  if (example) return { kind: 'image', key: exampleKey(example), name: example, imageId: one(params.image).trim() || null };
  const query = one(params.q).trim();
  return query ? { kind: 'text', key: query, query } : { kind: 'none', key: '' };
}

/** A search signal that is off because of its model, said next to the results. */
export interface ModelNote {
  task: ModelTask;
  text: string;
  /** The model is not on this device: a Download link (to Settings) goes with the note; else a link to Settings, which says why. */
  download: boolean;
}

/** The signals each kind of search draws on, in the order their notes are shown. */
const SEARCH_TASKS: Record<Exclude<SearchTarget['kind'], 'none'>, readonly ModelTask[]> = {
  text: ['speech', 'ocr', 'visual', 'meaning'],
  image: ['visual', 'faces'],
  like: ['visual', 'faces'],
};

const NOT_INSTALLED: Record<ModelTask, string> = {
  speech: 'Spoken words are not searchable yet.',
  ocr: 'On-screen text is not searchable yet.',
  visual: 'What scenes show is not searchable yet.',
  faces: 'Faces are not searchable yet.',
  meaning: 'Searching by meaning is not available yet.',
};

/** Installed, yet it could not take part (it failed to load): Settings says why. */
const NOT_AVAILABLE_NOW: Record<ModelTask, string> = {
  speech: 'Spoken words cannot be searched right now.',
  ocr: 'On-screen text cannot be searched right now.',
  visual: 'What scenes show cannot be searched right now.',
  faces: 'Faces cannot be searched right now.',
  meaning: 'Searching by meaning is not available right now.',
};

/**
 * What to say about the models of a search: for each signal it draws on, whether the chosen model of its
 * task is not installed (say so, offer the download), or it is but could not take part in this search
 * (`unavailable`: it failed to load). `models` is undefined while their status is not known yet.
 */
export function modelNotes(
  kind: SearchTarget['kind'],
  models: readonly ModelStatus[] | undefined,
  unavailable: readonly ModelTask[] = [],
): ModelNote[] {
  if (kind === 'none') return [];
  const tasks = [...new Set([...SEARCH_TASKS[kind], ...unavailable])];
  return tasks.flatMap((task): ModelNote[] => {
    const ofTask = (models ?? []).filter((model) => model.task === task);
    const chosen = ofTask.find((model) => model.selected) ?? ofTask.find((model) => model.default);
    if (chosen && !chosen.present) return [{ task, text: NOT_INSTALLED[task], download: true }];
    if (unavailable.includes(task)) return [{ task, text: NOT_AVAILABLE_NOW[task], download: false }];
    return [];
  });
}

/**
 * The library's videos no search reads yet: being imported or indexed for the first time (videos.firstIndexing),
 * neither failed nor deleted.
 */
export const notSearchedYet = (videos: readonly Pick<VideoCard, 'state' | 'firstIndexing'>[]) =>
  videos.filter((v) => v.firstIndexing && v.state !== 'FAILED' && v.state !== 'DELETED').length;

/** What the search page says while `videos` (notSearchedYet) are left out. */
export const stillIndexingNote = (videos: number) =>
  videos === 1
    ? 'One video is still being indexed: it will be searched once it is done.'
    : `${videos} videos are still being indexed: they will be searched once they are done.`;

/** Router paths (the hash router adds the '#'). */
export const searchPath = (query: string) => (query.trim() ? `/search?q=${encodeURIComponent(query)}` : '/search');
export const moreLikePath = (sceneId: string) => `/search?like=${encodeURIComponent(sceneId)}`;
/** A search by a picture: its name (what the page says) and the id it is kept under on this device, when kept. */
export const examplePath = (name: string, imageId: string | null = null) =>
  `/search?example=${encodeURIComponent(name)}${imageId ? `&image=${encodeURIComponent(imageId)}` : ''}`;

/** Two targets are the same search (a new picture under the same name is another search). */
export const sameTarget = (a: SearchTarget, b: SearchTarget) =>
  a.key === b.key && (a.kind !== 'image' || (b.kind === 'image' && a.imageId === b.imageId));
/** The Video page playing from `timeS` (to the millisecond: enough to land on the spoken word). */
export const playPath = (videoId: string, timeS: number) =>
  `/video/${encodeURIComponent(videoId)}?t=${Math.max(0, Math.round(timeS * 1000) / 1000)}`;

/** The `t` of a Video page URL as seconds, or null when absent or not a time. */
export function startTimeOf(value: string | string[] | undefined): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return null;
  const seconds = Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

/** Confident hits first (in rank order), then the weaker ones (in rank order). */
export function splitByConfidence<T extends Pick<SearchHit, 'confident'>>(hits: readonly T[]): { strong: T[]; weak: T[] } {
  return { strong: hits.filter((hit) => hit.confident), weak: hits.filter((hit) => !hit.confident) };
}

/** "0:12" → "00-12", "1:02:05" → "01-02-05": a timecode that is safe in a file name and sorts. */
function fileTimecode(seconds: number): string {
  const [first = '0', ...rest] = formatTimecode(seconds).split(':');
  return [first.padStart(2, '0'), ...rest].join('-');
}

const MIME_EXTENSIONS: Record<string, string> = {
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
  'video/x-matroska': 'mkv',
};

/**
 * The download name of a clip: "<title> 00-12–00-20.mp4". Characters that some file systems refuse
 * (/ \ : * ? " < > | and control characters) become spaces; an empty title becomes "Clip".
 */
export function clipFileName(title: string, startS: number, endS: number, mime: string): string {
  const safe = title.replace(/[/\\:*?"<>|\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim().replace(/^\.+/, '').slice(0, 120).trim();
  const extension = MIME_EXTENSIONS[mime.split(';')[0]!.trim()] ?? 'mkv';
  return `${safe || 'Clip'} ${fileTimecode(startS)}–${fileTimecode(endS)}.${extension}`;
}

/** The query syntax, as the help text shows it. */
export const SEARCH_SYNTAX: { example: string; meaning: string }[] = [
  { example: 'revenue report', meaning: 'scenes where these words are said or shown' },
  { example: '"quarterly revenue"', meaning: 'an exact phrase' },
  { example: 'person:Alice', meaning: 'scenes with a person you named (quotes for full names: person:"Ada Lovelace")' },
  { example: 'said:budget', meaning: 'only in what is spoken' },
  { example: 'text:berlin', meaning: 'only in on-screen text' },
  { example: 'video:holiday', meaning: 'only in videos whose title or file name contains this' },
  { example: 'after:2026-01-01', meaning: 'only videos from this date on' },
  { example: 'before:2026-03-31', meaning: 'only videos up to this date' },
];

// ---- faces (issue 11) ---------------------------------------------------------------------------------------

/** The person chip of a hit found by a face: how close the face is ("Same face, 87%"), and whose it is. */
export function faceMatchLabel(face: NonNullable<SearchHit['face']>, people: readonly string[]): string {
  const closeness = `${face.confident ? 'Same face' : 'Similar face'}, ${face.percent}%`;
  return people.length > 0 ? `${closeness}: ${people.join(', ')}` : closeness;
}
