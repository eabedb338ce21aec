// `npm run eval -- --videos DIR --queries FILE.json [--out results.json] [--min-recall5 ocr=0.9 ...]`
// Exit code: 0 done, 1 a threshold was missed, 2 the harness could not run (bad arguments or queries,
// the app or the browser failed, a search errored), 3 no threshold missed but some were not measured (see
// EXIT_CODES). Low scores alone never fail the command.
import { writeFileSync } from 'node:fs';
import { EXIT_CODES, parseArgs, USAGE, UsageError } from './args.ts';
import { checkThresholds, overallVerdict } from './metrics.ts';
import { QueriesError } from './queries.ts';
import { rankedHitsJson, reportOfRun, runEval } from './run.ts';

async function main(): Promise<number> {
  let options;
  try {
    options = parseArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`eval: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  const log = (line: string) => console.error(`eval: ${line}`);
  let result;
  try {
    result = await runEval({ ...options, log });
  } catch (error) {
    if (error instanceof QueriesError) console.error(`eval: bad queries file ${error.message}`);
    else console.error(`eval: ${(error as Error).message}`);
    return 2;
  }
  const thresholds = checkThresholds(result.summary, options.thresholds);
  console.log(reportOfRun(result, thresholds));
  if (options.outFile) {
    writeFileSync(options.outFile, `${JSON.stringify(rankedHitsJson(result.results), null, 2)}\n`);
    log(`ranked hits written to ${options.outFile}`);
  }
  if (result.errors.length > 0) {
    const reasons = [...new Set(result.errors.map((e) => e.slice(e.indexOf(': ') + 2)))];
    console.error(`eval: ${result.errors.length} searches failed in the app (see misses above): ${reasons.slice(0, 3).join(' | ')}`);
    return 2;
  }
  return EXIT_CODES[overallVerdict(thresholds)];
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('eval: unexpected failure:', error);
    process.exit(2);
  },
);
