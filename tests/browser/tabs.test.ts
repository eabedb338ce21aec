// @vitest-environment node
// One library, several tabs: pages of one persistent browser context share OPFS and Web Locks,
// exactly like tabs of one profile. The library is open in one of them at a time and moves between
// them on request, with nothing lost.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { fixture, videoTruth } from './fixtures.ts';
import { useApp } from './harness.ts';

const app = useApp();
let first: Page;

beforeAll(() => {
  first = app.page;
});

async function openTab(): Promise<Page> {
  const tab = await app.browser.context.newPage();
  tab.on('console', (m) => app.browser.logs.push(`[tab ${app.browser.context.pages().indexOf(tab)}] [${m.type()}] ${m.text()}`));
  tab.on('pageerror', (e) => app.browser.logs.push(`[tab] [pageerror] ${e.message}`));
  await tab.goto(`${app.server.url}/#/`);
  return tab;
}

function card(page: Page, title: string): Locator {
  return page.getByTestId('video-card').filter({ has: page.getByTestId('video-title').getByText(title, { exact: true }) });
}

function gate(page: Page, state: string): Locator {
  return page.locator(`[data-testid="tab-gate"][data-state="${state}"]`);
}

async function sceneSpans(page: Page): Promise<{ start: number; end: number }[]> {
  const scenes = page.getByTestId('scene');
  await scenes.first().waitFor({ timeout: 30_000 });
  return scenes.evaluateAll((els) =>
    els.map((el) => ({ start: Number(el.getAttribute('data-start')), end: Number(el.getAttribute('data-end')) })),
  );
}

describe('tabs', () => {
  it('a second tab explains and takes the library over on request, and the indexing carries on there', async () => {
    await first.getByTestId('import-input').setInputFiles(fixture('cuts-a.mp4'));
    // Copied in and queued: the pipeline is running in the first tab.
    await card(first, 'cuts-a').and(first.locator(':not([data-state="UPLOADING"])')).first().waitFor({ timeout: 60_000 });

    const second = await openTab();
    await gate(second, 'elsewhere').waitFor({ timeout: 30_000 });
    await expect(second.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Heimdex is open in another tab');
    expect(await second.getByTestId('import-input').count()).toBe(0); // no way to touch the library here

    await second.getByRole('button', { name: 'Use Heimdex here' }).click();
    await gate(first, 'handed-over').waitFor({ timeout: 60_000 });
    await expect(first.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Heimdex is now open in another tab');
    await expect(first.getByRole('button', { name: 'Use it here' }).isEnabled()).resolves.toBe(true);

    // The video is in the second tab and its indexing finishes there, scenes and all.
    await card(second, 'cuts-a').first().waitFor({ timeout: 60_000 });
    await card(second, 'cuts-a').and(second.locator('[data-state="INDEXED"]')).first().waitFor({ timeout: 180_000 });
    await card(second, 'cuts-a').first().click();
    const truth = videoTruth('cuts-a.mp4');
    expect(await sceneSpans(second)).toHaveLength(truth.cuts.length + 1);
    expect(await second.locator('[data-testid="stage"][data-state="FAILED"]').count()).toBe(0);

    // And back to the first tab, which takes it again the same way.
    await first.getByRole('button', { name: 'Use it here' }).click();
    await gate(second, 'handed-over').waitFor({ timeout: 60_000 });
    await card(first, 'cuts-a').and(first.locator('[data-state="INDEXED"]')).first().waitFor({ timeout: 60_000 });
    await expect(card(first, 'cuts-a').count()).resolves.toBe(1);
    await second.close();
  });

  it('a waiting tab opens the library by itself when the tab that had it closes', async () => {
    const second = await openTab();
    await gate(second, 'elsewhere').waitFor({ timeout: 30_000 });
    await first.close();
    await card(second, 'cuts-a').and(second.locator('[data-state="INDEXED"]')).first().waitFor({ timeout: 60_000 });
    first = second;
  });

  it('a reload opens the library without ever saying another tab has it', async () => {
    // Records every state the tab gate shows, from the first paint of the reloaded page.
    await first.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { gateStates: string[] }).gateStates = seen;
      new MutationObserver(() => {
        const state = document.querySelector('[data-testid="tab-gate"]')?.getAttribute('data-state');
        if (state && seen.at(-1) !== state) seen.push(state);
      }).observe(document, { subtree: true, childList: true, attributes: true });
    });
    for (let i = 0; i < 2; i++) {
      await first.reload();
      await card(first, 'cuts-a').and(first.locator('[data-state="INDEXED"]')).first().waitFor({ timeout: 60_000 });
      expect(await first.evaluate(() => (window as unknown as { gateStates: string[] }).gateStates)).toEqual([]);
      expect(await first.getByRole('alert').count()).toBe(0); // no "open in another tab" error either
    }
  });
});
