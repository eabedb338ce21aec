import { createSignal, Show, type JSX } from 'solid-js';
import { useApp } from '../context.tsx';
import { toPercent } from '../format.ts';
import { errorMessage } from '../notices.ts';
import { clipFileName } from '../search-format.ts';
import { Icon } from './Icon.tsx';

type ExportState = { phase: 'idle' } | { phase: 'exporting'; progress: number } | { phase: 'error'; message: string };

/** A download link outlives the click by this long: revoking at once can cancel the download. */
const URL_LIFETIME_MS = 60_000;

function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), URL_LIFETIME_MS);
}

/**
 * Saves [startS, endS] of the video as a file of its own (cut on this device, no re-encoding), named
 * "<title> 00-12–00-20.mp4". Disabled with its progress while it runs; a failure is said next to it.
 */
export function ClipExportButton(props: { videoId: string; title: string; startS: number; endS: number }): JSX.Element {
  const { library } = useApp();
  const [state, setState] = createSignal<ExportState>({ phase: 'idle' });
  const exporting = () => state().phase === 'exporting';

  const run = async () => {
    if (exporting()) return;
    const { videoId, title, startS, endS } = props;
    setState({ phase: 'exporting', progress: 0 });
    try {
      const blob = await library.exportClip(videoId, startS, endS, (progress) => {
        if (state().phase === 'exporting') setState({ phase: 'exporting', progress });
      });
      download(blob, clipFileName(title, startS, endS, blob.type));
      setState({ phase: 'idle' });
    } catch (error) {
      setState({ phase: 'error', message: `The clip could not be exported: ${errorMessage(error)}` });
    }
  };

  const progress = () => {
    const current = state();
    return current.phase === 'exporting' ? current.progress : null;
  };
  const failure = () => {
    const current = state();
    return current.phase === 'error' ? current.message : null;
  };

  return (
    <span class="clip-export">
      <button
        type="button"
        class="btn btn--small"
        data-testid="export-clip"
        data-state={state().phase}
        disabled={exporting()}
        aria-busy={exporting()}
        onClick={() => void run()}
      >
        <Show when={progress() !== null} fallback={<><Icon name="film" size={16} />Export clip</>}>
          <span class="spinner" aria-hidden="true" />
          Exporting… {toPercent(progress())}%
        </Show>
      </button>
      <Show when={failure()}>
        {(message) => (
          <span class="clip-export-error error-text" role="alert" data-testid="export-error">
            {message()}
          </span>
        )}
      </Show>
    </span>
  );
}
