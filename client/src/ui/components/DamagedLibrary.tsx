import { createSignal, Show, type JSX } from 'solid-js';
import type { Backup } from '../../app/backup.ts';
import { errorMessage } from '../notices.ts';
import { createDocumentTitle } from '../reactive.ts';
import { BackupProgress } from './BackupProgress.tsx';
import { Icon, Logo } from './Icon.tsx';
import { RestoreBackup } from './RestoreBackup.tsx';

/**
 * Shown instead of the app when the library stored in this browser cannot be opened. Nothing is deleted unless the
 * person asks: they can save its raw data (for a later version of Heimdex, or for help), restore a backup, or start
 * over with an empty library after confirming. `details` is the database's own words, behind "Show details".
 */
export function DamagedLibrary(props: { details: string | null; backup: Backup }): JSX.Element {
  createDocumentTitle(() => 'Library could not be opened');
  const [withVideos, setWithVideos] = createSignal(true);
  const [confirmStartOver, setConfirmStartOver] = createSignal(false);
  const [message, setMessage] = createSignal<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const busy = () => props.backup.progress() !== null;

  const run = async (work: () => Promise<boolean>, done?: string) => {
    setMessage(null);
    try {
      if ((await work()) && done) setMessage({ tone: 'ok', text: done });
    } catch (error) {
      setMessage({ tone: 'error', text: errorMessage(error) });
    }
  };

  return (
    <main class="tab-gate damaged-library" data-testid="damaged-library">
      <div class="tab-gate-brand">
        <Logo />
        <span class="brand-name">Heimdex</span>
      </div>
      <section class="empty damaged-library-body">
        <Icon name="alert" size={36} class="empty-icon" />
        <h1>Your library could not be opened</h1>
        <p>
          Heimdex could not read the library stored in this browser. Nothing has been deleted. You can save its data, restore a
          backup in its place, or start over with an empty library.
        </p>
        <Show when={props.details}>
          {(details) => (
            <details class="failure-details">
              <summary>Show details</summary>
              <p class="failure-details-text">{details()}</p>
            </details>
          )}
        </Show>

        <div class="damaged-library-step">
          <h2>Save its data</h2>
          <p class="muted">One file with everything stored for the library, as it is. Keep it if you may want to recover it later.</p>
          <label class="backup-option">
            <input type="checkbox" checked={withVideos()} disabled={busy()} onChange={(event) => setWithVideos(event.currentTarget.checked)} />
            <span>Include the videos themselves</span>
          </label>
          <button
            type="button"
            class="btn btn--primary"
            data-testid="download-raw"
            disabled={busy()}
            onClick={() => void run(() => props.backup.downloadRaw(withVideos()), 'The library’s data is saved.')}
          >
            <Icon name="download" size={16} />
            Download its raw data
          </button>
        </div>

        <div class="damaged-library-step">
          <h2>Restore a backup</h2>
          <RestoreBackup backup={props.backup} />
        </div>

        <div class="damaged-library-step">
          <h2>Start over</h2>
          <Show
            when={confirmStartOver()}
            fallback={
              <button type="button" class="btn" data-testid="start-over" disabled={busy()} onClick={() => setConfirmStartOver(true)}>
                Start over…
              </button>
            }
          >
            <div class="restore-confirm" role="alertdialog" aria-label="Start over">
              <p>
                <strong>The library stored in this browser is deleted</strong>, with its videos, and Heimdex starts with an empty one.
                Save its data first if you may want it later.
              </p>
              <div class="restore-confirm-actions">
                <button
                  type="button"
                  class="btn btn--danger"
                  data-testid="confirm-start-over"
                  disabled={busy()}
                  onClick={() => void run(() => props.backup.startOver())}
                >
                  Delete it and start over
                </button>
                <button type="button" class="btn" disabled={busy()} onClick={() => setConfirmStartOver(false)}>
                  Cancel
                </button>
              </div>
            </div>
          </Show>
        </div>

        <BackupProgress progress={props.backup.progress()} />
        <Show when={message()}>
          {(m) => (
            <p class={m().tone === 'error' ? 'error-text' : 'backup-done'} role={m().tone === 'error' ? 'alert' : 'status'} data-testid="damaged-message">
              {m().text}
            </p>
          )}
        </Show>
      </section>
    </main>
  );
}
