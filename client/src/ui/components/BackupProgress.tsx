import { Show, type JSX } from 'solid-js';
import type { BackupProgress as Progress } from '../../app/backup.ts';
import { ProgressBar } from './ProgressBar.tsx';

/** Where a backup, restore or raw-data download stands: a bar when it can be measured, else a spinner. */
export function BackupProgress(props: { progress: Progress | null }): JSX.Element {
  return (
    <Show when={props.progress}>
      {(progress) => (
        <div class="backup-progress" data-testid="backup-progress" aria-live="polite">
          <p>
            <Show when={progress().fraction === null}>
              <span class="spinner" aria-hidden="true" />
            </Show>
            {progress().label}
          </p>
          <Show when={progress().fraction !== null}>
            <ProgressBar value={progress().fraction!} label={progress().label} />
          </Show>
        </div>
      )}
    </Show>
  );
}
