/**
 * How Settings shows the on-device models. Pure: no DOM, no Solid (unit-tested in Node).
 * The statuses come from the ML worker through `library.models()`.
 */
import type { ReembedProgress } from '../db/visual-model.ts';
import type { ModelStatus, ModelTask } from '../ml/registry.ts';

/** What each task does for the user, in the order Settings lists them. */
export const TASK_LABELS: Record<ModelTask, string> = {
  speech: 'Speech',
  visual: 'Visual search',
  ocr: 'On-screen text',
  faces: 'Faces',
};

export type ModelDevice = NonNullable<ModelStatus['device']>;

export const DEVICE_LABELS: Record<ModelDevice, string> = {
  webgpu: 'WebGPU',
  wasm: 'WASM',
};

/** loaded: the worker has it in memory; ready: its files are here, not loaded yet; missing: not installed; failed: did not load. */
export type ModelCondition = 'loaded' | 'ready' | 'missing' | 'failed';

export interface ModelView {
  condition: ModelCondition;
  /** One short line: "Loaded on WebGPU in 420 ms", "Ready (not loaded yet)", "Not installed", "Failed to load". */
  label: string;
  /** What went wrong and what to do (it may quote a command in `backticks`); null when all is well. */
  detail: string | null;
}

export function describeModel(status: ModelStatus): ModelView {
  if (status.loaded) {
    const where = status.device ? ` on ${DEVICE_LABELS[status.device]}` : '';
    const time = isValidMs(status.loadMs) ? ` in ${Math.round(status.loadMs)} ms` : '';
    return { condition: 'loaded', label: `Loaded${where}${time}`, detail: null };
  }
  if (!status.present) {
    return { condition: 'missing', label: 'Not installed', detail: status.error || 'Its files are not on this device.' };
  }
  if (status.error) {
    // The worker's text already starts with "Failed to load:", which the label says.
    return { condition: 'failed', label: 'Failed to load', detail: status.error.replace(/^failed to load:\s*/i, '') || null };
  }
  return { condition: 'ready', label: 'Ready (not loaded yet)', detail: null };
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

export interface TextPart {
  text: string;
  /** A command or path quoted in `backticks`: shown as code. */
  code: boolean;
}

/** Splits "run `npm run models:fetch`." into plain and code parts (an unpaired backtick stays plain text). */
export function splitCode(text: string): TextPart[] {
  const parts: TextPart[] = [];
  const pattern = /`([^`]+)`/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const at = match.index;
    if (at > last) parts.push({ text: text.slice(last, at), code: false });
    parts.push({ text: match[1] ?? '', code: true });
    last = at + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), code: false });
  return parts;
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
