// Test support for the tests that need real hub weights (Whisper, CLIP-family). Those weights are not
// in the repository and cannot be downloaded everywhere, so such tests run only when the files are in
// public/models/<model-id>/ — and otherwise say loudly what is missing and how to get it.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The app's model folder: <repo>/public/models. */
export const PUBLIC_MODELS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../public/models');

export interface ModelFilesCheck {
  present: boolean;
  missing: string[];
  /** Why a test is skipped, or null when it can run. */
  skipReason: string | null;
}

/**
 * Checks that every file exists (and is not empty) under public/models/<modelId>/, and that the Node
 * runtime transformers.js needs is there. When something is missing, warns at collection time with the
 * exact paths and the command that brings them.
 */
export function checkModelFiles(label: string, modelId: string, files: readonly string[]): ModelFilesCheck {
  const dir = join(PUBLIC_MODELS_DIR, modelId);
  const missing = files.filter((f) => {
    const path = join(dir, f);
    return !existsSync(path) || statSync(path).size === 0;
  });
  let skipReason: string | null = null;
  if (missing.length > 0) {
    skipReason =
      `${label} SKIPPED: model ${modelId} is not installed — missing ${missing.length} of ${files.length} files in ${dir}: ` +
      `${missing.join(', ')}. Run \`npm run models:fetch\` to download them (hub weights; needs network).`;
  } else {
    const runtime = onnxRuntimeNodeProblem();
    if (runtime) skipReason = `${label} SKIPPED: onnxruntime-node cannot load here (${runtime}); transformers.js needs it in Node.`;
  }
  if (skipReason) console.warn(`\n⚠️  ${skipReason}\n`);
  return { present: missing.length === 0, missing, skipReason };
}

/** Why onnxruntime-node (transformers.js's Node runtime) cannot load, or null when it can. */
export function onnxRuntimeNodeProblem(): string | null {
  try {
    createRequire(import.meta.url)('onnxruntime-node');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * The per-module dtype public/models/models.json installs for a hub repo (what `npm run models:fetch`
 * downloads), so a model test loads exactly the files that were fetched; null when the manifest has
 * no such entry or gives one dtype for the whole model.
 */
export function installedDtype<T extends object>(repo: string): T | null {
  try {
    const manifest = JSON.parse(readFileSync(join(PUBLIC_MODELS_DIR, 'models.json'), 'utf8')) as {
      models?: { source?: { kind?: string; repo?: string }; dtype?: unknown }[];
    };
    const entry = manifest.models?.find((m) => m.source?.kind === 'hub' && m.source.repo === repo);
    return entry && typeof entry.dtype === 'object' && entry.dtype !== null ? (entry.dtype as T) : null;
  } catch {
    return null;
  }
}
