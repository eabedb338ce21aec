// @vitest-environment node
// The video engine (ffmpeg.wasm, media/engine.ts) on a fresh instance. ffmpeg.wasm 0.12 hung at full CPU on some
// pictures when they were the first command of a fresh instance, and only then (its warm-up now runs a command of the
// same kind first). eval-people-2's picture at 5.333 s is one: this clip is the eval video from its keyframe at 4 s
// (a stream copy, so the same pictures), which makes that picture its first scene's keyframe, at 1.333 s. A crash of
// the media worker in THUMBNAILS makes Retry start the stage there, on a fresh worker and so a fresh engine.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { FIXTURE_DIR } from './fixtures.ts';
import { useApp } from './harness.ts';

const app = useApp();
const TITLE = 'people-from-4s';
let dir: string;
let clip: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'heimdex-engine-'));
  clip = join(dir, `${TITLE}.mp4`);
  execFileSync('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-ss', '4', '-i', `${FIXTURE_DIR}/eval/videos/eval-people-2.mp4`, '-c', 'copy', clip]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('video engine', () => {
  it('takes a picture that hung a fresh ffmpeg.wasm as its first command: Retry after a media worker crash in thumbnails indexes the video', async () => {
    const { page } = app;
    // Test-only crash request (honoured under automation only): the video's first thumbnails call.
    await page.evaluate(() => localStorage.setItem('heimdex-test-crash:media:extractKeyframes', '1'));
    await page.getByTestId('import-input').setInputFiles(clip);
    const card = page.getByTestId('video-card').filter({ has: page.getByTestId('video-title').getByText(TITLE, { exact: true }) });
    await card
      .getByTestId('video-error')
      .filter({ hasText: 'Making thumbnails stopped: the part of the app that reads the video crashed on this video.' })
      .waitFor({ timeout: 180_000 });

    await card.getByTestId('retry').click();
    // A hung engine says nothing for 10 minutes before the runner gives up on the stage; indexing this clip takes seconds.
    await card.and(page.locator('[data-state="INDEXED"]')).waitFor({ timeout: 120_000 });
  }, 360_000);
});
