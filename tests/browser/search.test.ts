// @vitest-environment node
// Search end to end in a real headless Chromium: the box in the top bar, ranked scene cards, keyboard,
// search by example, "More like this" and clip export — over videos indexed by the real pipeline.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { fixture, FIXTURE_DIR } from './fixtures.ts';
import { useApp, type RunningServer } from './harness.ts';

interface Truth {
  cuts: number[];
  durationS: number;
  faces: number[];
  ocrWords: string[][];
}
const truth = JSON.parse(readFileSync(`${FIXTURE_DIR}/truth.json`, 'utf8')) as Record<string, Truth>;
const facesText = truth['faces-text.mp4']!;
/** The title card: "QUARTERLY REVENUE 2026 / Meeting with Alice in Berlin". */
const TEXT_SCENE = facesText.ocrWords.findIndex((words) => words.includes('REVENUE'));
const textSceneStart = TEXT_SCENE === 0 ? 0 : facesText.cuts[TEXT_SCENE - 1]!;
const textSceneEnd = facesText.cuts[TEXT_SCENE] ?? facesText.durationS;

const app = useApp();
let page: Page;
let server: RunningServer;
const scratch = mkdtempSync(join(tmpdir(), 'heimdex-search-test-'));
beforeAll(async () => {
  ({ page, server } = app);
  await page.getByTestId('import-input').setInputFiles([fixture('faces-text.mp4'), fixture('cuts-a.mp4')]);
  for (const title of ['faces-text', 'cuts-a']) {
    await page
      .getByTestId('video-card')
      .filter({ has: page.getByTestId('video-title').getByText(title, { exact: true }) })
      .and(page.locator('[data-state="INDEXED"]'))
      .waitFor({ timeout: 300_000 });
  }
}, 320_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Hit {
  sceneId: string;
  videoId: string;
  fileName: string;
  start: number;
  end: number;
  playFrom: number;
  score: number;
  confident: boolean;
  reasons: string[];
  /** The card's visible text (snippets, reasons): what a failed expectation prints. */
  text: string;
}

const hitLocator = () => page.getByTestId('search-hit');
const statusFor = (query: string, state = 'done') =>
  page.locator(`[data-testid="search-status"][data-state="${state}"][data-query=${JSON.stringify(query)}]`);

async function readHits(): Promise<Hit[]> {
  return hitLocator().evaluateAll((els) =>
    els.map((el) => ({
      sceneId: el.getAttribute('data-scene-id') ?? '',
      videoId: el.getAttribute('data-video-id') ?? '',
      fileName: el.getAttribute('data-file-name') ?? '',
      start: Number(el.getAttribute('data-start')),
      end: Number(el.getAttribute('data-end')),
      playFrom: Number(el.getAttribute('data-play-from')),
      score: Number(el.getAttribute('data-score')),
      confident: el.getAttribute('data-confident') === 'true',
      reasons: (el.getAttribute('data-reasons') ?? '').split(',').filter(Boolean),
      text: (el.textContent ?? '').replace(/\s+/g, ' ').trim(),
    })),
  );
}

/** Types into the top-bar box like a person and waits for the results of exactly this query. */
async function searchFor(query: string): Promise<Hit[]> {
  const box = page.getByTestId('search-input');
  await box.fill('');
  await box.pressSequentially(query, { delay: 15 });
  await statusFor(query).waitFor({ timeout: 30_000 });
  const hits = await readHits();
  // Confident matches come first; weaker ones only below the divider.
  const firstWeak = hits.findIndex((hit) => !hit.confident);
  if (firstWeak !== -1) {
    expect(hits.slice(firstWeak).every((hit) => !hit.confident)).toBe(true);
    await page.getByTestId('weak-divider').waitFor({ timeout: 1000 });
  }
  return hits;
}

function expectTextSceneFirst(hits: Hit[]) {
  const top = hits[0];
  expect(top, 'a hit').toBeDefined();
  expect(top!.fileName).toBe('faces-text.mp4');
  expect(Math.abs(top!.start - textSceneStart)).toBeLessThanOrEqual(0.5);
  expect(Math.abs(top!.end - textSceneEnd)).toBeLessThanOrEqual(0.5);
  expect(top!.confident, `the top hit is a confident match: ${JSON.stringify(hits.slice(0, 3))}`).toBe(true);
  expect(top!.reasons).toContain('text');
}

const hitCard = (index: number): Locator => hitLocator().nth(index);

describe('search', () => {
  it('shows the syntax help before anything is typed', async () => {
    await page.goto(`${server.url}/#/search`);
    await page.locator('[data-testid="search-status"][data-state="idle"]').waitFor();
    const help = await page.getByTestId('search-help').textContent();
    for (const filter of ['person:', 'said:', 'text:', 'video:', 'after:']) expect(help).toContain(filter);
    await expect(page.getByTestId('example-input').getAttribute('accept')).resolves.toBe('image/*');
  });

  it('finds on-screen text as you type: the title card first, the word highlighted, the query in the URL', async () => {
    await page.goto(`${server.url}/#/`);
    await page.getByTestId('import-input').waitFor({ state: 'attached' });
    const hits = await searchFor('revenue');
    expectTextSceneFirst(hits);
    expect(page.url()).toContain('#/search?q=revenue');
    const marked = await hitCard(0).locator('[data-testid="hit-snippet"] mark').allTextContents();
    expect(marked.map((word) => word.toLowerCase())).toContain('revenue');
    await expect(hitCard(0).locator('[data-reason="text"]').textContent()).resolves.toBe('On-screen text');
    // The search box kept the focus while typing took it from the Library to the search page.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('search-input');
  });

  it('keeps the search across a reload', async () => {
    await page.reload();
    await statusFor('revenue').waitFor({ timeout: 60_000 });
    expectTextSceneFirst(await readHits());
    await expect(page.getByTestId('search-input').inputValue()).resolves.toBe('revenue');
  });

  it('reads each card’s thumbnail as the card comes into view, not with the search', async () => {
    const wide = page.viewportSize()!;
    await page.setViewportSize({ width: 400, height: 300 });
    try {
      const query = 'after:2000-01-01';
      await page.goto(`${server.url}/#/search?q=${encodeURIComponent(query)}`);
      await statusFor(query).waitFor({ timeout: 60_000 });
      const hits = await readHits();
      expect(hits.length, 'every scene of both videos').toBe(6);
      const shown = (card: Locator) => card.locator('img').evaluateAll((imgs) => imgs.some((img) => (img as HTMLImageElement).naturalWidth > 0));
      await expect.poll(() => shown(hitCard(0)), { timeout: 10_000 }).toBe(true);
      const last = hitCard(hits.length - 1);
      expect(await last.locator('img').count(), 'a card screens further down has not been read').toBe(0);
      await last.scrollIntoViewIfNeeded();
      await expect.poll(() => shown(last), { timeout: 10_000 }).toBe(true);
    } finally {
      await page.setViewportSize(wide);
    }
  });

  it('forgives a typo and understands text: filters', async () => {
    expectTextSceneFirst(await searchFor('quartely'));
    expectTextSceneFirst(await searchFor('text:berlin'));
  });

  it('shows only the answer to the last query when typing fast', async () => {
    const box = page.getByTestId('search-input');
    await box.fill('');
    await box.pressSequentially('submarine', { delay: 5 });
    await box.fill('revenue');
    await statusFor('revenue').waitFor({ timeout: 30_000 });
    // Give a late answer for "submarine" (or a prefix of it) time to arrive: it must not replace these.
    await page.waitForTimeout(1000);
    await statusFor('revenue').waitFor({ timeout: 1000 });
    expectTextSceneFirst(await readHits());
  });

  it('shows a query’s problems and still runs the rest of it', async () => {
    expectTextSceneFirst(await searchFor('revenue before:yesterday'));
    const warnings = await page.locator('[data-testid="search-note"][data-kind="warning"]').allTextContents();
    expect(warnings.join(' ')).toContain('before:');
  });

  it('says plainly when nothing matches', async () => {
    const hits = await searchFor('submarine');
    expect(hits.filter((hit) => hit.confident)).toEqual([]);
    await page.getByTestId('search-no-results').waitFor();
    const said = await page.getByTestId('search-no-results').textContent();
    expect(said).toContain('submarine');
    // "No scenes match" never stands above results: with weaker matches it says there is no clear one.
    expect(said).toContain(hits.length > 0 ? 'No clear match' : 'No scenes match');
    expect(said!.includes('No scenes match') && hits.length > 0).toBe(false);
  });

  it('says next to the results which signals are off, in plain words, with a way to download them', async () => {
    expectTextSceneFirst(await searchFor('revenue'));
    const modelNotes = page.locator('[data-testid="search-note"][data-kind="model"]');
    // Weights that are not on the server cannot be in the browser either (here: speech, visual and meaning, never downloaded).
    const missing = (['speech', 'visual', 'meaning'] as const).filter((task) => !modelInstalled(task));
    for (const task of missing) {
      const note = modelNotes.and(page.locator(`[data-task="${task}"]`));
      await note.waitFor({ timeout: 10_000 });
      await expect(note.getByTestId('search-note-download').getAttribute('data-task')).resolves.toBe(task);
    }
    if (missing.includes('speech')) await expect(modelNotes.allTextContents()).resolves.toContainEqual(expect.stringContaining('Spoken words are not searchable yet'));
    if (missing.includes('meaning')) await expect(modelNotes.allTextContents()).resolves.toContainEqual(expect.stringContaining('Searching by meaning is not available yet'));
    // Never a command, a path or a model id for the person using the app.
    for (const text of await page.getByTestId('search-note').allTextContents()) {
      expect(text).not.toMatch(/npm|`|models\/|mobileclip|whisper|\.onnx/i);
    }
    if (missing.length > 0) {
      await page.getByTestId('search-note-download').first().click();
      await page.waitForURL(/#\/settings$/);
    }
  });

  it('walks the results with the keyboard and plays the video from the moment', async () => {
    const hits = await searchFor('revenue');
    const box = page.getByTestId('search-input');
    await box.focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.closest('[data-testid="search-hit"]')?.getAttribute('data-scene-id'))).toBe(
      hits[0]!.sceneId,
    );
    if (hits.length > 1) {
      await page.keyboard.press('ArrowDown');
      expect(await page.evaluate(() => document.activeElement?.closest('[data-testid="search-hit"]')?.getAttribute('data-scene-id'))).toBe(
        hits[1]!.sceneId,
      );
      await page.keyboard.press('ArrowUp');
    }
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('search-input');

    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/video\//);
    const player = page.getByTestId('player');
    await player.waitFor({ timeout: 30_000 });
    await page.waitForFunction(
      (from) => {
        const video = document.querySelector<HTMLVideoElement>('[data-testid="player"]');
        return !!video && video.readyState >= 1 && !video.seeking && Math.abs(video.currentTime - from) < 1;
      },
      hits[0]!.playFrom,
      { timeout: 30_000 },
    );
    const at = await player.evaluate((video: HTMLVideoElement) => video.currentTime);
    expect(at).toBeGreaterThanOrEqual(hits[0]!.start - 0.1);
    expect(at).toBeLessThan(hits[0]!.end);

    // "/" goes back to the search box from anywhere.
    await page.locator('main h1').first().click();
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('search-input');

    // Back returns to the same results.
    await page.goBack();
    await statusFor('revenue').waitFor({ timeout: 30_000 });
  });

  it('exports the found moment as a clip: a valid video of the scene’s length', async () => {
    const hits = await searchFor('revenue');
    const button = hitCard(0).getByTestId('export-clip');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), button.click()]);
    expect(download.suggestedFilename()).toBe(`faces-text ${clock(hits[0]!.start)}–${clock(hits[0]!.end)}.mp4`);
    const path = join(scratch, 'clip.mp4');
    await download.saveAs(path);
    const probe = JSON.parse(
      execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=format_name,duration:stream=codec_type,codec_name', '-of', 'json', path], {
        encoding: 'utf8',
      }),
    ) as { format: { format_name: string; duration: string }; streams: { codec_type: string; codec_name: string }[] };
    expect(probe.format.format_name).toContain('mp4');
    expect(probe.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
    expect(probe.streams.find((s) => s.codec_type === 'video')?.codec_name).toBe('h264');
    const sceneLength = hits[0]!.end - hits[0]!.start;
    expect(Math.abs(Number(probe.format.duration) - sceneLength)).toBeLessThan(0.6);
    // It decodes from start to end, not just probes.
    execFileSync('ffmpeg', ['-v', 'error', '-xerror', '-i', path, '-f', 'null', '-']);
    await expect(button.getAttribute('data-state')).resolves.toBe('idle');
    await expect(button.isEnabled()).resolves.toBe(true);
  });

  it('finds more like a scene, from a result and from the Video page, and says when visual search is off', async () => {
    const [titleCard] = await searchFor('revenue');
    await hitCard(0).getByTestId('more-like-this').click();
    await statusFor(`example:scene:${titleCard!.sceneId}`).waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('search-error').count()).resolves.toBe(0);
    expect((await readHits()).map((hit) => hit.sceneId)).not.toContain(titleCard!.sceneId);
    const notes = await page.getByTestId('search-note').allTextContents();
    // Without visual weights (they cannot be downloaded here) the page says why nothing looks alike instead of
    // pretending: the scene has no picture embedding (the title card has no faces either).
    if (!modelInstalled('visual')) {
      expect(notes.join(' ')).toMatch(/what scenes show is not searchable yet|picture embedding/i);
      await page.getByTestId('search-no-results').waitFor();
    }

    // From the Video page's scene details: the scene with faces finds the other scenes with faces, if any.
    await page.goto(`${server.url}/#/`);
    await page
      .getByTestId('video-card')
      .filter({ has: page.getByTestId('video-title').getByText('faces-text', { exact: true }) })
      .click();
    await page.getByTestId('scene-details').waitFor({ timeout: 30_000 });
    await page.getByTestId('more-like-this').click();
    await page.waitForURL(/#\/search\?like=/);
    const sourceScene = await page.evaluate(() => new URLSearchParams(location.hash.split('?')[1]).get('like'));
    await statusFor(`example:scene:${sourceScene}`).waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('search-error').count()).resolves.toBe(0);
    const hits = await readHits();
    expect(hits.map((hit) => hit.sceneId)).not.toContain(sourceScene);
    for (const hit of hits.filter((h) => h.confident)) {
      expect(hit.reasons.length).toBeGreaterThan(0);
    }
  });

  it('searches by an example picture: the scene it was taken from comes first, by its faces', async () => {
    const still = join(scratch, 'group-photo.jpg');
    // A still of the first scene (three people), as a user might have it from their camera roll.
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-ss', '2', '-i', fixture('faces-text.mp4'), '-frames:v', '1', '-q:v', '3', still]);
    await page.goto(`${server.url}/#/search`);
    await page.getByTestId('example-input').setInputFiles(still);
    await statusFor('example:group-photo.jpg').waitFor({ timeout: 60_000 });
    expect(page.url()).toContain('example=group-photo.jpg');
    const hits = await readHits();
    const top = hits[0];
    expect(top, 'the scene the picture came from').toBeDefined();
    expect(top!.fileName).toBe('faces-text.mp4');
    expect(top!.start).toBeLessThanOrEqual(0.5);
    expect(top!.confident).toBe(true);
    expect(top!.reasons).toContain('person');
    // A faceless title card is never a confident match for a photo of people.
    expect(hits.filter((hit) => hit.confident && Math.abs(hit.start - textSceneStart) < 0.5 && hit.fileName === 'faces-text.mp4')).toEqual([]);
  });

  it('finds the person from a tight ~150 px crop of one face, and says how close the face is', async () => {
    const still = join(scratch, 'group-photo.jpg');
    const tight = join(scratch, 'tight-face.jpg');
    // The left face of the first scene, cropped to its box: a single detector pass finds nothing in it (Node).
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', still, '-vf', 'crop=134:134:317:198,scale=150:150', '-q:v', '3', tight]);
    await page.goto(`${server.url}/#/search`);
    await page.getByTestId('example-input').setInputFiles(tight);
    await statusFor('example:tight-face.jpg').waitFor({ timeout: 60_000 });
    const [top] = await readHits();
    expect(top?.fileName).toBe('faces-text.mp4');
    expect(top?.start).toBeLessThanOrEqual(0.5);
    expect(top?.reasons).toContain('person');
    const chip = page.getByTestId('search-hit').first().locator('[data-reason="person"]');
    await expect(chip.textContent()).resolves.toMatch(/^(Same|Similar) face, \d+%/);
    expect(await page.getByText('No face was found in the image.').count()).toBe(0);
  });

  it('searches by a picture dropped anywhere on the search page', async () => {
    const still = join(scratch, 'group-photo.jpg');
    const bytes = readFileSync(still).toString('base64');
    await page.evaluate(async (base64) => {
      const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], 'dropped.jpg', { type: 'image/jpeg' }));
      for (const type of ['dragenter', 'dragover', 'drop']) {
        document.body.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }
    }, bytes);
    await statusFor('example:dropped.jpg').waitFor({ timeout: 60_000 });
    const [top] = await readHits();
    expect(top?.fileName).toBe('faces-text.mp4');
    expect(top?.start).toBeLessThanOrEqual(0.5);
  });

  it('refuses a file that is not a picture with a clear message', async () => {
    await page.getByTestId('example-input').setInputFiles(fixture('cuts-a.mp4'));
    await page.locator('.notice', { hasText: 'Not an image' }).waitFor({ timeout: 10_000 });
  });

  it('searches a video once its first indexing is done, says so meanwhile, and then searches again by itself', async () => {
    const indexingNote = page.locator('[data-testid="search-note"][data-kind="indexing"]');
    expect(await searchFor('harbour report')).toEqual([]);
    await expect(indexingNote.count()).resolves.toBe(0);
    await page.goto(`${server.url}/#/`);
    await page.getByTestId('import-input').setInputFiles(fixture('cutaways.mp4'));
    // Saved and queued: being indexed for the first time from here until it is INDEXED (tens of seconds).
    const card = page.getByTestId('video-card').filter({ has: page.getByTestId('video-title').getByText('cutaways', { exact: true }) });
    await card.and(page.locator('[data-state="VALIDATING"], [data-state="PROCESSING"]')).waitFor({ timeout: 60_000 });
    const hits = await searchFor('harbour');
    await expect(indexingNote.textContent()).resolves.toBe('One video is still being indexed: it will be searched once it is done.');
    expect(hits.filter((hit) => hit.fileName === 'cutaways.mp4')).toEqual([]);
    // No retyping: the search runs again when the video is done, finds its sign and says nothing more.
    await expect
      .poll(async () => (await readHits()).filter((hit) => hit.fileName === 'cutaways.mp4' && hit.reasons.includes('text')).length, { timeout: 300_000 })
      .toBeGreaterThan(0);
    await expect(indexingNote.count()).resolves.toBe(0);
    await expect(statusFor('harbour').count()).resolves.toBe(1);
  });
});

/** Whether the build being tested serves every file of some visual (CLIP-family) model. */
/** Whether the build holds every file of a task's default model (weights fetched with models:fetch, or shipped). */
function modelInstalled(task: 'speech' | 'visual' | 'meaning'): boolean {
  const dist = process.env.HEIMDEX_DIST ?? 'dist';
  const manifest = JSON.parse(readFileSync(join(dist, 'models/models.json'), 'utf8')) as {
    models: { task: string; default: boolean; files: { path: string }[] }[];
  };
  return manifest.models.some((model) => model.task === task && model.default && model.files.every((file) => existsSync(join(dist, 'models', file.path))));
}

/** "00-04" for 4 s: the timecode of a clip's file name. */
function clock(seconds: number): string {
  const s = Math.floor(seconds);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}-${String(s % 60).padStart(2, '0')}`;
}
