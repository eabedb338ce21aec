import { createSignal, Show, type JSX } from 'solid-js';
import type { Backup } from '../../app/backup.ts';
import { formatBytes } from '../format.ts';
import { errorMessage } from '../notices.ts';
import { createLoader } from '../reactive.ts';
import { BackupProgress } from './BackupProgress.tsx';
import { Icon } from './Icon.tsx';
import { SettingsSection } from './SettingsSection.tsx';
import { RestoreBackup } from './RestoreBackup.tsx';

/**
 * Settings → Backup: download the whole library as one file (the videos themselves on request) and restore one,
 * e.g. in another browser or after a reset. `videosKey` changes when the stored videos may have.
 */
export function BackupPanel(props: { backup: Backup; videosKey: string }): JSX.Element {
  const [withVideos, setWithVideos] = createSignal(false);
  const [message, setMessage] = createSignal<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const size = createLoader(() => props.videosKey, () => props.backup.videosBytes());
  const busy = () => props.backup.progress() !== null;

  const download = async () => {
    setMessage(null);
    try {
      if (await props.backup.download(withVideos())) setMessage({ tone: 'ok', text: 'Your backup is saved. Keep it somewhere safe, away from this device.' });
    } catch (error) {
      setMessage({ tone: 'error', text: errorMessage(error) });
    }
  };

  return (
    <SettingsSection id="backup" title="Backup">
      <div class="settings-intro">
        <p>
          Save your whole library in one file: what was found in your videos, the people you named and merged, your choices.
          Restore it in another browser or on this one after a reset.
        </p>
      </div>
      <div class="backup-actions">
        <label class="backup-option">
          <input
            type="checkbox"
            data-testid="backup-include-videos"
            checked={withVideos()}
            disabled={busy()}
            onChange={(event) => setWithVideos(event.currentTarget.checked)}
          />
          <span>
            Include the videos themselves
            <Show when={size.value() !== undefined}> ({formatBytes(size.value()!)})</Show>
          </span>
        </label>
        <button type="button" class="btn btn--primary" data-testid="backup-download" disabled={busy()} onClick={() => void download()}>
          <Icon name="download" size={16} />
          Download a backup
        </button>
      </div>
      <BackupProgress progress={props.backup.progress()} />
      <Show when={message()}>
        {(m) => (
          <p class={m().tone === 'error' ? 'error-text' : 'backup-done'} role={m().tone === 'error' ? 'alert' : 'status'} data-testid="backup-message">
            {m().text}
          </p>
        )}
      </Show>
      <RestoreBackup backup={props.backup} />
    </SettingsSection>
  );
}
