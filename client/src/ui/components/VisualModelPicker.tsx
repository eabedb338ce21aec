import { createSignal, For, Show, type JSX } from 'solid-js';
import type { ReembedProgress, VisualModelChoice } from '../../app/visual-model.ts';
import type { ModelStatus } from '../../ml/registry.ts';
import { describeReembed } from '../models.ts';
import { errorMessage } from '../notices.ts';
import { createLoader } from '../reactive.ts';
import { ProgressBar } from './ProgressBar.tsx';

export interface VisualModelPickerProps {
  /** The visual models of the manifest, with presence and which is selected. */
  models: readonly ModelStatus[];
  choose(modelId: string): Promise<VisualModelChoice>;
  /** Starts downloading a model that is not on this device (only a model on the device can be chosen). */
  download(modelId: string): void;
  progress(): Promise<ReembedProgress | null>;
  /** Changes whenever the pipeline moves on: the progress is read again then. */
  pipelineKey: string;
  /** Called after a choice, so the model list is asked again. */
  onChosen(): void;
}

/** Settings: which visual model embeds keyframes and queries, and how far the library's re-embedding has got. */
export function VisualModelPicker(props: VisualModelPickerProps): JSX.Element {
  const [busy, setBusy] = createSignal(false);
  const [message, setMessage] = createSignal<{ text: string; error: boolean } | null>(null);
  const [asked, setAsked] = createSignal(0);
  const progress = createLoader(() => `${asked()}|${props.pipelineKey}`, () => props.progress());
  const nameOf = (id: string) => props.models.find((m) => m.id === id)?.name ?? id;

  const pick = async (modelId: string) => {
    setBusy(true);
    setMessage(null);
    try {
      const outcome = await props.choose(modelId);
      if (outcome.notInstalled) setMessage({ text: outcome.notInstalled, error: true });
      else if (outcome.queued > 0) setMessage({ text: `${outcome.queued} ${outcome.queued === 1 ? 'video is' : 'videos are'} re-embedded in the background; until then search uses the videos already on ${nameOf(modelId)}.`, error: false });
      else setMessage({ text: `Every video already uses ${nameOf(modelId)}.`, error: false });
    } catch (error) {
      setMessage({ text: `Could not switch the visual model: ${errorMessage(error)}`, error: true });
    } finally {
      setBusy(false);
      setAsked((n) => n + 1);
      props.onChosen();
    }
  };

  const line = () => {
    const p = progress.value() ?? null;
    return p ? describeReembed(p, nameOf(p.modelId)) : null;
  };

  return (
    <fieldset class="visual-model-picker" data-testid="visual-model-picker" disabled={busy()}>
      <legend>Visual search model</legend>
      <p class="muted">
        Embeds every keyframe and every search. Vectors of two models are never compared: after a change, videos are
        re-embedded in the background.
      </p>
      <For each={props.models}>
        {(model) => (
          <label class="visual-model-option" data-testid="visual-model-option" data-model-id={model.id}>
            <input
              type="radio"
              name="visual-model"
              value={model.id}
              checked={model.selected}
              disabled={!model.present && !model.selected}
              onChange={() => void pick(model.id)}
            />
            <span class="visual-model-name">{model.name}</span>
            <Show when={model.default}>
              <span class="tag">Default</span>
            </Show>
            <Show when={!model.present}>
              <span class="visual-model-missing">Not on this device</span>
              <button type="button" class="btn btn--small" data-testid="visual-model-download" onClick={() => props.download(model.id)}>
                Download
              </button>
            </Show>
          </label>
        )}
      </For>
      <Show when={message()}>
        {(m) => (
          <p class={m().error ? 'error-text' : 'muted'} role="status" data-testid="visual-model-message">
            {m().text}
          </p>
        )}
      </Show>
      <Show when={line()}>
        {(text) => (
          <div class="visual-model-progress" data-testid="reembed-progress">
            <p role="status">{text()}</p>
            <Show when={(progress.value()?.waiting ?? 0) > 0}>
              <ProgressBar value={(progress.value()!.done) / progress.value()!.total} label="Re-embedding" />
            </Show>
          </div>
        )}
      </Show>
    </fieldset>
  );
}
