// Command-line arguments of `npm run eval`. Pure (argv in, options or an error out) so it is unit-tested.
import { QUERY_KINDS, type Counting, type QueryKind, type Threshold, type ThresholdMetric, type ThresholdVerdict } from './metrics.ts';

export const USAGE = `usage: npm run eval -- --videos DIR --queries FILE.json [options]
  --videos DIR            the videos to import (every .mp4 .mov .mkv .webm .m4v .avi file in DIR)
  --queries FILE          JSON array of {id, kind, query, expect: [{video, start_s, end_s}]}
                          kind: speech | ocr | face | visual | negative; for face, query is a photo path
                          relative to FILE
  --out FILE              write the ranked confident hits as JSON (at most 10 per query)
  --dist DIR              the built app to serve (default: $HEIMDEX_DIST or dist/)
  --timeout-min N         give up when indexing takes longer than N minutes (default 30)
  --min-recall1 KIND=X    fail (exit 1) when KIND's recall@1 is below X; also --min-recall5, --min-mrr
                          (counting every hit listed, weaker matches included)
  --min-confident-recall1 KIND=X   the same counting only confident hits; also --min-confident-recall5,
                          --min-confident-mrr
  --min-negative-pass X   fail when less than this share of negative queries pass (e.g. 1)
Exit code: 0 done, every threshold measured and met; 1 a threshold missed; 2 the harness could not run;
3 no threshold missed, but some could not be measured (their kind's model is not installed, or the
queries file has no query of that kind): not measured is never counted as met.`;

/** The exit code for the verdict of a run's thresholds (2 is the harness failing, decided before). */
export const EXIT_CODES: Record<ThresholdVerdict, number> = { passed: 0, failed: 1, 'not measured': 3 };

export interface CliOptions {
  videosDir: string;
  queriesFile: string;
  outFile: string | null;
  distDir: string | null;
  timeoutMin: number;
  thresholds: Threshold[];
}

export class UsageError extends Error {
  override name = 'UsageError';
}

const METRIC_FLAGS: Record<string, { metric: ThresholdMetric; counting: Counting }> = {
  '--min-recall1': { metric: 'recall1', counting: 'all' },
  '--min-recall5': { metric: 'recall5', counting: 'all' },
  '--min-mrr': { metric: 'reciprocalRank', counting: 'all' },
  '--min-confident-recall1': { metric: 'recall1', counting: 'confident' },
  '--min-confident-recall5': { metric: 'recall5', counting: 'confident' },
  '--min-confident-mrr': { metric: 'reciprocalRank', counting: 'confident' },
};

function share(flag: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new UsageError(`${flag}: "${raw}" is not a number between 0 and 1`);
  }
  return value;
}

/** "ocr=0.9" or "ocr=0.9,face=0.75". */
function kindThresholds(flag: string, { metric, counting }: { metric: ThresholdMetric; counting: Counting }, raw: string): Threshold[] {
  return raw.split(',').map((part) => {
    const [kind, value, extra] = part.split('=');
    if (value === undefined || extra !== undefined) throw new UsageError(`${flag}: "${part}" should look like ocr=0.9`);
    if (!(QUERY_KINDS as readonly string[]).includes(kind!.trim()) || kind!.trim() === 'negative') {
      throw new UsageError(`${flag}: unknown kind "${kind}" (one of ${QUERY_KINDS.filter((k) => k !== 'negative').join(', ')})`);
    }
    return { metric, kind: kind!.trim() as QueryKind, counting, min: share(flag, value) };
  });
}

export function parseArgs(argv: readonly string[], env: Record<string, string | undefined> = {}): CliOptions {
  let videosDir: string | null = null;
  let queriesFile: string | null = null;
  let outFile: string | null = null;
  let distDir: string | null = env.HEIMDEX_DIST ?? null;
  let timeoutMin = 30;
  const thresholds: Threshold[] = [];

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    // --flag=value and --flag value both work.
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const value = (): string => {
      if (eq !== -1) return arg.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    if (flag === '--videos') videosDir = value();
    else if (flag === '--queries') queriesFile = value();
    else if (flag === '--out') outFile = value();
    else if (flag === '--dist') distDir = value();
    else if (flag === '--timeout-min') {
      const raw = value();
      timeoutMin = Number(raw);
      if (!Number.isFinite(timeoutMin) || timeoutMin <= 0) throw new UsageError(`--timeout-min: "${raw}" is not a positive number`);
    } else if (flag in METRIC_FLAGS) thresholds.push(...kindThresholds(flag, METRIC_FLAGS[flag]!, value()));
    else if (flag === '--min-negative-pass') thresholds.push({ metric: 'negativePass', kind: 'negative', counting: 'confident', min: share(flag, value()) });
    else throw new UsageError(`unknown argument "${arg}"`);
  }
  if (!videosDir) throw new UsageError('--videos DIR is required');
  if (!queriesFile) throw new UsageError('--queries FILE is required');
  return { videosDir, queriesFile, outFile, distDir, timeoutMin, thresholds };
}
