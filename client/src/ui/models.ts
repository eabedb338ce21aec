/**
 * How Settings shows the on-device models. Pure: no DOM, no Solid (unit-tested in Node).
 * The statuses come from the ML worker through `library.models.list()`.
 */
import type { InstallState } from '../app/models.ts';
import type { ReembedProgress } from '../app/visual-model.ts';
import type { ModelStatus, ModelTask } from '../ml/registry.ts';
import { formatBytes } from './format.ts';

/** What each task does for the user, in the order Settings lists them. */
export const TASK_LABELS: Record<ModelTask, string> = {
  speech: 'Speech',
  visual: 'Visual search',
  ocr: 'On-screen text',
  faces: 'Faces',
  meaning: 'Meaning',
};

export type ModelDevice = NonNullable<ModelStatus['device']>;

export const DEVICE_LABELS: Record<ModelDevice, string> = {
  webgpu: 'WebGPU',
  wasm: 'WASM',
};

/** What each task makes possible, in the words Settings uses. */
export const TASK_PURPOSES: Record<ModelTask, string> = {
  speech: 'Makes spoken words searchable.',
  visual: 'Finds scenes by what they show, and scenes that look alike.',
  ocr: 'Makes text on signs, slides and screens searchable.',
  faces: 'Finds faces and groups them into people you can name.',
  meaning: 'Finds what was said or shown in other words, in many languages ("revenue went up" finds "revenue grew").',
};

/**
 * loaded: the worker has it in memory; ready: on this device, not loaded yet; downloading; missing: not on this
 * device; failed: a download or the load failed.
 */
export type ModelCondition = 'loaded' | 'ready' | 'downloading' | 'missing' | 'failed';

export interface ModelView {
  condition: ModelCondition;
  /** One short line: "On this device · runs on WASM", "Downloading 45% (5.4 of 12 MB)", "Not on this device". */
  label: string;
  /** What went wrong or what to know, in plain words; null when all is well. */
  detail: string | null;
  /** 0..1 while downloading with a known size. */
  progress: number | null;
  /** "12 MB" or "about 80 MB": what a download takes (or took). */
  size: string;
  actions: ('download' | 'cancel' | 'remove')[];
}

function sizeOf(status: ModelStatus): string {
  const bytes = status.present ? status.storedBytes : status.downloadBytes;
  if (bytes === null) return '';
  return status.present || status.downloadBytesExact ? formatBytes(bytes) : `about ${formatBytes(bytes)}`;
}

export function describeModel(status: ModelStatus, install?: InstallState): ModelView {
  const size = sizeOf(status);
  if (install?.phase === 'downloading') {
    const total = install.totalBytes ?? status.downloadBytes;
    const progress = total ? Math.min(1, install.receivedBytes / total) : null;
    const amount = total ? ` (${formatBytes(install.receivedBytes)} of ${formatBytes(total)})` : ` (${formatBytes(install.receivedBytes)})`;
    const label = `Downloading${progress === null ? '' : ` ${Math.floor(progress * 100)}%`}${install.receivedBytes > 0 ? amount : ''}`;
    return { condition: 'downloading', label, detail: null, progress, size, actions: ['cancel'] };
  }
  if (!status.present) {
    if (install?.phase === 'failed') {
      const detail = install.offline ? 'This device is offline. What was downloaded is kept; try again once you are back online.' : install.message;
      return { condition: 'failed', label: 'Download stopped', detail, progress: null, size, actions: ['download'] };
    }
    const partly = status.storedBytes > 0 ? ` (${formatBytes(status.storedBytes)} downloaded so far)` : '';
    return { condition: 'missing', label: `Not on this device${partly}`, detail: null, progress: null, size, actions: ['download'] };
  }
  if (status.loaded) {
    const where = status.device ? ` · runs on ${DEVICE_LABELS[status.device]}` : '';
    const time = isValidMs(status.loadMs) ? `, loaded in ${Math.round(status.loadMs)} ms` : '';
    return { condition: 'loaded', label: `On this device${where}${time}`, detail: null, progress: null, size, actions: ['remove'] };
  }
  if (status.error) {
    return { condition: 'failed', label: 'On this device, but it could not be loaded', detail: status.error.replace(/^failed to load:\s*/i, ''), progress: null, size, actions: ['remove'] };
  }
  return { condition: 'ready', label: 'On this device', detail: null, progress: null, size, actions: ['remove'] };
}

function isValidMs(ms: number | null): ms is number {
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0;
}

const TASK_ORDER = Object.keys(TASK_LABELS) as ModelTask[];

/** By task (Speech, Visual search, On-screen text, Faces), the default model first, then by id. */
export function sortModels(models: readonly ModelStatus[]): ModelStatus[] {
  return [...models].sort(
    (a, b) =>
      TASK_ORDER.indexOf(a.task) - TASK_ORDER.indexOf(b.task) || Number(b.default) - Number(a.default) || a.id.localeCompare(b.id),
  );
}

/** The devices that loaded models run on, WebGPU first; empty until a model has been loaded. */
export function devicesInUse(models: readonly ModelStatus[]): ModelDevice[] {
  const used = new Set(models.filter((m) => m.loaded && m.device).map((m) => m.device as ModelDevice));
  return (['webgpu', 'wasm'] as const).filter((device) => used.has(device));
}

/** What the re-embedding line says, or null when there is nothing to say. */
export function describeReembed(progress: ReembedProgress | null, name: string): string | null {
  if (!progress || progress.total === 0) return null;
  if (progress.waiting > 0) return `Re-embedding ${progress.done} of ${progress.total} videos for ${name}…`;
  if (progress.stopped > 0) {
    const n = progress.stopped;
    return `${n} ${n === 1 ? 'video was' : 'videos were'} not re-embedded for ${name} (see ${n === 1 ? 'its' : 'their'} page); ${progress.done} of ${progress.total} were.`;
  }
  return `All ${progress.total} ${progress.total === 1 ? 'video uses' : 'videos use'} ${name}.`;
}
