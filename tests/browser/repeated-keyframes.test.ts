// @vitest-environment node
// Keyframes that repeat one analysed just before them (the cutaways fixture: shot A, A again after a flash, a title
// card B, A again after it) are not run through OCR and face detection again: their scenes get copies of A's text
// and faces (client/src/ml/near-duplicates.ts). Pinned end to end with the real models: each scene of the repeated
// shot has its own text and faces, and is found by its words and by a photo of a person in it.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { buildScenes } from '../../client/src/media/scenes.ts';
import { openSearch, searchByExample, searchText } from '../../scripts/eval/driver.ts';
import { fixture, FIXTURE_DIR } from './fixtures.ts';
import { useApp, type RunningServer } from './harness.ts';

interface Truth {
  cuts: number[];
  durationS: number;
  faces: number[];
  ocrWords: string[][];
  repeats: (number | null)[];
}
const NAME = 'cutaways.mp4';
const truth = (JSON.parse(readFileSync(`${FIXTURE_DIR}/truth.json`, 'utf8')) as Record<string, Truth>)[NAME]!;
const scenes = buildScenes(truth.cuts, truth.durationS);
/** The scenes of shot A: the one analysed and those whose keyframe repeats it. */
const shotA = scenes.filter((_, i) => i === 0 || truth.repeats[i] === 0).map((s) => s.startS);
/** A photo of the right-hand person of shot A (face-api's sample2), cropped, mirrored and darker (the eval corpus's). */
const PERSON_PHOTO = `${FIXTURE_DIR}/eval/photos/sample2-right.jpg`;

const app = useApp();
let page: Page;
let server: RunningServer;

const card = () => page.getByTestId('video-card').filter({ has: page.getByTestId('video-title').getByText('cutaways', { exact: true }) });
const startsOf = (hits: { video: string; start_s: number }[]) => hits.filter((h) => h.video === NAME).map((h) => h.start_s);

describe('scenes whose keyframe repeats an earlier one', () => {
  beforeAll(async () => {
    ({ page, server } = app);
    await page.getByTestId('import-input').setInputFiles(fixture(NAME));
    await card().and(page.locator('[data-state="INDEXED"]')).waitFor({ timeout: 300_000 });
  }, 320_000);

  it('each get the text and the faces of the shot they repeat', async () => {
    expect(shotA).toHaveLength(3); // the fixture: A, A, B, A
    await card().click();
    const strip = page.getByTestId('scene');
    await strip.first().waitFor();
    const found = await strip.evaluateAll((els) =>
      els.map((el) => ({ faces: Number(el.getAttribute('data-faces')), ocr: el.getAttribute('data-ocr') ?? '' })),
    );
    expect(found.map((s) => s.faces)).toEqual(truth.faces);
    found.forEach((scene, i) => {
      for (const word of truth.ocrWords[i]!) expect(scene.ocr.toUpperCase(), `scene ${i + 1} text`).toContain(word.toUpperCase());
    });
  });

  it('are each found by the words on screen', async () => {
    await openSearch(page, server.url);
    const { hits, error } = await searchText(page, 'Dana Whitfield');
    expect(error).toBeNull();
    expect(startsOf(hits).sort((a, b) => a - b)).toEqual(shotA);
  });

  it('are each found by a photo of a person in them', async () => {
    await openSearch(page, server.url);
    const { hits, error } = await searchByExample(page, PERSON_PHOTO);
    expect(error).toBeNull();
    const starts = startsOf(hits);
    for (const start of shotA) expect(starts, `the scene at ${start} s`).toContain(start);
    expect(starts).not.toContain(scenes[2]!.startS); // the title card has no one in it
  });
});
