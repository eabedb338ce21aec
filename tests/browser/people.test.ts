// @vitest-environment node
// People end to end in Chromium with the real face-api model: a video with 3 and 4 faces (face-api's
// sample photos, 7 different women) is indexed, FACE_EMBED groups the faces, and the People page
// names, merges and hides people — all still so after a reload.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { fixture } from './fixtures.ts';
import { useApp, type RunningServer } from './harness.ts';

const app = useApp();
let page: Page;
let server: RunningServer;
beforeAll(() => {
  ({ page, server } = app);
});

const cards = () => page.getByTestId('person-card');
const card = (name: string) => page.locator(`[data-testid="person-card"][data-name="${name}"]`);

async function peopleOnGrid() {
  return cards().evaluateAll((els) =>
    els.map((el) => ({
      id: el.getAttribute('data-person-id')!,
      name: el.getAttribute('data-name')!,
      scenes: Number(el.getAttribute('data-scenes')),
      hidden: el.getAttribute('data-hidden') === 'true',
      crops: el.querySelectorAll('[data-testid="face-crop"] img').length,
    })),
  );
}

async function openPeople() {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'People' }).click();
  await page.getByRole('heading', { name: 'People', level: 1 }).waitFor();
}

/** The scenes (as shown on the person page) that the open person's faces come from. */
async function scenesOfOpenPerson(): Promise<string[]> {
  return page.locator('.person-face-time').allTextContents();
}

describe('people', () => {
  it('groups the faces of an imported video into people, each with a face crop', async () => {
    await openPeople();
    await page.getByTestId('people-empty').waitFor();
    await expect(page.getByTestId('people-empty').textContent()).resolves.toContain('No people yet');

    await page.getByTestId('import-input').setInputFiles(fixture('faces-text.mp4'));
    await page.goto(`${server.url}/#/`);
    await page.locator('[data-testid="video-card"][data-state="INDEXED"]').waitFor({ timeout: 300_000 });

    await openPeople();
    await cards().first().waitFor({ timeout: 30_000 });
    const people = await peopleOnGrid();
    expect(people).toHaveLength(7); // 3 + 4 faces, 7 different women
    expect(people.map((p) => p.name).sort()).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => `Person ${n}`).sort());
    for (const person of people) {
      expect(person.scenes).toBe(1);
      expect(person.crops).toBe(1);
      expect(person.hidden).toBe(false);
    }
    // The crops are real JPEGs the browser could decode.
    const decoded = await page
      .locator('[data-testid="person-card"] [data-testid="face-crop"] img')
      .evaluateAll((imgs) => Promise.all((imgs as HTMLImageElement[]).map((img) => img.decode().then(() => img.naturalWidth))));
    expect(decoded.every((w) => w > 0)).toBe(true);
  });

  it('renames a person inline: Escape cancels, Enter saves', async () => {
    await card('Person 1').click();
    await page.getByTestId('person-detail').waitFor();
    await page.getByTestId('rename').click();
    const input = page.getByTestId('person-name-input');
    await input.fill('Nobody');
    await input.press('Escape');
    await expect(page.getByTestId('person-title').textContent()).resolves.toBe('Person 1');

    await page.getByTestId('rename').click();
    await input.fill('Alice');
    await input.press('Enter');
    await page.getByTestId('person-title').getByText('Alice', { exact: true }).waitFor();
    await openPeople();
    await card('Alice').waitFor();
    expect(await card('Person 1').count()).toBe(0);
  });

  it('merges one person into another', async () => {
    await card('Alice').click();
    await page.getByTestId('person-detail').and(page.locator('[data-name="Alice"]')).waitFor();
    const aliceScenes = await scenesOfOpenPerson();

    await openPeople();
    await card('Person 2').click();
    await page.getByTestId('person-detail').and(page.locator('[data-name="Person 2"]')).waitFor();
    const otherScenes = await scenesOfOpenPerson();
    await page.getByTestId('merge').click();
    await page.getByTestId('merge-picker').locator('[data-testid="person-option"][data-name="Alice"]').click();
    await page.getByTestId('confirm-merge').click();

    await page.getByTestId('person-detail').and(page.locator('[data-name="Alice"]')).waitFor();
    await expect(page.getByTestId('face-crop').count()).resolves.toBeGreaterThanOrEqual(2);
    expect((await scenesOfOpenPerson()).sort()).toEqual([...aliceScenes, ...otherScenes].sort());

    await openPeople();
    await expect.poll(async () => (await peopleOnGrid()).length).toBe(6);
    const alice = (await peopleOnGrid()).find((p) => p.name === 'Alice')!;
    expect(alice.scenes).toBe(new Set([...aliceScenes, ...otherScenes]).size);
    expect(await card('Person 2').count()).toBe(0);
  });

  it('moves a face to a new person, and "never merge" then keeps the two apart', async () => {
    await card('Alice').click();
    await page.getByTestId('person-detail').and(page.locator('[data-name="Alice"]')).waitFor();
    const faces = await page.locator('.person-face').count();
    await page.getByTestId('move-face').last().click();
    await page.getByTestId('move-picker').getByTestId('person-option-new').click();
    await expect.poll(() => page.locator('.person-face').count()).toBe(faces - 1);

    await openPeople();
    await card('Person 8').click(); // numbers are never reused: the next one after 7
    await page.getByTestId('person-detail').and(page.locator('[data-name="Person 8"]')).waitFor();
    await expect(page.locator('.person-face').textContent()).resolves.toContain('Placed by you');
    await page.getByTestId('never-merge').click();
    await page.getByTestId('never-merge-picker').locator('[data-testid="person-option"][data-name="Alice"]').click();
    await page.getByTestId('never-merge-list').getByText('Alice').waitFor();
    await page.getByTestId('merge').click();
    await expect(
      page.getByTestId('merge-picker').locator('[data-testid="person-option"][data-name="Alice"]').isDisabled(),
    ).resolves.toBe(true);
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('merge-picker').count()).resolves.toBe(0);
    await openPeople();
    await expect.poll(async () => (await peopleOnGrid()).length).toBe(7);
  });

  it('hides a person behind "Show hidden"', async () => {
    await card('Person 3').click();
    await page.getByTestId('person-detail').and(page.locator('[data-name="Person 3"]')).waitFor();
    await page.getByTestId('hide').click();
    await expect.poll(() => page.getByTestId('hide').getAttribute('aria-pressed')).toBe('true');

    await openPeople();
    await expect.poll(async () => (await peopleOnGrid()).length).toBe(6);
    expect(await card('Person 3').count()).toBe(0);
    await page.getByTestId('show-hidden').check();
    await card('Person 3').waitFor();
    expect((await peopleOnGrid()).find((p) => p.name === 'Person 3')?.hidden).toBe(true);
  });

  it('keeps names, merges and hidden people after a reload', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'People', level: 1 }).waitFor({ timeout: 60_000 });
    await cards().first().waitFor({ timeout: 30_000 });
    const people = await peopleOnGrid();
    expect(people).toHaveLength(6);
    expect(people.map((p) => p.name)).toEqual(expect.arrayContaining(['Alice', 'Person 8']));
    expect(people.map((p) => p.name)).not.toContain('Person 3');
    await page.getByTestId('show-hidden').check();
    await expect.poll(async () => (await peopleOnGrid()).length).toBe(7);
  });
});
