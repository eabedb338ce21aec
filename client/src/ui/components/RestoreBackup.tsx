import { createSignal, Show, type JSX } from 'solid-js';
import type { Backup, BackupManifest } from '../../app/backup.ts';
import { errorMessage } from '../notices.ts';
import { Icon } from './Icon.tsx';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What a chosen backup holds, in one sentence. */
function describeBackup(manifest: BackupManifest): string {
  const when = new Date(manifest.createdAt).toLocaleString(undefined, { dateStyle: 'long', timeStyle: 'short' });
  const counts = manifest.counts;
  const holds = counts
    ? `${plural(counts.videos, 'video', 'videos')}, ${plural(counts.scenes, 'scene', 'scenes')} and ${plural(counts.people, 'person', 'people')}`
    : 'a library';
  const media = manifest.videos
    ? 'with the videos themselves'
    : 'without the videos themselves (their scenes can be searched, but not played until you import the videos again)';
  return `This backup from ${when} holds ${holds}, ${media}.`;
}

/**
 * "Restore from a backup…": the person picks a file, sees what it holds and confirms that it replaces this device's
 * library; a file that is not a backup to restore is refused in a sentence and nothing changes.
 */
export function RestoreBackup(props: { backup: Backup }): JSX.Element {
  let input!: HTMLInputElement;
  const [chosen, setChosen] = createSignal<{ file: File; manifest: BackupManifest } | null>(null);
  const [message, setMessage] = createSignal<string | null>(null);
  const busy = () => props.backup.progress() !== null;

  const pick = async (file: File | undefined) => {
    input.value = '';
    if (!file) return;
    setMessage(null);
    setChosen(null);
    try {
      setChosen({ file, manifest: await props.backup.inspect(file) });
    } catch (error) {
      setMessage(errorMessage(error));
    }
  };

  const restore = async () => {
    const backup = chosen();
    if (!backup) return;
    setMessage(null);
    try {
      await props.backup.restore(backup.file, backup.manifest); // the app starts again on the restored library
    } catch (error) {
      setMessage(`${errorMessage(error)} Your library was not changed.`);
    } finally {
      setChosen(null);
    }
  };

  return (
    <div class="restore-backup">
      <input
        ref={input}
        type="file"
        accept=".tar,application/x-tar"
        hidden
        data-testid="restore-input"
        onChange={(event) => void pick(event.currentTarget.files?.[0])}
      />
      <button type="button" class="btn" data-testid="restore-choose" disabled={busy()} onClick={() => input.click()}>
        <Icon name="upload" size={16} />
        Restore from a backup…
      </button>
      <Show when={chosen()}>
        {(backup) => (
          <div class="restore-confirm" role="alertdialog" aria-labelledby="restore-confirm-heading" data-testid="restore-confirm">
            <h3 id="restore-confirm-heading">Replace the library on this device?</h3>
            <p>{describeBackup(backup().manifest)}</p>
            <p>
              <strong>Restoring replaces everything in the library on this device</strong> with what the backup holds. Anything here
              that is not in the backup is gone afterwards.
            </p>
            <div class="restore-confirm-actions">
              <button type="button" class="btn btn--danger" data-testid="restore-confirm-button" disabled={busy()} onClick={() => void restore()}>
                Replace this device’s library
              </button>
              <button type="button" class="btn" disabled={busy()} onClick={() => setChosen(null)}>
                Cancel
              </button>
            </div>
          </div>
        )}
      </Show>
      <Show when={message()}>
        <p class="error-text" role="alert" data-testid="restore-error">
          {message()}
        </p>
      </Show>
    </div>
  );
}
