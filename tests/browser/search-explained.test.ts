// @vitest-environment node
// Search results that explain themselves and searches by example that survive a reload, in a real headless
// Chromium over a video indexed by the real pipeline (faces-text.mp4: three people, then a title card
// "QUARTERLY REVENUE 2026 / Meeting with Alice in Berlin").
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { fixture } from './fixtures.ts';
import { useApp, type RunningServer } from './harness.ts';

const app = useApp();
let page: Page;
let server: RunningServer;
const scratch = mkdtempSync(join(tmpdir(), 'heimdex-search-explained-'));

beforeAll(async () => {
  ({ page, server } = app);
  await page.getByTestId('import-input').setInputFiles([fixture('faces-text.mp4')]);
  await page.locator('[data-testid="video-card"][data-state="INDEXED"]').waitFor({ timeout: 300_000 });
}, 320_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Card {
  sceneId: string;
  confident: boolean;
  reasons: string[];
  /** The accessible name of the card's link. */
  label: string;
  filters: string | null;
  marked: string[];
}

async function readCards(): Promise<Card[]> {
  return page.getByTestId('search-hit').evaluateAll((els) =>
    els.map((el) => ({
      sceneId: el.getAttribute('data-scene-id') ?? '',
      confident: el.getAttribute('data-confident') === 'true',
      reasons: (el.getAttribute('data-reasons') ?? '').split(',').filter(Boolean),
      label: el.querySelector('.hit-link')?.getAttribute('aria-label') ?? '',
      filters: el.querySelector('[data-testid="hit-filters"]')?.textContent ?? null,
      marked: Array.from(el.querySelectorAll('[data-testid="hit-snippet"] mark')).map((m) => m.textContent ?? ''),
    })),
  );
}

const statusFor = (query: string) => page.locator(`[data-testid="search-status"][data-state="done"][data-query=${JSON.stringify(query)}]`);

/** Opens the search page on a query (as a link or a reload would) and waits for its answer. */
async function searchFor(query: string): Promise<Card[]> {
  await page.goto(`${server.url}/#/search?q=${encodeURIComponent(query)}`);
  await statusFor(query).waitFor({ timeout: 60_000 });
  return readCards();
}

describe('results that say why they matched', () => {
  it('a result found by a filter alone says which filter, on the card and in its accessible name', async () => {
    const byVideo = await searchFor('video:faces-text');
    expect(byVideo.length).toBeGreaterThan(0);
    for (const card of byVideo) {
      expect(card.reasons).toEqual(['video']);
      expect(card.filters).toBe('In “faces-text”');
      expect(card.label).toContain('matched: In “faces-text”');
    }
    const byDate = await searchFor('video:faces-text after:2000-01-01');
    expect(byDate.length).toBe(byVideo.length);
    for (const card of byDate) {
      expect(card.filters).toBe('In “faces-text” · after 2000-01-01');
      expect(card.label).toContain('In “faces-text”; after 2000-01-01');
    }
    // "Person N" names an unnamed person: the cards say that person is in the scene.
    const byPerson = await searchFor('person:"Person 1"');
    expect(byPerson.length, 'the video’s people are grouped').toBeGreaterThan(0);
    for (const card of byPerson) {
      expect(card.reasons).toContain('person');
      expect(card.filters).toBe('Person 1 is in this scene');
      expect(card.label).toContain('Person 1 is in this scene');
    }
  });

  it('a word match names and highlights what matched, confident or weaker', async () => {
    const [top] = await searchFor('revenue');
    expect(top?.confident).toBe(true);
    expect(top!.label).toMatch(/, matched: on screen “REVENUE”/i);
    expect(top!.marked.map((w) => w.toLowerCase())).toContain('revenue');

    // Only one of the two words is there: a weaker match, which still says why and marks the word.
    const cards = await searchFor('revenue submarine');
    const weak = cards.find((card) => !card.confident && card.reasons.includes('text'));
    expect(weak, `a weaker on-screen text match: ${JSON.stringify(cards)}`).toBeDefined();
    expect(weak!.label).toMatch(/, weaker match: on screen “REVENUE”/i);
    expect(weak!.marked.map((w) => w.toLowerCase())).toContain('revenue');
  });
});

describe('a search by example survives a reload', () => {
  it('by a picture: the same results after a reload, with the picture shown again', async () => {
    const still = join(scratch, 'group-photo.jpg');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-ss', '2', '-i', fixture('faces-text.mp4'), '-frames:v', '1', '-q:v', '3', still]);
    await page.goto(`${server.url}/#/search`);
    await page.getByTestId('example-input').setInputFiles(still);
    await statusFor('example:group-photo.jpg').waitFor({ timeout: 60_000 });
    expect(page.url()).toMatch(/example=group-photo\.jpg&image=[0-9a-f]{64}/);
    const before = await readCards();
    expect(before.length, 'the scene the picture came from').toBeGreaterThan(0);
    // Found by its faces: the card's accessible name says so.
    expect(before[0]!.reasons).toContain('person');
    expect(before[0]!.label).toMatch(/, matched: .*(face of |a face like the one searched for)/);

    await page.reload();
    await statusFor('example:group-photo.jpg').waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('search-error').count()).resolves.toBe(0);
    expect((await readCards()).map((card) => card.sceneId)).toEqual(before.map((card) => card.sceneId));
    await page.locator('.example-preview img').waitFor({ timeout: 10_000 });
  });

  it('by a scene ("More like this"): the same results after a reload', async () => {
    await searchFor('revenue');
    await page.getByTestId('search-hit').first().getByTestId('more-like-this').click();
    await page.waitForURL(/#\/search\?like=/);
    const key = `example:scene:${await page.evaluate(() => new URLSearchParams(location.hash.split('?')[1]).get('like'))}`;
    await statusFor(key).waitFor({ timeout: 60_000 });
    const before = await readCards();
    const notes = await page.getByTestId('search-note').allTextContents();

    await page.reload();
    await statusFor(key).waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('search-error').count()).resolves.toBe(0);
    expect((await readCards()).map((card) => card.sceneId)).toEqual(before.map((card) => card.sceneId));
    // The models' notes join the results once the models' status is known (it is fetched apart from the search).
    await expect.poll(() => page.getByTestId('search-note').allTextContents(), { timeout: 30_000 }).toEqual(notes);
  });

  it('says plainly when the picture is no longer on this device', async () => {
    await page.goto(`${server.url}/#/search?example=gone.jpg&image=${'0'.repeat(64)}`);
    const error = page.getByTestId('search-error');
    await error.waitFor({ timeout: 30_000 });
    await expect(error.textContent()).resolves.toContain('no longer has the picture');
  });
});
