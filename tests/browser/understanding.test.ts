// @vitest-environment node
// The model stages end to end with the real models that ship in npm packages (PP-OCR, face-api):
// a video with faces and on-screen text gets its words and face counts, and the page stays responsive.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { fixture, FIXTURE_DIR } from './fixtures.ts';
import { useApp, type RunningServer } from './harness.ts';

interface Truth {
  cuts: number[];
  faces: number[];
  ocrWords: string[][];
}
const truth = (JSON.parse(readFileSync(`${FIXTURE_DIR}/truth.json`, 'utf8')) as Record<string, Truth>)['faces-text.mp4']!;

// Every main-thread task over 50 ms, from the first script on (the Long Tasks API).
const app = useApp({
  beforeOpen: (page) =>
    page.addInitScript(() => {
      const w = window as unknown as { __longTasks: number[] };
      w.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.__longTasks.push(entry.duration);
      }).observe({ type: 'longtask', buffered: true });
    }),
});
let page: Page;
let server: RunningServer;
beforeAll(() => {
  ({ page, server } = app);
});

const card = () =>
  page.getByTestId('video-card').filter({ has: page.getByTestId('video-title').getByText('faces-text', { exact: true }) });

describe('on-device understanding', () => {
  it('reads the on-screen text and counts the faces of every scene, without freezing the page', async () => {
    const longTasksBefore = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks.length);
    await page.getByTestId('import-input').setInputFiles(fixture('faces-text.mp4'));
    await card().and(page.locator('[data-state="INDEXED"]')).waitFor({ timeout: 300_000 });

    const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
    const during = longTasks.slice(longTasksBefore);
    expect(Math.max(0, ...during), `main-thread tasks during indexing: ${during.map(Math.round).join(', ')} ms`).toBeLessThan(200);

    await card().click();
    const scenes = page.getByTestId('scene');
    await scenes.first().waitFor();
    const found = await scenes.evaluateAll((els) =>
      els.map((el) => ({ faces: Number(el.getAttribute('data-faces')), ocr: el.getAttribute('data-ocr') ?? '' })),
    );
    expect(found).toHaveLength(truth.cuts.length + 1);
    expect(found.map((s) => s.faces)).toEqual(truth.faces);
    found.forEach((scene, i) => {
      const words = scene.ocr.toUpperCase();
      for (const word of truth.ocrWords[i]!) expect(words, `scene ${i + 1} text`).toContain(word.toUpperCase());
      if (truth.ocrWords[i]!.length === 0) expect(scene.ocr.trim(), `scene ${i + 1} should have no text`).toBe('');
    });

    const stages = await page
      .getByTestId('stage')
      .evaluateAll((els) => Object.fromEntries(els.map((el) => [el.getAttribute('data-stage'), el.getAttribute('data-skipped') === 'true'])));
    expect(stages.OCR).toBe(false);
    expect(stages.FACE_DETECT).toBe(false);
  });

  it('lists every model in Settings with where it runs, and says which are missing', async () => {
    await page.goto(`${server.url}/#/settings`);
    const rows = page.getByTestId('model-row');
    await rows.first().waitFor({ timeout: 30_000 });
    const models = await rows.evaluateAll((els) =>
      els.map((el) => ({
        task: el.getAttribute('data-task'),
        present: el.getAttribute('data-present'),
        device: el.getAttribute('data-device'),
      })),
    );
    const byTask = (task: string) => models.filter((m) => m.task === task);
    expect(byTask('ocr').some((m) => m.present === 'true' && m.device === 'wasm')).toBe(true);
    expect(byTask('faces').some((m) => m.present === 'true' && m.device === 'wasm')).toBe(true);
    // Speech and visual weights are hub downloads: absent here, and Settings must say so rather than crash.
    for (const task of ['speech', 'visual']) expect(byTask(task).length).toBeGreaterThan(0);
  });
});
