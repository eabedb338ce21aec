// @vitest-environment node
// Merge suggestions on the People page, in Chromium with the real face-api model: a video shows one woman (from
// face-api's sample2) in two scenes, framed differently; her two faces are grouped into one person. Split in two
// by hand, the People page asks whether the new person is the first one; "Not the same person" keeps them apart
// and stops the question, and once that mark is removed, "Merge" joins them again.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useApp, type RunningServer } from './harness.ts';

const require = createRequire(import.meta.url);
const SAMPLE2 = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo', 'sample2.jpg');

const app = useApp();
let page: Page;
let server: RunningServer;
const scratch = mkdtempSync(join(tmpdir(), 'heimdex-merge-suggestions-'));
const video = join(scratch, 'one-woman-twice.mp4');

beforeAll(() => {
  ({ page, server } = app);
  // Scene 1: her face zoomed in on black; scene 2: a wider framing on a light background (a clear cut).
  // Measured with face-api in Node: one face per scene, 0.10 apart.
  execFileSync('ffmpeg', [
    '-v', 'error', '-y',
    '-loop', '1', '-t', '3', '-i', SAMPLE2,
    '-loop', '1', '-t', '3', '-i', SAMPLE2,
    '-f', 'lavfi', '-i', 'anullsrc=r=16000:cl=mono',
    '-filter_complex',
    '[0:v]crop=720:720:1150:0,scale=1280:720:force_original_aspect_ratio=decrease,pad=1280:720:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=25,format=yuv420p[a];' +
      '[1:v]crop=560:560:1230:30,scale=-2:640,pad=1280:720:(ow-iw)/2:(oh-ih)/2:color=0xf5e6c8,setsar=1,fps=25,format=yuv420p[b];' +
      '[a][b]concat=n=2:v=1:a=0[v]',
    '-map', '[v]', '-map', '2:a', '-c:v', 'libx264', '-preset', 'veryfast', '-g', '25', '-c:a', 'aac', '-shortest', video,
  ]);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const card = (name: string) => page.locator(`[data-testid="person-card"][data-name="${name}"]`);
const suggestions = () => page.getByTestId('merge-suggestion');

async function openPeople() {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'People' }).click();
  await page.getByRole('heading', { name: 'People', level: 1 }).waitFor();
}

describe('merge suggestions', () => {
  it('asks "Is Person 2 Person 1?" for a person split in two; "Not the same person" stops asking, "Merge" joins them', async () => {
    await page.getByTestId('import-input').setInputFiles(video);
    await page.locator('[data-testid="video-card"][data-state="INDEXED"]').waitFor({ timeout: 300_000 });

    await openPeople();
    await card('Person 1').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('person-card').count()).toBe(1); // her two faces are one person
    expect(await suggestions().count()).toBe(0);

    // Split one face off into a new person.
    await card('Person 1').click();
    await page.getByTestId('person-detail').waitFor();
    await expect.poll(() => page.locator('.person-face').count(), { timeout: 10_000 }).toBe(2);
    await page.getByTestId('move-face').last().click();
    await page.getByTestId('move-picker').getByTestId('person-option-new').click();
    await expect.poll(() => page.locator('.person-face').count()).toBe(1);

    await openPeople();
    const question = suggestions().first();
    await question.waitFor({ timeout: 30_000 });
    expect(await suggestions().count()).toBe(1);
    await expect(question.getAttribute('data-person')).resolves.toBe('Person 2');
    await expect(question.getAttribute('data-into')).resolves.toBe('Person 1');
    const text = (await question.textContent()) ?? '';
    expect(text).toContain('Is Person 2 Person 1?');
    expect(Number(/Faces (\d+)% alike/.exec(text)?.[1])).toBeGreaterThanOrEqual(80);
    await expect(question.locator('img').count()).resolves.toBe(2);

    // Not the same person: a "never merge" mark, and the question is gone.
    await question.getByTestId('suggestion-not-same').click();
    await expect.poll(() => suggestions().count()).toBe(0);
    await card('Person 2').click();
    await page.getByTestId('never-merge-list').getByText('Person 1').waitFor();

    // The mark removed, the question comes back; Merge joins the two.
    await page.getByRole('button', { name: 'Allow merging with Person 1' }).click();
    await expect.poll(() => page.getByTestId('never-merge-list').count()).toBe(0);
    await openPeople();
    await suggestions().first().waitFor({ timeout: 30_000 });
    await suggestions().first().getByTestId('suggestion-merge').click();
    await expect.poll(() => page.getByTestId('person-card').count()).toBe(1);
    expect(await suggestions().count()).toBe(0);
    await card('Person 1').click();
    await expect.poll(() => page.locator('.person-face').count(), { timeout: 10_000 }).toBe(2);

    // Still so after a reload.
    await page.goto(`${server.url}/#/people`);
    await page.getByRole('heading', { name: 'People', level: 1 }).waitFor();
    await card('Person 1').waitFor();
    expect(await suggestions().count()).toBe(0);
  });
});
